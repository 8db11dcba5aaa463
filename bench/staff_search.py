"""The staff list's search at scale: what one search costs, as the list page runs it.

    .venv/bin/python bench/staff_search.py [--db sqlite|postgresql] [--count 20000] \\
        [--messages ../shared/data/tipdm2020c/hot_messages_annex3.csv] [--repeat 7]

A throwaway platform (`bench/throwaway.py`) with the demo campaign and ``--count``
generated suggestions (`generate_suggestions`), then for each query the office's
scoped `suggestion_list` as the list page uses it: the count for the paginator and
the first page of 50. Prints the median of ``--repeat`` runs per query (after one
warm-up run), with the number of rows found, and the size of the suggestion table
with its search index. With ``--remigrate`` it also times migrating the search back
to 0004 and forward again over the generated rows (0005 folds every existing row).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.throwaway import throwaway_platform  # noqa: E402

QUERIES = [
    "小区",  # two characters: a substring scan
    "物业",
    "停车位",  # three or more: the trigram index
    "小区物业",
    "垃圾 清运",  # two terms, both must occur
    "噪音扰民",
    "停車位",  # Traditional
    "ＡＢＣ小区",  # full width, finds nothing
    "兴安支路",  # not in the corpus: nothing
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument(
        "--messages", default=str(REPO.parent / "shared/data/tipdm2020c/hot_messages_annex3.csv")
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--remigrate", action="store_true")
    args = parser.parse_args()
    with throwaway_platform(args.db):
        return _bench(args)


def _bench(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    from zhongzhi.core.demo import demo_create
    from zhongzhi.intake.selectors import SuggestionFilters, suggestion_list
    from zhongzhi.org.models import User

    campaign = demo_create().campaign
    started = time.perf_counter()
    call_command(
        "generate_suggestions",
        count=args.count,
        campaign=campaign.pk,
        messages=Path(args.messages),
        verbosity=0,
    )
    print(
        f"{connection.vendor}: generated {args.count:,} suggestions in "
        f"{time.perf_counter() - started:.1f} s"
    )
    if args.remigrate:
        _remigrate()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk insert; without it the planner may not
        # know the trigram index is selective.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE intake_suggestion")
    office = User.objects.get(username="office")

    def run(query: str) -> int:
        found = suggestion_list(office, SuggestionFilters(campaign=campaign, q=query))
        total = found.count()
        list(found[:50])
        return total

    print(f"median of {args.repeat} runs (count + first page of 50), ms:")
    for query in QUERIES:
        found = run(query)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {statistics.median(times):8.1f}  {found:>7,} found  {query}")
    _sizes(connection)
    return 0


def _remigrate() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", "intake", "0004_screening", interactive=False, verbosity=0)
    back = time.perf_counter() - started
    started = time.perf_counter()
    call_command("migrate", "intake", interactive=False, verbosity=0)
    print(
        f"migrate intake back to 0004: {back:.1f} s; forward (folds every row): "
        f"{time.perf_counter() - started:.1f} s"
    )


def _sizes(connection) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_table_size('intake_suggestion'),"
                " pg_relation_size('intake_suggestion_search_trgm')"
            )
            table, index = cursor.fetchone()
            print(f"table {table / 1e6:.1f} MB, search index {index / 1e6:.1f} MB")
        else:
            # dbstat needs SQLITE_ENABLE_DBSTAT_VTAB, which Python's SQLite has here.
            cursor.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name = 'intake_suggestion'"
                " OR name LIKE 'intake_suggestion_fts%' GROUP BY name"
            )
            sizes = dict(cursor.fetchall())
            fts = sum(v for k, v in sizes.items() if k.startswith("intake_suggestion_fts"))
            print(
                f"table {sizes['intake_suggestion'] / 1e6:.1f} MB, search index {fts / 1e6:.1f} MB"
            )


if __name__ == "__main__":
    raise SystemExit(main())
