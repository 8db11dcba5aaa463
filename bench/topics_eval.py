"""Topic classification on the labelled TIPDM 2020 C sample, against a baseline.

    .venv/bin/python bench/topics_eval.py [--seeds 2 3] [--scale 151681]

Reads /work/shared/data/tipdm2020c (or $ZHONGZHI_TIPDM_DIR); never copies it. Stratified
5-fold cross-validation, repeated per seed; in each fold only the training part's labels
are seen (the model's temperature is fitted by an inner split of those). The unlabelled
annexes 3 and 4 (titles and details only) give the vocabulary. The taxonomy's level-2/3
names of each level-1 class stand in for the topic descriptions a campaign would write
(the zero-shot path), used as keyword priors.

Prints macro-F1 and accuracy of the baseline (character 1-3-gram TF-IDF + LinearSVC
fitted on the same training folds) and of ``TopicModel``, the abstention rate at the
model's threshold and the accuracy on what it did not abstain on, the zero-shot keyword
classifier's figures, and the time to predict ``--scale`` texts.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zhongzhi.triage.topics import KeywordTopicClassifier, TopicModel, TopicSpec

DATA = Path(os.environ.get("ZHONGZHI_TIPDM_DIR", "/work/shared/data/tipdm2020c"))


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def taxonomy_topics(classes: list[str]) -> list[TopicSpec]:
    names: dict[str, set[str]] = {c: set() for c in classes}
    for row in read("label_taxonomy.csv"):
        if row["level1"] in names:
            names[row["level1"]].update(n for n in (row["level2"], row["level3"]) if n != "其他")
    return [TopicSpec(c, "", tuple(sorted(names[c]))) for c in classes]


def macro_f1(truth: list[str], pred: list[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(truth, pred, average="macro"))


def baseline(train: list[str], labels: list[str], test: list[str]) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    svm = LinearSVC().fit(vectoriser.fit_transform(train), labels)
    return [str(p) for p in svm.predict(vectoriser.transform(test))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--scale", type=int, default=151_681)
    args = parser.parse_args()
    if not (DATA / "messages_sample_labeled.csv").exists():
        print(f"TIPDM data not found in {DATA}: nothing to evaluate.")
        return 0
    warnings.filterwarnings("ignore")
    from sklearn.model_selection import StratifiedKFold

    rows = read("messages_sample_labeled.csv")
    texts = [r["title"] + "\n" + r["detail"] for r in rows]
    labels = [r["label_l1"] for r in rows]
    unlabelled = [
        r["title"] + "\n" + r["detail"]
        for name in ("hot_messages_annex3.csv", "replies_annex4.csv")
        for r in read(name)
    ]
    classes = sorted(set(labels))
    topics = taxonomy_topics(classes)
    print(f"{len(texts)} labelled messages, {len(classes)} classes, {len(unlabelled)} unlabelled")

    results: dict[str, list[float]] = {k: [] for k in ("base_f1", "base_acc", "f1", "acc")}
    abstained = correct_kept = kept = 0
    y = np.array(labels)
    train_seconds: list[float] = []
    for seed in args.seeds:
        folds = StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, y)
        for fold, (train, test) in enumerate(folds):
            tr_texts = [texts[i] for i in train]
            tr_labels = [labels[i] for i in train]
            te_texts = [texts[i] for i in test]
            truth = [labels[i] for i in test]
            base = baseline(tr_texts, tr_labels, te_texts)
            results["base_f1"].append(macro_f1(truth, base))
            results["base_acc"].append(float(np.mean(np.array(base) == y[test])))
            started = time.perf_counter()
            model = TopicModel.train(tr_texts, tr_labels, unlabelled, topics=topics)
            train_seconds.append(time.perf_counter() - started)
            predictions = model.predict(te_texts)
            guesses = [p.best_guess or classes[0] for p in predictions]
            results["f1"].append(macro_f1(truth, guesses))
            results["acc"].append(float(np.mean(np.array(guesses) == y[test])))
            for p, t in zip(predictions, truth, strict=True):
                if p.topic is None:
                    abstained += 1
                else:
                    kept += 1
                    correct_kept += p.topic == t
            print(
                f"  seed {seed} fold {fold}: baseline macro-F1 {results['base_f1'][-1]:.3f}"
                f"  model {results['f1'][-1]:.3f}",
                flush=True,
            )

    def summary(key: str) -> str:
        return f"{np.mean(results[key]):.4f} ± {np.std(results[key]):.4f}"

    total = abstained + kept
    print(f"\nseeds {args.seeds} x 5 folds")
    print(f"baseline (char 1-3 TF-IDF + LinearSVC): macro-F1 {summary('base_f1')}")
    print(f"baseline accuracy                      : {summary('base_acc')}")
    print(f"TopicModel (always answering)          : macro-F1 {summary('f1')}")
    print(f"TopicModel accuracy                    : {summary('acc')}")
    print(
        f"TopicModel at threshold {model.threshold}: abstains on {abstained / total:.1%}, "
        f"accuracy on the rest {correct_kept / max(kept, 1):.4f}"
    )
    print(f"training time per fold: {np.mean(train_seconds):.1f} s")

    zero = KeywordTopicClassifier(topics).predict(texts)
    guesses = [p.best_guess or "" for p in zero]
    zero_kept = [(p.topic, t) for p, t in zip(zero, labels, strict=True) if p.topic]
    print(
        f"zero-shot keywords (taxonomy names only, no labels): macro-F1 "
        f"{macro_f1(labels, guesses):.4f}, abstains on {1 - len(zero_kept) / len(labels):.1%}, "
        f"accuracy on the rest {np.mean([a == b for a, b in zero_kept]):.4f}"
    )

    corpus = texts + unlabelled
    big = [corpus[i % len(corpus)] for i in range(args.scale)]
    chars = sum(len(t) for t in big)
    # CPU time too: on a shared machine the wall clock also counts other people's work.
    started, cpu = time.perf_counter(), time.process_time()
    model.predict(big)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"predict {len(big):,} texts ({chars / 1e6:.1f} M characters, TIPDM lengths): "
        f"{seconds:.1f} s wall, {cpu:.1f} s CPU, one process ({os.cpu_count()} cores here)"
    )
    short = [t[:120] for t in big]
    started, cpu = time.perf_counter(), time.process_time()
    model.predict(short)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"predict {len(short):,} texts cut to 120 characters: {seconds:.1f} s wall, {cpu:.1f} s CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
