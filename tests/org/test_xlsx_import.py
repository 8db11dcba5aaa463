"""Bulk set-up from Excel: units and accounts, all rows or none, errors marked in the file."""

import io
import itertools
import zipfile
from collections.abc import Iterable, Sequence

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from tests.conftest import World
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from zhongzhi.org import xlsx_import
from zhongzhi.org.imports import workbook as workbook_module
from zhongzhi.org.models import Membership, Role, Unit, UnitKind, User
from zhongzhi.org.xlsx_import import (
    ERROR_COLUMN,
    WorkbookError,
    account_template_workbook,
    import_accounts,
    import_units,
    unit_template_workbook,
)

UNIT_HEADER = ["单位编码", "单位名称", "简称", "类型", "上级单位编码"]
ACCOUNT_HEADER = ["单位编码", "姓名", "登录名", "角色", "手机号"]
SCOPE_MESSAGE = "上级单位编码不存在或不在您的管理范围内"

Row = Sequence[object]


def xlsx(rows: Sequence[Row], header: Row = UNIT_HEADER, title: str = "单位") -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def city_office() -> User:
    """An office at 青岛市, who may add a district (the world's office sits at a street)."""
    office: User = UserFactory(username="city-office")  # type: ignore[assignment]  # factory_boy
    MembershipFactory(user=office, unit=Unit.objects.get(code="QD"), role=Role.OFFICE)
    return office


def district_tree(size: int = 500) -> list[list[str]]:
    """A district under 青岛市 with departments, streets, and communities and departments
    under each street: `size` rows."""
    rows = [["LS", "青岛市崂山区", "崂山区", "区/县", "QD"]]
    rows += [[f"LS-D{i:02d}", f"崂山区第{i}局", f"第{i}局", "部门", "LS"] for i in range(20)]
    street = 0
    while len(rows) < size:
        code = f"LS-S{street:02d}"
        rows.append([code, f"崂山区第{street}街道办事处", f"第{street}街道", "街道/镇", "LS"])
        for i in range(5):
            rows.append([f"{code}-D{i}", f"第{street}街道第{i}科室", "", "部门", code])
        for i in range(40):
            rows.append(
                [
                    f"{code}-C{i:02d}",
                    f"第{street}街道第{i}社区居委会",
                    f"第{i}社区",
                    "社区/村",
                    code,
                ]
            )
        street += 1
    return rows[:size]


def assert_paths_are_consistent(units: Iterable[Unit]) -> None:
    for unit in units:
        parent = unit.parent
        assert parent is not None
        assert unit.path == f"{parent.path}{unit.pk}/"
        assert unit.depth == parent.depth + 1


def marked_sheet(result: xlsx_import.ImportResult):  # type: ignore[no-untyped-def]
    assert result.marked_workbook is not None
    book = load_workbook(io.BytesIO(result.marked_workbook))
    return book.active


def error_column_index(ws) -> int:  # type: ignore[no-untyped-def]
    headers = [cell.value for cell in ws[1]]
    assert ERROR_COLUMN in headers
    return headers.index(ERROR_COLUMN) + 1


# --- Units: the good path --------------------------------------------------------


def test_five_hundred_units_import_as_a_correct_tree(
    world: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]  # pytest-django fixture
) -> None:
    office = city_office()
    before = Unit.objects.count()
    calls: list[tuple[int, int]] = []

    with django_assert_max_num_queries(60):  # bulk inserts, not a query per row
        result = import_units(
            workbook=xlsx(district_tree(500)),
            actor=office,
            progress=lambda d, t: calls.append((d, t)),
        )

    assert result.ok, result.errors[:5]
    assert result.created == 500
    assert Unit.objects.count() == before + 500
    district = Unit.objects.get(code="LS")
    assert district.parent == world.city
    assert district.depth == 1
    subtree = list(Unit.objects.filter(path__startswith=district.path).select_related("parent"))
    assert len(subtree) == 500
    assert_paths_are_consistent(subtree)
    street = Unit.objects.get(code="LS-S03")
    assert street.kind == UnitKind.SUBDISTRICT
    assert street.children.filter(kind=UnitKind.COMMUNITY).count() == 40
    assert street.children.filter(kind=UnitKind.DEPARTMENT).count() == 5
    assert Unit.objects.get(code="LS-S03-C07").short_name == "第7社区"
    assert calls[-1] == (500, 500)
    assert all(b[0] - a[0] <= 100 for a, b in itertools.pairwise(calls))


