"""The ledgers (台账) as an office opens them: the problem list and the measure list in
Excel, cell by cell, with the list's filters, each persona's scope, and the job a
large ledger becomes."""

import datetime
import io
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.conftest import World
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.rectification.factories import problem_with_measure, routed_suggestion
from zhongzhi.core.models import Job, JobState
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Role, UnitKind
from zhongzhi.rectification import views_ledgers
from zhongzhi.rectification.forms import measure_filters_from, problem_filters_from
from zhongzhi.rectification.models import DueState, Measure, MeasureState
from zhongzhi.rectification.services.measures import (
    extension_decide,
    extension_request,
    measure_transition,
    progress_post,
)
from zhongzhi.rectification.services.problems import measure_add, problem_create
from zhongzhi.screening.services.routing import assignment_sign, suggestions_assign

MEASURE_HEADER = [
    "序号",
    "问题编号",
    "措施编号",
    "问题来源",
    "问题描述",
    "整改措施",
    "责任单位",
    "责任人",
    "完成时限",
    "原定时限",
    "进展情况",
    "完成状态",
    "核验情况",
]
PROBLEM_HEADER = [
    "序号",
    "问题编号",
    "问题来源",
    "问题描述",
    "整改措施",
    "责任单位",
    "责任人",
    "完成时限",
    "原定时限",
    "进展情况",
    "完成状态",
    "核验情况",
]
PHONE = "13912345678"
RESIDENT = "李秀英"


def sheet_of(content: bytes) -> Worksheet:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def rows_of(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]


def posted_on(measure: Measure) -> str:
    """The day of the measure's latest progress update (stamped by the real clock)."""
    return f"{timezone.localtime(measure.updates.latest('at').at):%Y-%m-%d}"


def ledger(client: Client, world: World, kind: str, query: str = "") -> Worksheet:
    url = reverse(f"rectification_ledgers:{kind}", args=[world.campaign.pk])
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return sheet_of(response.content)


def resident_suggestion(world: World) -> Any:
    """A resident's suggestion with a name and phone, routed to 红岛路社区 and signed."""
    suggestion, _created = suggestion_submit(
        campaign=world.campaign,
        text="莱阳路22号楼道里的水管漏水好几天了，楼下墙面都泡坏了。",
        channel="online",
        submitter_name=RESIDENT,
        submitter_phone=PHONE,
    )
    (assignment,) = suggestions_assign(
        campaign=world.campaign,
        suggestion_ids=[suggestion.pk],
        unit=world.hongdaolu,
        actor=world.office,
    )
    assignment_sign(assignment_id=assignment.pk, actor=world.hongdaolu_coordinator)
    return suggestion


@pytest.fixture
def road(world: World) -> Measure:
    """The road at 兴安支路: a measure with progress and a granted extension."""
    _problem, measure = problem_with_measure(world, suggestions=[resident_suggestion(world)])
    progress_post(
        measure=measure,
        actor=world.hongdaolu_coordinator,
        percent=40,
        text="已联系区市政，排期施工。",
    )
    request = extension_request(
        measure=Measure.objects.get(pk=measure.pk),
        actor=world.hongdaolu_coordinator,
        requested_deadline=datetime.date(2026, 11, 30),
        reason="施工队排期在11月下旬。",
    )
    extension_decide(request=request, actor=world.office, grant=True)
    return Measure.objects.select_related("problem").get(pk=measure.pk)


def test_measure_ledger_reads_cell_by_cell(world: World, road: Measure) -> None:
    sheet = ledger(world.client_for(world.office), world, "measures")

    assert sheet.title == "八大关街道解放思想大讨论整改措施清单"
    assert sheet["A1"].value == "八大关街道解放思想大讨论整改措施清单"
    assert sheet["A2"].value.startswith("筛选条件：无（全部）")
    assert "共 1 项整改措施" in sheet["A2"].value
    assert "导出日期：2026-10-15" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]] == MEASURE_HEADER
    (row,) = rows_of(sheet)
    code = road.problem.sources.get().suggestion.receipt_code_display
    posted = posted_on(road)
    assert row == [
        1,
        1,
        "1-1",
        f"群众意见建议（回执号 {code}）",
        "兴安支路路面坑洼积水\n居民反映兴安支路2号门前路面破损，雨天积水。",
        "联系区市政部门对兴安支路破损路面进行修补。\n预期效果：路面平整、雨后无积水",
        "红岛路社区",
        "王主任",
        datetime.datetime(2026, 11, 30),
        datetime.datetime(2026, 11, 15),
        f"40%（{posted}）：已联系区市政，排期施工。",
        "整改中",
        None,
    ]
    assert sheet["I4"].is_date and sheet["J4"].is_date
    assert sheet["F4"].alignment.wrap_text


