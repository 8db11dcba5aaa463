"""The open-data export (issue 16, "Speed": the 151,681-suggestion campaign's export in
under 30 s), beside the bare read of the same rows, on SQLite.

    .venv/bin/python -u bench/open_data.py [--count 151681] [--runs 3] [--answered 5]
        [--screening-data DIR] [--fresh]

A platform kept between runs, `data/bench/opendata-sqlite-<count>/`, is copied once from
`bench/screening.py`'s kept platform of the same size (`bench/kept_platform.py`: under
`data/bench/` or `--screening-data`; without it, `zhongzhi demo` + `generate-suggestions`
from ../shared/data). Then one suggestion in `--answered` gets an answer that names a
contact and a landline (as staff write them), so that the answers are masked too; and
one in 50 a mobile number and a name in its text. `--fresh` builds it again. Then,
`--runs` times each, median and spread:

* **export**: `opendata.exports.write_open_data` of the whole campaign into a fresh
  folder: the `values_list` stream, masking of title, text, reason and answer, the CSV
  (UTF-8 with BOM), the JSON and the data dictionary, as `zhongzhi open-data` writes them;
* **export + zip**: the same as the office page's job makes it (`open_data_zip`);
* **bare read** (the floor): the same `values_list` over the same rows, iterated with
  the same chunk size, nothing masked or written;
* **masking only**: `mask_text` over the texts and answers already in memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import kept_platform  # noqa: E402  # after sys.path
from bench.screening import MESSAGES  # noqa: E402

TARGET_S = 30.0


def data_dir(count: int) -> Path:
    return REPO / "data" / "bench" / f"opendata-sqlite-{count}"


def build(args: argparse.Namespace, marker: Path, source: Path | None) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Mod, Substr

    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.intake.models import Suggestion, SuggestionStatus

    if marker.exists():
        built = json.loads(marker.read_text())
        print(f"[sqlite] reusing campaign {built['campaign']} ({built['count']:,} suggestions)")
        return built
    started = time.perf_counter()
    if source is None:
        import io

        call_command("demo", verbosity=0, stdout=io.StringIO())
        call_command("generate_suggestions", messages=MESSAGES, count=args.count, verbosity=0)
    campaign = Campaign.objects.filter(name__startswith="规模测试").latest("pk")
    rows = Suggestion.objects.filter(campaign=campaign)
    answered = rows.annotate(m=Mod("number", args.answered)).filter(m=0)
    answered.update(
        status=SuggestionStatus.ANSWERED,
        answer=Concat(
            Value("您好！您反映的“"),
            Substr("text", 1, 30),
            Value("”已转交相关单位办理。联系人：王科长，电话0532-85912345。"),
        ),
        answered_at=F("submitted_at"),
    )
    rows.annotate(m=Mod("number", 50)).filter(m=1).update(
        text=Concat(Value("我叫张三丰，电话13812345678。"), F("text"))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    built = {
        "campaign": campaign.pk,
        "count": rows.count(),
        "answered": answered.count(),
        "from": str(source) if source else "generate-suggestions",
        "seconds": round(time.perf_counter() - started, 1),
        "built_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    marker.write_text(json.dumps(built, indent=1))
    print(f"[sqlite] built in {built['seconds']} s")
    return built


def timed(run, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=151_681)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--answered", type=int, default=5, help="one suggestion in N answered")
    parser.add_argument("--screening-data", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="build the platform again")
    args = parser.parse_args()
    source_there = kept_platform.screening_source("sqlite", args.count, args.screening_data)
    kept = (data_dir(args.count) / "built.json").exists()
    if source_there is None and not kept and not MESSAGES.exists():
        print(f"no screening platform and no {MESSAGES}: nothing to measure.")
        return 0
    marker, source = kept_platform.setup_django(
        "sqlite",
        data_dir(args.count),
        "",
        count=args.count,
        fresh=args.fresh,
        screening_data=args.screening_data,
    )
    built = build(args, marker, source)

    from zhongzhi.campaigns.models import Campaign
    from zhongzhi.opendata.exports import CSV_NAME, JSON_NAME, open_data_zip, write_open_data
    from zhongzhi.opendata.masking import mask_text
    from zhongzhi.opendata.selectors import CHUNK_SIZE, EXPORT_FIELDS, export_suggestions

    campaign = Campaign.objects.get(pk=built["campaign"])
    count = export_suggestions(campaign).count()
    print(f"[sqlite] campaign {campaign.pk}: {count:,} suggestions, {built['answered']:,} answered")
    sizes: dict[str, int] = {}

    def export() -> None:
        with tempfile.TemporaryDirectory() as folder:
            result = write_open_data(campaign, Path(folder))
            assert result.rows == count
            for name in (CSV_NAME, JSON_NAME):
                sizes[name] = (Path(folder) / name).stat().st_size

    def export_zip() -> None:
        content, rows = open_data_zip(campaign)
        assert rows == count
        sizes["zip"] = len(content)

    def bare() -> None:
        rows = export_suggestions(campaign).values_list(*EXPORT_FIELDS)
        n = sum(1 for _row in rows.iterator(chunk_size=CHUNK_SIZE))
        assert n == count

    texts = list(
        export_suggestions(campaign).values_list("title", "text", "answer", "status_reason")
    )

    def masking() -> None:
        for row in texts:
            for value in row:
                mask_text(value)

    results = []
    for name, run in [
        ("bare read (values_list)", bare),
        ("masking only", masking),
        ("export (csv + json + dictionary)", export),
        ("export + zip (office page)", export_zip),
    ]:
        samples = timed(run, args.runs)
        results.append((name, samples))
        print(
            f"[sqlite] {name:<34} median {statistics.median(samples):6.2f} s  "
            f"(min {min(samples):.2f}, max {max(samples):.2f}, runs {len(samples)})",
            flush=True,
        )
    export_median = statistics.median(results[2][1])
    floor = statistics.median(results[0][1])
    print(
        f"[sqlite] export {export_median:.2f} s = {export_median / floor:.1f}× the bare read; "
        f"target {TARGET_S:.0f} s: {'met' if export_median < TARGET_S else 'MISSED'}"
    )
    print(
        "[sqlite] files: "
        + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
