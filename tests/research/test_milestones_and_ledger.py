"""Milestones marked done as a topic goes on, and the topic ledger (课题台账) as xlsx."""

import datetime
import io
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.org.models import User
from zhongzhi.research.models import Milestone, ResearchTopic, TopicState
from zhongzhi.research.services import topic_apply, topic_step


@pytest.fixture
def topic(world: World, head: User) -> ResearchTopic:
    return topic_apply(
        campaign=world.campaign,
        actor=world.hongdaolu_coordinator,
        unit=world.hongdaolu,
        title="老旧小区停车难的治理路径",
        question="夜间停车缺口有多大？",
        lead=head,
        milestones=[
            ("完成入户调查", datetime.date(2026, 10, 1)),  # before today, 2026-10-15
            ("形成调研报告", datetime.date(2026, 11, 30)),
        ],
    )


def topics_url(world: World) -> str:
    return reverse("research:topics", args=[world.campaign.pk])


def _mark(client, milestone: Milestone, done: bool = True):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("research:milestone_mark", args=[milestone.pk]),
        {"done": "1" if done else "0"},
        follow=True,
    )


def test_the_lead_marks_a_milestone_done_once_the_topic_is_approved(
    world: World, head: User, topic: ResearchTopic
) -> None:
    survey = topic.milestones.get(title="完成入户调查")
    lead = world.client_for(head)
    refused = _mark(lead, survey).content.decode()
    assert "立项后、提交结题报告前才能标记进度节点" in refused
    survey.refresh_from_db()
    assert survey.done_at is None

    topic_step(topic=topic, key="approve", actor=world.office)
    listed = world.client_for(world.office).get(topics_url(world))
    assert "0/2" in listed.content.decode() and 'data-testid="late-milestones"' in (
        listed.content.decode()
    )
    page = _mark(lead, survey).content.decode()
    assert "已标记节点“完成入户调查”完成" in page and "2026-10-15" in page
    survey.refresh_from_db()
    assert survey.done_at == datetime.date(2026, 10, 15)
    listed = world.client_for(world.office).get(topics_url(world))
    assert "1/2" in listed.content.decode()
    assert 'data-testid="late-milestones"' not in listed.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.RESEARCH_MILESTONE)
    assert entry.actor == head and entry.after["done_at"] == "2026-10-15"

    _mark(lead, survey, done=False)
    survey.refresh_from_db()
    assert survey.done_at is None


def test_only_the_unit_marks_milestones(world: World, topic: ResearchTopic) -> None:
    topic_step(topic=topic, key="approve", actor=world.office)
    survey = topic.milestones.get(title="完成入户调查")
    # 红岛路's supervisor sees the topic but does not work on it; 金口路 does not see it.
    assert (
        "只有课题所在单位和课题负责人可以标记进度节点"
        in _mark(world.client_for(world.supervisor), survey).content.decode()
    )
    assert _mark(world.client_for(world.jinkoulu_coordinator), survey).status_code == 404
    assert 'data-testid="mark-done"' not in (
        world.client_for(world.supervisor)
        .get(reverse("research:topic", args=[topic.pk]))
        .content.decode()
    )
    survey.refresh_from_db()
    assert survey.done_at is None
    assert _mark(world.client_for(world.hongdaolu_coordinator), survey).status_code == 200
    survey.refresh_from_db()
    assert survey.done_at is not None


def _ledger_rows(client, campaign_id: int) -> list[tuple]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("research:ledger", args=[campaign_id]))
    assert response.status_code == 200
    assert quote("调研课题台账") in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_the_ledger_lists_the_topics_each_viewer_sees(
    world: World, head: User, topic: ResearchTopic
) -> None:
    topic_step(topic=topic, key="approve", actor=world.office)
    topic.milestones.filter(title="形成调研报告").update(done_at=datetime.date(2026, 10, 12))
    header, row = _ledger_rows(world.client_for(world.office), world.campaign.pk)
    assert header[:4] == ("序号", "课题编号", "课题名称", "申报单位")
    record = dict(zip(header, row, strict=True))
    assert record["课题名称"] == "老旧小区停车难的治理路径"
    assert record["申报单位"] == world.hongdaolu.name
    assert record["课题负责人"] == "红岛路社区书记"
    assert record["状态"] == "已立项"
    assert record["进度节点"] == (
        "2026-10-01 完成入户调查（逾期未完成）\n2026-11-30 形成调研报告（已完成 2026-10-12）"
    )
    assert record["申报时间"] is not None and record["立项时间"] is not None
    # 金口路's coordinator sees no topic of 红岛路: a ledger with its header only.
    assert _ledger_rows(world.client_for(world.jinkoulu_coordinator), world.campaign.pk) == [header]
    assert Client().get(reverse("research:ledger", args=[world.campaign.pk])).status_code == 302


def test_a_returned_topic_shows_no_approval_date_in_the_ledger(
    world: World, topic: ResearchTopic
) -> None:
    topic_step(topic=topic, key="return", actor=world.office, note="请写明调查范围")
    (_header, row) = _ledger_rows(world.client_for(world.office), world.campaign.pk)
    assert TopicState.RETURNED.label in row and row[10] is None
