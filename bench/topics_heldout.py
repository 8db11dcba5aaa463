"""Topics on messages that look new: a held-back split by time, beside 5-fold CV.

    .venv/bin/python bench/topics_heldout.py                 # about 5 minutes
    .venv/bin/python bench/topics_heldout.py --seeds 0 1 2 --no-curve

Reads /work/shared/data/tipdm2020c (or $ZHONGZHI_TIPDM_DIR); never copies it; prints
that the data is missing and exits 0 when it is absent.

* **Split.** The 495 labelled messages sorted by time: the latest 99 (2019-04-23 to
  2020-01-07) are held back and only ever scored, once per method; the 396 earlier ones
  are the development part, on which 5-fold cross-validation (seed 2) is run as
  ``topics_eval.py`` runs it on all 495. The unlabelled annexes 3 and 4 give the
  vocabulary (their texts, not labels) as in the product.
* **Methods** (each: CV on the development part, then trained on all of it and scored
  on the held-back messages): the baseline (character 1-3-gram TF-IDF + LinearSVC),
  ``TopicModel`` as shipped (taxonomy names as keyword priors), without the priors, and
  with one round of self-training on the unlabelled messages (their confident
  predictions, at most as many per topic as it has labels, added as labels).
* **Active labelling curve.** From 96 development messages (stratified, per seed), 50,
  100 and 200 more are labelled from the other 300, chosen by ``suggest_for_labelling``
  (in batches of 25, the model retrained after each) or at random; macro-F1 on the
  held-back messages at each point, mean over ``--seeds``.

Macro-F1 is always-answering (the model's best guess, even below its threshold).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from topics_eval import DATA, baseline, macro_f1, read, taxonomy_topics

from zhongzhi.triage.topics import ModelParams, TopicModel, TopicSpec
from zhongzhi.triage.topics.labelling import suggest_for_labelling
from zhongzhi.triage.topics.selftrain import train_self_trained

HELD_BACK = 99
# suggest_for_labelling as shipped, and with its uncertainty weighted by how typical
# a text is (information density).
DENSITIES = {"suggest_for_labelling": 0.0, "suggest, density 1": 1.0}
Classifier = Callable[[list[str], list[str], list[str]], list[str]]


def _time(row: dict[str, str]) -> datetime.datetime:
    return datetime.datetime.strptime(row["time"].strip(), "%Y/%m/%d %H:%M:%S")


def model_method(
    unlabelled: Sequence[str], topics: Sequence[TopicSpec], params: ModelParams | None = None
) -> Classifier:
    def run(train: list[str], labels: list[str], test: list[str]) -> list[str]:
        model = TopicModel.train(train, labels, unlabelled, topics=topics, params=params)
        return [p.best_guess or model.classes[0] for p in model.predict(test)]

    return run


def self_training_method(
    unlabelled: Sequence[str],
    topics: Sequence[TopicSpec],
    confidence: float,
    params: ModelParams | None = None,
) -> Classifier:
    """The product's ``train_self_trained``: one round on the unlabelled messages."""

    def run(train: list[str], labels: list[str], test: list[str]) -> list[str]:
        model = train_self_trained(
            train, labels, unlabelled, topics=topics, params=params, confidence=confidence
        )
        return [p.best_guess or model.classes[0] for p in model.predict(test)]

    return run


def cross_validated(
    method: Classifier, texts: list[str], labels: list[str], seed: int = 2
) -> list[float]:
    from sklearn.model_selection import StratifiedKFold

    scores = []
    folds = StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, labels)
    for train, test in folds:
        guesses = method(
            [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in test]
        )
        scores.append(macro_f1([labels[i] for i in test], guesses))
    return scores


def labelling_curve(
    dev: list[str],
    dev_labels: list[str],
    held: list[str],
    held_labels: list[str],
    unlabelled: Sequence[str],
    topics: Sequence[TopicSpec],
    seed: int,
    steps: Sequence[int] = (50, 100, 200),
    start: int = 96,
    batch: int = 25,
) -> dict[str, list[float]]:
    from sklearn.model_selection import train_test_split

    first, _rest = train_test_split(
        list(range(len(dev))), train_size=start, stratify=dev_labels, random_state=seed
    )
    out: dict[str, list[float]] = {}

    def score(chosen: list[int]) -> float:
        model = TopicModel.train(
            [dev[i] for i in chosen], [dev_labels[i] for i in chosen], unlabelled, topics=topics
        )
        return macro_f1(held_labels, [p.best_guess or "" for p in model.predict(held)])

    out["start"] = [score(list(first))]
    # Random: the same numbers, drawn from the same pool.
    pool = [i for i in range(len(dev)) if i not in set(first)]
    order = random.Random(seed).sample(pool, len(pool))
    out["random"] = [score(list(first) + order[:n]) for n in steps]
    # Active: batches of ``batch`` picked by suggest_for_labelling, model retrained.
    for name, density in DENSITIES.items():
        chosen = list(first)
        active: list[float] = []
        for n in steps:
            while len(chosen) < start + n:
                model = TopicModel.train(
                    [dev[i] for i in chosen],
                    [dev_labels[i] for i in chosen],
                    unlabelled,
                    topics=topics,
                )
                left = [i for i in range(len(dev)) if i not in set(chosen)]
                k = min(batch, start + n - len(chosen))
                picks = suggest_for_labelling(
                    [dev[i] for i in left], k, model=model, density=density
                )
                chosen += [left[j] for j in picks]
            active.append(score(chosen))
        out[name] = active
    return out


