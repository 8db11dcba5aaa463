"""Where a submit's time goes: SQL per request and a cProfile, in one process.

    .venv/bin/python bench/load/profile_submit.py [--db sqlite|postgresql] [-n 300]

Sets up a throwaway database like `bench/intake_load.py` (data dir in /tmp; for
PostgreSQL a throwaway database), then sends `n` requests to the real submit endpoint
and to the baseline through Django's full request handler (every middleware, the
bench URLconf) with `django.test.Client`, one at a time. Prints CPU ms per request,
the SQL statements of one request of each, and cProfile's top entries for submit.
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from bench.throwaway import throwaway_platform  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--top", type=int, default=0, help="also print cProfile's top N")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (e.g. tottime)")
    args = parser.parse_args()

    with throwaway_platform(args.db, settings="bench.load.settings", pg_url=args.pg_url):
        return _profile(args)


def _normalise(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"SELECT .*? FROM", "SELECT … FROM", sql)
    sql = re.sub(r"INSERT INTO (\S+) .*", r"INSERT INTO \1 …", sql)
    return sql[:110]


def _profile(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load.client import make_payloads
    from zhongzhi.core.demo import demo_create

    campaign = demo_create().campaign
    payloads = make_payloads(997)
    client = Client(HTTP_HOST="127.0.0.1")
    paths = {
        "submit": f"/api/campaigns/{campaign.pk}/suggestions",
        "baseline": f"/bench/baseline/{campaign.pk}/",
    }

    def post(endpoint: str, i: int) -> int:
        response = client.post(
            paths[endpoint],
            data=payloads[i % len(payloads)],
            content_type="application/json",
            headers={"Idempotency-Key": f"prof-{endpoint}-{uuid.uuid4().hex}"},
        )
        return response.status_code

    for endpoint in paths:  # warm up: imports, first queries
        for i in range(20):
            assert post(endpoint, i) in (200, 201), endpoint

    # Interleaved blocks, so that both endpoints see the same machine: the median of the
    # blocks' means is steady where one long run of each is at the mercy of neighbours.
    block = 50
    blocks: dict[str, list[tuple[float, float]]] = {endpoint: [] for endpoint in paths}
    for round_ in range(max(1, args.n // block)):
        order = list(paths) if round_ % 2 == 0 else list(reversed(paths))
        for endpoint in order:
            started_cpu, started = time.process_time(), time.perf_counter()
            for i in range(block):
                post(endpoint, round_ * block + i)
            blocks[endpoint].append(
                (
                    (time.process_time() - started_cpu) / block * 1000,
                    (time.perf_counter() - started) / block * 1000,
                )
            )
    print(
        f"{connection.vendor}: {args.n} requests each in interleaved blocks of {block}, one at "
        "a time, full middleware stack; medians of the blocks' means"
    )
    cpu_ms = {}
    for endpoint in paths:
        cpu_ms[endpoint] = statistics.median(cpu for cpu, _wall in blocks[endpoint])
        wall = statistics.median(wall for _cpu, wall in blocks[endpoint])
        with CaptureQueriesContext(connection) as queries:
            post(endpoint, 1)
        print(
            f"\n{endpoint}: {cpu_ms[endpoint]:.3f} ms CPU, {wall:.3f} ms wall per request, "
            f"{len(queries)} SQL statements:"
        )
        for statement, count in Counter(_normalise(q["sql"]) for q in queries).items():
            print(f"  {count}× {statement}")
    print(f"\nbaseline/submit CPU = {cpu_ms['baseline'] / cpu_ms['submit']:.3f}")

    _components(campaign, args.n, payloads)

    if args.top:
        # CPU time only (process_time), so that waiting for the database is not counted.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.n):
            post("submit", i)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats(args.sort).print_stats(args.top)
        print("\ncProfile of submit (CPU, cumulative; the profiler inflates Python-heavy parts):")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
    return 0


def _timed(n: int, work: Callable[[int], object]) -> tuple[float, float]:
    """(CPU ms, wall ms) per call of work(i), i in range(n)."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        work(i)
    return (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000


def _components(campaign: Any, n: int, payloads: list[bytes]) -> None:
    """Each step of a submit on its own (product functions called as they are)."""
    import json

    from django.db import connection
    from django.utils import timezone

    from zhongzhi.api import intake as api_intake
    from zhongzhi.api import ratelimit
    from zhongzhi.intake import services
    from zhongzhi.intake.models import Channel, Suggestion
    from zhongzhi.intake.receipt_codes import new_receipt_code
    from zhongzhi.intake.selectors import suggestion_by_idempotency_key

    texts = [json.loads(body)["text"] for body in payloads]

    def new(i: int) -> Suggestion:
        return Suggestion(
            campaign=campaign,
            text=texts[i % len(texts)],
            channel=Channel.API,
            submitted_at=timezone.now(),
            idempotency_key=f"part-{uuid.uuid4().hex}",
        )

    parts: list[tuple[str, Callable[[int], object]]] = [
        (
            "rate limiter: ratelimit.hit (one upsert)",
            lambda i: ratelimit.hit("submit", "addr:x"),
        ),
        (
            "campaign, topics, categories as kept (campaign_choices)",
            lambda i: api_intake._public_campaign(campaign.pk),
        ),
        (
            "  the same, read afresh (max_age=0)",
            lambda i: api_intake._public_campaign(campaign.pk, max_age=0),
        ),
        (
            "idempotency look-up (only on a retry)",
            lambda i: suggestion_by_idempotency_key(campaign, f"m{i}"),
        ),
        (
            "insert suggestion (services._insert)",
            lambda i: services._insert(new(i), None),
        ),
        (
            "baseline: one Suggestion.objects.create",
            lambda i: Suggestion.objects.create(
                campaign_id=campaign.pk,
                receipt_code=new_receipt_code(),
                number=(1 << 30) + i,  # no counter, as the baseline endpoint
                text=texts[i % len(texts)],
                channel=Channel.API,
                submitted_at=timezone.now(),
                idempotency_key=f"base-{uuid.uuid4().hex}",
            ),
        ),
    ]
    print(f"\neach step alone ({connection.vendor}, {n} calls each): CPU ms, wall ms per call")
    for label, work in parts:
        cpu, wall = _timed(n, work)
        print(f"  {cpu:6.2f} {wall:7.2f}  {label}")

    # What the worker spends on each submission later, off the request.
    from zhongzhi.analysis.similarity import index_new_suggestions

    waiting = Suggestion.objects.filter(in_duplicate_index=False).count()
    started_cpu, started = time.process_time(), time.perf_counter()
    while index_new_suggestions():
        pass
    cpu = (time.process_time() - started_cpu) * 1000 / max(1, waiting)
    wall = (time.perf_counter() - started) * 1000 / max(1, waiting)
    print(f"  {cpu:6.2f} {wall:7.2f}  worker: index a new suggestion ({waiting} in batches of 500)")


if __name__ == "__main__":
    sys.exit(main())