def test_parent_later_in_the_file_than_its_children_imports(world: World) -> None:
    rows = list(reversed(district_tree(120)))

    result = import_units(workbook=xlsx(rows), actor=city_office())

    assert result.ok, result.errors[:5]
    community = Unit.objects.get(code="LS-S00-C03")
    street, district = Unit.objects.get(code="LS-S00"), Unit.objects.get(code="LS")
    assert (community.parent, street.parent, district.parent) == (street, district, world.city)
    assert community.depth == 3
    assert_paths_are_consistent(Unit.objects.filter(code__startswith="LS").select_related("parent"))


def test_kind_may_be_the_label_a_part_of_it_or_the_code_value(world: World) -> None:
    rows = [
        ["HDL-A", "甲网格", "", "部门", "QD-SN-BDG-HDL"],
        ["HDL-B", "乙网格", "", "department", "QD-SN-BDG-HDL"],
        ["HDL-C", "丙小区", "", "社区", "QD-SN-BDG-HDL"],
    ]

    result = import_units(workbook=xlsx(rows), actor=world.hongdaolu_coordinator)

    assert result.ok, result.errors
    kinds = dict(Unit.objects.filter(code__startswith="HDL-").values_list("code", "kind"))
    assert kinds == {"HDL-A": "department", "HDL-B": "department", "HDL-C": "community"}
    assert Unit.objects.get(code="HDL-A").parent == world.hongdaolu


# --- Units: one bad row, nothing saved ---------------------------------------------


def test_one_bad_row_among_hundreds_saves_nothing_and_is_marked_in_the_file(world: World) -> None:
    rows = district_tree(300)
    rows[149][3] = "街道办"  # not a kind; Excel row 151 (after the header)
    before = Unit.objects.count()

    result = import_units(workbook=xlsx(rows), actor=city_office())

    assert not result.ok
    assert result.created == 0
    assert Unit.objects.count() == before
    assert [(e.row, e.column) for e in result.errors] == [(151, "类型")]
    assert "街道办" in result.errors[0].message
    ws = marked_sheet(result)
    bad = ws.cell(151, 4)
    assert bad.value == "街道办"  # the user's own data is kept
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert "无法识别" in bad.comment.text
    reason_column = error_column_index(ws)
    assert reason_column == 6  # beside the data, not over it
    assert "类型" in ws.cell(151, reason_column).value
    assert "无法识别" in ws.cell(151, reason_column).value
    assert ws.cell(150, reason_column).value is None
    assert not ws.cell(150, 4).fill.fgColor.rgb.endswith("FFC7CE")


def test_every_bad_row_is_reported_not_just_the_first(world: World) -> None:
    rows = [
        ["OK-1", "好单位", "", "部门", "QD-SN-BDG"],
        ["", "没有编码", "", "部门", "QD-SN-BDG"],
        ["坏 编码", "编码有空格和汉字", "", "部门", "QD-SN-BDG"],
        ["NO-NAME", "", "", "部门", "QD-SN-BDG"],
        ["LONG", "长" * 101, "", "部门", "QD-SN-BDG"],
        ["NO-PARENT", "没有上级", "", "部门", ""],
    ]

    result = import_units(workbook=xlsx(rows), actor=world.office)

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "单位编码"),
        (4, "单位编码"),
        (5, "单位名称"),
        (6, "单位名称"),
        (7, "上级单位编码"),
    ]
    assert not Unit.objects.filter(code="OK-1").exists()


def test_code_repeated_in_the_file_is_rejected(world: World) -> None:
    rows = [
        ["DUP", "甲", "", "部门", "QD-SN-BDG"],
        ["OTHER", "乙", "", "部门", "QD-SN-BDG"],
        ["DUP", "丙", "", "部门", "QD-SN-BDG"],
    ]

    result = import_units(workbook=xlsx(rows), actor=world.office)

    assert [(e.row, e.column) for e in result.errors] == [(4, "单位编码")]
    assert "第 2 行" in result.errors[0].message
    assert not Unit.objects.filter(code__in=["DUP", "OTHER"]).exists()


def test_code_already_in_the_database_is_rejected(world: World) -> None:
    rows = [["QD-SN-BDG-JKL", "又一个金口路社区", "", "社区/村", "QD-SN-BDG"]]

    result = import_units(workbook=xlsx(rows), actor=world.office)

    assert [(e.row, e.column) for e in result.errors] == [(2, "单位编码")]
    assert "已存在" in result.errors[0].message
    assert Unit.objects.filter(code="QD-SN-BDG-JKL").count() == 1


