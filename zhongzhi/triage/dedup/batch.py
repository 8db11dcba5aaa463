"""Near-duplicate groups of a whole batch of texts.

The fingerprints of all texts are computed at once (``signatures``). The grouping then
walks the texts in input order exactly as ``DuplicateIndex.add`` would one by one, so
both give the same groups; two shortcuts keep the walk cheap without changing the
result:

* a bucket key that occurs in one text only can never produce a hit, so only keys
  shared by two or more texts are looked at (one sort of all keys finds them);
* a text none of whose keys is shared is a canonical without any lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from zhongzhi.triage.dedup.matching import (
    Fingerprint,
    Match,
    MatchParams,
    best_duplicate,
    compare,
    find_candidates,
)
from zhongzhi.triage.dedup.signatures import SignatureParams, Signatures, compute_signatures
from zhongzhi.triage.places import PlaceFinder, fold_many

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SimilarPair:
    """A text compared with an earlier canonical text during grouping."""

    text: int
    canonical: int
    overlap: float
    jaccard: float
    duplicate: bool


@dataclass(frozen=True, slots=True)
class DuplicateGroups:
    """Result of ``find_duplicate_groups`` over ``n`` texts.

    ``group[i]`` is the index of the canonical text of text ``i``'s group (the group's
    first member in input order; ``group[i] == i`` for a canonical). ``score[i]`` is the
    overlap of text ``i`` with its canonical (1.0 for canonicals).
    """

    group: I64
    canonical: npt.NDArray[np.bool_]
    score: npt.NDArray[np.float32]
    similar_pairs: list[SimilarPair] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.group.size)

    @property
    def n_groups(self) -> int:
        return int(np.count_nonzero(self.canonical))

    def members(self) -> dict[int, list[int]]:
        """Groups with more than one member: canonical index -> member indices."""
        groups: dict[int, list[int]] = {}
        for i in np.flatnonzero(~self.canonical).tolist():
            groups.setdefault(int(self.group[i]), []).append(i)
        return {c: [c, *rest] for c, rest in sorted(groups.items())}


def find_duplicate_groups(
    texts: Sequence[str],
    *,
    signature_params: SignatureParams | None = None,
    match_params: MatchParams | None = None,
    with_similar: bool = False,
    signatures: Signatures | None = None,
    places: PlaceFinder | None = None,
) -> DuplicateGroups:
    """Group near-duplicate ``texts``; the first of each group in input order is its
    canonical. With ``with_similar`` every verified pair with overlap at or above
    ``match_params.similar`` is returned as well (duplicates included). ``places`` finds
    the texts' specific places (by default without the campaign's own names)."""
    p = match_params or MatchParams()
    sigs = signatures if signatures is not None else compute_signatures(texts, signature_params)
    n = len(sigs)
    group = np.arange(n, dtype=np.int64)
    canonical = np.ones(n, dtype=np.bool_)
    score = np.ones(n, dtype=np.float32)
    similar_pairs: list[SimilarPair] = []
    if n == 0:
        return DuplicateGroups(group, canonical, score, similar_pairs)

    texts_with_shared, shared_offsets, shared_keys, shared_slots, n_slots = _shared_keys(sigs)
    fingerprints: dict[int, Fingerprint] = {}
    anchor_counts = np.diff(sigs.anchor_offsets).tolist()

    finder = (places or PlaceFinder()) if p.place_aware else None
    # Folding is one numpy pass for all; places are read only of texts that get compared.
    folded = fold_many(texts) if finder is not None else []

    def fingerprint_of(i: int) -> Fingerprint:
        found = fingerprints.get(i)
        if found is None:
            tokens = finder.find_folded(folded[i]) if finder is not None else ()
            found = fingerprints[i] = Fingerprint(sigs.digest(i), anchor_counts[i], tokens)
        return found

    exact = sigs.exact.tolist()
    offsets = shared_offsets.tolist()
    all_keys = shared_keys.tolist()
    all_slots = shared_slots.tolist()
    # buckets[slot]: canonicals holding the shared key numbered ``slot``
    buckets: list[list[int] | None] = [None] * n_slots
    cap = p.bucket_cap
    for position, i in enumerate(texts_with_shared.tolist()):
        start, stop = offsets[position], offsets[position + 1]
        keys = all_keys[start:stop]
        slots = all_slots[start:stop]
        members = [buckets[slot] or () for slot in slots]
        candidates = find_candidates(keys, members, exact[i], anchor_counts[i], p, p.top_k)
        match: Match | None = None
        if candidates.ranked:
            matches = compare(
                fingerprint_of(i), candidates, fingerprint_of, p, verify_implausible=with_similar
            )
            match = best_duplicate(matches)
            if with_similar:
                similar_pairs.extend(
                    SimilarPair(i, m.id, m.overlap, m.jaccard, m.duplicate)
                    for m in matches
                    if m.overlap >= p.similar
                )
        if match is None:
            for slot in slots:
                ids = buckets[slot]
                if ids is None:
                    buckets[slot] = [i]
                elif len(ids) < cap:
                    ids.append(i)
        else:
            group[i] = match.id
            canonical[i] = False
            score[i] = match.overlap
            fingerprints.pop(i, None)  # only canonicals are compared again
            # its exact key (shared keys come exact key first) names the canonical
            if keys and keys[0] == exact[i] and buckets[slots[0]] is None:
                buckets[slots[0]] = [match.id]
    return DuplicateGroups(group, canonical, score, similar_pairs)


def _shared_keys(sigs: Signatures) -> tuple[I64, I64, I64, I64, int]:
    """Texts having at least one bucket key that another text has too, those keys per
    text (flat, with offsets; exact key first, then bands, then anchors), the number of
    each key among the distinct shared keys (its "slot"), and how many there are."""
    n = len(sigs)
    bands = sigs.bands.shape[1]
    anchor_counts = np.diff(sigs.anchor_offsets)
    keys = np.concatenate([sigs.exact, sigs.bands.ravel(), sigs.anchors])
    owner = np.concatenate(
        [
            np.arange(n, dtype=np.int64),
            np.repeat(np.arange(n, dtype=np.int64), bands),
            np.repeat(np.arange(n, dtype=np.int64), anchor_counts),
        ]
    )
    # Order inside a text must be the same as DuplicateIndex uses: exact, bands, anchors.
    rank = np.concatenate(
        [
            np.zeros(n, dtype=np.int64),
            np.tile(np.arange(1, bands + 1, dtype=np.int64), n),
            bands
            + 1
            + np.arange(sigs.anchors.size, dtype=np.int64)
            - np.repeat(sigs.anchor_offsets[:-1], anchor_counts),
        ]
    )
    valid = keys >= 0
    keys, owner, rank = keys[valid], owner[valid], rank[valid]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    repeated = np.zeros(sorted_keys.size, dtype=np.bool_)
    same_as_next = sorted_keys[1:] == sorted_keys[:-1]
    repeated[1:] |= same_as_next
    repeated[:-1] |= same_as_next
    # Keys are distinct within one text (a band key mixes in the band's number, anchors
    # are unique per text), so "repeated" means held by two texts or more.
    chosen = order[repeated]
    by_text = np.lexsort((rank[chosen], owner[chosen]))
    chosen = chosen[by_text]
    shared_owner = owner[chosen]
    texts_with_shared, counts = np.unique(shared_owner, return_counts=True)
    offsets = np.zeros(texts_with_shared.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    distinct, slots = np.unique(keys[chosen], return_inverse=True)
    return texts_with_shared, offsets, keys[chosen], slots.astype(np.int64), int(distinct.size)
