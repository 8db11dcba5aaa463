"""The supervision tests' first group: 第一督导组 over 金口路 and 八大关, its leader alone."""

import pytest

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.org.models import User
from zhongzhi.supervision.models import SupervisionGroup
from zhongzhi.supervision.services import group_save


@pytest.fixture
def inspector(world: World) -> User:
    return UserFactory(username="inspector", full_name="第一督导组组长")


@pytest.fixture
def group(world: World, inspector: User) -> SupervisionGroup:
    return group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第一督导组",
        leader=inspector,
        members=[],
        units=[world.jinkoulu, world.badaguan],
    )
