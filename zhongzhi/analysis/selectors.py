"""Reads of triage results, already scoped to the caller.

* ``hot_issue_list`` / ``hot_issue_members``: a campaign's hot issues, ranked, and the
  members of one, as far as the user may see them (``intake.access.visible_suggestions``);
* ``annotate_triage`` / ``apply_triage_filters``: the triage columns and filters of the
  staff suggestion list (with ``analysis/partials/triage_cells.html``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from zhongzhi.analysis.models import (
    HotIssue,
    HotIssueMove,
    SuggestionTriage,
    TopicLabel,
    TopicModelVersion,
)
from zhongzhi.campaigns.access import can_manage_campaign, visible_campaigns
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.access import visible_suggestions
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import AnyUser

# --- hot issues -----------------------------------------------------------------------


@dataclass(frozen=True)
class HotIssueRow:
    """A hot issue as one user sees it: the whole issue's figures, and of its members
    only what they may see."""

    issue: HotIssue
    visible_members: int
    # The representative suggestion, when this user may see it.
    representative: Suggestion | None
    # Sentences of the members as written: only for a user who sees every member.
    summary: list[str]
    heat_percent: int  # of the hottest issue in the list, for the bar

    @property
    def sees_all(self) -> bool:
        return self.visible_members >= self.issue.size


def access_hot_issue(user: AnyUser, issue_id: int) -> HotIssue:
    """A hot issue of a campaign the user can see; 404 otherwise (or when missing)."""
    try:
        return HotIssue.objects.select_related("campaign").get(
            pk=issue_id, campaign__in=visible_campaigns(user)
        )
    except HotIssue.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class IssueMove:
    """Where a hot issue that is gone went: ``to`` an issue (None: its suggestions are
    in no issue now), ``merged`` by staff or dissolved by a later triage run."""

    from_id: int
    label: str
    campaign: Campaign
    to: HotIssue | None
    merged: bool


def hot_issue_move(user: AnyUser, issue_id: int) -> IssueMove | None:
    """Where an issue id that no longer names an issue leads, following later moves,
    for a user who can see its campaign; None when it never was an issue there."""
    move = (
        HotIssueMove.objects.select_related("campaign")
        .filter(from_id=issue_id, campaign__in=visible_campaigns(user))
        .first()
    )
    if move is None:
        return None
    to_id, merged, seen = move.to_id, move.merged, {issue_id}
    while to_id is not None and to_id not in seen:
        if issue := HotIssue.objects.filter(pk=to_id, campaign=move.campaign).first():
            return IssueMove(issue_id, move.label, move.campaign, issue, merged)
        seen.add(to_id)
        later = HotIssueMove.objects.filter(from_id=to_id, campaign=move.campaign).first()
        if later is None:
            break
        to_id, merged = later.to_id, merged and later.merged
    return IssueMove(issue_id, move.label, move.campaign, None, merged)


def moved_here(issue: HotIssue, from_id: int) -> IssueMove | None:
    """The note for a page reached through the link of issue ``from_id``."""
    move = HotIssueMove.objects.filter(from_id=from_id, campaign_id=issue.campaign_id).first()
    if move is None:
        return None
    return IssueMove(from_id, move.label, issue.campaign, issue, move.merged)


def merge_choices(issue: HotIssue, *, limit: int = 100) -> QuerySet[HotIssue]:
    """The campaign's other issues, hottest first, to merge into this one."""
    return (
        HotIssue.objects.filter(campaign_id=issue.campaign_id)
        .exclude(pk=issue.pk)
        .only("pk", "rank", "label", "size")
        .order_by("rank")[:limit]
    )


def hot_issue_list(user: AnyUser, campaign: Campaign, *, limit: int = 100) -> list[HotIssueRow]:
    """The campaign's hot issues with at least one member the user may see, hottest
    first, each with how many members they see; for a user who can see the campaign
    (``campaigns.access.access_campaign``). Two queries, however many issues."""
    visible = visible_suggestions(user).filter(campaign=campaign)
    # The filter before the annotation: only the members in sight are counted, and an
    # issue with none is left out (a coordinator's list was full of "0 条").
    issues = list(
        HotIssue.objects.filter(campaign=campaign, members__suggestion__in=visible.values("pk"))
        .annotate(seen=Count("members"))
        .order_by("rank")[:limit]
    )
    if not issues:
        return []
    representatives = {
        s.pk: s
        for s in visible.filter(
            pk__in=[i.representative_id for i in issues if i.representative_id]
        ).select_related("unit")
    }
    hottest = max((issue.heat for issue in issues), default=0.0) or 1.0
    rows: list[HotIssueRow] = []
    for issue in issues:
        seen = issue.seen  # type: ignore[attr-defined]  # the annotation above
        rows.append(
            HotIssueRow(
                issue=issue,
                visible_members=seen,
                representative=representatives.get(issue.representative_id or 0),
                summary=issue.summary.splitlines() if seen >= issue.size else [],
                heat_percent=max(2, round(100 * issue.heat / hottest)),
            )
        )
    return rows


