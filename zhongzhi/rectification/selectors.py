"""Reads of rectification: the problem and measure lists with the office's filters
(also what the ledgers export), a measure's timeline, a suggestion's problem."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.audit.selectors import audit_entries_for
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit
from zhongzhi.rectification.access import campaign_measures, campaign_problems
from zhongzhi.rectification.models import (
    OPEN_MEASURE_STATES,
    DueState,
    Escalation,
    EscalationLevel,
    Measure,
    MeasureState,
    Problem,
    ProblemStatus,
    ProgressUpdate,
)
from zhongzhi.rectification.services.problems import needs_answer


@dataclass(frozen=True)
class ProblemFilters:
    campaign: Campaign
    status: str = ""
    origin: str = ""
    # The unit and everything below it.
    unit: Unit | None = None
    topic: Topic | None = None
    q: str = ""


def problem_list(user: AnyUser, filters: ProblemFilters) -> QuerySet[Problem]:
    problems = campaign_problems(user, filters.campaign)
    if filters.status:
        problems = problems.filter(status=filters.status)
    if filters.origin:
        problems = problems.filter(origin=filters.origin)
    if filters.unit is not None:
        problems = problems.filter(unit__path__startswith=filters.unit.path)
    if filters.topic is not None:
        problems = problems.filter(topic=filters.topic)
    if filters.q:
        problems = problems.filter(
            Q(title__contains=filters.q) | Q(description__contains=filters.q)
        )
    return (
        problems.select_related("unit", "topic")
        .annotate(
            measure_count=Count("measures", distinct=True),
            source_count=Count("sources", distinct=True),
        )
        .order_by("-number")
    )


@dataclass(frozen=True)
class MeasureFilters:
    campaign: Campaign
    state: str = ""
    # "" (any), "due_soon", "overdue", "listed" (挂牌督办), or "open" (every measure still
    # being worked on).
    due: str = ""
    # The owner unit and everything below it.
    owner_unit: Unit | None = None
    escalated: bool = False
    deadline_from: datetime.date | None = None
    deadline_to: datetime.date | None = None
    q: str = ""


def measure_list(user: AnyUser, filters: MeasureFilters) -> QuerySet[Measure]:
    """The measures the user may see that match the filters, soonest deadline first."""
    measures = campaign_measures(user, filters.campaign)
    if filters.state:
        measures = measures.filter(state=filters.state)
    if filters.due == "open":
        measures = measures.filter(state__in=OPEN_MEASURE_STATES)
    elif filters.due in (DueState.DUE_SOON, DueState.OVERDUE):
        measures = measures.filter(due_state=filters.due, state__in=OPEN_MEASURE_STATES)
    elif filters.due == "listed":
        measures = measures.filter(escalation=EscalationLevel.LIST, state__in=OPEN_MEASURE_STATES)
    if filters.owner_unit is not None:
        measures = measures.filter(owner_unit__path__startswith=filters.owner_unit.path)
    if filters.escalated:
        measures = measures.filter(escalation__gt=0)
    if filters.deadline_from is not None:
        measures = measures.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to is not None:
        measures = measures.filter(deadline__lte=filters.deadline_to)
    if filters.q:
        measures = measures.filter(
            Q(text__contains=filters.q)
            | Q(problem__title__contains=filters.q)
            | Q(responsible_person__contains=filters.q)
        )
    return measures.select_related("problem", "owner_unit").order_by("deadline", "pk")


def measure_counts(user: AnyUser, campaign: Campaign) -> dict[str, int]:
    """The figures above the measure list: open, due soon, overdue, awaiting
    verification, verified."""
    measures = campaign_measures(user, campaign)
    open_states = Q(state__in=OPEN_MEASURE_STATES)
    return measures.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_states),
        due_soon=Count("pk", filter=open_states & Q(due_state=DueState.DUE_SOON)),
        overdue=Count("pk", filter=open_states & Q(due_state=DueState.OVERDUE)),
        listed=Count("pk", filter=open_states & Q(escalation=EscalationLevel.LIST)),
        to_verify=Count("pk", filter=Q(state=MeasureState.DONE)),
        verified=Count("pk", filter=Q(state=MeasureState.VERIFIED)),
    )


def problem_counts(user: AnyUser, campaign: Campaign) -> dict[str, int]:
    problems = campaign_problems(user, campaign)
    return problems.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ProblemStatus.OPEN)),
        in_progress=Count("pk", filter=Q(status=ProblemStatus.IN_PROGRESS)),
        closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
    )


def problem_of(suggestion: Suggestion) -> Problem | None:
    """The problem a suggestion is part of, for its page (shown to whoever sees the
    suggestion: the problem's number, title and status are no secret to them)."""
    return Problem.objects.filter(sources__suggestion=suggestion).select_related("unit").first()


def problem_measures(problem: Problem) -> list[Measure]:
    return list(problem.measures.select_related("owner_unit").order_by("number"))


def problem_sources(problem: Problem) -> list[Suggestion]:
    return list(
        Suggestion.objects.filter(problem_link__problem=problem)
        .select_related("unit")
        .order_by("submitted_at", "pk")
    )


def measure_history(measure: Measure) -> list[AuditEntry]:
    return list(audit_entries_for(measure))


def problem_history(problem: Problem) -> list[AuditEntry]:
    return list(audit_entries_for(problem))


def closes_problem(measure: Measure) -> bool:
    """Would verifying this measure close its problem (so the answer is asked for)?"""
    others_open = (
        measure.problem.measures.exclude(pk=measure.pk)
        .exclude(state__in=(MeasureState.VERIFIED, MeasureState.CANCELLED))
        .exists()
    )
    return not others_open and needs_answer(measure.problem)


@dataclass(frozen=True)
class TimelineItem:
    """One step on a measure's page: an audit entry, or a progress update with its
    evidence (whose audit entry it stands for)."""

    at: datetime.datetime
    entry: AuditEntry | None = None
    update: ProgressUpdate | None = None


def measure_timeline(measure: Measure) -> list[TimelineItem]:
    entries = [
        TimelineItem(e.at, entry=e)
        for e in audit_entries_for(measure).exclude(action=AuditAction.MEASURE_PROGRESS)
    ]
    updates = [
        TimelineItem(u.at, update=u)
        for u in measure.updates.select_related("author").prefetch_related("evidence")
    ]
    return sorted([*entries, *updates], key=lambda item: item.at)


def measure_escalations(measure: Measure) -> list[Escalation]:
    """The measure's escalation steps, oldest first (every deadline it had)."""
    return list(measure.escalations.order_by("at", "level"))


def listed_measures(user: AnyUser, campaign: Campaign, limit: int = 20) -> list[Measure]:
    """挂牌督办: the open measures listed to the leaders, longest overdue first."""
    return list(
        campaign_measures(user, campaign)
        .filter(state__in=OPEN_MEASURE_STATES, escalation=EscalationLevel.LIST)
        .select_related("problem", "owner_unit")
        .order_by("deadline", "pk")[:limit]
    )