def test_ledgers_are_set_up_for_filing_and_printing(world: World, road: Measure) -> None:
    client = world.client_for(world.office)
    for kind, width in (("measures", "M"), ("problems", "L")):
        sheet = ledger(client, world, kind)
        assert sheet.freeze_panes == "A4"
        assert sheet.auto_filter.ref == f"A3:{width}4"
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert f"A1:{width}1" in {str(r) for r in sheet.merged_cells.ranges}
        assert sheet.column_dimensions["A"].width == 6


def test_verified_and_sent_back_measures_say_who_and_why(world: World, road: Measure) -> None:
    measure_transition(measure=road, key="done", actor=world.hongdaolu_coordinator)
    measure_transition(
        measure=road, key="send_back", actor=world.supervisor, reason="现场仍有积水。"
    )
    sheet = ledger(world.client_for(world.office), world, "measures")
    assert (sheet["L4"].value, sheet["M4"].value) == ("核验退回", "核验退回：现场仍有积水。")

    measure_transition(measure=road, key="done", actor=world.hongdaolu_coordinator)
    measure_transition(measure=road, key="verify", actor=world.office, answer="路面已修补完毕。")
    sheet = ledger(world.client_for(world.office), world, "measures")
    verified = f"{timezone.localtime(Measure.objects.get(pk=road.pk).verified_at):%Y-%m-%d}"
    assert sheet["K4"].value == f"100%（{posted_on(road)}）：已联系区市政，排期施工。"
    assert (sheet["L4"].value, sheet["M4"].value) == ("已核验", f"已核验：街道办公室 {verified}")


def test_problem_ledger_sums_up_its_measures_in_one_row(world: World, road: Measure) -> None:
    second = measure_add(
        problem=road.problem,
        actor=world.office,
        text="在积水处加装排水篦子。",
        owner_unit=world.fushanlu,
        responsible_person="赵科长",
        deadline=datetime.date(2026, 12, 10),
    )
    Measure.objects.filter(pk=second.pk).update(due_state=DueState.OVERDUE)
    self_found = problem_create(
        campaign=world.campaign,
        actor=world.jinkoulu_coordinator,
        unit=world.jinkoulu,
        title="社区服务窗口午间无人值守",
        description="午间时段居民办事找不到人。",
    )
    sheet = ledger(world.client_for(world.office), world, "problems")

    assert sheet["A1"].value == "八大关街道解放思想大讨论问题清单"
    assert "共 2 个问题" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]] == PROBLEM_HEADER
    first, other = rows_of(sheet)
    assert first[:4] == [
        1,
        1,
        f"群众意见建议（回执号 {road.problem.sources.get().suggestion.receipt_code_display}）",
        "兴安支路路面坑洼积水\n居民反映兴安支路2号门前路面破损，雨天积水。",
    ]
    assert first[4] == (
        "1-1 联系区市政部门对兴安支路破损路面进行修补。\n预期效果：路面平整、雨后无积水\n"
        "1-2 在积水处加装排水篦子。"
    )
    assert first[5:9] == [
        "红岛路社区、福山路社区",
        "王主任、赵科长",
        datetime.datetime(2026, 12, 10),
        None,
    ]
    assert first[9] == f"1-1 40%（{posted_on(road)}）：已联系区市政，排期施工。\n1-2 尚未填报进展"
    assert first[10] == "整改中\n2 项措施：未开始 1，整改中 1，逾期 1"
    assert first[11] is None
    assert other[:3] == [2, self_found.number, "自查查摆"]
    assert other[4:6] == ["尚未制定整改措施", "金口路社区"]
    assert other[10] == "待定措施"


def test_problem_from_many_suggestions_is_counted_not_listed(world: World) -> None:
    suggestions = [routed_suggestion(world, text=f"兴安支路第{n}段路面坑洼。") for n in range(7)]
    problem_with_measure(world, suggestions=suggestions)
    sheet = ledger(world.client_for(world.office), world, "problems")
    origin = sheet["C4"].value
    assert origin.startswith("群众意见建议 7 条（回执号 ")
    assert origin.count("、") == 4 and origin.endswith("等）")


def test_no_resident_name_or_phone_in_either_ledger(world: World, road: Measure) -> None:
    client = world.client_for(world.office)
    for kind in ("measures", "problems"):
        sheet = ledger(client, world, kind)
        text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
        assert "兴安支路" in text
        assert PHONE not in text and PHONE[-4:] not in text and RESIDENT not in text


