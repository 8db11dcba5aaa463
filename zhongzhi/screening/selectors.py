"""Reads of routing and screening, scoped to the caller."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.analysis.models import HotIssue, SuggestionTriage
from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.core.paging import CAP, count_at_most, page_rows
from zhongzhi.intake.access import campaign_suggestions, changeable_suggestions
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.selectors import SuggestionFilters, suggestion_list
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit
from zhongzhi.screening.access import handled_assignments
from zhongzhi.screening.models import (
    Assignment,
    AssignmentState,
    DecisionReason,
    ReasonKind,
    ReplyTemplate,
)
from zhongzhi.screening.services.decisions import Item
from zhongzhi.screening.services.routing import NOT_ROUTED, UnitProposal, proposals_for

S = SuggestionStatus

# The queue's tabs: which statuses each shows.
TABS: dict[str, tuple[str, ...]] = {
    "todo": (S.RECEIVED, S.ACCEPTED),
    "excellent": (S.EXCELLENT, S.ADOPTED),
    "done": (S.MERGED, S.INVALID, S.NOT_ADOPTED, S.ANSWERED),
}


@dataclass(frozen=True)
class QueueFilters:
    campaign: Campaign
    tab: str = "todo"
    unit: Unit | None = None
    topic_guess: Topic | None = None
    issue: HotIssue | None = None
    min_score: int | None = None
    q: str = ""
    # One row per near-duplicate group (its first suggestion), with the group's size.
    groups: bool = True


class QueueRows(Sequence[Suggestion]):
    """The queue as the Paginator takes it (its length and slices): the triaged
    suggestions by score, then those no triage run has seen yet (as ``ORDER BY score
    DESC NULLS LAST`` would put them). Two queries instead of one, so that the first can
    start from the triage rows' (campaign, canonical, score) index and stop after a
    page, instead of joining and sorting every suggestion of the campaign. A page
    counts its rows only as far as `core.paging` asks (`count_at_most`)."""

    def __init__(
        self,
        triaged: QuerySet[Suggestion],
        untriaged: QuerySet[Suggestion] | None,
        counted: QuerySet[Suggestion],
    ) -> None:
        self.triaged = triaged
        self.untriaged = untriaged
        # The same rows as ``triaged``, for counting: read in the suggestions' index
        # order, which beats fetching every triaged row by its key.
        self.counted = counted

    def count_at_most(self, limit: int) -> int:
        triaged = count_at_most(self.counted, limit)
        if self.untriaged is None or triaged >= limit:
            return triaged
        return triaged + count_at_most(self.untriaged, limit - triaged)

    def __len__(self) -> int:
        return self.counted.count() + (self.untriaged.count() if self.untriaged else 0)

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...
    @overload
    def __getitem__(self, index: slice) -> list[Suggestion]: ...
    def __getitem__(self, index: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start, index.stop
        if start is None or stop is None or start < 0 or stop < 0:  # the bounds a page gives
            start, stop, _step = index.indices(len(self))
        rows = page_rows(self.triaged, start, stop)
        if len(rows) == stop - start or self.untriaged is None:
            return rows
        # The triaged rows end on this page or before it: the untriaged ones follow.
        triaged = start + len(rows) if rows else count_at_most(self.counted, start)
        return rows + page_rows(self.untriaged, max(0, start - triaged), stop - triaged)


def not_waiting_to_sign(
    suggestions: QuerySet[Suggestion], campaign: Campaign
) -> QuerySet[Suggestion]:
    """Without those a unit has still to sign for: NOT IN the campaign's few pending
    assignments (read once, from their index), where a look-up per suggestion took
    300 ms over 120,000 of them."""
    pending = Assignment.objects.filter(campaign=campaign, state=AssignmentState.PENDING)
    return suggestions.exclude(pk__in=pending.values("suggestion_id"))


def screening_queue(user: AnyUser, filters: QueueFilters) -> QueueRows:
    """What the user screens: suggestions in their scope that no unit still has to sign
    for, most promising first (triage score, then support, then newest). One row per
    near-duplicate group (its first suggestion) unless ``filters.groups`` is off; a
    suggestion not triaged yet is its own group and comes after the triaged ones."""
    listed = suggestion_list(
        user,
        SuggestionFilters(
            campaign=filters.campaign,
            unit=filters.unit,
            q=filters.q,
            issue=filters.issue,
            topic_guess=filters.topic_guess,
            min_score=filters.min_score,
        ),
    ).filter(status__in=TABS.get(filters.tab, TABS["todo"]))
    suggestions = (
        not_waiting_to_sign(listed, filters.campaign)
        # What the rows show; not the campaign, whose two-row table SQLite would
        # otherwise read first, losing the index's order.
        .select_related(None)
        .select_related("unit", "topic", "category", "triage__topic_guess", "triage__issue")
    )
    counted = suggestions.filter(triage__isnull=False)
    if filters.groups:
        counted = counted.filter(triage__canonical=True)
    # The triage row's campaign is the suggestion's: said here, it lets the index lead.
    triaged = counted.filter(triage__campaign=filters.campaign)
    # A filter on what triage found leaves out what it has not seen.
    by_triage = any(f is not None for f in (filters.issue, filters.topic_guess, filters.min_score))
    untriaged = (
        None
        if by_triage
        else suggestions.filter(triage__isnull=True).order_by("-plus_ones", "-submitted_at", "-pk")
    )
    return QueueRows(
        triaged.order_by("-triage__score", "-plus_ones", "-submitted_at", "-pk"),
        untriaged,
        counted.order_by(),
    )


def to_assign(user: AnyUser, campaign: Campaign) -> QuerySet[Suggestion]:
    """The office's to-assign queue (待分派): suggestions no unit has, newest first."""
    if not can_manage_campaign(user, campaign):
        return Suggestion.objects.none()
    return (
        Suggestion.objects.filter(campaign=campaign, unit__isnull=True)
        .exclude(status__in=NOT_ROUTED)
        .select_related("topic", "triage", "triage__topic_guess")
        .order_by("-submitted_at", "-pk")
    )


