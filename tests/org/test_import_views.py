"""The bulk set-up pages, through HTTP: template download, upload, one-time downloads."""

import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.conftest import World
from zhongzhi.org.models import Unit, User


def upload(content: bytes, name: str = "file.xlsx") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def workbook(header: list[str], rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


UNIT_HEADER = ["单位编码", "单位名称", "简称", "类型", "上级单位编码"]
ACCOUNT_HEADER = ["单位编码", "姓名", "登录名", "角色", "手机号"]


def test_office_downloads_a_template_it_can_open(world: World) -> None:
    response = world.client_for(world.office).get(reverse("org:import_template", args=["units"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:5] == UNIT_HEADER


def test_one_bad_row_imports_nothing_and_offers_the_marked_file_once(world: World) -> None:
    client = world.client_for(world.office)
    rows = [[f"BDG-D{i:03d}", f"科室{i}", "", "部门", world.street.code] for i in range(300)]
    rows[150][3] = "不存在的类型"
    response = client.post(
        reverse("org:import_upload", args=["units"]), {"file": upload(workbook(UNIT_HEADER, rows))}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "未导入任何数据" in page
    assert not Unit.objects.filter(code__startswith="BDG-D").exists()
    token = response.context["marked_token"]
    marked = client.get(reverse("org:download", args=[token]))
    sheet = load_workbook(io.BytesIO(marked.content)).active
    row = [cell.value for cell in sheet[152]]  # header + 151st data row
    assert any(value and "类型" in str(value) for value in row[5:])
    assert client.get(reverse("org:download", args=[token])).status_code == 404


def test_new_accounts_get_a_credentials_sheet_only_their_importer_can_fetch(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    rows = [[world.hongdaolu.code, "王五", "wangwu", "工作人员", "13900139000"]]
    response = client.post(
        reverse("org:import_upload", args=["accounts"]),
        {"file": upload(workbook(ACCOUNT_HEADER, rows))},
    )
    assert response.status_code == 200
    token = response.context["credentials_token"]
    assert (
        world.client_for(world.office).get(reverse("org:download", args=[token])).status_code == 404
    )
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("org:download", args=[token])).content)
    ).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "wangwu" in values
    assert User.objects.get(username="wangwu").must_change_password


def test_a_file_that_is_not_xlsx_gets_a_chinese_message(world: World) -> None:
    client = world.client_for(world.office)
    for content, name in [(b"not a workbook", "units.xlsx"), (b"a,b\n", "units.csv")]:
        response = client.post(
            reverse("org:import_upload", args=["units"]), {"file": upload(content, name)}
        )
        assert response.status_code == 400
        assert "xlsx" in response.content.decode() or "Excel" in response.content.decode()
    assert Unit.objects.count() == 8


def test_a_too_large_file_is_refused_before_reading(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_MAX_UPLOAD_BYTES = 1000
    response = world.client_for(world.office).post(
        reverse("org:import_upload", args=["units"]), {"file": upload(b"x" * 5000)}
    )
    assert response.status_code == 400
    assert "文件太大" in response.content.decode()


def test_a_chinese_file_imports_when_the_uploader_reads_english(world: World) -> None:
    client = world.client_for(world.office)
    client.cookies["django_language"] = "en"
    rows = [["BDG-NEW", "新社区", "", "社区/村", world.street.code]]
    response = client.post(
        reverse("org:import_upload", args=["units"]), {"file": upload(workbook(UNIT_HEADER, rows))}
    )
    assert response.status_code == 302
    assert Unit.objects.get(code="BDG-NEW").kind == "community"
