"""Activities' writes: the campaign's kinds, an activity with its topics and
attendance, its photos and minutes, and the office's settings.

Bad input is refused with a Chinese message and nothing saved: an attendance count
below zero or above the campaign's maximum (`ActivitySettings.max_attendance`, for the
sum of all categories), a unit outside the writer's scope, a stage, plan item, topic
or category of another campaign, a file that is not a photo, PDF or Office document
(checked by content and size with rectification's evidence checks).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from zhongzhi.activities.models import (
    Activity,
    ActivityAttendance,
    ActivityFile,
    ActivityKind,
    ActivitySettings,
    BaseKind,
    FileRole,
)
from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.access import entry_units
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, PlanItem, Stage, Topic
from zhongzhi.core import clock
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.models import EvidenceKind
from zhongzhi.rectification.services.evidence import (
    EvidenceRefused,
    PreparedEvidence,
    evidence_discard,
    evidence_prepare,
    evidence_store,
)

# The kinds every campaign starts with: (name, base kind).
DEFAULT_KINDS: tuple[tuple[str, str], ...] = (
    ("座谈会", BaseKind.SYMPOSIUM),
    ("论坛", BaseKind.FORUM),
    ("宣讲", BaseKind.LECTURE),
    ("学习", BaseKind.STUDY),
    ("调研走访", BaseKind.RESEARCH_VISIT),
    ("会议", BaseKind.MEETING),
    ("其他", BaseKind.OTHER),
)


def activity_kinds_ensure(
    *, campaign: Campaign, names: Iterable[tuple[str, str]] = DEFAULT_KINDS
) -> list[ActivityKind]:
    """Make sure the campaign has these kinds ((name, base kind) pairs); those it has
    are kept as they are. Returns the campaign's kinds in order."""
    existing = {kind.name: kind for kind in ActivityKind.objects.filter(campaign=campaign)}
    order = max((kind.order for kind in existing.values()), default=-1)
    for name, base in names:
        if name in existing:
            continue
        if base not in BaseKind.values:
            raise ValidationError({"base": _("未知的活动基本类型。")})
        order += 1
        existing[name] = ActivityKind.objects.create(
            campaign=campaign, name=name, order=order, base=base
        )
    return sorted(existing.values(), key=lambda kind: (kind.order, kind.pk))


def symposium_kind(campaign: Campaign) -> ActivityKind:
    """The campaign's kind for symposiums (the quick-entry page records them)."""
    found = (
        ActivityKind.objects.filter(campaign=campaign, base=BaseKind.SYMPOSIUM)
        .order_by("order", "pk")
        .first()
    )
    if found is None:
        activity_kinds_ensure(campaign=campaign)
        found = ActivityKind.objects.filter(campaign=campaign, base=BaseKind.SYMPOSIUM).first()
    assert found is not None
    return found


def max_attendance(campaign: Campaign) -> int:
    found = ActivitySettings.objects.filter(campaign=campaign).first()
    return found.max_attendance if found is not None else ActivitySettings().max_attendance


@transaction.atomic
def activity_settings_save(
    *, campaign: Campaign, actor: User, max_attendance: int
) -> ActivitySettings:
    if max_attendance < 1 or max_attendance > 100_000:
        raise ValidationError({"max_attendance": _("每场活动最多人数应在 1 到 100000 之间。")})
    found, _created = ActivitySettings.objects.get_or_create(campaign=campaign)
    before = found.max_attendance
    found.max_attendance = max_attendance
    found.save()
    audit_record(
        action=AuditAction.ACTIVITY_SETTINGS,
        target=found,
        actor=actor,
        campaign=campaign,
        before={"max_attendance": before},
        after={"max_attendance": max_attendance},
    )
    return found


def check_attendance(campaign: Campaign, attendance: Mapping[ParticipantCategory, int]) -> None:
    """Each count at least 0 and the campaign's maximum at most, for their sum."""
    limit = max_attendance(campaign)
    for category, count in attendance.items():
        if category.campaign_id != campaign.pk:
            raise ValidationError({"attendance": _("所选群体类别不属于这个活动。")})
        if count < 0:
            raise ValidationError(
                {"attendance": _("“%(name)s”的人数不能是负数。") % {"name": category.name}}
            )
    total = sum(attendance.values())
    if total > limit:
        raise ValidationError(
            {
                "attendance": _(
                    "参加人数合计 %(total)d 人，超过了活动办公室设定的每场最多 %(limit)d 人。"
                )
                % {"total": total, "limit": limit}
            }
        )


