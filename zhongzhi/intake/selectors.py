"""Reads for the staff pages and exports of suggestions, scoped through `intake.access`."""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.analysis.models import HotIssue, SuggestionTriage
from zhongzhi.analysis.selectors import annotate_triage, apply_triage_filters
from zhongzhi.audit.selectors import audit_entries_for
from zhongzhi.campaigns.access import visible_campaigns
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Stage, Topic
from zhongzhi.intake.access import (
    campaign_suggestions,
    can_see_phone,
    mask_phone,
    mask_phones_in_text,
    visible_suggestions,
)
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.receipt_codes import parse_receipt_code
from zhongzhi.intake.search import fold_query, search_suggestions
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit, User


@dataclass(frozen=True)
class SuggestionFilters:
    """What the staff list is narrowed to; every field optional (empty = no filter)."""

    campaign: Campaign | None = None
    # The stage whose dates hold the submission date.
    stage: Stage | None = None
    topic: Topic | None = None
    category: ParticipantCategory | None = None
    channel: str = ""
    # The unit and everything below it.
    unit: Unit | None = None
    status: str = ""
    # Submission dates, both inclusive, in local time.
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""
    # What triage found (zhongzhi.analysis): hot issue, guessed topic, least score,
    # and one row per near-duplicate group.
    issue: HotIssue | None = None
    topic_guess: Topic | None = None
    min_score: int | None = None
    canonical_only: bool = False
    # No topic yet, least confident guess first: what staff should label next.
    to_label: bool = False


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`, as an aware datetime (index-friendly bounds)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def suggestion_list(user: AnyUser, filters: SuggestionFilters) -> QuerySet[Suggestion]:
    """The suggestions the user may see that match the filters, newest first."""
    if filters.campaign is not None:
        suggestions = campaign_suggestions(user, filters.campaign)
    else:
        suggestions = visible_suggestions(user)
    if filters.stage is not None:
        suggestions = suggestions.filter(
            campaign_id=filters.stage.campaign_id,
            submitted_at__gte=start_of_day(filters.stage.start_date),
            submitted_at__lt=start_of_day(filters.stage.end_date + datetime.timedelta(days=1)),
        )
    if filters.topic is not None:
        suggestions = suggestions.filter(topic=filters.topic)
    if filters.category is not None:
        suggestions = suggestions.filter(category=filters.category)
    if filters.channel:
        suggestions = suggestions.filter(channel=filters.channel)
    if filters.unit is not None:
        suggestions = suggestions.filter(unit__path__startswith=filters.unit.path)
    if filters.status:
        suggestions = suggestions.filter(status=filters.status)
    if filters.date_from is not None:
        suggestions = suggestions.filter(submitted_at__gte=start_of_day(filters.date_from))
    if filters.date_to is not None:
        next_day = filters.date_to + datetime.timedelta(days=1)
        suggestions = suggestions.filter(submitted_at__lt=start_of_day(next_day))
    number = suggestion_number_in(filters.q)
    if number is None:
        suggestions = search_suggestions(suggestions, filters.q)
    else:
        # Digits typed may be a 编号 or in a text (a house number): both are found, the
        # 编号 first; through the unique (campaign, number) index, so nearly free.
        numbered = Suggestion.objects.filter(number=number)
        if filters.campaign is not None:
            numbered = numbered.filter(campaign=filters.campaign)
        else:
            numbered = numbered.filter(campaign__in=visible_campaigns(user))
        suggestions = search_suggestions(suggestions, filters.q) | suggestions.filter(
            pk__in=numbered.values("pk")
        )
    suggestions = apply_triage_filters(
        annotate_triage(suggestions),
        issue=filters.issue,
        topic_guess=filters.topic_guess,
        min_score=filters.min_score,
        canonical_only=filters.canonical_only,
    )
    order: list[str | Case] = ["-submitted_at", "-pk"]
    if number is not None:
        order.insert(0, _numbered_first(number))
    if filters.to_label:
        # Uncertainty sampling: the model learns most from the texts it is least sure of.
        suggestions = suggestions.filter(topic__isnull=True, triage__isnull=False)
        order = ["triage__topic_confidence", *order]
    return suggestions.select_related("campaign", "topic", "category", "unit").order_by(*order)


# 编号 as staff type it: 128, 128号, #128, 编号128, No. 128.
_NUMBER_QUERY = re.compile(r"(?:编号|#|no\.?)?\s*([1-9]\d{0,8})\s*号?", re.IGNORECASE)


def suggestion_number_in(query: str) -> int | None:
    """The 编号 the whole query is (`_NUMBER_QUERY`, digits folded), else None."""
    match = _NUMBER_QUERY.fullmatch(fold_query(query).strip())
    return int(match[1]) if match else None


def _numbered_first(number: int) -> Case:
    return Case(When(number=number, then=Value(0)), default=Value(1), output_field=IntegerField())


def suggestion_by_receipt_code(user: AnyUser, query: str) -> Suggestion | None:
    """The suggestion whose receipt code the whole query is (with or without its dash,
    in any case or width: ``ABCD-2345K``, ``abcd2345k``), if the user may see it.

    Out of scope answers None, as for a code that does not exist: the search box then
    searches the text as for any other words, and finds nothing the user may not see.
    """
    code = parse_receipt_code(fold_query(query))
    if code is None:
        return None
    return visible_suggestions(user).filter(receipt_code=code).first()


def stages_by_campaign(campaign_ids: Iterable[int]) -> dict[int, list[Stage]]:
    """The stages of these campaigns in one query, for `stage_of`."""
    stages: dict[int, list[Stage]] = defaultdict(list)
    for stage in Stage.objects.filter(campaign_id__in=list(campaign_ids)).order_by("order"):
        stages[stage.campaign_id].append(stage)
    return stages


def stages_for_export(user: AnyUser, filters: SuggestionFilters) -> dict[int, list[Stage]]:
    if filters.campaign is not None:
        return stages_by_campaign([filters.campaign.pk])
    return stages_by_campaign(visible_campaigns(user).values_list("pk", flat=True))


def stage_in(stages: Iterable[Stage], day: datetime.date) -> Stage | None:
    """The stage whose dates hold `day`, if any."""
    return next((stage for stage in stages if stage.is_current(day)), None)


def stage_of(stages: dict[int, list[Stage]], suggestion: Suggestion) -> Stage | None:
    """The stage whose dates hold the (local) submission date, if any."""
    day = timezone.localdate(suggestion.submitted_at)
    return stage_in(stages.get(suggestion.campaign_id, []), day)


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a suggestion's history: its receipt, then each audit entry."""

    at: datetime.datetime
    action: str  # what was done, in words
    actor: User | None
    unit: Unit | None
    from_status: str
    to_status: str
    note: str

    @property
    def status_changed(self) -> bool:
        return self.from_status != self.to_status

    @property
    def from_status_label(self) -> str:
        return _STATUS_LABELS.get(self.from_status, "")

    @property
    def to_status_label(self) -> str:
        return _STATUS_LABELS.get(self.to_status, "")


_STATUS_LABELS: dict[str, str] = {value: str(label) for value, label in SuggestionStatus.choices}


@dataclass
class SuggestionDetail:
    suggestion: Suggestion
    stage: Stage | None
    events: list[HistoryEntry]
    triage: SuggestionTriage | None  # None until the campaign's first triage run
    can_change: bool
    # The number as this user may see it: whole, masked, or "" when none was given.
    phone: str
    phone_masked: bool
    # The text as this user may read it: numbers in it masked unless they may call back.
    text: str


def suggestion_detail(user: AnyUser, suggestion: Suggestion) -> SuggestionDetail:
    """What the detail page shows of a suggestion the user may see (`access_suggestion`)."""
    phone = suggestion.submitter_phone
    can_change = can_see_phone(user, suggestion)
    phone_visible = bool(phone) and can_change
    return SuggestionDetail(
        suggestion=suggestion,
        stage=stage_of(stages_by_campaign([suggestion.campaign_id]), suggestion),
        events=suggestion_history(suggestion, with_actors=True),
        triage=SuggestionTriage.objects.select_related("topic_guess", "issue")
        .filter(suggestion=suggestion)
        .first(),
        can_change=can_change,
        phone=phone if phone_visible else mask_phone(phone),
        phone_masked=bool(phone) and not phone_visible,
        text=suggestion.text if can_change else mask_phones_in_text(suggestion.text),
    )


def suggestion_history(suggestion: Suggestion, *, with_actors: bool = False) -> list[HistoryEntry]:
    """Every step of the suggestion's history, oldest first: its receipt, read from the
    suggestion's own row (not stored as an entry, so that a submission writes one row),
    then each entry of the audit log about it. ``with_actors`` loads who did each."""
    entries = audit_entries_for(suggestion)
    if not with_actors:
        entries = entries.select_related(None)
    history = [
        HistoryEntry(
            at=suggestion.submitted_at,
            action=str(_("提交")),
            actor=suggestion.submitted_by if with_actors else None,
            unit=None,
            from_status="",
            to_status=SuggestionStatus.RECEIVED,
            note="",
        )
    ]
    status = SuggestionStatus.RECEIVED.value
    for entry in entries:
        before = entry.before.get("status", status)
        status = entry.after.get("status", before)
        history.append(
            HistoryEntry(
                at=entry.at,
                action=entry.get_action_display(),
                actor=entry.actor if with_actors else None,
                unit=entry.unit if with_actors else None,
                from_status=before,
                to_status=status,
                note=entry.note,
            )
        )
    return history


def public_timeline(suggestion: Suggestion) -> list[HistoryEntry]:
    """What a resident sees of the history: when the status changed and to what (staff
    notes, names and units stay inside); after a merge, the kept suggestion's changes."""
    own = [entry for entry in suggestion_history(suggestion) if entry.status_changed]
    root = suggestion.merged_into
    if root is None:
        return own
    merged_at = own[-1].at if own else suggestion.submitted_at
    later = [e for e in suggestion_history(root)[1:] if e.status_changed and e.at > merged_at]
    return [*own, *later]


def suggestion_by_idempotency_key(campaign: Campaign, key: str) -> Suggestion | None:
    """The suggestion a retried request already created, if any.

    The `exclude` repeats the unique index's condition, so that SQLite uses the
    partial index instead of scanning the campaign; `order_by()` drops the default
    ordering the lookup does not need.
    """
    if not key:
        return None
    return (
        Suggestion.objects.filter(campaign=campaign, idempotency_key=key)
        .exclude(idempotency_key="")
        .order_by()
        .first()
    )


def imported_suggestions(user: AnyUser, campaign: Campaign, batch: str) -> list[Suggestion]:
    """The suggestions of one imported 意见表 that the user may see, in the file's row
    order. `batch` is the file's idempotency-key prefix (``xlsx:<SHA-256>``); each key
    ends in the row's number.

    A range of keys, not `startswith`: PostgreSQL's LIKE cannot use the unique index
    on (campaign, key), whose condition the `exclude` repeats (as above).
    """
    rows = (
        visible_suggestions(user)
        .filter(
            campaign=campaign,
            idempotency_key__gt=f"{batch}:",
            idempotency_key__lt=f"{batch};",  # ";" follows ":"
        )
        .exclude(idempotency_key="")
        .select_related("campaign", "topic", "category", "unit")
        .order_by()
    )
    return sorted(rows, key=lambda s: int(s.idempotency_key.rsplit(":", 1)[1]))
