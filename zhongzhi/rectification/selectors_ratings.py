"""Reads of ratings (满意度) and second looks (回访): the staff list of a campaign with
its counts and 满意率, the open second looks, and what a receipt page shows."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit
from zhongzhi.rectification.access import campaign_ratings
from zhongzhi.rectification.models import Rating, RatingLevel, SecondLook, SecondLookState
from zhongzhi.rectification.services.ratings import answered_by


@dataclass(frozen=True)
class RatingFilters:
    campaign: Campaign
    # The answering unit and everything below it.
    unit: Unit | None = None
    level: str = ""


def _in_unit(user: AnyUser, filters: RatingFilters) -> QuerySet[Rating]:
    ratings = campaign_ratings(user, filters.campaign)
    if filters.unit is not None:
        ratings = ratings.filter(unit__path__startswith=filters.unit.path)
    return ratings


def rating_list(user: AnyUser, filters: RatingFilters) -> QuerySet[Rating]:
    """The ratings the user may see that match the filters, newest first."""
    ratings = _in_unit(user, filters)
    if filters.level:
        ratings = ratings.filter(level=filters.level)
    return ratings.select_related("suggestion", "unit", "second_look").order_by("-at", "-pk")


@dataclass(frozen=True)
class RatingCounts:
    satisfied: int
    fairly: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.fairly + self.dissatisfied

    @property
    def rate(self) -> float | None:
        """满意率: 满意 and 基本满意 over everything rated, in percent; None with none."""
        if not self.total:
            return None
        return 100 * (self.satisfied + self.fairly) / self.total


def rating_counts(user: AnyUser, filters: RatingFilters) -> RatingCounts:
    """Counts by level of the ratings in the filters' unit (whatever level is picked:
    the 满意率 is of all of them)."""
    counts = _in_unit(user, filters).aggregate(
        satisfied=Count("pk", filter=Q(level=RatingLevel.SATISFIED)),
        fairly=Count("pk", filter=Q(level=RatingLevel.FAIRLY)),
        dissatisfied=Count("pk", filter=Q(level=RatingLevel.DISSATISFIED)),
    )
    return RatingCounts(**counts)


def second_look_list(
    user: AnyUser, campaign: Campaign, *, state: str = SecondLookState.OPEN
) -> QuerySet[SecondLook]:
    """Second looks of the ratings the user sees, oldest first (the longest waiting)."""
    return (
        SecondLook.objects.filter(rating__in=campaign_ratings(user, campaign), state=state)
        .select_related("rating__suggestion__merged_into", "unit", "done_by")
        .order_by("rating__at", "pk")
    )


def rating_of(suggestion: Suggestion) -> Rating | None:
    """A suggestion's rating with its second look, for the suggestion's staff page."""
    return (
        Rating.objects.filter(suggestion=suggestion)
        .select_related("second_look", "second_look__done_by")
        .first()
    )


@dataclass(frozen=True)
class ReceiptRating:
    """What the receipt page shows below the answer."""

    rating: Rating | None
    # Answered and not yet rated: the page asks for a rating.
    can_rate: bool

    @property
    def second_look(self) -> SecondLook | None:
        if self.rating is None:
            return None
        try:
            return self.rating.second_look
        except SecondLook.DoesNotExist:
            return None


def receipt_rating(suggestion: Suggestion) -> ReceiptRating:
    rating = Rating.objects.filter(suggestion=suggestion).select_related("second_look").first()
    return ReceiptRating(
        rating=rating, can_rate=rating is None and answered_by(suggestion) is not None
    )
