"""Deadlines and escalation: the daily sweep and the office's settings for it.

``sweep_deadlines`` runs once a day (``rectification.tasks.deadlines_daily``, or
``zhongzhi manage rectification_deadlines``). Per campaign, by its
``RectificationSettings``, it marks open measures 即将到期 or 已逾期 and escalates the
overdue ones step by step — 催办 to the owner unit's coordinators, 督办 to the
parent unit's coordinators and office and the owner unit's supervisors, 挂牌督办
listed to the leaders above it — each step an ``Escalation`` row and an audit entry;
and it reminds units once of suggestions left unsigned past their sign deadline.

Set-based: a few UPDATEs per campaign and one bulk insert per table, never a save
per row; people get one digest each, however many measures concern them. Running it
again the same day finds nothing new: every write is guarded by the state it moves
from (``due_state``, ``escalation``, ``sign_reminded_at``) and the ``Escalation``
rows are unique per measure, level and deadline, so a granted extension (which
resets the measure) starts over.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record, audit_record_many
from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.core.bulk import insert_many
from zhongzhi.intake.models import Suggestion
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.selectors import coordinators_of, holders_of, leaders_above
from zhongzhi.notifications.services import Message, notifications_send
from zhongzhi.org.models import Role, Unit, User
from zhongzhi.rectification.models import (
    OPEN_MEASURE_STATES,
    DueState,
    Escalation,
    EscalationLevel,
    Measure,
    RectificationSettings,
)
from zhongzhi.screening.models import Assignment, AssignmentState

L = EscalationLevel
STEPS = (L.REMIND, L.SUPERVISE, L.LIST)
# A digest's lines, in the order they are read.
DUE_SOON = "due_soon"
SIGN_OVERDUE = "sign_overdue"
DIGEST_ORDER = (str(L.LIST), str(L.SUPERVISE), str(L.REMIND), DUE_SOON, SIGN_OVERDUE)


def settings_for(campaign: Campaign) -> RectificationSettings:
    """The campaign's settings, or the defaults (unsaved) when the office set none."""
    found = RectificationSettings.objects.filter(campaign=campaign).first()
    return found or RectificationSettings(campaign=campaign)


def step_days(rules: RectificationSettings, level: int) -> int:
    """Days overdue at which ``level`` is reached; a measure is overdue from day 1."""
    days = {
        L.REMIND: rules.remind_after_days,
        L.SUPERVISE: rules.supervise_after_days,
        L.LIST: rules.list_after_days,
    }[EscalationLevel(level)]
    return max(days, 1)


def check_steps_in_order(remind: int, supervise: int, list_: int) -> None:
    if remind > supervise:
        raise ValidationError({"supervise_after_days": _("督办的天数不能少于催办的天数。")})
    if supervise > list_:
        raise ValidationError({"list_after_days": _("挂牌督办的天数不能少于督办的天数。")})


@transaction.atomic
def rectification_settings_save(
    *,
    campaign: Campaign,
    actor: User,
    due_soon_days: int,
    remind_after_days: int,
    supervise_after_days: int,
    list_after_days: int,
) -> RectificationSettings:
    if not can_manage_campaign(actor, campaign):
        raise ValidationError(_("整改时限由活动办公室设置。"))
    check_steps_in_order(remind_after_days, supervise_after_days, list_after_days)
    rules = settings_for(campaign)
    fields = ("due_soon_days", "remind_after_days", "supervise_after_days", "list_after_days")
    before = {name: getattr(rules, name) for name in fields}
    rules.due_soon_days = due_soon_days
    rules.remind_after_days = remind_after_days
    rules.supervise_after_days = supervise_after_days
    rules.list_after_days = list_after_days
    rules.full_clean()
    rules.save()
    audit_record(
        action=AuditAction.RECTIFICATION_SETTINGS,
        target=rules,
        actor=actor,
        campaign=campaign,
        unit=campaign.owner_unit,
        before=before,
        after={name: getattr(rules, name) for name in fields},
    )
    return rules


# --- the sweep ------------------------------------------------------------------------


@dataclass
class SweepSummary:
    day: datetime.date
    campaigns: int = 0
    due_soon: int = 0
    overdue: int = 0
    escalations: dict[int, int] = field(default_factory=lambda: {int(level): 0 for level in STEPS})
    signatures: int = 0
    notifications: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "campaigns": self.campaigns,
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "escalations": {str(k): v for k, v in self.escalations.items()},
            "signatures": self.signatures,
            "notifications": self.notifications,
            "seconds": round(self.seconds, 3),
        }


