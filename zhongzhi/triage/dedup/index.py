"""Incremental near-duplicate index: one new text against everything already indexed.

Used while a resident types ("similar suggestions" box) and when a suggestion arrives
(is it a duplicate, and of which group). The state lives in a ``DuplicateStore`` so that
several app processes share it. Adding texts one by one in the order of a batch gives
the same groups as ``find_duplicate_groups`` on that batch, provided ids increase in
that order (ties between equally good canonicals go to the smaller id, as the batch
gives them to the earlier text).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from zhongzhi.triage.dedup.batch import DuplicateGroups, find_duplicate_groups
from zhongzhi.triage.dedup.matching import (
    EXACT_WEIGHT,
    Candidates,
    Fingerprint,
    Match,
    MatchParams,
    best_duplicate,
    compare,
    find_candidates,
)
from zhongzhi.triage.dedup.signatures import (
    EXACT_KEY_KIND,
    EXACT_KEY_SHIFT,
    SignatureParams,
    Signatures,
    compute_signatures,
)
from zhongzhi.triage.dedup.stores import DuplicateStore, InMemoryStore, RedisStore
from zhongzhi.triage.places import PlaceFinder


def _text_keys(sigs: Signatures, i: int) -> list[int]:
    # Same order as the batch run: exact key, bands, anchors.
    keys = [int(sigs.exact[i])] if sigs.exact[i] >= 0 else []
    if sigs.bands[i, 0] >= 0:
        keys.extend(sigs.bands[i].tolist())
    keys.extend(sigs.text_anchors(i).tolist())
    return keys


def _fingerprint(sigs: Signatures, i: int, places: tuple[str, ...] = ()) -> Fingerprint:
    anchors = int(sigs.anchor_offsets[i + 1] - sigs.anchor_offsets[i])
    return Fingerprint(sigs.digest(i), anchors, places)


class DuplicateIndex:
    """Near-duplicate lookups and additions against a shared store."""

    def __init__(
        self,
        store: DuplicateStore | None = None,
        *,
        signature_params: SignatureParams | None = None,
        match_params: MatchParams | None = None,
        places: PlaceFinder | None = None,
    ) -> None:
        self.store: DuplicateStore = store if store is not None else InMemoryStore()
        self.signature_params = signature_params or SignatureParams()
        self.match_params = match_params or MatchParams()
        self.places = places or PlaceFinder()

    def _places(self, text: str) -> tuple[str, ...]:
        return self.places.find(text) if self.match_params.place_aware else ()

    def _matches(
        self,
        sigs: Signatures,
        i: int,
        top_k: int,
        places: tuple[str, ...],
        *,
        verify_implausible: bool = False,
    ) -> tuple[list[int], list[Match]]:
        keys = _text_keys(sigs, i)
        if not keys:
            return keys, []
        p = self.match_params
        members = self.store.bucket_members(keys)
        query = _fingerprint(sigs, i, places)
        candidates = find_candidates(keys, members, int(sigs.exact[i]), query.anchors, p, top_k)
        if not candidates.ranked:
            return keys, []
        stored = self.store.get_digests(candidates.ranked)
        fingerprints = {
            member: Fingerprint.from_bytes(raw)
            for member, raw in zip(candidates.ranked, stored, strict=True)
            if raw is not None
        }
        matches = compare(
            query, candidates, fingerprints.get, p, verify_implausible=verify_implausible
        )
        return keys, matches

    def query(self, text: str, *, top_k: int = 5, similar: float | None = None) -> list[Match]:
        """Canonical texts similar to ``text`` (overlap at least ``similar``, by default
        ``match_params.similar``), best first, at most ``top_k``; ``Match.duplicate``
        says whether ``text`` would join that group."""
        threshold = self.match_params.similar if similar is None else similar
        sigs = compute_signatures([text], self.signature_params)
        _, matches = self._matches(
            sigs,
            0,
            max(top_k, self.match_params.top_k),
            self._places(text),
            verify_implausible=True,
        )
        return [m for m in matches if m.overlap >= threshold][:top_k]

    def compare_texts(self, text: str, others: Sequence[str]) -> list[Match]:
        """``text`` verified against each of ``others`` (ids are positions in it), in
        that order: for choosing the member of a group closest to what is typed."""
        sigs = compute_signatures([text, *others], self.signature_params)
        query = _fingerprint(sigs, 0, self._places(text))
        p = self.match_params
        matches = []
        for k, other_text in enumerate(others):
            other = _fingerprint(sigs, k + 1, self._places(other_text))
            found = compare(query, _everything(k), {k: other}.get, p, verify_implausible=True)
            matches.extend(found)
        return matches

    def duplicate_of(self, text: str) -> Match | None:
        """The canonical text ``text`` would be grouped with, if any."""
        sigs = compute_signatures([text], self.signature_params)
        top_k = self.match_params.top_k
        return best_duplicate(self._matches(sigs, 0, top_k, self._places(text))[1])

    def add(self, member: int, text: str) -> int:
        """Index ``text`` under id ``member``; return the id of its group's canonical
        (``member`` itself when it starts a new group)."""
        return self.add_many([member], [text])[0]

    def add_many(self, members: Sequence[int], texts: Sequence[str]) -> list[int]:
        """``add`` each text in order (fingerprints computed for all at once)."""
        sigs = compute_signatures(texts, self.signature_params)
        p = self.match_params
        groups = []
        for i, member in enumerate(members):
            places = self._places(texts[i])
            keys, matches = self._matches(sigs, i, p.top_k, places)
            match = best_duplicate(matches)
            if match is None:
                self.store.put_digest(member, _fingerprint(sigs, i, places).to_bytes())
                self.store.append_to_buckets(keys, member, p.bucket_cap)
                groups.append(member)
            else:
                if sigs.exact[i] >= 0:
                    self.store.append_to_buckets([int(sigs.exact[i])], match.id, 1)
                groups.append(match.id)
        return groups

    @classmethod
    def build(
        cls,
        members: Sequence[int],
        texts: Sequence[str],
        store: DuplicateStore | None = None,
        *,
        signature_params: SignatureParams | None = None,
        match_params: MatchParams | None = None,
        places: PlaceFinder | None = None,
    ) -> tuple[DuplicateIndex, DuplicateGroups]:
        """Index many texts at once: group them with the batch run, then write all the
        canonicals' buckets and digests in bulk. ``members`` must increase in the order
        of ``texts``; the store should be empty. Equivalent to ``add_many``, faster."""
        index = cls(
            store, signature_params=signature_params, match_params=match_params, places=places
        )
        sigs = compute_signatures(texts, index.signature_params)
        groups = find_duplicate_groups(
            texts, match_params=index.match_params, signatures=sigs, places=index.places
        )
        ids = np.asarray(members, dtype=np.int64)
        keys, owners = _bucket_entries(sigs, groups, index.match_params.bucket_cap)
        digests = {
            int(ids[i]): _fingerprint(sigs, i, index._places(texts[i])).to_bytes()
            for i in np.flatnonzero(groups.canonical).tolist()
        }
        target = index.store
        if isinstance(target, InMemoryStore):
            target.bulk_load(keys, ids[owners], digests)
        elif isinstance(target, RedisStore):
            entries = list(zip(keys.tolist(), ids[owners].tolist(), strict=True))
            target.append_many(entries, index.match_params.bucket_cap)
            target.put_digests(digests)
        else:
            for member, digest in digests.items():
                target.put_digest(member, digest)
            for key, owner in zip(keys.tolist(), ids[owners].tolist(), strict=True):
                target.append_to_buckets([key], owner, index.match_params.bucket_cap)
        return index, groups


def _everything(member: int) -> Candidates:
    # Counted as sharing every bucket: verified exactly, whatever the anchors say.
    return Candidates([member], {member: EXACT_WEIGHT}, {member: 0})


def _bucket_entries(
    sigs: Signatures, groups: DuplicateGroups, cap: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(bucket key, owner text) entries the batch run leaves in the buckets: every key of
    every canonical, plus the exact key of every member pointing at its canonical; each
    bucket keeps its first ``cap`` entries (exact-key buckets their first one)."""
    n = len(sigs)
    canon = groups.canonical
    anchor_counts = np.diff(sigs.anchor_offsets)
    text_order = np.arange(n, dtype=np.int64)
    bands = sigs.bands.shape[1]
    band_keys = sigs.bands[canon].ravel()
    band_owner = np.repeat(text_order[canon], bands)
    anchor_mask = np.repeat(canon, anchor_counts)
    anchor_keys = sigs.anchors[anchor_mask]
    anchor_owner = np.repeat(text_order, anchor_counts)[anchor_mask]
    # Entries in the order the one-by-one run appends them: by text, exact key first.
    keys = np.concatenate([sigs.exact, band_keys, anchor_keys])
    owner_text = np.concatenate([text_order, band_owner, anchor_owner])
    entry_owner = np.concatenate([groups.group, band_owner, anchor_owner])
    valid = keys >= 0
    keys, owner_text, entry_owner = keys[valid], owner_text[valid], entry_owner[valid]
    order = np.lexsort((owner_text, keys))  # by key, then by the text that appended it
    keys, entry_owner = keys[order], entry_owner[order]
    is_exact = (keys >> EXACT_KEY_SHIFT) == EXACT_KEY_KIND
    start = np.ones(keys.size, dtype=np.bool_)
    start[1:] = keys[1:] != keys[:-1]
    run_start = np.maximum.accumulate(np.where(start, np.arange(keys.size), 0))
    rank = np.arange(keys.size) - run_start
    keep = rank < np.where(is_exact, 1, cap)
    return keys[keep], entry_owner[keep]
