"""Writers from Excel: the template opens, a good file adds the writers it names
(their unit from their account when left empty), one bad row imports nothing and
says where, and only the office may."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.essays.conftest import Cadres
from tests.factories import MembershipFactory, UserFactory
from tests.org.test_import_views import upload, workbook
from zhongzhi.essays.models import EssayAssignment
from zhongzhi.essays.services import NewWriter, assignments_add
from zhongzhi.org.models import Role

HEADER = ["登录名", "姓名", "单位编码", "截止日期"]


def test_the_template_opens_with_the_columns_and_the_campaigns_units(world: World) -> None:
    url = reverse("essays:template", args=[world.campaign.pk])
    response = world.client_for(world.office).get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["心得体会撰写人"][1]] == HEADER
    codes = [row[0].value for row in book["可选单位"].iter_rows(min_row=2)]
    assert world.hongdaolu.code in codes and world.district.code not in codes


def test_a_good_file_adds_its_writers_and_keeps_those_listed(world: World, cadres: Cadres) -> None:
    assignments_add(
        campaign=world.campaign,
        actor=world.office,
        writers=[NewWriter(cadres.jkl_a, world.jinkoulu, datetime.date(2026, 11, 5))],
    )
    rows = [
        ["ＨＤＬ-Ａ", "红岛路社区干部甲", "", ""],
        ["hdl-b", "", world.hongdaolu.code, datetime.datetime(2026, 11, 20)],  # a date cell
        ["jkl-a", "", "", "2026年12月1日"],
    ]
    client = world.client_for(world.office)
    url = reverse("essays:import", args=[world.campaign.pk])
    response = client.post(url, {"file": upload(workbook(HEADER, rows))})
    assert response.status_code == 302
    dues = {
        a.writer.username: (a.unit, a.due_date)
        for a in EssayAssignment.objects.select_related("writer", "unit")
    }
    assert dues == {
        "hdl-a": (world.hongdaolu, world.campaign.end_date),
        "hdl-b": (world.hongdaolu, datetime.date(2026, 11, 20)),
        "jkl-a": (world.jinkoulu, datetime.date(2026, 11, 5)),  # already listed: unchanged
    }
    page = client.get(response["Location"]).content.decode()
    assert "导入成功：添加了 2 名撰写人。" in page


def test_one_bad_row_imports_nothing_and_names_each_error(world: World, cadres: Cadres) -> None:
    twice = UserFactory(username="twice")
    MembershipFactory(user=twice, unit=world.hongdaolu, role=Role.STAFF)
    MembershipFactory(user=twice, unit=world.jinkoulu, role=Role.STAFF)
    UserFactory(username="nounit")
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=gone, unit=world.hongdaolu, role=Role.STAFF)
    rows = [
        ["hdl-a", "", "", ""],
        ["nobody", "", "", ""],
        ["HDL-A", "", "", ""],
        ["twice", "", "", ""],
        ["nounit", "", "", ""],
        ["jkl-a", "", world.district.code, ""],
        ["hdl-b", "", world.jinkoulu.code, ""],
        ["gone", "", "", ""],
        ["", "张三", "", ""],
        ["hdl-b", "", "", "十一月底"],
    ]
    client = world.client_for(world.office)
    url = reverse("essays:import", args=[world.campaign.pk])
    response = client.post(url, {"file": upload(workbook(HEADER, rows))})
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "没有登录名为“nobody”的账号，请先建立账号。",
        "与第 2 行是同一个撰写人。",
        "该账号属于多个单位（红岛路社区、金口路社区），请填写单位编码。",
        "该账号不属于本活动的任何单位，请填写单位编码。",
        "编码为“QD-SN”的单位不属于本活动。",
        "“红岛路社区干部乙”不是金口路社区的人员。",
        "账号“gone”已停用。",
        "请填写撰写人的登录名。",
        "日期应写成 2026-11-30。",
    ):
        assert message in page, message
    assert not EssayAssignment.objects.exists()
    assert 'data-testid="marked"' in page
    marked_url = page.split('data-testid="marked"')[0].rsplit('href="', 1)[1].split('"')[0]
    marked = load_workbook(io.BytesIO(client.get(marked_url).content))
    sheet = marked.worksheets[0]
    notes = [sheet.cell(row, 5).value for row in range(2, 12)]
    assert notes[0] is None and "请先建立账号" in notes[1]


def test_a_date_outside_the_campaign_is_refused(world: World, cadres: Cadres) -> None:
    response = world.client_for(world.office).post(
        reverse("essays:import", args=[world.campaign.pk]),
        {"file": upload(workbook(HEADER, [["hdl-a", "", "", "2027-01-10"]]))},
    )
    assert response.status_code == 400
    assert "截止日期须在活动期间（2026-09-01 至 2026-12-31）。" in response.content.decode()
    assert not EssayAssignment.objects.exists()


def test_not_an_xlsx_is_refused_in_chinese_and_only_the_office_may(world: World) -> None:
    url = reverse("essays:import", args=[world.campaign.pk])
    response = world.client_for(world.office).post(
        url, {"file": upload(b"not a workbook", "writers.xlsx")}
    )
    assert response.status_code == 400 and "xlsx" in response.content.decode().lower()
    template = reverse("essays:template", args=[world.campaign.pk])
    for user in (world.leader, world.supervisor, world.hongdaolu_coordinator):
        client = world.client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"file": upload(workbook(HEADER, []))}).status_code == 404
        assert client.get(template).status_code == 404
    assert world.client_for(world.office).get(url).status_code == 200
