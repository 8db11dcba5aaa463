"""What the list benchmarks share (`bench/screening.py`, `bench/rectification.py`): a
page timed through Django's test Client beside its bare query, p50 / p95, the result
table, and fresh planner statistics for a kept platform."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PAGE_TARGET_MS = 200.0


def pct(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the second largest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Row:
    part: str
    what: str
    measured: str
    baseline: str
    target: str
    ok: bool | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Page:
    name: str
    user: str
    url: str
    bare: Callable[[], list[Any]]
    # Whether the page shows the bare query's rows: raises SystemExit if not.
    check: Callable[[str, list[Any]], None] = lambda html, rows: None


def analyze(kind: str) -> None:
    """Planner statistics after loading or migrating: SQLite knows nothing of a new
    index until ANALYZE, and PostgreSQL's autovacuum may not have come round yet."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"[{kind}] ANALYZE done")


def time_page(page: Page, client: Any, part: str, warmup: int, requests: int) -> Row:
    """`warmup` unmeasured requests, then `requests` rounds of the page and its bare
    query in turn; the page's SQL statements (count, the slowest) in the notes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> str:
        response = client.get(page.url)
        if response.status_code != 200:
            raise SystemExit(f"{page.url} as {page.user}: HTTP {response.status_code}")
        return response.content.decode()

    rows = page.bare()
    page.check(get(), rows)
    with CaptureQueriesContext(connection) as capture:
        get()
    queries = list(capture.captured_queries)  # the next request clears the log
    for _attempt in range(warmup):
        get()
        page.bare()
    page_ms: list[float] = []
    bare_ms: list[float] = []
    for _attempt in range(requests):
        started = time.perf_counter()
        get()
        page_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        page.bare()
        bare_ms.append((time.perf_counter() - started) * 1000)
    p95 = pct(page_ms, 0.95)
    slowest = sorted(queries, key=lambda q: -float(q["time"]))[:3]
    return Row(
        part,
        f"{page.name} ({page.user}, {len(rows)} rows)",
        f"{pct(page_ms, 0.5):.0f} / {p95:.0f} ms",
        f"{pct(bare_ms, 0.5):.1f} / {pct(bare_ms, 0.95):.1f} ms",
        f"p95 < {PAGE_TARGET_MS:.0f} ms",
        p95 < PAGE_TARGET_MS,
        [
            f"{len(queries)} SQL statements; slowest "
            + "; ".join(f"{float(q['time']) * 1000:.0f} ms {q['sql'][:90]}" for q in slowest)
        ],
    )


def print_table(kind: str, rows: list[Row]) -> None:
    print()
    print(f"| {kind} | measured (p50 / p95) | baseline | target | met |")
    print("|---|---:|---:|---|---|")
    for row in rows:
        met = "" if row.ok is None else ("yes" if row.ok else "**no**")
        print(
            f"| {row.part}: {row.what} | {row.measured} | {row.baseline} | {row.target} | {met} |"
        )
    print()
