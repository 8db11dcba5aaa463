"""Latency of the "similar suggestions" box against a campaign's shared index.

    .venv/bin/python bench/similar_lookup.py [--size 20000] [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h7 \
        .venv/bin/python bench/similar_lookup.py

Creates a scratch database (``test_<name>`` of DATABASE_URL, as the test suite does; a
temporary SQLite file by default), one campaign with ``--size`` suggestions (real
messages, generated resubmissions and stitched new texts, as ``dedup_bench``), rebuilds
the index with ``rebuild_index``, then times ``similar_suggestions`` (index lookup plus
the query that loads the suggestions) for ``--queries`` texts a resident might type:
half resubmissions of indexed suggestions, half new texts cut where typing stopped.
Also times the lookup alone, the same lookups on an in-memory and a Redis store, and
``index_suggestion`` for new suggestions. Drops the scratch database at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def interleaved(
    calls: dict[str, Callable[[str], Any]], queries: Sequence[str], passes: int
) -> dict[str, tuple[float, float]]:
    """(median, p95) milliseconds of each call over ``passes`` passes of ``queries``. The
    calls take turns on each query, so that a busy machine slows them all alike."""
    for query in queries[:10]:  # warm-up: connections, caches, lazy imports
        for call in calls.values():
            call(query)
    times: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(passes):
        for query in queries:
            for label, call in calls.items():
                started = time.perf_counter()
                call(query)
                times[label].append((time.perf_counter() - started) * 1000)
    result = {}
    for label, values in times.items():
        values.sort()
        result[label] = (statistics.median(values), values[int(len(values) * 0.95) - 1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--passes", type=int, default=3, help="passes over the texts")
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args(argv)

    from dedup_bench import FILES, build_corpus, stitched
    from dedup_eval import data_present

    if not data_present(FILES[0], FILES[1], FILES[2]):
        return 0

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    scratch = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        # A file with WAL, as deployed; the suite's in-memory database would flatter it.
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        return run(args, settings, connection, build_corpus, stitched)
    finally:
        teardown_databases(old_config, verbosity=0)
        scratch.cleanup()


def run(args: Any, settings: Any, connection: Any, build_corpus: Any, stitched: Any) -> int:
    import datetime

    from django.utils import timezone

    from zhongzhi.analysis.similarity import (
        duplicate_store,
        index_suggestion,
        rebuild_index,
        similar_suggestions,
    )
    from zhongzhi.analysis.stores import DatabaseStore
    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.intake.receipt_codes import new_receipt_code
    from zhongzhi.org.services import unit_create
    from zhongzhi.triage.dedup import DuplicateIndex, InMemoryStore
    from zhongzhi.triage.resubmit import ResubmissionRates, generate

    engine = connection.vendor
    print(f"database: {engine} ({connection.settings_dict['NAME']})")
    started = time.perf_counter()
    corpus, _ = build_corpus(args.size + 200, args.seed)
    texts = [item.text for item in corpus]
    held_back, texts = texts[args.size :], texts[: args.size]
    print(f"corpus: {len(texts)} suggestions ({time.perf_counter() - started:.1f} s)")

    unit = unit_create(code="BENCH", name="八大关街道", kind="subdistrict", parent=None)
    campaign = Campaign.objects.create(
        name="基准测试活动",
        owner_unit=unit,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    now = timezone.now()
    codes = set()
    while len(codes) < len(texts) + len(held_back):
        codes.add(new_receipt_code())
    code_list = list(codes)
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                campaign=campaign,
                text=text,
                channel="online",
                submitted_at=now,
                receipt_code=code_list[i],
                number=i + 1,  # a campaign of its own
            )
            for i, text in enumerate(texts)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    rebuild_index(campaign.pk)
    print(f"rebuild_index: {time.perf_counter() - started:.1f} s")

    rng = random.Random(args.seed + 1)
    fresh = [t[: rng.randint(20, max(21, len(t)))] for t in stitched(texts, args.queries // 2, rng)]
    rates = ResubmissionRates(resubmitted=1.0)
    again = [
        generate([texts[rng.randrange(len(texts))]], rng, rates)[1].text
        for _ in range(args.queries - len(fresh))
    ]
    queries = fresh + again
    rng.shuffle(queries)

    ids = list(
        Suggestion.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    )
    db_index = DuplicateIndex(DatabaseStore(campaign.pk))
    memory_index, _ = DuplicateIndex.build(ids, texts, InMemoryStore())
    calls: dict[str, Callable[[str], Any]] = {
        f"similar_suggestions ({engine} store)": lambda q: similar_suggestions(
            campaign=campaign, text=q
        ),
        f"  index lookup alone ({engine} store)": lambda q: db_index.query(q, top_k=10),
        "  index lookup alone (in-memory store)": lambda q: memory_index.query(q, top_k=10),
    }
    client = None
    redis_prefix = f"zz:bench:similar:{os.getpid()}"
    if not args.no_redis:
        try:
            import redis

            client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
            client.ping()
        except Exception as error:
            print(f"Redis store skipped: {error}")
            client = None
    if client is not None:
        settings.ZHONGZHI_DUPLICATE_INDEX_PREFIX = redis_prefix
        settings.ZHONGZHI_DUPLICATE_INDEX = "redis"
        rebuild_index(campaign.pk)  # into Redis: prefix:<campaign>:<fingerprint>
        redis_index = DuplicateIndex(duplicate_store(campaign.pk))
        settings.ZHONGZHI_DUPLICATE_INDEX = "database"

        def similar_in_redis(query: str) -> Any:
            settings.ZHONGZHI_DUPLICATE_INDEX = "redis"
            try:
                return similar_suggestions(campaign=campaign, text=query)
            finally:
                settings.ZHONGZHI_DUPLICATE_INDEX = "database"

        calls["similar_suggestions (Redis store)"] = similar_in_redis
        calls["  index lookup alone (Redis store)"] = lambda q: redis_index.query(q, top_k=10)

    try:
        results = interleaved(calls, queries, args.passes)
    finally:
        if client is not None:
            for key in client.scan_iter(match=f"{redis_prefix}:*", count=1000):
                client.unlink(key)
    title = f"{len(queries)} texts x {args.passes} passes"
    print(f"\n{title:<44} {'median ms':>10} {'p95 ms':>8}")
    for label, (median, p95) in results.items():
        print(f"{label:<44} {median:>10.2f} {p95:>8.2f}")

    # Adding new suggestions one by one, as the task does after each submission.
    new = Suggestion.objects.bulk_create(
        [
            Suggestion(
                campaign=campaign,
                text=t,
                channel="online",
                submitted_at=now,
                receipt_code=code_list[-1 - i],
                number=len(texts) + i + 1,
            )
            for i, t in enumerate(held_back)
        ]
    )
    times = []
    for suggestion in new:
        started = time.perf_counter()
        index_suggestion(suggestion.pk)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"{'index_suggestion (' + engine + ' store)':<44} {statistics.median(times):>10.2f} "
        f"{sorted(times)[int(len(times) * 0.95) - 1]:>8.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
