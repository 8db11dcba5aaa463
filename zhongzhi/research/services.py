"""Research topics' writes. `TRANSITIONS` is the one place that says which steps
exist, from which states, and whether the unit or the campaign office takes them."""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.access import managed_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.access import changeable_units
from zhongzhi.org.models import Membership, Unit, User
from zhongzhi.rectification.models import EvidenceKind
from zhongzhi.rectification.services.common import (
    check_unit_in_campaign,
    lock_campaign,
    required_text,
)
from zhongzhi.rectification.services.evidence import EvidenceRefused, evidence_prepare
from zhongzhi.research.access import acts_for_campaign, acts_for_unit
from zhongzhi.research.models import Grade, Milestone, ResearchTopic, TopicState

S = TopicState


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    by_office: bool  # else by the unit (its coordinators or the topic's lead)
    action: str


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition((S.APPLIED,), S.APPROVED, True, AuditAction.RESEARCH_APPROVE),
    "return": Transition((S.APPLIED,), S.RETURNED, True, AuditAction.RESEARCH_RETURN),
    "resubmit": Transition((S.RETURNED,), S.APPLIED, False, AuditAction.RESEARCH_APPLY),
    "report": Transition((S.APPROVED,), S.REPORTED, False, AuditAction.RESEARCH_REPORT),
    "grade": Transition((S.REPORTED,), S.GRADED, True, AuditAction.RESEARCH_GRADE),
}


def allowed_steps(user: User, topic: ResearchTopic) -> list[str]:
    office, unit = acts_for_campaign(user, topic), acts_for_unit(user, topic)
    return [
        key
        for key, step in TRANSITIONS.items()
        if topic.state in step.sources and (office if step.by_office else unit)
    ]


def _check_lead(unit: Unit, lead: User | None) -> User:
    if lead is None:
        raise ValidationError({"lead": _("请选择课题负责人。")})
    if not Membership.objects.filter(user=lead, unit=unit).exists():
        raise ValidationError({"lead": _("课题负责人须是%(unit)s的人员。") % {"unit": unit.name}})
    return lead


def _check_milestones(campaign: Campaign, milestones: Sequence[tuple[str, datetime.date]]) -> None:
    for title, day in milestones:
        if not title.strip() or len(title) > 100:
            raise ValidationError({"milestones": _("每个节点须有 1 到 100 字的名称。")})
        if not campaign.start_date <= day <= campaign.end_date:
            raise ValidationError(
                {
                    "milestones": _("节点“%(title)s”的日期须在活动期间（%(start)s 至 %(end)s）。")
                    % {
                        "title": title,
                        "start": f"{campaign.start_date:%Y-%m-%d}",
                        "end": f"{campaign.end_date:%Y-%m-%d}",
                    }
                }
            )


@transaction.atomic
def topic_apply(
    *,
    campaign: Campaign,
    actor: User,
    unit: Unit,
    title: str,
    question: str,
    lead: User | None,
    members: str = "",
    plan: str = "",
    expected_result: str = "",
    milestones: Sequence[tuple[str, datetime.date]] = (),
) -> ResearchTopic:
    """A unit's application (申报), with its milestones; numbered in its campaign."""
    check_unit_in_campaign(campaign, unit, "unit")
    if not (
        changeable_units(actor).filter(pk=unit.pk).exists()
        or managed_campaigns(actor).filter(pk=campaign.pk).exists()
    ):
        raise ValidationError({"unit": _("只能为本单位及下属单位申报课题。")})
    title = required_text("title", title, 120, _("请填写课题名称。"))
    question = required_text("question", question, 4000, _("请写明课题研究的问题。"))
    lead = _check_lead(unit, lead)
    _check_milestones(campaign, milestones)
    lock_campaign(campaign)
    top = ResearchTopic.objects.filter(campaign=campaign).aggregate(top=Max("number"))["top"]
    topic = ResearchTopic.objects.create(
        campaign=campaign,
        number=(top or 0) + 1,
        unit=unit,
        title=title,
        question=question,
        lead=lead,
        members=(members or "").strip()[:300],
        plan=(plan or "").strip()[:4000],
        expected_result=(expected_result or "").strip()[:2000],
        applied_by=actor,
    )
    Milestone.objects.bulk_create(
        [Milestone(topic=topic, title=t.strip(), due_date=d) for t, d in milestones]
    )
    audit_record(
        action=AuditAction.RESEARCH_APPLY,
        target=topic,
        actor=actor,
        campaign=campaign,
        unit=unit,
        after={"number": topic.number, "title": title, "lead": lead.username},
    )
    return topic


