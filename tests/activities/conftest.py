"""The activities tests: the "7+11" campaign of the world, uploads in a folder of their
own, and a helper that records an activity through the service."""

import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from zhongzhi.activities.models import Activity, ActivityKind
from zhongzhi.activities.services import activity_kinds_ensure, activity_save
from zhongzhi.campaigns.models import ParticipantCategory, PlanItem, Topic
from zhongzhi.campaigns.services import template_apply
from zhongzhi.org.models import Unit, User


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def w(world: World) -> World:
    """The world with the "7+11" categories and topics and the default kinds."""
    template_apply(campaign=world.campaign, key="7+11")
    activity_kinds_ensure(campaign=world.campaign)
    return world


def category(world: World, name: str) -> ParticipantCategory:
    return ParticipantCategory.objects.get(campaign=world.campaign, name=name)


def topic(world: World, name: str) -> Topic:
    return Topic.objects.get(campaign=world.campaign, name=name)


def kind(world: World, name: str) -> ActivityKind:
    return ActivityKind.objects.get(campaign=world.campaign, name=name)


def record(
    world: World,
    *,
    unit: Unit | None = None,
    actor: User | None = None,
    kind_name: str = "座谈会",
    name: str = "红岛路社区“7+11”座谈会",
    held_on: datetime.date = datetime.date(2026, 10, 10),
    attendance: dict[str, int] | None = None,
    topics: list[str] = (),  # type: ignore[assignment]
    plan_item: PlanItem | None = None,
    **kwargs: Any,
) -> Activity:
    return activity_save(
        campaign=world.campaign,
        actor=actor or world.office,
        unit=unit or world.hongdaolu,
        kind=kind(world, kind_name),
        name=name,
        held_on=held_on,
        attendance={category(world, c): n for c, n in (attendance or {}).items()},
        topics=[topic(world, t) for t in topics],
        plan_item=plan_item,
        **kwargs,
    )
