"""Quality of near-duplicate grouping on real messages plus generated resubmissions.

    .venv/bin/python bench/dedup_eval.py [--seed 7] [--resubmitted 0.4]

Reads /work/shared/data/tipdm2020c/hot_messages_annex3.csv (never copied into the
repo), builds a deduplicated base set, adds resubmissions of every kind
(zhongzhi.triage.resubmit), and prints pairwise precision / recall / F1 of
zhongzhi.triage.dedup and of the baseline (datasketch MinHashLSH over raw character
3-grams, no normalisation, groups = connected components of its candidate pairs), plus
recall per kind of resubmission. See bench/README.md for how the base set is built.

Then the place test: real messages (annex 3, annex 4, the labelled sample) that name a
house, building, unit or village-group number, each copied with only that number
changed (every mention of it); the share of such pairs each method merges. The
place-blind engine (``MatchParams(place_aware=False)``, what zhongzhi did before) is
printed beside the current one in both tables.

The helpers here (data loading, baseline, metrics) are also used by dedup_bench.py.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhongzhi.triage.dedup import MatchParams, find_duplicate_groups
from zhongzhi.triage.resubmit import Kind, LabelledText, ResubmissionRates, generate

DATA = Path("/work/shared/data/tipdm2020c")


def read_messages(name: str, *, with_title: bool = True) -> list[str]:
    """``title`` + newline + ``detail`` of each row (``detail`` only without a title)."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = []
    for row in rows:
        detail = (row.get("detail") or "").strip()
        title = (row.get("title") or "").strip() if with_title else ""
        text = f"{title}\n{detail}" if title else detail
        if text:
            texts.append(text)
    return texts


def data_present(*names: str) -> bool:
    missing = [n for n in names if not (DATA / n).is_file()]
    if missing:
        print(f"Data not found: {', '.join(str(DATA / n) for n in missing)}.")
        print("The benchmark needs the tipdm2020c corpus there; nothing to do, exiting.")
        return False
    return True


# --- baseline ---------------------------------------------------------------------------


def baseline_groups(
    texts: Sequence[str], *, threshold: float = 0.5, num_perm: int = 128
) -> np.ndarray:
    """datasketch MinHashLSH over raw character 3-grams (no normalisation); groups are
    the connected components of the candidate pairs LSH returns. Returns a group label
    per text (the smallest index of its component)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches = []
    for i, text in enumerate(texts):
        sketch = MinHash(num_perm=num_perm)
        grams = {text[j : j + 3] for j in range(max(1, len(text) - 2))}
        sketch.update_batch([g.encode("utf-8") for g in grams])
        sketches.append(sketch)
        lsh.insert(i, sketch)
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, sketch in enumerate(sketches):
        for j in lsh.query(sketch):
            a, b = find(i), find(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
    return np.array([find(i) for i in range(len(texts))], dtype=np.int64)


# --- metrics ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    true_pairs: int


def _pairs(counts: Iterable[int]) -> int:
    return sum(c * (c - 1) // 2 for c in counts)


def pairwise_scores(predicted: Sequence[int], truth: Sequence[int]) -> PairScores:
    """Pairwise precision/recall/F1: a pair of texts counts when both are in one group."""
    together = _pairs(Counter(zip(predicted, truth, strict=True)).values())
    predicted_pairs = _pairs(Counter(predicted).values())
    true_pairs = _pairs(Counter(truth).values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, predicted_pairs, true_pairs)


def recall_by_kind(
    corpus: Sequence[LabelledText], predicted: Sequence[int], base_position: dict[int, int]
) -> dict[str, tuple[int, int]]:
    """Per kind: (resubmissions put with their original, resubmissions of that kind)."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for i, item in enumerate(corpus):
        if not item.kinds:
            continue
        hit = predicted[i] == predicted[base_position[item.group]]
        labels = [k.value for k in item.kinds]
        labels.append("only " + item.kinds[0].value if len(item.kinds) == 1 else "combined")
        for label in labels:
            total[label] += 1
            found[label] += hit
    return {k: (found[k], total[k]) for k in sorted(total)}


# --- base set ---------------------------------------------------------------------------


def deduplicated_base(texts: Sequence[str], *, baseline_threshold: float = 0.5) -> list[str]:
    """The real messages without their real resubmissions: a text is dropped when our
    method or the baseline groups it with an earlier text (so no pair left in the base
    set is called a duplicate by either method, and generated resubmissions are the
    only duplicates the evaluation knows about)."""
    # The place-blind engine groups more: what it calls a duplicate is dropped as well.
    ours = find_duplicate_groups(texts, match_params=PLACE_BLIND).group
    theirs = baseline_groups(texts, threshold=baseline_threshold)
    keep = [i for i in range(len(texts)) if ours[i] == i and theirs[i] == i]
    return [texts[i] for i in keep]


PLACE_BLIND = MatchParams(place_aware=False)
# Written independently of zhongzhi.triage.places, so that the test is not its own echo.
_PLACE_NUMBER_RE = re.compile(
    r"(?:(?<=[路街巷道村])|(?<=社区))([0-9]{1,4}|[一二三四五六七八九十]{1,3})(号|组)(?!线)"
    r"|(?<![0-9*#])([0-9]{1,4}|[一二三四五六七八九十]{1,3})(号楼|号院|栋|幢|单元)"
)
_CN = "一二三四五六七八九十"


