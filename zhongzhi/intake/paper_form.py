"""Paper forms (意见表): the xlsx template units fill in offline, and its import.

    paper_form_template(*, campaign, actor) -> bytes
    paper_form_import(*, campaign, workbook, actor, progress=None) -> PaperFormResult

The reading, checking and marking machinery is the bulk set-up's
(`zhongzhi.org.imports.workbook`): the upload is checked as a container before it is
parsed, every row is checked before anything is saved, and when any row is wrong
nothing is saved and the user's own workbook comes back with the bad cells marked and
a 错误说明 column. A file that cannot be used at all raises `WorkbookError`.

Each row gets the idempotency key ``xlsx:<SHA-256 of the file>:<row number>``, so
uploading the same file again imports nothing new. Rows are checked with the same
rules as `services.suggestion_submit` (its helpers are called, not copied) and then
inserted with `bulk_create` in batches of `BATCH_SIZE`, each batch its own
transaction so that the progress bar moves: a save broken off half way (a crash, a
restart) is finished by uploading the same file again, without doubles.
"""

import datetime
import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from zhongzhi.campaigns.access import can_manage_campaign, visible_campaigns
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.core.bulk import insert_many
from zhongzhi.intake.folding import fill_search_text
from zhongzhi.intake.models import (
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    Channel,
    Suggestion,
)
from zhongzhi.intake.receipt_codes import new_receipt_code

# The service's own checks, run here cell by cell so each error names its column.
from zhongzhi.intake.services import (
    check_belongs_to_campaign,
    clean_phone,
    clean_text,
    suggestion_numbers_reserve,
)
from zhongzhi.org.access import CHANGE_ROLES, AnyUser, changeable_units, user_memberships
from zhongzhi.org.imports.workbook import (
    MAX_ROWS,
    Column,
    ErrorList,
    ImportResult,
    Progress,
    WorkbookError,
    choice_lookup,
    in_chunks,
    lookup_choice,
    mark_workbook,
    normalise_code,
    read_sheet,
    read_upload,
    workbook_bytes,
    write_instructions,
    write_table,
)
from zhongzhi.org.models import Unit, User
from zhongzhi.triage.normalise import normalise

__all__ = [
    "COLUMNS",
    "PaperFormResult",
    "WorkbookError",
    "access_entry_campaign",
    "entry_campaigns",
    "entry_units",
    "paper_form_import",
    "paper_form_template",
]

SHEET_TITLE = "意见表"
OPTIONS_SHEET = "下拉选项"
BATCH_SIZE = 1000
IDEMPOTENCY_PREFIX = "xlsx"

TITLE, TEXT, TOPIC, CATEGORY, UNIT = "标题", "内容", "方面", "群体类别", "涉及单位"
CHANNEL, NAME, PHONE, ANONYMOUS, DATE = "渠道", "姓名", "手机号", "匿名", "提交日期"
# The column the sheet given back after an import adds (`paper_form_receipts`).
RECEIPT_CODE = "回执号"

COLUMNS: tuple[Column, ...] = (
    Column(TITLE, False, 24, hint="选填。一句话概括，最长 100 字。"),
    Column(TEXT, True, 60, hint="必填。意见建议的内容，照意见表原文录入，最长 5000 字。"),
    Column(TOPIC, False, 26, hint="选填。从下拉列表选择本活动的方面。"),
    Column(CATEGORY, False, 14, hint="选填。提出人的群体类别，从下拉列表选择。"),
    Column(
        UNIT,
        False,
        22,
        text=True,
        hint="选填。建议涉及的单位：单位编码或名称，须在您的管理范围内；"
        "留空为您所在的单位（活动办公室留空为不指定单位）。",
    ),
    Column(CHANNEL, False, 12, hint="选填。留空为“意见表导入”。"),
    Column(NAME, False, 10, hint="选填。提出人姓名，最长 50 字；匿名时不保存。"),
    Column(
        PHONE,
        False,
        15,
        text=True,
        hint="选填。手机号或固定电话（如 0532-82881234），仅用于回访，不会公开。",
    ),
    Column(ANONYMOUS, False, 8, hint="选填。填“是”或“否”，留空为“否”。"),
    Column(DATE, False, 14, text=True, hint="选填。如 2026-10-05；留空为导入时间。不能晚于今天。"),
)

