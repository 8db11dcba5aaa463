"""Speed, memory and lookup latency of near-duplicate detection at campaign scale.

    .venv/bin/python bench/dedup_bench.py [--size 151681] [--runs 3] [--no-redis]

Builds a 151,681-text corpus from the real messages (see bench/README.md), then in one
run: times zhongzhi.triage.dedup's batch grouping (normalisation included) at 10k ..
150k texts (median of ``--runs`` runs, each in a fresh forked process so that peak RSS
is its own), times the datasketch baseline once on the full corpus, scores both
(pairwise F1 against the generated ground truth), and measures the latency of one
lookup against an index of the whole corpus, in memory and in Redis.
"""

from __future__ import annotations

import argparse
import csv
import functools
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedup_eval import (
    DATA,
    baseline_groups,
    data_present,
    deduplicated_base,
    pairwise_scores,
    read_messages,
)

from zhongzhi.triage.dedup import (
    DuplicateIndex,
    InMemoryStore,
    RedisStore,
    find_duplicate_groups,
)
from zhongzhi.triage.normalise import normalise_many
from zhongzhi.triage.resubmit import LabelledText, ResubmissionRates, generate

FILES = ("hot_messages_annex3.csv", "replies_annex4.csv", "messages_sample_labeled.csv")
SIZES = (10_000, 25_000, 50_000, 100_000, 150_000)
_CLAUSE = re.compile(r"[^，,。！？!?；;\n]+[，,。！？!?；;]?")


def real_base_texts() -> list[str]:
    texts = read_messages(FILES[0]) + read_messages(FILES[1], with_title=False)
    texts += read_messages(FILES[2])
    return list(dict.fromkeys(texts))  # exact repeats across files removed


@functools.cache
def real_titles() -> tuple[str, ...]:
    """The ``title`` column of the files that have titles (annex3, the labelled sample).

    Titles are read from that column, not taken as the first line of a text: a reply's
    ``detail`` (read without its title) can hold line breaks, and its first line is
    then a whole letter. An earlier version took first lines, so about 1 stitched text
    in 60 began with a whole real message and was a true near-duplicate of it (the
    message plus unrelated sentences) that the ground truth called distinct: most of
    the false positives the benchmark reported at 151,681 texts were these."""
    titles = []
    for name in (FILES[0], FILES[2]):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            titles += [(row.get("title") or "").strip() for row in csv.DictReader(handle)]
    return tuple(dict.fromkeys(t for t in titles if t))


def stitched(texts: Sequence[str], count: int, rng: random.Random) -> list[str]:
    """``count`` new, distinct suggestions made of real clauses: a real title (see
    ``real_titles``) and 8-14 clauses (pieces between commas or full stops) of
    ``texts``, each from a different text. A stitched text shares at most one clause
    with any real message or other stitched text, so it is a near-duplicate of none of
    them; with ~7,000 real messages each clause is reused a few times across 150k
    texts, which is what common phrases do in real traffic."""
    titles = real_titles()
    sources = []
    for text in texts:
        body = text.partition("\n")[2] or text
        clauses = [c for c in _CLAUSE.findall(body) if 4 <= len(c) <= 40]
        if len(clauses) >= 4:
            sources.append(clauses)
    result = []
    for _ in range(count):
        picks = rng.sample(range(len(sources)), rng.randint(8, 14))
        body = "".join(rng.choice(sources[i]) for i in picks)
        result.append(f"{rng.choice(titles)}\n{body}")
    return result


def build_corpus(size: int, seed: int) -> tuple[list[LabelledText], int]:
    rng = random.Random(seed)
    real = deduplicated_base(real_base_texts())
    rates = ResubmissionRates()
    # about 1 + resubmitted * (mean copies) texts per base text
    per_base = 1 + rates.resubmitted * (rates.mean_extra_copies + 0.2)
    wanted_bases = int(size / per_base) + 1000
    base = real + stitched(real, max(0, wanted_bases - len(real)), rng)
    corpus = generate(base, rng, rates)
    return corpus[:size], len(real)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(task: Callable[[], Any], queue: Any) -> None:
    rss_before = _rss_mb()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    result = task()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, max(0.0, peak - rss_before), result, cpu))


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def in_fresh_process(task: Callable[[], Any]) -> tuple[float, float, Any, float]:
    """(wall seconds, peak RSS growth in MB, result, CPU seconds) of ``task`` run in a
    forked child."""
    sys.stdout.flush()  # a forked child must not inherit (and print again) our buffer
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(task, queue))
    process.start()
    seconds, peak, result, cpu = queue.get()
    process.join()
    return seconds, peak, result, cpu


def ours(texts: Sequence[str]) -> Callable[[], np.ndarray]:
    return lambda: find_duplicate_groups(texts).group


def theirs(texts: Sequence[str]) -> Callable[[], np.ndarray]:
    return lambda: baseline_groups(texts, threshold=0.5)