def compare_methods(
    methods: dict[str, Classifier],
    dev: list[str],
    dev_labels: list[str],
    held: list[str],
    held_labels: list[str],
) -> None:
    print(f"\n{'method':<46} {'5-fold CV (dev)':>17} {'held back':>10} {'time s':>7}")
    guesses: dict[str, list[str]] = {}
    for name, method in methods.items():
        started = time.perf_counter()
        cv = cross_validated(method, dev, dev_labels)
        guesses[name] = method(dev, dev_labels, held)
        held_f1 = macro_f1(held_labels, guesses[name])
        print(
            f"{name:<46} {np.mean(cv):>8.4f} ± {np.std(cv):.3f} {held_f1:>10.4f} "
            f"{time.perf_counter() - started:>7.1f}",
            flush=True,
        )
    # 99 messages, two topics with 4 each: how sure is a difference on them?
    shipped = "TopicModel (taxonomy priors, shipped)"
    rng = np.random.default_rng(0)
    samples = [rng.integers(0, len(held), len(held)) for _ in range(1000)]
    print(f"\npaired bootstrap on the held-back messages (1,000 resamples) against {shipped}")
    for name, guess in guesses.items():
        if name == shipped:
            continue
        diffs = np.array(
            [
                macro_f1([held_labels[i] for i in idx], [guess[i] for i in idx])
                - macro_f1([held_labels[i] for i in idx], [guesses[shipped][i] for i in idx])
                for idx in samples
            ]
        )
        low, high = np.percentile(diffs, [5, 95])
        print(
            f"  {name:<46} difference {np.mean(diffs):+.4f} (90 % {low:+.3f} .. {high:+.3f}), "
            f"better in {np.mean(diffs > 0):.0%}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--confidence", type=float, default=0.9)
    parser.add_argument("--no-curve", action="store_true")
    parser.add_argument("--no-table", action="store_true", help="the labelling curve only")
    args = parser.parse_args()
    if not (DATA / "messages_sample_labeled.csv").exists():
        print(f"TIPDM data not found in {DATA}: nothing to evaluate.")
        return 0
    warnings.filterwarnings("ignore")
    rows = sorted(read("messages_sample_labeled.csv"), key=_time)
    texts = [r["title"] + "\n" + r["detail"] for r in rows]
    labels = [r["label_l1"] for r in rows]
    dev, dev_labels = texts[:-HELD_BACK], labels[:-HELD_BACK]
    held, held_labels = texts[-HELD_BACK:], labels[-HELD_BACK:]
    unlabelled = [
        r["title"] + "\n" + r["detail"]
        for name in ("hot_messages_annex3.csv", "replies_annex4.csv")
        for r in read(name)
    ]
    classes = sorted(set(labels))
    topics = taxonomy_topics(classes)
    print(
        f"development: {len(dev)} messages to {_time(rows[-HELD_BACK - 1]):%Y-%m-%d}; "
        f"held back: {len(held)} from {_time(rows[-HELD_BACK]):%Y-%m-%d} "
        f"({dict(Counter(held_labels).most_common())}); {len(unlabelled)} unlabelled"
    )
    methods: dict[str, Classifier] = {
        "baseline: char 1-3 TF-IDF + LinearSVC": baseline,
        "TopicModel (taxonomy priors, shipped)": model_method(unlabelled, topics),
        "TopicModel without priors": model_method(
            unlabelled, topics, ModelParams(prior_weight=0.0)
        ),
        f"TopicModel + self-training (p >= {args.confidence})": self_training_method(
            unlabelled, topics, args.confidence
        ),
        "TopicModel + self-training, no priors": self_training_method(
            unlabelled, topics, args.confidence, ModelParams(prior_weight=0.0)
        ),
    }
    if not args.no_table:
        compare_methods(methods, dev, dev_labels, held, held_labels)
    if args.no_curve:
        return 0
    print("\nmacro-F1 on the held-back messages after labelling more (from 96 labels)")
    curves = [
        labelling_curve(dev, dev_labels, held, held_labels, unlabelled, topics, seed)
        for seed in args.seeds
    ]
    steps = (50, 100, 200)
    print(f"{'chosen by':<24} {'+0':>7} " + " ".join(f"{'+' + str(n):>7}" for n in steps))
    for kind in ("random", *DENSITIES):
        start = np.mean([c["start"][0] for c in curves])
        cells = " ".join(f"{np.mean([c[kind][j] for c in curves]):>7.4f}" for j in range(3))
        print(f"{kind:<24} {start:>7.4f} {cells}")
    for seed, c in zip(args.seeds, curves, strict=True):
        print(
            f"  seed {seed}: start {c['start'][0]:.3f}; "
            + "; ".join(
                f"{kind} " + ", ".join(f"{v:.3f}" for v in c[kind])
                for kind in ("random", *DENSITIES)
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
