"""A campaign template brings the kinds of activity its plan holds, beside the usual
ones; a template without any leaves the campaign's kinds alone."""

import pytest

from tests.conftest import World
from zhongzhi.activities.models import ActivityKind, BaseKind
from zhongzhi.campaigns import services
from zhongzhi.campaigns.blueprints import BLUEPRINTS


@pytest.mark.parametrize("key", ["7+11", "three-stage", "four-stage", "5+12+N"])
def test_each_template_adds_its_kinds_of_activity(world: World, key: str) -> None:
    services.template_apply(campaign=world.campaign, key=key)
    kinds = {k.name: k.base for k in ActivityKind.objects.filter(campaign=world.campaign)}
    assert BLUEPRINTS[key].activity_kinds
    for name, base in BLUEPRINTS[key].activity_kinds:
        assert kinds[name] == base
    assert kinds["座谈会"] == BaseKind.SYMPOSIUM  # the usual ones are there too


def test_the_five_twelve_n_symposium_series_is_a_symposium(world: World) -> None:
    services.template_apply(campaign=world.campaign, key="5+12+N")
    series = ActivityKind.objects.get(campaign=world.campaign, name="系列座谈会")
    assert series.base == BaseKind.SYMPOSIUM and series.get_base_display() == "座谈会"
