"""Who may do what in golden-idea selection. One condition a line; out of scope is 404.

* The campaign's office opens, sets up and closes rounds, and reads every round.
* A named reviewer scores in the rounds they are named in (the page of a round that
  has closed says so; the service refuses the score).
* The campaign's leaders read the results of closed rounds.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import managed_campaigns, overseen_campaigns
from zhongzhi.org.access import AnyUser
from zhongzhi.selection.models import RoundEntry, RoundState, SelectionRound


def managed_rounds(user: AnyUser) -> QuerySet[SelectionRound]:
    if not user.is_authenticated:
        return SelectionRound.objects.none()
    return SelectionRound.objects.filter(campaign__in=managed_campaigns(user))


def reviewed_rounds(user: AnyUser) -> QuerySet[SelectionRound]:
    if not user.is_authenticated:
        return SelectionRound.objects.none()
    return SelectionRound.objects.filter(reviewers=user)


def result_rounds(user: AnyUser) -> QuerySet[SelectionRound]:
    """Rounds whose results this user reads: the office's, and closed ones of the
    campaigns a leader oversees."""
    if not user.is_authenticated:
        return SelectionRound.objects.none()
    of_managed_campaign = Q(campaign__in=managed_campaigns(user))
    closed_in_overseen = Q(state=RoundState.CLOSED, campaign__in=overseen_campaigns(user))
    return SelectionRound.objects.filter(of_managed_campaign | closed_in_overseen)


def visible_rounds(user: AnyUser) -> QuerySet[SelectionRound]:
    if not user.is_authenticated:
        return SelectionRound.objects.none()
    results = Q(pk__in=result_rounds(user).values("pk"))
    reviewing = Q(pk__in=reviewed_rounds(user).values("pk"))
    return SelectionRound.objects.filter(results | reviewing)


def _get(rounds: QuerySet[SelectionRound], round_id: int) -> SelectionRound:
    try:
        return rounds.select_related("campaign__owner_unit", "unit").get(pk=round_id)
    except SelectionRound.DoesNotExist:
        raise Http404 from None


def access_round_for_managing(user: AnyUser, round_id: int) -> SelectionRound:
    return _get(managed_rounds(user), round_id)


def access_round_for_reviewing(user: AnyUser, round_id: int) -> SelectionRound:
    return _get(reviewed_rounds(user), round_id)


def access_round_results(user: AnyUser, round_id: int) -> SelectionRound:
    return _get(result_rounds(user), round_id)


def access_entry(selection_round: SelectionRound, entry_id: int) -> RoundEntry:
    """An entry of a round the caller already reached; another round's is a 404."""
    try:
        return selection_round.entries.select_related("suggestion__unit").get(pk=entry_id)
    except RoundEntry.DoesNotExist:
        raise Http404 from None


def can_manage_round(user: AnyUser, selection_round: SelectionRound) -> bool:
    return managed_rounds(user).filter(pk=selection_round.pk).exists()


def can_review_round(user: AnyUser, selection_round: SelectionRound) -> bool:
    return reviewed_rounds(user).filter(pk=selection_round.pk).exists()
