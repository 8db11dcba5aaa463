"""Research topics: apply with a lead from the unit, approve or return with a reason,
hand in a report that is what it says, and grade; every step once, by the right side."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory
from tests.rectification.evidence_files import docx, jpeg
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.org.models import Role, User
from zhongzhi.research.models import Grade, ResearchTopic, TopicState
from zhongzhi.research.services import allowed_steps, topic_apply, topic_step


def apply(world: World, head: User, **change: object) -> ResearchTopic:
    values: dict[str, object] = {
        "campaign": world.campaign,
        "actor": world.hongdaolu_coordinator,
        "unit": world.hongdaolu,
        "title": "老旧小区停车难的治理路径",
        "question": "红岛路片区夜间停车缺口有多大，错峰共享能解决多少？",
        "lead": head,
        "milestones": [("完成入户调查", datetime.date(2026, 11, 1))],
    } | change
    return topic_apply(**values)  # type: ignore[arg-type]


def test_the_whole_way_from_application_to_grade(world: World, head: User) -> None:
    topic = apply(world, head)
    assert topic.number == 1 and topic.milestones.count() == 1
    assert allowed_steps(world.hongdaolu_coordinator, topic) == []
    assert allowed_steps(world.office, topic) == ["approve", "return"]
    with pytest.raises(ValidationError) as no_reason:
        topic_step(topic=topic, key="return", actor=world.office)
    assert "note" in no_reason.value.message_dict
    topic = topic_step(topic=topic, key="return", actor=world.office, note="请补充调查方法")
    topic = topic_step(topic=topic, key="resubmit", actor=head)
    topic = topic_step(topic=topic, key="approve", actor=world.office)
    report = SimpleUploadedFile("结题报告.docx", docx())
    topic = topic_step(topic=topic, key="report", actor=head, report=report)
    assert topic.report_name == "结题报告.docx" and topic.report.storage.exists(topic.report.name)
    topic = topic_step(topic=topic, key="grade", actor=world.office, grade=Grade.EXCELLENT)
    assert topic.state == TopicState.GRADED and topic.get_grade_display() == "优秀"
    actions = list(AuditEntry.objects.filter(target_id=topic.pk).values_list("action", flat=True))
    assert actions == [
        AuditAction.RESEARCH_APPLY,
        AuditAction.RESEARCH_RETURN,
        AuditAction.RESEARCH_APPLY,
        AuditAction.RESEARCH_APPROVE,
        AuditAction.RESEARCH_REPORT,
        AuditAction.RESEARCH_GRADE,
    ]


def test_a_lead_from_outside_the_unit_or_a_bad_milestone_is_refused(
    world: World, head: User
) -> None:
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, unit=world.jinkoulu, role=Role.STAFF)
    for change, field in [
        ({"lead": outsider}, "lead"),
        ({"lead": None}, "lead"),
        ({"title": " "}, "title"),
        ({"milestones": [("调查", datetime.date(2027, 2, 1))]}, "milestones"),
        ({"actor": world.jinkoulu_coordinator}, "unit"),
        ({"unit": world.district, "actor": world.office}, "unit"),
    ]:
        with pytest.raises(ValidationError) as refused:
            apply(world, head, **change)
        assert field in refused.value.message_dict, change
    assert not ResearchTopic.objects.exists()


def test_a_step_on_a_stale_page_or_by_the_wrong_side_is_refused(world: World, head: User) -> None:
    topic = apply(world, head)
    with pytest.raises(ValidationError, match="不能对这个课题"):
        topic_step(topic=topic, key="approve", actor=world.hongdaolu_coordinator)
    topic_step(topic=topic, key="approve", actor=world.office)
    with pytest.raises(ValidationError, match="已立项"):
        topic_step(topic=topic, key="return", actor=world.office, note="重复")


def test_a_report_that_is_a_photo_or_not_what_its_name_says_is_refused(
    world: World, head: User
) -> None:
    topic = topic_step(topic=apply(world, head), key="approve", actor=world.office)
    for upload in (
        SimpleUploadedFile("结题报告.jpg", jpeg()),
        SimpleUploadedFile("结题报告.docx", b"MZ\x90\x00 not a document"),
        None,
    ):
        with pytest.raises(ValidationError) as refused:
            topic_step(topic=topic, key="report", actor=head, report=upload)
        assert "report" in refused.value.message_dict
    topic.refresh_from_db()
    assert topic.state == TopicState.APPROVED and not topic.report