@transaction.atomic
def topic_step(
    *,
    topic: ResearchTopic,
    key: str,
    actor: User,
    note: str = "",
    grade: str = "",
    report: File | None = None,
) -> ResearchTopic:
    """Take one step of `TRANSITIONS` on the topic as it is now in the database: a
    page that is out of date gets a message, not a second decision."""
    step = TRANSITIONS.get(key)
    if step is None:
        raise ValidationError(_("没有这个操作。"))
    locked = ResearchTopic.objects.select_for_update().select_related("campaign").get(pk=topic.pk)
    if key not in allowed_steps(actor, locked):
        if locked.state not in step.sources:
            raise ValidationError(
                _("课题现在是“%(state)s”，这一步已不能进行。请刷新页面。")
                % {"state": locked.get_state_display()}
            )
        raise ValidationError(_("您不能对这个课题进行这一步操作。"))
    before = {"state": locked.state}
    now = timezone.now()
    note = (note or "").strip()[:500]
    if key == "return" and not note:
        raise ValidationError({"note": _("退回时请写明原因，便于单位修改后重新申报。")})
    if key in ("approve", "return"):
        locked.decision_note, locked.decided_at = note, now
    if key == "grade":
        if grade not in Grade.values:
            raise ValidationError({"grade": _("请选择结题评定等次。")})
        locked.grade, locked.grade_note, locked.graded_at = grade, note, now
    if key == "report":
        _store_report(locked, report)
        locked.reported_at = now
    locked.state = step.target
    after: dict[str, object] = {"state": locked.state}
    if key == "grade":
        after["grade"] = grade
    try:
        with transaction.atomic():
            locked.save()
            audit_record(
                action=step.action,
                target=locked,
                actor=actor,
                campaign=locked.campaign,
                unit=locked.unit,
                before=before,
                after=after,
                note=note,
            )
    except Exception:
        if key == "report" and locked.report.name:
            locked.report.storage.delete(locked.report.name)
        raise
    return locked


def _store_report(topic: ResearchTopic, upload: File | None) -> None:
    """Check the report (a PDF or an Office document, judged by its content, not its
    name) and write it to storage; `topic_step` removes it again if the step fails."""
    if upload is None:
        raise ValidationError({"report": _("请选择结题报告文件（Word 或 PDF）。")})
    try:
        (prepared,) = evidence_prepare([upload])
    except EvidenceRefused as refused:
        raise ValidationError({"report": refused.messages}) from None
    if prepared.type.kind == EvidenceKind.IMAGE:
        raise ValidationError({"report": _("结题报告须是 Word 或 PDF 文件，不能是照片。")})
    topic.report.save(
        f"{uuid.uuid4().hex}{prepared.type.extension}", ContentFile(prepared.data), save=False
    )
    topic.report_name = prepared.name
    topic.report_content_type = prepared.type.content_type


@transaction.atomic
def milestone_mark(*, milestone: Milestone, actor: User, done: bool) -> Milestone:
    """The unit marks a milestone done today (or takes the mark back) while the topic
    is under way: after 立项, before the final report."""
    topic = (
        ResearchTopic.objects.select_for_update()
        .select_related("campaign")
        .get(pk=milestone.topic_id)
    )
    if not acts_for_unit(actor, topic):
        raise ValidationError(_("只有课题所在单位和课题负责人可以标记进度节点。"))
    if topic.state != TopicState.APPROVED:
        raise ValidationError(
            _("课题现在是“%(state)s”：立项后、提交结题报告前才能标记进度节点。")
            % {"state": topic.get_state_display()}
        )
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = {"done_at": f"{locked.done_at:%Y-%m-%d}" if locked.done_at else None}
    locked.done_at = clock.today() if done else None
    locked.save(update_fields=["done_at"])
    audit_record(
        action=AuditAction.RESEARCH_MILESTONE,
        target=topic,
        actor=actor,
        campaign=topic.campaign,
        unit=topic.unit,
        before=before,
        after={
            "milestone": locked.title,
            "done_at": f"{locked.done_at:%Y-%m-%d}" if locked.done_at else None,
        },
    )
    return locked
