"""The "7+11" coverage matrix at the seed's scale (issue 15, "Speed"): 97 units (seed
003's 12 supervision groups cover 97), 2,000 activities and a 151,681-suggestion
campaign; the matrix for the whole campaign, for a district (a subtree) and for one
unit, as the selector and as the page, p50 / p95.

    .venv/bin/python -u bench/activities_coverage.py [--db sqlite|postgresql|both]
        [--count 151681] [--units 97] [--activities 2000] [--requests 30] [--warmup 5]
        [--fresh]

Each database is built once and kept, keyed by size: SQLite under
`data/bench/activities-<count>-<activities>/`, PostgreSQL in the database
`wt_activities_bench_<count>_<activities>`. The rows are written by bulk_create
(the matrix reads categories, topics, units and statuses, not texts): suggestions
spread over the units, 7 categories and 11 topics (a tenth without a category or a
topic, a twentieth judged invalid), activities with one to four categories attending
and one to three topics each. `--fresh` builds again. The target is 300 ms p95.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pages import pct  # noqa: E402  # after sys.path

PG_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_MS = 300.0


def folder_for(args: argparse.Namespace) -> Path:
    return REPO / "data" / "bench" / f"activities-{args.count}-{args.activities}"


def setup_django(kind: str, args: argparse.Namespace) -> Path:
    folder = folder_for(args) / kind
    marker = folder / "built.json"
    if args.fresh and marker.exists():
        marker.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhongzhi.settings"
    os.environ["ZHONGZHI_DATA_DIR"] = str(folder)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    if kind == "postgresql":
        import psycopg

        name = f"wt_activities_bench_{args.count}_{args.activities}"
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not marker.exists():
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)'.encode())
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"'.encode())
        os.environ["DATABASE_URL"] = f"{PG_URL}/{name}"
    else:
        os.environ.pop("DATABASE_URL", None)
        if not marker.exists():
            for suffix in ("", "-wal", "-shm"):
                (folder / f"zhongzhi.sqlite3{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return marker


def build(kind: str, args: argparse.Namespace, marker: Path) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from zhongzhi.activities.models import Activity, ActivityAttendance
    from zhongzhi.activities.services import activity_kinds_ensure
    from zhongzhi.campaigns import services as campaign_services
    from zhongzhi.campaigns.models import ParticipantCategory, Topic
    from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
    from zhongzhi.intake.receipt_codes import new_receipt_code
    from zhongzhi.org import services as org_services
    from zhongzhi.org.models import Membership, Role, UnitKind, User

    if marker.exists():
        built: dict[str, Any] = json.loads(marker.read_text())
        print(f"[{kind}] reusing campaign {built['campaign']}")
        return built
    started = time.perf_counter()
    rng = random.Random(15)
    city = org_services.unit_create(code="JC", name="晋城市", kind=UnitKind.CITY)
    units = [city]
    districts = []
    for d in range(8):
        district = org_services.unit_create(
            code=f"JC-{d:02d}", name=f"第{d + 1}区", kind=UnitKind.DISTRICT, parent=city
        )
        districts.append(district)
        units.append(district)
    for n in range(args.units - len(units)):
        parent = districts[n % len(districts)]
        units.append(
            org_services.unit_create(
                code=f"{parent.code}-{n:03d}",
                name=f"{parent.name}单位{n + 1}",
                kind=UnitKind.DEPARTMENT,
                parent=parent,
            )
        )
    office = User.objects.create(username="bench-office", full_name="办公室")
    Membership.objects.create(user=office, unit=city, role=Role.OFFICE)
    coordinator = User.objects.create(username="bench-coordinator", full_name="联络员")
    Membership.objects.create(user=coordinator, unit=districts[0], role=Role.COORDINATOR)
    campaign = campaign_services.campaign_create(
        name="规模测试：覆盖情况",
        owner_unit=city,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 12, 31),
        templates=["7+11"],
    )
    kinds = activity_kinds_ensure(campaign=campaign)
    categories = list(ParticipantCategory.objects.filter(campaign=campaign))
    topics = list(Topic.objects.filter(campaign=campaign))
    assert len(categories) == 7 and len(topics) == 11
    start = timezone.make_aware(datetime.datetime(2026, 9, 1, 8))
    batch: list[Suggestion] = []
    for number in range(1, args.count + 1):
        batch.append(
            Suggestion(
                campaign=campaign,
                receipt_code=new_receipt_code(),
                number=number,
                text="建议",
                channel=Channel.ONLINE,
                category=None if rng.random() < 0.1 else rng.choice(categories),
                topic=None if rng.random() < 0.1 else rng.choice(topics),
                unit=rng.choice(units),
                status=SuggestionStatus.INVALID
                if rng.random() < 0.05
                else SuggestionStatus.ACCEPTED,
                submitted_at=start + datetime.timedelta(seconds=rng.randrange(80 * 86400)),
                in_duplicate_index=True,
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Suggestion.objects.bulk_create(batch)
            batch = []
    Suggestion.objects.bulk_create(batch)
    activities = Activity.objects.bulk_create(
        Activity(
            campaign=campaign,
            unit=rng.choice(units),
            kind=rng.choice(kinds),
            name=f"活动{n}",
            held_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=rng.randrange(80)),
        )
        for n in range(args.activities)
    )
    Through = Activity.topics.through
    Through.objects.bulk_create(
        Through(activity_id=a.pk, topic_id=t.pk)
        for a in activities
        for t in rng.sample(topics, rng.randint(1, 3))
    )
    ActivityAttendance.objects.bulk_create(
        ActivityAttendance(activity=a, category=c, count=rng.randint(1, 40))
        for a in activities
        for c in rng.sample(categories, rng.randint(1, 4))
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    built = {
        "campaign": campaign.pk,
        "district": districts[0].pk,
        "unit": units[-1].pk,
        "build_s": round(time.perf_counter() - started, 1),
        "built_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    marker.write_text(json.dumps(built, indent=1))
    print(f"[{kind}] built in {built['build_s']} s")
    return built


def measure(
    kind: str, args: argparse.Namespace, built: dict[str, Any]
) -> list[tuple[str, float, float]]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from zhongzhi.activities.selectors import coverage_matrix
    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.org.models import Unit, User

    campaign = Campaign.objects.select_related("owner_unit").get(pk=built["campaign"])
    district = Unit.objects.get(pk=built["district"])
    subtree = list(Unit.objects.filter(path__startswith=district.path).values_list("pk", flat=True))
    office = Client()
    office.force_login(User.objects.get(username="bench-office"))
    coordinator = Client()
    coordinator.force_login(User.objects.get(username="bench-coordinator"))
    url = reverse("activities:coverage", args=[campaign.pk])
    cases: list[tuple[str, Any]] = [
        ("selector, campaign", lambda: coverage_matrix(campaign)),
        (f"selector, district ({len(subtree)} units)", lambda: coverage_matrix(campaign, subtree)),
        ("selector, one unit", lambda: coverage_matrix(campaign, [built["unit"]])),
        ("page, office, campaign", lambda: office.get(url)),
        ("page, office, district", lambda: office.get(f"{url}?unit={district.pk}")),
        ("page, coordinator (district)", lambda: coordinator.get(url)),
    ]
    rows = []
    for name, call in cases:
        for _ in range(args.warmup):
            call()
        times = []
        for _ in range(args.requests):
            began = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - began) * 1000)
            if hasattr(result, "status_code"):
                assert result.status_code == 200, result.status_code
        rows.append((name, pct(times, 0.5), pct(times, 0.95)))
    with CaptureQueriesContext(connection) as queries:
        coverage_matrix(campaign)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    print(f"[{kind}] the matrix: {len(queries)} queries; slowest {slowest['time']} s")
    if kind == "postgresql":
        with connection.cursor() as cursor:
            counted = (
                Suggestion.objects.filter(
                    campaign=campaign, category__isnull=False, topic__isnull=False
                )
                .exclude(status="invalid")
                .values_list("category_id", "topic_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            sql, params = counted.query.sql_with_params()
            cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"[{kind}] plan of the suggestion count:\n  " + "\n  ".join(plan))
    return rows


def one(kind: str, args: argparse.Namespace) -> int:
    marker = setup_django(kind, args)
    built = build(kind, args, marker)
    rows = measure(kind, args, built)
    print(
        f"\n[{kind}] {args.count:,} suggestions, {args.activities:,} activities, {args.units} units"
    )
    print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8}")
    failed = False
    for name, p50, p95 in rows:
        ok = p95 < TARGET_MS
        failed |= not ok
        print(f"{name:34} {p50:8.1f} {p95:8.1f} {'ok' if ok else 'OVER ' + str(TARGET_MS)}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--count", type=int, default=151_681)
    parser.add_argument("--units", type=int, default=97)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one(args.one, args)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    status = 0
    for kind in kinds:  # one process each: Django is set up once per process
        status |= subprocess.call([sys.executable, "-u", __file__, *sys.argv[1:], "--one", kind])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
