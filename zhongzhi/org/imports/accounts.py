"""Bulk creation of accounts from Excel, with one-time passwords handed back once."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from openpyxl import Workbook

from zhongzhi.org import services
from zhongzhi.org.access import AnyUser, changeable_units, grantable_roles
from zhongzhi.org.imports.workbook import (
    Column,
    ErrorList,
    ImportResult,
    Progress,
    Sheet,
    WorkbookError,
    add_dropdown,
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
from zhongzhi.org.models import Role, Unit, User

UNIT, NAME, LOGIN, ROLE, MOBILE = "单位编码", "姓名", "登录名", "角色", "手机号"
SHEET_TITLE = "账号"
CREDENTIALS_SHEET = "一次性密码"

ACCOUNT_COLUMNS: tuple[Column, ...] = (
    Column(UNIT, True, 20, text=True, hint="必填。账号所属单位的编码，须在您的管理范围内。"),
    Column(NAME, True, 14, hint="必填。姓名，最长 50 字。"),
    Column(
        LOGIN,
        False,
        18,
        text=True,
        hint="选填。登录用的名字（字母、数字或 @.+-_）；不填则用手机号登录。",
    ),
    Column(
        ROLE,
        True,
        16,
        hint="必填。从下拉列表选择：" + "、".join(str(label) for label in Role.labels),
    ),
    Column(MOBILE, False, 16, text=True, hint="选填（不填登录名时必填）。11 位中国大陆手机号。"),
)
CREDENTIAL_COLUMNS: tuple[Column, ...] = (
    Column("单位", False, 24),
    Column(NAME, False, 14),
    Column(LOGIN, False, 18, text=True),
    Column(ROLE, False, 16),
    Column("一次性密码", False, 16, text=True),
)

_PASSWORD_PROGRESS_EVERY = 10
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_username_field = User._meta.get_field("username")
_name_max = User._meta.get_field("full_name").max_length or 50


def account_template_workbook(*, actor: AnyUser | None = None) -> bytes:
    """The account import template. With `actor`, the 角色 dropdown offers only the roles
    they may grant, and a sheet lists the units they may add accounts to."""
    allowed = grantable_roles(actor) if actor is not None else {role.value for role in Role}
    roles = [role for role in Role if role.value in allowed]
    labels = [str(role.label) for role in roles or Role]
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = SHEET_TITLE
    write_table(ws, ACCOUNT_COLUMNS)
    add_dropdown(ws, 4, labels, _("角色：%(roles)s") % {"roles": "、".join(labels)})
    write_instructions(
        book,
        [
            _("1. 在“账号”工作表中每行填写一个账号，第一行列名不要修改。"),
            _("2. 登录名不填时，用手机号作为登录名；登录名在系统中不能重复。"),
            _("3. 导入成功后生成一次性密码表，只提供一次，请妥善发放；首次登录须修改密码。"),
            _("4. 导入前会检查全部行；只要有一行有误，就一行也不导入，并返回标出错误的文件。"),
        ],
        ACCOUNT_COLUMNS,
        [
            ["QD-SN-BDG-HDL", "张三", "", "联络员", "13800138000"],
            ["QD-SN-BDG-HDL", "李四", "lisi", "工作人员", ""],
        ],
    )
    if actor is not None:
        scope = book.create_sheet(_("可选单位"))
        columns = (Column(UNIT, False, 20, text=True), Column("单位名称", False, 30))
        units = changeable_units(actor).order_by("path").values_list("code", "name")[:5000]
        write_table(scope, columns, [list(unit) for unit in units])
    return workbook_bytes(book)


@dataclass
class _Row:
    number: int
    unit_code: str
    full_name: str
    username: str
    role: str
    mobile: str
    unit: Unit | None = None


def import_accounts(
    *, workbook: bytes | IO[bytes], actor: AnyUser, progress: Progress | None = None
) -> ImportResult:
    """Create accounts from an xlsx, each with a role in a unit and a one-time password.

    Every row is checked first; one bad row saves nothing. When ok, the result carries
    `credentials_workbook`, the only copy of the passwords. Raises WorkbookError when
    the file itself is unusable.

    Hashing a password (Argon2) takes about 0.1-0.4 s, so the passwords are hashed
    before the write transaction opens (a long transaction would hold SQLite's write
    lock); `progress(done, total)` is called every 10 passwords.
    """
    data = read_upload(workbook)
    sheet = read_sheet(data, columns=ACCOUNT_COLUMNS, preferred_title=SHEET_TITLE)
    errors = ErrorList()
    rows = _check(sheet, actor, errors)
    if not errors:
        passwords = _one_time_passwords(len(rows), progress)
        try:
            with transaction.atomic():
                _save(rows, [hashed for _plain, hashed in passwords])
            credentials = [
                (row, plain) for row, (plain, _hashed) in zip(rows, passwords, strict=True)
            ]
            return ImportResult(
                ok=True, created=len(rows), credentials_workbook=credentials_workbook(credentials)
            )
        except _RowRejected as exc:  # a model rule that the checks above missed
            errors.add(exc.row, exc.column, exc.message)
        except IntegrityError as exc:  # a login name taken, or a unit removed, meanwhile
            raise WorkbookError(
                _("保存时发现登录名刚被他人占用或单位已被删除，请重新上传文件。")
            ) from exc
    ordered = errors.sorted(ACCOUNT_COLUMNS)
    return ImportResult(
        ok=False, errors=ordered, marked_workbook=mark_workbook(data, sheet, ordered)
    )


class _RowRejected(Exception):
    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


def _check(sheet: Sheet, actor: AnyUser, errors: ErrorList) -> list[_Row]:
    roles = choice_lookup(Role.choices)
    allowed = grantable_roles(actor)
    rows: list[_Row] = []
    for number, values in sheet.rows:
        raw_role = values.get(ROLE, "")
        row = _Row(
            number=number,
            unit_code=normalise_code(values.get(UNIT, "")),
            full_name=values.get(NAME, ""),
            username=normalise_code(values.get(LOGIN, "")),
            role=lookup_choice(roles, raw_role),
            mobile=_normalise_mobile(values.get(MOBILE, "")),
        )
        _check_fields(row, values, raw_role, allowed, errors)
        rows.append(row)
    _check_units(rows, actor, errors)
    _check_usernames(rows, errors)
    return rows


def _normalise_mobile(text: str) -> str:
    mobile = re.sub(r"[\s-]", "", normalise_code(text))
    return re.sub(r"^\+?86(?=1\d{10}$)", "", mobile)


def _check_fields(
    row: _Row, values: dict[str, str], raw_role: str, allowed: set[str], errors: ErrorList
) -> None:
    if not row.unit_code:
        errors.add(row.number, UNIT, _("请填写单位编码。"))
    if not row.full_name:
        errors.add(row.number, NAME, _("请填写姓名。"))
    elif len(row.full_name) > _name_max:
        errors.add(row.number, NAME, _("姓名最长 %(n)s 字。") % {"n": _name_max})
    if not raw_role:
        errors.add(row.number, ROLE, _("请填写角色。"))
    elif not row.role:
        errors.add(
            row.number,
            ROLE,
            _("角色“%(role)s”无法识别，请从下拉列表中选择：%(roles)s。")
            % {"role": raw_role, "roles": "、".join(str(label) for label in Role.labels)},
        )
    elif row.role not in allowed:
        grantable = "、".join(str(role.label) for role in Role if role.value in allowed)
        errors.add(
            row.number,
            ROLE,
            _("您不能分配“%(role)s”角色（可分配：%(grantable)s）。")
            % {"role": Role(row.role).label, "grantable": grantable or _("无")},
        )
    if row.mobile and not MOBILE_RE.match(row.mobile):
        errors.add(
            row.number,
            MOBILE,
            _("手机号“%(mobile)s”格式不正确，应为 11 位中国大陆手机号。")
            % {"mobile": values.get(MOBILE, "")},
        )
    if not row.username:
        if not row.mobile:
            column = LOGIN if LOGIN in values else MOBILE
            errors.add(row.number, column, _("登录名和手机号至少填写一项。"))
            return
        if errors.has(row.number, MOBILE):
            return
        row.username = row.mobile
    try:
        _username_field.clean(row.username, None)
    except ValidationError as exc:
        errors.add(row.number, LOGIN, " ".join(exc.messages))


def _check_units(rows: list[_Row], actor: AnyUser, errors: ErrorList) -> None:
    scope = changeable_units(actor)
    codes = {row.unit_code for row in rows if row.unit_code}
    units = {u.code: u for u in in_chunks(codes, lambda chunk: scope.filter(code__in=chunk))}
    for row in rows:
        if not row.unit_code:
            continue
        row.unit = units.get(row.unit_code)
        if row.unit is None:
            errors.add(row.number, UNIT, _("单位编码不存在或不在您的管理范围内"))


def _check_usernames(rows: list[_Row], errors: ErrorList) -> None:
    # Case-insensitive, as Django's own user forms are: "ZhangSan" and "zhangsan" are one name.
    first_row: dict[str, int] = {}
    for row in rows:
        key = row.username.casefold()
        if not key or errors.has(row.number, LOGIN) or errors.has(row.number, MOBILE):
            continue
        if key in first_row:
            errors.add(
                row.number,
                LOGIN,
                _("登录名“%(name)s”与本表第 %(row)s 行重复。")
                % {"name": row.username, "row": first_row[key]},
            )
        else:
            first_row[key] = row.number
    taken = set(
        in_chunks(
            first_row,
            lambda chunk: (
                User.objects.annotate(key=Lower("username"))
                .filter(key__in=chunk)
                .values_list("key", flat=True)
            ),
        )
    )
    for row in rows:
        key = row.username.casefold()
        if key in taken and first_row.get(key) == row.number:
            errors.add(row.number, LOGIN, _("登录名“%(name)s”已被使用。") % {"name": row.username})


def _one_time_passwords(count: int, progress: Progress | None) -> list[tuple[str, str]]:
    """(password, hash) pairs; the slow part of an account import."""
    pairs: list[tuple[str, str]] = []
    for done in range(1, count + 1):
        plain = services.one_time_password()
        pairs.append((plain, make_password(plain)))
        if progress and (done % _PASSWORD_PROGRESS_EVERY == 0 or done == count):
            progress(done, count)
    return pairs


def _save(rows: list[_Row], hashes: list[str]) -> None:
    """Accounts as `services.account_create` makes them, in bulk and with the passwords
    hashed beforehand; the role (and the staff flag that goes with it) is given by
    `services.membership_grant`, so that rule stays in one place."""
    users: list[User] = []
    for row, hashed in zip(rows, hashes, strict=True):
        user = User(
            username=row.username,
            full_name=row.full_name,
            mobile=row.mobile,
            password=hashed,
            must_change_password=True,
        )
        try:
            user.full_clean(exclude=["password"], validate_unique=False)
        except ValidationError as exc:
            raise _RowRejected(row.number, LOGIN, " ".join(exc.messages)) from exc
        users.append(user)
    User.objects.bulk_create(users, batch_size=500)
    if any(user.pk is None for user in users):  # a backend without RETURNING
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list(
                "username", "pk"
            )
        )
        for user in users:
            user.pk = ids[user.username]
    for row, user in zip(rows, users, strict=True):
        assert row.unit is not None  # checked in _check_units
        services.membership_grant(user=user, unit=row.unit, role=row.role)


def credentials_workbook(created: Sequence[tuple[_Row, str]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = CREDENTIALS_SHEET
    write_table(
        ws,
        CREDENTIAL_COLUMNS,
        [
            [
                row.unit.name if row.unit else row.unit_code,
                row.full_name,
                row.username,
                str(Role(row.role).label),
                password,
            ]
            for row, password in created
        ],
    )
    notes = book.create_sheet("说明")
    notes.column_dimensions["A"].width = 80
    for number, line in enumerate(
        [
            _("本表列出新建账号的一次性密码，系统不保存明文，只提供这一次。"),
            _("请逐一发给本人；首次登录后须修改密码。"),
            _("发放完毕后请删除本文件。"),
        ],
        start=1,
    ):
        notes.cell(number, 1, line)
    return workbook_bytes(book)
