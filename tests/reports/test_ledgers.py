"""The ledger page: every app's registered ledgers in one place, each downloading the
rows its viewer sees; and the registry an app adds its ledgers to."""

import datetime
import io
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.reports.registry import Ledger, ledgers, register_ledger
from zhongzhi.supervision.models import Finding
from zhongzhi.supervision.services import finding_add, group_save, inspection_record

EXPECTED = [
    "campaigns.plan_items",
    "intake.suggestions",
    "rectification.problems",
    "rectification.measures",
    "supervision.findings",
    "research.topics",
    "essays.essays",
]


def test_every_app_registers_its_ledgers_in_order() -> None:
    keys = [ledger.key for ledger in ledgers()]
    assert [key for key in keys if key in EXPECTED] == EXPECTED
    with pytest.raises(ValueError, match="twice"):
        register_ledger(Ledger(key="research.topics", title="x", description="x", download_url=str))


def test_the_page_lists_the_ledgers_and_each_downloads_an_xlsx(world: World) -> None:
    office = world.client_for(world.office)
    page = office.get(reverse("reports:ledgers", args=[world.campaign.pk])).content.decode()
    for key in EXPECTED:
        assert f'data-testid="ledger-{key}"' in page
    assert "督导发现问题台账" in page and "调研课题台账" in page
    for ledger in ledgers():
        if ledger.key not in EXPECTED:
            continue
        response = office.get(ledger.download_url(world.campaign))
        assert response.status_code == 200, ledger.key
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        ), ledger.key
        load_workbook(io.BytesIO(response.content))  # opens


@pytest.fixture
def finding(world: World) -> Finding:
    inspector = UserFactory(username="inspector", full_name="第一督导组组长")
    group = group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第一督导组",
        leader=inspector,
        members=[],
        units=[world.jinkoulu],
    )
    inspection = inspection_record(
        group=group,
        actor=inspector,
        unit=world.jinkoulu,
        date=datetime.date(2026, 10, 14),
        methods=["on_site", "ledgers"],
    )
    return finding_add(
        inspection=inspection,
        actor=inspector,
        title="楼道堆物未清理",
        description="金口路3号楼道堆放杂物。",
        requirement="清理楼道杂物并建立巡查制度",
        deadline=datetime.date(2026, 10, 22),
    )


def test_the_findings_ledger_lists_what_each_viewer_sees(world: World, finding: Finding) -> None:
    url = reverse("supervision:findings_ledger", args=[world.campaign.pk])
    response = world.client_for(world.office).get(url)
    assert quote("督导发现问题台账") in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, body = rows[2], rows[3:]
    record = dict(zip(header, body[0], strict=True))
    assert record["督导组"] == "第一督导组" and record["被检查单位"] == "金口路社区"
    assert record["检查方式"] == "实地查看、查阅台账"
    assert record["发现的问题"].startswith("楼道堆物未清理")
    assert record["整改状态"] == "未开始"
    # 红岛路's coordinator sees no group's findings: the header alone.
    other = world.client_for(world.hongdaolu_coordinator).get(url)
    assert len(list(load_workbook(io.BytesIO(other.content)).active.iter_rows())) == 3


def test_who_reaches_the_ledger_page(world: World) -> None:
    url = reverse("reports:ledgers", args=[world.campaign.pk])
    for user in [world.office, world.leader, world.hongdaolu_coordinator, world.supervisor]:
        assert world.client_for(user).get(url).status_code == 200, user.username
    assert world.client_for(UserFactory()).get(url).status_code == 404
    assert Client().get(url).status_code == 302
