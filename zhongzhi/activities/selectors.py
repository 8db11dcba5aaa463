"""Activities' reads: a campaign's activities with filters, an activity's attendance,
files and suggestions, the activities against plan items (and the items flagged for
having none by the end of their window), and the "7+11" coverage matrix.

The matrix is two grouped counts whatever the size of the campaign: suggestions by
(category, topic), read off the `suggestion_coverage` index, and activities by
(attending category, discussed topic) over attendance × the activity's topics.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhongzhi.activities.access import visible_activities
from zhongzhi.activities.models import Activity, ActivityAttendance, ActivityKind
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, PlanItem, Topic
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.access import AnyUser


@dataclass(frozen=True)
class ActivityFilters:
    unit_ids: list[int] | None = None  # a unit and those below it
    kind_id: int | None = None
    base: str = ""
    stage_id: int | None = None
    plan_item_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def campaign_activities(
    user: AnyUser, campaign: Campaign, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """The campaign's activities this user sees, newest first, each with
    `attendance_total` and `suggestion_count`."""
    f = filters or ActivityFilters()
    activities = visible_activities(user).filter(campaign=campaign)
    if f.unit_ids is not None:
        activities = activities.filter(unit_id__in=f.unit_ids)
    if f.kind_id:
        activities = activities.filter(kind_id=f.kind_id)
    if f.base:
        activities = activities.filter(kind__base=f.base)
    if f.stage_id:
        activities = activities.filter(stage_id=f.stage_id)
    if f.plan_item_id:
        activities = activities.filter(plan_item_id=f.plan_item_id)
    if f.date_from:
        activities = activities.filter(held_on__gte=f.date_from)
    if f.date_to:
        activities = activities.filter(held_on__lte=f.date_to)
    # Counted in subqueries, not over a join of attendance × suggestions.
    attendance = (
        ActivityAttendance.objects.filter(activity=OuterRef("pk"))
        .values("activity")
        .annotate(total=Sum("count"))
        .values("total")
    )
    said = (
        Suggestion.objects.filter(activity=OuterRef("pk"))
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        activities.select_related("unit", "kind", "plan_item", "stage")
        .annotate(
            attendance_total=Coalesce(Subquery(attendance, output_field=IntegerField()), Value(0)),
            suggestion_count=Coalesce(Subquery(said, output_field=IntegerField()), Value(0)),
        )
        .order_by("-held_on", "-pk")
    )


def campaign_kinds(campaign: Campaign) -> list[ActivityKind]:
    return list(ActivityKind.objects.filter(campaign=campaign).order_by("order", "pk"))


def activity_attendance(activity: Activity) -> list[ActivityAttendance]:
    return list(activity.attendance.select_related("category").order_by("category__order"))


def activity_suggestions(activity: Activity) -> QuerySet[Suggestion]:
    return activity.suggestions.select_related("category", "topic").order_by("submitted_at", "pk")


# --- plan items ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItemActivities:
    count: int
    flagged: bool  # its window is over and nothing was done against it


def plan_item_activities(
    user: AnyUser, items: Iterable[PlanItem], today: datetime.date
) -> dict[int, PlanItemActivities]:
    """For each plan item, how many activities (that the user sees) were done against
    it, and whether it is flagged: ended before today with none. One query."""
    items = list(items)
    counts = dict(
        visible_activities(user)
        .filter(plan_item__in=[item.pk for item in items])
        .values_list("plan_item")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        item.pk: PlanItemActivities(
            count=counts.get(item.pk, 0),
            flagged=is_flagged(item, counts.get(item.pk, 0), today),
        )
        for item in items
    }


def is_flagged(item: PlanItem, activity_count: int, today: datetime.date) -> bool:
    return item.end_date is not None and item.end_date < today and activity_count == 0


def flagged_plan_items(campaign: Campaign, today: datetime.date) -> QuerySet[PlanItem]:
    """The campaign's plan items whose window ended before today with no activity."""
    return (
        PlanItem.objects.filter(campaign=campaign, end_date__lt=today)
        .annotate(n=Count("activities"))
        .filter(n=0)
        .order_by("end_date", "pk")
    )


# --- the "7+11" coverage matrix ---------------------------------------------------------


@dataclass
class Cell:
    suggestions: int = 0
    activities: int = 0

    @property
    def empty(self) -> bool:
        return not (self.suggestions or self.activities)


@dataclass
class MatrixRow:
    category: ParticipantCategory
    cells: list[Cell]

    @property
    def suggestions(self) -> int:
        return sum(cell.suggestions for cell in self.cells)

    @property
    def empty_cells(self) -> int:
        return sum(1 for cell in self.cells if cell.empty)


@dataclass
class CoverageMatrix:
    categories: list[ParticipantCategory]
    topics: list[Topic]
    rows: list[MatrixRow] = field(default_factory=list)

    def cell(self, category_id: int, topic_id: int) -> Cell:
        for row in self.rows:
            if row.category.pk == category_id:
                return row.cells[[t.pk for t in self.topics].index(topic_id)]
        raise KeyError(category_id)

    @property
    def empty_cells(self) -> int:
        return sum(row.empty_cells for row in self.rows)

    @property
    def cell_count(self) -> int:
        return len(self.categories) * len(self.topics)

    @property
    def topic_totals(self) -> list[int]:
        return [sum(row.cells[i].suggestions for row in self.rows) for i in range(len(self.topics))]


def coverage_matrix(campaign: Campaign, unit_ids: list[int] | None = None) -> CoverageMatrix:
    """Categories × topics of the campaign (or of the units `unit_ids`): in each cell
    the suggestions of that category on that topic (not those judged invalid) and the
    activities that heard that category and discussed that topic. Four queries."""
    categories = list(ParticipantCategory.objects.filter(campaign=campaign).order_by("order", "pk"))
    topics = list(Topic.objects.filter(campaign=campaign).order_by("order", "pk"))
    suggestions = Suggestion.objects.filter(
        campaign=campaign, category__isnull=False, topic__isnull=False
    ).exclude(status=SuggestionStatus.INVALID)
    attendance = ActivityAttendance.objects.filter(activity__campaign=campaign)
    if unit_ids is not None:
        suggestions = suggestions.filter(unit_id__in=unit_ids)
        attendance = attendance.filter(activity__unit_id__in=unit_ids)
    said = {
        (c, t): n
        for c, t, n in suggestions.values_list("category_id", "topic_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    heard = {
        (c, t): n
        for c, t, n in attendance.values_list("category_id", "activity__topics")
        .annotate(n=Count("activity_id"))
        .order_by()
        if t is not None
    }
    matrix = CoverageMatrix(categories=categories, topics=topics)
    for category in categories:
        cells = [
            Cell(
                suggestions=said.get((category.pk, topic.pk), 0),
                activities=heard.get((category.pk, topic.pk), 0),
            )
            for topic in topics
        ]
        matrix.rows.append(MatrixRow(category=category, cells=cells))
    return matrix
