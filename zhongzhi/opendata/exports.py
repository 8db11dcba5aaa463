"""The open-data export of a campaign (公开数据): its suggestions and what came of them,
with personal details removed, as CSV (UTF-8 with a BOM, so that Excel opens it) and
JSON, with the data dictionary (数据字典) beside them.

What is never in it: names, phone numbers, receipt codes, who typed a suggestion in,
idempotency keys, whether the resident asked to stay anonymous (anonymous suggestions
are published like the others, and no suggestion carries a name). The free text (title,
text, answer, the reason of a decision) goes through `masking.mask_text`, with the
submitter's own name masked wherever it appears. An invalid suggestion (spam, abuse)
keeps its row, for the counts, without its title and text.

The public id is the campaign's 编号 (1, 2, 3 … in the order suggestions came in): stable,
quoted by staff, and it tells nothing the export does not (the export has every row, so
the count is public anyway). The receipt code is the resident's key to the receipt page
and the database id counts every campaign's suggestions: neither is published.

Rows stream from one `values_list` query in chunks (and one grouped query for the
measures' states), written as they come.
"""

import csv
import datetime
import io
import json
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Channel, SuggestionStatus
from zhongzhi.opendata.masking import mask_text
from zhongzhi.opendata.selectors import ExportRow, export_rows, export_suggestions
from zhongzhi.rectification.models import MeasureState, ProblemStatus

PROGRESS_EVERY = 2_000
CSV_NAME = "suggestions.csv"
JSON_NAME = "suggestions.json"
DICTIONARY_CSV = "data_dictionary.csv"
DICTIONARY_MD = "数据字典.md"
FILES = (CSV_NAME, JSON_NAME, DICTIONARY_CSV, DICTIONARY_MD)


@dataclass(frozen=True)
class Field:
    key: str  # the JSON key and the dictionary's name for it
    header: str  # the CSV column (Chinese)
    kind: str  # 整数 / 日期 / 文本 / 枚举
    meaning: str
    values: str = ""


def _labels(choices: list[tuple[str, Any]]) -> str:
    return "、".join(str(label) for _value, label in choices)


def fields() -> list[Field]:
    """The export's columns, in order, with what the data dictionary says of each."""
    return [
        Field(
            "id",
            _("编号"),
            _("整数"),
            _("建议在本活动中的编号，按收到的先后从 1 起；公开数据的稳定标识。"),
        ),
        Field(
            "submitted_on",
            _("提交日期"),
            _("日期"),
            _("收到建议的日期（YYYY-MM-DD，北京时间），不含时刻。"),
        ),
        Field("channel", _("渠道"), _("枚举"), _("建议从哪个渠道收到。"), _labels(Channel.choices)),
        Field("topic", _("方面"), _("文本"), _("建议所属的方面（主题）；空表示尚未归类。")),
        Field("category", _("群体类别"), _("文本"), _("提出建议者所属的群体类别；空表示未注明。")),
        Field("unit", _("涉及单位"), _("文本"), _("建议涉及或负责办理的单位；空表示尚未交办。")),
        Field(
            "status",
            _("状态"),
            _("枚举"),
            _("筛选办理到了哪一步。"),
            _labels(SuggestionStatus.choices),
        ),
        Field("reason", _("原因"), _("文本"), _("判为无效或不予采纳的原因（已隐去个人信息）。")),
        Field(
            "merged_into",
            _("合并到"),
            _("整数"),
            _("与另一条建议合并办理时，那条建议的编号；其答复即本条的答复。"),
        ),
        Field("plus_ones", _("附议数"), _("整数"), _("居民对这条建议点“附议”的次数。")),
        Field("title", _("标题"), _("文本"), _("建议的标题（已隐去个人信息）；无效建议不公开。")),
        Field(
            "text",
            _("内容"),
            _("文本"),
            _("建议的内容（已隐去电话、身份证号、姓名等个人信息）；无效建议不公开。"),
        ),
        Field(
            "answer", _("答复"), _("文本"), _("给建议人的答复（已隐去个人信息）；空表示尚未答复。")
        ),
        Field("answered_on", _("答复日期"), _("日期"), _("答复的日期（YYYY-MM-DD）。")),
        Field(
            "problem",
            _("问题编号"),
            _("整数"),
            _("建议被采纳并立为问题（问题清单）时，问题的编号；空表示没有。"),
        ),
        Field(
            "problem_status",
            _("问题状态"),
            _("枚举"),
            _("问题的整改状态。"),
            _labels(ProblemStatus.choices),
        ),
        Field("measures", _("整改措施数"), _("整数"), _("问题下的整改措施条数。")),
        Field(
            "measure_states",
            _("整改措施状态"),
            _("文本"),
            _("各状态的措施条数，如“已核验 2；整改中 1”。"),
            _labels(MeasureState.choices),
        ),
    ]


