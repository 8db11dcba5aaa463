"""Bulk set-up of the unit tree from Excel: template, checks, and the import itself."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from zhongzhi.org.access import AnyUser, changeable_units
from zhongzhi.org.imports.workbook import (
    PROGRESS_EVERY,
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
from zhongzhi.org.models import PLACE_NAME_MAX_LENGTH, Unit, UnitKind
from zhongzhi.org.services import unit_places_normalise

CODE, NAME, SHORT_NAME, KIND, PARENT = "单位编码", "单位名称", "简称", "类型", "上级单位编码"
PLACES = "辖区地名"
SHEET_TITLE = "单位"
# Unit.path is a varchar(255) of ids; deeper trees would not fit.
_PATH_MAX = Unit._meta.get_field("path").max_length or 255

UNIT_COLUMNS: tuple[Column, ...] = (
    Column(
        CODE,
        True,
        20,
        text=True,
        hint="必填。字母、数字、下划线、点或连字符，最长 32 位，全系统唯一，如 QD-SN-BDG-01。",
    ),
    Column(NAME, True, 30, hint="必填。单位全称，最长 100 字，如 八大关街道红岛路社区居民委员会。"),
    Column(SHORT_NAME, False, 16, hint="选填。页面上显示的简称，最长 50 字，如 红岛路社区。"),
    Column(
        KIND,
        True,
        14,
        hint="必填。从下拉列表选择：" + "、".join(str(label) for label in UnitKind.labels),
    ),
    Column(
        PARENT,
        True,
        20,
        text=True,
        hint="必填。上级单位的编码：可以是系统中已有的（在您的管理范围内），也可以是本表中的另一行（上下行顺序不限）。",
    ),
    Column(
        PLACES,
        False,
        36,
        hint=(
            "选填。辖区内的道路、小区、地标和单位的别称，用顿号、逗号、分号或换行分开，"
            f"每个最多 {PLACE_NAME_MAX_LENGTH} 字，如 红岛路、兴安支路、红岛路小区。"
            "建议提到这些地名时，系统推荐交办给本单位。"
        ),
    ),
)


def _scope_message() -> str:
    return _("上级单位编码不存在或不在您的管理范围内")


def unit_template_workbook(*, actor: AnyUser | None = None) -> bytes:
    """The unit import template. With `actor`, a sheet lists the units they may add units under."""
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = SHEET_TITLE
    write_table(ws, UNIT_COLUMNS)
    kinds = [str(label) for label in UnitKind.labels]
    add_dropdown(ws, 4, kinds, _("单位类型：%(kinds)s") % {"kinds": "、".join(kinds)})
    write_instructions(
        book,
        [
            _("1. 在“单位”工作表中每行填写一个单位，第一行列名不要修改。"),
            _("2. 上级单位可以是系统中已有的单位，也可以是本表中的另一行，先后顺序不限。"),
            _("3. 导入前会检查全部行；只要有一行有误，就一行也不导入，并返回标出错误的文件。"),
            _("4. 改正标红的单元格后，可以直接上传返回的文件（“错误说明”列会被忽略）。"),
            _("5. 一次最多导入 20,000 行。"),
        ],
        UNIT_COLUMNS,
        [
            [
                "QD-SN-BDG-HDL",
                "八大关街道红岛路社区居民委员会",
                "红岛路社区",
                "社区/村",
                "QD-SN-BDG",
                "红岛路、兴安支路、红岛路小区",
            ],
            ["QD-SN-BDG-HDL-WG1", "红岛路社区第一网格", "第一网格", "部门", "QD-SN-BDG-HDL", ""],
        ],
    )
    if actor is not None:
        scope = book.create_sheet(_("可选上级单位"))
        units = changeable_units(actor).select_related("parent").order_by("path")[:5000]
        write_table(
            scope,
            UNIT_COLUMNS,
            [unit_row(u) for u in units],
        )
    return workbook_bytes(book)


def unit_row(unit: Unit) -> list[str]:
    """A unit in the template's columns: what the export writes and the import reads back."""
    return [
        unit.code,
        unit.name,
        unit.short_name,
        unit.get_kind_display(),
        unit.parent.code if unit.parent else "",
        "、".join(unit.place_names),
    ]


@dataclass
class _Row:
    number: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str
    places: str = ""
    level: int = 0  # 0: parent in the database (or none); n: n steps below such a row
    base_path: str = "/"  # path of the database parent
    base_depth: int = -1


