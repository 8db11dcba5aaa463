"""The research tests' uploads in a folder of their own, and 红岛路社区's head, who leads."""

import pytest

from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory
from zhongzhi.org.models import Role, User


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def head(world: World) -> User:
    user = UserFactory(username="hdl-head", full_name="红岛路社区书记")
    MembershipFactory(user=user, unit=world.hongdaolu, role=Role.STAFF)
    return user
