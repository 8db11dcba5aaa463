"""Which suggestions staff should label next (active learning for the topic model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from zhongzhi.triage.normalise import normalise_many
from zhongzhi.triage.topics.features import TfidfBlock
from zhongzhi.triage.topics.model import TopicModel, evenly

__all__ = ["suggest_for_labelling"]

_VOCABULARY_SAMPLE: Final = 20_000
_DIVERSITY: Final = 0.5  # how much closeness to an already picked text costs


def suggest_for_labelling(
    texts: Sequence[str],
    k: int,
    *,
    model: TopicModel | None = None,
    pool: int = 5000,
    density: float = 0.0,
) -> list[int]:
    """Indices of ``k`` texts to label next: the most uncertain, spread over the corpus.

    Uncertainty is 1 - (best - second probability) under ``model`` (all 1 without one).
    Greedily, each pick maximises uncertainty - 0.5 x (cosine to the closest text already
    picked), among the ``pool`` most uncertain texts: a batch of ten near-identical
    complaints teaches the model no more than one of them.
    """
    if k <= 0 or not texts:
        return []
    if model is not None:
        probs = model.probabilities(texts)
        ordered = np.sort(probs, axis=1)
        margin = ordered[:, -1] - (ordered[:, -2] if probs.shape[1] > 1 else 0.0)
        uncertainty = 1.0 - margin
        body = model.body
    else:
        uncertainty = np.ones(len(texts))
        body = TfidfBlock.fit(normalise_many(evenly(texts, _VOCABULARY_SAMPLE)), min_df=1)
    candidates = np.argsort(-uncertainty, kind="stable")[:pool]
    vectors = body.transform(normalise_many([texts[i] for i in candidates]))
    has_words = np.diff(vectors.indptr) > 0
    candidates, vectors = candidates[has_words], vectors[has_words]
    if not candidates.size:
        return []
    closest = np.zeros(candidates.size)
    gain = uncertainty[candidates].astype(np.float64)
    if density > 0 and candidates.size > 1:
        typical = np.asarray(vectors @ np.asarray(vectors.sum(axis=0)).ravel()).ravel()
        if typical.max() > 0:
            gain = gain * (typical / typical.max()) ** density
    picked: list[int] = []
    available = np.ones(candidates.size, dtype=np.bool_)
    for _ in range(min(k, candidates.size)):
        value = np.where(available, gain - _DIVERSITY * closest, -np.inf)
        j = int(np.argmax(value))
        picked.append(int(candidates[j]))
        available[j] = False
        similarity = np.asarray(vectors @ vectors[j].T.toarray()).ravel()
        closest = np.maximum(closest, similarity)
    return picked
