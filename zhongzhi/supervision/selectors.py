"""Supervision's reads: each group's coverage (units inspected of units assigned,
findings open and closed, overdue measures), side by side for the office, and a
group's units with their last inspection."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, QuerySet

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit
from zhongzhi.rectification.models import OPEN_MEASURE_STATES, Measure, ProblemStatus
from zhongzhi.supervision.access import visible_groups
from zhongzhi.supervision.models import Finding, Inspection, SupervisionGroup


@dataclass
class GroupCoverage:
    group: SupervisionGroup
    units: int
    units_inspected: int
    inspections: int
    findings_open: int
    findings_closed: int
    overdue_measures: int

    @property
    def percent_inspected(self) -> int:
        return round(100 * self.units_inspected / self.units) if self.units else 0


def campaign_groups(user: AnyUser, campaign: Campaign) -> QuerySet[SupervisionGroup]:
    return (
        visible_groups(user)
        .filter(campaign=campaign)
        .select_related("leader")
        .prefetch_related("members")
        .order_by("name")
    )


def group_coverage(groups: list[SupervisionGroup]) -> list[GroupCoverage]:
    """One row per group, from four grouped queries whatever the number of groups."""
    ids = [g.pk for g in groups]
    units = dict(
        SupervisionGroup.units.through.objects.filter(supervisiongroup__in=ids)
        .values_list("supervisiongroup")
        .annotate(n=Count("unit"))
    )
    # Inspections of units the group still covers count towards its coverage.
    inspected = dict(
        Inspection.objects.filter(group__in=ids, unit__supervision_groups=F("group"))
        .values_list("group")
        .annotate(n=Count("unit", distinct=True))
    )
    inspections = dict(
        Inspection.objects.filter(group__in=ids).values_list("group").annotate(n=Count("pk"))
    )
    findings = {
        row["inspection__group"]: row
        for row in Finding.objects.filter(inspection__group__in=ids)
        .values("inspection__group")
        .annotate(
            closed=Count("pk", filter=Q(problem__status=ProblemStatus.CLOSED)),
            total=Count("pk"),
        )
    }
    overdue = dict(
        Measure.objects.filter(
            problem__finding__inspection__group__in=ids,
            state__in=OPEN_MEASURE_STATES,
            deadline__lt=clock.today(),
        )
        .values_list("problem__finding__inspection__group")
        .annotate(n=Count("pk"))
    )
    rows = []
    for group in groups:
        found = findings.get(group.pk, {"closed": 0, "total": 0})
        rows.append(
            GroupCoverage(
                group=group,
                units=units.get(group.pk, 0),
                units_inspected=inspected.get(group.pk, 0),
                inspections=inspections.get(group.pk, 0),
                findings_open=found["total"] - found["closed"],
                findings_closed=found["closed"],
                overdue_measures=overdue.get(group.pk, 0),
            )
        )
    return rows


@dataclass
class CoveredUnit:
    unit: Unit
    inspections: int
    last_inspected: datetime.date | None
    findings_open: int


def group_units(group: SupervisionGroup) -> list[CoveredUnit]:
    """The group's units, those not yet inspected first (they are the work left)."""
    units = group.units.annotate(
        n=Count("inspections", filter=Q(inspections__group=group), distinct=True),
        last=Max("inspections__date", filter=Q(inspections__group=group)),
        open=Count(
            "inspections__findings",
            filter=Q(inspections__group=group)
            & ~Q(inspections__findings__problem__status=ProblemStatus.CLOSED),
            distinct=True,
        ),
    ).order_by("path")
    rows = [CoveredUnit(u, u.n, u.last, u.open) for u in units]
    return sorted(rows, key=lambda r: (r.inspections > 0, r.last_inspected or datetime.date.min))


def group_inspections(group: SupervisionGroup) -> QuerySet[Inspection]:
    return (
        group.inspections.select_related("unit", "recorded_by")
        .annotate(findings_count=Count("findings"))
        .order_by("-date", "-pk")
    )


def inspection_findings(inspection: Inspection) -> QuerySet[Finding]:
    return inspection.findings.select_related("problem").prefetch_related("problem__measures")