# Which column a field of the service's ValidationError belongs to.
_FIELD_COLUMNS = {
    "title": TITLE,
    "text": TEXT,
    "topic": TOPIC,
    "category": CATEGORY,
    "unit": UNIT,
    "channel": CHANNEL,
    "name": NAME,
    "submitter_name": NAME,
    "submitter_phone": PHONE,
}
_YES = {"是", "y", "yes", "true", "1", "匿名", "√", "✓", "✔"}
_NO = {"否", "n", "no", "false", "0", "不匿名", "实名", "×", "✗"}
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?(?:\.\d+)?)?$"
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_CODE_IN_BRACKETS = re.compile(r"[（(]\s*([^（）()]+?)\s*[）)]\s*$")


# --- Who may enter suggestions for which units ------------------------------------
# These belong in intake/access.py; they live here until its owner takes them.


def entry_units(actor: AnyUser, campaign: Campaign) -> QuerySet[Unit]:
    """Units this user may record suggestions for in this campaign: changeable by
    them and inside the campaign's owning unit."""
    return changeable_units(actor).filter(path__startswith=campaign.owner_unit.path)


def _may_enter(actor: AnyUser, campaign: Campaign) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    owner_path = campaign.owner_unit.path
    return any(
        membership.role in CHANGE_ROLES
        and (
            membership.unit.path.startswith(owner_path)
            or owner_path.startswith(membership.unit.path)
        )
        for membership in user_memberships(actor)
    )


def entry_campaigns(actor: AnyUser) -> list[Campaign]:
    """Campaigns this user may import paper forms and record meetings for."""
    campaigns = visible_campaigns(actor).select_related("owner_unit").order_by("-start_date")
    return [campaign for campaign in campaigns if _may_enter(actor, campaign)]


def access_entry_campaign(actor: AnyUser, campaign_id: int) -> Campaign:
    """The campaign, if this user may enter suggestions for it; 404 otherwise."""
    campaign = visible_campaigns(actor).select_related("owner_unit").filter(pk=campaign_id).first()
    if campaign is None or not _may_enter(actor, campaign):
        raise Http404
    return campaign


def default_entry_unit(actor: AnyUser, campaign: Campaign) -> Unit | None:
    """The unit a row without 涉及单位 is about: none for the campaign office (the
    office assigns it later), else the uploader's own highest unit in the campaign."""
    if can_manage_campaign(actor, campaign):
        return None
    own = [
        membership.unit
        for membership in user_memberships(actor)
        if membership.role in CHANGE_ROLES and campaign.includes_unit(membership.unit)
    ]
    return min(own, key=lambda unit: (unit.depth, unit.path), default=None)


# --- Template ---------------------------------------------------------------------


def _unit_labels(units: Sequence[Unit]) -> list[tuple[Unit, str]]:
    """A unit's name where it is unique, else "name（code）"."""
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.name] = counts.get(unit.name, 0) + 1
    return [
        (unit, unit.name if counts[unit.name] == 1 else f"{unit.name}（{unit.code}）")
        for unit in units
    ]


def _add_list_dropdown(
    ws: Worksheet,
    column_index: int,
    source: str,
    prompt: str,
    *,
    strict: bool = True,
) -> None:
    """A dropdown whose options are a range of the options sheet.

    `workbook.add_dropdown` writes the options inline, which Excel limits to 255
    characters and which breaks on the quotes in topic names such as 推进“六联共建”.
    """
    letter = get_column_letter(column_index)
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=_("请从列表中选择"),
        error=_("请从下拉列表中选择。") if strict else _("不在列表中：请确认是单位编码或名称。"),
        showInputMessage=True,
        promptTitle=_("请选择"),
        prompt=prompt[:250],
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.add_data_validation(validation)


