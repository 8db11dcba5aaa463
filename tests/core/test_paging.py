"""Capped counts and ids-first pages (`core.paging`): what staff see around the cap,
and pages whose rows and order are those of the plain query."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import World
from zhongzhi.core.paging import CAP, CappedPaginator, count_at_most, page_rows, paginate
from zhongzhi.intake.models import Channel, Suggestion

LIST = "/suggestions/"


def make_suggestions(world: World, n: int) -> None:
    """`n` suggestions at once, a few to each second so that ties need the key."""
    start = timezone.make_aware(datetime.datetime(2026, 10, 1, 9))
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                campaign=world.campaign,
                receipt_code=f"T{i:08d}",
                number=i + 1,
                text=f"第 {i} 条建议",
                channel=Channel.ONLINE,
                unit=world.hongdaolu,
                submitted_at=start + datetime.timedelta(seconds=i // 3),
                plus_ones=i % 7,
            )
            for i in range(n)
        ]
    )


def result_count(html: str) -> str:
    found = re.search(r'data-testid="result-count">([^<]*)<', html)
    assert found is not None
    return found[1]


def page_of(html: str) -> str:
    found = re.search(r"第 \d+ / [^ ]+ 页", html)
    assert found is not None
    return found[0]


@pytest.mark.parametrize(
    ("rows", "shown", "pages"),
    [
        (999, "共 999 条", "第 1 / 20 页"),
        (1000, "共 1000 条", "第 1 / 20 页"),
        (1001, "共 1000+ 条", "第 1 / 20+ 页"),
    ],
)
def test_the_list_counts_up_to_a_thousand_then_says_more(
    world: World, rows: int, shown: str, pages: str
) -> None:
    make_suggestions(world, rows)
    html = world.client_for(world.office).get(LIST).content.decode()
    assert result_count(html) == shown
    assert page_of(html) == pages
    assert "下一页" in html


def test_a_later_page_counts_as_far_as_it_and_one_more(world: World) -> None:
    make_suggestions(world, 1101)
    client = world.client_for(world.office)

    html = client.get(LIST, {"page": 21}).content.decode()
    assert result_count(html) == "共 1050+ 条"
    assert page_of(html) == "第 21 / 21+ 页"
    assert "下一页" in html
    html = client.get(LIST, {"page": 23}).content.decode()  # the last one, 1 row
    assert result_count(html) == "共 1101 条"
    assert page_of(html) == "第 23 / 23 页"
    assert "下一页" not in html
    # Past the end or no number: the last page, the first, as Django's paginator does.
    assert page_of(client.get(LIST, {"page": 99}).content.decode()) == "第 23 / 23 页"
    assert page_of(client.get(LIST, {"page": "x"}).content.decode()) == "第 1 / 20+ 页"


def test_count_at_most_stops_at_its_limit(world: World) -> None:
    make_suggestions(world, 30)
    rows = Suggestion.objects.filter(campaign=world.campaign)
    assert count_at_most(rows, 10) == 10
    assert count_at_most(rows, 30) == 30
    assert count_at_most(rows, 31) == 30
    with CaptureQueriesContext(connection) as capture:
        count_at_most(rows, 10)
    assert "LIMIT 10" in capture.captured_queries[0]["sql"]


def test_the_paginator_caps_at_cap(world: World) -> None:
    make_suggestions(world, CAP + 1)
    paginator = CappedPaginator(Suggestion.objects.order_by("pk"), 50)
    assert (paginator.count, paginator.capped, paginator.count_label) == (CAP + 1, True, "1000+")


@pytest.mark.parametrize(
    "order",
    [("-submitted_at", "-pk"), ("plus_ones", "submitted_at", "pk"), ("-plus_ones", "-pk")],
)
def test_pages_by_ids_have_the_rows_and_order_of_the_plain_query(
    world: World, order: tuple[str, ...]
) -> None:
    make_suggestions(world, 230)
    rows = Suggestion.objects.filter(campaign=world.campaign).select_related("unit")
    rows = rows.order_by(*order)
    plain = [s.pk for s in rows]
    for start in (0, 50, 100, 200, 225):
        shown = page_rows(rows, start, start + 50)
        assert [s.pk for s in shown] == plain[start : start + 50]
    paged = [s.pk for n in range(1, 6) for s in paginate(rows, n, 50).object_list]
    assert paged == plain


def test_a_page_by_ids_keeps_what_the_queryset_selects(world: World) -> None:
    make_suggestions(world, 60)
    rows = Suggestion.objects.select_related("unit").order_by("-submitted_at", "-pk")
    shown = page_rows(rows, 50, 60)
    with CaptureQueriesContext(connection) as capture:
        assert {s.unit.name for s in shown} == {"红岛路社区"}
    assert not capture.captured_queries
