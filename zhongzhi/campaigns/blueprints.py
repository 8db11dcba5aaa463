"""Campaign templates (模板): stages, topics, categories and plan items created at once.

The content comes from the campaigns in the seed documents (see DESIGN.md):
"7+11" (八大关街道), the three-stage plan (晋城) and the four-stage plan with lead
units (斜塘街道). Templates are composable: "7+11" brings topics and categories, a
stage plan brings stages and plan items, and a campaign may take one of each.

The data lives in `blueprint_data.py`; importing this module registers it. What a
template implies for other apps (its supervision groups, its kinds of activity) those
apps create themselves when `blueprint_applied` is sent.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.dispatch import Signal

# Sent with `campaign` and `blueprint` inside the transaction that applied it.
blueprint_applied = Signal()


@dataclass(frozen=True)
class StageSpec:
    name: str
    description: str
    # Relative length: the campaign's dates are split in proportion to the shares.
    share: float


@dataclass(frozen=True)
class TopicSpec:
    name: str
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CategorySpec:
    name: str
    description: str = ""


@dataclass(frozen=True)
class PlanItemSpec:
    title: str
    description: str
    # Index into the blueprint's stages, or None for a campaign-wide item.
    stage: int | None
    lead_units: tuple[str, ...]
    kind: str = "required"


@dataclass(frozen=True)
class Blueprint:
    key: str
    name: str
    description: str
    source: str
    stages: tuple[StageSpec, ...] = ()
    topics: tuple[TopicSpec, ...] = ()
    categories: tuple[CategorySpec, ...] = ()
    plan_items: tuple[PlanItemSpec, ...] = field(default=())
    # Supervision groups the template's campaign has, by name: the office adds their
    # members and units (seed 003's twelve groups).
    supervision_groups: tuple[str, ...] = ()
    # Kinds of activity the template's plan holds, as (name, base kind) pairs
    # (`activities.BaseKind` values): the activities app adds them to the campaign's.
    activity_kinds: tuple[tuple[str, str], ...] = ()


def split_period(
    start: datetime.date, end: datetime.date, shares: Sequence[float]
) -> list[tuple[datetime.date, datetime.date]]:
    """Split [start, end] into consecutive, non-overlapping periods in proportion to shares.

    Every period is at least one day long; a period too short for all stages is an error
    the caller reports.
    """
    if not shares:
        return []
    if any(share <= 0 for share in shares):
        raise ValueError("every share must be positive")
    days = (end - start).days + 1
    if days < len(shares):
        raise ValueError("period shorter than the number of stages")
    total = sum(shares)
    periods: list[tuple[datetime.date, datetime.date]] = []
    cursor = start
    used = 0.0
    for index, share in enumerate(shares):
        used += share
        if index == len(shares) - 1:
            last = end
        else:
            # Leave at least one day for each stage still to come.
            boundary = start + datetime.timedelta(days=round(days * used / total) - 1)
            latest = end - datetime.timedelta(days=len(shares) - index - 1)
            last = min(max(boundary, cursor), latest)
        periods.append((cursor, last))
        cursor = last + datetime.timedelta(days=1)
    return periods


BLUEPRINTS: dict[str, Blueprint] = {}


def register(blueprint: Blueprint) -> Blueprint:
    """Add a template to `BLUEPRINTS`, refusing one that could not be applied."""
    if blueprint.key in BLUEPRINTS:
        raise ValueError(f"template {blueprint.key!r} is registered twice")
    for kind, names in (
        ("stage", [spec.name for spec in blueprint.stages]),
        ("topic", [spec.name for spec in blueprint.topics]),
        ("category", [spec.name for spec in blueprint.categories]),
    ):
        if len(set(names)) != len(names):
            raise ValueError(f"template {blueprint.key!r} repeats a {kind} name")
    if any(spec.share <= 0 for spec in blueprint.stages):
        raise ValueError(f"template {blueprint.key!r} has a stage without a positive share")
    if len(set(blueprint.supervision_groups)) != len(blueprint.supervision_groups):
        raise ValueError(f"template {blueprint.key!r} repeats a supervision group name")
    for item in blueprint.plan_items:
        if item.stage is not None and not 0 <= item.stage < len(blueprint.stages):
            raise ValueError(f"plan item {item.title!r} points at a missing stage")
        if item.kind not in ("required", "optional"):
            raise ValueError(f"plan item {item.title!r} has an unknown kind {item.kind!r}")
    BLUEPRINTS[blueprint.key] = blueprint
    return blueprint


# Registers the templates of the seed documents; at the end so that the module it
# imports can use everything above.
import zhongzhi.campaigns.blueprint_data  # noqa: E402, F401
