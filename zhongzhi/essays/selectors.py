"""Essays' reads, scoped to the viewer: completion by unit (handed in / due / late,
one row per unit, in one query) and the list of writers with their essays."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.essays.access import visible_assignments
from zhongzhi.essays.models import EssayAssignment, EssayState
from zhongzhi.org.access import AnyUser

SUBMITTED = Q(essay__state=EssayState.SUBMITTED)
# Spelled out, not ~SUBMITTED: inside an aggregate's filter a negation over the left
# join would leave out the writers with no essay at all (NULL).
NOT_SUBMITTED = Q(essay__isnull=True) | Q(essay__state=EssayState.DRAFT)
# Handed in after the due date: the platform's day of the hand-in is later.
LATE = SUBMITTED & Q(essay__submitted_on__gt=F("due_date"))


def _overdue(today: datetime.date) -> Q:
    return NOT_SUBMITTED & Q(due_date__lt=today)


@dataclass
class UnitCompletion:
    unit_id: int
    unit_name: str
    due: int  # 应交
    handed_in: int  # 已交
    late: int  # 其中逾期提交
    overdue: int  # 逾期未交
    excellent: int

    @property
    def missing(self) -> int:
        return self.due - self.handed_in

    @property
    def behind(self) -> bool:
        return self.overdue > 0

    @property
    def rate(self) -> int:
        return round(100 * self.handed_in / self.due) if self.due else 0


@dataclass
class Completion:
    rows: list[UnitCompletion] = field(default_factory=list)
    total: UnitCompletion = field(default_factory=lambda: UnitCompletion(0, "", 0, 0, 0, 0, 0))


def completion_by_unit(user: AnyUser, campaign: Campaign) -> Completion:
    today = clock.today()
    rows = (
        visible_assignments(user)
        .filter(campaign=campaign)
        .values("unit_id", "unit__name", "unit__path")
        .annotate(
            due=Count("pk"),
            handed_in=Count("pk", filter=SUBMITTED),
            late=Count("pk", filter=LATE),
            overdue=Count("pk", filter=_overdue(today)),
            excellent=Count("pk", filter=SUBMITTED & Q(essay__excellent=True)),
        )
        .order_by("unit__path")
    )
    result = Completion()
    for row in rows:
        line = UnitCompletion(
            row["unit_id"],
            row["unit__name"],
            row["due"],
            row["handed_in"],
            row["late"],
            row["overdue"],
            row["excellent"],
        )
        result.rows.append(line)
        for name in ("due", "handed_in", "late", "overdue", "excellent"):
            setattr(result.total, name, getattr(result.total, name) + getattr(line, name))
    return result


STATUS_FILTERS = {
    "submitted": _("已提交"),
    "missing": _("未提交"),
    "late": _("逾期提交"),
    "overdue": _("逾期未交"),
    "excellent": _("优秀"),
}


def campaign_assignments(
    user: AnyUser, campaign: Campaign, *, unit_id: int | None = None, status: str = ""
) -> QuerySet[EssayAssignment]:
    # Without the essays' text (up to 20,000 characters each): lists and the ledger
    # show whether there is one (`has_text`), never the text itself.
    rows = (
        visible_assignments(user)
        .filter(campaign=campaign)
        .select_related("unit", "writer", "essay")
        .defer("essay__text")
        .annotate(has_text=Q(essay__text__gt=""))
        .order_by("unit__path", "writer__username")
    )
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if status == "submitted":
        rows = rows.filter(SUBMITTED)
    elif status == "missing":
        rows = rows.filter(NOT_SUBMITTED)
    elif status == "late":
        rows = rows.filter(LATE)
    elif status == "overdue":
        rows = rows.filter(_overdue(clock.today()))
    elif status == "excellent":
        rows = rows.filter(SUBMITTED & Q(essay__excellent=True))
    return rows


def my_assignments(user: AnyUser) -> QuerySet[EssayAssignment]:
    if not user.is_authenticated:
        return EssayAssignment.objects.none()
    return (
        EssayAssignment.objects.filter(writer=user)
        .select_related("campaign", "unit", "essay")
        .order_by("-campaign__start_date")
    )


def excellent_essays(user: AnyUser, campaign: Campaign) -> QuerySet[EssayAssignment]:
    """The handed-in essays the office marked excellent, for the briefing: by unit, then
    the order they were marked."""
    return (
        visible_assignments(user)
        .filter(SUBMITTED, campaign=campaign, essay__excellent=True)
        .select_related("unit", "writer", "essay")
        .order_by("unit__path", "essay__marked_at")
    )
