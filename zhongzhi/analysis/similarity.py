"""Near-duplicate suggestions: the shared incremental index of each campaign.

* ``similar_suggestions`` answers the "similar suggestions" box while a resident types;
* ``index_new_suggestions`` adds new suggestions (the background worker calls it in a loop);
* ``rebuild_index`` recreates a campaign's index from all its suggestions.

The index holds, per campaign, the canonical suggestion of every duplicate group
(its first member) in a ``DuplicateStore`` that every app process shares: the database
by default, Redis when ``settings.ZHONGZHI_DUPLICATE_INDEX == "redis"``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from zhongzhi.analysis.models import SuggestionTriage
from zhongzhi.analysis.stores import BatchStore, DatabaseStore, Progress, lock_campaign_index
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.models import Unit, split_place_names
from zhongzhi.triage.dedup import (
    DuplicateIndex,
    DuplicateStore,
    InMemoryStore,
    Match,
    RedisStore,
    SignatureParams,
)
from zhongzhi.triage.places import PlaceFinder

# Fewer letters and digits than this say too little to look anything up.
MIN_QUERY_CHARS: Final = 6
# Columns a public page may show; the submitter's name and phone are never loaded.
_PUBLIC_COLUMNS: Final = ("id", "campaign_id", "receipt_code", "title", "text", "plus_ones")


@dataclass(frozen=True, slots=True)
class SimilarSuggestion:
    suggestion: Suggestion  # only the public fields are loaded
    similarity: float  # share of the shorter text found in the other (0..1)
    is_duplicate: bool  # the typed text would join this suggestion's duplicate group
    # both name a specific place: the same one (True) or another (False); else None
    same_place: bool | None = None


# --- the store ------------------------------------------------------------------------


def _backend() -> str:
    backend = getattr(settings, "ZHONGZHI_DUPLICATE_INDEX", "database")
    if backend not in ("database", "redis"):
        raise ValueError(f"ZHONGZHI_DUPLICATE_INDEX must be 'database' or 'redis', not {backend!r}")
    return str(backend)


@lru_cache(maxsize=4)
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, decode_responses=False)


def duplicate_store(campaign_id: int) -> DuplicateStore:
    """The shared store of a campaign's index, as the settings choose it."""
    if _backend() == "redis":
        url = getattr(settings, "REDIS_URL", "redis://127.0.0.1:6379/0")
        prefix = getattr(settings, "ZHONGZHI_DUPLICATE_INDEX_PREFIX", "zz:dedup")
        # The fingerprint in the name: changed signature parameters start a new index.
        fingerprint = SignatureParams().fingerprint
        return RedisStore(_redis_client(url), f"{prefix}:{campaign_id}:{fingerprint}")
    return DatabaseStore(campaign_id)


def campaign_place_names(campaign_id: int) -> list[str]:
    """Names that make a place of the campaign's tree: each unit's name, short name and
    辖区地名 (``Unit.places``). Two texts naming two of them are two places."""
    owner_path = Campaign.objects.values_list("owner_unit__path", flat=True).get(pk=campaign_id)
    names: dict[str, None] = {}
    units = Unit.objects.filter(path__startswith=owner_path)
    for name, short, places in units.values_list("name", "short_name", "places"):
        for word in (name, short, *split_place_names(places)):
            if len(word.strip()) >= 2:
                names[word.strip()] = None
    return list(names)


# A unit renamed or given a place name is seen within this many seconds; the lookup
# runs on every pause of a resident's typing, and units change rarely.
_FINDER_SECONDS: Final = 60.0
_finders: dict[int, tuple[float, PlaceFinder]] = {}