class Digest:
    """What each person is told today: counts per campaign and line, one message each."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.counts: dict[int, dict[Campaign, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )

    def add(self, users: list[User], campaign: Campaign, line: str) -> None:
        for user in users:
            self.users[user.pk] = user
            self.counts[user.pk][campaign][line] += 1

    def messages(self, day: datetime.date) -> list[Message]:
        return [
            self._message(self.users[pk], by_campaign, day)
            for pk, by_campaign in self.counts.items()
        ]

    def _message(
        self, user: User, by_campaign: dict[Campaign, dict[str, int]], day: datetime.date
    ) -> Message:
        labels = {
            str(L.LIST): _("挂牌督办 %(n)d 项"),
            str(L.SUPERVISE): _("督办 %(n)d 项"),
            str(L.REMIND): _("逾期催办 %(n)d 项"),
            DUE_SOON: _("即将到期 %(n)d 项"),
            SIGN_OVERDUE: _("超时未签收的意见建议 %(n)d 条"),
        }
        lines = [_("整改时限提醒（%(day)s）：") % {"day": f"{day:%Y-%m-%d}"}]
        for campaign, counts in by_campaign.items():
            parts = [labels[key] % {"n": counts[key]} for key in DIGEST_ORDER if counts.get(key)]
            lines.append(f"{campaign.name}：{'，'.join(parts)}")
        only_signatures = all(set(c) == {SIGN_OVERDUE} for c in by_campaign.values())
        kind = NotificationKind.SIGN_OVERDUE if only_signatures else NotificationKind.DEADLINES
        return Message(user, kind, "\n".join(lines), self._url(by_campaign, only_signatures))

    @staticmethod
    def _url(by_campaign: dict[Campaign, dict[str, int]], only_signatures: bool) -> str:
        if len(by_campaign) != 1:
            return reverse("rectification:home")
        ((campaign, counts),) = by_campaign.items()
        if only_signatures:
            return reverse("screening:sign", args=[campaign.pk])
        due = "due_soon" if set(counts) <= {DUE_SOON, SIGN_OVERDUE} else "overdue"
        return f"{reverse('rectification:measures', args=[campaign.pk])}?due={due}"


@dataclass(frozen=True)
class _Row:
    """An open measure as the sweep needs it."""

    pk: int
    deadline: datetime.date
    escalation: int
    owner_unit_id: int
    responsible_user_id: int | None


def _rows(measures: QuerySet[Measure]) -> list[_Row]:
    fields = ("pk", "deadline", "escalation", "owner_unit_id", "responsible_user_id")
    return [_Row(*values) for values in measures.values_list(*fields)]


class _People:
    """Who is told about measures of a set of owner units, loaded in a few queries."""

    def __init__(self, rows: list[_Row], levels: set[int]) -> None:
        unit_ids = {row.owner_unit_id for row in rows}
        self.units = Unit.objects.in_bulk(unit_ids)
        self.responsible = User.objects.filter(
            pk__in={row.responsible_user_id for row in rows if row.responsible_user_id},
            is_active=True,
        ).in_bulk()
        self.coordinators = coordinators_of(unit_ids)
        self.above: dict[int, list[User]] = {}
        self.supervisors: dict[int, list[User]] = {}
        self.leaders: dict[int, list[User]] = {}
        if L.SUPERVISE in levels:
            parents = {u.parent_id for u in self.units.values() if u.parent_id}
            self.above = holders_of(parents, [Role.COORDINATOR, Role.OFFICE])
            self.supervisors = holders_of(unit_ids, [Role.SUPERVISOR])
        if L.LIST in levels:
            self.leaders = leaders_above(self.units.values())

    def owners(self, row: _Row) -> list[User]:
        found = list(self.coordinators.get(row.owner_unit_id, []))
        if row.responsible_user_id in self.responsible:
            found.append(self.responsible[row.responsible_user_id])
        return list({user.pk: user for user in found}.values())

    def for_level(self, row: _Row, level: int) -> list[User]:
        if level == L.REMIND:
            return self.owners(row)
        if level == L.SUPERVISE:
            unit = self.units[row.owner_unit_id]
            above = self.above.get(unit.parent_id, []) if unit.parent_id else []
            found = [*above, *self.supervisors.get(row.owner_unit_id, [])]
            return list({user.pk: user for user in found}.values())
        return self.leaders.get(row.owner_unit_id, [])


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def sweep_deadlines(
    today: datetime.date | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SweepSummary:
    """Sweep every campaign for ``today`` (the platform's today by default)."""
    started = time.perf_counter()
    day = today or clock.today()
    summary = SweepSummary(day=day)
    campaigns = list(Campaign.objects.select_related("owner_unit").order_by("pk"))
    rules = {r.campaign_id: r for r in RectificationSettings.objects.all()}
    digest = Digest()
    with transaction.atomic():
        for done, campaign in enumerate(campaigns, start=1):
            campaign_rules = rules.get(campaign.pk) or RectificationSettings(campaign=campaign)
            _sweep_measures(campaign, campaign_rules, day, digest, summary)
            _sweep_signatures(campaign, day, digest, summary)
            summary.campaigns += 1
            if progress is not None:
                progress(done, len(campaigns))
        summary.notifications = len(notifications_send(digest.messages(day)))
    summary.seconds = time.perf_counter() - started
    return summary


def _sweep_measures(
    campaign: Campaign,
    rules: RectificationSettings,
    day: datetime.date,
    digest: Digest,
    summary: SweepSummary,
) -> None:
    open_ = Measure.objects.filter(campaign=campaign, state__in=OPEN_MEASURE_STATES)
    soon_until = day + datetime.timedelta(days=rules.due_soon_days)
    # A deadline moved out of the window (an extension, shorter settings): on time again.
    open_.filter(deadline__gt=soon_until).exclude(due_state=DueState.ON_TIME).update(
        due_state=DueState.ON_TIME
    )
    newly_soon = open_.filter(deadline__gte=day, deadline__lte=soon_until).exclude(
        due_state=DueState.DUE_SOON
    )
    soon_rows = _rows(newly_soon)
    newly_soon.update(due_state=DueState.DUE_SOON)
    summary.overdue += (
        open_.filter(deadline__lt=day)
        .exclude(due_state=DueState.OVERDUE)
        .update(due_state=DueState.OVERDUE)
    )
    first = day - datetime.timedelta(days=step_days(rules, L.REMIND))
    to_escalate = _rows(open_.filter(deadline__lte=first, escalation__lt=L.LIST))
    steps = _steps(to_escalate, rules, day)
    people = _People([*soon_rows, *to_escalate], {level for _row, level, _days in steps})
    for row in soon_rows:
        digest.add(people.owners(row), campaign, DUE_SOON)
    summary.due_soon += len(soon_rows)
    if not steps:
        return
    now = timezone.now()
    escalations, entries = [], []
    note = _("逾期 %(days)d 天，%(level)s")
    labels = {int(level): str(level.label) for level in STEPS}
    for row, level, days in steps:
        told = people.for_level(row, level)
        digest.add(told, campaign, str(level))
        summary.escalations[level] += 1
        escalations.append(
            Escalation(
                measure_id=row.pk,
                level=level,
                at=now,
                deadline=row.deadline,
                days_overdue=days,
                notified=[str(user) for user in told],
            )
        )
        entries.append(
            Entry(
                AuditAction.ESCALATE,
                Measure,
                None,
                campaign,
                people.units[row.owner_unit_id],
                before={"escalation": level - 1},
                after={"escalation": level, "days_overdue": days},
                note=note % {"days": days, "level": labels[level]},
                target_pk=row.pk,
            )
        )
    insert_many(escalations)
    audit_record_many(entries)
    # Highest step first: a measure reaching several steps today ends at the highest.
    for level in reversed(STEPS):
        reached = day - datetime.timedelta(days=step_days(rules, level))
        open_.filter(deadline__lte=reached, escalation__lt=level).update(escalation=level)


def _steps(
    rows: list[_Row], rules: RectificationSettings, day: datetime.date
) -> list[tuple[_Row, int, int]]:
    """Each step a measure reaches today and has not had yet: (row, level, days overdue).
    A measure the sweep missed for days gets every step it passed, in order."""
    steps = []
    for row in rows:
        days = (day - row.deadline).days
        for level in STEPS:
            if row.escalation < level and days >= step_days(rules, level):
                steps.append((row, int(level), days))
    return steps


def _sweep_signatures(
    campaign: Campaign, day: datetime.date, digest: Digest, summary: SweepSummary
) -> None:
    """Suggestions still unsigned after their sign deadline (before today): the unit's
    coordinators are reminded, once."""
    late = Assignment.objects.filter(
        campaign=campaign,
        state=AssignmentState.PENDING,
        sign_deadline__lt=_start_of(day),
        sign_reminded_at__isnull=True,
    )
    rows = list(late.values_list("suggestion_id", "unit_id", "sign_deadline"))
    if not rows:
        return
    late.update(sign_reminded_at=timezone.now())
    coordinators = coordinators_of({unit_id for _s, unit_id, _d in rows})
    units = Unit.objects.in_bulk({unit_id for _s, unit_id, _d in rows})
    for _suggestion_id, unit_id, _deadline in rows:
        digest.add(coordinators.get(unit_id, []), campaign, SIGN_OVERDUE)
    audit_record_many(
        Entry(
            AuditAction.SIGN_REMIND,
            Suggestion(pk=suggestion_id),
            None,
            campaign,
            units[unit_id],
            after={"sign_deadline": deadline.isoformat()},
            note=_("超过签收时限仍未签收，已提醒承办单位"),
        )
        for suggestion_id, unit_id, deadline in rows
    )
    summary.signatures += len(rows)