def _check_belongs(
    campaign: Campaign,
    stage: Stage | None,
    plan_item: PlanItem | None,
    topics: Sequence[Topic],
    kind: ActivityKind,
) -> None:
    if kind.campaign_id != campaign.pk:
        raise ValidationError({"kind": _("所选活动类型不属于这个活动。")})
    if stage is not None and stage.campaign_id != campaign.pk:
        raise ValidationError({"stage": _("所选阶段不属于这个活动。")})
    if plan_item is not None and plan_item.campaign_id != campaign.pk:
        raise ValidationError({"plan_item": _("所选工作任务不属于这个活动。")})
    if any(topic.campaign_id != campaign.pk for topic in topics):
        raise ValidationError({"topics": _("所选方面不属于这个活动。")})


@transaction.atomic
def activity_save(
    *,
    campaign: Campaign,
    actor: User,
    unit: Unit,
    kind: ActivityKind,
    name: str,
    held_on: datetime.date,
    place: str = "",
    host: str = "",
    stage: Stage | None = None,
    plan_item: PlanItem | None = None,
    topics: Sequence[Topic] = (),
    attendance: Mapping[ParticipantCategory, int] | None = None,
    summary: str = "",
    activity: Activity | None = None,
    photos: Sequence[File] = (),
    minutes: Sequence[File] = (),
) -> Activity:
    """Record a new activity (or change `activity`) with its topics, attendance and
    files. Categories with 0 attend are not kept. Nothing is saved on any error."""
    attendance = dict(attendance or {})
    if not entry_units(actor, campaign).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("所选单位不存在或不在您的管理范围内。")})
    if activity is not None and activity.campaign_id != campaign.pk:
        raise ValidationError({"unit": _("这个活动不属于所选的大讨论活动。")})
    _check_belongs(campaign, stage, plan_item, topics, kind)
    check_attendance(campaign, attendance)
    if held_on > clock.today():
        raise ValidationError({"held_on": _("活动日期不能晚于今天：请在活动开展后再记录。")})
    if plan_item is not None and stage is None:
        stage = plan_item.stage
    prepared = _prepare_files(photos, minutes)

    creating = activity is None
    before = {} if activity is None else _snapshot(activity)
    if activity is None:
        activity = Activity(campaign=campaign, recorded_by=actor)
    activity.unit = unit
    activity.kind = kind
    activity.name = name.strip()
    activity.held_on = held_on
    activity.place = place.strip()
    activity.host = host.strip()
    activity.stage = stage
    activity.plan_item = plan_item
    activity.summary = summary.strip()
    activity.full_clean(exclude=["recorded_by", "campaign"])
    activity.save()
    activity.topics.set(topics)
    activity.attendance.all().delete()
    ActivityAttendance.objects.bulk_create(
        ActivityAttendance(activity=activity, category=category, count=count)
        for category, count in attendance.items()
        if count > 0
    )
    stored = _store_files(activity, prepared, actor)
    try:
        ActivityFile.objects.bulk_create(stored)
        audit_record(
            action=AuditAction.ACTIVITY_SAVE,
            target=activity,
            actor=actor,
            campaign=campaign,
            unit=unit,
            before=before,
            after=_snapshot(activity) | {"created": creating, "files_added": len(prepared)},
        )
    except BaseException:
        evidence_discard(stored)
        raise
    return activity


def _snapshot(activity: Activity) -> dict[str, Any]:
    return {
        "name": activity.name,
        "kind": activity.kind_id,
        "unit": activity.unit_id,
        "held_on": activity.held_on.isoformat(),
        "plan_item": activity.plan_item_id,
    }


def _prepare_files(
    photos: Sequence[File], minutes: Sequence[File]
) -> list[tuple[str, PreparedEvidence]]:
    prepared: list[tuple[str, PreparedEvidence]] = []
    try:
        for item in evidence_prepare(photos):
            if item.type.kind != EvidenceKind.IMAGE:
                raise ValidationError(
                    {
                        "photos": _("“%(name)s”不是照片：活动照片只能是 JPEG、PNG 或 WEBP 图片。")
                        % {"name": item.name}
                    }
                )
            prepared.append((FileRole.PHOTO, item))
    except EvidenceRefused as refused:
        raise ValidationError({"photos": refused.messages}) from None
    try:
        prepared += [(FileRole.MINUTES, item) for item in evidence_prepare(minutes)]
    except EvidenceRefused as refused:
        raise ValidationError({"minutes": refused.messages}) from None
    return prepared


def _store_files(
    activity: Activity, prepared: Sequence[tuple[str, PreparedEvidence]], actor: User
) -> list[ActivityFile]:
    """Write the checked files (every check has passed by now) to storage; the rows,
    returned unsaved, are the caller's to save or, if the activity then fails, to
    discard with their files (`evidence_discard`)."""
    try:
        rows = evidence_store([item for _role, item in prepared], ActivityFile)
    except EvidenceRefused as refused:
        raise ValidationError({"photos": refused.messages}) from None
    for row, (role, _item) in zip(rows, prepared, strict=True):
        row.activity, row.role, row.uploaded_by = activity, role, actor
    return rows
