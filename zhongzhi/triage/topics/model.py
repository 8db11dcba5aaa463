"""The trainable topic model: learns from the topics staff give during screening.

Features (``topics.features``): character 1-2-gram TF-IDF of the whole text, plus a
second block for the title (weighted 0.7: on the TIPDM sample the title alone carries
much of the topic), plus, when the campaign's topics are given, each topic's keyword
score from the zero-shot rules (weighted 0.25): the topic descriptions staff wrote act
as a prior that a few hundred labels cannot teach. Vocabulary and IDF are fitted on the
labelled and the unlabelled suggestions together, so words that only unlabelled
suggestions use still shape the weights of the ones that do.

Classifier: a linear SVM (one against the rest) with little regularisation (C=10). Its
scores become probabilities by a softmax with one temperature, fitted on out-of-fold
scores of the training labels (3 folds), so "confidence 0.8" means about 80 % right on
texts like the training ones. Below ``threshold`` the model abstains.

Tried and left out (bench/README.md has the figures): self-training on the 7k unlabelled
TIPDM messages lowered macro-F1 from 0.83 to 0.76 (they include topics outside the
labelled seven, which pseudo-labels force into them); sublinear tf, 3-grams and
jieba-word features did not help.

The model is saved as ``model.json`` plus ``arrays.npz`` (no pickle: loading a model
file cannot run code).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zhongzhi.triage.normalise import normalise_many
from zhongzhi.triage.topics import linear
from zhongzhi.triage.topics.features import NgramVocabulary, TfidfBlock, key_text, text_ngrams
from zhongzhi.triage.topics.rules import KeywordTopicClassifier, TopicPrediction, TopicSpec

__all__ = ["DEFAULT_THRESHOLD", "ModelParams", "TopicModel", "evenly", "split_title"]

FORMAT_VERSION: Final = 1
DEFAULT_THRESHOLD: Final = 0.5
# Texts used to fit the vocabulary and IDF: enough to see the campaign's words, few
# enough that fitting on a 150k corpus stays a matter of seconds.
_VOCABULARY_SAMPLE: Final = 20_000
_PREDICT_CHUNK: Final = 5_000
_MAX_CHARS: Final = 1_000
_EVIDENCE_CANDIDATES: Final = 8
_SPAN_MAX: Final = 8  # longest evidence span, in characters
_TITLE_MAX: Final = 60
_FIRST_SENTENCE_RE: Final = re.compile(r"^(.{4,40}?)[。！？!?；;\n]")


@dataclass(frozen=True, slots=True)
class ModelParams:
    title_weight: float = 0.7
    prior_weight: float = 0.25
    c: float = 10.0
    min_df: int = 2
    max_features: int = 400_000
    # Characters and pairs: on the TIPDM sample adding 3-grams lowered macro-F1 (0.887 ->
    # 0.875) and costs a third more time.
    orders: tuple[int, ...] = (1, 2)


def split_title(text: str) -> tuple[str, str]:
    """(title, whole text). The title is the first line if the text has several short
    lines' worth ("title\\nbody", as the intake form stores it), else the first sentence."""
    head, sep, _body = text.partition("\n")
    if sep and 0 < len(head.strip()) <= _TITLE_MAX:
        return head, text
    match = _FIRST_SENTENCE_RE.match(text)
    return (match.group(1) if match else text[:_TITLE_MAX]), text


def evenly(items: Sequence[str], limit: int) -> list[str]:
    if len(items) <= limit:
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


