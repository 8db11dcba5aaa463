"""The paper-form (意见表) round trip: template, upload, background import, marked file."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tests.conftest import World
from zhongzhi.campaigns.services import template_apply
from zhongzhi.core.models import Job, JobState
from zhongzhi.intake import paper_form
from zhongzhi.intake.models import Channel, Suggestion
from zhongzhi.intake.services import PHONE_ERROR
from zhongzhi.org.imports.workbook import WorkbookError

HEADER = [
    "标题",
    "内容",
    "方面",
    "群体类别",
    "涉及单位",
    "渠道",
    "姓名",
    "手机号",
    "匿名",
    "提交日期",
]


@pytest.fixture(autouse=True)
def media_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]  # the settings fixture


@pytest.fixture
def world_711(world: World) -> World:
    template_apply(campaign=world.campaign, key="7+11")
    return world


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("意见表")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "意见表.xlsx") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def good_rows(count: int) -> list[list[object]]:
    topics = ["提高为民服务水平", "推进“六联共建”", "营商环境", "干部能力"]
    categories = ["居民代表", "老干部", "人大代表"]
    units = ["红岛路社区", "QD-SN-BDG-JKL", "福山路社区", "八大关社区", "太平角社区"]
    return [
        [
            f"意见{n}",
            f"第{n}份意见表：建议在{units[n % 5]}增加便民服务，方便老人办事。",
            topics[n % 4],
            categories[n % 3],
            units[n % 5],
            "" if n % 7 else "来信",
            f"居民{n}",
            f"1380013{n % 10000:04d}",
            "是" if n % 10 == 0 else "否",
            "2026-10-05" if n % 2 else "",
        ]
        for n in range(count)
    ]


def post_file(client: Client, world: World, content: bytes, name: str = "意见表.xlsx") -> Job:
    response = client.post(
        reverse("intake_entry:paper_form_upload", args=[world.campaign.pk]),
        {"file": upload(content, name)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(pk=int(response["Location"].rsplit("job=", 1)[1]))
    page = client.get(response["Location"])
    assert page.status_code == 200
    return job


# --- Template -----------------------------------------------------------------------


def test_template_has_dropdowns_for_topic_category_unit_channel(world_711: World) -> None:
    client = world_711.client_for(world_711.hongdaolu_coordinator)
    response = client.get(reverse("intake_entry:paper_form_template", args=[world_711.campaign.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["意见表"]
    assert [cell.value for cell in sheet[1]] == HEADER
    options = book[paper_form.OPTIONS_SHEET]
    assert options.sheet_state == "hidden"
    by_column = {
        str(validation.sqref).split(":")[0].rstrip("0123456789"): validation.formula1
        for validation in sheet.data_validations.dataValidation
    }
    assert set(by_column) >= {"C", "D", "E", "F", "I"}  # 方面, 群体类别, 涉及单位, 渠道, 匿名
    column_values = {
        options.cell(1, col).value: [
            options.cell(row, col).value for row in range(2, options.max_row + 1)
        ]
        for col in range(1, options.max_column + 1)
    }
    assert "推进“六联共建”" in column_values["方面"]
    assert len([v for v in column_values["方面"] if v]) == 11
    assert len([v for v in column_values["群体类别"] if v]) == 7
    # 红岛路's coordinator may only enter suggestions about 红岛路.
    assert [v for v in column_values["涉及单位"] if v] == ["红岛路社区"]
    assert "意见表导入" in column_values["渠道"]
    assert "说明" in book.sheetnames


def test_only_units_that_change_can_open_the_import(world_711: World) -> None:
    url = reverse("intake_entry:paper_form", args=[world_711.campaign.pk])
    assert world_711.client_for(world_711.supervisor).get(url).status_code == 404
    assert world_711.client_for(world_711.leader).get(url).status_code == 404
    assert world_711.client_for(world_711.jinkoulu_coordinator).get(url).status_code == 200
    assert Client().get(url).status_code == 302  # to the login page


def test_the_entry_index_lists_the_campaigns_i_may_enter_suggestions_for(world: World) -> None:
    url = reverse("intake_entry:index")
    page = world.client_for(world.hongdaolu_coordinator).get(url).content.decode()
    assert world.campaign.name in page
    assert reverse("intake_entry:paper_form", args=[world.campaign.pk]) in page
    assert reverse("intake_entry:meeting_new", args=[world.campaign.pk]) in page
    empty = world.client_for(world.supervisor).get(url).content.decode()
    assert "没有可以录入意见的活动" in empty


# --- Import -------------------------------------------------------------------------


def test_ten_thousand_good_rows_import_and_the_rows_are_right(world_711: World) -> None:
    world = world_711
    content = xlsx(good_rows(10_000))
    client = world.client_for(world.office)
    started, cpu = time.perf_counter(), time.process_time()
    job = post_file(client, world, content)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"\n10,000-row 意见表 import through HTTP: {elapsed:.2f} s wall, {cpu:.2f} s CPU")
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.message
    assert job.result["created"] == 10_000
    assert job.percent == 100
    assert Suggestion.objects.filter(campaign=world.campaign).count() == 10_000
    assert len(set(Suggestion.objects.values_list("receipt_code", flat=True))) == 10_000

    first = Suggestion.objects.select_related("topic", "category", "unit").get(title="意见1")
    assert first.text.startswith("第1份意见表")
    assert first.topic is not None and first.topic.name == "推进“六联共建”"
    assert first.category is not None and first.category.name == "老干部"
    assert first.unit == world.jinkoulu  # by code
    assert first.channel == Channel.PAPER  # blank: the default
    assert first.submitter_name == "居民1"
    assert first.submitter_phone == "13800130001"
    assert not first.anonymous
    assert timezone.localdate(first.submitted_at).isoformat() == "2026-10-05"
    assert first.submitted_by == world.office
    assert first.idempotency_key.startswith("xlsx:")
    zero = Suggestion.objects.get(title="意见0")
    assert zero.anonymous and zero.submitter_name == ""  # anonymous: no name kept
    assert zero.channel == Channel.LETTER  # "来信"
    assert zero.unit == world.hongdaolu  # by name

    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "导入成功" in page and "10000" in page


def test_one_bad_row_among_thousands_imports_nothing_and_marks_that_cell(
    world_711: World,
) -> None:
    world = world_711
    rows = good_rows(3000)
    rows[1233][7] = "1234"  # 手机号 of Excel row 1235
    client = world.client_for(world.office)
    job = post_file(client, world, xlsx(rows), name="十月意见表.xlsx")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "未导入任何数据" in job.message
    assert not Suggestion.objects.exists()
    assert job.result["errors"] == [[1235, "手机号", str(PHONE_ERROR)]]

    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "下载标注了错误的表格" in page and "1235" in page
    marked = client.get(reverse("org:download", args=[job.result["download_token"]]))
    assert marked.status_code == 200
    assert "%E5%8D%81%E6%9C%88" in marked["Content-Disposition"]  # 十月意见表-错误标注
    sheet = load_workbook(io.BytesIO(marked.content))["意见表"]
    cell = sheet.cell(1235, HEADER.index("手机号") + 1)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert cell.comment is not None and "0532-82881234" in cell.comment.text
    assert sheet.cell(1, len(HEADER) + 1).value == "错误说明"
    assert f"手机号：{PHONE_ERROR}" in sheet.cell(1235, len(HEADER) + 1).value
    assert sheet.cell(1236, len(HEADER) + 1).value is None


def test_landlines_in_the_phone_column_are_taken_and_stored_normalised(
    world_711: World,
) -> None:
    rows = good_rows(3)
    rows[0][7], rows[1][7], rows[2][7] = "0532-82881234", "82881234", "(0532)82881234转806"
    job = post_file(world_711.client_for(world_711.office), world_711, xlsx(rows))
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.result
    assert sorted(Suggestion.objects.values_list("submitter_phone", flat=True)) == [
        "0532-82881234",
        "0532-82881234-806",
        "82881234",
    ]


def test_every_wrong_cell_gets_its_own_chinese_reason(world_711: World) -> None:
    rows: list[list[object]] = [
        ["", "", "", "", "", "", "", "", "", ""],
        ["标" * 101, "内容", "不存在的方面", "外星人", "", "传真", "", "", "也许", "2999-01-01"],
        ["", "长" * 5001, "", "", "", "", "名" * 51, "", "", "昨天"],
    ]
    rows[0][6] = "只有名字"  # a row with a name but no 内容
    result = paper_form.paper_form_import(
        campaign=world_711.campaign, workbook=xlsx(rows), actor=world_711.office
    )
    assert not result.ok
    found = {(error.row, error.column): error.message for error in result.errors}
    assert found[(2, "内容")] == "请填写建议内容。"
    assert "最多 100 字" in found[(3, "标题")]
    assert "不是本活动的方面" in found[(3, "方面")]
    assert "不是本活动的群体类别" in found[(3, "群体类别")]
    assert "无法识别" in found[(3, "渠道")]
    assert "“是”或“否”" in found[(3, "匿名")]
    assert found[(3, "提交日期")] == "提交日期不能晚于今天。"
    assert "最多 5000 字，现在 5001 字" in found[(4, "内容")]
    assert "最多 50 字" in found[(4, "姓名")]
    assert "无法识别" in found[(4, "提交日期")]
    assert result.marked_workbook is not None
    assert not Suggestion.objects.exists()


def test_names_are_matched_as_people_type_them(world_711: World) -> None:
    rows: list[list[object]] = [
        [
            "",
            "繁體也可以",
            "提高為民服務水平",
            "居民代表",
            "紅島路社區",
            "小程序",
            "",
            "",
            "y",
            46300,
        ],
        [
            "",
            "不带引号",
            "推进六联共建",
            "老干部",
            "红岛路社区（QD-SN-BDG-HDL）",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    result = paper_form.paper_form_import(
        campaign=world_711.campaign, workbook=xlsx(rows), actor=world_711.hongdaolu_coordinator
    )
    assert result.ok, result.errors
    first, second = Suggestion.objects.order_by("text")  # 不带引号 < 繁體也可以
    assert first.topic is not None and first.topic.name == "推进“六联共建”"
    assert second.topic is not None and second.topic.name == "提高为民服务水平"
    assert second.channel == Channel.API and second.anonymous
    assert timezone.localdate(second.submitted_at).isoformat() == "2026-10-05"  # Excel serial 46300
    assert {first.unit, second.unit} == {world_711.hongdaolu}


def test_the_same_file_twice_adds_nothing_and_says_so(world_711: World) -> None:
    world = world_711
    content = xlsx(good_rows(50))
    client = world.client_for(world.office)
    first = post_file(client, world, content)
    second = post_file(client, world, content)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.result["created"] == 50
    assert second.state == JobState.SUCCEEDED
    assert second.result["created"] == 0 and second.result["already"] == 50
    assert "已经导入过" in second.message
    assert Suggestion.objects.count() == 50


def test_a_save_broken_off_half_way_is_finished_by_the_same_file(world_711: World) -> None:
    content = xlsx(good_rows(30))
    done = paper_form.paper_form_import(
        campaign=world_711.campaign, workbook=content, actor=world_711.office
    )
    Suggestion.objects.filter(title__in=[f"意见{n}" for n in range(10, 30)]).delete()
    again = paper_form.paper_form_import(
        campaign=world_711.campaign, workbook=content, actor=world_711.office
    )
    assert (done.created, again.created, again.already_imported) == (30, 20, 10)
    assert Suggestion.objects.count() == 30


def test_hongdaolu_coordinator_cannot_import_rows_for_jinkoulu(world_711: World) -> None:
    world = world_711
    rows: list[list[object]] = [
        ["", "自己社区的事", "", "", "", "", "", "", "", ""],
        ["", "金口路的事", "", "", "金口路社区", "", "", "", "", ""],
        ["", "金口路的事", "", "", "QD-SN-BDG-JKL", "", "", "", "", ""],
        ["", "没有的单位", "", "", "不存在社区", "", "", "", "", ""],
    ]
    client = world.client_for(world.hongdaolu_coordinator)
    job = post_file(client, world, xlsx(rows))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    messages = {
        row: message for row, column, message in job.result["errors"] if column == "涉及单位"
    }
    assert set(messages) == {3, 4, 5}
    for row, name in ((3, "金口路社区"), (4, "QD-SN-BDG-JKL"), (5, "不存在社区")):
        # out of scope reads exactly like unknown
        assert messages[row] == (
            f"涉及单位“{name}”不存在或不在您的管理范围内。请填写单位编码或从下拉列表中选择。"
        )
    assert not Suggestion.objects.exists()

    ok = post_file(client, world, xlsx(rows[:1]))
    ok.refresh_from_db()
    assert ok.state == JobState.SUCCEEDED
    assert Suggestion.objects.get().unit == world.hongdaolu  # blank: the uploader's unit


# --- Bad files ----------------------------------------------------------------------


def _broken_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"\xff\xfe<Types>\xc3\x28 broken")
        archive.writestr("xl/workbook.xml", "不是 XML".encode("gbk"))
    return buffer.getvalue()


BAD_FILES = {
    "csv_in_gbk": ("标题,内容\n一,二\n".encode("gbk"), "不是 Excel 工作簿"),
    "old_xls": (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "旧版 Excel"),
    "broken_encoding": (_broken_xlsx(), "无法读取该 Excel 文件"),
    "missing_column": (xlsx([["标题一", "方面"]], header=["标题", "方面"]), "缺少必需的列：内容"),
    "header_only": (xlsx([]), "只有表头"),
    "blank_sheet": (xlsx([], header=[]), "表格是空的"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_gets_a_clear_chinese_message_and_saves_nothing(
    world_711: World, case: str
) -> None:
    content, expected = BAD_FILES[case]
    client = world_711.client_for(world_711.office)
    job = post_file(client, world_711, content)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert expected in job.message
    assert not Suggestion.objects.exists()
    assert expected in client.get(reverse("job", args=[job.pk])).content.decode()


def test_an_empty_or_misnamed_upload_is_refused_on_the_page(world_711: World) -> None:
    client = world_711.client_for(world_711.office)
    url = reverse("intake_entry:paper_form_upload", args=[world_711.campaign.pk])
    empty = client.post(url, {"file": upload(b"")})
    assert empty.status_code == 400
    assert "空文件" in empty.content.decode()
    misnamed = client.post(url, {"file": upload(xlsx(good_rows(1)), name="意见表.xls")})
    assert misnamed.status_code == 400
    assert ".xlsx" in misnamed.content.decode()
    assert not Job.objects.exists()


def test_more_than_twenty_thousand_rows_is_refused(world_711: World) -> None:
    rows: list[list[object]] = [["", f"意见{n}"] for n in range(20_001)]
    with pytest.raises(WorkbookError, match="一次最多导入 20,000 行"):
        paper_form.paper_form_import(
            campaign=world_711.campaign,
            workbook=xlsx(rows, header=["标题", "内容"]),
            actor=world_711.office,
        )
    assert not Suggestion.objects.exists()


# --- What the import gives back: receipt codes -------------------------------------


def receipts_url(job: Job) -> str:
    return reverse("intake_entry:paper_form_receipts", args=[job.pk])


def slips_url(job: Job) -> str:
    return reverse("intake_entry:paper_form_slips", args=[job.pk])


def imported_in_file_order() -> list[Suggestion]:
    return sorted(Suggestion.objects.all(), key=lambda s: int(s.idempotency_key.rsplit(":")[-1]))


def test_after_an_import_the_sheet_comes_back_with_receipt_codes_and_links(
    world_711: World,
) -> None:
    world = world_711
    client = world.client_for(world.hongdaolu_coordinator)
    rows = [
        ["路灯", "红岛路38号的路灯坏了。\n已经一个月。", "", "", "", "", "王秀兰", "0532-82881234"],
        ["", "楼道里堆满杂物，建议清理。", "", "", "", "来信", "", ""],
        ["", "希望增加健身器材。", "", "", "", "", "李建国", "", "是"],
    ]
    job = post_file(client, world, xlsx([row + [""] * (10 - len(row)) for row in rows]))
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.message

    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert receipts_url(job) in page and slips_url(job) in page

    response = client.get(receipts_url(job))
    assert response.status_code == 200
    assert "%E5%9B%9E%E6%89%A7%E5%8F%B7" in response["Content-Disposition"]  # 回执号
    sheet = load_workbook(io.BytesIO(response.content))["意见表"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == [*HEADER, "回执号", "查询链接", "编号"]
    saved = imported_in_file_order()
    assert [row[1] for row in table[1:]] == [s.text for s in saved]
    assert table[1][7] == "0532-82881234"
    assert (table[2][5], table[3][6], table[3][8]) == ("来信", None, "是")  # anonymous: no name
    for row, suggestion in zip(table[1:], saved, strict=True):
        link = f"http://testserver/c/r/{suggestion.receipt_code}/"
        assert row[10:] == [suggestion.receipt_code_display, link, suggestion.number]
        assert Client().get(link).status_code == 200
    assert sheet.cell(2, 12).hyperlink.target == table[1][11]


def test_printable_slips_one_per_suggestion(world_711: World) -> None:
    world = world_711
    client = world.client_for(world.office)
    rows = good_rows(3)
    rows[0][1] = "\n  第一行写问题。\n第二行写建议。"
    job = post_file(client, world, xlsx(rows))

    response = client.get(slips_url(job))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="slip"') == 3
    assert "@media print" in html and "@page" in html
    assert html.count(world.campaign.name) >= 3
    for suggestion in Suggestion.objects.all():
        assert suggestion.receipt_code_display in html
        assert f"http://testserver/c/r/{suggestion.receipt_code}/" in html
    assert "第一行写问题。" in html and "第二行写建议" not in html
    assert html.count('src="data:image/png;base64,') == 3


def test_slips_come_in_pages_of_twelve_a4_sheets(world_711: World) -> None:
    client = world_711.client_for(world_711.office)
    job = post_file(client, world_711, xlsx(good_rows(100)))
    first = client.get(slips_url(job)).content.decode()
    second = client.get(slips_url(job), {"page": 2}).content.decode()
    assert first.count('data-testid="slip"') == 96
    assert second.count('data-testid="slip"') == 4
    assert "共 100 张" in first


def test_receipts_are_the_importing_users_only(world_711: World) -> None:
    world = world_711
    job = post_file(world.client_for(world.hongdaolu_coordinator), world, xlsx(good_rows(2)))
    for user in (world.jinkoulu_coordinator, world.office, world.supervisor):
        client = world.client_for(user)
        assert client.get(receipts_url(job)).status_code == 404
        assert client.get(slips_url(job)).status_code == 404
    assert Client().get(receipts_url(job)).status_code == 302  # to the login page


def test_a_failed_import_offers_no_receipts(world_711: World) -> None:
    client = world_711.client_for(world_711.office)
    rows = good_rows(2)
    rows[1][7] = "1234"
    job = post_file(client, world_711, xlsx(rows))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert client.get(receipts_url(job)).status_code == 404
    assert client.get(slips_url(job)).status_code == 404


def test_the_same_file_again_gives_the_receipt_codes_again(world_711: World) -> None:
    client = world_711.client_for(world_711.office)
    content = xlsx(good_rows(5))
    post_file(client, world_711, content)
    again = post_file(client, world_711, content)
    again.refresh_from_db()
    assert again.result["created"] == 0
    sheet = load_workbook(io.BytesIO(client.get(receipts_url(again)).content))["意见表"]
    codes = [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [s.receipt_code_display for s in imported_in_file_order()]


def test_the_sheet_given_back_is_not_imported_a_second_time(world_711: World) -> None:
    client = world_711.client_for(world_711.office)
    job = post_file(client, world_711, xlsx(good_rows(4)))
    given_back = client.get(receipts_url(job)).content

    again = post_file(client, world_711, given_back, name="意见表-回执号.xlsx")

    again.refresh_from_db()
    assert again.state == JobState.FAILED
    assert "已经导入过" in again.message
    assert Suggestion.objects.count() == 4