def place_finder(campaign_id: int) -> PlaceFinder:
    cached = _finders.get(campaign_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < _FINDER_SECONDS:
        return cached[1]
    finder = PlaceFinder(campaign_place_names(campaign_id))
    _finders[campaign_id] = (now, finder)
    return finder


def duplicate_index(campaign_id: int) -> DuplicateIndex:
    return DuplicateIndex(duplicate_store(campaign_id), places=place_finder(campaign_id))


# --- reads ----------------------------------------------------------------------------


def similar_suggestions(
    *, campaign: Campaign, text: str, limit: int = 5
) -> list[SimilarSuggestion]:
    """Up to ``limit`` existing suggestions of ``campaign`` similar to ``text``, most
    similar first. Safe for the public page: invalid (spam) suggestions are left out and
    only public fields are loaded."""
    if limit <= 0 or sum(ch.isalnum() for ch in text) < MIN_QUERY_CHARS:
        return []
    # Ask for spares: some candidates may be invalid, or deleted since they were indexed.
    index = duplicate_index(campaign.pk)
    matches = _closest_members(campaign.pk, index, text, index.query(text, top_k=2 * limit))
    if not matches:
        return []
    found = {s.pk: s for s in _public_suggestions(campaign.pk, [m.id for m in matches])}
    similar = [
        SimilarSuggestion(found[m.id], m.overlap, m.duplicate, m.same_place)
        for m in matches
        if m.id in found
    ]
    return similar[:limit]


# Members of a group compared with the typed text: a popular group's first ones do.
_MEMBERS_COMPARED: Final = 200


def _closest_members(
    campaign_id: int, index: DuplicateIndex, text: str, matches: list[Match]
) -> list[Match]:
    """Each matched group stands for its member closest to ``text`` (same place first,
    then the most of it found), not for its first member: a resident typing about
    山海关路4号 sees the one about 山海关路4号. Groups are the last triage run's."""
    if not matches:
        return matches
    rows = SuggestionTriage.objects.filter(
        campaign_id=campaign_id, group__in=[m.id for m in matches], canonical=False
    ).exclude(suggestion__status=SuggestionStatus.INVALID)
    members: dict[int, list[int]] = {}
    for pk, group in rows.order_by("pk").values_list("suggestion_id", "group")[:_MEMBERS_COMPARED]:
        members.setdefault(group, []).append(pk)
    if not members:
        return matches
    ids = [m.id for m in matches if m.id in members]
    ids += [pk for m in matches for pk in members.get(m.id, [])]
    texts = dict(Suggestion.objects.filter(pk__in=ids).values_list("pk", "text"))
    ids = [pk for pk in ids if pk in texts]
    compared = dict(zip(ids, index.compare_texts(text, [texts[pk] for pk in ids]), strict=True))
    closest = []
    for m in matches:
        options = [pk for pk in [m.id, *members.get(m.id, [])] if pk in compared]
        if not options:
            closest.append(m)
            continue
        best = max(options, key=lambda pk: _closeness(compared[pk], pk))
        c = compared[best]
        closest.append(Match(best, c.overlap, c.jaccard, m.duplicate, c.same_place))
    return closest


def _closeness(match: Match, pk: int) -> tuple[bool, float, float, int]:
    return (match.same_place is not False, match.overlap, match.jaccard, -pk)


def _public_suggestions(campaign_id: int, ids: list[int]) -> Any:
    """The non-invalid suggestions of the campaign among ``ids``, with the public fields
    only. A raw query: it runs on every keystroke pause, and compiling the equivalent
    ORM query costs several times more than running it."""
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, _PUBLIC_COLUMNS))
    sql = (
        f"SELECT {columns} FROM {quote(Suggestion._meta.db_table)} "
        f"WHERE {quote('campaign_id')} = %s AND {quote('status')} <> %s "
        f"AND {quote('id')} IN ({', '.join(['%s'] * len(ids))})"
    )
    return Suggestion.objects.raw(sql, [campaign_id, SuggestionStatus.INVALID.value, *ids])


# --- writes ---------------------------------------------------------------------------


# Above this many waiting suggestions in one campaign (a bulk import, a first index),
# its whole index is rebuilt: grouping in bulk is far faster than one by one.
REBUILD_AT: Final = 2000
INDEX_BATCH: Final = 500


