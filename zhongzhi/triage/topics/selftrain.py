"""Self-training: a topic model taught again with the unlabelled suggestions it is
sure of.

One round: train on the labels; predict the unlabelled suggestions; those whose
probability is at least ``confidence`` become labels too, at most as many per topic
as that topic has real labels (the most confident first), so that the common topics
do not crowd out the rare ones; train again on both. On the TIPDM sample's held-back
messages (``bench/topics_heldout.py``) this raised macro-F1 from 0.825 to 0.846, and
from 0.858 to 0.875 in cross-validation on the messages before them. An earlier try
that gave every unlabelled message its guess lowered it (0.83 -> 0.76): those hold
topics outside the campaign's, which a forced guess puts in one of them; the threshold
and the cap keep such messages out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

import numpy as np

from zhongzhi.triage.topics.model import DEFAULT_THRESHOLD, ModelParams, TopicModel, evenly
from zhongzhi.triage.topics.rules import TopicSpec

__all__ = [
    "CAMPAIGN_MODEL_PARAMS",
    "SELF_TRAINING_CONFIDENCE",
    "train_campaign_model",
    "train_self_trained",
]

SELF_TRAINING_CONFIDENCE: Final = 0.9
# What a campaign's model is trained with: the choice of the held-back split
# (``bench/topics_heldout.py``, 2026-12-07): self-training, and no keyword prior. With
# self-training, the taxonomy names as priors gave 0.846 on the held-back messages and
# none 0.874 (cross-validation on the earlier messages said the opposite, 0.875 and
# 0.830): the split is 99 messages, so either may be chance; the rule was to keep only
# what wins on the messages never used for a choice.
CAMPAIGN_MODEL_PARAMS: Final = ModelParams(prior_weight=0.0)
# Unlabelled suggestions predicted for the round (evenly spaced): enough to find a few
# hundred confident ones, a few seconds.
_PREDICTED: Final = 20_000


def train_self_trained(
    texts: Sequence[str],
    labels: Sequence[str],
    unlabelled: Sequence[str] | None = None,
    *,
    topics: Sequence[TopicSpec] = (),
    params: ModelParams | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    confidence: float = SELF_TRAINING_CONFIDENCE,
) -> TopicModel:
    """``TopicModel.train`` with one round of self-training on ``unlabelled``."""
    model = TopicModel.train(
        texts, labels, unlabelled, topics=topics, params=params, threshold=threshold
    )
    pool = evenly(list(unlabelled or []), _PREDICTED)
    if not pool:
        return model
    probs = model.probabilities(pool)
    best = probs.argmax(axis=1)
    sure = probs.max(axis=1)
    per_topic = Counter(str(label) for label in labels)
    added_texts: list[str] = []
    added_labels: list[str] = []
    for k, name in enumerate(model.classes):
        rows = np.flatnonzero((best == k) & (sure >= confidence))
        rows = rows[np.argsort(-sure[rows], kind="stable")][: per_topic[name]]
        added_texts += [pool[i] for i in rows]
        added_labels += [name] * len(rows)
    if not added_texts:
        return model
    return TopicModel.train(
        [*texts, *added_texts],
        [*labels, *added_labels],
        unlabelled,
        topics=topics,
        params=params,
        threshold=threshold,
    )


def train_campaign_model(
    texts: Sequence[str],
    labels: Sequence[str],
    unlabelled: Sequence[str] | None = None,
    *,
    topics: Sequence[TopicSpec] = (),
) -> TopicModel:
    """A campaign's topic model from its staff labels (``CAMPAIGN_MODEL_PARAMS``, one
    round of self-training on its other suggestions)."""
    return train_self_trained(
        texts, labels, unlabelled, topics=topics, params=CAMPAIGN_MODEL_PARAMS
    )