class TopicModel:
    """Linear topic classifier over character n-grams; see the module docstring."""

    def __init__(
        self,
        *,
        classes: list[str],
        body: TfidfBlock,
        title: TfidfBlock,
        coef: npt.NDArray[np.float32],
        intercept: npt.NDArray[np.float32],
        temperature: float,
        params: ModelParams,
        topics: Sequence[TopicSpec] = (),
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.classes = classes
        self.body = body
        self.title = title
        self.coef = coef
        self.intercept = intercept
        self.temperature = temperature
        self.params = params
        self.topics = list(topics)
        self.threshold = threshold
        # A prior of weight 0 adds nothing: its columns (and their 3-grams) are skipped.
        self._rules = self._prior_rules(self.topics, classes) if params.prior_weight > 0 else None
        self._texts_of_columns: npt.NDArray[np.object_] | None = None

    @staticmethod
    def _prior_rules(
        topics: Sequence[TopicSpec], classes: Sequence[str]
    ) -> KeywordTopicClassifier | None:
        by_name = {t.name: t for t in topics}
        if not any(c in by_name for c in classes):
            return None
        # One rule column per class, in class order; a class without a spec has none.
        return KeywordTopicClassifier([by_name.get(c, TopicSpec(c)) for c in classes])

    # -- features -------------------------------------------------------------------

    @staticmethod
    def _fold(texts: Sequence[str]) -> tuple[list[str], list[str]]:
        # The topic shows long before character 1,000 (cutting there cost nothing
        # measurable); a pasted 100,000-character text would otherwise cost as much as
        # a hundred ordinary ones.
        pairs = [split_title(t[:_MAX_CHARS] if isinstance(t, str) else "") for t in texts]
        wholes = normalise_many([p[1] for p in pairs])
        # The title is the head of the whole text: its folded form is the same number of
        # characters at the head of the folded text (a greeting stripped there shifts it
        # a little), which saves normalising every title a second time.
        titles = [whole[: len(p[0])] for p, whole in zip(pairs, wholes, strict=True)]
        return titles, wholes

    def _features(self, titles: Sequence[str], wholes: Sequence[str]) -> sp.csr_matrix:
        # One n-gram pass over the texts serves the body block and the keyword prior
        # (whose term prefixes are up to three characters long).
        orders = set(self.params.orders) | ({1, 2, 3} if self._rules is not None else set())
        ngrams = text_ngrams(wholes, sorted(orders))
        blocks = [self.body.transform_ngrams(ngrams), self.title.transform(titles)]
        blocks[1] = blocks[1] * self.params.title_weight
        if self._rules is not None:
            scores = self._rules.scores(wholes, ngrams)
            norms = np.linalg.norm(scores, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            blocks.append(sp.csr_matrix(scores / norms * self.params.prior_weight))
        return sp.csr_matrix(sp.hstack(blocks, format="csr"), dtype=np.float32)

    # -- training -------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        unlabelled: Sequence[str] | None = None,
        *,
        topics: Sequence[TopicSpec] = (),
        params: ModelParams | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> TopicModel:
        """Train on labelled ``texts``; ``unlabelled`` suggestions shape the vocabulary.

        Raises ValueError unless at least two topics have labels (until then, use the
        zero-shot ``KeywordTopicClassifier``).
        """
        params = params or ModelParams()
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        y = np.array([str(label) for label in labels])
        classes = sorted(set(y.tolist()))
        if len(classes) < 2:
            raise ValueError("a topic model needs labels of at least two topics")
        titles, wholes = cls._fold(texts)
        u_titles, u_wholes = cls._fold(evenly(unlabelled or [], _VOCABULARY_SAMPLE))
        body = TfidfBlock.fit(
            wholes + u_wholes,
            min_df=params.min_df,
            max_features=params.max_features,
            orders=params.orders,
        )
        title = TfidfBlock.fit(
            titles + u_titles,
            min_df=params.min_df,
            max_features=params.max_features,
            orders=params.orders,
        )
        model = cls(
            classes=classes,
            body=body,
            title=title,
            coef=np.zeros((0, 0), np.float32),
            intercept=np.zeros(0, np.float32),
            temperature=1.0,
            params=params,
            topics=topics,
            threshold=threshold,
        )
        features = model._features(titles, wholes)
        model.temperature = linear.fit_temperature(features, y, classes, params.c)
        model.coef, model.intercept = linear.fit_svm(features, y, classes, params.c)
        return model

    # -- prediction -----------------------------------------------------------------

    def decision(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Texts x classes SVM scores."""
        titles, wholes = self._fold(texts)
        return linear.scores(self._features(titles, wholes), self.coef, self.intercept)

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return linear.softmax(self.decision(texts) * self.temperature)

    def predict(self, texts: Sequence[str], *, evidence: int = 5) -> list[TopicPrediction]:
        """One prediction per text, in order, with the n-grams that pushed it there."""
        out: list[TopicPrediction] = []
        for start in range(0, len(texts), _PREDICT_CHUNK):
            out.extend(self._predict_chunk(texts[start : start + _PREDICT_CHUNK], evidence))
        return out

    def _predict_chunk(self, texts: Sequence[str], evidence: int) -> list[TopicPrediction]:
        titles, wholes = self._fold(texts)
        features = self._features(titles, wholes)
        probs = linear.softmax(
            linear.scores(features, self.coef, self.intercept) * self.temperature
        )
        best = np.argmax(probs, axis=1)
        confidence = probs[np.arange(len(texts)), best]
        words = self._evidence(features, best, evidence, wholes)
        out: list[TopicPrediction] = []
        for i in range(len(texts)):
            name = self.classes[int(best[i])]
            # Nothing to go on (empty, emoji only): not a guess worth showing.
            empty = features.indptr[i] == features.indptr[i + 1]
            sure = confidence[i] >= self.threshold and not empty
            out.append(
                TopicPrediction(
                    topic=name if sure else None,
                    confidence=0.0 if empty else round(float(confidence[i]), 4),
                    evidence=words[i],
                    best_guess=None if empty else name,
                )
            )
        return out

    def _column_texts(self) -> npt.NDArray[np.object_]:
        """The readable n-gram of each feature column, decoded once per model."""
        if self._texts_of_columns is None:
            texts = [key_text(int(k)) if k else "" for k in self._column_keys().tolist()]
            self._texts_of_columns = np.array(texts, dtype=object)
        return self._texts_of_columns

    def _column_keys(self) -> npt.NDArray[np.uint64]:
        """The n-gram key behind each feature column (0 for the keyword-prior columns)."""
        parts = [self.body.vocabulary.keys, self.title.vocabulary.keys]
        if self._rules is not None:
            parts.append(np.zeros(len(self.classes), dtype=np.uint64))
        return np.concatenate(parts)

    def _evidence(
        self,
        features: sp.csr_matrix,
        best: npt.NDArray[np.int64],
        limit: int,
        wholes: Sequence[str],
    ) -> list[list[str]]:
        """Words of the text with the largest contribution (value x weight) to the topic.

        All rows at once: contributions of every non-zero feature, sorted by row and
        contribution, the first few per row kept; only those few go through Python,
        where overlapping pairs are joined back into the words of the text they came
        from ("公交" + "交线" + "线路" -> "公交线路").
        """
        n = features.shape[0]
        if limit <= 0 or features.nnz == 0:
            return [[] for _ in range(n)]
        keys = self._column_keys()
        row = np.repeat(np.arange(n), np.diff(features.indptr))
        # Single characters explain nothing to a reader, and the keyword-prior columns
        # have no n-gram: only 2- and 3-grams can be evidence.
        readable = keys[features.indices] >= np.uint64(1 << 21)
        row, column = row[readable], features.indices[readable]
        contribution = features.data[readable] * self.coef[best[row], column]
        keep = contribution > 0
        row, column, contribution = row[keep], column[keep], contribution[keep]
        if not row.size:
            return [[] for _ in range(n)]
        # Sorting every contribution costs more than the rest of prediction; the few
        # that can make a row's top list are at least a quarter of its largest.
        # Rows are in order (CSR), so each row's largest is one reduceat over its run.
        starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        largest = np.maximum.reduceat(contribution, starts)
        run_length = np.diff(np.r_[starts, row.size])
        keep = contribution >= 0.25 * np.repeat(largest, run_length)
        row, column, contribution = row[keep], column[keep], contribution[keep]
        order = np.lexsort((-contribution, row))
        row, column, contribution = row[order], column[order], contribution[order]
        first = np.searchsorted(row, np.arange(n))
        rank = np.arange(row.size) - first[row]
        top = rank < _EVIDENCE_CANDIDATES
        row, column, contribution = row[top], column[top], contribution[top]
        out: list[list[str]] = [[] for _ in range(n)]
        grams = self._column_texts()[column].tolist()
        values = contribution.tolist()
        bounds = np.searchsorted(row, np.arange(n + 1)).tolist()
        for i in range(n):
            start, stop = bounds[i], bounds[i + 1]
            if start == stop:
                continue
            scored: dict[str, float] = {}
            for gram, value in zip(grams[start:stop], values[start:stop], strict=True):
                scored[gram] = scored.get(gram, 0.0) + value
            out[i] = _spans(wholes[i], scored, limit)
        return out

    # -- active learning ------------------------------------------------------------

    def suggest_for_labelling(self, texts: Sequence[str], k: int) -> list[int]:
        """Indices of the ``k`` texts staff should label next (uncertain and varied)."""
        from zhongzhi.triage.topics.labelling import suggest_for_labelling

        return suggest_for_labelling(texts, k, model=self)

    # -- persistence ----------------------------------------------------------------

    def save(self, directory: str | Path) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT_VERSION,
            "classes": self.classes,
            "temperature": self.temperature,
            "threshold": self.threshold,
            "params": asdict(self.params),
            "topics": [
                {"name": t.name, "description": t.description, "keywords": list(t.keywords)}
                for t in self.topics
            ],
        }
        (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        np.savez_compressed(
            path / "arrays.npz",
            body_keys=self.body.vocabulary.keys,
            body_idf=self.body.idf,
            title_keys=self.title.vocabulary.keys,
            title_idf=self.title.idf,
            coef=self.coef,
            intercept=self.intercept,
        )

    @classmethod
    def load(cls, directory: str | Path) -> TopicModel:
        path = Path(directory)
        meta: dict[str, Any] = json.loads((path / "model.json").read_text("utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported topic model format: {meta.get('format')!r}")
        orders = tuple(int(n) for n in meta["params"]["orders"])
        with np.load(path / "arrays.npz", allow_pickle=False) as arrays:
            body = TfidfBlock(
                NgramVocabulary.from_keys(arrays["body_keys"]), arrays["body_idf"], orders=orders
            )
            title = TfidfBlock(
                NgramVocabulary.from_keys(arrays["title_keys"]), arrays["title_idf"], orders=orders
            )
            coef, intercept = arrays["coef"], arrays["intercept"]
        return cls(
            classes=list(meta["classes"]),
            body=body,
            title=title,
            coef=coef,
            intercept=intercept,
            temperature=float(meta["temperature"]),
            params=ModelParams(**{**meta["params"], "orders": orders}),
            topics=[
                TopicSpec(t["name"], t["description"], tuple(t["keywords"])) for t in meta["topics"]
            ],
            threshold=float(meta["threshold"]),
        )


def _spans(text: str, scored: dict[str, float], limit: int) -> list[str]:
    """Join the scored n-grams where they overlap in ``text``; best spans first."""
    intervals: list[tuple[int, int, float]] = []
    # Weak pairs at the edge of a strong one ("施工" + "工有") would only add noise.
    floor = 0.35 * max(scored.values(), default=0.0)
    for gram, value in scored.items():
        if value < floor:
            continue
        at = text.find(gram)
        if at >= 0:
            intervals.append((at, at + len(gram), value))
    intervals.sort()
    spans: list[tuple[float, str]] = []
    start, stop, total = -1, -1, 0.0
    for lo, hi, value in intervals:
        if lo < stop and hi - start <= _SPAN_MAX:
            stop, total = max(stop, hi), total + value
            continue
        if start >= 0:
            spans.append((total, text[start:stop]))
        start, stop, total = lo, hi, value
    if start >= 0:
        spans.append((total, text[start:stop]))
    spans.sort(key=lambda pair: (-pair[0], pair[1]))
    kept: list[str] = []
    for _, span in spans:
        if span not in kept:
            kept.append(span)
        if len(kept) == limit:
            break
    return kept
