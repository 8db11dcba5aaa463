"""Verification and the decision shared by the batch run and the incremental index.

A text joins a group only after exact verification against the group's **canonical**
text (its first member), never against another member: two unrelated texts cannot end
up together by each resembling a third one (no chaining). Candidates come from LSH
band, anchor and exact-key buckets that hold canonicals only; the ``top_k`` canonicals
sharing the most buckets with the text are verified, and the best one that passes wins.

Verification compares the sets of shingles (character 3-grams of the matching key):

* ``overlap`` = |A ∩ B| / min(|A|, |B|): 1.0 when one text is contained in the other
  (truncated, a sentence dropped, a title or plea added);
* ``jaccard`` = |A ∩ B| / |A ∪ B|.

A pair is a duplicate when ``overlap >= duplicate`` and the smaller text is at least
``min_size_ratio`` of the larger (a one-line text inside a long letter about many
things is similar, not the same suggestion); keys too short for overlap to mean much
(fewer than ``tiny`` shingles) must have ``jaccard >= duplicate`` instead. Two texts
that share a long boilerplate but say different things differ in more than
``1 - duplicate`` of the smaller one, so they stay apart.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Final

import numpy as np
import numpy.typing as npt

from zhongzhi.triage.dedup.signatures import ANCHOR_KEY_KIND, EXACT_KEY_SHIFT
from zhongzhi.triage.places import conflict, same_place

U32 = npt.NDArray[np.uint32]

# The exact-key bucket names the canonical of an identical earlier text: rank it first.
EXACT_WEIGHT: Final = 1_000
# Bucket keys from here on (below the exact keys) are anchors; below it, LSH bands.
ANCHOR_KEYS_FROM: Final = ANCHOR_KEY_KIND << EXACT_KEY_SHIFT


@dataclass(frozen=True, slots=True)
class MatchParams:
    """Thresholds of the duplicate decision and of the candidate search."""

    duplicate: float = 0.8  # overlap at or above which two texts are the same suggestion
    similar: float = 0.5  # overlap at or above which a text is shown as similar
    min_size_ratio: float = 0.2  # smaller / larger shingle count for a duplicate
    tiny: int = 5  # fewer shingles than this: jaccard must reach ``duplicate``
    top_k: int = 4  # canonicals verified per text
    min_hits: int = 3  # buckets a canonical must share with the text to be verified
    short_text_anchors: int = 8  # a text with fewer anchors needs one hit less
    bucket_cap: int = 16  # a full bucket is a common phrase: no more appends, not counted
    plausible_min_anchors: int = 8  # below this many anchors, always verify exactly
    plausible_share: float = 0.3  # else share at least this part of the smaller's anchors
    place_aware: bool = True  # texts naming different specific places are never duplicates


@dataclass(frozen=True, slots=True)
class Match:
    """An existing canonical text compared with a new one."""

    id: int
    overlap: float
    jaccard: float
    duplicate: bool
    # both name places and agree (True) or differ (False); None: one names none
    same_place: bool | None = None


def verify(a: U32, b: U32) -> tuple[float, float]:
    """(overlap, jaccard) of two sorted unique shingle digests."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    if a.size > b.size:
        a, b = b, a
    positions = np.searchsorted(b, a)
    np.minimum(positions, b.size - 1, out=positions)
    common = int(np.count_nonzero(b[positions] == a))
    return common / a.size, common / (a.size + b.size - common)


def is_duplicate(overlap: float, jaccard: float, size_a: int, size_b: int, p: MatchParams) -> bool:
    small, large = min(size_a, size_b), max(size_a, size_b)
    if small == 0:
        return False
    if small < p.tiny:
        return jaccard >= p.duplicate
    return overlap >= p.duplicate and small >= p.min_size_ratio * large


@dataclass(frozen=True, slots=True)
class Candidates:
    """The canonicals worth verifying for a new text, best first, with the number of
    buckets each shares with it (all kinds, and anchors alone; full anchor buckets are
    not counted), and the members of the text's anchor buckets."""

    ranked: list[int]
    total: dict[int, int]
    anchors: dict[int, int]
    anchor_buckets: Sequence[Sequence[int]] = ()

    def full_anchors(self, cap: int) -> int:
        """How many of the text's anchors have a full bucket (``cap`` canonicals)."""
        return sum(map(cap.__le__, map(len, self.anchor_buckets)))


NO_CANDIDATES: Final = Candidates([], {}, {})


