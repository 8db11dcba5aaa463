"""Essays at the size of a district: 97 units, 3,000 writers (about 31 a unit), two
thirds handed in (some late, some excellent), a tenth with a draft. Measures the
completion-by-unit selector and the office's and a coordinator's overview page
(`essays:overview`, through Django's test Client) on a throwaway database.

    .venv/bin/python bench/essays.py --db both
    .venv/bin/python bench/essays.py --db postgresql --writers 10000

Prints p50 / p95 in milliseconds and the page's query count. Needs no corpus.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.throwaway import throwaway_platform  # noqa: E402  # after sys.path


def build(writers: int) -> tuple[int, str, str]:
    from django.utils import timezone

    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.essays.models import Essay, EssayAssignment, EssayState
    from zhongzhi.org import services as org_services
    from zhongzhi.org.models import Membership, Role, UnitKind, User

    street = org_services.unit_create(code="B", name="街道", kind=UnitKind.SUBDISTRICT)
    units = [
        org_services.unit_create(
            code=f"B-{n:03d}", name=f"单位{n:03d}", kind=UnitKind.COMMUNITY, parent=street
        )
        for n in range(97)
    ]
    office = User.objects.create_user(username="office", password="x")
    Membership.objects.create(user=office, unit=street, role=Role.OFFICE)
    coordinator = User.objects.create_user(username="coordinator", password="x")
    Membership.objects.create(user=coordinator, unit=units[0], role=Role.COORDINATOR)
    campaign = Campaign.objects.create(
        name="大讨论",
        owner_unit=street,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    people = User.objects.bulk_create(User(username=f"w{n}") for n in range(writers))
    Membership.objects.bulk_create(
        Membership(user=u, unit=units[n % 97], role=Role.STAFF) for n, u in enumerate(people)
    )
    due = datetime.date(2026, 11, 30)
    EssayAssignment.objects.bulk_create(
        EssayAssignment(campaign=campaign, writer=u, unit=units[n % 97], due_date=due)
        for n, u in enumerate(people)
    )
    now = timezone.now()
    essays = []
    for n, a in enumerate(EssayAssignment.objects.order_by("pk")):
        if n % 3 == 2 and n % 10:
            continue
        submitted = n % 3 != 2
        essays.append(
            Essay(
                assignment=a,
                title=f"心得{n}",
                text="解放思想" * 200,
                state=EssayState.SUBMITTED if submitted else EssayState.DRAFT,
                submitted_at=now if submitted else None,
                submitted_on=(due + datetime.timedelta(days=n % 5 - 3)) if submitted else None,
                excellent=submitted and n % 17 == 0,
            )
        )
    Essay.objects.bulk_create(essays, batch_size=1000)
    return campaign.pk, office.username, coordinator.username


def timed(run, requests: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        run()
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _time_import(kind: str, campaign, office_name: str, count: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` more accounts in the units, then the office imports them from an xlsx
    that leaves the unit column empty (each account's one unit is found)."""
    import io

    from openpyxl import Workbook

    from zhongzhi.essays.imports import import_writers
    from zhongzhi.org.models import Membership, Role, Unit, User

    units = list(Unit.objects.filter(code__startswith="B-").order_by("code"))
    people = User.objects.bulk_create(User(username=f"new{n}") for n in range(count))
    Membership.objects.bulk_create(
        Membership(user=u, unit=units[n % len(units)], role=Role.STAFF)
        for n, u in enumerate(people)
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["登录名", "姓名", "单位编码", "截止日期"])
    for u in people:
        sheet.append([u.username, "", "", "2026-11-30"])
    buffer = io.BytesIO()
    book.save(buffer)
    start = time.perf_counter()
    result = import_writers(
        workbook=buffer.getvalue(), campaign=campaign, actor=User.objects.get(username=office_name)
    )
    seconds = time.perf_counter() - start
    if not result.ok or result.created != count:
        raise SystemExit(f"import failed: {result.errors[:3]}")
    print(f"[{kind}] import of {count} writers from xlsx: {seconds:.2f} s")


def measure(
    kind: str, writers: int, requests: int, verbose: bool = False, imported: int = 2000
) -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    with throwaway_platform(kind):
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from zhongzhi.campaigns.models import Campaign
        from zhongzhi.essays.selectors import completion_by_unit
        from zhongzhi.org.models import User

        call_command("collectstatic", interactive=False, verbosity=0)
        started = time.perf_counter()
        campaign_id, office_name, coordinator_name = build(writers)
        print(f"[{kind}] built {writers} writers in {time.perf_counter() - started:.1f} s")
        campaign = Campaign.objects.get(pk=campaign_id)
        url = reverse("essays:overview", args=[campaign_id])

        def selector() -> None:
            completion_by_unit(User.objects.get(username=office_name), campaign)

        p50, p95 = timed(selector, requests)
        print(f"[{kind}] completion_by_unit (97 units): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        for name in (office_name, coordinator_name):
            client = Client()
            client.force_login(User.objects.get(username=name))
            slow: list[tuple[float, str]] = []

            def timing(execute, sql, params, many, context, slow=slow):  # type: ignore[no-untyped-def]
                start = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    slow.append(((time.perf_counter() - start) * 1000, sql))

            with connection.execute_wrapper(timing):
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"overview as {name}: {response.status_code}")
            p50, p95 = timed(lambda c=client: c.get(url), requests)
            print(
                f"[{kind}] overview as {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
                f"{len(slow)} queries, the slowest {max(slow)[0]:.1f} ms"
            )
            if verbose:
                for ms, sql in sorted(slow, reverse=True)[:3]:
                    print(f"    {ms:.1f} ms {sql[:300]}")
        _time_import(kind, campaign, office_name, imported)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--writers", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--verbose", action="store_true", help="the slowest queries")
    parser.add_argument("--imported", type=int, default=2000, help="writers in the xlsx import")
    args = parser.parse_args()
    if args.db == "both":  # Django is set up once per process: one process per database
        for kind in ("sqlite", "postgresql"):
            command = [sys.executable, "-u", __file__, *sys.argv[1:], "--db", kind]
            subprocess.run(command, check=True)
        return 0
    measure(args.db, args.writers, args.requests, args.verbose, args.imported)
    return 0


if __name__ == "__main__":
    sys.exit(main())