def import_units(
    *, workbook: bytes | IO[bytes], actor: AnyUser, progress: Progress | None = None
) -> ImportResult:
    """Create units from an xlsx. Every row is checked first; one bad row saves nothing.

    Raises WorkbookError when the file itself is unusable. `progress(done, total)` is
    called before saving and after every batch of at most 100 saved rows.
    """
    data = read_upload(workbook)
    sheet = read_sheet(data, columns=UNIT_COLUMNS, preferred_title=SHEET_TITLE)
    errors = ErrorList()
    try:
        with transaction.atomic():
            rows = _check(sheet, actor, errors)
            if not errors:
                created = _save(rows, progress)
                return ImportResult(ok=True, created=created)
    except IntegrityError as exc:  # another import took a code between our check and our save
        raise WorkbookError(_("保存时发现单位编码刚被他人占用，请重新上传文件。")) from exc
    ordered = errors.sorted(UNIT_COLUMNS)
    return ImportResult(
        ok=False, errors=ordered, marked_workbook=mark_workbook(data, sheet, ordered)
    )


def _check(sheet: Sheet, actor: AnyUser, errors: ErrorList) -> list[_Row]:
    kinds = choice_lookup(UnitKind.choices)
    rows: list[_Row] = []
    for number, values in sheet.rows:
        row = _Row(
            number=number,
            code=normalise_code(values.get(CODE, "")),
            name=values.get(NAME, ""),
            short_name=values.get(SHORT_NAME, ""),
            kind="",
            parent_code=normalise_code(values.get(PARENT, "")),
            places=unit_places_normalise(values.get(PLACES, "")),
        )
        raw_kind = values.get(KIND, "")
        row.kind = lookup_choice(kinds, raw_kind)
        _check_fields(row, raw_kind, errors)
        rows.append(row)

    _check_codes(rows, errors)
    _check_parents(rows, actor, errors)
    return rows


