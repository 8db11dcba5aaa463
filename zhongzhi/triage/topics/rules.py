"""Topic guesses from the campaign's own topics, before staff have labelled anything.

Each topic contributes terms: its keywords and its name (weight 1) and the content words
of its description (weight 0.5). A term several topics share counts for each of them
divided by how many share it. A suggestion's score for a topic is the sum, over the
topic's terms it contains, of weight x (1 + log count). The confidence of the best topic
grows with its score and shrinks with a runner-up close to it:

    confidence = (1 - exp(-best)) * (best - second) / best

so one unambiguous keyword gives 0.63, two give 0.86, and a tie gives 0 (abstain).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zhongzhi.triage.normalise import normalise, normalise_many
from zhongzhi.triage.topics.features import (
    MAX_N,
    NgramVocabulary,
    TextNgrams,
    count_ngrams,
    ngram_keys,
)

__all__ = ["KeywordTopicClassifier", "TopicPrediction", "TopicSpec"]

DEFAULT_RULE_THRESHOLD = 0.5
_NAME_SPLIT_RE = re.compile(r"[\s,.:;\"()/\-与和及、]+")


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A campaign topic as staff set it up: name, a sentence about it, keywords."""

    name: str
    description: str = ""
    keywords: tuple[str, ...] | list[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class TopicPrediction:
    """The guessed topic (None: abstained), how sure (0-1), and the words behind it."""

    topic: str | None
    confidence: float
    evidence: list[str]
    best_guess: str | None = None  # the topic it would have said when it abstains


@dataclass(frozen=True, slots=True)
class _Term:
    text: str  # normalised
    weights: dict[int, float]  # topic index -> weight


def _topic_terms(topics: Sequence[TopicSpec]) -> list[_Term]:
    from zhongzhi.triage.keywords import default_segmenter

    raw: dict[str, dict[int, float]] = {}

    def add(term: str, topic: int, weight: float) -> None:
        folded = normalise(term).strip()
        if len(folded) < 1 or not any(ch.isalnum() for ch in folded):
            return
        slot = raw.setdefault(folded, {})
        slot[topic] = max(slot.get(topic, 0.0), weight)

    for index, topic in enumerate(topics):
        for keyword in topic.keywords:
            add(keyword, index, 1.0)
        for piece in _NAME_SPLIT_RE.split(normalise(topic.name)):
            if len(piece) >= 2:
                add(piece, index, 1.0)
        if topic.description.strip():
            for word in default_segmenter().content_words(topic.description):
                add(word, index, 0.5)
    terms: list[_Term] = []
    for text, weights in sorted(raw.items()):
        shared = len(weights)
        terms.append(_Term(text, {t: w / shared for t, w in weights.items()}))
    return terms


class KeywordTopicClassifier:
    """Zero-shot topic classifier: keyword and description matching with weights."""

    def __init__(
        self, topics: Sequence[TopicSpec], *, threshold: float = DEFAULT_RULE_THRESHOLD
    ) -> None:
        self.topics = list(topics)
        self.threshold = threshold
        self._terms = _topic_terms(self.topics)
        weights = np.zeros((len(self._terms), len(self.topics)), dtype=np.float64)
        for row, term in enumerate(self._terms):
            for topic, weight in term.weights.items():
                weights[row, topic] = weight
        self._weights = weights
        # Terms are found through the key of their first (up to) three characters, all
        # texts at once; a longer term is then confirmed by a substring test on the few
        # texts that hold its prefix.
        prefix_keys = [_prefix_key(term.text) for term in self._terms]
        unique_keys = np.unique(np.array([k for k in prefix_keys if k], dtype=np.uint64))
        self._prefixes = NgramVocabulary.from_keys(unique_keys)
        found = self._prefixes.lookup(np.array([k or 0 for k in prefix_keys], dtype=np.uint64))
        self._prefix_of_term = np.where([bool(k) for k in prefix_keys], found, -1)

    def term_counts(self, folded: Sequence[str], ngrams: TextNgrams | None = None) -> sp.csr_matrix:
        """Texts x terms matrix: how often each term occurs in each (normalised) text.

        ``ngrams`` are ``folded``'s n-grams when the caller has them already.
        """
        n = len(folded)
        if not self._terms or not n:
            return sp.csr_matrix((n, len(self._terms)), dtype=np.float64)
        if ngrams is None:
            counted = count_ngrams(folded, self._prefixes, orders=tuple(range(1, MAX_N + 1)))
        else:
            counted = self._prefixes.count(ngrams)
        prefixes = sp.csc_matrix(counted)
        columns: list[npt.NDArray[np.float64]] = []
        rows_out: list[npt.NDArray[np.int64]] = []
        cols_out: list[npt.NDArray[np.int64]] = []
        for col, term in enumerate(self._terms):
            prefix = int(self._prefix_of_term[col])
            if prefix < 0:
                continue
            start, stop = prefixes.indptr[prefix], prefixes.indptr[prefix + 1]
            rows = prefixes.indices[start:stop].astype(np.int64)
            counts = prefixes.data[start:stop].astype(np.float64)
            if len(term.text) > MAX_N or not _is_plain(term.text):
                counts = np.array([folded[r].count(term.text) for r in rows], dtype=np.float64)
                rows, counts = rows[counts > 0], counts[counts > 0]
            rows_out.append(rows)
            cols_out.append(np.full(rows.size, col, dtype=np.int64))
            columns.append(counts)
        if not columns:
            return sp.csr_matrix((n, len(self._terms)), dtype=np.float64)
        return sp.csr_matrix(
            (np.concatenate(columns), (np.concatenate(rows_out), np.concatenate(cols_out))),
            shape=(n, len(self._terms)),
        )

    def scores(
        self, folded: Sequence[str], ngrams: TextNgrams | None = None
    ) -> npt.NDArray[np.float64]:
        """Texts x topics score matrix (normalised texts)."""
        counts = self.term_counts(folded, ngrams)
        counts.data = 1.0 + np.log(counts.data)
        return np.asarray(counts @ self._weights)

    def predict(self, texts: Sequence[str]) -> list[TopicPrediction]:
        folded = normalise_many(list(texts))
        if not self.topics:
            return [TopicPrediction(None, 0.0, []) for _ in folded]
        counts = self.term_counts(folded).tocsr()
        weighted = counts.copy()
        weighted.data = 1.0 + np.log(weighted.data)
        scores = np.asarray(weighted @ self._weights)
        confidence, best = _confidence(scores)
        out: list[TopicPrediction] = []
        for i in range(len(folded)):
            if confidence[i] <= 0:
                out.append(TopicPrediction(None, 0.0, []))
                continue
            topic = int(best[i])
            start, stop = counts.indptr[i], counts.indptr[i + 1]
            hits = [
                (float(self._weights[j, topic] * weighted.data[p]), self._terms[j].text)
                for p, j in zip(range(start, stop), counts.indices[start:stop], strict=True)
                if self._weights[j, topic] > 0
            ]
            hits.sort(key=lambda pair: (-pair[0], pair[1]))
            name = self.topics[topic].name
            sure = float(confidence[i]) >= self.threshold
            out.append(
                TopicPrediction(
                    topic=name if sure else None,
                    confidence=round(float(confidence[i]), 4),
                    evidence=[text for _, text in hits[:5]],
                    best_guess=name,
                )
            )
        return out


def _confidence(
    scores: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    if scores.shape[1] == 0:
        return np.zeros(scores.shape[0]), np.zeros(scores.shape[0], dtype=np.int64)
    best = np.argmax(scores, axis=1)
    top = scores[np.arange(scores.shape[0]), best]
    second = np.sort(scores, axis=1)[:, -2] if scores.shape[1] > 1 else np.zeros_like(top)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(top > 0, (top - second) / np.where(top > 0, top, 1.0), 0.0)
    return (1.0 - np.exp(-top)) * margin, best


def _is_plain(term: str) -> bool:
    """True when the term is one unbroken n-gram (what ``ngram_keys`` can see whole)."""
    keys, _ = ngram_keys([term], orders=(len(term),))
    return len(term) <= MAX_N and keys.size == 1


def _prefix_key(term: str) -> int:
    """Key of the term's first run of up to three word characters (0 if it has none)."""
    head = term[:MAX_N]
    for n in range(len(head), 0, -1):
        keys, _ = ngram_keys([head[:n]], orders=(n,))
        if keys.size:
            return int(keys[0])
    return 0
