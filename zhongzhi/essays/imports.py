"""Who must write an essay, from an xlsx: one row per writer (登录名, 单位编码,
截止日期), with the unit and account imports' all-or-nothing checks and marked
workbook. Accounts must exist; a writer already on the list stays as they are."""

import datetime
import re
from typing import IO

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from openpyxl import Workbook

from zhongzhi.campaigns.models import Campaign
from zhongzhi.essays.services import NewWriter, assignments_add, essay_due_date, writer_problems
from zhongzhi.org.imports.workbook import (
    Column,
    ErrorList,
    ImportResult,
    Sheet,
    in_chunks,
    mark_workbook,
    normalise_code,
    read_sheet,
    read_upload,
    workbook_bytes,
    write_instructions,
    write_table,
)
from zhongzhi.org.models import Membership, Unit, User

LOGIN, NAME, UNIT, DUE = "登录名", "姓名", "单位编码", "截止日期"
SHEET_TITLE = "心得体会撰写人"
WRITER_COLUMNS: tuple[Column, ...] = (
    Column(LOGIN, True, 18, text=True, hint="必填。撰写人的登录名，账号须已存在。"),
    Column(NAME, False, 12, hint="选填，只为便于核对，不导入。"),
    Column(
        UNIT,
        False,
        20,
        text=True,
        hint="撰写人所在单位的编码；账号在本活动只属于一个单位时可以留空。",
    ),
    Column(DUE, False, 14, hint="选填。如 2026-11-30；留空则用活动办公室设定的截止日期。"),
)
_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+00:00(?::00)?)?\s*$")


def writer_template_workbook(campaign: Campaign) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = SHEET_TITLE
    write_table(ws, WRITER_COLUMNS)
    due = f"{essay_due_date(campaign):%Y-%m-%d}"
    write_instructions(
        book,
        [
            _("1. 每行填写一名须提交心得体会的撰写人（例如副科级以上干部）。"),
            _("2. 已在名单中的撰写人保持不变，不会重复添加。"),
            _("3. 导入前会检查全部行；只要有一行有误，就一行也不导入，并返回标出错误的文件。"),
        ],
        WRITER_COLUMNS,
        [["zhangwei", "张伟", "QD-SN-BDG-HDL", due], ["lina", "李娜", "", ""]],
    )
    scope = book.create_sheet(_("可选单位"))
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")
    write_table(
        scope,
        (Column(UNIT, False, 20, text=True), Column("单位名称", False, 30)),
        [[u.code, u.name] for u in units[:5000]],
    )
    return workbook_bytes(book)


def parse_day(text: str) -> datetime.date | None:
    match = _DATE.match(text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def import_writers(*, workbook: bytes | IO[bytes], campaign: Campaign, actor: User) -> ImportResult:
    """Add the file's writers to ``campaign``'s list. Raises WorkbookError when the
    file itself is unusable; one bad row saves nothing. ``created`` counts the writers
    added (those already listed are not)."""
    data = read_upload(workbook)
    sheet = read_sheet(data, columns=WRITER_COLUMNS, preferred_title=SHEET_TITLE)
    errors = ErrorList()
    writers = _check(sheet, campaign, errors)
    if not errors:
        result = assignments_add(campaign=campaign, actor=actor, writers=writers)
        return ImportResult(ok=True, created=result.added)
    ordered = errors.sorted(WRITER_COLUMNS)
    return ImportResult(
        ok=False, errors=ordered, marked_workbook=mark_workbook(data, sheet, ordered)
    )


def _check(sheet: Sheet, campaign: Campaign, errors: ErrorList) -> list[NewWriter]:
    logins = {normalise_code(v.get(LOGIN, "")).lower() for _n, v in sheet.rows} - {""}
    codes = {normalise_code(v.get(UNIT, "")) for _n, v in sheet.rows} - {""}
    accounts = {
        u.login: u
        for u in in_chunks(
            sorted(logins),
            lambda chunk: User.objects.annotate(login=Lower("username")).filter(login__in=chunk),
        )
    }
    units = {
        u.code: u
        for u in in_chunks(sorted(codes), lambda chunk: Unit.objects.filter(code__in=chunk))
    }
    # Each account's units in the campaign, for rows that leave the unit empty.
    in_campaign: dict[int, list[Unit]] = {}
    for chunk_start in range(0, len(accounts), 500):
        chunk = list(accounts.values())[chunk_start : chunk_start + 500]
        for m in Membership.objects.filter(
            user__in=chunk, unit__path__startswith=campaign.owner_unit.path
        ).select_related("unit"):
            found = in_campaign.setdefault(m.user_id, [])
            if m.unit not in found:
                found.append(m.unit)
    seen: dict[str, int] = {}
    rows: list[tuple[int, NewWriter]] = []
    for number, values in sheet.rows:
        login = normalise_code(values.get(LOGIN, "")).lower()
        code = normalise_code(values.get(UNIT, ""))
        due_text = values.get(DUE, "")
        account = accounts.get(login)
        if not login:
            errors.add(number, LOGIN, _("请填写撰写人的登录名。"))
        elif account is None:
            errors.add(
                number, LOGIN, _("没有登录名为“%(login)s”的账号，请先建立账号。") % {"login": login}
            )
        elif not account.is_active:
            errors.add(number, LOGIN, _("账号“%(login)s”已停用。") % {"login": login})
        elif login in seen:
            errors.add(number, LOGIN, _("与第 %(row)d 行是同一个撰写人。") % {"row": seen[login]})
        if login and login not in seen:
            seen[login] = number
        unit: Unit | None = units.get(code)
        if code and (unit is None or not campaign.includes_unit(unit)):
            errors.add(number, UNIT, _("编码为“%(code)s”的单位不属于本活动。") % {"code": code})
            unit = None
        elif not code and account is not None:
            theirs = in_campaign.get(account.pk, [])
            if len(theirs) == 1:
                unit = theirs[0]
            elif not theirs:
                errors.add(number, UNIT, _("该账号不属于本活动的任何单位，请填写单位编码。"))
            else:
                errors.add(
                    number,
                    UNIT,
                    _("该账号属于多个单位（%(units)s），请填写单位编码。")
                    % {"units": "、".join(u.name for u in theirs)},
                )
        due: datetime.date | None = None
        if due_text:
            due = parse_day(due_text)
            if due is None:
                errors.add(number, DUE, _("日期应写成 2026-11-30。"))
            elif not campaign.start_date <= due <= campaign.end_date:
                errors.add(
                    number,
                    DUE,
                    _("截止日期须在活动期间（%(start)s 至 %(end)s）。")
                    % {
                        "start": f"{campaign.start_date:%Y-%m-%d}",
                        "end": f"{campaign.end_date:%Y-%m-%d}",
                    },
                )
                due = None
        if (
            account is not None
            and account.is_active
            and unit is not None
            and not errors.has(number, LOGIN)
        ):
            rows.append((number, NewWriter(account, unit, due)))
    checked = [new for _n, new in rows]
    for (number, _new), problem in zip(rows, writer_problems(campaign, checked), strict=True):
        if problem:
            errors.add(number, UNIT, problem)
    return checked
