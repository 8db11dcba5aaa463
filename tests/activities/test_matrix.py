"""The "7+11" coverage matrix against data made by hand: which category was heard on
which topic, by suggestions and by activities, for the campaign and for one unit."""

from typing import Any

import pytest

from tests.activities.conftest import category, record, topic
from tests.conftest import World
from zhongzhi.activities.selectors import coverage_matrix
from zhongzhi.intake.models import Channel, SuggestionStatus
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Unit


def said(world: World, unit: Unit, cat: str, top: str, n: int = 1, **kwargs: Any) -> None:
    for _ in range(n):
        suggestion, _created = suggestion_submit(
            campaign=world.campaign,
            text=f"{cat}谈{top}的建议",
            channel=Channel.SYMPOSIUM,
            category=category(world, cat),
            topic=topic(world, top),
            unit=unit,
        )
        for name, value in kwargs.items():
            setattr(suggestion, name, value)
        suggestion.save()


@pytest.fixture
def data(w: World) -> World:
    said(w, w.hongdaolu, "老干部", "营商环境", 3)
    said(w, w.hongdaolu, "居民代表", "营商环境")
    said(w, w.jinkoulu, "老干部", "营商环境", 2)
    said(w, w.jinkoulu, "人大代表", "干部能力", status=SuggestionStatus.INVALID)  # not counted
    suggestion_submit(campaign=w.campaign, text="没分类的建议", channel=Channel.ONLINE)
    # 红岛路: a symposium heard 老干部 and 居民代表 on two topics.
    record(
        w,
        attendance={"老干部": 5, "居民代表": 9},
        topics=["营商环境", "提高为民服务水平"],
    )
    # 金口路: a lecture heard 老干部 on 营商环境; a study session on no topic counts nowhere.
    record(
        w,
        unit=w.jinkoulu,
        kind_name="宣讲",
        name="宣讲",
        attendance={"老干部": 30},
        topics=["营商环境"],
    )
    record(w, unit=w.jinkoulu, kind_name="学习", name="学习", attendance={"道德模范": 4})
    return w


def test_campaign_matrix_counts_suggestions_and_activities_per_cell(data: World) -> None:
    matrix = coverage_matrix(data.campaign)
    assert len(matrix.categories) == 7 and len(matrix.topics) == 11
    business = topic(data, "营商环境").pk
    service = topic(data, "提高为民服务水平").pk
    cadres = category(data, "老干部").pk
    residents = category(data, "居民代表").pk
    deputies = category(data, "人大代表").pk
    assert (
        matrix.cell(cadres, business).suggestions,
        matrix.cell(cadres, business).activities,
    ) == (5, 2)
    assert (
        matrix.cell(residents, business).suggestions,
        matrix.cell(residents, business).activities,
    ) == (1, 1)
    assert (matrix.cell(cadres, service).suggestions, matrix.cell(cadres, service).activities) == (
        0,
        1,
    )
    assert matrix.cell(deputies, topic(data, "干部能力").pk).empty  # only an invalid one
    # Filled: 老干部×营商环境, 居民代表×营商环境, 老干部×为民服务, 居民代表×为民服务.
    assert matrix.empty_cells == 77 - 4


def test_a_units_matrix_counts_only_that_unit(data: World) -> None:
    matrix = coverage_matrix(data.campaign, [data.jinkoulu.pk])
    business = topic(data, "营商环境").pk
    cadres = category(data, "老干部").pk
    assert (
        matrix.cell(cadres, business).suggestions,
        matrix.cell(cadres, business).activities,
    ) == (2, 1)
    assert matrix.cell(category(data, "居民代表").pk, business).empty
    assert matrix.empty_cells == 77 - 1


def test_the_matrix_is_four_queries_whatever_the_data(
    data: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(4):
        coverage_matrix(data.campaign)
