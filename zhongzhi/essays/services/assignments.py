"""The list of writers: the campaign's due date, adding writers (by hand, from an
xlsx through `essays.imports`, or from accounts by role and unit) and removing one
who has not handed in. Each change is audited."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record, audit_record_many
from zhongzhi.campaigns.models import Campaign
from zhongzhi.essays.models import Essay, EssayAssignment, EssaySettings
from zhongzhi.essays.services.common import check_office, day_text, delete_file
from zhongzhi.org.models import Membership, Unit, User
from zhongzhi.rectification.services.common import lock_campaign


def essay_due_date(campaign: Campaign) -> datetime.date:
    """The due date a new assignment takes: the office's, else the campaign's last day."""
    found = EssaySettings.objects.filter(campaign=campaign).first()
    return found.due_date if found else campaign.end_date


def check_due(campaign: Campaign, due_date: datetime.date | None, field: str = "due_date") -> None:
    if due_date is None:
        raise ValidationError({field: _("请填写提交截止日期。")})
    if not campaign.start_date <= due_date <= campaign.end_date:
        raise ValidationError(
            {
                field: _("截止日期须在活动期间（%(start)s 至 %(end)s）。")
                % {"start": day_text(campaign.start_date), "end": day_text(campaign.end_date)}
            }
        )


@transaction.atomic
def essay_due_set(*, campaign: Campaign, actor: User, due_date: datetime.date | None) -> int:
    """Set the campaign's due date; every assignment that had the old one moves with
    it (one given its own date keeps it). Returns how many moved."""
    check_office(actor, campaign)
    check_due(campaign, due_date)
    assert due_date is not None
    old = essay_due_date(campaign)
    EssaySettings.objects.update_or_create(campaign=campaign, defaults={"due_date": due_date})
    moved = EssayAssignment.objects.filter(campaign=campaign, due_date=old).update(
        due_date=due_date
    )
    audit_record(
        action=AuditAction.ESSAY_DUE,
        target=campaign,
        actor=actor,
        campaign=campaign,
        before={"due_date": day_text(old)},
        after={"due_date": day_text(due_date), "moved": moved},
    )
    return moved


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """Below every database's limit of parameters in one query."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


@dataclass(frozen=True)
class NewWriter:
    writer: User
    unit: Unit
    due_date: datetime.date | None = None


def writer_problems(campaign: Campaign, writers: Sequence[NewWriter]) -> list[str]:
    """Why each writer cannot write for their unit in the campaign ("" when they can),
    in one query per 500 writers."""
    pairs: set[tuple[int, int]] = set()
    units = list({n.unit.pk for n in writers})
    for chunk in _chunks([n.writer.pk for n in writers]):
        pairs.update(
            Membership.objects.filter(user_id__in=chunk, unit_id__in=units).values_list(
                "user_id", "unit_id"
            )
        )
    problems = []
    for new in writers:
        name = new.writer.full_name or new.writer.username
        if not new.writer.is_active:
            problems.append(_("账号“%(login)s”已停用。") % {"login": new.writer.username})
        elif not campaign.includes_unit(new.unit):
            problems.append(_("“%(unit)s”不是本活动的单位。") % {"unit": new.unit.name})
        elif (new.writer.pk, new.unit.pk) not in pairs:
            problems.append(
                _("“%(name)s”不是%(unit)s的人员。") % {"name": name, "unit": new.unit.name}
            )
        else:
            problems.append("")
    return problems


@dataclass(frozen=True)
class AddResult:
    added: int
    already: int


@transaction.atomic
def assignments_add(*, campaign: Campaign, actor: User, writers: Sequence[NewWriter]) -> AddResult:
    """Put writers on the campaign's list; those already on it stay as they are and
    are counted, never listed twice."""
    check_office(actor, campaign)
    lock_campaign(campaign)  # two imports at once: one waits, then finds the other's rows
    default_due = essay_due_date(campaign)
    for new, problem in zip(writers, writer_problems(campaign, writers), strict=True):
        if problem:
            raise ValidationError({"writers": problem})
        if new.due_date is not None:
            check_due(campaign, new.due_date, "writers")
    listed: set[int] = set()
    for chunk in _chunks([n.writer.pk for n in writers]):
        listed.update(
            EssayAssignment.objects.filter(campaign=campaign, writer_id__in=chunk).values_list(
                "writer_id", flat=True
            )
        )
    fresh: dict[int, NewWriter] = {}
    for new in writers:
        if new.writer.pk not in listed:
            fresh.setdefault(new.writer.pk, new)
    EssayAssignment.objects.bulk_create(
        [
            EssayAssignment(
                campaign=campaign,
                writer=n.writer,
                unit=n.unit,
                due_date=n.due_date or default_due,
                added_by=actor,
            )
            for n in fresh.values()
        ],
        batch_size=500,
    )
    made = [
        a
        for chunk in _chunks(list(fresh))
        for a in EssayAssignment.objects.filter(
            campaign=campaign, writer_id__in=chunk
        ).select_related("writer", "unit")
    ]
    audit_record_many(
        Entry(
            AuditAction.ESSAY_ASSIGN,
            EssayAssignment,
            actor,
            campaign,
            unit=a.unit,
            after={"writer": a.writer.username, "due_date": day_text(a.due_date)},
            target_pk=a.pk,
        )
        for a in made
    )
    return AddResult(added=len(made), already=len(writers) - len(fresh))


def assignments_from_accounts(
    *, campaign: Campaign, actor: User, role: str, units: Iterable[Unit]
) -> AddResult:
    """Everyone who holds ``role`` in one of ``units`` (active accounts), each for the
    first of those units they belong to."""
    chosen = list(units)
    if not chosen:
        raise ValidationError({"units": _("请选择单位。")})
    memberships = (
        Membership.objects.filter(role=role, unit__in=chosen, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    )
    writers: dict[int, NewWriter] = {}
    for m in memberships:
        writers.setdefault(m.user_id, NewWriter(m.user, m.unit))
    if not writers:
        raise ValidationError({"role": _("所选单位中没有担任这一角色的在用账号。")})
    return assignments_add(campaign=campaign, actor=actor, writers=list(writers.values()))


@transaction.atomic
def assignment_remove(*, assignment: EssayAssignment, actor: User) -> None:
    check_office(actor, assignment.campaign)
    locked = EssayAssignment.objects.select_for_update().get(pk=assignment.pk)
    essay = Essay.objects.filter(assignment=locked).first()
    if essay is not None and essay.submitted:
        raise ValidationError(
            _("%(name)s已提交心得体会，不能从名单中移除。")
            % {"name": locked.writer.full_name or locked.writer.username}
        )
    audit_record(
        action=AuditAction.ESSAY_UNASSIGN,
        target=locked,
        actor=actor,
        campaign=locked.campaign,
        unit=locked.unit,
        before={"writer": locked.writer.username, "draft": essay is not None},
    )
    stored = essay.file.name if essay is not None and essay.file else ""
    locked.delete()
    if stored:
        transaction.on_commit(lambda: delete_file(stored))
