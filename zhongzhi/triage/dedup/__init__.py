"""Near-duplicate detection for suggestion texts (no Django).

Batch: ``find_duplicate_groups(texts) -> DuplicateGroups``. Incremental:
``DuplicateIndex(store).query(text)`` / ``.add(id, text)`` over a ``DuplicateStore``
(``InMemoryStore``, ``RedisStore``; a database store implements the same four methods).
See ``signatures`` for the fingerprints and ``matching`` for the decision.
"""

from zhongzhi.triage.dedup.batch import DuplicateGroups, SimilarPair, find_duplicate_groups
from zhongzhi.triage.dedup.index import DuplicateIndex
from zhongzhi.triage.dedup.matching import Match, MatchParams
from zhongzhi.triage.dedup.signatures import (
    SignatureParams,
    compute_signatures,
    keys_from_normalised,
    matching_keys,
)
from zhongzhi.triage.dedup.stores import DuplicateStore, InMemoryStore, RedisStore

__all__ = [
    "DuplicateGroups",
    "DuplicateIndex",
    "DuplicateStore",
    "InMemoryStore",
    "Match",
    "MatchParams",
    "RedisStore",
    "SignatureParams",
    "SimilarPair",
    "compute_signatures",
    "find_duplicate_groups",
    "keys_from_normalised",
    "matching_keys",
]