def to_assign_count(campaign: Campaign, at_most: int | None = None) -> int:
    waiting = Suggestion.objects.filter(campaign=campaign, unit__isnull=True).exclude(
        status__in=NOT_ROUTED
    )
    return waiting.count() if at_most is None else count_at_most(waiting, at_most)


def to_sign(user: AnyUser, campaign: Campaign) -> QuerySet[Assignment]:
    """Assignments waiting for a signature that this user may sign: the earliest
    deadline first. The office sees every unit's; a coordinator those of their units."""
    return (
        handled_assignments(user)
        .filter(campaign=campaign, state=AssignmentState.PENDING)
        .select_related("suggestion", "unit", "assigned_by", "previous__unit")
        .order_by("sign_deadline", "pk")
    )


@dataclass
class RoutingView:
    """A suggestion's routing as its page shows it."""

    chain: list[Assignment]
    open: Assignment | None
    may_handle: bool  # sign, send back, pass on the open assignment
    may_assign: bool  # the office, while no unit has it
    may_decide: bool
    overdue: bool = False
    transfer_units: list[Unit] = field(default_factory=list)
    # What zhongzhi proposes, for the office while no unit has it.
    proposal: UnitProposal | None = None


def suggestion_routing(user: AnyUser, suggestion: Suggestion) -> RoutingView:
    chain = list(
        suggestion.assignments.select_related(
            "unit", "assigned_by", "signed_by", "closed_by"
        ).order_by("assigned_at", "pk")
    )
    current = next((a for a in chain if a.is_open), None)
    may_handle = current is not None and handled_assignments(user).filter(pk=current.pk).exists()
    manages = can_manage_campaign(user, suggestion.campaign)
    may_assign = manages and suggestion.unit_id is None and suggestion.status not in NOT_ROUTED
    return RoutingView(
        chain=chain,
        open=current,
        may_handle=may_handle,
        may_assign=may_assign,
        proposal=proposals_for(suggestion.campaign, [suggestion]).get(suggestion.pk)
        if may_assign
        else None,
        may_decide=changeable_suggestions(user).filter(pk=suggestion.pk).exists(),
        overdue=current is not None and current.sign_overdue(),
        transfer_units=campaign_units(suggestion.campaign) if may_handle else [],
    )


