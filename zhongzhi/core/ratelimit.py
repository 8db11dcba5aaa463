"""Fixed-window request counters shared by every server process.

The shared count is a row of `core_ratecounter`, bumped by one upsert that returns the
new count (SQLite ≥ 3.35 and PostgreSQL both speak `INSERT … ON CONFLICT … RETURNING`).

Most clients are residents sending a suggestion or two, far below any limit, so a
process lets a key's first few requests in a window through on its own count and
writes them to the shared row later, with the request that goes past that allowance
(`local_allowance`). A process that is the only one serving a key is therefore exact;
with W processes a client can get at most W × allowance requests more than the limit
in a window. Limits under 10 a window get no allowance: every request is counted in
the database first.
"""

import math
import random
import threading
import time
from dataclasses import dataclass

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


def forget_local_counts() -> None:
    """Drop this process's unwritten counts (tests: the database was rolled back)."""
    with _local_lock:
        _local.clear()


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
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, window_index, increment, int(window_end) + 1, increment])
        (count,) = cursor.fetchone()
    with _local_lock:
        local.shared = count
    if random.random() < _SWEEP_CHANCE:
        RateCounter.objects.filter(expires__lt=int(now)).delete()
    return count <= limit, retry_after


def _forget_ended_windows(now: float) -> None:
    global _next_local_sweep
    if now < _next_local_sweep:
        return
    _next_local_sweep = now + _SWEEP_LOCAL_EVERY
    for key in [k for k, local in _local.items() if local.window_end <= now]:
        del _local[key]
