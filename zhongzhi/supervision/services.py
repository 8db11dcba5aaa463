"""Supervision's writes: setting up a group (its members then read its units as
supervisors), recording an inspection, and turning a finding into a problem of the
inspected unit with a measure and a deadline."""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.access import managed_campaigns
from zhongzhi.campaigns.models import Campaign, PlanItem
from zhongzhi.core import clock
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.selectors import coordinators_of
from zhongzhi.notifications.services import notify_many
from zhongzhi.org.models import Membership, Role, Unit, User
from zhongzhi.rectification.models import EvidenceKind
from zhongzhi.rectification.services.common import required_text
from zhongzhi.rectification.services.evidence import (
    EvidenceRefused,
    PreparedEvidence,
    evidence_discard,
    evidence_prepare,
    evidence_store,
)
from zhongzhi.rectification.services.problems import problem_from_finding
from zhongzhi.supervision.models import (
    Finding,
    Inspection,
    InspectionMethod,
    InspectionPhoto,
    SupervisionGroup,
)


@transaction.atomic
def group_save(
    *,
    campaign: Campaign,
    actor: User,
    name: str,
    leader: User | None,
    members: Sequence[User],
    units: Sequence[Unit],
    group: SupervisionGroup | None = None,
) -> SupervisionGroup:
    """Create ``group`` (or change it): its name, leader, members and covered units.
    The members' supervisor roles follow at once (`sync_supervisor_roles`)."""
    if not managed_campaigns(actor).filter(pk=campaign.pk).exists():
        raise ValidationError(_("只有本活动的办公室可以设置督导组。"))
    if group is not None and group.campaign_id != campaign.pk:
        raise ValidationError(_("这个督导组不属于本活动。"))
    name = required_text("name", name, 50, _("请填写督导组名称。"))
    taken = SupervisionGroup.objects.filter(campaign=campaign, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError({"name": _("本活动已有名为“%(name)s”的督导组。") % {"name": name}})
    member_list = list(dict.fromkeys([*members, *([leader] if leader else [])]))
    if not member_list:
        raise ValidationError({"members": _("请至少选择一名组员。")})
    outside = [u.name for u in units if not campaign.includes_unit(u)]
    if outside:
        raise ValidationError(
            {"units": _("这些单位不属于本活动：%(units)s") % {"units": "、".join(outside)}}
        )
    if not units:
        raise ValidationError({"units": _("请至少选择一个督导单位。")})
    before: dict[str, object] = {}
    old_members: list[User] = []
    if group is None:
        group = SupervisionGroup.objects.create(campaign=campaign, name=name, leader=leader)
    else:
        old_members = list(group.members.all())
        before = _state(group)
        group.name, group.leader = name, leader
        group.save(update_fields=["name", "leader"])
    group.members.set(member_list)
    group.units.set(units)
    sync_supervisor_roles([*old_members, *member_list])
    audit_record(
        action=AuditAction.GROUP_SAVE,
        target=group,
        actor=actor,
        campaign=campaign,
        unit=campaign.owner_unit,
        before=before,
        after=_state(group),
    )
    return group


@transaction.atomic
def groups_from_template(*, campaign: Campaign, names: Sequence[str]) -> list[SupervisionGroup]:
    """The groups a campaign template names (seed 003's twelve), made empty for the
    office to fill in: a group without members or units grants nobody anything. A name
    the campaign has already is left as it is."""
    taken = set(
        SupervisionGroup.objects.filter(campaign=campaign, name__in=names).values_list(
            "name", flat=True
        )
    )
    made = [
        SupervisionGroup.objects.create(campaign=campaign, name=name)
        for name in names
        if name not in taken
    ]
    for group in made:
        audit_record(
            action=AuditAction.GROUP_SAVE,
            target=group,
            actor=None,
            campaign=campaign,
            unit=campaign.owner_unit,
            after=_state(group),
            note=_("按活动模板设立，待配置组员和督导单位"),
        )
    return made


def _state(group: SupervisionGroup) -> dict[str, object]:
    return {
        "name": group.name,
        "leader": group.leader.username if group.leader else "",
        "members": sorted(group.members.values_list("username", flat=True)),
        "units": sorted(group.units.values_list("code", flat=True)),
    }


def sync_supervisor_roles(users: Iterable[User]) -> None:
    """Each user holds a supervisor role on exactly the units of the groups they are
    in, as far as the groups granted it: a role given by hand stays as it is."""
    user_ids = {u.pk for u in users}
    wanted = set(
        SupervisionGroup.units.through.objects.filter(
            supervisiongroup__members__in=user_ids
        ).values_list("supervisiongroup__members", "unit_id")
    )
    held = {
        (m.user_id, m.unit_id): m
        for m in Membership.objects.filter(user__in=user_ids, role=Role.SUPERVISOR)
    }
    Membership.objects.filter(
        pk__in=[m.pk for pair, m in held.items() if m.granted_by_groups and pair not in wanted]
    ).delete()
    Membership.objects.bulk_create(
        [
            Membership(user_id=user, unit_id=unit, role=Role.SUPERVISOR, granted_by_groups=True)
            for user, unit in sorted(wanted - held.keys())
        ]
    )


def _check_member(group: SupervisionGroup, actor: User) -> None:
    if not group.members.filter(pk=actor.pk).exists():
        raise ValidationError(_("只有本督导组的组员可以记录督导检查。"))


def inspection_record(
    *,
    group: SupervisionGroup,
    actor: User,
    unit: Unit | None,
    date: datetime.date | None,
    methods: Sequence[str],
    plan_items: Sequence[PlanItem] = (),
    notes: str = "",
    photos: Sequence[File] = (),
) -> Inspection:
    """An inspection of one unit the group covers, on a day of the campaign so far,
    with its photos. All or nothing: a refused photo saves nothing, and photos already
    stored are removed when the inspection then fails."""
    _check_member(group, actor)
    prepared = _prepare_photos(photos)
    stored = evidence_store(prepared, InspectionPhoto)
    try:
        return _inspection_save(
            group=group,
            actor=actor,
            unit=unit,
            date=date,
            methods=methods,
            plan_items=plan_items,
            notes=notes,
            photos=stored,
        )
    except BaseException:
        evidence_discard(stored)
        raise


def _prepare_photos(photos: Sequence[File]) -> list[PreparedEvidence]:
    try:
        prepared = evidence_prepare(photos)
    except EvidenceRefused as refused:
        raise ValidationError({"photos": refused.messages}) from None
    documents = [p.name for p in prepared if p.type.kind != EvidenceKind.IMAGE]
    if documents:
        raise ValidationError(
            {"photos": _("检查照片须是图片：%(names)s 不是。") % {"names": "、".join(documents)}}
        )
    return prepared


@transaction.atomic
def _inspection_save(
    *,
    group: SupervisionGroup,
    actor: User,
    unit: Unit | None,
    date: datetime.date | None,
    methods: Sequence[str],
    plan_items: Sequence[PlanItem],
    notes: str,
    photos: list[InspectionPhoto],
) -> Inspection:
    campaign = group.campaign
    if unit is None:
        raise ValidationError({"unit": _("请选择被检查单位。")})
    if not group.units.filter(pk=unit.pk).exists():
        raise ValidationError(
            {"unit": _("%(unit)s 不在本督导组的督导范围内。") % {"unit": unit.name}}
        )
    if date is None:
        raise ValidationError({"date": _("请填写检查日期。")})
    if date > clock.today():
        raise ValidationError({"date": _("检查日期不能晚于今天。")})
    if date < campaign.start_date:
        raise ValidationError(
            {
                "date": _("检查日期不能早于活动开始日期（%(start)s）。")
                % {"start": f"{campaign.start_date:%Y-%m-%d}"}
            }
        )
    known = set(InspectionMethod.values)
    chosen = [m for m in dict.fromkeys(methods) if m in known]
    if not chosen or len(chosen) != len(set(methods)):
        raise ValidationError({"methods": _("请选择检查方式。")})
    if any(item.campaign_id != campaign.pk for item in plan_items):
        raise ValidationError({"plan_items": _("对照的方案任务须属于本活动。")})
    inspection = Inspection.objects.create(
        group=group,
        campaign=campaign,
        unit=unit,
        date=date,
        methods=chosen,
        notes=(notes or "").strip()[:4000],
        recorded_by=actor,
    )
    inspection.plan_items.set(plan_items)
    for photo in photos:
        photo.inspection = inspection
    InspectionPhoto.objects.bulk_create(photos)
    audit_record(
        action=AuditAction.INSPECTION,
        target=inspection,
        actor=actor,
        campaign=campaign,
        unit=unit,
        after={
            "group": group.name,
            "date": date.isoformat(),
            "methods": chosen,
            "photos": [p.original_name for p in photos],
        },
        note=inspection.notes[:200],
    )
    return inspection


@transaction.atomic
def finding_add(
    *,
    inspection: Inspection,
    actor: User,
    title: str,
    description: str,
    requirement: str,
    deadline: datetime.date | None,
    responsible_person: str = "",
) -> Finding:
    """What the inspection found: a problem of the inspected unit (督导发现) with one
    measure — the group's requirement, due by ``deadline`` — that the unit carries out
    and the group verifies (`rectification.access.is_verifier_of`)."""
    _check_member(inspection.group, actor)
    problem = problem_from_finding(
        campaign=inspection.campaign,
        actor=actor,
        unit=inspection.unit,
        title=title,
        description=description,
        requirement=requirement,
        deadline=deadline,
        responsible_person=(responsible_person or "").strip(),
    )
    finding = Finding.objects.create(inspection=inspection, problem=problem)
    measure = problem.measures.get()
    notify_many(
        coordinators_of([inspection.unit_id]).get(inspection.unit_id, []),
        kind=NotificationKind.FINDING,
        text=_("%(group)s检查发现问题：%(title)s。请在 %(deadline)s 前完成整改（措施 %(code)s）。")
        % {
            "group": inspection.group.name,
            "title": problem.title,
            "deadline": f"{measure.deadline:%Y-%m-%d}",
            "code": measure.code,
        },
        url=reverse("rectification:measure", args=[measure.pk]),
    )
    audit_record(
        action=AuditAction.FINDING,
        target=inspection,
        actor=actor,
        campaign=inspection.campaign,
        unit=inspection.unit,
        after={"problem": problem.number, "title": problem.title},
    )
    return finding
