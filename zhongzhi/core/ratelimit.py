"""Fixed-window request counters shared by every server process.

The shared count of a key in a window is one row, bumped by one upsert that returns the
new count (`INSERT … ON CONFLICT … RETURNING`). With PostgreSQL the rows are an
UNLOGGED table of the database (`core.RateCounter`); with SQLite they are in a file of
their own (`ZHONGZHI_RATE_COUNTER_FILE`), because SQLite has one write lock per file
and a count must neither wait for a triage run's store nor hold up a suggestion.

Most clients are residents sending a suggestion or two, far below any limit, so a
process lets a key's first few requests in a window through on its own count and
writes them to the shared row later, with the request that goes past that allowance
(`local_allowance`). A process that is the only one serving a key is therefore exact;
with W processes a client can get at most W × allowance requests more than the limit
in a window. Limits under 10 a window get no allowance: every request is counted in
the shared row first.
"""

import math
import random
import sqlite3
import threading
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection

from zhongzhi.core.models import RateCounter

_Q = connection.ops.quote_name
_TABLE, _KEY, _WINDOW, _COUNT, _EXPIRES = (
    _Q(name) for name in (RateCounter._meta.db_table, "key", "window_index", "count", "expires")
)
_UPSERT = (
    f"INSERT INTO {_TABLE} ({_KEY}, {_WINDOW}, {_COUNT}, {_EXPIRES}) VALUES (%s, %s, %s, %s) "
    f"ON CONFLICT ({_KEY}, {_WINDOW}) DO UPDATE SET {_COUNT} = {_TABLE}.{_COUNT} + %s "
    f"RETURNING {_COUNT}"
)


class _TableCounters:
    """The counters as a table of the platform's database (PostgreSQL)."""

    def add(self, key: str, window_index: int, increment: int, expires: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [key, window_index, increment, expires, increment])
            (count,) = cursor.fetchone()
        return int(count)

    def sweep(self, now: float) -> None:
        RateCounter.objects.filter(expires__lt=int(now)).delete()

    def total(self, key: str) -> int:
        return sum(RateCounter.objects.filter(key=key).values_list("count", flat=True))

    def clear(self) -> None:
        """Nothing to do: the table goes back with the test's transaction."""


class _FileCounters:
    """The counters in a SQLite file of their own; one connection per thread."""

    _SCHEMA = (
        "CREATE TABLE IF NOT EXISTS rate_counter (key TEXT NOT NULL, window_index INTEGER "
        "NOT NULL, count INTEGER NOT NULL, expires INTEGER NOT NULL, "
        "PRIMARY KEY (key, window_index)) WITHOUT ROWID"
    )
    _UPSERT = (
        "INSERT INTO rate_counter (key, window_index, count, expires) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (key, window_index) DO UPDATE SET count = count + ? RETURNING count"
    )

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        opened: sqlite3.Connection | None = getattr(self.local, "connection", None)
        if opened is None:
            # Autocommit; a lost count after a power cut does no harm, so no fsync.
            opened = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            opened.execute("PRAGMA journal_mode=WAL")
            opened.execute("PRAGMA synchronous=OFF")
            opened.execute(self._SCHEMA)
            self.local.connection = opened
        return opened

    def add(self, key: str, window_index: int, increment: int, expires: int) -> int:
        values = (key, window_index, increment, expires, increment)
        (count,) = self._connection().execute(self._UPSERT, values).fetchone()
        return int(count)

    def sweep(self, now: float) -> None:
        self._connection().execute("DELETE FROM rate_counter WHERE expires < ?", (int(now),))

    def total(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT COALESCE(SUM(count), 0) FROM rate_counter WHERE key = ?", (key,)
        )
        return int(row.fetchone()[0])

    def clear(self) -> None:
        self._connection().execute("DELETE FROM rate_counter")


@cache
def _counters(path: str) -> _TableCounters | _FileCounters:
    return _FileCounters(path) if path else _TableCounters()


def shared_counters() -> _TableCounters | _FileCounters:
    """Where the shared counts are kept (``ZHONGZHI_RATE_COUNTER_FILE``)."""
    return _counters(getattr(settings, "ZHONGZHI_RATE_COUNTER_FILE", ""))


# Old windows are swept now and then, by whichever request draws the short straw.
_SWEEP_CHANCE = 0.002
MAX_ALLOWANCE = 3


def local_allowance(limit: int) -> int:
    """Requests a process may let through on its own count: a tenth of the limit, at most 3."""
    return min(MAX_ALLOWANCE, limit // 10)


@dataclass
class _LocalCount:
    window_index: int
    window_end: float
    shared: int = 0  # the shared count when this process last wrote to it
    pending: int = 0  # let through here, not yet added to the shared count


_local: dict[str, _LocalCount] = {}
_local_lock = threading.Lock()  # the development server answers in threads
_SWEEP_LOCAL_AT = 10_000  # keys kept before ended windows are dropped
_SWEEP_LOCAL_EVERY = 10.0  # seconds: with that many clients in one window, not per request
_next_local_sweep = 0.0


def forget_counts() -> None:
    """Tests: forget every count, this process's and the counter file's (a table of the
    database goes back with each test's transaction)."""
    with _local_lock:
        _local.clear()
    shared_counters().clear()


def count_request(
    key: str, *, limit: int, window: int, now: float | None = None
) -> tuple[bool, int]:
    """Count one request for `key`; (allowed, seconds until the window ends)."""
    now = time.time() if now is None else now
    window_index = int(now // window)
    window_end = (window_index + 1) * window
    retry_after = max(1, math.ceil(window_end - now))
    key = key[:100]
    allowance = local_allowance(limit)
    with _local_lock:
        local = _local.get(key)
        if local is None or local.window_index != window_index:
            if len(_local) > _SWEEP_LOCAL_AT:  # many clients: drop windows that have ended
                _forget_ended_windows(now)
            local = _local[key] = _LocalCount(window_index, window_end)
        local.pending += 1
        if local.pending <= allowance and local.shared + local.pending <= limit:
            return True, retry_after
        increment, local.pending = local.pending, 0
    counters = shared_counters()
    count = counters.add(key, window_index, increment, int(window_end) + 1)
    with _local_lock:
        local.shared = count
    if random.random() < _SWEEP_CHANCE:
        counters.sweep(now)
    return count <= limit, retry_after


def _forget_ended_windows(now: float) -> None:
    global _next_local_sweep
    if now < _next_local_sweep:
        return
    _next_local_sweep = now + _SWEEP_LOCAL_EVERY
    for key in [k for k, local in _local.items() if local.window_end <= now]:
        del _local[key]