class Formatter:
    """Turns the values read for a suggestion into the published row (masked)."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.channels = {value: str(label) for value, label in Channel.choices}
        self.statuses = {value: str(label) for value, label in SuggestionStatus.choices}
        self.problem_statuses = {value: str(label) for value, label in ProblemStatus.choices}
        self.measure_states = [(value, str(label)) for value, label in MeasureState.choices]

    def row(self, read: ExportRow) -> dict[str, object]:
        v = read.values
        names = [str(v["submitter_name"])] if v["submitter_name"] else []
        invalid = v["status"] == SuggestionStatus.INVALID
        states: Counter[str] = read.measure_states
        return {
            "id": v["number"],
            "submitted_on": self.day(v["submitted_at"]),
            "channel": self.channels.get(str(v["channel"]), v["channel"]),
            "topic": v["topic__name"] or "",
            "category": v["category__name"] or "",
            "unit": v["unit__short_name"] or v["unit__name"] or "",
            "status": self.statuses.get(str(v["status"]), v["status"]),
            "reason": mask_text(str(v["status_reason"]), names=names),
            "merged_into": v["merged_into__number"],
            "plus_ones": v["plus_ones"],
            "title": "" if invalid else mask_text(str(v["title"]), names=names),
            "text": "" if invalid else mask_text(str(v["text"]), names=names),
            "answer": mask_text(str(v["answer"]), names=names),
            "answered_on": self.day(v["answered_at"]),
            "problem": v["problem_link__problem__number"],
            "problem_status": self.problem_statuses.get(str(v["problem_link__problem__status"]), "")
            if v["problem_link__problem__status"]
            else "",
            "measures": sum(states.values()) if v["problem_link__problem_id"] else None,
            "measure_states": "；".join(
                f"{label} {states[value]}" for value, label in self.measure_states if states[value]
            ),
        }

    def day(self, value: object) -> str:
        """The day in the site's time zone (2026-09-21), no time of day."""
        if not isinstance(value, datetime.datetime):
            return ""
        return value.astimezone(self.zone).date().isoformat()


def published_rows(campaign: Campaign) -> Iterator[dict[str, object]]:
    formatter = Formatter()
    for read in export_rows(campaign):
        yield formatter.row(read)


@dataclass(frozen=True)
class ExportResult:
    rows: int
    files: list[Path]


_FORMULA_START = ("=", "+", "-", "@")


def _csv_cell(value: object) -> object:
    # A cell that Excel would run as a formula (=, +, -, @ first) is kept as text.
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_dictionary(directory: Path, campaign: Campaign, rows: int) -> list[Path]:
    columns = fields()
    csv_path = directory / DICTIONARY_CSV
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_("字段"), _("列名"), _("类型"), _("含义"), _("取值")])
        for column in columns:
            writer.writerow([column.key, column.header, column.kind, column.meaning, column.values])
    md_path = directory / DICTIONARY_MD
    lines = [
        f"# {_('数据字典')}：{campaign.name}",
        "",
        _(
            "本目录是活动“%(name)s”的公开数据：%(rows)d 条意见建议及其办理结果。"
            "%(csv)s（UTF-8，可用 Excel 直接打开）和 %(json)s 内容相同。"
            "已去除姓名、电话、回执号等个人信息，正文中的电话、身份证号、邮箱、QQ/微信号、车牌号和姓名已遮盖。"
        )
        % {"name": campaign.name, "rows": rows, "csv": CSV_NAME, "json": JSON_NAME},
        "",
        f"| {_('字段')} | {_('列名')} | {_('类型')} | {_('含义')} | {_('取值')} |",
        "|---|---|---|---|---|",
    ]
    for column in columns:
        cells = [column.key, column.header, column.kind, column.meaning, column.values]
        lines.append("| " + " | ".join(cells) + " |")
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [csv_path, md_path]


def _json_head(campaign: Campaign) -> str:
    head = {
        "campaign": {
            "id": campaign.pk,
            "name": campaign.name,
            "start_date": campaign.start_date.isoformat() if campaign.start_date else None,
            "end_date": campaign.end_date.isoformat() if campaign.end_date else None,
        },
        "generated_on": timezone.localdate().isoformat(),
        "fields": [column.key for column in fields()],
    }
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "suggestions": [\n'


def write_open_data(
    campaign: Campaign,
    directory: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the campaign's open-data files into `directory` (which exists)."""
    total = export_suggestions(campaign).count() if progress is not None else 0
    columns = fields()
    csv_path, json_path = directory / CSV_NAME, directory / JSON_NAME
    rows = 0
    with (
        csv_path.open("w", encoding="utf-8-sig", newline="") as csv_handle,
        json_path.open("w", encoding="utf-8") as json_handle,
    ):
        writer = csv.writer(csv_handle)
        writer.writerow([column.header for column in columns])
        json_handle.write(_json_head(campaign))
        for row in published_rows(campaign):
            if rows:
                json_handle.write(",\n")
            rows += 1
            writer.writerow([_csv_cell(value) for value in row.values()])
            json_handle.write(json.dumps(row, ensure_ascii=False))
            if progress is not None and rows % PROGRESS_EVERY == 0:
                progress(rows, max(total, rows))
        json_handle.write("\n]}\n")
    files = [csv_path, json_path, *write_dictionary(directory, campaign, rows)]
    if progress is not None:
        progress(rows, rows)
    return ExportResult(rows=rows, files=files)


def open_data_zip_into(
    campaign: Campaign,
    target: BinaryIO,
    *,
    progress: Callable[[int, int], None] | None = None,
    zipping: Callable[[], None] | None = None,
) -> int:
    """The files in one zip written to `target` (the office page's download); returns
    the row count. The files are written to a temporary folder first and then deflated
    at the fastest level: a 151,681-suggestion campaign is 400 MB of CSV and JSON, which
    the default level takes three times as long to pack for a few per cent less."""
    with tempfile.TemporaryDirectory(prefix="zhongzhi-opendata-") as folder:
        result = write_open_data(campaign, Path(folder), progress=progress)
        if zipping is not None:
            zipping()
        with zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as archive:
            for path in result.files:
                archive.write(path, arcname=path.name)
    return result.rows


def open_data_zip(campaign: Campaign) -> tuple[bytes, int]:
    """The zip in memory, for a small campaign exported in the request."""
    buffer = io.BytesIO()
    rows = open_data_zip_into(campaign, buffer)
    return buffer.getvalue(), rows


def zip_filename(campaign: Campaign) -> str:
    return f"{_('公开数据')}-{campaign.name}-{timezone.localdate():%Y%m%d}.zip"
