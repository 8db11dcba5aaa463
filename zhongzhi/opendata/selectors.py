"""Reads of open data: the rows of the export (plain values, one query and a grouped
one for the measures), the answered suggestions the office may publish, and what the
public page shows."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.opendata.models import Publication
from zhongzhi.rectification.models import Measure

CHUNK_SIZE = 2_000

# Read for the export; what is personal (the name, used only to mask it in the text) is
# never written out. Not read at all: the phone, the receipt code, who typed it in, the
# idempotency key, the anonymous flag.
EXPORT_FIELDS = (
    "number",
    "submitted_at",
    "channel",
    "topic__name",
    "category__name",
    "unit__name",
    "unit__short_name",
    "status",
    "status_reason",
    "merged_into__number",
    "plus_ones",
    "title",
    "text",
    "answer",
    "answered_at",
    "problem_link__problem_id",
    "problem_link__problem__number",
    "problem_link__problem__status",
    "submitter_name",
)


@dataclass(frozen=True)
class ExportRow:
    """One suggestion's values as read (not yet masked or formatted)."""

    values: dict[str, object]
    measure_states: Counter[str]


def export_suggestions(campaign: Campaign) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(campaign=campaign).order_by("number")


def measure_states_by_problem(campaign: Campaign) -> dict[int, Counter[str]]:
    """Each problem's measures counted by state, in one query over the campaign's."""
    states: dict[int, Counter[str]] = {}
    for problem_id, state in Measure.objects.filter(campaign=campaign).values_list(
        "problem_id", "state"
    ):
        states.setdefault(problem_id, Counter())[state] += 1
    return states


def export_rows(campaign: Campaign) -> Iterator[ExportRow]:
    """Every suggestion of the campaign in 编号 order, streamed in chunks: no query per row."""
    measures = measure_states_by_problem(campaign)
    empty: Counter[str] = Counter()
    rows = export_suggestions(campaign).values_list(*EXPORT_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        values = dict(zip(EXPORT_FIELDS, row, strict=True))
        problem_id = values["problem_link__problem_id"]
        yield ExportRow(values, measures.get(problem_id, empty) if problem_id else empty)


def publishable_suggestions(campaign: Campaign) -> QuerySet[Suggestion]:
    """Answered suggestions of the campaign: those the office may publish. A merged
    suggestion is answered with the one it was merged into, which is the one to publish."""
    return Suggestion.objects.filter(
        campaign=campaign, status=SuggestionStatus.ANSWERED, merged_into__isnull=True
    ).exclude(answer="")


def office_list(
    campaign: Campaign, *, shown: str = "", topic: Topic | None = None
) -> QuerySet[Suggestion]:
    """The office's list of answered suggestions, newest answer first; `shown` is
    "published", "unpublished" or "" (all)."""
    # And those published once whose answer has since been reopened: still on the
    # public page, so the office must see them to withdraw them.
    rows = (
        Suggestion.objects.filter(campaign=campaign)
        .filter(
            Q(pk__in=publishable_suggestions(campaign).values("pk")) | Q(publication__isnull=False)
        )
        .select_related("topic", "publication")
    )
    if shown == "published":
        rows = rows.filter(publication__isnull=False)
    elif shown == "unpublished":
        rows = rows.filter(publication__isnull=True)
    if topic is not None:
        rows = rows.filter(topic=topic)
    return rows.defer("submitter_name", "submitter_phone").order_by("-answered_at", "-pk")


def published(campaign: Campaign, *, topic: Topic | None = None) -> QuerySet[Publication]:
    """What the public page shows, newest first."""
    rows = Publication.objects.filter(campaign=campaign)
    if topic is not None:
        rows = rows.filter(suggestion__topic=topic)
    return rows.select_related("suggestion__topic").only(
        "text",
        "answer",
        "published_at",
        "suggestion__number",
        "suggestion__submitted_at",
        "suggestion__answered_at",
        "suggestion__plus_ones",
        "suggestion__topic__name",
    )


def published_topics(campaign: Campaign) -> QuerySet[Topic]:
    """The campaign's topics that have something published (the public page's filter)."""
    return (
        Topic.objects.filter(campaign=campaign)
        .filter(Q(suggestions__publication__isnull=False))
        .distinct()
        .order_by("order", "pk")
    )