def test_text_that_looks_like_a_formula_stays_text(world: World) -> None:
    problem_with_measure(world)
    Measure.objects.update(responsible_person='=HYPERLINK("http://x.example","点我")')
    sheet = ledger(world.client_for(world.office), world, "measures")
    assert sheet["H4"].data_type == "s"
    assert sheet["H4"].value.startswith("=HYPERLINK")


# --- filters ------------------------------------------------------------------------------


@pytest.fixture
def three(world: World) -> dict[str, Measure]:
    """红岛路 (overdue, escalated), 金口路 (on time) and 福山路 (December) measures."""
    _p, hongdaolu = problem_with_measure(world)
    Measure.objects.filter(pk=hongdaolu.pk).update(due_state=DueState.OVERDUE, escalation=2)
    jinkoulu = unit_measure(
        world,
        world.jinkoulu_coordinator,
        world.jinkoulu,
        [routed_suggestion(world, text="金口路路灯不亮。", unit=world.jinkoulu).pk],
        datetime.date(2026, 11, 20),
    )
    # The office's own finding for 福山路社区 (自查查摆, no suggestion behind it).
    fushanlu = unit_measure(world, world.office, world.fushanlu, [], datetime.date(2026, 12, 20))
    return {"hongdaolu": hongdaolu, "jinkoulu": jinkoulu, "fushanlu": fushanlu}


def unit_measure(
    world: World, actor: Any, unit: Any, suggestion_ids: list[int], deadline: datetime.date
) -> Measure:
    problem = problem_create(
        campaign=world.campaign,
        actor=actor,
        unit=unit,
        title=f"{unit.name}的问题",
        description="居民反映的情况。",
        suggestion_ids=suggestion_ids,
    )
    return measure_add(
        problem=problem,
        actor=actor,
        text=f"{unit.name}的整改措施。",
        owner_unit=unit,
        responsible_person="王主任",
        deadline=deadline,
    )


def owners(sheet: Worksheet) -> list[str]:
    return [row[6] for row in rows_of(sheet)]


def test_the_lists_filters_apply_to_the_ledger(world: World, three: dict[str, Measure]) -> None:
    client = world.client_for(world.office)
    assert owners(ledger(client, world, "measures")) == ["红岛路社区", "金口路社区", "福山路社区"]

    sheet = ledger(client, world, "measures", "due=overdue")
    assert owners(sheet) == ["红岛路社区"]
    assert sheet["A2"].value.startswith("筛选条件：时限：已逾期　")
    assert sheet["L4"].value == "未开始（已逾期，督办）"
    assert owners(ledger(client, world, "measures", "escalated=1")) == ["红岛路社区"]
    sheet = ledger(client, world, "measures", f"owner_unit={world.jinkoulu.pk}")
    assert owners(sheet) == ["金口路社区"]
    assert "责任单位：金口路社区（含下级）" in sheet["A2"].value
    assert owners(ledger(client, world, "measures", "deadline_from=2026-12-01")) == ["福山路社区"]
    assert owners(ledger(client, world, "measures", "q=王主任&deadline_to=2026-11-30")) == [
        "红岛路社区",
        "金口路社区",
    ]
    assert owners(ledger(client, world, "measures", "state=verified")) == []


def test_problem_ledger_takes_the_problem_lists_filters(
    world: World, three: dict[str, Measure]
) -> None:
    client = world.client_for(world.office)
    sheet = ledger(client, world, "problems", f"unit={world.jinkoulu.pk}&status=in_progress")
    assert [row[5] for row in rows_of(sheet)] == ["金口路社区"]
    assert "状态：整改中" in sheet["A2"].value
    sheet = ledger(client, world, "problems", "origin=self")
    assert [row[2] for row in rows_of(sheet)] == ["自查查摆"]


def test_bad_filter_values_are_no_filter_not_a_500(world: World, three: dict[str, Measure]) -> None:
    client = world.client_for(world.office)
    query = "state=bogus&due=soon&owner_unit=abc&deadline_from=2026-13-01&deadline_to=x"
    for bad in (query, "q=" + "路" * 500, "due=overdue&deadline_from=2026-13-01"):
        sheet = ledger(client, world, "measures", bad)
        assert len(rows_of(sheet)) == 3, bad
        assert sheet["A2"].value.startswith("筛选条件：无（全部）")
    sheet = ledger(client, world, "problems", "status=x&origin=y&unit=99999999&topic=-1")
    assert len(rows_of(sheet)) == 3


