"""Supervision groups from an xlsx: one row per member or covered unit of a group
(督导组, 组员登录名, 组长, 单位编码), with the unit and account imports' all-or-nothing
checks and marked workbook. Each group named in the file is set to what the file
says (`services.group_save`); groups not named stay as they are."""

from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from openpyxl import Workbook

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.imports.workbook import (
    Column,
    ErrorList,
    ImportResult,
    Sheet,
    add_dropdown,
    in_chunks,
    mark_workbook,
    normalise_code,
    read_sheet,
    read_upload,
    workbook_bytes,
    write_instructions,
    write_table,
)
from zhongzhi.org.models import Unit, User
from zhongzhi.supervision.models import SupervisionGroup
from zhongzhi.supervision.services import group_save

GROUP, LOGIN, LEADER, UNIT = "督导组", "组员登录名", "组长", "单位编码"
SHEET_TITLE = "督导组"
YES, NO = "是", "否"
GROUP_COLUMNS: tuple[Column, ...] = (
    Column(GROUP, True, 16, hint="必填。督导组名称，最长 50 字；同名的行属于同一个组。"),
    Column(LOGIN, True, 18, text=True, hint="组员的登录名（账号须已存在）；本行只填单位时留空。"),
    Column(LEADER, False, 8, hint="选填。填“是”表示该组员为组长，每组至多一人。"),
    Column(UNIT, True, 20, text=True, hint="督导单位的编码，须属于本活动；本行只填组员时留空。"),
)
_name_max = SupervisionGroup._meta.get_field("name").max_length or 50


def group_template_workbook(campaign: Campaign) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = SHEET_TITLE
    write_table(ws, GROUP_COLUMNS)
    add_dropdown(ws, 3, [YES, NO], _("是否组长"))
    write_instructions(
        book,
        [
            _("1. 每行填写一个督导组的一名组员，或它督导的一个单位，也可以两者都填。"),
            _("2. 文件中出现的督导组按文件设置组员和督导单位；没有出现的督导组保持不变。"),
            _("3. 导入前会检查全部行；只要有一行有误，就一行也不导入，并返回标出错误的文件。"),
        ],
        GROUP_COLUMNS,
        [
            ["第一督导组", "zhangwei", YES, "QD-SN-BDG-HDL"],
            ["第一督导组", "lina", "", "QD-SN-BDG-JKL"],
            ["第二督导组", "wangqiang", YES, "QD-SN-BDG-BDG"],
        ],
    )
    scope = book.create_sheet(_("可选单位"))
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")
    write_table(
        scope,
        (Column(UNIT, False, 20, text=True), Column("单位名称", False, 30)),
        [[u.code, u.name] for u in units[:5000]],
    )
    return workbook_bytes(book)


@dataclass
class _Group:
    first_row: int
    members: list[User] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    leader: User | None = None


def import_groups(*, workbook: bytes | IO[bytes], campaign: Campaign, actor: User) -> ImportResult:
    """Set the groups of ``campaign`` that the file names. Raises WorkbookError when the
    file itself is unusable; one bad row saves nothing."""
    data = read_upload(workbook)
    sheet = read_sheet(data, columns=GROUP_COLUMNS, preferred_title=SHEET_TITLE)
    errors = ErrorList()
    groups = _check(sheet, campaign, errors)
    if not errors:
        with transaction.atomic():
            for name, group in groups.items():
                group_save(
                    campaign=campaign,
                    actor=actor,
                    name=name,
                    leader=group.leader,
                    members=group.members,
                    units=group.units,
                    group=SupervisionGroup.objects.filter(campaign=campaign, name=name).first(),
                )
        return ImportResult(ok=True, created=len(groups))
    ordered = errors.sorted(GROUP_COLUMNS)
    return ImportResult(
        ok=False, errors=ordered, marked_workbook=mark_workbook(data, sheet, ordered)
    )


def _check(sheet: Sheet, campaign: Campaign, errors: ErrorList) -> dict[str, _Group]:
    logins = {normalise_code(v.get(LOGIN, "")).lower() for _n, v in sheet.rows} - {""}
    codes = {normalise_code(v.get(UNIT, "")) for _n, v in sheet.rows} - {""}
    accounts = {
        u.login: u
        for u in in_chunks(
            sorted(logins),
            lambda chunk: User.objects.annotate(login=Lower("username")).filter(
                login__in=chunk, is_active=True
            ),
        )
    }
    units = {
        u.code: u
        for u in in_chunks(sorted(codes), lambda chunk: Unit.objects.filter(code__in=chunk))
    }
    groups: dict[str, _Group] = {}
    for number, values in sheet.rows:
        name = values.get(GROUP, "")
        login = normalise_code(values.get(LOGIN, "")).lower()
        code = normalise_code(values.get(UNIT, ""))
        leader = values.get(LEADER, "")
        if not name:
            errors.add(number, GROUP, _("请填写督导组名称。"))
        elif len(name) > _name_max:
            errors.add(number, GROUP, _("督导组名称最长 %(n)s 字。") % {"n": _name_max})
        if not login and not code:
            errors.add(number, LOGIN, _("请填写组员登录名或单位编码。"))
        group = groups.setdefault(name, _Group(first_row=number)) if name else _Group(number)
        account = accounts.get(login)
        if login and account is None:
            errors.add(number, LOGIN, _("没有登录名为“%(login)s”的在用账号。") % {"login": login})
        elif account is not None and account not in group.members:
            group.members.append(account)
        if leader not in ("", YES, NO):
            errors.add(number, LEADER, _("请填写“是”或留空。"))
        elif leader == YES:
            if not login:
                errors.add(number, LEADER, _("组长须填写登录名。"))
            elif group.leader is not None and group.leader != account:
                errors.add(number, LEADER, _("每个督导组只能有一名组长。"))
            else:
                group.leader = account
        unit = units.get(code)
        if code and (unit is None or not campaign.includes_unit(unit)):
            errors.add(number, UNIT, _("编码为“%(code)s”的单位不属于本活动。") % {"code": code})
        elif unit is not None and unit not in group.units:
            group.units.append(unit)
    for name, group in groups.items():
        if not group.members:
            errors.add(group.first_row, LOGIN, _("督导组“%(name)s”没有组员。") % {"name": name})
        if not group.units:
            errors.add(group.first_row, UNIT, _("督导组“%(name)s”没有督导单位。") % {"name": name})
    return groups
