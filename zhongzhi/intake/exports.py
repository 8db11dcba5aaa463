"""The suggestion ledger (意见建议台账) as Excel: the rows of the staff list, filters and all.

Never a phone number (there is no column for it), and never the name of a submitter
who asked to stay anonymous. Written in openpyxl's write-only mode, so that 150,000
rows stream through without building the whole sheet in memory first.
"""

import io
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from zhongzhi.campaigns.models import Stage
from zhongzhi.core.ledger import HEADER_FILL, HEADER_FONT
from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
from zhongzhi.intake.receipt_codes import format_receipt_code
from zhongzhi.intake.selectors import SuggestionFilters, stage_in

PROGRESS_EVERY = 2_000  # rows between progress reports

COLUMNS: list[tuple[str, int]] = [
    ("编号", 8),
    ("回执号", 13),
    ("活动", 24),
    ("阶段", 12),
    ("提交时间", 17),
    ("渠道", 11),
    ("方面", 18),
    ("群体类别", 12),
    ("涉及单位", 16),
    ("标题", 24),
    ("内容", 60),
    ("提交人", 10),
    ("状态", 8),
    ("附议数", 7),
    ("答复", 40),
    # What the staff list shows of triage (analysis/partials/triage_cells.html).
    ("重复组", 14),
    ("推测方面", 14),
    ("推测把握", 8),
    ("热点问题", 24),
    ("可办性", 7),
]
_FIELDS = [
    "number",
    "receipt_code",
    "campaign_id",
    "campaign__name",
    "submitted_at",
    "channel",
    "topic__name",
    "category__name",
    "unit__name",
    "unit__short_name",
    "title",
    "text",
    "anonymous",
    "submitter_name",
    "status",
    "plus_ones",
    "answer",
    "triage__canonical",
    "triage__group_size",
    "triage__topic_guess__name",
    "triage__topic_confidence",
    "triage__issue__rank",
    "triage__issue__label",
    "triage__score",
]


def _group(canonical: bool | None, size: int | None) -> str | None:
    """The list's duplicate-group cell: the first of several, a copy of the first, or
    nothing (alone in its group, or not triaged yet)."""
    if canonical is None or not size or size < 2:
        return None
    return f"首条 · 共 {size} 条" if canonical else "与首条重复"


def _text(sheet: WriteOnlyWorksheet, value: str | None) -> str | Cell | None:
    """Text stays text: "=HYPERLINK(...)" typed by a resident must not become a formula.

    Empty is None, which write-only mode skips instead of writing an empty cell.
    """
    if not value:
        return None
    if value[0] != "=":
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _round(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def export_filename(filters: SuggestionFilters) -> str:
    name = filters.campaign.name if filters.campaign else _("意见建议")
    return f"{name}-{timezone.localdate():%Y%m%d}.xlsx"


def suggestions_workbook(
    suggestions: QuerySet[Suggestion],
    stages: dict[int, list[Stage]],
    *,
    total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """One row per suggestion of `suggestions` (already scoped and filtered), in its order.

    Reads plain values rather than model instances, and writes plain values rather
    than styled cells: about 30 µs a row instead of a millisecond. `progress(done,
    total)` is called every `PROGRESS_EVERY` rows and at the end.
    """
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in SuggestionStatus.choices}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("意见建议")
    for index, (_title, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        header.append(cell)
    sheet.append(header)
    rows = 0
    for row in suggestions.values_list(*_FIELDS).iterator(chunk_size=2000):
        rows += 1
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress(rows, max(total, rows))
        values = dict(zip(_FIELDS, row, strict=True))
        submitted = timezone.localtime(values["submitted_at"])
        stage = stage_in(stages.get(values["campaign_id"], ()), submitted.date())
        sheet.append(
            [
                values["number"],
                format_receipt_code(values["receipt_code"]),
                _text(sheet, values["campaign__name"]),
                stage.name if stage else None,
                submitted.replace(tzinfo=None),
                channels.get(values["channel"], values["channel"]),
                _text(sheet, values["topic__name"]),
                _text(sheet, values["category__name"]),
                _text(sheet, values["unit__short_name"] or values["unit__name"]),
                _text(sheet, values["title"]),
                _text(sheet, values["text"]),
                # Never the name of a submitter who asked to stay anonymous.
                "匿名" if values["anonymous"] else _text(sheet, values["submitter_name"]),
                statuses.get(values["status"], values["status"]),
                values["plus_ones"],
                _text(sheet, values["answer"]),
                _group(values["triage__canonical"], values["triage__group_size"]),
                _text(sheet, values["triage__topic_guess__name"]),
                _round(values["triage__topic_confidence"], 2)
                if values["triage__topic_guess__name"]
                else None,
                _text(sheet, f"#{values['triage__issue__rank']} {values['triage__issue__label']}")
                if values["triage__issue__rank"]
                else None,
                _round(values["triage__score"], 0),
            ]
        )
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    if progress is not None:
        progress(rows, rows)
    return buffer.getvalue()
