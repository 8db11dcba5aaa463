"""Reads for campaign pages, scoped through `campaigns.access`."""

import datetime
import time
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from zhongzhi.campaigns.access import changeable_plan_items, visible_campaigns, visible_plan_items
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, PlanItem, Stage, Topic
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Unit


def campaigns_for(user: AnyUser) -> QuerySet[Campaign]:
    return (
        visible_campaigns(user)
        .select_related("owner_unit")
        .annotate(
            stage_count=Count("stages", distinct=True), topic_count=Count("topics", distinct=True)
        )
    )


def current_stage(stages: list[Stage], today: datetime.date) -> Stage | None:
    return next((stage for stage in stages if stage.is_current(today)), None)


@dataclass
class StageView:
    stage: Stage
    state: str  # "past" | "current" | "future"


@dataclass
class PlanItemRow:
    item: PlanItem
    can_change: bool


@dataclass
class CampaignOverview:
    campaign: Campaign
    stages: list[StageView]
    current: Stage | None
    plan_rows: list[PlanItemRow]
    topics: list[Topic]
    categories: list[ParticipantCategory]

    @property
    def plan_items(self) -> list[PlanItem]:
        return [row.item for row in self.plan_rows]

    @property
    def plan_items_done(self) -> int:
        return sum(1 for row in self.plan_rows if row.item.status == "done")


def campaign_overview(user: AnyUser, campaign: Campaign, today: datetime.date) -> CampaignOverview:
    stages = list(Stage.objects.filter(campaign=campaign).order_by("order"))
    current = current_stage(stages, today)
    plan_items = list(
        visible_plan_items(user, campaign)
        .select_related("stage")
        .prefetch_related(Prefetch("lead_units", queryset=Unit.objects.order_by("path")))
        .order_by("stage__order", "order", "pk")
    )
    changeable = set(changeable_plan_items(user, campaign).values_list("pk", flat=True))
    return CampaignOverview(
        campaign=campaign,
        stages=[
            StageView(
                stage=stage,
                state="current"
                if stage == current
                else "past"
                if stage.end_date < today
                else "future",
            )
            for stage in stages
        ],
        current=current,
        plan_rows=[PlanItemRow(item=item, can_change=item.pk in changeable) for item in plan_items],
        topics=list(Topic.objects.filter(campaign=campaign)),
        categories=list(ParticipantCategory.objects.filter(campaign=campaign)),
    )


# --- what a resident can choose from, kept briefly in each process ------------------


@dataclass(frozen=True)
class CampaignChoices:
    """A campaign (with its owner unit) and the topics and categories it offers."""

    campaign: Campaign
    topics: list[Topic]
    categories: list[ParticipantCategory]


# Seconds a process keeps a campaign's choices: a public submit needs them on every
# request, and staff change them a few times in a campaign. A topic deleted meanwhile
# is caught when the suggestion is saved (``intake.services``).
CHOICES_SECONDS = 10.0
_choices: dict[int, tuple[float, CampaignChoices | None]] = {}


def campaign_choices(
    campaign_id: int, *, max_age: float = CHOICES_SECONDS
) -> CampaignChoices | None:
    """The campaign's choices, or None when there is no such campaign; at most
    ``max_age`` seconds old."""
    now = time.monotonic()
    cached = _choices.get(campaign_id)
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    campaign = Campaign.objects.select_related("owner_unit").filter(pk=campaign_id).first()
    choices = None
    if campaign is not None:
        choices = CampaignChoices(
            campaign=campaign,
            topics=list(Topic.objects.filter(campaign=campaign)),
            categories=list(ParticipantCategory.objects.filter(campaign=campaign)),
        )
    _choices[campaign_id] = (now, choices)
    return choices


def forget_campaign_choices() -> None:
    """Drop what this process keeps (tests, and after staff change a campaign here)."""
    _choices.clear()