def campaign_units(campaign: Campaign) -> list[Unit]:
    """Units a campaign's suggestions may be assigned to: its owner's subtree."""
    return list(Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path"))


DEFAULT_REASONS = {
    ReasonKind.INVALID: ["广告或推销", "无实质内容", "与活动无关", "重复提交", "含有不文明用语"],
    ReasonKind.NOT_ADOPTED: [
        "暂不具备实施条件",
        "不属于本级职权范围",
        "已有相关政策或正在实施",
        "建议不够具体，难以操作",
    ],
}


def decision_reasons(campaign: Campaign) -> dict[str, list[str]]:
    """The office's lists of reasons for 无效 and 不予采纳; the usual ones until the
    office writes its own (admin: 筛选原因)."""
    stored: dict[str, list[str]] = {}
    for reason in DecisionReason.objects.filter(campaign=campaign):
        stored.setdefault(reason.kind, []).append(reason.text)
    return {kind: stored.get(kind) or list(defaults) for kind, defaults in DEFAULT_REASONS.items()}


def reply_templates(campaign: Campaign) -> list[ReplyTemplate]:
    return list(ReplyTemplate.objects.filter(campaign=campaign))


@dataclass(frozen=True)
class ScreeningCounts:
    to_assign: int
    to_sign: int
    sign_overdue: int
    to_screen: int
    # Counted no further than this (the tabs above a list, as the list's own total):
    # a count that reaches it reads "1000+".
    at_most: int | None = None

    def _label(self, n: int) -> str:
        return f"{self.at_most - 1}+" if self.at_most is not None and n >= self.at_most else str(n)

    @property
    def to_assign_label(self) -> str:
        return self._label(self.to_assign)

    @property
    def to_screen_label(self) -> str:
        return self._label(self.to_screen)


def may_decide_in(user: AnyUser, campaign: Campaign) -> bool:
    """Whether the queue offers decisions: the office, and units that change suggestions."""
    return campaign_suggestions(user, campaign, for_change=True).exists()


def screening_counts(user: AnyUser, campaign: Campaign, *, capped: bool = False) -> ScreeningCounts:
    """The figures of the campaign overview's screening box, for this user; `capped`
    (the tabs over a list) counts 待分派 and 待筛选 no further than the list does."""
    now = timezone.now()
    at_most = CAP + 1 if capped else None
    pending = handled_assignments(user).filter(campaign=campaign, state=AssignmentState.PENDING)
    signing = pending.aggregate(n=Count("pk"), late=Count("pk", filter=Q(sign_deadline__lt=now)))
    screen = not_waiting_to_sign(
        campaign_suggestions(user, campaign, for_change=True).filter(status__in=TABS["todo"]),
        campaign,
    )
    return ScreeningCounts(
        to_assign=to_assign_count(campaign, at_most) if can_manage_campaign(user, campaign) else 0,
        to_sign=signing["n"],
        sign_overdue=signing["late"],
        to_screen=screen.count() if at_most is None else count_at_most(screen, at_most),
        at_most=at_most,
    )


def days_left(deadline: datetime.datetime) -> int:
    return (timezone.localdate(deadline) - timezone.localdate()).days


def deadline_label(deadline: datetime.datetime) -> str:
    days = days_left(deadline)
    if days < 0:
        return _("已超时 %(days)d 天") % {"days": -days}
    if days == 0:
        return _("今天到期")
    return _("还剩 %(days)d 天") % {"days": days}


def with_duplicate_groups(user: AnyUser, items: list[Item]) -> list[Item]:
    """The chosen rows and every other undecided member of their near-duplicate groups
    that the user may change (a decision on a whole group); chosen rows first."""
    chosen = {item.suggestion_id for item in items}
    groups = SuggestionTriage.objects.filter(suggestion__in=chosen).values("campaign", "group")
    members = (
        changeable_suggestions(user)
        .filter(status__in=TABS["todo"])
        .filter(
            pk__in=SuggestionTriage.objects.filter(
                Q(*[Q(campaign=g["campaign"], group=g["group"]) for g in groups], _connector=Q.OR)
            ).values("suggestion")
        )
        .exclude(pk__in=chosen)
        .order_by("pk")
        .values_list("pk", "version")
        if groups
        else []
    )
    return [*items, *(Item(pk, version) for pk, version in members)]
