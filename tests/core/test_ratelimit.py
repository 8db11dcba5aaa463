"""Rate-limit counters: exact in one process, within a small allowance across several."""

import pytest
from django.db import connection

from zhongzhi.core import ratelimit
from zhongzhi.core.models import RateCounter
from zhongzhi.core.ratelimit import count_request, local_allowance, shared_counters

pytestmark = pytest.mark.django_db

NOW = 1_800_000_010.0  # 10 s into a 60-second window


def _allowed(key: str, requests: int, limit: int, now: float = NOW) -> int:
    return sum(count_request(key, limit=limit, window=60, now=now)[0] for _ in range(requests))


def _shared_count(key: str) -> int:
    return shared_counters().total(key)


def test_one_process_lets_exactly_the_limit_through_per_window() -> None:
    assert _allowed("addr:a", 45, limit=30) == 30
    assert count_request("addr:a", limit=30, window=60, now=NOW)[1] == 50  # retry after
    assert _allowed("addr:a", 45, limit=30, now=NOW + 60) == 30  # the next window
    assert _allowed("addr:b", 5, limit=30) == 5  # another client is not held up


def test_a_residents_first_requests_cost_no_database_write() -> None:
    assert local_allowance(30) == 3
    assert _allowed("addr:resident", 3, limit=30) == 3
    assert _shared_count("addr:resident") == 0
    # The next one writes all four to the shared count.
    assert _allowed("addr:resident", 1, limit=30) == 1
    assert _shared_count("addr:resident") == 4


def test_small_limits_count_every_request_in_the_database() -> None:
    assert local_allowance(5) == 0
    assert _allowed("addr:c", 3, limit=5) == 3
    assert _shared_count("addr:c") == 3
    assert _allowed("addr:c", 4, limit=5) == 2


@pytest.mark.parametrize("processes", [2, 3, 6])
def test_several_processes_stay_within_their_allowances_of_the_limit(
    processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flood spread over server processes: each has its own local counts."""
    local_counts: list[dict[str, object]] = [{} for _ in range(processes)]
    allowed = 0
    for request in range(300):
        monkeypatch.setattr(ratelimit, "_local", local_counts[request % processes])
        allowed += count_request("addr:flood", limit=30, window=60, now=NOW)[0]
    assert 30 <= allowed <= 30 + processes * local_allowance(30)
    assert _shared_count("addr:flood") >= 300 - processes * local_allowance(30)


def test_counts_of_ended_windows_are_forgotten_when_many_clients_came(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ratelimit, "_SWEEP_LOCAL_AT", 5)
    monkeypatch.setattr(ratelimit, "_next_local_sweep", 0.0)
    for client in range(6):
        count_request(f"addr:{client}", limit=30, window=60, now=NOW)
    assert len(ratelimit._local) == 6
    # A minute later the earlier window has ended: its clients' counts go.
    count_request("addr:late", limit=30, window=60, now=NOW + 60)
    assert list(ratelimit._local) == ["addr:late"]


def test_counts_are_kept_where_they_hold_up_no_suggestion() -> None:
    """SQLite has one write lock per file: there the counts go to a file of their own,
    so counting never queues behind a triage run's store nor holds up an insert.
    PostgreSQL locks rows: the counts stay in its UNLOGGED table."""
    assert _allowed("addr:d", 10, limit=30) == 10
    assert _shared_count("addr:d") >= 10 - local_allowance(30)
    in_database = sum(RateCounter.objects.filter(key="addr:d").values_list("count", flat=True))
    if connection.vendor == "sqlite":
        assert in_database == 0
    else:
        assert in_database == _shared_count("addr:d")