def index_new_suggestions(limit: int = INDEX_BATCH) -> dict[int, int]:
    """Add suggestions not yet in their campaign's index to it, oldest first, up to
    ``limit`` (a campaign with more than ``REBUILD_AT`` waiting is rebuilt whole instead);
    return {campaign id: suggestions indexed}.

    The background worker calls this in a loop, so that a submission writes one row and
    nothing else. Safe to run in several processes and again after a crash: one
    campaign's additions run one at a time under its lock, and a suggestion indexed twice
    finds itself as its own duplicate, which changes nothing.
    """
    waiting = Suggestion.objects.filter(in_duplicate_index=False).order_by("pk")
    rows = list(waiting.values_list("pk", "campaign_id", "text")[:limit])
    by_campaign: dict[int, list[tuple[int, str]]] = {}
    for pk, campaign_id, text in rows:
        by_campaign.setdefault(campaign_id, []).append((pk, text))
    indexed: dict[int, int] = {}
    for campaign_id, members in by_campaign.items():
        if len(rows) == limit:
            ids = list(waiting.filter(campaign_id=campaign_id).values_list("pk", flat=True))
            if len(ids) > REBUILD_AT:
                # Everything committed is rebuilt, so every id read before is in it.
                rebuild_index(campaign_id)
                _mark_indexed(ids)
                indexed[campaign_id] = len(ids)
                continue
        ids, texts = [pk for pk, _text in members], [text for _pk, text in members]
        store = duplicate_store(campaign_id)
        if isinstance(store, DatabaseStore):
            # Group first, reading without a lock (submissions go on meanwhile); hold
            # the campaign's lock only to check that nothing changed and to write.
            places = place_finder(campaign_id)
            batch = BatchStore(store)
            DuplicateIndex(batch, places=places).add_many(ids, texts)
            with transaction.atomic():
                lock_campaign_index(campaign_id)
                if not batch.still_current():  # another writer came first: redo
                    batch = BatchStore(store)
                    DuplicateIndex(batch, places=places).add_many(ids, texts)
                batch.flush()
                _mark_indexed(ids)
        else:
            with transaction.atomic():
                lock_campaign_index(campaign_id)
                duplicate_index(campaign_id).add_many(ids, texts)
                _mark_indexed(ids)
        indexed[campaign_id] = len(members)
    return indexed


def _mark_indexed(ids: list[int]) -> None:
    for start in range(0, len(ids), 900):  # SQLite's limit on a query's parameters
        chunk = ids[start : start + 900]
        Suggestion.objects.filter(pk__in=chunk).update(in_duplicate_index=True)


class _Capture(InMemoryStore):
    """Keeps what ``DuplicateIndex.build`` bulk-loads, to write it to the shared store."""

    loaded: tuple[np.ndarray, np.ndarray, dict[int, bytes]] | None = None

    def bulk_load(self, keys: Any, members: Any, digests: dict[int, bytes]) -> None:
        self.loaded = (keys, members, digests)


def rebuild_index(campaign_id: int, progress: Progress | None = None) -> int:
    """Recreate a campaign's index from all its suggestions (in id order, as they were
    submitted); return how many were indexed. ``progress(done, total)`` is called as the
    rows are written.

    Grouping runs first, outside any lock; then the old index is replaced in one
    transaction under the campaign's lock (readers keep the old one until commit on the
    database store), and suggestions that arrived meanwhile are added one by one.
    """
    ids, texts = _suggestions(campaign_id)
    capture = _Capture()
    places = place_finder(campaign_id)
    DuplicateIndex.build(ids, texts, capture, places=places)
    if capture.loaded is None:
        raise RuntimeError("DuplicateIndex.build no longer bulk-loads an InMemoryStore")
    keys, members, digests = capture.loaded
    store = duplicate_store(campaign_id)
    with transaction.atomic():
        lock_campaign_index(campaign_id)
        if isinstance(store, DatabaseStore):
            store.replace_all(keys, members, digests, progress)
        elif isinstance(store, RedisStore):
            total = int(keys.size) + len(digests)
            if progress:
                progress(0, total)
            store.clear()  # Redis has no transaction here: lookups miss until refilled
            entries = list(zip(keys.tolist(), members.tolist(), strict=True))
            store.append_many(entries, DuplicateIndex().match_params.bucket_cap)
            store.put_digests(digests)
            if progress:
                progress(total, total)
        # Suggestions committed since the read (a Python set difference: SQLite limits
        # the number of parameters of one query).
        now = Suggestion.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True)
        late_ids = sorted(set(now) - set(ids))
        if late_ids:
            late = dict(Suggestion.objects.filter(pk__in=late_ids).values_list("pk", "text"))
            index = DuplicateIndex(store, places=places)
            index.add_many(late_ids, [late[pk] for pk in late_ids])
    return len(ids) + len(late_ids)


def _suggestions(campaign_id: int) -> tuple[list[int], list[str]]:
    ids: list[int] = []
    texts: list[str] = []
    rows = Suggestion.objects.filter(campaign_id=campaign_id).order_by("pk")
    for pk, text in rows.values_list("pk", "text").iterator(chunk_size=5000):
        ids.append(pk)
        texts.append(text)
    return ids, texts
