"""The essays tests' uploads in a folder of their own, and the cadres who must write:
two staff members of 红岛路社区 and one of 金口路社区, listed with a due date of
2026-10-31 (the tests' today is 2026-10-15)."""

import datetime
from dataclasses import dataclass

import pytest

from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory
from zhongzhi.essays.models import EssayAssignment
from zhongzhi.essays.services import NewWriter, assignments_add, essay_due_set
from zhongzhi.org.models import Role, User

DUE = datetime.date(2026, 10, 31)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Cadres:
    hdl_a: User
    hdl_b: User
    jkl_a: User

    def assignment(self, user: User) -> EssayAssignment:
        return EssayAssignment.objects.select_related("campaign", "unit").get(writer=user)


@pytest.fixture
def cadres(world: World) -> Cadres:
    made = []
    for login, name, unit in [
        ("hdl-a", "红岛路社区干部甲", world.hongdaolu),
        ("hdl-b", "红岛路社区干部乙", world.hongdaolu),
        ("jkl-a", "金口路社区干部甲", world.jinkoulu),
    ]:
        user = UserFactory(username=login, full_name=name)
        MembershipFactory(user=user, unit=unit, role=Role.STAFF)
        made.append(user)
    return Cadres(*made)


@pytest.fixture
def listed(world: World, cadres: Cadres) -> Cadres:
    essay_due_set(campaign=world.campaign, actor=world.office, due_date=DUE)
    assignments_add(
        campaign=world.campaign,
        actor=world.office,
        writers=[
            NewWriter(cadres.hdl_a, world.hongdaolu),
            NewWriter(cadres.hdl_b, world.hongdaolu),
            NewWriter(cadres.jkl_a, world.jinkoulu),
        ],
    )
    return cadres
