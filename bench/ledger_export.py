"""The suggestion ledger (意见建议台账) export at scale: how long a staff member waits.

    .venv/bin/python bench/ledger_export.py [--db sqlite|postgresql|both]
        [--rows 151681] [--repeat 3]

For each database: a throwaway platform with the demo campaign (`bench/throwaway.py`)
and `--rows` generated suggestions spread over its units, topics and channels, then
per repeat the export as the office sees it (`intake.selectors.suggestion_list` for
the office account, every suggestion of the campaign) written by
`intake.exports.suggestions_workbook`, timed whole; the file is opened again with
openpyxl to count its rows. Prints medians: wall and CPU seconds, rows per second and
the file's size. Exports of more than `EXPORT_IN_REQUEST_MAX` rows run as a background
job with a progress bar; this is how long that job takes.
"""

import argparse
import io
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.load.client import make_payloads  # noqa: E402
from bench.throwaway import throwaway_platform  # noqa: E402


def fill(rows: int) -> int:
    """`rows` suggestions in the demo campaign; returns the campaign's id."""
    import datetime
    import json

    from django.utils import timezone

    from zhongzhi.core.demo import demo_create
    from zhongzhi.intake.models import Channel, Suggestion, SuggestionStatus
    from zhongzhi.intake.receipt_codes import new_receipt_code
    from zhongzhi.org.models import Unit

    campaign = demo_create().campaign
    texts = [json.loads(body)["text"] for body in make_payloads(997)]
    topics = [*list(campaign.topics.all()), None]
    categories = [*list(campaign.participant_categories.all()), None]
    units = [*list(Unit.objects.all()), None]
    channels, statuses = Channel.values, SuggestionStatus.values
    rng = random.Random(7)
    now = timezone.now()
    batch: list[Suggestion] = []
    for n in range(rows):
        batch.append(
            Suggestion(
                campaign=campaign,
                text=f"{texts[n % len(texts)]}（{n}）",
                title=texts[(n * 7) % len(texts)][:20] if n % 3 == 0 else "",
                topic=rng.choice(topics),
                category=rng.choice(categories),
                unit=rng.choice(units),
                channel=rng.choice(channels),
                status=rng.choice(statuses),
                submitter_name="张三" if n % 5 == 0 else "",
                submitted_at=now - datetime.timedelta(minutes=n),
                receipt_code=new_receipt_code(),
                idempotency_key=f"ledger-{n}",
            )
        )
        if len(batch) == 5000:
            _numbered_bulk_create(campaign.pk, batch)
            batch = []
    _numbered_bulk_create(campaign.pk, batch)
    return campaign.pk


def _numbered_bulk_create(campaign_id: int, batch: list[Any]) -> None:
    from django.db import transaction

    from zhongzhi.intake.models import Suggestion
    from zhongzhi.intake.services import suggestion_numbers_reserve

    with transaction.atomic():
        numbers = suggestion_numbers_reserve(campaign_id=campaign_id, count=len(batch))
        for suggestion, number in zip(batch, numbers, strict=True):
            suggestion.number = number
        Suggestion.objects.bulk_create(batch)


def export_once(campaign_id: int) -> tuple[float, float, int, int]:
    from openpyxl import load_workbook

    from zhongzhi.intake.exports import suggestions_workbook
    from zhongzhi.intake.selectors import (
        SuggestionFilters,
        stages_for_export,
        suggestion_list,
    )
    from zhongzhi.org.models import User

    office = User.objects.get(username="office")
    filters = SuggestionFilters()
    rows = suggestion_list(office, filters).filter(campaign_id=campaign_id)
    cpu, wall = time.process_time(), time.perf_counter()
    content = suggestions_workbook(rows, stages_for_export(office, filters))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    written = sum(1 for _row in sheet.iter_rows(min_row=2, values_only=True))
    return wall, cpu, written, len(content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=151_681)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.db == "both":  # Django is set up once per process: one process per database
        for kind in ("sqlite", "postgresql"):
            command = [sys.executable, "-u", __file__, "--db", kind]
            command += ["--rows", str(args.rows), "--repeat", str(args.repeat)]
            subprocess.run(command, check=True)
        return 0
    for kind in [args.db]:
        with throwaway_platform(kind):
            started = time.perf_counter()
            campaign_id = fill(args.rows)
            print(
                f"[{kind}] {args.rows:,} suggestions made in {time.perf_counter() - started:.0f} s"
            )
            runs = [export_once(campaign_id) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            written, size = runs[0][2], runs[0][3]
            print(
                f"[{kind}] export of {written:,} rows: {wall:.1f} s wall (runs "
                f"{', '.join(f'{r[0]:.1f}' for r in runs)}), {cpu:.1f} s CPU, "
                f"{written / wall:,.0f} rows/s, file {size / 1e6:.1f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
