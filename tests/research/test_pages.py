"""Research pages through HTTP, as each persona."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import World
from tests.rectification.evidence_files import pdf
from zhongzhi.org.models import User
from zhongzhi.research.models import ResearchTopic, TopicState
from zhongzhi.research.services import topic_apply


@pytest.fixture
def topic(world: World, head: User) -> ResearchTopic:
    return topic_apply(
        campaign=world.campaign,
        actor=world.hongdaolu_coordinator,
        unit=world.hongdaolu,
        title="老旧小区停车难的治理路径",
        question="夜间停车缺口有多大？",
        lead=head,
        milestones=[("完成入户调查", datetime.date(2026, 11, 1))],
    )


def test_a_unit_applies_on_the_page_and_the_office_approves(world: World, head: User) -> None:
    coordinator = world.client_for(world.hongdaolu_coordinator)
    url = reverse("research:apply", args=[world.campaign.pk])
    bad = coordinator.post(
        url,
        {
            "unit": world.hongdaolu.pk,
            "title": "停车",
            "question": "q",
            "lead": head.pk,
            "milestones": "十一月 调查",
        },
    )
    assert bad.status_code == 200 and "第 1 行应写成" in bad.content.decode()
    response = coordinator.post(
        url,
        {
            "unit": world.hongdaolu.pk,
            "title": "老旧小区停车难的治理路径",
            "question": "夜间停车缺口有多大？",
            "lead": head.pk,
            "milestones": "2026-11-01 完成入户调查\n2026年12月1日 形成报告",
        },
    )
    made = ResearchTopic.objects.get()
    assert response["Location"] == reverse("research:topic", args=[made.pk])
    assert [m.title for m in made.milestones.all()] == ["完成入户调查", "形成报告"]
    office = world.client_for(world.office)
    page = office.get(response["Location"]).content.decode()
    assert 'data-testid="do-approve"' in page and 'data-testid="do-return"' in page
    step = reverse("research:step", args=[made.pk])
    refused = office.post(step, {"step": "return"})
    assert refused.status_code == 400 and "退回时请写明原因" in refused.content.decode()
    office.post(step, {"step": "approve", "note": "同意立项"})
    made.refresh_from_db()
    assert made.state == TopicState.APPROVED
    listed = office.get(reverse("research:topics", args=[world.campaign.pk])).content.decode()
    assert "老旧小区停车难的治理路径" in listed and "已立项" in listed


def test_the_lead_hands_in_a_report_only_they_and_the_office_open(
    world: World, head: User, topic: ResearchTopic
) -> None:
    world.client_for(world.office).post(
        reverse("research:step", args=[topic.pk]), {"step": "approve"}
    )
    lead = world.client_for(head)
    lead.post(
        reverse("research:step", args=[topic.pk]),
        {"step": "report", "report": SimpleUploadedFile("结题报告.pdf", pdf())},
    )
    topic.refresh_from_db()
    assert topic.state == TopicState.REPORTED
    report = reverse("research:report", args=[topic.pk])
    opened = lead.get(report)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert b"".join(opened.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert world.client_for(world.office).get(report).status_code == 200
    assert world.client_for(world.jinkoulu_coordinator).get(report).status_code == 404


def test_who_reaches_which_page(world: World, topic: ResearchTopic) -> None:
    page = reverse("research:topic", args=[topic.pk])
    apply = reverse("research:apply", args=[world.campaign.pk])
    step = reverse("research:step", args=[topic.pk])
    for user, page_status, apply_status in [
        (world.office, 200, 200),
        (world.leader, 200, 404),
        (world.hongdaolu_coordinator, 200, 200),
        (world.jinkoulu_coordinator, 404, 200),
        (world.supervisor, 200, 404),  # 红岛路 is one of the supervisor's units
    ]:
        client = world.client_for(user)
        assert client.get(page).status_code == page_status, user.username
        assert client.get(apply).status_code == apply_status, user.username
        if user != world.office:
            client.post(step, {"step": "approve"})
    topic.refresh_from_db()
    assert topic.state == TopicState.APPLIED