def paper_form_template(*, campaign: Campaign, actor: AnyUser) -> bytes:
    """The 意见表 template of this campaign, with dropdowns for 方面, 群体类别,
    涉及单位 (the units this user may import for), 渠道 and 匿名."""
    topics = [topic.name for topic in Topic.objects.filter(campaign=campaign)]
    categories = [c.name for c in ParticipantCategory.objects.filter(campaign=campaign)]
    units = list(entry_units(actor, campaign).order_by("path")[:5000])
    unit_labels = [label for _unit, label in _unit_labels(units)]
    channels = [str(label) for label in Channel.labels]

    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = SHEET_TITLE
    write_table(ws, COLUMNS)
    index = {column.name: number for number, column in enumerate(COLUMNS, start=1)}

    options = book.create_sheet(OPTIONS_SHEET)
    option_lists = [
        (TOPIC, topics, _("本活动的方面"), True),
        (CATEGORY, categories, _("提出人的群体类别"), True),
        (UNIT, unit_labels, _("也可以填单位编码"), False),
        (CHANNEL, channels, _("留空为“意见表导入”"), True),
        (ANONYMOUS, ["是", "否"], _("留空为“否”"), True),
    ]
    for number, (name, values, prompt, strict) in enumerate(option_lists, start=1):
        letter = get_column_letter(number)
        options.cell(1, number, name)
        for row, value in enumerate(values, start=2):
            options.cell(row, number, value)
        if values:
            source = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
            _add_list_dropdown(ws, index[name], source, prompt, strict=strict)
    options.sheet_state = "hidden"

    example_unit = unit_labels[0] if unit_labels else ""
    write_instructions(
        book,
        [
            _("1. 在“意见表”工作表中每行录入一份意见表（一条意见建议），第一行列名不要修改。"),
            _("2. 只有“内容”必填；方面、群体类别、涉及单位、渠道和匿名请从下拉列表选择。"),
            _("3. 导入前会检查全部行；只要有一行有误，就一行也不导入，并返回标出错误的文件。"),
            _("4. 改正标红的单元格后，可以直接上传返回的文件（“错误说明”列会被忽略）。"),
            _("5. 同一个文件重复上传不会重复导入。一次最多导入 20,000 行。"),
            _("6. 手机号只用于回访提出人，不会公开，也不会出现在任何导出中。"),
        ],
        COLUMNS,
        [
            [
                "老旧楼院加装扶手",
                "我们院里楼梯陡，老人上下楼不方便，建议在各单元楼梯加装扶手。",
                topics[-1] if topics else "",
                categories[-1] if categories else "",
                example_unit,
                str(Channel.PAPER.label),
                "张女士",
                "13800138000",
                "否",
                timezone.localdate().isoformat(),
            ]
        ],
    )
    # The instructions sheet goes second, the hidden options last.
    book.move_sheet(options, offset=len(book.sheetnames) - 1 - book.index(options))
    return workbook_bytes(book)


# --- Import -----------------------------------------------------------------------


@dataclass
class PaperFormResult(ImportResult):
    rows: int = 0  # data rows in the file
    # Rows of this very file imported by an earlier upload: skipped, not doubled.
    already_imported: int = 0
    # When ok: the idempotency-key prefix of this file's rows, ``xlsx:<SHA-256>``; the
    # suggestions it imported (now or before) are found by it (`imported_suggestions`).
    batch: str = ""


@functools.lru_cache(maxsize=4096)
def _name_key(text: str) -> str:
    """Names compared the way people type them: script, width, quotes and spaces folded."""
    return normalise(text).replace('"', "").replace("'", "").replace(" ", "")


@dataclass
class _Lookups:
    topics: dict[str, Topic]
    categories: dict[str, ParticipantCategory]
    units_by_code: dict[str, Unit]
    units_by_name: dict[str, Unit | None]  # None: several units share the name
    default_unit: Unit | None
    channels: dict[str, str]

    @classmethod
    def build(cls, campaign: Campaign, actor: AnyUser) -> "_Lookups":
        units = list(
            entry_units(actor, campaign).only("pk", "code", "name", "short_name", "path", "depth")
        )
        by_name: dict[str, Unit | None] = {}  # None: several units answer to the name
        for unit in units:
            for label in {unit.name, unit.short_name} - {""}:
                key = _name_key(label)
                by_name[key] = unit if by_name.get(key, unit) == unit else None
        return cls(
            topics={_name_key(t.name): t for t in Topic.objects.filter(campaign=campaign)},
            categories={
                _name_key(c.name): c for c in ParticipantCategory.objects.filter(campaign=campaign)
            },
            units_by_code={normalise_code(u.code).casefold(): u for u in units},
            units_by_name=by_name,
            default_unit=default_entry_unit(actor, campaign),
            channels=choice_lookup(Channel.choices),
        )

    def unit(self, raw: str) -> tuple[Unit | None, str]:
        """(unit, "") or (None, reason). Unknown and out of scope read the same."""
        code = normalise_code(raw).casefold()
        if code in self.units_by_code:
            return self.units_by_code[code], ""
        if bracketed := _CODE_IN_BRACKETS.search(raw):
            found = self.units_by_code.get(normalise_code(bracketed.group(1)).casefold())
            if found is not None:
                return found, ""
        key = _name_key(raw)
        if key in self.units_by_name:
            unit = self.units_by_name[key]
            if unit is None:
                return None, _("有多个单位名为“%(name)s”，请填写单位编码。") % {"name": raw}
            return unit, ""
        return None, _(
            "涉及单位“%(unit)s”不存在或不在您的管理范围内。请填写单位编码或从下拉列表中选择。"
        ) % {"unit": raw}


