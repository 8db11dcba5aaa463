"""Whole triage pipeline at campaign scale: time per stage, memory, growth, dedup baseline.

    .venv/bin/python bench/triage_bench.py [--size 151681] [--runs 3] [--workers 2]

Builds the 151,681-suggestion corpus of ``bench/dedup_bench.py`` (real TIPDM messages,
stitched new ones, resubmissions of every kind at the default rates of
``zhongzhi.triage.resubmit``: the same corpus builder, so both benchmarks measure the
same texts), gives every suggestion a time over three weeks, +1s and one of 97 units,
trains the topic model on the 495 labelled messages, then runs
``zhongzhi.triage.pipeline.triage_batch`` (normalise, near-duplicates, topics, keywords,
hot issues, scores) at 10k, 25k, 50k, 100k and the full size, each run in a fresh
forked process. Prints per size the median of ``--runs`` runs: seconds per stage, total
wall, CPU seconds, peak memory; then how time grows with size and what a million
suggestions would take; then the datasketch MinHashLSH baseline on the full corpus in
the same run against the pipeline's near-duplicate stage. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedup_bench import FILES, build_corpus
from dedup_eval import DATA, baseline_groups, data_present, pairwise_scores

from zhongzhi.triage.pipeline import PARALLEL_MIN, STAGES, TriageInput, triage_batch
from zhongzhi.triage.topics import TopicModel, TopicSpec
from zhongzhi.triage.topics.selftrain import train_campaign_model

SIZES = (10_000, 25_000, 50_000, 100_000)
LABELLED = "messages_sample_labeled.csv"
CAMPAIGN_START = datetime.datetime(
    2019, 9, 20, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
)
CAMPAIGN_DAYS = 21  # seed 003: 151,681 ideas through the mini-program in about three weeks
UNITS = [f"A{k % 9 + 1}区第{k // 9 + 1}街道" for k in range(97)]  # seed 003: 97 units


@dataclass(frozen=True)
class Run:
    timings: dict[str, float]
    wall: float
    cpu: float  # user + system of the pipeline process and its side process
    peak_rss_mb: float  # ru_maxrss of the pipeline process
    child_rss_mb: float  # ru_maxrss of its side process (shares pages with the parent)
    peak_pss_mb: float  # sampled peak of the two processes' proportional set sizes
    groups: list[int] | None
    # CPU seconds of each stage the pipeline process ran itself (its progress calls
    # bracket them); with a side process its stages are in ``side_cpu``, its whole CPU.
    stage_cpu: dict[str, float] = field(default_factory=dict)
    side_cpu: float = 0.0
    side_process: bool = False


# --- corpus -------------------------------------------------------------------------------


def campaign_items(texts: Sequence[str], seed: int) -> list[TriageInput]:
    """The texts as a campaign receives them: arrival times over three weeks in corpus
    order (a resubmission comes after its original), +1s with a long tail, a unit each."""
    rng = random.Random(seed)
    n = len(texts)
    items = []
    for i, text in enumerate(texts):
        offset = (i + rng.random()) / max(n, 1) * CAMPAIGN_DAYS * 86_400
        likes = min(int(rng.paretovariate(1.6)) - 1, 500)  # most 0, a few hundreds
        items.append(
            TriageInput(
                id=str(i),
                text=text,
                time=CAMPAIGN_START + datetime.timedelta(seconds=offset),
                likes=likes,
                unit=UNITS[rng.randrange(len(UNITS))],
            )
        )
    return items


def labelled_messages() -> tuple[list[str], list[str]]:
    import csv

    with (DATA / LABELLED).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [f"{r['title']}\n{r['detail']}" for r in rows], [r["label_l1"] for r in rows]


def taxonomy_topics(classes: Sequence[str]) -> list[TopicSpec]:
    """The taxonomy's level-2/3 names of each class as its keywords (what staff would
    type as topic keywords), as bench/topics_eval.py does."""
    import csv

    names: dict[str, set[str]] = {c: set() for c in classes}
    with (DATA / "label_taxonomy.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level1"] in names:
                names[row["level1"]].update(
                    n for n in (row["level2"], row["level3"]) if n != "其他"
                )
    return [TopicSpec(c, "", tuple(sorted(names[c]))) for c in classes]


# --- measuring ----------------------------------------------------------------------------


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


class PeakMemory:
    """Samples the proportional set size of this process and its children (PSS counts
    a page shared by the two processes once, split between them)."""

    def __init__(self, interval: float = 0.1) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)

    def _sample(self, interval: float) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _pss_mb(me) + sum(_pss_mb(c) for c in _children(me))
            self.peak = max(self.peak, total)
            self._stop.wait(interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _pipeline_child(task: Callable[[], Run], queue: Any) -> None:
    queue.put(task())


def in_fresh_process(task: Callable[[], Run]) -> Run:
    """Run ``task`` in a forked child (so its peak memory is its own) and return its Run."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_pipeline_child, args=(task, queue))
    process.start()
    run = queue.get()
    process.join()
    return run  # type: ignore[no-any-return]


