"""The demo campaign hangs together: 八大关's own plan, one name per unit, its dates."""

import datetime
import re
from pathlib import Path

import pytest

from zhongzhi.activities.models import Activity
from zhongzhi.campaigns.models import PlanItem, PlanItemStatus, Stage
from zhongzhi.core.demo import DemoResult
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Unit

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def texts(demo: DemoResult) -> list[str]:
    """What the demo's plan says: its stages, work items and their progress notes."""
    stages = Stage.objects.filter(campaign=demo.campaign)
    items = PlanItem.objects.filter(campaign=demo.campaign)
    return [
        *(text for stage in stages for text in (stage.name, stage.description)),
        *(text for item in items for text in (item.title, item.description, item.status_note)),
    ]


def test_the_plan_is_written_for_badaguan_with_its_own_units_as_leads(demo: DemoResult) -> None:
    # "7+11" is a template; the plan is the demo's own, not one to offer other campaigns.
    assert demo.campaign.applied_templates == ["7+11"]
    stages = list(Stage.objects.filter(campaign=demo.campaign).order_by("order"))
    assert len(stages) == 4
    assert "“7+11”征集意见" in [stage.name for stage in stages]
    items = PlanItem.objects.filter(campaign=demo.campaign).prefetch_related("lead_units")
    assert items.count() >= 15
    street = demo.campaign.owner_unit
    for item in items:
        leads = list(item.lead_units.all())
        assert leads, item.title
        assert all(unit.path.startswith(street.path) and unit != street for unit in leads)
    for text in texts(demo):
        assert not re.search("原方案|斜塘|苏州|园区|2018", text), text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not next to the repo")
def test_the_plan_is_not_copied_from_the_seeds(demo: DemoResult) -> None:
    def shingles(text: str) -> set[str]:
        text = re.sub(r"\s+", "", text)
        return {text[i : i + 12] for i in range(len(text) - 11)}

    seeds = set().union(*(shingles(path.read_text("utf-8")) for path in SEEDS.glob("*.txt")))
    for text in texts(demo):
        assert not shingles(text) & seeds, text


def test_every_unit_goes_by_one_name(demo: DemoResult) -> None:
    units = Unit.objects.filter(path__startswith=demo.campaign.owner_unit.path)
    assert units.count() == 11
    for unit in units:
        assert unit.display_name == unit.name


def test_today_falls_in_the_collection_stage_and_every_date_inside_the_campaign(
    demo: DemoResult, pinned_today: datetime.date
) -> None:
    campaign = demo.campaign
    current = Stage.objects.get(
        campaign=campaign, start_date__lte=pinned_today, end_date__gte=pinned_today
    )
    assert current.name == "“7+11”征集意见"

    def inside(day: datetime.date) -> bool:
        return campaign.start_date <= day <= pinned_today

    suggestions = Suggestion.objects.filter(campaign=campaign)
    assert all(inside(s.submitted_at.date()) for s in suggestions)
    activities = Activity.objects.filter(campaign=campaign)
    assert activities.exists()
    assert all(inside(a.held_on) for a in activities)
    symposiums = activities.filter(kind__base="symposium")  # the "7+11" collection's
    assert all(current.start_date <= a.held_on <= pinned_today for a in symposiums)


def test_the_work_items_of_begun_stages_have_progress_the_others_none(
    demo: DemoResult, pinned_today: datetime.date
) -> None:
    for item in PlanItem.objects.filter(campaign=demo.campaign).select_related("stage"):
        if item.stage is None or item.stage.start_date <= pinned_today:
            assert item.status != PlanItemStatus.NOT_STARTED, item.title
            assert item.status_note, item.title
        else:
            assert item.status == PlanItemStatus.NOT_STARTED, item.title
        if item.stage is not None and item.stage.end_date < pinned_today:
            assert item.status == PlanItemStatus.DONE, item.title