def _parse_date(raw: str, today: datetime.date) -> tuple[datetime.datetime | None, str]:
    """(aware datetime, "") or (None, reason) for what was typed in 提交日期."""
    text = normalise_code(raw)
    moment: datetime.datetime | None = None
    if text.isdigit() and 20000 <= int(text) <= 80000:  # an Excel date serial number
        day = _EXCEL_EPOCH + datetime.timedelta(days=int(text))
        moment = datetime.datetime.combine(day, datetime.time())
    elif match := _DATE.match(text):
        year, month, day_of_month, hour, minute, second = match.groups()
        try:
            moment = datetime.datetime(
                int(year),
                int(month),
                int(day_of_month),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
            )
        except ValueError:
            moment = None
    if moment is None or moment.year < 2000:
        return None, _("提交日期“%(date)s”无法识别，请写成 2026-10-05 这样的格式。") % {"date": raw}
    if moment.date() > today:
        return None, _("提交日期不能晚于今天。")
    return timezone.make_aware(moment), ""


def _add(errors: ErrorList, number: int, error: ValidationError) -> None:
    for field_name, messages in error.message_dict.items():
        column = _FIELD_COLUMNS.get(field_name, TEXT)
        if not errors.has(number, column):
            errors.add(number, column, " ".join(messages))


def _check_row(
    number: int,
    values: dict[str, str],
    *,
    campaign: Campaign,
    lookups: _Lookups,
    actor: User | None,
    key: str,
    now: datetime.datetime,
    errors: ErrorList,
) -> Suggestion | None:
    """An unsaved Suggestion for a row, or None with its errors added."""
    before = len(errors.errors)
    text = title = name = phone = ""
    for field_name, column, limit, required in (
        ("text", TEXT, MAX_TEXT_LENGTH, True),
        ("title", TITLE, MAX_TITLE_LENGTH, False),
    ):
        try:
            cleaned = clean_text(field_name, values.get(column, ""), limit, required=required)
        except ValidationError as error:
            _add(errors, number, error)
            continue
        if field_name == "text":
            text = cleaned
        else:
            title = cleaned

    raw_anonymous = normalise_code(values.get(ANONYMOUS, "")).casefold()
    anonymous = raw_anonymous in _YES
    if raw_anonymous and not anonymous and raw_anonymous not in _NO:
        errors.add(number, ANONYMOUS, _("匿名一栏请填“是”或“否”（留空为“否”）。"))
    if not anonymous:
        try:
            name = clean_text("name", values.get(NAME, ""), 50, required=False)
        except ValidationError as error:
            _add(errors, number, error)
    try:
        phone = clean_phone(values.get(PHONE, ""))
    except ValidationError as error:
        _add(errors, number, error)

    topic = category = None
    if raw := values.get(TOPIC, ""):
        topic = lookups.topics.get(_name_key(raw))
        if topic is None:
            errors.add(
                number,
                TOPIC,
                _("方面“%(topic)s”不是本活动的方面，请从下拉列表中选择。") % {"topic": raw},
            )
    if raw := values.get(CATEGORY, ""):
        category = lookups.categories.get(_name_key(raw))
        if category is None:
            errors.add(
                number,
                CATEGORY,
                _("群体类别“%(category)s”不是本活动的群体类别，请从下拉列表中选择。")
                % {"category": raw},
            )
    unit = lookups.default_unit
    if raw := values.get(UNIT, ""):
        unit, reason = lookups.unit(raw)
        if reason:
            errors.add(number, UNIT, reason)
    channel = str(Channel.PAPER)
    if raw := values.get(CHANNEL, ""):
        channel = lookup_choice(lookups.channels, raw)
        if channel not in Channel.values:
            errors.add(
                number,
                CHANNEL,
                _("渠道“%(channel)s”无法识别，请从下拉列表中选择：%(channels)s。")
                % {"channel": raw, "channels": "、".join(str(x) for x in Channel.labels)},
            )
    submitted_at = now
    if raw := values.get(DATE, ""):
        parsed, reason = _parse_date(raw, timezone.localdate(now))
        if parsed is None:
            errors.add(number, DATE, reason)
        else:
            submitted_at = parsed
    try:
        check_belongs_to_campaign(campaign, topic, category, unit, None)
    except ValidationError as error:
        _add(errors, number, error)

    if len(errors.errors) > before:
        return None
    return Suggestion(
        campaign=campaign,
        text=text,
        title=title,
        topic=topic,
        category=category,
        unit=unit,
        channel=channel,
        submitter_name=name,
        submitter_phone=phone,
        anonymous=anonymous,
        submitted_by=actor,
        submitted_at=submitted_at,
        idempotency_key=key,
    )