def place_changed_pairs(texts: Sequence[str], rng: random.Random) -> list[tuple[str, str]]:
    """(message, the same message with one of its place numbers changed everywhere)."""
    pairs = []
    for text in dict.fromkeys(texts):
        found = list(_PLACE_NUMBER_RE.finditer(text))
        if not found:
            continue
        m = rng.choice(found)
        number, suffix = m.group(1) or m.group(3), m.group(2) or m.group(4)
        if number.isdigit():
            new = str(int(number) + rng.randint(1, 9))
        else:
            new = rng.choice([c for c in _CN if c != number[-1]])
        changed = re.sub(rf"(?<![0-9]){number}{suffix}", new + suffix, text)
        pairs.append((text, changed))
    return pairs


def merged_share(groups: Sequence[int], n_pairs: int) -> float:
    """Share of (original, copy) pairs, laid out as 2k, 2k+1, put in one group."""
    return sum(groups[2 * k] == groups[2 * k + 1] for k in range(n_pairs)) / max(n_pairs, 1)


def build_corpus(
    base: Sequence[str], seed: int, rates: ResubmissionRates
) -> tuple[list[LabelledText], dict[int, int]]:
    corpus = generate(base, random.Random(seed), rates)
    base_position = {item.group: i for i, item in enumerate(corpus) if not item.kinds}
    return corpus, base_position


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--resubmitted", type=float, default=0.4, help="share of base resubmitted")
    parser.add_argument("--thresholds", default="0.5,0.8", help="baseline LSH thresholds")
    args = parser.parse_args(argv)
    if not data_present("hot_messages_annex3.csv"):
        return 0

    raw = read_messages("hot_messages_annex3.csv")
    thresholds = [float(t) for t in args.thresholds.split(",")]
    started = time.perf_counter()
    base = deduplicated_base(raw, baseline_threshold=min(thresholds))
    print(f"real messages: {len(raw)}; base set after removing real resubmissions: {len(base)}")
    print(f"  (base set built in {time.perf_counter() - started:.1f} s)")

    rates = ResubmissionRates(resubmitted=args.resubmitted)
    corpus, base_position = build_corpus(base, args.seed, rates)
    texts = [item.text for item in corpus]
    truth = [item.group for item in corpus]
    print(
        f"evaluation corpus: {len(texts)} texts ({len(texts) - len(base)} resubmissions), "
        f"seed {args.seed}"
    )

    results: dict[str, tuple[PairScores, float, np.ndarray]] = {}
    started = time.perf_counter()
    ours = find_duplicate_groups(texts).group
    results["zhongzhi.triage.dedup"] = (
        pairwise_scores(ours.tolist(), truth),
        time.perf_counter() - started,
        ours,
    )
    started = time.perf_counter()
    blind = find_duplicate_groups(texts, match_params=PLACE_BLIND).group
    results["dedup, place-blind (before)"] = (
        pairwise_scores(blind.tolist(), truth),
        time.perf_counter() - started,
        blind,
    )
    for threshold in thresholds:
        started = time.perf_counter()
        theirs = baseline_groups(texts, threshold=threshold)
        results[f"datasketch LSH t={threshold}"] = (
            pairwise_scores(theirs.tolist(), truth),
            time.perf_counter() - started,
            theirs,
        )

    print()
    print(
        f"{'method':<26} {'precision':>9} {'recall':>7} {'F1':>7} {'pred pairs':>10} "
        f"{'true pairs':>10} {'time s':>7}"
    )
    for name, (s, seconds, _) in results.items():
        print(
            f"{name:<26} {s.precision:>9.4f} {s.recall:>7.4f} {s.f1:>7.4f} "
            f"{s.predicted_pairs:>10} {s.true_pairs:>10} {seconds:>7.2f}"
        )

    print()
    names = list(results)
    header = f"{'recall by kind':<24} {'n':>5} " + " ".join(f"{n[:22]:>22}" for n in names)
    print(header)
    per_method = [recall_by_kind(corpus, r[2].tolist(), base_position) for r in results.values()]
    for kind in per_method[0]:
        total = per_method[0][kind][1]
        cells = " ".join(f"{m[kind][0] / total:>22.3f}" for m in per_method)
        print(f"{kind:<24} {total:>5} {cells}")
    kinds_seen = {k.value for item in corpus for k in item.kinds}
    missing = [k.value for k in Kind if k.value not in kinds_seen]
    if missing:
        print(f"kinds not generated with this seed: {', '.join(missing)}")

    sources = ["hot_messages_annex3.csv", "replies_annex4.csv", "messages_sample_labeled.csv"]
    real = [t for name in sources if data_present(name) for t in read_messages(name)]
    pairs = place_changed_pairs(real, random.Random(args.seed))
    flat = [t for pair in pairs for t in pair]
    print()
    print(f"same text, other house / building / unit / group number: {len(pairs)} pairs")
    print(f"{'method':<28} {'pairs merged':>12} {'time s':>7}")
    methods = {
        "zhongzhi.triage.dedup": lambda: find_duplicate_groups(flat).group,
        "dedup, place-blind (before)": lambda: (
            find_duplicate_groups(flat, match_params=PLACE_BLIND).group
        ),
        **{
            f"datasketch LSH t={t}": (lambda t=t: baseline_groups(flat, threshold=t))
            for t in thresholds
        },
    }
    for name, run in methods.items():
        started = time.perf_counter()
        groups = run().tolist()
        print(
            f"{name:<28} {merged_share(groups, len(pairs)):>12.4f} "
            f"{time.perf_counter() - started:>7.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
