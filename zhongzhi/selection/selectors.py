"""Reads of golden-idea selection, scoped to the caller (``selection.access``)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit, User
from zhongzhi.selection.access import result_rounds, reviewed_rounds, visible_rounds
from zhongzhi.selection.models import (
    Criterion,
    ReviewComment,
    RoundEntry,
    Score,
    SelectionRound,
)


def campaign_rounds(user: AnyUser, campaign: Campaign) -> QuerySet[SelectionRound]:
    """The campaign's rounds this user may open: all of them for the office; those they
    review; closed ones for the campaign's leaders. Newest first."""
    return (
        visible_rounds(user)
        .filter(campaign=campaign)
        .select_related("unit", "opened_by")
        .annotate(entry_count=Count("entries", distinct=True))
        .order_by("-opened_at", "-pk")
    )


@dataclass(frozen=True)
class RoundRow:
    round: SelectionRound
    reviews: bool  # the user is one of its reviewers
    reads: bool  # the user may open its page (office; leaders once closed)


def campaign_round_rows(user: AnyUser, campaign: Campaign) -> list[RoundRow]:
    rounds = list(campaign_rounds(user, campaign))
    ids = [r.pk for r in rounds]
    reviewing = set(reviewed_rounds(user).filter(pk__in=ids).values_list("pk", flat=True))
    reading = set(result_rounds(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [RoundRow(r, r.pk in reviewing, r.pk in reading) for r in rounds]


def reviewer_candidates(campaign: Campaign) -> QuerySet[User]:
    """Who may review a campaign's ideas: any active account with a role in one of the
    campaign's units (the owning unit's subtree), often a leader or the office."""
    return (
        User.objects.filter(
            is_active=True, memberships__unit__path__startswith=campaign.owner_unit.path
        )
        .distinct()
        .order_by("full_name", "username")
    )


def round_units(campaign: Campaign) -> QuerySet[Unit]:
    """Units a round may be limited to: the campaign's owning unit's subtree."""
    return Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")


def round_criteria(selection_round: SelectionRound) -> list[Criterion]:
    return list(selection_round.criteria.order_by("order", "pk"))


def round_entries(selection_round: SelectionRound) -> QuerySet[RoundEntry]:
    """The shortlist with what a page shows of each idea (one query, no query per row)."""
    return selection_round.entries.select_related(
        "suggestion__unit", "suggestion__triage", "suggestion__topic"
    ).order_by("pk")


def scoring_started(selection_round: SelectionRound) -> bool:
    return Score.objects.filter(entry__round=selection_round).exists()


@dataclass
class SheetRow:
    """One idea on a reviewer's sheet, with what they gave it so far."""

    entry: RoundEntry
    values: dict[int, int] = field(default_factory=dict)  # criterion id -> score
    comment: str = ""

    def complete(self, criteria: list[Criterion]) -> bool:
        return all(c.pk in self.values for c in criteria)


def review_sheet(selection_round: SelectionRound, reviewer: User) -> list[SheetRow]:
    """A reviewer's shortlist with their own scores and comments (three queries)."""
    entries = round_entries(selection_round).prefetch_related(
        Prefetch("scores", queryset=Score.objects.filter(reviewer=reviewer), to_attr="mine"),
        Prefetch(
            "comments",
            queryset=ReviewComment.objects.filter(reviewer=reviewer),
            to_attr="my_comment",
        ),
    )
    return [
        SheetRow(
            entry,
            {score.criterion_id: score.value for score in entry.mine},  # type: ignore[attr-defined]
            next((c.text for c in entry.my_comment), ""),  # type: ignore[attr-defined]
        )
        for entry in entries
    ]


def sheet_row(entry: RoundEntry, reviewer: User) -> SheetRow:
    values = dict(
        Score.objects.filter(entry=entry, reviewer=reviewer).values_list("criterion_id", "value")
    )
    comment = ReviewComment.objects.filter(entry=entry, reviewer=reviewer).first()
    return SheetRow(entry, values, comment.text if comment else "")


@dataclass(frozen=True)
class ReviewerProgress:
    reviewer: User
    done: int  # entries with a score on every criterion
    total: int


def reviewer_progress(selection_round: SelectionRound) -> list[ReviewerProgress]:
    """Who has scored how many ideas completely (one grouped query)."""
    criteria = selection_round.criteria.count()
    total = selection_round.entries.count()
    done: dict[int, int] = defaultdict(int)
    per_entry = (
        Score.objects.filter(entry__round=selection_round)
        .values("reviewer", "entry")
        .annotate(n=Count("pk"))
    )
    for row in per_entry:
        if criteria and row["n"] >= criteria:
            done[row["reviewer"]] += 1
    return [
        ReviewerProgress(reviewer, done[reviewer.pk], total)
        for reviewer in selection_round.reviewers.order_by("full_name", "username")
    ]


def my_progress(selection_round: SelectionRound, reviewer: User) -> ReviewerProgress:
    criteria = selection_round.criteria.count()
    total = selection_round.entries.count()
    done = (
        Score.objects.filter(entry__round=selection_round, reviewer=reviewer)
        .values("entry")
        .annotate(n=Count("pk"))
        .filter(n__gte=max(criteria, 1))
        .count()
    )
    return ReviewerProgress(reviewer, done, total)


def ranked_entries(selection_round: SelectionRound) -> list[RoundEntry]:
    """A closed round's ranked list: by rank, the unscored last."""
    return list(
        selection_round.entries.select_related("suggestion__unit").order_by(
            F("rank").asc(nulls_last=True), "pk"
        )
    )
