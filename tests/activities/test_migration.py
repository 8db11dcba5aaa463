"""The data migration: every meeting becomes an activity of kind 座谈会 with the same id
and its suggestions point at it; nothing is lost, and new activities get new ids."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.conftest import World
from zhongzhi.activities.models import Activity
from zhongzhi.intake.models import Suggestion

BEFORE = [("intake", "0010_suggestion_activity"), ("activities", "0001_initial")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_meetings_become_symposiums_and_keep_their_suggestions(world: World) -> None:
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Meeting = old.get_model("intake", "Meeting")
    OldSuggestion = old.get_model("intake", "Suggestion")
    campaign_id, unit_id = world.campaign.pk, world.hongdaolu.pk
    first = Meeting.objects.create(
        campaign_id=campaign_id,
        unit_id=unit_id,
        name="红岛路社区座谈会",
        held_on=datetime.date(2026, 10, 1),
        place="二楼",
        recorded_by_id=world.hongdaolu_coordinator.pk,
    )
    second = Meeting.objects.create(
        campaign_id=campaign_id,
        unit_id=world.jinkoulu.pk,
        name="金口路议事会",
        held_on=datetime.date(2026, 10, 2),
    )
    now = timezone.now()
    for number, meeting in enumerate([first, first, second, None], start=1):
        OldSuggestion.objects.create(
            campaign_id=campaign_id,
            receipt_code=f"ABC{number:06d}",
            number=number,
            text=f"建议{number}",
            channel="symposium" if meeting else "online",
            meeting=meeting,
            submitted_at=now,
        )

    _migrate(executor.loader.graph.leaf_nodes())

    activities = {a.pk: a for a in Activity.objects.select_related("kind")}
    assert set(activities) == {first.pk, second.pk}
    moved = activities[first.pk]
    assert (moved.name, moved.held_on, moved.place, moved.unit_id, moved.recorded_by_id) == (
        "红岛路社区座谈会",
        datetime.date(2026, 10, 1),
        "二楼",
        unit_id,
        world.hongdaolu_coordinator.pk,
    )
    assert {a.kind.name for a in activities.values()} == {"座谈会"}
    by_text = dict(Suggestion.objects.values_list("text", "activity_id"))
    assert by_text == {"建议1": first.pk, "建议2": first.pk, "建议3": second.pk, "建议4": None}
    # The next activity gets an id past the copied ones (PostgreSQL's sequence moved).
    newer = Activity.objects.create(
        campaign=world.campaign,
        unit=world.hongdaolu,
        kind=moved.kind,
        name="新活动",
        held_on=datetime.date(2026, 10, 3),
    )
    assert newer.pk > second.pk
