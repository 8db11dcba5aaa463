"""Supervision at the seed's scale (issue 15, "Speed"): 97 units, 12 supervision groups
and the 151,681-suggestion campaign; the office's group overview and a group's own
page, each beside the bare work behind it.

    .venv/bin/python -u bench/supervision.py [--db sqlite|postgresql|both]
        [--count 151681] [--units 97] [--groups 12] [--requests 30] [--warmup 5] [--fresh]

For each database (one process each), a platform kept between runs —
`data/bench/supervision-<db>-<count>/` and, for PostgreSQL, the database
`<--pg-prefix>_<count>` — made from `bench/screening.py`'s kept platform of the same
size (`bench/kept_platform.py`). On it: communities and departments added under the
street until the campaign has `--units` units below its owner; `--groups` groups of
three supervisors, the units dealt out among them; one to three inspections of most
units (a fifth of each group's units not yet visited) and a finding on every third
inspection, which becomes a problem with a measure (`supervision.services`, as a
member records them). Then, through Django's test Client (`bench/pages.py`):

* **the group overview** (`supervision:overview`) as the office: every group's
  coverage side by side; its bare query is the groups with their unit counts in one
  grouped query.
* **a group's page** (`supervision:group`) as its leader: its units with their last
  inspection, its inspections; bare: the group's units and inspections, plain.

Target: p95 under 300 ms on both databases. Needs ../shared/data (the real messages
file, for the screening platform); without it the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
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

TARGET_MS = 300.0
METHODS = [["on_site"], ["ledgers"], ["on_site", "interviews"], ["unannounced"]]
FINDINGS = [
    ("台账记录不完整", "意见建议登记台账缺少办理结果。", "补齐台账，写明每条建议的办理结果。"),
    ("座谈会覆盖不全", "本月座谈会未邀请居民代表。", "补开一次居民代表座谈会。"),
    ("整改进度滞后", "两项整改措施超过时限未报进展。", "一周内报送整改进展。"),
]


def data_dir(kind: str, count: int) -> Path:
    return REPO / "data" / "bench" / f"supervision-{kind}-{count}"


def build(kind: str, args: argparse.Namespace, marker: Path, source: Path | None) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from zhongzhi.campaigns.models import Campaign

    if marker.exists():
        built = json.loads(marker.read_text())
        print(f"[{kind}] reusing campaign {built['campaign']}")
        return built
    started = time.perf_counter()
    if source is None:
        import io

        call_command("demo", verbosity=0, stdout=io.StringIO())
        call_command("generate_suggestions", messages=MESSAGES, count=args.count, verbosity=0)
    campaign = Campaign.objects.filter(name__startswith="规模测试").latest("pk")
    supervision_setup(campaign, args.units, args.groups)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if kind == "postgresql" else "ANALYZE")
    built = {
        "campaign": campaign.pk,
        "count": args.count,
        "units": args.units,
        "groups": args.groups,
        "from": str(source) if source else "generate-suggestions",
        "seconds": round(time.perf_counter() - started),
        "built_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    marker.write_text(json.dumps(built, indent=1))
    print(f"[{kind}] built in {built['seconds']} s")
    return built


def supervision_setup(campaign: Any, n_units: int, n_groups: int) -> None:
    from django.db import transaction

    from zhongzhi.core import clock
    from zhongzhi.org.models import Unit, UnitKind, User
    from zhongzhi.org.services import unit_create
    from zhongzhi.supervision.services import finding_add, group_save, inspection_record

    owner = campaign.owner_unit
    office = User.objects.get(username="office")
    below = Unit.objects.filter(path__startswith=owner.path).exclude(pk=owner.pk)
    with transaction.atomic():
        for number in range(below.count() + 1, n_units + 1):
            kind = UnitKind.COMMUNITY if number % 3 else UnitKind.DEPARTMENT
            name = f"第{number}社区" if kind == UnitKind.COMMUNITY else f"第{number}科室"
            unit_create(code=f"BENCH-U{number:03d}", name=name, kind=kind, parent=owner)
    units = list(below.order_by("path"))[:n_units]
    today = clock.today()
    days = max(1, (min(today, campaign.end_date) - campaign.start_date).days)
    inspections = findings = 0
    for g in range(n_groups):
        members = [
            User.objects.get_or_create(
                username=f"bench-sup-{g + 1:02d}-{m}",
                defaults={"full_name": f"督导组{g + 1}组员{m}"},
            )[0]
            for m in range(1, 4)
        ]
        covered = units[g::n_groups]
        with transaction.atomic():
            group = group_save(
                campaign=campaign,
                actor=office,
                name=f"第{g + 1}督导组",
                leader=members[0],
                members=members,
                units=covered,
            )
            for u, unit in enumerate(covered):
                if u % 5 == 4:
                    continue  # not yet visited
                for visit in range(1 + u % 3):
                    inspection = inspection_record(
                        group=group,
                        actor=members[visit % 3],
                        unit=unit,
                        date=campaign.start_date
                        + datetime.timedelta(days=(u * 7 + visit * 11) % days),
                        methods=METHODS[(u + visit) % len(METHODS)],
                        notes="查阅台账、实地查看。",
                    )
                    inspections += 1
                    if inspections % 3 == 0:
                        title, description, requirement = FINDINGS[inspections % len(FINDINGS)]
                        finding_add(
                            inspection=inspection,
                            actor=members[0],
                            title=title,
                            description=description,
                            requirement=requirement,
                            deadline=min(
                                campaign.end_date, today + datetime.timedelta(days=1 + u % 20)
                            ),
                        )
                        findings += 1
    print(f"{len(units)} units, {n_groups} groups, {inspections} inspections, {findings} findings")


def pages(campaign: Any) -> list[Page]:
    from django.db.models import Count
    from django.urls import reverse

    from zhongzhi.supervision.models import SupervisionGroup

    groups = SupervisionGroup.objects.filter(campaign=campaign)
    first = groups.order_by("name").first()
    assert first is not None and first.leader is not None

    def overview_bare() -> list[Any]:
        return list(groups.annotate(n=Count("units")).values_list("name", "n"))

    def group_bare() -> list[Any]:
        return list(first.units.values_list("name", flat=True)) + list(
            first.inspections.select_related("unit").values_list("unit__name", "date")
        )

    def same_groups(html: str, rows: list[Any]) -> None:
        shown = html.count('data-testid="group-row"')
        if shown != len(rows):
            raise SystemExit(f"the overview shows {shown} groups, the campaign has {len(rows)}")

    return [
        Page(
            "group overview",
            "office",
            reverse("supervision:overview", args=[campaign.pk]),
            overview_bare,
            same_groups,
        ),
        Page(
            f"group page ({first.name})",
            first.leader.username,
            reverse("supervision:group", args=[first.pk]),
            group_bare,
        ),
    ]


def run(kind: str, built: dict, args: argparse.Namespace) -> int:
    from django.test import Client

    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.intake.models import Suggestion
    from zhongzhi.org.models import User

    campaign = Campaign.objects.select_related("owner_unit").get(pk=built["campaign"])
    print(
        f"[{kind}] campaign {campaign.pk}: "
        f"{Suggestion.objects.filter(campaign=campaign).count():,} suggestions; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    rows: list[Row] = []
    for page in pages(campaign):
        client = Client()
        client.force_login(User.objects.get(username=page.user))
        row = time_page(page, client, "supervision", args.warmup, args.requests)
        p95 = float(row.measured.split(" / ")[1].split()[0])
        row.target, row.ok = f"p95 < {TARGET_MS:.0f} ms", p95 < TARGET_MS
        rows.append(row)
        print(f"[{kind}] {row.what}: {row.measured} (bare {row.baseline}); {row.notes[0]}")
    print(f"[{kind}] load average {os.getloadavg()[0]:.1f} at the end")
    print_table(kind, rows)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--count", type=int, default=151_681)
    parser.add_argument("--units", type=int, default=97)
    parser.add_argument("--groups", type=int, default=12)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--screening-data", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="build the platform again")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--pg-prefix", default="zhongzhi_bench_supervision")
    args = parser.parse_args()
    if not MESSAGES.exists():
        print(f"../shared/data not found: {MESSAGES} is missing; nothing to measure.")
        return 0
    if args.db == "both":  # Django is set up once per process: one process per database
        for kind in ("sqlite", "postgresql"):
            command = [sys.executable, "-u", __file__, *sys.argv[1:], "--db", kind]
            subprocess.run(command, check=True)
        return 0
    marker, source = kept_platform.setup_django(
        args.db,
        data_dir(args.db, args.count),
        f"{args.pg_prefix}_{args.count}",
        count=args.count,
        fresh=args.fresh,
        screening_data=args.screening_data,
    )
    built = build(args.db, args, marker, source)
    if args.build_only:
        return 0
    analyze(args.db)
    return run(args.db, built, args)


if __name__ == "__main__":
    sys.exit(main())