def latency(index: DuplicateIndex, queries: Sequence[str]) -> tuple[float, float]:
    index.query(queries[0])  # warm caches (tables, script registration)
    times = []
    for text in queries:
        started = time.perf_counter()
        index.query(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), float(np.percentile(times, 99))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=151_681)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    if not data_present(*FILES):
        return 0

    started = time.perf_counter()
    corpus, n_real = build_corpus(args.size, args.seed)
    texts = [item.text for item in corpus]
    truth = [item.group for item in corpus]
    resubmissions = sum(1 for item in corpus if item.kinds)
    chars = sum(len(t) for t in texts)
    print(
        f"corpus: {len(texts)} texts, {chars / 1e6:.1f} M characters, {resubmissions} "
        f"resubmissions, {n_real} real base texts (built in {time.perf_counter() - started:.0f} s)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print()

    runs = [in_fresh_process(lambda: len(normalise_many(texts))) for _ in range(args.runs)]
    print(
        f"normalise_many alone on {len(texts)} texts: wall "
        f"{statistics.median(r[0] for r in runs):.2f} s, CPU "
        f"{statistics.median(r[3] for r in runs):.2f} s (median of {len(runs)})"
    )
    print()
    print(
        f"{'texts':>8} {'wall s (median)':>16} {'wall s of runs':>24} {'CPU s':>6} "
        f"{'peak MB':>8} {'CPU ms / 1k texts':>17}"
    )
    full_groups = None
    ours_full: tuple[float, float, float] = (0.0, 0.0, 0.0)
    sizes = [s for s in SIZES if s < len(texts)] + [len(texts)]
    for size in sizes:
        runs = [in_fresh_process(ours(texts[:size])) for _ in range(args.runs)]
        seconds = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[3] for r in runs)
        cells = ", ".join(f"{r[0]:.1f}" for r in runs)
        print(
            f"{size:>8} {seconds:>16.2f} {cells:>24} {cpu:>6.1f} {peak:>8.0f} "
            f"{cpu / size * 1e6:>17.0f}"
        )
        if size == len(texts):
            full_groups = runs[0][2]
            ours_full = (seconds, peak, cpu)
    assert full_groups is not None
    ours_scores = pairwise_scores(full_groups.tolist(), truth)

    print()
    print(
        f"{'method (' + str(len(texts)) + ' texts)':<34} {'wall s':>7} {'CPU s':>7} "
        f"{'peak MB':>8} {'precision':>9} {'recall':>7} {'F1':>7}"
    )
    print(
        f"{'zhongzhi.triage.dedup (median)':<34} {ours_full[0]:>7.1f} {ours_full[2]:>7.1f} "
        f"{ours_full[1]:>8.0f} {ours_scores.precision:>9.4f} {ours_scores.recall:>7.4f} "
        f"{ours_scores.f1:>7.4f}"
    )
    if not args.no_baseline:
        seconds, peak, their_groups, cpu = in_fresh_process(theirs(texts))
        s = pairwise_scores(their_groups.tolist(), truth)
        print(
            f"{'datasketch MinHashLSH t=0.5 (1 run)':<34} {seconds:>7.1f} {cpu:>7.1f} "
            f"{peak:>8.0f} {s.precision:>9.4f} {s.recall:>7.4f} {s.f1:>7.4f}"
        )
        print(f"speed-up: {seconds / ours_full[0]:.1f}x wall, {cpu / ours_full[2]:.1f}x CPU")

    # --- incremental lookups against an index of the whole corpus ---
    rng = random.Random(args.seed + 1)
    real = [t for t in texts[:20000]]
    fresh = stitched(real, args.queries // 2, rng)
    again = [
        generate([texts[rng.randrange(len(texts))]], rng, ResubmissionRates(resubmitted=1.0))[
            1
        ].text
        for _ in range(args.queries - len(fresh))
    ]
    queries = fresh + again
    rng.shuffle(queries)
    ids = list(range(len(texts)))
    print()
    print(f"{'lookup of one new text':<34} {'build s':>8} {'median ms':>10} {'p99 ms':>8}")
    started = time.perf_counter()
    memory_index, _ = DuplicateIndex.build(ids, texts, InMemoryStore())
    built = time.perf_counter() - started
    med, p99 = latency(memory_index, queries)
    print(f"{'in-memory store':<34} {built:>8.1f} {med:>10.2f} {p99:>8.2f}")
    del memory_index
    if not args.no_redis:
        try:
            import redis

            client = redis.Redis(host="127.0.0.1", port=6379)
            client.ping()
        except Exception as error:
            print(f"{'Redis store':<34} skipped: {error}")
        else:
            store = RedisStore(client, f"zz:bench:dedup:{os.getpid()}")
            store.clear()
            used_before = client.info("memory")["used_memory"]
            started = time.perf_counter()
            redis_index, _ = DuplicateIndex.build(ids, texts, store)
            built = time.perf_counter() - started
            used = (client.info("memory")["used_memory"] - used_before) / 2**20
            med, p99 = latency(redis_index, queries)
            print(
                f"{'Redis store':<34} {built:>8.1f} {med:>10.2f} {p99:>8.2f}"
                f"   (Redis memory +{used:.0f} MB)"
            )
            store.clear()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
