"""Input of the rectification pages.

``measure_filters_from`` and ``problem_filters_from`` read the list pages' query
strings (the same ones the ledgers take) into the selectors' filter dataclasses. A
value that does not parse, or names a unit or topic outside the campaign, is left out
(the list is then shown unfiltered on that point): a hand-edited link never gives a
500 and never reaches outside the campaign.
"""

import datetime
from collections.abc import Collection, Mapping

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.org.models import Unit
from zhongzhi.rectification.models import DueState, MeasureState, ProblemOrigin, ProblemStatus
from zhongzhi.rectification.selectors import MeasureFilters, ProblemFilters

Query = Mapping[str, str]  # a QueryDict reads as one: its last value per key

Q_MAX_LENGTH = 100
DUE_CHOICES = ("open", DueState.DUE_SOON.value, DueState.OVERDUE.value)
TRUE_VALUES = ("1", "true", "on", "yes")


def _choice(query: Query, key: str, allowed: Collection[str]) -> str:
    value = (query.get(key) or "").strip()
    return value if value and value in allowed else ""


def _id(query: Query, key: str) -> int | None:
    value = (query.get(key) or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def _date(query: Query, key: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((query.get(key) or "").strip())
    except ValueError:
        return None


def _q(query: Query) -> str:
    return " ".join((query.get("q") or "").split())[:Q_MAX_LENGTH]


def _campaign_unit(query: Query, key: str, campaign: Campaign) -> Unit | None:
    """A unit of the campaign's tree (the owner unit's subtree), by id."""
    unit_id = _id(query, key)
    if unit_id is None:
        return None
    return Unit.objects.filter(pk=unit_id, path__startswith=campaign.owner_unit.path).first()


def measure_filters_from(query: Query, campaign: Campaign) -> MeasureFilters:
    """The measure list's filters: ``state``, ``due`` (open / due_soon / overdue),
    ``owner_unit`` (an id), ``escalated`` (1), ``deadline_from`` / ``deadline_to``
    (YYYY-MM-DD) and ``q``."""
    return MeasureFilters(
        campaign=campaign,
        state=_choice(query, "state", MeasureState.values),
        due=_choice(query, "due", DUE_CHOICES),
        owner_unit=_campaign_unit(query, "owner_unit", campaign),
        escalated=(query.get("escalated") or "").strip().lower() in TRUE_VALUES,
        deadline_from=_date(query, "deadline_from"),
        deadline_to=_date(query, "deadline_to"),
        q=_q(query),
    )


def problem_filters_from(query: Query, campaign: Campaign) -> ProblemFilters:
    """The problem list's filters: ``status``, ``origin``, ``unit`` and ``topic`` (ids)
    and ``q``."""
    topic_id = _id(query, "topic")
    topic = (
        Topic.objects.filter(pk=topic_id, campaign=campaign).first()
        if topic_id is not None
        else None
    )
    return ProblemFilters(
        campaign=campaign,
        status=_choice(query, "status", ProblemStatus.values),
        origin=_choice(query, "origin", ProblemOrigin.values),
        unit=_campaign_unit(query, "unit", campaign),
        topic=topic,
        q=_q(query),
    )