def find_candidates(
    bucket_keys: Sequence[int],
    members: Sequence[Sequence[int]],
    exact_key: int,
    query_anchors: int,
    p: MatchParams,
    top_k: int,
) -> Candidates:
    """The ``top_k`` canonicals sharing the most buckets (at least ``min_hits``; ties to
    the smaller id).

    A full anchor bucket (``bucket_cap`` canonicals) is skipped: its key is a common
    phrase that says nothing about which suggestion this is, and counting it would make
    every lookup touch many unrelated canonicals."""
    # Keys come exact key first (if any), then band keys, then anchor keys; band keys
    # are all below ANCHOR_KEYS_FROM and anchor keys above, so one bisection splits them.
    start = 1 if bucket_keys and bucket_keys[0] == exact_key else 0
    first_anchor = bisect.bisect_left(bucket_keys, ANCHOR_KEYS_FROM, lo=start)
    cap = p.bucket_cap
    # A full band bucket still counts: it holds texts very like this one (a popular
    # suggestion's first copies); only full anchor buckets are common phrases.
    band_lists = [ids for ids in members[start:first_anchor] if ids]
    anchor_members = members[first_anchor:]
    anchor_lists = [ids for ids in anchor_members if ids and len(ids) < cap]
    exact_ids = members[0] if start else ()
    if not band_lists and not anchor_lists and not exact_ids:
        return NO_CANDIDATES
    anchors = Counter(chain.from_iterable(anchor_lists))
    total = anchors.copy()
    total.update(chain.from_iterable(band_lists))
    for member in exact_ids:
        total[member] += EXACT_WEIGHT
    # A short text has few keys to share: ask less of it.
    needed = p.min_hits if query_anchors >= p.short_text_anchors else p.min_hits - 1
    eligible = sorted((-n, member) for member, n in total.items() if n >= needed)
    if not eligible:
        return NO_CANDIDATES
    ranked = [member for _, member in eligible[:top_k]]
    return Candidates(
        ranked,
        {member: total[member] for member in ranked},
        {member: anchors[member] for member in ranked},
        anchor_members,
    )


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What verification needs of a text: its shingle digest, its anchor count and its
    place tokens (``places.PlaceFinder``)."""

    digest: U32
    anchors: int
    places: tuple[str, ...] = ()

    def to_bytes(self) -> bytes:
        digest = self.digest.astype("<u4").tobytes()
        if not self.places:
            return self.anchors.to_bytes(4, "little") + digest
        # The top bit of the anchor count says a places block follows; bytes stored
        # before places existed read as a text without places.
        places = "\x1f".join(self.places).encode()
        head = (self.anchors | _HAS_PLACES).to_bytes(4, "little")
        return head + len(places).to_bytes(4, "little") + places + digest

    @classmethod
    def from_bytes(cls, raw: bytes) -> Fingerprint:
        head = int.from_bytes(raw[:4], "little")
        if not head & _HAS_PLACES:
            return cls(np.frombuffer(raw, dtype="<u4", offset=4), head)
        size = int.from_bytes(raw[4:8], "little")
        places = tuple(raw[8 : 8 + size].decode().split("\x1f"))
        digest = np.frombuffer(raw, dtype="<u4", offset=8 + size)
        return cls(digest, head & ~_HAS_PLACES, places)


_HAS_PLACES: Final = 1 << 31


def plausible(
    shared_anchors: int, query: Fingerprint, other: Fingerprint, p: MatchParams, unknown: int = 0
) -> bool:
    """Cheap test before exact verification: texts with enough anchors that share few
    of them cannot have an overlap near ``duplicate`` (anchors are a 1-in-8 sample of
    5-grams: a duplicate shares most of the smaller text's).

    Only the query's anchors whose bucket is not full count (``unknown`` is how many
    have a full one): a bucket that is not full holds every canonical with that anchor,
    so whether ``other`` shares it is known; a full bucket has turned canonicals away
    (``other`` may have the anchor without being in it) and is not counted in
    ``shared_anchors`` either. Counting those anchors as not shared would turn away
    a resubmission of a text made of common phrases."""
    fewer = min(query.anchors - unknown, other.anchors)
    return fewer < p.plausible_min_anchors or shared_anchors >= p.plausible_share * fewer


def compare(
    query: Fingerprint,
    candidates: Candidates,
    fingerprint_of: Callable[[int], Fingerprint | None],
    p: MatchParams,
    *,
    verify_implausible: bool = False,
) -> list[Match]:
    """Verify ``query`` against each candidate canonical; best first (overlap, then
    jaccard, then the earlier id). Implausible candidates are never duplicates; they
    are verified (for their similarity) only with ``verify_implausible``."""
    matches = []
    full: int | None = None  # counted once, and only if needed
    for member in candidates.ranked:
        other = fingerprint_of(member)
        if other is None:
            continue
        shared = candidates.anchors[member]
        exact = candidates.total[member] >= EXACT_WEIGHT
        if not (exact or plausible(shared, query, other, p)):
            if full is None:
                full = candidates.full_anchors(p.bucket_cap)
            if not plausible(shared, query, other, p, full):
                if verify_implausible:
                    overlap, jaccard = verify(query.digest, other.digest)
                    place = same_place(query.places, other.places) if p.place_aware else None
                    matches.append(Match(member, overlap, jaccard, False, place))
                continue
        overlap, jaccard = verify(query.digest, other.digest)
        duplicate = is_duplicate(overlap, jaccard, query.digest.size, other.digest.size, p)
        if duplicate and p.place_aware and conflict(query.places, other.places):
            duplicate = False
        place = same_place(query.places, other.places) if p.place_aware else None
        matches.append(Match(member, overlap, jaccard, duplicate, place))
    matches.sort(key=lambda m: (-m.overlap, -m.jaccard, m.id))
    return matches


def best_duplicate(matches: Sequence[Match]) -> Match | None:
    # Duplicates ranked like the list: the highest overlap wins, ties to the earlier id.
    return next((m for m in matches if m.duplicate), None)
