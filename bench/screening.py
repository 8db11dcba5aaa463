"""Screening at the seed's scale (issue 11, "Speed"): the queue's pages, a bulk decision
and routing proposals, each beside the bare work behind it.

    .venv/bin/python -u bench/screening.py [--db sqlite|postgresql|both]
        [--count 151681] [--requests 30] [--warmup 5] [--decisions 3] [--fresh]

For each database (one process each: Django is set up once a process), a platform kept
between runs and keyed by size — `data/bench/screening-<db>-<count>/` and, for
PostgreSQL, the database `<--pg-prefix>_<count>` on 127.0.0.1 — is built once:
`zhongzhi demo`, then `zhongzhi generate-suggestions --messages
../shared/data/tipdm2020c/hot_messages_annex3.csv --count N` (a campaign of N
suggestions over the street's units), then the residents' online-form suggestions lose
their unit (they wait in the office's to-assign queue, about a fifth), then
`zhongzhi manage triage_campaign <id>` (the queue orders by triage score and shows one
row per duplicate group). `--fresh` builds it again. Then:

* **pages** through Django's test Client (the whole request path: middleware, session,
  view, templates), logged in as the office (街道大讨论办公室) and as the 红岛路社区
  coordinator: the queue's first page, a filtered page (a search term and a topic
  guess; a least score), a later page, and the office's to-assign queue (its routing
  proposals worked out on the page, then stored by the proposals job). Each page has
  its *bare query* beside it: the same 50 rows fetched by a plain ORM query with the
  same joins, no scoping, no counts, no rendering. `--warmup` unmeasured requests of
  each, then `--requests` rounds of page and bare query in turn; p50 / p95 in ms, and
  the page's SQL statements (count, the slowest).
* **bulk decisions** of 1,000 rows, `--decisions` times on fresh rows each:
  `screening.services.decisions.suggestions_decide` "accept" and "invalid" with a
  reason, and the queue's decision form posted through the Client (htmx: the decision
  and the queue's rows rendered again), beside a bare `UPDATE … WHERE id IN (…)` of
  1,000 other fresh rows in one transaction. The rows are put back to 已收到 afterwards
  (their audit entries stay: the log is append-only), so the next run finds the same
  campaign.
* **routing proposals**: the proposals job (`screening.tasks.routing_proposals`, with
  its progress bar) over the to-assign queue, then `campaign_routing_proposals` over
  all N suggestions (every unit taken away inside a transaction that is rolled back),
  each beside `UnitMatcher.propose_many` alone on the same texts (no database); wall
  time, rows per second and the peak RSS growth while it ran (sampled).

Needs ../shared/data (the real messages file); without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pages import Page, Row, analyze, print_table, time_page  # noqa: E402

MESSAGES = (REPO.parent / "shared" / "data" / "tipdm2020c" / "hot_messages_annex3.csv").resolve()
PG_URL = "postgres://postgres@127.0.0.1:5432"
DECISION_TARGET_S = 2.0
PROPOSALS_TARGET_S = 30.0
COORDINATOR = "hongdaolu"  # 红岛路社区联络员
SEARCH_TERM = "停车位"  # three characters: the trigram index can look it up


# --- the kept platform ------------------------------------------------------------------


def data_dir(kind: str, count: int) -> Path:
    return REPO / "data" / "bench" / f"screening-{kind}-{count}"


def setup_django(kind: str, count: int, pg_prefix: str, fresh: bool) -> Path:
    """Environment for the kept platform of this size; Django set up and migrated."""
    folder = data_dir(kind, count)
    marker = folder / "built.json"
    pg_name = f"{pg_prefix}_{count}"
    if fresh and marker.exists():
        marker.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhongzhi.settings"
    os.environ["ZHONGZHI_DATA_DIR"] = str(folder)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]
            ).fetchone()
            if exists and not marker.exists():  # half built, or --fresh: start again
                conn.execute(f'DROP DATABASE "{pg_name}" WITH (FORCE)'.encode())
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{pg_name}"'.encode())
        os.environ["DATABASE_URL"] = f"{PG_URL}/{pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
        if not marker.exists():
            for name in ("zhongzhi.sqlite3", "zhongzhi.sqlite3-wal", "zhongzhi.sqlite3-shm"):
                (folder / name).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return marker


def build(kind: str, count: int, marker: Path) -> dict[str, Any]:
    """The campaign of `count` suggestions, triaged; reused when the marker says so."""
    from django.core.management import call_command
    from django.db import connection

    from zhongzhi.intake.models import Channel, Suggestion

    if marker.exists():
        built = json.loads(marker.read_text())
        if Suggestion.objects.filter(campaign_id=built["campaign"]).count() >= count:
            print(f"[{kind}] reusing campaign {built['campaign']} ({count:,} suggestions)")
            return built
    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("demo", verbosity=0, stdout=io.StringIO())  # its passwords: not shown
    timings["demo"] = time.perf_counter() - started
    started = time.perf_counter()
    call_command("generate_suggestions", messages=MESSAGES, count=count, verbosity=0)
    timings["generate"] = time.perf_counter() - started
    from zhongzhi.campaigns.models import Campaign

    campaign = Campaign.objects.filter(name__startswith="规模测试").latest("pk")
    # A resident's online suggestion names no unit: it waits to be assigned.
    unassigned = Suggestion.objects.filter(campaign=campaign, channel=Channel.ONLINE).update(
        unit=None
    )
    started = time.perf_counter()
    call_command("triage_campaign", str(campaign.pk), verbosity=0)
    timings["triage"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    built = {
        "campaign": campaign.pk,
        "count": count,
        "unassigned": unassigned,
        "timings": timings,
        "built_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    marker.write_text(json.dumps(built, indent=1))
    print(
        f"[{kind}] built campaign {campaign.pk}: {count:,} suggestions, {unassigned:,} "
        f"without a unit; " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
    )
    return built


# --- measuring ----------------------------------------------------------------------------


class RssPeak:
    """The largest resident set size growth while the block runs (sampled every 20 ms)."""

    def __enter__(self) -> RssPeak:
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1e6


def _same_receipts(html: str, rows: list[Any]) -> None:
    import re

    shown = re.findall(r'data-receipt="([^"]+)"', html)
    if shown and shown != [s.receipt_code_display for s in rows]:
        raise SystemExit("the bare query fetched other rows than the page shows")


def queue_pages(campaign: Any) -> list[Page]:
    from django.db.models import Count

    from zhongzhi.analysis.models import SuggestionTriage
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.intake.search import search_suggestions
    from zhongzhi.org.models import Unit
    from zhongzhi.screening.selectors import TABS
    from zhongzhi.screening.services.routing import NOT_ROUTED

    triaged = SuggestionTriage.objects.filter(campaign=campaign, canonical=True)
    topic_id = (
        triaged.exclude(topic_guess=None)
        .values("topic_guess")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["topic_guess"]
    )
    # The least score of the best tenth of the groups.
    min_score = int(
        triaged.order_by("-score").values_list("score", flat=True)[triaged.count() // 10]
    )
    unit = Unit.objects.get(code="QD-SN-BDG-HDL")
    # A later page: the 100th (the 20th of the coordinator's), or the last of a small campaign.
    todo = triaged.filter(suggestion__status__in=TABS["todo"])
    later = max(1, min(100, todo.count() // 50))
    later_unit = max(1, min(20, todo.filter(suggestion__unit=unit).count() // 50))

    def bare_queue(
        *,
        unit: Unit | None = None,
        q: str = "",
        topic: int | None = None,
        min_score: int | None = None,
        offset: int = 0,
    ) -> Callable[[], list[Any]]:
        def fetch() -> list[Any]:
            # triage__campaign as the queue says it: the triage index then leads.
            rows = Suggestion.objects.filter(
                campaign=campaign,
                status__in=TABS["todo"],
                triage__campaign=campaign,
                triage__canonical=True,
            )
            if unit is not None:
                rows = rows.filter(unit=unit)
            rows = search_suggestions(rows, q)
            if topic is not None:
                rows = rows.filter(triage__topic_guess=topic)
            if min_score is not None:
                rows = rows.filter(triage__score__gte=min_score)
            rows = rows.select_related("unit", "triage", "triage__topic_guess", "triage__issue")
            order = ("-triage__score", "-plus_ones", "-submitted_at", "-pk")
            return list(rows.order_by(*order)[offset : offset + 50])

        return fetch

    def bare_to_assign() -> list[Any]:
        return list(
            Suggestion.objects.filter(campaign=campaign, unit__isnull=True)
            .exclude(status__in=NOT_ROUTED)
            .select_related("topic", "triage", "triage__topic_guess")
            .order_by("-submitted_at", "-pk")[:50]
        )

    base = f"/screening/{campaign.pk}/"
    filtered = f"?q={SEARCH_TERM}&topic_guess={topic_id}"
    pages = [
        Page("queue, first page", "office", base, bare_queue()),
        Page(
            f"queue, q={SEARCH_TERM} + topic guess",
            "office",
            base + filtered,
            bare_queue(q=SEARCH_TERM, topic=topic_id),
        ),
        Page(
            f"queue, min score {min_score}",
            "office",
            base + f"?min_score={min_score}",
            bare_queue(min_score=min_score),
        ),
        Page(
            f"queue, page {later}",
            "office",
            base + f"?page={later}",
            bare_queue(offset=(later - 1) * 50),
        ),
        Page("queue, first page", COORDINATOR, base, bare_queue(unit=unit)),
        Page(
            f"queue, q={SEARCH_TERM} + topic guess",
            COORDINATOR,
            base + filtered,
            bare_queue(unit=unit, q=SEARCH_TERM, topic=topic_id),
        ),
        Page(
            f"queue, page {later_unit}",
            COORDINATOR,
            base + f"?page={later_unit}",
            bare_queue(unit=unit, offset=(later_unit - 1) * 50),
        ),
        Page("to-assign, first page", "office", base + "assign/", bare_to_assign),
    ]
    for page in pages:
        page.check = _same_receipts
    return pages


def pages(kind: str, campaign: Any, args: argparse.Namespace, label: str = "") -> list[Row]:
    from django.test import Client

    from zhongzhi.org.models import User

    clients = {}
    for username in ("office", COORDINATOR):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    rows = []
    todo = queue_pages(campaign)
    if label:  # only the to-assign page again (its proposals now stored)
        todo = [p for p in todo if p.name.startswith("to-assign")]
    for page in todo:
        row = time_page(page, clients[page.user], "page", args.warmup, args.requests)
        row.what = row.what.replace(f" ({page.user},", f"{label} ({page.user},")
        print(f"[{kind}] {row.what}: {row.measured} (bare {row.baseline}); {row.notes[0]}")
        rows.append(row)
    return rows


def decisions(kind: str, campaign: Any, args: argparse.Namespace) -> list[Row]:
    from django.db import transaction
    from django.db.models import F
    from django.test import Client

    from zhongzhi.intake.models import Suggestion, SuggestionStatus
    from zhongzhi.org.models import User
    from zhongzhi.screening.services.decisions import Item, suggestions_decide

    office = User.objects.get(username="office")
    client = Client()
    client.force_login(office)
    kinds = ("bare UPDATE", "accept", "invalid", "accept over HTTP")
    fresh = iter(
        Suggestion.objects.filter(campaign=campaign, status=SuggestionStatus.RECEIVED)
        .exclude(unit=None)
        .order_by("pk")
        .values_list("pk", "version")[: args.rows * len(kinds) * args.decisions]
    )
    used: list[int] = []
    times: dict[str, list[float]] = {k: [] for k in kinds}

    def take() -> list[tuple[int, int]]:
        chunk = [next(fresh) for _n in range(args.rows)]
        used.extend(pk for pk, _version in chunk)
        return chunk

    try:
        for _repeat in range(args.decisions):
            for what in kinds:
                chunk = take()
                ids = [pk for pk, _version in chunk]
                items = [Item(pk, version) for pk, version in chunk]
                started = time.perf_counter()
                if what == "bare UPDATE":
                    with transaction.atomic():
                        Suggestion.objects.filter(pk__in=ids).update(
                            status=SuggestionStatus.ACCEPTED, version=F("version") + 1
                        )
                elif what == "accept":
                    suggestions_decide(decision="accept", items=items, actor=office)
                elif what == "invalid":
                    suggestions_decide(
                        decision="invalid", items=items, actor=office, reason="广告或推销"
                    )
                else:  # a page's rows: a form of 1,000 would pass Django's 1,000-field limit
                    response = client.post(
                        f"/screening/{campaign.pk}/decide/",
                        {"decision": "accept", "item": [f"{pk}:{v}" for pk, v in chunk[:50]]},
                        headers={"HX-Request": "true", "HX-Target": "queue"},
                    )
                    if response.status_code != 200 or "已作出决定" not in response.content.decode():
                        raise SystemExit(f"decision over HTTP: {response.status_code}")
                times[what].append(time.perf_counter() - started)
    finally:  # the rows back to 已收到, for the next run (their audit entries stay)
        Suggestion.objects.filter(pk__in=used).update(
            status=SuggestionStatus.RECEIVED, status_reason=""
        )
    bare = statistics.median(times["bare UPDATE"])
    rows = []
    for what in kinds[1:]:
        median = statistics.median(times[what])
        row = Row(
            "bulk decision",
            f"{what}, {50 if 'HTTP' in what else args.rows:,} rows",
            f"{median:.2f} s",
            f"{bare:.3f} s",
            f"< {DECISION_TARGET_S:.0f} s",
            median < DECISION_TARGET_S,
            [
                f"runs {', '.join(f'{t:.2f}' for t in times[what])}; bare "
                + ", ".join(f"{t:.3f}" for t in times["bare UPDATE"])
            ],
        )
        print(f"[{kind}] {row.what}: {row.measured} (bare {row.baseline}); {row.notes[0]}")
        rows.append(row)
    return rows


def proposals(kind: str, campaign: Any, args: argparse.Namespace) -> list[Row]:
    from django.db import transaction

    from zhongzhi.core.jobs import job_create
    from zhongzhi.core.models import Job, JobState
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.org.models import User
    from zhongzhi.screening import tasks
    from zhongzhi.screening.models import RoutingProposal
    from zhongzhi.screening.services.routing import (
        NOT_ROUTED,
        Proposer,
        campaign_routing_proposals,
    )

    office = User.objects.get(username="office")

    def matcher_alone(rows: Any) -> float:
        texts = [f"{title}\n{text}" for title, text in rows.values_list("title", "text")]
        matcher = Proposer(campaign).matcher
        started = time.perf_counter()
        matcher.propose_many(texts)
        return time.perf_counter() - started

    waiting = Suggestion.objects.filter(campaign=campaign, unit__isnull=True).exclude(
        status__in=NOT_ROUTED
    )
    n_waiting = waiting.count()
    job = job_create(owner=office, kind=tasks.PROPOSALS_JOB)
    with RssPeak() as rss:
        started, cpu = time.perf_counter(), time.process_time()
        tasks.routing_proposals.call(job.pk, campaign.pk)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    job = Job.objects.get(pk=job.pk)
    if job.state != JobState.SUCCEEDED:
        raise SystemExit(f"proposals job: {job.state} {job.message}")
    stored = RoutingProposal.objects.filter(campaign=campaign).count()
    alone = matcher_alone(waiting.order_by("pk"))
    rows = [
        Row(
            "proposals",
            f"job over the to-assign queue ({n_waiting:,})",
            f"{wall:.1f} s ({n_waiting / wall:,.0f}/s)",
            f"{alone:.1f} s ({n_waiting / alone:,.0f}/s)",
            "",
            None,
            [
                f"{stored:,} proposals stored; {cpu:.1f} CPU s; peak RSS +{rss.growth_mb:.0f} MB; "
                f"progress {job.done:,} / {job.total:,}"
            ],
        )
    ]
    print(
        f"[{kind}] {rows[-1].what}: {rows[-1].measured} (matcher {rows[-1].baseline}); "
        f"{rows[-1].notes[0]}"
    )
    everything = Suggestion.objects.filter(campaign=campaign).exclude(status__in=NOT_ROUTED)
    n_all = everything.count()
    with transaction.atomic():  # every suggestion without its unit, then rolled back
        Suggestion.objects.filter(campaign=campaign).update(unit=None)
        with RssPeak() as rss:
            started, cpu = time.perf_counter(), time.process_time()
            stored = campaign_routing_proposals(campaign, progress=lambda done, total: None)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    alone = matcher_alone(everything.order_by("pk"))
    rows.append(
        Row(
            "proposals",
            f"campaign_routing_proposals, all {n_all:,}",
            f"{wall:.1f} s ({n_all / wall:,.0f}/s)",
            f"{alone:.1f} s ({n_all / alone:,.0f}/s)",
            f"< {PROPOSALS_TARGET_S:.0f} s",
            wall < PROPOSALS_TARGET_S,
            [f"{stored:,} proposals; {cpu:.1f} CPU s; peak RSS +{rss.growth_mb:.0f} MB"],
        )
    )
    print(
        f"[{kind}] {rows[-1].what}: {rows[-1].measured} (matcher {rows[-1].baseline}); "
        f"{rows[-1].notes[0]}"
    )
    return rows


def run(kind: str, built: dict[str, Any], args: argparse.Namespace) -> int:
    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.screening.models import RoutingProposal

    campaign = Campaign.objects.select_related("owner_unit").get(pk=built["campaign"])
    parts = set(args.only.split(","))
    print(f"[{kind}] load average {os.getloadavg()[0]:.1f} at the start")
    rows: list[Row] = []
    if "pages" in parts:
        RoutingProposal.objects.filter(campaign=campaign).delete()  # worked out on the page
        rows += pages(kind, campaign, args)
    if "decisions" in parts:
        rows += decisions(kind, campaign, args)
    if "proposals" in parts:
        rows += proposals(kind, campaign, args)
        rows += pages(kind, campaign, args, label=", proposals stored")
    print(f"[{kind}] load average {os.getloadavg()[0]:.1f} at the end")
    print_table(kind, rows)
    return 0


# Streets and estates the corpus's letters name often, given to the street's five
# communities (the demo's communities list none yet): what a campaign's units would list.
PLACES = {
    "QD-SN-BDG-HDL": "香樟路、丽发新城、远大路、尖山、开元路、劳动东路",
    "QD-SN-BDG-JKL": "魅力之城、洞井路、人民路、东四路、太平路、三一大道",
    "QD-SN-BDG-FSL": "青山新村、曙光南路、人民东路、红旗路、东六路、木莲中路",
    "QD-SN-BDG-BDG": "凉塘路、万家丽路、金星路、盼盼路、山水湾、黄星大道",
    "QD-SN-BDG-TPJ": "月亮岛路、景城苑、楚府路、新安路、特立路、福元西路",
}
DEPARTMENTS = ("QD-SN-BDG-CGK", "QD-SN-BDG-DZB", "QD-SN-BDG-XCK", "QD-SN-BDG-ZZK")


def routing_setup(campaign_id: int) -> None:
    """Places for the communities and a usual unit for five of the campaign's topics, so
    that most suggestions get a proposal (and the proposals job writes most rows)."""
    from zhongzhi.campaigns.models import Topic
    from zhongzhi.org.models import Unit

    for code, places in PLACES.items():
        Unit.objects.filter(code=code).update(places=places)
    departments = list(Unit.objects.filter(code__in=DEPARTMENTS).order_by("code"))
    for n, topic in enumerate(Topic.objects.filter(campaign_id=campaign_id).order_by("pk")):
        usual = departments[n % len(departments)] if n < 5 else None
        Topic.objects.filter(pk=topic.pk).update(usual_unit=usual)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--count", type=int, default=151_681)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--decisions", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1000, help="rows per bulk decision")
    parser.add_argument("--fresh", action="store_true", help="build the platform again")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--pg-prefix", default="zhongzhi_bench_screening")
    parser.add_argument(
        "--only", default="pages,decisions,proposals", help="which parts to time (comma list)"
    )
    args = parser.parse_args()
    if not MESSAGES.exists():
        print(f"../shared/data not found: {MESSAGES} is missing; nothing to measure.")
        return 0
    if args.db == "both":  # Django is set up once per process: one process per database
        for kind in ("sqlite", "postgresql"):
            command = [sys.executable, "-u", __file__, *sys.argv[1:], "--db", kind]
            subprocess.run(command, check=True)
        return 0
    kind = args.db
    marker = setup_django(kind, args.count, args.pg_prefix, args.fresh)
    built = build(kind, args.count, marker)
    routing_setup(built["campaign"])
    if args.build_only:
        return 0
    analyze(kind)
    return run(kind, built, args)


if __name__ == "__main__":
    sys.exit(main())