def paper_form_import(
    *,
    campaign: Campaign,
    workbook: bytes | IO[bytes],
    actor: AnyUser,
    progress: Progress | None = None,
) -> PaperFormResult:
    """Import the suggestions of a filled-in 意见表. Every row is checked first; one
    bad row saves nothing. Raises WorkbookError when the file itself is unusable.

    `progress(done, total)` is called before saving and after every saved batch.
    """
    data = read_upload(workbook)
    sheet = read_sheet(data, columns=COLUMNS, preferred_title=SHEET_TITLE)
    if RECEIPT_CODE in sheet.columns:
        # Its rows are imported already; as a new file they would all be imported again.
        raise WorkbookError(
            _(
                "这是导入后下载的回执表（带“回执号”一列），其中的意见建议已经导入过。"
                "要补录新的意见，请下载模板另外填写。"
            )
        )
    batch = f"{IDEMPOTENCY_PREFIX}:{hashlib.sha256(data).hexdigest()}"
    keys = {number: f"{batch}:{number}" for number, _v in sheet.rows}
    done = set(
        in_chunks(
            keys.values(),
            lambda chunk: Suggestion.objects.filter(
                campaign=campaign, idempotency_key__in=chunk
            ).values_list("idempotency_key", flat=True),
        )
    )
    lookups = _Lookups.build(campaign, actor)
    submitter = actor if isinstance(actor, User) and actor.pk else None
    now = timezone.now()
    errors = ErrorList()
    pending: list[Suggestion] = []
    for number, values in sheet.rows:
        if keys[number] in done:
            continue
        suggestion = _check_row(
            number,
            values,
            campaign=campaign,
            lookups=lookups,
            actor=submitter,
            key=keys[number],
            now=now,
            errors=errors,
        )
        if suggestion is not None:
            pending.append(suggestion)
    if errors:
        ordered = errors.sorted(COLUMNS)
        return PaperFormResult(
            ok=False,
            errors=ordered,
            marked_workbook=mark_workbook(data, sheet, ordered),
            rows=len(sheet.rows),
        )
    created = _save(campaign, pending, progress)
    return PaperFormResult(
        ok=True,
        created=created,
        rows=len(sheet.rows),
        already_imported=len(sheet.rows) - created,
        batch=batch,
    )


def _save(campaign: Campaign, suggestions: list[Suggestion], progress: Progress | None) -> int:
    total = len(suggestions)
    if progress:
        progress(0, total)
    created = 0
    for start in range(0, total, BATCH_SIZE):
        created += suggestions_bulk_insert(campaign, suggestions[start : start + BATCH_SIZE])
        if progress:
            progress(min(start + BATCH_SIZE, total), total)
    return created


def suggestions_bulk_insert(campaign: Campaign, batch: list[Suggestion]) -> int:
    """Insert checked suggestions with fresh receipt codes and the campaign's next 编号
    (in their order, reserved in one update) in one transaction; the objects get no
    pk. Rows whose idempotency key was taken meanwhile (the same file uploaded twice at
    once) are left out; a receipt code collision draws new codes. Returns how many
    were inserted."""
    fill_search_text(batch)  # the batch at once: a tenth of folding each row on its own
    for _attempt in range(5):
        codes: set[str] = set()
        for suggestion in batch:
            code = new_receipt_code()
            while code in codes:
                code = new_receipt_code()
            codes.add(code)
            suggestion.receipt_code = code
        try:
            with transaction.atomic():
                numbers = suggestion_numbers_reserve(campaign_id=campaign.pk, count=len(batch))
                for suggestion, number in zip(batch, numbers, strict=True):
                    suggestion.number = number
                insert_many(batch)
            return len(batch)
        except IntegrityError:
            keys = [s.idempotency_key for s in batch if s.idempotency_key]
            taken = set(
                in_chunks(
                    keys,
                    lambda chunk: Suggestion.objects.filter(
                        campaign=campaign, idempotency_key__in=chunk
                    ).values_list("idempotency_key", flat=True),
                )
            )
            batch = [s for s in batch if not s.idempotency_key or s.idempotency_key not in taken]
            if not batch:
                return 0
    raise RuntimeError("could not insert the suggestions: receipt codes kept colliding")