def pipeline_task(
    items: Sequence[TriageInput],
    model: TopicModel | None,
    topics: Sequence[TopicSpec],
    workers: int,
    keep_groups: bool,
) -> Callable[[], Run]:
    def task() -> Run:
        stage_cpu: dict[str, float] = {}
        began: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            # Called as each stage starts and ends in this process; the side process's
            # stages are reported here only once it is done (about 0 s between calls).
            now = time.process_time()
            if done == 0:
                began[stage] = now
            else:
                stage_cpu[stage] = now - began.pop(stage, now)

        cpu_before = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
        side_before = _cpu(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        # The sampler is a thread: fork in the pipeline then warns about a threaded
        # process, harmlessly here (the thread only reads /proc).
        with PeakMemory() as memory:
            result = triage_batch(
                items,
                model=model,
                topics=topics,
                user_words=UNITS,
                workers=workers,
                progress=progress,
            )
        wall = time.perf_counter() - started
        cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu_before
        return Run(
            timings=result.timings,
            wall=wall,
            cpu=cpu,
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            child_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            peak_pss_mb=memory.peak,
            groups=[row.group for row in result.rows] if keep_groups else None,
            stage_cpu=stage_cpu,
            side_cpu=_cpu(resource.RUSAGE_CHILDREN) - side_before,
            side_process=workers > 1 and len(items) >= PARALLEL_MIN,
        )

    return task


def baseline_task(texts: Sequence[str]) -> Callable[[], Run]:
    def task() -> Run:
        cpu_before = _cpu(resource.RUSAGE_SELF)
        started = time.perf_counter()
        with PeakMemory() as memory:
            groups = baseline_groups(texts, threshold=0.5)
        wall = time.perf_counter() - started
        return Run(
            timings={"duplicates": wall},
            wall=wall,
            cpu=_cpu(resource.RUSAGE_SELF) - cpu_before,
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            child_rss_mb=0.0,
            peak_pss_mb=memory.peak,
            groups=groups.tolist(),
        )

    return task


def warm_up() -> None:
    import importlib

    from zhongzhi.triage.keywords import default_segmenter

    for name in ("scipy.cluster.hierarchy", "sklearn.cluster", "sklearn.decomposition"):
        importlib.import_module(name)

    default_segmenter().cut("路灯坏了")


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    """How well a straight line fits (1 = exactly)."""
    fitted = np.polyval(np.polyfit(x, y, 1), x)
    spread = float(np.sum((y - y.mean()) ** 2))
    return 1 - float(np.sum((y - fitted) ** 2)) / spread if spread else 1.0


def _stage(runs: Sequence[Run], stage: str) -> float:
    return statistics.median(r.timings.get(stage, 0.0) for r in runs)


def _median(runs: Sequence[Run], get: Callable[[Run], float]) -> float:
    return statistics.median(get(r) for r in runs)


def _cpu_cells(runs: Sequence[Run]) -> str:
    """Median CPU seconds per stage, in the columns of the stage table, then 'side'."""
    side = _median(runs, lambda r: r.side_cpu)
    has_side = all(r.side_process for r in runs)
    cells = []
    for stage in STAGES:
        in_side = has_side and stage in ("topics", "keywords", "scores")
        value = statistics.median(r.stage_cpu.get(stage, 0.0) for r in runs)
        cells.append(f"{'-':>10}" if in_side else f"{value:>10.2f}")
    return " ".join(cells) + (f"  side {side:.1f} CPU s" if has_side else "") + "  (CPU s)"


# --- main ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=151_681)
    parser.add_argument("--runs", type=int, default=3, help="runs per size (median)")
    parser.add_argument("--seed", type=int, default=11, help="corpus seed (dedup_bench's)")
    parser.add_argument("--workers", type=int, default=2, help="triage_batch(workers=...)")
    parser.add_argument(
        "--topics", choices=["model", "rules", "none"], default="model", help="topic source"
    )
    parser.add_argument("--sizes", help="comma-separated sizes below --size (default 10k..100k)")
    parser.add_argument("--no-baseline", action="store_true", help="skip datasketch")
    args = parser.parse_args(argv)
    if not data_present(*FILES, LABELLED, "label_taxonomy.csv"):
        return 0

    started = time.perf_counter()
    corpus, n_real = build_corpus(args.size, args.seed)
    texts = [item.text for item in corpus]
    truth = [item.group for item in corpus]
    items = campaign_items(texts, args.seed)
    chars = sum(len(t) for t in texts)
    resubmissions = sum(1 for item in corpus if item.kinds)
    print(
        f"corpus: {len(texts):,} suggestions, {chars / 1e6:.1f} M characters, "
        f"{resubmissions:,} resubmissions, {n_real:,} real base messages "
        f"(built in {time.perf_counter() - started:.0f} s; the corpus is dedup_bench's)"
    )
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
        f"triage_batch(workers={args.workers}); {args.runs} run(s) per size, each in a "
        "fresh process; figures are medians"
    )

    model: TopicModel | None = None
    rules: list[TopicSpec] = []
    if args.topics != "none":
        labelled, labels = labelled_messages()
        topics = taxonomy_topics(sorted(set(labels)))
        started = time.perf_counter()
        if args.topics == "model":
            # As a campaign's model is trained (self-training, no keyword prior).
            model = train_campaign_model(labelled, labels, texts[:20_000], topics=topics)
            print(
                f"topic model trained on {len(labelled)} labelled messages in "
                f"{time.perf_counter() - started:.1f} s (not part of the pipeline's time)"
            )
        else:
            rules = topics
            print("topics: keyword rules from the taxonomy names (no model)")
    print()

    # A task worker has its libraries imported and jieba's dictionary loaded: so does
    # the process every run is forked from (with PYTHONDONTWRITEBYTECODE set, as here,
    # importing scikit-learn alone would otherwise cost each run seconds of compiling).
    warm_up()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
    sizes = [s for s in sizes if s < len(items)] + [len(items)]
    header = (
        f"{'texts':>8} "
        + " ".join(f"{s[:10]:>10}" for s in STAGES)
        + f" {'total s':>8} {'CPU s':>7} {'RSS MB':>7} {'+side MB':>8} {'PSS MB':>7} "
        f"{'µs/text':>8}"
    )
    print("seconds per stage (stages overlap with workers > 1: total is the wall time)")
    print(
        "and below each size the CPU seconds of each stage (a shared machine stretches the "
        "wall time, much less the CPU time); 'side' is the side process's whole CPU time, "
        "its stages' own shown as '-'"
    )
    print(header)
    table: dict[int, list[Run]] = {}
    for size in sizes:
        runs = []
        for run in range(args.runs):
            keep = size == len(items) and run == 0
            runs.append(
                in_fresh_process(pipeline_task(items[:size], model, rules, args.workers, keep))
            )
        table[size] = runs
        cells = " ".join(f"{_stage(runs, stage):>10.2f}" for stage in STAGES)
        total = _median(runs, lambda r: r.timings["total"])
        print(
            f"{size:>8} {cells} {total:>8.1f} {_median(runs, lambda r: r.cpu):>7.1f} "
            f"{_median(runs, lambda r: r.peak_rss_mb):>7.0f} "
            f"{_median(runs, lambda r: r.child_rss_mb):>8.0f} "
            f"{_median(runs, lambda r: r.peak_pss_mb):>7.0f} {total / size * 1e6:>8.0f}",
            flush=True,
        )
        if args.runs > 1:
            print(
                f"{'':>8} total of each run: {', '.join(f'{r.timings["total"]:.1f}' for r in runs)}"
            )
        print(f"{'':>8} {_cpu_cells(runs)}", flush=True)

    # --- growth ---
    full = len(items)
    n = np.array(sizes, dtype=np.float64)
    totals = np.array([_median(table[s], lambda r: r.timings["total"]) for s in sizes])
    cpus = np.array([_median(table[s], lambda r: r.cpu) for s in sizes])
    memory = np.array([_median(table[s], lambda r: r.peak_pss_mb) for s in sizes])
    print()
    if len(sizes) > 1:
        # Fixed costs (loading jieba's dictionary, segmenting the keyword sample, keywords
        # and summaries of the 50 hottest issues) do not grow with the batch, so the
        # exponent of a power law understates growth; a straight line t = a + b n says
        # both what is fixed and what each suggestion costs.
        slope = float(np.polyfit(np.log(n), np.log(totals), 1)[0])
        per_text, fixed = np.polyfit(n, totals, 1)
        cpu_per_text, cpu_fixed = np.polyfit(n, cpus, 1)
        mem_per_text, mem_fixed = np.polyfit(n, memory, 1)
        print(
            f"growth: CPU = {cpu_fixed:.1f} s + {cpu_per_text * 1e6:.0f} µs x n "
            f"(R² {_r2(n, cpus):.3f}); wall = {fixed:.1f} s + {per_text * 1e6:.0f} µs x n "
            f"(R² {_r2(n, totals):.3f}); power-law exponent of the wall time {slope:.2f}"
        )
        marginal = np.diff(cpus) / np.diff(n) * 1e6
        print(
            f"  {sizes[0]:,} -> {full:,} texts is x{full / sizes[0]:.1f} the texts, "
            f"x{totals[-1] / totals[0]:.1f} the wall time and x{cpus[-1] / cpus[0]:.1f} the "
            "CPU time; CPU µs per added text between consecutive sizes (constant = linear): "
            + ", ".join(f"{m:.0f}" for m in marginal)
        )
        print(
            f"memory: {mem_fixed:.0f} MB fixed + {mem_per_text * 1e3:.1f} KB per suggestion "
            "(linear fit of the peak PSS, the corpus itself included)"
        )
        million = 1_000_000
        print(
            f"a million suggestions in one batch on this machine: about "
            f"{fixed + per_text * million:.0f} s wall ({cpu_fixed + cpu_per_text * million:.0f} "
            f"CPU s) and {(mem_fixed + mem_per_text * million) / 1024:.1f} GB; see "
            "bench/README.md for splitting it over task workers on several machines"
        )

    # --- near-duplicates against datasketch ---
    runs = table[full]
    dedup = _median(runs, lambda r: r.timings["duplicates"])
    normalise = _median(runs, lambda r: r.timings["normalise"])
    groups = next(r.groups for r in runs if r.groups is not None)
    ours = pairwise_scores(groups, truth)
    print()
    print(
        f"{'near-duplicates, ' + format(full, ',') + ' texts':<40} {'time s':>7} {'PSS MB':>7} "
        f"{'precision':>9} {'recall':>7} {'F1':>7}"
    )
    print(
        f"{'pipeline duplicates stage (median)':<40} {dedup:>7.1f} {'':>7} "
        f"{ours.precision:>9.4f} {ours.recall:>7.4f} {ours.f1:>7.4f}"
    )
    print(f"{'  + its share of normalise':<40} {dedup + normalise:>7.1f}")
    if not args.no_baseline:
        theirs_run = in_fresh_process(baseline_task(texts))
        assert theirs_run.groups is not None
        theirs = pairwise_scores(theirs_run.groups, truth)
        print(
            f"{'datasketch MinHashLSH t=0.5 (1 run)':<40} {theirs_run.wall:>7.1f} "
            f"{theirs_run.peak_pss_mb:>7.0f} {theirs.precision:>9.4f} {theirs.recall:>7.4f} "
            f"{theirs.f1:>7.4f}"
        )
        print(
            f"speed-up of the duplicates stage: x{theirs_run.wall / dedup:.1f} "
            f"(x{theirs_run.wall / (dedup + normalise):.1f} counting normalisation)"
        )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
