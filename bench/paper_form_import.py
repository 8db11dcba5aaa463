"""A 10,000-row 意见表 (paper opinion form) import, beside the floor of reading and inserting.

    .venv/bin/python bench/paper_form_import.py [--db sqlite|postgresql|both]
        [--rows 10000] [--repeat 3]

For each database: a throwaway platform with the demo campaign (`bench/throwaway.py`),
a workbook of `--rows` generated rows in the product's column layout (titles, texts of
60-400 characters, topics, categories, units by name and by code, channels, names,
phones, anonymity, dates), then per repeat:

* **import**: `intake.paper_form.paper_form_import` as the upload job runs it — read,
  check every row, insert in batches with receipt codes — timed whole, plus its read
  step (`read_sheet`) alone;
* **floor**: openpyxl's read-only reader over the same file, then one
  `Suggestion.objects.bulk_create` of the rows as they are: no checks, no receipt-code
  retries, no idempotency keys. What any import of this file must at least spend.

Each repeat imports a new file (one cell differs), so none is "already imported".
Prints medians: wall and CPU seconds, rows per second, import / floor.
"""

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.throwaway import throwaway_platform  # noqa: E402

TARGET_SECONDS = 10.0
CHANNELS = ["", "来信", "座谈会", "意见表导入"]
PLACES = ["兴安支路2号", "红岛路5号", "和惠居", "莱阳路22号", "鱼山路4号", "八大关景区"]
PROBLEMS = [
    "路面坑洼不平，下雨天积水严重",
    "护栏被车撞坏，老人孩子经过很危险",
    "楼道没有扶手，老人上下楼困难",
    "自来水管道老化漏水，地下室常年积水",
    "晚上路灯不亮，出行不安全",
    "缺少健身器材和文化活动场地",
]
PROPOSALS = [
    "建议尽快安排维修，并建立定期巡查制度",
    "建议社区协调物业加装扶手和太阳能路灯",
    "建议街道牵头，组织相关部门现场办公解决",
    "建议多开展文体活动，丰富居民业余生活",
]


def workbook(rows: int, seed: int) -> bytes:
    from openpyxl import Workbook

    from zhongzhi.campaigns.models import ParticipantCategory, Topic
    from zhongzhi.intake.paper_form import COLUMNS, SHEET_TITLE
    from zhongzhi.org.models import Unit

    rng = random.Random(seed)
    topics = list(Topic.objects.values_list("name", flat=True))
    categories = list(ParticipantCategory.objects.values_list("name", flat=True))
    units = list(Unit.objects.filter(depth__gte=2).values_list("name", "code"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append([column.name for column in COLUMNS])
    for n in range(rows):
        text = "".join(
            f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}。{rng.choice(PROPOSALS)}。"
            for _ in range(rng.randint(1, 6))
        )
        name, code = rng.choice(units)
        sheet.append(
            [
                text[:12] if n % 2 else "",
                f"{n}：{text}",
                rng.choice(topics) if n % 3 else "",
                rng.choice(categories),
                name if n % 2 else code,
                rng.choice(CHANNELS),
                f"居民{n}",
                f"1380013{n % 10000:04d}" if n % 4 else "",
                "是" if n % 10 == 0 else "否",
                f"2026-10-{1 + n % 28:02d}",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(work: Any) -> tuple[float, float, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - started, time.process_time() - cpu, result


def floor(campaign: Any, data: bytes) -> int:
    from django.db import transaction
    from django.utils import timezone
    from openpyxl import load_workbook

    from zhongzhi.intake.models import Channel, Suggestion
    from zhongzhi.intake.receipt_codes import new_receipt_code
    from zhongzhi.intake.services import suggestion_numbers_reserve

    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    now = timezone.now()
    with transaction.atomic():
        numbers = suggestion_numbers_reserve(campaign_id=campaign.pk, count=len(rows))
        Suggestion.objects.bulk_create(
            [
                Suggestion(
                    campaign=campaign,
                    receipt_code=new_receipt_code(),
                    number=number,
                    title=row[0] or "",
                    text=str(row[1]),
                    channel=Channel.PAPER,
                    submitter_name=row[6] or "",
                    submitter_phone=row[7] or "",
                    submitted_at=now,
                )
                for row, number in zip(rows, numbers, strict=True)
            ],
            batch_size=1000,
        )
    return len(rows)


def run(kind: str, rows: int, repeat: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {}
    with throwaway_platform(kind):
        from zhongzhi.core.demo import demo_create
        from zhongzhi.intake.paper_form import (
            COLUMNS,
            SHEET_TITLE,
            paper_form_import,
            read_sheet,
        )
        from zhongzhi.org.models import User

        campaign = demo_create().campaign
        office = User.objects.get(username="office")
        for attempt in range(repeat):
            data = workbook(rows, seed=attempt)
            wall, cpu, result = timed(
                lambda data=data: paper_form_import(campaign=campaign, workbook=data, actor=office)
            )
            if not result.ok or result.created != rows:
                raise SystemExit(f"import failed: {result.errors[:3]}")
            read_wall, _cpu, _sheet = timed(
                lambda data=data: read_sheet(data, columns=COLUMNS, preferred_title=SHEET_TITLE)
            )
            floor_wall, floor_cpu, floored = timed(lambda data=data: floor(campaign, data))
            assert floored == rows
            for key, value in (
                ("import", wall),
                ("import_cpu", cpu),
                ("read", read_wall),
                ("floor", floor_wall),
                ("floor_cpu", floor_cpu),
            ):
                figures.setdefault(key, []).append(value)
            print(
                f"  [{kind}] run {attempt + 1}: import {wall:.2f} s (read {read_wall:.2f} s), "
                f"floor {floor_wall:.2f} s",
                flush=True,
            )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results: dict[str, dict[str, float]] = {}
    for kind in kinds:
        # One platform per process: Django is set up once, so PostgreSQL runs in a child.
        if len(kinds) > 1:
            import subprocess

            subprocess.run(
                [sys.executable, __file__, "--db", kind, "--rows", str(args.rows),
                 "--repeat", str(args.repeat)],
                check=True,
            )  # fmt: skip
            continue
        figures = run(kind, args.rows, args.repeat)
        results[kind] = {key: statistics.median(values) for key, values in figures.items()}
    for kind, median in results.items():
        print(f"\n{args.rows:,} rows on {kind}, medians of {args.repeat}:")
        print(f"{'':<8} {'wall s':>7} {'CPU s':>7} {'rows/s':>8}")
        print(
            f"{'import':<8} {median['import']:>7.2f} {median['import_cpu']:>7.2f} "
            f"{args.rows / median['import']:>8,.0f}   (of which reading the file "
            f"{median['read']:.2f} s)"
        )
        print(
            f"{'floor':<8} {median['floor']:>7.2f} {median['floor_cpu']:>7.2f} "
            f"{args.rows / median['floor']:>8,.0f}   (openpyxl read-only + one bulk_create)"
        )
        verdict = "met" if median["import"] < TARGET_SECONDS else "MISSED"
        print(
            f"import / floor = {median['import'] / median['floor']:.2f}; "
            f"import {median['import']:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