def has_hot_issues(campaign: Campaign) -> bool:
    """Whether triage found any hot issue in the campaign, in anyone's sight."""
    return HotIssue.objects.filter(campaign=campaign).exists()


def hot_issue_members(user: AnyUser, issue: HotIssue) -> QuerySet[Suggestion]:
    """The members of a hot issue the user may see: duplicate groups together (their
    first suggestion leading), the largest and most concrete first."""
    return (
        visible_suggestions(user)
        .filter(triage__issue=issue)
        .select_related("unit", "topic", "triage", "triage__topic_guess")
        .order_by(
            "-triage__group_size", "triage__group", "-triage__canonical", "-triage__score", "pk"
        )
    )


@dataclass(frozen=True)
class TriageStatus:
    """What the "run triage" page shows about the last run and the topic model."""

    triaged: int
    suggestions: int
    last_run: datetime.datetime | None
    issues: int
    model: TopicModelVersion | None
    labels: int


def triage_status(campaign: Campaign) -> TriageStatus:
    triage = SuggestionTriage.objects.filter(campaign=campaign).aggregate(
        n=Count("pk"), last=Max("triaged_at")
    )
    return TriageStatus(
        triaged=triage["n"],
        suggestions=Suggestion.objects.filter(campaign=campaign).count(),
        last_run=triage["last"],
        issues=HotIssue.objects.filter(campaign=campaign).count(),
        model=TopicModelVersion.objects.filter(campaign=campaign)
        .defer("archive")
        .order_by("-trained_at", "-pk")
        .first(),
        labels=TopicLabel.objects.filter(campaign=campaign).count(),
    )


def can_run_triage(user: AnyUser, campaign: Campaign) -> bool:
    """The office of the campaign runs triage and sees the run page."""
    return can_manage_campaign(user, campaign)


# --- similar suggestions on the staff detail page ----------------------------------------


def similar_for_staff(user: AnyUser, suggestion: Suggestion, *, limit: int = 5) -> list[Any]:
    """Other suggestions like this one that the user may see, closest first, each with
    whether it names the same place or another (``SimilarSuggestion``), as residents see
    them; its own duplicate group is left out (the page names it already)."""
    from zhongzhi.analysis.similarity import similar_suggestions

    text = f"{suggestion.title}\n{suggestion.text}" if suggestion.title else suggestion.text
    found = similar_suggestions(campaign=suggestion.campaign, text=text, limit=limit + 3)
    if not found:
        return []
    group = (
        SuggestionTriage.objects.filter(suggestion=suggestion)
        .values_list("group", flat=True)
        .first()
    )
    own = set(
        SuggestionTriage.objects.filter(campaign=suggestion.campaign, group=group).values_list(
            "suggestion_id", flat=True
        )
        if group is not None
        else ()
    ) | {suggestion.pk}
    ids = [item.suggestion.pk for item in found if item.suggestion.pk not in own]
    seen = set(visible_suggestions(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [item for item in found if item.suggestion.pk in seen][:limit]


# --- the staff suggestion list ----------------------------------------------------------


def annotate_triage(queryset: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Load each suggestion's triage row (and its topic guess and hot issue) in the same
    query. ``suggestion.triage`` raises ``DoesNotExist`` for one not triaged yet, which
    templates show as empty (``analysis/partials/triage_cells.html``)."""
    return queryset.select_related("triage", "triage__topic_guess", "triage__issue")


def apply_triage_filters(
    queryset: QuerySet[Suggestion],
    *,
    issue: HotIssue | int | None = None,
    topic_guess: Topic | int | None = None,
    min_score: float | None = None,
    canonical_only: bool = False,
    group: int | None = None,
) -> QuerySet[Suggestion]:
    """Narrow a suggestion queryset by what triage found; None / False = no filter."""
    if issue is not None:
        queryset = queryset.filter(triage__issue=issue)
    if topic_guess is not None:
        queryset = queryset.filter(triage__topic_guess=topic_guess)
    if min_score is not None:
        queryset = queryset.filter(triage__score__gte=min_score)
    if canonical_only:
        queryset = queryset.filter(triage__canonical=True)
    if group is not None:
        queryset = queryset.filter(triage__group=group)
    return queryset


def issue_choices(campaign: Campaign, *, limit: int = 50) -> QuerySet[HotIssue]:
    """The hottest issues of a campaign, for the list's "hot issue" filter."""
    return HotIssue.objects.filter(campaign=campaign).order_by("rank")[:limit]
