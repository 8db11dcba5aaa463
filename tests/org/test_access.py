from django.contrib.auth.models import AnonymousUser

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.org.access import changeable_units, grantable_roles, visible_units


def names(queryset) -> set[str]:  # type: ignore[no-untyped-def]
    return {unit.name for unit in queryset}


def test_office_sees_its_whole_subtree_but_not_above(world: World) -> None:
    assert names(visible_units(world.office)) == {
        "八大关街道",
        "红岛路社区",
        "金口路社区",
        "福山路社区",
        "八大关社区",
        "太平角社区",
    }


def test_coordinator_sees_only_own_community(world: World) -> None:
    assert names(visible_units(world.hongdaolu_coordinator)) == {"红岛路社区"}
    assert names(changeable_units(world.hongdaolu_coordinator)) == {"红岛路社区"}


def test_supervisor_sees_assigned_units_and_changes_none(world: World) -> None:
    assert names(visible_units(world.supervisor)) == {"红岛路社区", "福山路社区"}
    assert not changeable_units(world.supervisor).exists()


def test_leader_reads_subtree_and_changes_none(world: World) -> None:
    assert "金口路社区" in names(visible_units(world.leader))
    assert not changeable_units(world.leader).exists()


def test_anonymous_and_roleless_users_see_nothing(world: World) -> None:
    assert not visible_units(AnonymousUser()).exists()
    assert not visible_units(UserFactory()).exists()
    assert not changeable_units(AnonymousUser()).exists()


def test_superuser_sees_and_changes_everything(world: World) -> None:
    root = UserFactory(is_superuser=True)
    assert visible_units(root).count() == 8
    assert changeable_units(root).count() == 8


def test_who_may_grant_which_roles(world: World) -> None:
    assert "office" in grantable_roles(world.office)
    assert grantable_roles(world.hongdaolu_coordinator) == {"coordinator", "staff"}
    assert grantable_roles(world.supervisor) == set()