def test_a_loop_of_parents_in_the_file_is_rejected(world: World) -> None:
    rows = [
        ["LOOP-A", "甲", "", "部门", "LOOP-B"],
        ["LOOP-B", "乙", "", "部门", "LOOP-C"],
        ["LOOP-C", "丙", "", "部门", "LOOP-A"],
        ["FINE", "丁", "", "部门", "QD-SN-BDG"],
        ["SELF", "戊", "", "部门", "SELF"],
    ]

    result = import_units(workbook=xlsx(rows), actor=world.office)

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "上级单位编码"),
        (3, "上级单位编码"),
        (4, "上级单位编码"),
        (6, "上级单位编码"),
    ]
    assert "循环" in result.errors[0].message
    assert "LOOP-A" in result.errors[0].message
    assert not Unit.objects.filter(code__in=["LOOP-A", "FINE", "SELF"]).exists()


def test_fixing_the_marked_file_and_uploading_it_again_imports(world: World) -> None:
    rows = [
        ["FIX-1", "甲", "", "部门", "QD-SN-BDG"],
        ["FIX-2", "乙", "", "部门", "NOWHERE"],
    ]
    first = import_units(workbook=xlsx(rows), actor=world.office)
    assert not first.ok
    book = load_workbook(io.BytesIO(first.marked_workbook or b""))
    book.active.cell(3, 5).value = "FIX-1"  # type: ignore[union-attr]
    fixed = io.BytesIO()
    book.save(fixed)

    second = import_units(workbook=fixed, actor=world.office)

    assert second.ok, second.errors
    assert Unit.objects.get(code="FIX-2").parent == Unit.objects.get(code="FIX-1")


# --- Units: scope ----------------------------------------------------------------


def test_coordinator_can_add_units_under_own_community(world: World) -> None:
    rows = [["HDL-WG1", "红岛路第一网格", "", "部门", "QD-SN-BDG-HDL"]]

    result = import_units(workbook=xlsx(rows), actor=world.hongdaolu_coordinator)

    assert result.ok
    assert Unit.objects.get(code="HDL-WG1").parent == world.hongdaolu


@pytest.mark.parametrize("parent_code", ["QD-SN-BDG-JKL", "QD-SN-BDG", "NO-SUCH-UNIT"])
def test_coordinator_cannot_add_units_outside_own_community(world: World, parent_code: str) -> None:
    rows = [
        ["HDL-WG1", "红岛路第一网格", "", "部门", "QD-SN-BDG-HDL"],
        ["JKL-WG1", "金口路第一网格", "", "部门", parent_code],
    ]

    result = import_units(workbook=xlsx(rows), actor=world.hongdaolu_coordinator)

    # Another community, the street above, and a unit that does not exist read alike.
    assert result.errors == [(3, "上级单位编码", SCOPE_MESSAGE)]
    assert not Unit.objects.filter(code__in=["HDL-WG1", "JKL-WG1"]).exists()


def test_supervisor_cannot_import_units(world: World) -> None:
    rows = [
        ["SUP-1", "甲", "", "部门", "QD-SN-BDG-HDL"],
        ["SUP-2", "乙", "", "部门", "SUP-1"],
    ]

    result = import_units(workbook=xlsx(rows), actor=world.supervisor)

    assert result.errors == [(2, "上级单位编码", SCOPE_MESSAGE), (3, "上级单位编码", SCOPE_MESSAGE)]
    assert not Unit.objects.filter(code__startswith="SUP-").exists()


# --- Accounts --------------------------------------------------------------------


