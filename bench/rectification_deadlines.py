"""The daily deadline sweep over 10,000 measures (issue 12, "Speed": under 5 s).

    .venv/bin/python -u bench/rectification_deadlines.py [--db sqlite|postgresql|both]
        [--measures 10000] [--seed 7]

For each database (one process each) a fresh platform: a street with 50 communities
(a coordinator each, half with an email address; 5 supervisors over 10 communities
each; the office and two leaders), one campaign, ``--measures`` measures (two per
problem, bulk_create) with deadlines spread from 20 days before the first sweep day to
40 after, 85% of them still open. Then, in the same run:

* **naive per-row loop** (the baseline, rolled back): each open measure loaded and
  saved on its own, each step an ``Escalation.objects.create``, an ``audit_record``
  and a notification per person — what a first attempt does;
* **bare UPDATE** (the floor, rolled back): the one ``UPDATE … SET due_state =
  'overdue'`` the sweep cannot do without;
* **first day**: ``sweep_deadlines`` on a platform never swept (every overdue measure
  gets all the steps it passed: thousands of escalations, audit entries, digests);
* **ordinary day**: the next day's sweep (only what crossed a threshold overnight);
* **again**: the same day once more (idempotent: nothing to do).

The URL configuration is loaded before the timings (a worker process loads it once,
on its first run).

Emails go to Django's in-memory mailer (counted, not sent). Needs PostgreSQL at
127.0.0.1:5432 (user postgres) for ``--db postgresql``; the database
``zhongzhi_bench_deadlines`` is dropped and made again on each run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "zhongzhi_bench_deadlines"
TARGET_S = 5.0
FIRST_DAY = datetime.date(2026, 11, 20)
COMMUNITIES = 50


def setup_django(kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix=f"zhongzhi-deadlines-{kind}-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhongzhi.settings"
    os.environ["ZHONGZHI_DATA_DIR"] = str(folder)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'.encode())
            conn.execute(f'CREATE DATABASE "{PG_NAME}"'.encode())
        os.environ["DATABASE_URL"] = f"{PG_URL}/{PG_NAME}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def build(measures: int, seed: int) -> Any:
    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.org.models import Membership, Role, UnitKind, User
    from zhongzhi.org.services import unit_create
    from zhongzhi.rectification.models import Measure, MeasureState, Problem

    rng = random.Random(seed)
    city = unit_create(code="QD", name="青岛市", kind=UnitKind.CITY)
    district = unit_create(code="QD-SN", name="市南区", kind=UnitKind.DISTRICT, parent=city)
    street = unit_create(
        code="QD-SN-BDG", name="八大关街道", kind=UnitKind.SUBDISTRICT, parent=district
    )
    communities = [
        unit_create(
            code=f"QD-SN-BDG-{n:02d}", name=f"第{n}社区", kind=UnitKind.COMMUNITY, parent=street
        )
        for n in range(COMMUNITIES)
    ]
    people: list[tuple[User, Any, str]] = []

    def account(name: str, email: bool = False) -> User:
        return User(username=name, full_name=name, email=f"{name}@example.gov.cn" if email else "")

    office, leader, district_leader = account("office", True), account("leader"), account("dl")
    people += [(office, street, Role.OFFICE), (leader, street, Role.LEADER)]
    people += [(district_leader, district, Role.LEADER)]
    for n, unit in enumerate(communities):
        people.append((account(f"coordinator{n}", n % 2 == 0), unit, Role.COORDINATOR))
    supervisors = [account(f"supervisor{n}") for n in range(5)]
    for n, unit in enumerate(communities):
        people.append((supervisors[n % 5], unit, Role.SUPERVISOR))
    users = {user.username: user for user, _unit, _role in people}
    User.objects.bulk_create(users.values())
    saved = {user.username: user for user in User.objects.all()}
    Membership.objects.bulk_create(
        Membership(user=saved[user.username], unit=unit, role=role) for user, unit, role in people
    )
    campaign = Campaign.objects.create(
        name="八大关街道解放思想大讨论",
        owner_unit=street,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 1, 31),
    )
    problems = Problem.objects.bulk_create(
        [
            Problem(
                campaign=campaign,
                number=n + 1,
                unit=communities[n % COMMUNITIES],
                title=f"问题{n + 1}",
                description="居民反映的问题",
                origin="self",
            )
            for n in range(measures // 2)
        ],
        batch_size=1000,
    )
    open_states = [MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.SENT_BACK]
    rows = []
    for problem in problems:
        for number in (1, 2):
            deadline = FIRST_DAY + datetime.timedelta(days=rng.randint(-20, 40))
            state = (
                rng.choice(open_states)
                if rng.random() < 0.85
                else rng.choice([MeasureState.DONE, MeasureState.VERIFIED])
            )
            rows.append(
                Measure(
                    problem=problem,
                    campaign=campaign,
                    number=number,
                    text="整改措施",
                    owner_unit=problem.unit,
                    responsible_person="责任人",
                    deadline=deadline,
                    original_deadline=deadline,
                    state=state,
                )
            )
    Measure.objects.bulk_create(rows, batch_size=1000)
    return campaign


def naive(campaign: Any, day: datetime.date) -> dict[str, int]:
    """Per row: load, decide, save; per step a create, an audit entry, a notification."""
    from zhongzhi.audit.models import AuditAction
    from zhongzhi.audit.services import audit_record
    from zhongzhi.notifications.selectors import coordinators_of
    from zhongzhi.notifications.services import notify
    from zhongzhi.rectification.models import (
        OPEN_MEASURE_STATES,
        Escalation,
        Measure,
        RectificationSettings,
    )
    from zhongzhi.rectification.services.deadlines import STEPS, step_days

    rules = RectificationSettings(campaign=campaign)
    steps = 0
    measures = Measure.objects.filter(campaign=campaign, state__in=OPEN_MEASURE_STATES)
    for measure in measures.select_related("owner_unit"):
        days = (day - measure.deadline).days
        soon = 0 <= -days <= rules.due_soon_days
        measure.due_state = "overdue" if days > 0 else "due_soon" if soon else ""
        for level in STEPS:
            if measure.escalation < level and days >= step_days(rules, level):
                Escalation.objects.create(
                    measure=measure, level=level, deadline=measure.deadline, days_overdue=days
                )
                audit_record(
                    action=AuditAction.ESCALATE,
                    target=measure,
                    actor=None,
                    campaign=campaign,
                    unit=measure.owner_unit,
                )
                for user in coordinators_of([measure.owner_unit_id]).get(measure.owner_unit_id, []):
                    notify(user, kind="deadlines", text=f"{measure.pk} 逾期 {days} 天")
                measure.escalation = level
                steps += 1
        measure.save(update_fields=["due_state", "escalation"])
    return {"steps": steps}


def bare_update(campaign: Any, day: datetime.date) -> dict[str, int]:
    from zhongzhi.rectification.models import OPEN_MEASURE_STATES, Measure

    updated = Measure.objects.filter(
        campaign=campaign, state__in=OPEN_MEASURE_STATES, deadline__lt=day
    ).update(due_state="overdue")
    return {"updated": updated}


def timed_rolled_back(work: Any, *args: Any) -> tuple[float, dict[str, int]]:
    from django.db import transaction

    with transaction.atomic():
        started = time.perf_counter()
        result = work(*args)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, result


def run(kind: str, measures: int, seed: int) -> int:
    started = time.perf_counter()
    setup_django(kind)
    campaign = build(measures, seed)
    print(f"[{kind}] built {measures} measures in {time.perf_counter() - started:.1f}s")
    from django.core import mail
    from django.urls import reverse

    from zhongzhi.rectification.services.deadlines import sweep_deadlines

    # The URL configuration loads once per process (a second or two), on the worker's
    # first day; the figures are for the days after.
    reverse("rectification:home")
    mail.outbox = []
    naive_s, naive_result = timed_rolled_back(naive, campaign, FIRST_DAY)
    bare_s, bare_result = timed_rolled_back(bare_update, campaign, FIRST_DAY)
    results = []
    for label, day in [
        ("first day", FIRST_DAY),
        ("ordinary day", FIRST_DAY + datetime.timedelta(days=1)),
        ("again", FIRST_DAY + datetime.timedelta(days=1)),
    ]:
        mail.outbox = []
        cpu = time.process_time()
        summary = sweep_deadlines(day)
        results.append((label, summary, len(mail.outbox), time.process_time() - cpu))
    print(f"[{kind}] naive per-row loop (baseline): {naive_s:.2f}s, {naive_result['steps']} steps")
    print(f"[{kind}] bare UPDATE (floor):           {bare_s:.3f}s, {bare_result['updated']} rows")
    # CPU time beside wall time: on a shared machine the wall time moves with the load.
    print(f"[{kind}] load average {os.getloadavg()[0]:.1f}")
    for label, summary, emails, cpu in results:
        steps = summary.escalations
        verdict = "ok" if summary.seconds < TARGET_S else "OVER TARGET"
        print(
            f"[{kind}] {label:<13} {summary.seconds:6.2f}s (CPU {cpu:.2f}s; {verdict}, "
            f"target {TARGET_S:.0f}s): "
            f"{summary.due_soon} due soon, {summary.overdue} overdue, "
            f"催办 {steps[1]} 督办 {steps[2]} 挂牌督办 {steps[3]}, "
            f"{summary.notifications} digests, {emails} emails"
        )
    return 0 if all(summary.seconds < TARGET_S for _label, summary, _emails, _cpu in results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.db == "both":  # Django is set up once per process: one process per database
        codes = [
            subprocess.run([sys.executable, "-u", __file__, *sys.argv[1:], "--db", kind]).returncode
            for kind in ("sqlite", "postgresql")
        ]
        return max(codes)
    return run(args.db, args.measures, args.seed)


if __name__ == "__main__":
    sys.exit(main())
