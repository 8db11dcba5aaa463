"""The screening queue's order and pages: triaged rows by score, then the untriaged
ones, exactly as one ``ORDER BY score DESC NULLS LAST`` query over both gives them."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from zhongzhi.analysis.models import SuggestionTriage
from zhongzhi.core.paging import paginate
from zhongzhi.intake.models import Suggestion
from zhongzhi.screening.selectors import QueueFilters, screening_queue


def one_query(world: World, *, groups: bool) -> list[int]:
    """The order the queue had as a single LEFT JOIN query."""
    rows = Suggestion.objects.filter(campaign=world.campaign, status__in=["received", "accepted"])
    if groups:
        rows = rows.filter(Q(triage__canonical=True) | Q(triage__isnull=True))
    order = (F("triage__score").desc(nulls_last=True), "-plus_ones", "-submitted_at", "-pk")
    return list(rows.order_by(*order).values_list("pk", flat=True))


@pytest.fixture
def mixed(world: World) -> list[Suggestion]:
    """Seven triaged suggestions (two groups of two, scores with ties) and five waiting
    for their first triage run, with ties in +1s and submission times."""
    now = timezone.now()
    made = [SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu) for _n in range(12)]
    for n, suggestion in enumerate(made):
        moment = now - datetime.timedelta(minutes=n // 2)
        Suggestion.objects.filter(pk=suggestion.pk).update(plus_ones=n % 3, submitted_at=moment)
    scores = [40, 70, 70, 10, 70, 55, 40]
    groups = {2: 1, 6: 3}  # members that join another's group
    for n, score in enumerate(scores):
        group = made[groups.get(n, n)].pk
        SuggestionTriage.objects.create(
            suggestion=made[n],
            campaign=world.campaign,
            group=group,
            canonical=n not in groups,
            group_size=2 if n in (1, 2, 3, 6) else 1,
            score=score,
            triaged_at=now,
        )
    return made


@pytest.mark.parametrize("groups", [True, False])
def test_the_queue_lists_triaged_by_score_then_untriaged_as_one_query_did(
    world: World, mixed: list[Suggestion], groups: bool
) -> None:
    queue = screening_queue(world.office, QueueFilters(campaign=world.campaign, groups=groups))
    expected = one_query(world, groups=groups)
    assert len(queue) == len(expected) == (10 if groups else 12)
    assert [s.pk for s in queue[0 : len(queue)]] == expected
    # Pages of three cross from the triaged rows into the untriaged ones.
    pages = Paginator(queue, 3)
    shown = [s.pk for number in pages.page_range for s in pages.page(number).object_list]
    assert shown == expected
    # The same through the staff lists' capped pages, whose rows come by id.
    shown = [s.pk for number in range(1, 5) for s in paginate(queue, number, 3).object_list]
    assert shown == expected
    assert queue[4].pk == expected[4]
    with pytest.raises(IndexError):
        queue[len(expected)]


def test_a_page_the_triaged_rows_fill_needs_no_second_query(
    world: World, mixed: list[Suggestion]
) -> None:
    queue = screening_queue(world.office, QueueFilters(campaign=world.campaign))
    with CaptureQueriesContext(connection) as capture:
        shown = [s.pk for s in queue[0:3]]
    assert shown == one_query(world, groups=True)[:3]
    assert not any("IS NULL" in q["sql"] for q in capture.captured_queries)


def test_a_triage_filter_leaves_out_what_triage_has_not_seen(
    world: World, mixed: list[Suggestion]
) -> None:
    queue = screening_queue(world.office, QueueFilters(campaign=world.campaign, min_score=50))
    assert {s.pk for s in queue[0:10]} == {mixed[n].pk for n in (1, 4, 5)}
    assert len(queue) == 3