def test_imported_accounts_log_in_with_their_one_time_passwords(world: World) -> None:
    rows = [
        ["QD-SN-BDG-HDL", "张三", "", "联络员", "13800138000"],
        ["QD-SN-BDG-JKL", "李四", "lisi", "工作人员", ""],
        ["QD-SN-BDG", "王五", "wangwu", "督导组成员", "139 0013 9000"],
    ]

    calls: list[tuple[int, int]] = []

    result = import_accounts(
        workbook=xlsx(rows, ACCOUNT_HEADER, "账号"),
        actor=world.office,
        progress=lambda done, total: calls.append((done, total)),
    )

    assert result.ok, result.errors
    assert result.created == 3
    assert calls[-1] == (3, 3)
    assert result.marked_workbook is None
    book = load_workbook(io.BytesIO(result.credentials_workbook or b""))
    sheet = book.worksheets[0]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == ["单位", "姓名", "登录名", "角色", "一次性密码"]
    assert [row[:4] for row in table[1:]] == [
        ["红岛路社区", "张三", "13800138000", "联络员"],
        ["金口路社区", "李四", "lisi", "工作人员"],
        ["八大关街道", "王五", "wangwu", "督导组成员"],
    ]
    for _unit, _name, username, _role, password in table[1:]:
        assert Client().login(username=username, password=password)
        assert not Client().login(username=username, password=password + "x")
    zhang = User.objects.get(username="13800138000")
    assert zhang.must_change_password
    assert zhang.mobile == "13800138000"
    assert Membership.objects.filter(
        user=zhang, unit=world.hongdaolu, role=Role.COORDINATOR
    ).exists()
    assert zhang.is_staff  # coordinators work in the (scoped) admin
    assert not User.objects.get(username="lisi").is_staff
    assert User.objects.get(username="wangwu").mobile == "13900139000"


def test_coordinator_cannot_import_accounts_into_another_community(world: World) -> None:
    rows = [
        ["QD-SN-BDG-HDL", "张三", "zhangsan", "工作人员", ""],
        ["QD-SN-BDG-JKL", "李四", "lisi", "工作人员", ""],
        ["NO-SUCH-UNIT", "王五", "wangwu", "工作人员", ""],
    ]
    before = User.objects.count()

    result = import_accounts(
        workbook=xlsx(rows, ACCOUNT_HEADER, "账号"), actor=world.hongdaolu_coordinator
    )

    message = "单位编码不存在或不在您的管理范围内"
    assert result.errors == [(3, "单位编码", message), (4, "单位编码", message)]
    assert result.credentials_workbook is None
    assert User.objects.count() == before


def test_coordinator_cannot_grant_the_office_role(world: World) -> None:
    rows = [
        ["QD-SN-BDG-HDL", "张三", "zhangsan", "联络员", ""],
        ["QD-SN-BDG-HDL", "李四", "lisi", "领导小组办公室", ""],
    ]

    result = import_accounts(
        workbook=xlsx(rows, ACCOUNT_HEADER, "账号"), actor=world.hongdaolu_coordinator
    )

    assert [(e.row, e.column) for e in result.errors] == [(3, "角色")]
    assert "领导小组办公室" in result.errors[0].message
    assert not User.objects.filter(username__in=["zhangsan", "lisi"]).exists()


def test_supervisor_cannot_import_accounts(world: World) -> None:
    rows = [["QD-SN-BDG-HDL", "张三", "zhangsan", "工作人员", ""]]

    result = import_accounts(workbook=xlsx(rows, ACCOUNT_HEADER, "账号"), actor=world.supervisor)

    assert {e.column for e in result.errors} == {"单位编码", "角色"}
    assert not User.objects.filter(username="zhangsan").exists()


def test_bad_mobiles_unknown_roles_and_taken_login_names_are_all_reported(world: World) -> None:
    rows = [
        ["QD-SN-BDG-HDL", "甲", "", "工作人员", "12345678901"],
        ["QD-SN-BDG-HDL", "乙", "office", "工作人员", ""],  # the world's office account
        ["QD-SN-BDG-HDL", "丙", "Bing", "工作人员", ""],
        ["QD-SN-BDG-HDL", "丁", "bing", "工作人员", ""],  # same name, other case
        ["QD-SN-BDG-HDL", "戊", "wu", "居民", ""],
        ["QD-SN-BDG-HDL", "", "", "工作人员", ""],
    ]

    result = import_accounts(workbook=xlsx(rows, ACCOUNT_HEADER, "账号"), actor=world.office)

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "手机号"),
        (3, "登录名"),
        (5, "登录名"),
        (6, "角色"),
        (7, "姓名"),
        (7, "登录名"),
    ]
    assert "已被使用" in result.errors[1].message
    assert "第 4 行" in result.errors[2].message
    assert User.objects.filter(username__iexact="bing").count() == 0
    ws = marked_sheet(result)
    assert "11 位" in ws.cell(2, error_column_index(ws)).value


# --- Files that cannot be imported -------------------------------------------------


def zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"", "空", id="empty"),
        pytest.param("单位编码,单位名称\nA,甲\n".encode(), ".xlsx", id="csv-renamed"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".xls", id="old-xls"),
        pytest.param(zip_without_workbook(), ".xlsx", id="zip-not-xlsx"),
        pytest.param(xlsx([], header=[]), "空", id="blank-sheet"),
        pytest.param(xlsx([["A", "甲"]], header=["编号", "名字"]), "表头", id="no-header"),
        pytest.param(xlsx([], header=UNIT_HEADER), "没有数据", id="header-only"),
        pytest.param(
            xlsx([["A", "甲"]], header=["单位编码", "单位名称"]), "类型", id="missing-col"
        ),
    ],
)
def test_unusable_files_raise_workbook_error_in_chinese(
    world: World, content: bytes, words: str
) -> None:
    before = Unit.objects.count()

    with pytest.raises(WorkbookError) as caught:
        import_units(workbook=content, actor=world.office)

    assert words in caught.value.message
    assert any("\u4e00" <= char <= "\u9fff" for char in str(caught.value))
    assert Unit.objects.count() == before


def test_file_over_the_upload_limit_is_refused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(WorkbookError, match="太大"):
        import_units(workbook=xlsx(district_tree(50)), actor=world.office)


def test_zip_bomb_is_refused_before_it_is_unpacked(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workbook_module, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    assert len(out.getvalue()) < 10_000

    with pytest.raises(WorkbookError, match="解压后过大"):
        import_units(workbook=out.getvalue(), actor=world.office)


def test_too_many_rows_are_refused(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workbook_module, "MAX_ROWS", 10)
    with pytest.raises(WorkbookError, match="最多导入"):
        import_units(workbook=xlsx(district_tree(11)), actor=city_office())
    assert not Unit.objects.filter(code__startswith="LS").exists()


# --- Templates ----------------------------------------------------------------------


def test_unit_template_has_header_dropdown_and_instructions() -> None:
    book = load_workbook(io.BytesIO(unit_template_workbook()))

    assert book.sheetnames[:2] == ["单位", "说明"]
    ws = book["单位"]
    assert [cell.value for cell in ws[1]] == [*UNIT_HEADER, "辖区地名"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 20
    (validation,) = ws.data_validations.dataValidation
    assert "D2" in validation.sqref
    assert all(str(label) in validation.formula1 for label in UnitKind.labels)
    instructions = " ".join(
        str(cell.value) for row in book["说明"].iter_rows() for cell in row if cell.value
    )
    assert "上级单位编码" in instructions
    assert "QD-SN-BDG-HDL" in instructions  # the example row


def test_account_template_offers_only_the_roles_the_actor_may_grant(world: World) -> None:
    book = load_workbook(io.BytesIO(account_template_workbook(actor=world.hongdaolu_coordinator)))

    ws = book["账号"]
    assert [cell.value for cell in ws[1]] == ACCOUNT_HEADER
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"联络员,工作人员"'
    assert "D2" in validation.sqref
    assert "说明" in book.sheetnames


def test_filled_in_unit_template_imports(world: World) -> None:
    book = load_workbook(io.BytesIO(unit_template_workbook(actor=world.office)))
    ws = book["单位"]
    ws.append(["BDG-WG", "八大关街道网格中心", "网格中心", "部门", "QD-SN-BDG"])
    ws.append(["BDG-WG-1", "第一网格", "", "部门", "BDG-WG"])
    filled = io.BytesIO()
    book.save(filled)

    result = import_units(workbook=filled, actor=world.office)

    assert result.ok, result.errors
    assert Unit.objects.get(code="BDG-WG-1").parent.code == "BDG-WG"  # type: ignore[union-attr]


def test_filled_in_account_template_imports(world: World) -> None:
    book = load_workbook(io.BytesIO(account_template_workbook()))
    book["账号"].append(["QD-SN-BDG-FSL", "赵六", "", "联络员", "13700137000"])
    filled = io.BytesIO()
    book.save(filled)

    result = import_accounts(workbook=filled.getvalue(), actor=world.office)

    assert result.ok, result.errors
    assert Membership.objects.get(user__username="13700137000").unit == world.fushanlu


def test_superuser_may_create_a_new_top_level_unit(db: None) -> None:
    root: User = UserFactory(is_superuser=True)  # type: ignore[assignment]  # factory_boy
    UnitFactory(code="EXISTING")
    rows = [["JN", "济南市", "", "市", ""], ["JN-LX", "历下区", "", "区", "JN"]]

    result = import_units(workbook=xlsx(rows), actor=root)

    assert result.ok, result.errors
    city = Unit.objects.get(code="JN")
    assert (city.parent, city.depth, city.path) == (None, 0, f"/{city.pk}/")
    assert_paths_are_consistent([Unit.objects.get(code="JN-LX")])
