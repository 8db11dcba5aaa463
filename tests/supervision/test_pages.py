"""The supervision pages through HTTP, as each persona: the office sets up a group, a
member records an inspection and a finding, the unit sees the measure, and nobody
else reaches what is not theirs."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.org.models import User
from zhongzhi.rectification.models import Measure, Problem
from zhongzhi.supervision.models import Inspection, InspectionMethod, SupervisionGroup
from zhongzhi.supervision.services import group_save, inspection_record

TODAY = datetime.date(2026, 10, 15)


@pytest.fixture
def inspection(group: SupervisionGroup, inspector: User, world: World) -> Inspection:
    return inspection_record(
        group=group,
        actor=inspector,
        unit=world.jinkoulu,
        date=TODAY,
        methods=[InspectionMethod.ON_SITE],
        notes="楼道堆物未清。",
    )


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_office_sets_up_a_group_on_the_page(world: World) -> None:
    inspector = UserFactory(username="inspector", full_name="第一督导组组长")
    # Accounts offered are those of the campaign's units: give the inspector one.
    group_save(
        campaign=world.campaign,
        actor=world.office,
        name="临时组",
        leader=inspector,
        members=[],
        units=[world.taipingjiao],
    )
    office = world.client_for(world.office)
    url = reverse("supervision:group_new", args=[world.campaign.pk])
    refused = office.post(url, {"name": "第一督导组", "leader": inspector.pk})
    assert refused.status_code == 200
    assert "请至少选择一个督导单位。" in refused.content.decode()
    assert not SupervisionGroup.objects.filter(name="第一督导组").exists()
    response = office.post(
        url,
        {
            "name": "第一督导组",
            "leader": inspector.pk,
            "units": [world.jinkoulu.pk, world.badaguan.pk],
        },
    )
    made = SupervisionGroup.objects.get(name="第一督导组")
    assert response["Location"] == reverse("supervision:group", args=[made.pk])
    overview = html(office, reverse("supervision:overview", args=[world.campaign.pk]))
    assert "第一督导组" in overview and "0 / 2" in overview


def test_a_members_day_inspection_finding_and_the_units_measure(
    world: World, inspector: User, group: SupervisionGroup
) -> None:
    client = world.client_for(inspector)
    home = client.get(reverse("supervision:home"), follow=True)
    assert "第一督导组" in home.content.decode()
    page = html(client, reverse("supervision:group", args=[group.pk]))
    assert "金口路社区" in page and "八大关社区" in page and "未检查" in page
    new = reverse("supervision:inspection_new", args=[group.pk])
    outside = client.post(
        new, {"unit": world.hongdaolu.pk, "date": "2026-10-14", "methods": ["on_site"]}
    )
    assert outside.status_code == 200 and not Inspection.objects.exists()
    response = client.post(
        new,
        {"unit": world.jinkoulu.pk, "date": "2026-10-14", "methods": ["on_site", "ledgers"]},
    )
    made = Inspection.objects.get()
    assert response["Location"] == reverse("supervision:inspection", args=[made.pk])
    page_url = response["Location"]
    late = client.post(
        page_url,
        {
            "title": "楼道堆物",
            "description": "3号楼道堆物。",
            "requirement": "清理",
            "deadline": "2027-01-05",
        },
    )
    assert "完成时限不能晚于活动结束日期（2026-12-31）。" in late.content.decode()
    assert not Problem.objects.exists()
    client.post(
        page_url,
        {
            "title": "楼道堆物未清理",
            "description": "金口路3号楼道堆放杂物，存在消防隐患。",
            "requirement": "清理楼道杂物并建立巡查制度",
            "deadline": "2026-10-22",
        },
    )
    measure = Measure.objects.get()
    page = html(client, page_url)
    assert "楼道堆物未清理" in page and measure.code in page
    # The unit's coordinator finds it among the unit's measures, from 督导发现.
    coordinator = world.client_for(world.jinkoulu_coordinator)
    measures = html(coordinator, reverse("rectification:measures", args=[world.campaign.pk]))
    assert "清理楼道杂物并建立巡查制度" in measures
    problem = html(coordinator, reverse("rectification:problem", args=[measure.problem_id]))
    assert "督导发现" in problem
    overview = html(client, reverse("supervision:overview", args=[world.campaign.pk]))
    assert "1 / 2" in overview


def test_who_reaches_which_page(
    world: World, inspector: User, group: SupervisionGroup, inspection: Inspection
) -> None:
    group_url = reverse("supervision:group", args=[group.pk])
    inspection_url = reverse("supervision:inspection", args=[inspection.pk])
    new_url = reverse("supervision:inspection_new", args=[group.pk])
    edit_url = reverse("supervision:group_edit", args=[group.pk])
    create_url = reverse("supervision:group_new", args=[world.campaign.pk])
    finding = {"title": "t", "description": "d", "requirement": "r", "deadline": "2026-10-20"}
    urls = [group_url, inspection_url, new_url, edit_url, create_url]
    expected = {
        # Office and leaders read every group; only the office sets them up.
        world.office: [200, 200, 404, 200, 200],
        world.leader: [200, 200, 404, 404, 404],
        # A supervisor of other units and the coordinators are not in the group.
        world.supervisor: [404, 404, 404, 404, 404],
        world.jinkoulu_coordinator: [404, 404, 404, 404, 404],
        inspector: [200, 200, 200, 404, 404],
    }
    for user, statuses in expected.items():
        client = world.client_for(user)
        for url, status in zip(urls, statuses, strict=True):
            assert client.get(url).status_code == status, (user.username, url)
        if user != inspector:
            assert client.post(inspection_url, finding).status_code == 404, user.username
    assert not Problem.objects.exists()
    leader_page = html(world.client_for(world.leader), group_url)
    assert "记录督导检查" not in leader_page and "修改督导组" not in leader_page


def test_the_admin_lists_groups_inspections_and_findings_only_in_scope(
    world: World, group: SupervisionGroup, inspection: Inspection
) -> None:
    pages = ["supervisiongroup", "inspection", "finding"]
    office = world.client_for(world.office)
    coordinator = world.client_for(world.hongdaolu_coordinator)
    for name in pages:
        url = reverse(f"admin:supervision_{name}_changelist")
        assert office.get(url).status_code == 200, name
        assert coordinator.get(url).status_code == 200, name
    assert "第一督导组" in html(office, reverse("admin:supervision_supervisiongroup_changelist"))
    listed = html(coordinator, reverse("admin:supervision_supervisiongroup_changelist"))
    assert "第一督导组" not in listed
    change = reverse("admin:supervision_supervisiongroup_change", args=[group.pk])
    assert coordinator.get(change).status_code in (302, 403, 404)