def test_a_unit_outside_the_campaign_or_the_users_scope_is_no_filter(world: World) -> None:
    elsewhere = UnitFactory(code="QD-LC", name="李沧区", kind=UnitKind.DISTRICT, parent=world.city)
    query = QueryDict(f"owner_unit={elsewhere.pk}")
    assert measure_filters_from(query, world.campaign, world.office).owner_unit is None
    query = QueryDict(f"unit={world.district.pk}")
    assert problem_filters_from(query, world.campaign, world.office).unit is None
    query = QueryDict(f"owner_unit={world.jinkoulu.pk}")
    assert measure_filters_from(query, world.campaign, world.office).owner_unit == world.jinkoulu
    assert measure_filters_from(query, world.campaign, world.supervisor).owner_unit is None
    filters = measure_filters_from(
        QueryDict("due=open&state=done&escalated=1&deadline_from=2026-11-01"),
        world.campaign,
        world.office,
    )
    assert (filters.due, filters.state, filters.escalated, filters.deadline_from) == (
        "open",
        MeasureState.DONE,
        True,
        datetime.date(2026, 11, 1),
    )


# --- scope ----------------------------------------------------------------------------------


def test_each_persona_gets_the_measures_of_their_list(
    world: World, three: dict[str, Measure]
) -> None:
    expected = {
        world.office: ["红岛路社区", "金口路社区", "福山路社区"],
        world.leader: ["红岛路社区", "金口路社区", "福山路社区"],
        world.hongdaolu_coordinator: ["红岛路社区"],
        world.jinkoulu_coordinator: ["金口路社区"],
        world.supervisor: ["红岛路社区", "福山路社区"],
    }
    for user, units in expected.items():
        client = world.client_for(user)
        assert owners(ledger(client, world, "measures")) == units, user.username
        problem_units = [row[5] for row in rows_of(ledger(client, world, "problems"))]
        assert problem_units == units, user.username


def test_a_campaign_out_of_scope_is_404(world: World, road: Measure) -> None:
    elsewhere = UnitFactory(code="QD-LC", name="李沧区", kind=UnitKind.DISTRICT, parent=world.city)
    outsider = UserFactory(username="lc")
    MembershipFactory(user=outsider, unit=elsewhere, role=Role.OFFICE)
    client = world.client_for(outsider)
    for name in ("problems", "measures"):
        url = reverse(f"rectification_ledgers:{name}", args=[world.campaign.pk])
        assert client.get(url).status_code == 404
        assert client.get(url.replace(str(world.campaign.pk), "999999")).status_code == 404
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- the job ----------------------------------------------------------------------------------


def test_a_large_ledger_is_a_job_with_a_progress_bar_and_a_download(
    world: World, three: dict[str, Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_ledgers, "LEDGER_IN_REQUEST_MAX", 2)
    client = world.client_for(world.hongdaolu_coordinator)
    url = reverse("rectification_ledgers:measures", args=[world.campaign.pk])
    response = client.get(url)  # the coordinator sees one measure: at once
    assert response.status_code == 200 and len(rows_of(sheet_of(response.content))) == 1

    client = world.client_for(world.office)
    response = client.get(f"{url}?due=open")
    assert response.status_code == 302
    job = Job.objects.get(owner=world.office)
    assert response["Location"] == reverse(
        "rectification_ledgers:job", args=[world.campaign.pk, job.pk]
    )
    assert (job.state, job.done, job.total) == (JobState.SUCCEEDED, 3, 3)
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="progressbar"' in html and "导出完成：共 3 条。" in html
    download = reverse("org:download", args=[job.result["download_token"]])
    assert download in html
    assert world.client_for(world.jinkoulu_coordinator).get(download).status_code == 404
    sheet = sheet_of(client.get(download).content)
    assert sheet["A2"].value.startswith("筛选条件：时限：未完成")
    assert owners(sheet) == ["红岛路社区", "金口路社区", "福山路社区"]
    assert client.get(download).status_code == 404  # once only
    other = world.client_for(world.jinkoulu_coordinator)
    assert other.get(response["Location"]).status_code == 404  # someone else's job


def test_the_problem_ledger_job_scopes_to_its_owner(
    world: World, three: dict[str, Measure], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_ledgers, "LEDGER_IN_REQUEST_MAX", 0)
    client = world.client_for(world.supervisor)
    url = reverse("rectification_ledgers:problems", args=[world.campaign.pk])
    response = client.get(url)
    assert response.status_code == 302
    job = Job.objects.get(owner=world.supervisor)
    assert job.state == JobState.SUCCEEDED and job.total == 2
    content = client.get(reverse("org:download", args=[job.result["download_token"]])).content
    assert [row[5] for row in rows_of(sheet_of(content))] == ["红岛路社区", "福山路社区"]