def _check_fields(row: _Row, raw_kind: str, errors: ErrorList) -> None:
    if not row.code:
        errors.add(row.number, CODE, _("请填写单位编码。"))
    if not row.name:
        errors.add(row.number, NAME, _("请填写单位名称。"))
    if not raw_kind:
        errors.add(row.number, KIND, _("请填写类型。"))
    elif not row.kind:
        errors.add(
            row.number,
            KIND,
            _("类型“%(kind)s”无法识别，请从下拉列表中选择：%(kinds)s。")
            % {"kind": raw_kind, "kinds": "、".join(str(label) for label in UnitKind.labels)},
        )
    unit = Unit(
        code=row.code,
        name=row.name,
        short_name=row.short_name,
        kind=row.kind or "city",
        places=row.places,
    )
    try:
        # Uniqueness and parents are checked for the whole file below, not row by row.
        unit.full_clean(
            exclude=["parent", "path", "depth", "sort_order"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        field_columns = {
            "code": CODE,
            "name": NAME,
            "short_name": SHORT_NAME,
            "kind": KIND,
            "places": PLACES,
        }
        for field_name, messages in exc.message_dict.items():
            column = field_columns.get(field_name, NAME)
            if not errors.has(row.number, column):
                errors.add(row.number, column, " ".join(messages))


def _check_codes(rows: list[_Row], errors: ErrorList) -> None:
    first_row: dict[str, int] = {}
    for row in rows:
        if not row.code or errors.has(row.number, CODE):
            continue
        if row.code in first_row:
            errors.add(
                row.number,
                CODE,
                _("单位编码“%(code)s”与本表第 %(row)s 行重复。")
                % {"code": row.code, "row": first_row[row.code]},
            )
        else:
            first_row[row.code] = row.number
    existing = set(
        in_chunks(
            first_row,
            lambda chunk: Unit.objects.filter(code__in=chunk).values_list("code", flat=True),
        )
    )
    for row in rows:
        if row.code in existing and first_row.get(row.code) == row.number:
            errors.add(
                row.number, CODE, _("单位编码“%(code)s”在系统中已存在。") % {"code": row.code}
            )


def _check_parents(rows: list[_Row], actor: AnyUser, errors: ErrorList) -> None:
    in_file = {row.code: row for row in rows if row.code and not errors.has(row.number, CODE)}
    # Rows whose code was rejected still count as "in the file" for their children,
    # so one bad code is reported once, not again on every child.
    mentioned = {row.code for row in rows if row.code}
    scope = changeable_units(actor)
    has_scope = actor.is_superuser or scope.exists()
    outside = {
        row.parent_code for row in rows if row.parent_code and row.parent_code not in mentioned
    }
    db_parents = {
        unit.code: unit
        for unit in in_chunks(
            outside, lambda chunk: scope.filter(code__in=chunk).only("code", "path", "depth")
        )
    }
    for row in rows:
        if not has_scope:
            errors.add(row.number, PARENT, _scope_message())
        elif not row.parent_code:
            if not actor.is_superuser:
                errors.add(
                    row.number,
                    PARENT,
                    _("请填写上级单位编码（只有系统管理员可以创建最上级单位）。"),
                )
        elif row.parent_code == row.code:
            errors.add(row.number, PARENT, _("上级单位不能是它自己。"))
        elif row.parent_code in db_parents:
            parent = db_parents[row.parent_code]
            row.base_path, row.base_depth = parent.path, parent.depth
        elif row.parent_code not in mentioned:
            errors.add(row.number, PARENT, _scope_message())
    _check_cycles_and_depth(rows, in_file, errors)


def _check_cycles_and_depth(rows: list[_Row], in_file: dict[str, _Row], errors: ErrorList) -> None:
    """Give each row its level below the database, and report loops of 上级单位编码."""
    done: set[str] = set()
    for start in rows:
        chain: list[_Row] = []
        on_chain: set[str] = set()
        row: _Row | None = start
        while row is not None and row.code not in done and row.code not in on_chain:
            chain.append(row)
            on_chain.add(row.code)
            row = in_file.get(row.parent_code) if row.parent_code != row.code else None
        if row is not None and row.code in on_chain:
            loop = chain[chain.index(row) :]
            text = " → ".join([r.code for r in loop] + [row.code])
            for member in loop:
                if not errors.has(member.number, PARENT):
                    errors.add(
                        member.number,
                        PARENT,
                        _("上级单位编码形成循环：%(loop)s。") % {"loop": text},
                    )
                done.add(member.code)
            chain = chain[: chain.index(row)]
        # Walk back down the chain, each row one level below its parent.
        for member in reversed(chain):
            parent = in_file.get(member.parent_code)
            if parent is not None and parent is not member:
                member.level = parent.level + 1
                member.base_path, member.base_depth = parent.base_path, parent.base_depth
            done.add(member.code)
    # Ids of up to 9 digits: the path must still fit in its column.
    for row in rows:
        if errors.has(row.number, PARENT) or not row.code:
            continue
        if len(row.base_path) + (row.level + 1) * 10 > _PATH_MAX:
            errors.add(row.number, PARENT, _("层级太深，超出系统支持的单位层级。"))


def _save(rows: list[_Row], progress: Progress | None) -> int:
    """Insert level by level (parents first) with bulk_create, then write the paths,
    which need the new ids."""
    total = len(rows)
    if progress:
        progress(0, total)
    saved: dict[str, Unit] = {}
    done = 0
    for level in range(max(row.level for row in rows) + 1):
        batch = [row for row in rows if row.level == level]
        for start in range(0, len(batch), PROGRESS_EVERY):
            chunk = batch[start : start + PROGRESS_EVERY]
            units = [
                Unit(
                    code=row.code,
                    name=row.name,
                    short_name=row.short_name,
                    kind=row.kind,
                    parent_id=_parent_id(row, saved),
                    sort_order=row.number,
                    places=row.places,
                )
                for row in chunk
            ]
            Unit.objects.bulk_create(units)
            if any(unit.pk is None for unit in units):  # a backend without RETURNING
                ids = dict(
                    Unit.objects.filter(code__in=[u.code for u in units]).values_list("code", "pk")
                )
                for unit in units:
                    unit.pk = ids[unit.code]
            for row, unit in zip(chunk, units, strict=True):
                parent = saved.get(row.parent_code) if row.level else None
                base_path = parent.path if parent else row.base_path
                base_depth = parent.depth if parent else row.base_depth
                unit.path, unit.depth = f"{base_path}{unit.pk}/", base_depth + 1
                saved[row.code] = unit
            done += len(chunk)
            if progress:
                progress(done, total)
    _write_paths(saved.values())
    return len(saved)


def _write_paths(units: Iterable[Unit]) -> None:
    """One prepared UPDATE run for every row: bulk_update builds a CASE expression per
    row in Python and took ~10 s for 20,000 units; this takes well under one."""
    columns = {
        field.name: connection.ops.quote_name(str(field.column))
        for field in Unit._meta.concrete_fields
    }
    table = connection.ops.quote_name(Unit._meta.db_table)
    path, depth, pk = columns["path"], columns["depth"], columns["id"]
    with connection.cursor() as cursor:  # names from the model, values bound as parameters
        cursor.executemany(
            f"UPDATE {table} SET {path} = %s, {depth} = %s WHERE {pk} = %s",
            [(unit.path, unit.depth, unit.pk) for unit in units],
        )


def _parent_id(row: _Row, saved: dict[str, Unit]) -> int | None:
    if row.level:
        return saved[row.parent_code].pk
    if not row.parent_code:
        return None
    # Level 0 with a parent: a database unit; its id is the last part of base_path.
    return int(row.base_path.rstrip("/").rsplit("/", 1)[-1])
