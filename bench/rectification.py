"""Rectification at the seed's scale (issue 12, "Speed"): the measure list of a campaign
with 10,000 measures and 151,681 suggestions, and its 10,000-row ledger, each beside
the bare work behind it.

    .venv/bin/python -u bench/rectification.py [--db sqlite|postgresql|both]
        [--count 151681] [--measures 10000] [--requests 30] [--warmup 5] [--runs 3]
        [--screening-data DIR] [--fresh]

For each database (one process each), a platform kept between runs and keyed by size —
`data/bench/rectification-<db>-<count>-<measures>/` and, for PostgreSQL, the database
`<--pg-prefix>_<count>_<measures>` — is built once. Its suggestions come from
`bench/screening.py`'s kept platform of the same size when there is one (under
`data/bench/` or `--screening-data`; the SQLite file copied with SQLite's backup, the
PostgreSQL database made with it as template: about a minute instead of
`zhongzhi demo` + `zhongzhi generate-suggestions --messages
../shared/data/tipdm2020c/hot_messages_annex3.csv --count N`, which it falls back to).
Then `--measures / 2` problems, each from two suggestions of one unit, with two
measures each (bulk_create): states spread as in a campaign's last month, deadlines
from October to December, overdue and escalated ones, one or two progress updates
for the measures under way. `--fresh` builds it again. Then:

* **the measure list** (`rectification:measures`) through Django's test Client, as
  the office and as the 红岛路社区 coordinator: the first page, filtered pages (overdue;
  a search term), a later page; beside each its *bare query* (the same 50 rows by a
  plain ORM query with the same joins: no scoping, no counts, no rendering). p50 / p95
  over `--requests` rounds after `--warmup`, and the page's SQL statements (`bench/pages.py`).
* **the dashboard** (`reports:dashboard`, issue 16: under 500 ms at p95) as the office
  and the coordinator: counted afresh (the cache emptied before every request) and with
  its figures cached (at most a minute old, as most requests find them); beside it every
  registered panel's figures counted without a page.
* **the weekly briefing** (`reports.services`, issue 16: under 15 s): the office drafts
  the campaign's last week with suggestions and issues it (parts, charts, docx), `--runs`
  times; beside it the parts' counts alone.
* **the measure ledger** of all measures as the office exports it
  (`rectification.exports.measures_workbook`), `--runs` times, beside a floor: the
  same rows as plain values (one `values_list`) into openpyxl's write-only sheet, no
  styles, no sources or progress.

Needs ../shared/data (the real messages file); without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import kept_platform  # noqa: E402  # after sys.path
from bench.pages import Page, Row, analyze, print_table, time_page  # noqa: E402
from bench.screening import MESSAGES  # noqa: E402

LEDGER_TARGET_S = 10.0
COORDINATOR = "hongdaolu"  # 红岛路社区联络员
COMMUNITY = "QD-SN-BDG-HDL"
SEARCH_TERM = "路面"


def data_dir(kind: str, count: int, measures: int) -> Path:
    return REPO / "data" / "bench" / f"rectification-{kind}-{count}-{measures}"


def setup_django(args: argparse.Namespace, kind: str) -> tuple[Path, Path | None]:
    return kept_platform.setup_django(
        kind,
        data_dir(kind, args.count, args.measures),
        f"{args.pg_prefix}_{args.count}_{args.measures}",
        count=args.count,
        fresh=args.fresh,
        screening_data=args.screening_data,
    )


def build(kind: str, args: argparse.Namespace, marker: Path, source: Path | None) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.rectification.models import Measure

    if marker.exists():
        built = json.loads(marker.read_text())
        if Measure.objects.filter(campaign_id=built["campaign"]).count() >= args.measures:
            print(f"[{kind}] reusing campaign {built['campaign']} ({args.measures:,} measures)")
            return built
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if source is None:
        call_command("demo", verbosity=0, stdout=io.StringIO())
        call_command("generate_suggestions", messages=MESSAGES, count=args.count, verbosity=0)
        timings["suggestions"] = time.perf_counter() - started
    else:
        timings["copied"] = time.perf_counter() - started
    campaign = Campaign.objects.filter(name__startswith="规模测试").latest("pk")
    started = time.perf_counter()
    rectification_setup(campaign, args.measures)
    timings["rectification"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    built = {
        "campaign": campaign.pk,
        "count": args.count,
        "measures": args.measures,
        "from": str(source) if source else "generate-suggestions",
        "timings": timings,
        "built_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    marker.write_text(json.dumps(built, indent=1))
    print(f"[{kind}] built: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    return built


STATES = [  # (state, share) in a campaign's last month
    ("planned", 0.25),
    ("in_progress", 0.40),
    ("done", 0.10),
    ("verified", 0.15),
    ("sent_back", 0.05),
    ("cancelled", 0.05),
]
PEOPLE = ["王主任", "李科长", "张书记", "刘站长", "陈副主任", "赵科长", "孙主任", "周干事"]
ACTIONS = [
    "对{place}破损路面进行修补，雨后无积水",
    "在{place}加装扶手和护栏",
    "更换{place}老化漏水的供水管道",
    "在{place}增设充值缴费机",
    "协调物业清理{place}楼道堆物",
    "在{place}增加路灯照明",
]


def rectification_setup(campaign: Any, n_measures: int) -> None:
    """``n_measures / 2`` problems of two suggestions each, two measures each."""
    from django.db import transaction
    from django.utils import timezone

    from zhongzhi.core import clock
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.org.models import Unit, User
    from zhongzhi.rectification.models import (
        OPEN_MEASURE_STATES,
        DueState,
        Measure,
        Problem,
        ProblemStatus,
        ProblemSuggestion,
        ProgressUpdate,
    )

    rng = random.Random(12)
    office = User.objects.get(username="office")
    units = {u.pk: u for u in Unit.objects.filter(path__startswith=campaign.owner_unit.path)}
    n_problems = n_measures // 2
    rows = list(
        Suggestion.objects.filter(campaign=campaign, unit__isnull=False)
        .order_by("pk")
        .values_list("pk", "unit_id")
    )
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in rows[:: max(1, len(rows) // (n_problems * 2 + 10))]:
        by_unit.setdefault(unit_id, []).append(pk)
    pairs: list[tuple[int, list[int]]] = []
    for unit_id, ids in by_unit.items():
        pairs += [(unit_id, ids[i : i + 2]) for i in range(0, len(ids) - 1, 2)]
    rng.shuffle(pairs)
    pairs = pairs[:n_problems]
    if len(pairs) < n_problems:
        raise SystemExit(f"only {len(pairs)} suggestion pairs for {n_problems} problems")
    today = clock.today()
    now = timezone.now()
    weights = [share for _state, share in STATES]
    with transaction.atomic():
        problems = Problem.objects.bulk_create(
            [
                Problem(
                    campaign=campaign,
                    number=n,
                    unit_id=unit_id,
                    title=f"{units[unit_id].display_name}群众反映的问题 {n}",
                    description=f"居民反映{units[unit_id].display_name}的问题，编号 {n}。",
                    origin="suggestions",
                    status=ProblemStatus.IN_PROGRESS,
                    created_by=office,
                )
                for n, (unit_id, _ids) in enumerate(pairs, start=1)
            ],
            batch_size=1000,
        )
        ProblemSuggestion.objects.bulk_create(
            [
                ProblemSuggestion(problem=problem, suggestion_id=pk)
                for problem, (_unit, ids) in zip(problems, pairs, strict=True)
                for pk in ids
            ],
            batch_size=2000,
        )
        unit_ids = list(units)
        measures = []
        for problem in problems:
            for number in (1, 2):
                state = rng.choices([s for s, _w in STATES], weights)[0]
                deadline = datetime.date(2026, 10, 20) + datetime.timedelta(rng.randrange(72))
                original = deadline - datetime.timedelta(rng.choice([0] * 9 + [14]))
                open_ = state in OPEN_MEASURE_STATES
                overdue = open_ and deadline < today
                owner = problem.unit_id if number == 1 else rng.choice(unit_ids)
                measures.append(
                    Measure(
                        problem=problem,
                        campaign=campaign,
                        number=number,
                        text=rng.choice(ACTIONS).format(place=units[owner].display_name),
                        expected_result="群众满意",
                        owner_unit_id=owner,
                        responsible_person=rng.choice(PEOPLE),
                        deadline=deadline,
                        original_deadline=original,
                        state=state,
                        state_reason="现场复查未达标" if state == "sent_back" else "",
                        percent={"planned": 0, "done": 100, "verified": 100}.get(
                            state, rng.randrange(10, 95)
                        ),
                        due_state=DueState.OVERDUE
                        if overdue
                        else (
                            DueState.DUE_SOON
                            if open_ and (deadline - today).days <= 3
                            else DueState.ON_TIME
                        ),
                        escalation=min(3, (today - deadline).days // 3 + 1) if overdue else 0,
                        verified_by=office if state == "verified" else None,
                        verified_at=now if state == "verified" else None,
                        created_by=office,
                    )
                )
        measures = Measure.objects.bulk_create(measures, batch_size=1000)
        updates = [
            ProgressUpdate(
                measure=m,
                author=office,
                at=now - datetime.timedelta(days=k * 7 + 1),
                percent=m.percent,
                text=f"第{k + 1}次报送：已按计划推进，{m.text}。",
            )
            for m in measures
            if m.state != "planned"
            for k in range(rng.choice([1, 2]))
        ]
        ProgressUpdate.objects.bulk_create(updates, batch_size=2000)


# --- measuring ------------------------------------------------------------------------------


def list_pages(campaign: Any) -> list[Page]:
    """The measure list's pages with their bare queries."""
    from django.db.models import Q
    from django.urls import reverse

    from zhongzhi.org.models import Unit
    from zhongzhi.rectification.models import Measure

    community = Unit.objects.get(code=COMMUNITY)
    rows = Measure.objects.filter(campaign=campaign)
    mine = rows.filter(
        Q(owner_unit__path__startswith=community.path)
        | Q(problem__unit__path__startswith=community.path)
    )
    later = max(1, min(100, rows.count() // 50))
    later_mine = max(1, min(10, mine.count() // 50))

    def bare(
        *, unit: Any = None, due: str = "", q: str = "", offset: int = 0
    ) -> Any:  # the same rows by a plain query
        def fetch() -> list[Any]:
            measures = rows
            if unit is not None:  # what the coordinator sees: owned or of a problem in it
                measures = measures.filter(
                    Q(owner_unit__path__startswith=unit.path)
                    | Q(problem__unit__path__startswith=unit.path)
                )
            if due:
                measures = measures.filter(
                    due_state=due, state__in=["planned", "in_progress", "sent_back"]
                )
            if q:
                measures = measures.filter(
                    Q(text__contains=q)
                    | Q(problem__title__contains=q)
                    | Q(responsible_person__contains=q)
                )
            measures = measures.select_related("problem", "owner_unit")
            return list(measures.order_by("deadline", "pk")[offset : offset + 50])

        return fetch

    base = reverse("rectification:measures", args=[campaign.pk])
    pages = [
        Page("first page", "office", base, bare()),
        Page("due=overdue", "office", base + "?due=overdue", bare(due="overdue")),
        Page(f"q={SEARCH_TERM}", "office", base + f"?q={SEARCH_TERM}", bare(q=SEARCH_TERM)),
        Page(f"page {later}", "office", base + f"?page={later}", bare(offset=(later - 1) * 50)),
        Page("first page", COORDINATOR, base, bare(unit=community)),
        Page(
            "due=overdue",
            COORDINATOR,
            base + "?due=overdue",
            bare(unit=community, due="overdue"),
        ),
        Page(
            f"page {later_mine}",
            COORDINATOR,
            base + f"?page={later_mine}",
            bare(unit=community, offset=(later_mine - 1) * 50),
        ),
    ]
    for page in pages:
        page.check = _same_count
    return pages


def _same_count(html: str, rows: list[Any]) -> None:
    if html.count('data-testid="measure-row"') != len(rows):
        raise SystemExit("the bare query fetched other rows than the page shows")


def time_pages(kind: str, campaign: Any, args: argparse.Namespace) -> list[Row]:
    from django.test import Client

    from zhongzhi.org.models import User

    clients = {}
    for name in ("office", COORDINATOR):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=name))
    rows = []
    for page in list_pages(campaign):
        row = time_page(page, clients[page.user], "measure list", args.warmup, args.requests)
        print(f"[{kind}] {row.what}: {row.measured} (bare {row.baseline}); {row.notes[0]}")
        rows.append(row)
    return rows


DASHBOARD_TARGET_MS = 500.0


def time_dashboard(kind: str, campaign: Any, args: argparse.Namespace) -> list[Row]:
    """The office's dashboard (issue 16): counted afresh on every request (the cache
    emptied before each), and as most requests find it (the figures cached, at most a
    minute old); beside the bare work, every panel's figures counted without a page."""
    rows: list[Row] = []
    for name in ("office", COORDINATOR):
        rows += _time_dashboard_as(kind, campaign, name, args)
    return rows


def _time_dashboard_as(kind: str, campaign: Any, name: str, args: argparse.Namespace) -> list[Row]:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from bench.pages import pct
    from zhongzhi.org.models import User
    from zhongzhi.reports.registry import panels

    url = reverse("reports:dashboard", args=[campaign.pk])
    user = User.objects.get(username=name)
    client = Client()
    client.force_login(user)

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} as {name}: HTTP {response.status_code}")

    def timed(cold: bool) -> list[float]:
        samples = []
        for _attempt in range(args.requests):
            if cold:
                cache.clear()
            started = time.perf_counter()
            get()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def bare() -> float:
        started = time.perf_counter()
        for registered in panels():
            registered.build(user, campaign)
        return (time.perf_counter() - started) * 1000

    for _attempt in range(args.warmup):
        cache.clear()
        get()
    cold = timed(True)
    bares = [bare() for _attempt in range(max(3, args.requests // 3))]
    warm = timed(False)
    rows = []
    for label, samples in (("counted afresh", cold), ("figures cached", warm)):
        p95 = pct(samples, 0.95)
        row = Row(
            "dashboard",
            f"{label} ({name})",
            f"{pct(samples, 0.5):.0f} / {p95:.0f} ms",
            f"{pct(bares, 0.5):.0f} / {pct(bares, 0.95):.0f} ms (panels alone)",
            f"p95 < {DASHBOARD_TARGET_MS:.0f} ms",
            p95 < DASHBOARD_TARGET_MS,
        )
        print(f"[{kind}] dashboard, {row.what}: {row.measured} (panels {row.baseline})")
        rows.append(row)
    return rows


BRIEFING_TARGET_S = 15.0


def time_briefing(kind: str, campaign: Any, args: argparse.Namespace) -> list[Row]:
    """The weekly briefing (issue 16: under 15 s): the office drafts the week that ends
    on the campaign's last day with suggestions and issues it (every part drafted, six
    charts drawn, the docx made and stored); beside it the parts' counts alone."""
    import datetime

    from django.db.models import Max
    from django.utils import timezone

    from zhongzhi.intake.models import Suggestion
    from zhongzhi.org.models import User
    from zhongzhi.reports import services
    from zhongzhi.reports.models import Briefing
    from zhongzhi.reports.registry import Period
    from zhongzhi.reports.selectors import draft_briefing

    office = User.objects.get(username="office")
    last = Suggestion.objects.filter(campaign=campaign).aggregate(at=Max("submitted_at"))["at"]
    end = min(timezone.localtime(last).date(), campaign.end_date)
    period = Period(max(campaign.start_date, end - datetime.timedelta(days=6)), end)
    walls: list[float] = []
    drafts: list[float] = []
    size = 0
    for _run in range(args.runs):
        started = time.perf_counter()
        draft_briefing(office, campaign, period)
        drafts.append(time.perf_counter() - started)
        started = time.perf_counter()
        briefing = services.briefing_issue(
            office, services.briefing_create(office, campaign, period)
        )
        walls.append(time.perf_counter() - started)
        size = briefing.docx.size
        briefing.docx.delete(save=False)
        Briefing.objects.filter(pk=briefing.pk).delete()
    wall = statistics.median(walls)
    row = Row(
        "weekly briefing",
        f"drafted and issued, {period.start:%m-%d}..{period.end:%m-%d} as the office",
        f"{wall:.2f} s",
        f"{statistics.median(drafts):.2f} s (parts counted alone)",
        f"< {BRIEFING_TARGET_S:.0f} s",
        wall < BRIEFING_TARGET_S,
        [f"runs {', '.join(f'{t:.2f}' for t in walls)} s; docx {size / 1e3:.0f} kB"],
    )
    print(f"[{kind}] {row.what}: {row.measured} (baseline {row.baseline}); {row.notes[0]}")
    return [row]


def time_ledger(kind: str, campaign: Any, args: argparse.Namespace) -> list[Row]:
    from openpyxl import Workbook, load_workbook

    from zhongzhi.org.models import User
    from zhongzhi.rectification import exports
    from zhongzhi.rectification.selectors import MeasureFilters

    office = User.objects.get(username="office")
    filters = MeasureFilters(campaign=campaign)

    def floor() -> bytes:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("floor")
        fields = [
            f
            for f in exports._MEASURE_FIELDS
            if ("__" not in f or f.startswith("owner")) and f != "verified_at"
        ]
        for row in exports.ledger_measures(office, filters).values_list(*fields).iterator(2000):
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    walls: list[float] = []
    cpus: list[float] = []
    floors: list[float] = []
    size = 0
    for _run in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        content = exports.measures_workbook(office, filters)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        size = len(content)
        started = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - started)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    n_rows = sum(1 for _row in sheet.iter_rows(min_row=4, values_only=True))
    wall = statistics.median(walls)
    row = Row(
        "measure ledger",
        f"{n_rows:,} rows as the office",
        f"{wall:.2f} s ({n_rows / wall:,.0f} rows/s)",
        f"{statistics.median(floors):.2f} s",
        f"< {LEDGER_TARGET_S:.0f} s",
        wall < LEDGER_TARGET_S,
        [
            f"runs {', '.join(f'{t:.2f}' for t in walls)} s; CPU "
            f"{statistics.median(cpus):.2f} s; {size / 1e6:.1f} MB; floor "
            + ", ".join(f"{t:.2f}" for t in floors)
        ],
    )
    print(f"[{kind}] {row.what}: {row.measured} (floor {row.baseline}); {row.notes[0]}")
    return [row]


def run(kind: str, built: dict, args: argparse.Namespace) -> int:
    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.rectification.models import Measure

    campaign = Campaign.objects.select_related("owner_unit").get(pk=built["campaign"])
    print(
        f"[{kind}] campaign {campaign.pk}: "
        f"{Suggestion.objects.filter(campaign=campaign).count():,} suggestions, "
        f"{Measure.objects.filter(campaign=campaign).count():,} measures; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    rows: list[Row] = []
    parts = set(args.only.split(","))
    if "pages" in parts:
        rows += time_pages(kind, campaign, args)
    if "ledger" in parts:
        rows += time_ledger(kind, campaign, args)
    if "dashboard" in parts:
        rows += time_dashboard(kind, campaign, args)
    if "briefing" in parts:
        rows += time_briefing(kind, campaign, args)
    print(f"[{kind}] load average {os.getloadavg()[0]:.1f} at the end")
    print_table(kind, rows)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--count", type=int, default=151_681)
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="ledger runs")
    parser.add_argument("--screening-data", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="build the platform again")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--pg-prefix", default="zhongzhi_bench_rectification")
    parser.add_argument(
        "--only", default="pages,ledger,dashboard,briefing", help="which parts (comma list)"
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
    marker, source = setup_django(args, args.db)
    built = build(args.db, args, marker, source)
    if args.build_only:
        return 0
    analyze(args.db)
    return run(args.db, built, args)


if __name__ == "__main__":
    sys.exit(main())
