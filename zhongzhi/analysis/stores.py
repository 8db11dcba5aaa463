"""A ``DuplicateStore`` in the database, shared by every app process and worker.

One campaign's index is two tables (``models.py``): bucket entries
``(campaign, key, position) -> member`` and digests ``(campaign, member) -> bytes``.
A lookup is two queries (all buckets of a text with one ``IN``, then the digests of the
few candidates with another); an append is one count and one multi-row insert.

Appending is "add to each bucket that holds fewer than ``cap`` members", which must not
overfill a bucket when two processes append at once. Every write to a campaign's index
runs under ``lock_campaign_index``: a transaction-scoped advisory lock on PostgreSQL;
on SQLite the project opens every transaction ``IMMEDIATE``, which already takes the
database's single write lock at ``BEGIN``. The primary key (campaign, key, position)
is the backstop: two writers that got past the lock could only collide, not overfill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count

from zhongzhi.analysis.models import DuplicateBucketEntry, DuplicateDigest

I64 = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]

# First half of the two-int advisory lock key: "this is a duplicate index lock".
_LOCK_NAMESPACE: Final = 0x5A5A_D0C5 & 0x7FFF_FFFF
_WRITE_CHUNK: Final = 20_000
_READ_CHUNK: Final = 900  # keys per query: SQLite's limit on a query's parameters


def lock_campaign_index(campaign_id: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Serialise writes to one campaign's index until the current transaction ends.

    Call inside ``transaction.atomic``. Re-entrant: the same transaction may take it
    again (PostgreSQL advisory locks count per session; SQLite holds one write lock).
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("lock_campaign_index needs a transaction (transaction.atomic)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # int4 object id: campaigns beyond 2**31 share a lock, which is only slower.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_LOCK_NAMESPACE, campaign_id & 0x7FFF_FFFF],
            )
    # SQLite: the IMMEDIATE transaction holds the database write lock already.


class DatabaseStore:
    """The ``DuplicateStore`` protocol over two tables, for one campaign."""

    def __init__(self, campaign_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.campaign_id = campaign_id
        self.using = using

    def _entries(self) -> Any:
        return DuplicateBucketEntry.objects.using(self.using).filter(campaign_id=self.campaign_id)

    def _digests(self) -> Any:
        return DuplicateDigest.objects.using(self.using).filter(campaign_id=self.campaign_id)

    def _select(
        self,
        model: Any,
        columns: Sequence[str],
        column: str,
        values: list[int],
        order_by: Sequence[str] = (),
    ) -> list[tuple[Any, ...]]:
        """``SELECT columns FROM model's table WHERE campaign = ours AND column IN values``
        (a handful to a few hundred values: one text's buckets or candidates)."""
        connection = connections[self.using]
        quote = connection.ops.quote_name
        params: list[Any]
        if connection.vendor == "postgresql":
            # One array parameter: the same statement whatever the number of keys.
            condition, params = f"{quote(column)} = ANY(%s)", [self.campaign_id, values]
        else:
            placeholders = ", ".join(["%s"] * len(values))
            condition, params = f"{quote(column)} IN ({placeholders})", [self.campaign_id, *values]
        sql = (
            f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote('campaign_id')} = %s AND {condition}"
        )
        if order_by:
            sql += f" ORDER BY {', '.join(map(quote, order_by))}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    # --- the protocol -------------------------------------------------------------------

    def bucket_members(self, keys: Sequence[int]) -> list[list[int]]:
        if not keys:
            return []
        wanted = list({int(k) for k in keys})
        # Raw SQL on the hot path of the "similar suggestions" box: the ORM's query
        # compilation costs more than the indexed lookup itself.
        found: dict[int, list[int]] = {}
        rows = self._select(
            DuplicateBucketEntry, ("key", "member"), "key", wanted, ("key", "position")
        )
        for key, member in rows:
            found.setdefault(key, []).append(member)
        return [list(found.get(int(key), ())) for key in keys]

    def append_to_buckets(self, keys: Sequence[int], member: int, cap: int) -> None:
        # A key named twice in one call is appended once (the library never repeats one).
        wanted = list(dict.fromkeys(int(k) for k in keys))
        if not wanted or cap <= 0:
            return
        with transaction.atomic(using=self.using):
            lock_campaign_index(self.campaign_id, self.using)
            held = dict(
                self._entries()
                .filter(key__in=wanted)
                .values("key")
                .annotate(n=Count("position"))
                .values_list("key", "n")
            )
            # Positions are 0, 1, … with no gaps (members are never removed), so the
            # count is the next free position.
            rows = [
                DuplicateBucketEntry(
                    campaign_id=self.campaign_id, key=key, position=held.get(key, 0), member=member
                )
                for key in wanted
                if held.get(key, 0) < cap
            ]
            DuplicateBucketEntry.objects.using(self.using).bulk_create(rows)

    def get_digests(self, ids: Sequence[int]) -> list[bytes | None]:
        if not ids:
            return []
        wanted = list({int(i) for i in ids})
        rows = self._select(DuplicateDigest, ("member", "digest"), "member", wanted)
        # bytes(): PostgreSQL gives memoryview.
        found = {member: bytes(digest) for member, digest in rows}
        return [found.get(int(i)) for i in ids]

    def put_digest(self, member: int, digest: bytes) -> None:
        DuplicateDigest.objects.using(self.using).bulk_create(
            [DuplicateDigest(campaign_id=self.campaign_id, member=member, digest=digest)],
            update_conflicts=True,
            unique_fields=["campaign", "member"],
            update_fields=["digest"],
        )

    # --- bulk ---------------------------------------------------------------------------

    def replace_all(
        self,
        keys: I64,
        members: I64,
        digests: dict[int, bytes],
        progress: Progress | None = None,
    ) -> None:
        """Replace this campaign's whole index with bucket entries (already capped, in
        append order within each key, as ``InMemoryStore.bulk_load`` takes them) and
        digests. Call inside ``transaction.atomic`` with ``lock_campaign_index`` held,
        so that readers see the old index until the new one is complete."""
        connection = connections[self.using]
        if not connection.in_atomic_block:
            raise RuntimeError("replace_all needs a transaction (transaction.atomic)")
        keys = np.asarray(keys, dtype=np.int64)
        members = np.asarray(members, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        keys, members = keys[order], members[order]
        starts = np.ones(keys.size, dtype=np.bool_)
        starts[1:] = keys[1:] != keys[:-1]
        run_start = np.maximum.accumulate(np.where(starts, np.arange(keys.size), 0))
        positions = np.arange(keys.size) - run_start

        total = int(keys.size) + len(digests)
        done = 0
        if progress:
            progress(done, total)
        self._entries().delete()
        self._digests().delete()
        entry_table = DuplicateBucketEntry._meta.db_table
        digest_table = DuplicateDigest._meta.db_table
        cid = self.campaign_id
        entry_rows = zip(
            [cid] * keys.size, keys.tolist(), positions.tolist(), members.tolist(), strict=True
        )
        digest_rows = ((cid, member, digest) for member, digest in sorted(digests.items()))
        for table, columns, rows in (
            (entry_table, ("campaign_id", "key", "position", "member"), entry_rows),
            (digest_table, ("campaign_id", "member", "digest"), digest_rows),
        ):
            for chunk in _chunks(rows, _WRITE_CHUNK):
                _insert_rows(connection, table, columns, chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)


class BatchStore:
    """A campaign's ``DatabaseStore`` as one batch of additions sees it.

    Each bucket and digest is read from the database once; the batch's own additions
    are kept in memory (so later texts of the batch see earlier ones) and ``flush``
    writes them in two statements. About two statements per added text instead of
    eight. The reads may run outside any transaction (on SQLite a write transaction
    holds the whole database); then take ``lock_campaign_index``, check
    ``still_current`` and ``flush``, or redo the batch under the lock.
    """

    def __init__(self, base: DatabaseStore) -> None:
        self.base = base
        self._read: dict[int, tuple[int, ...]] = {}  # each bucket as the database gave it
        self._members: dict[int, list[int]] = {}
        self._digests: dict[int, bytes | None] = {}
        self._new_entries: list[DuplicateBucketEntry] = []
        self._new_digests: dict[int, bytes] = {}

    def _load(self, keys: Iterable[int]) -> None:
        missing = [key for key in dict.fromkeys(keys) if key not in self._members]
        if missing:
            for key, members in zip(missing, self.base.bucket_members(missing), strict=True):
                self._read[key] = tuple(members)
                self._members[key] = members

    def still_current(self) -> bool:
        """Whether every bucket this batch read is still as it was: then no other writer
        added a canonical this batch could have matched, and its additions hold.
        Ask under ``lock_campaign_index``, before ``flush``."""
        keys = list(self._read)
        for start in range(0, len(keys), _READ_CHUNK):
            chunk = keys[start : start + _READ_CHUNK]
            now = self.base.bucket_members(chunk)
            if any(
                tuple(members) != self._read[key] for key, members in zip(chunk, now, strict=True)
            ):
                return False
        return True

    def bucket_members(self, keys: Sequence[int]) -> list[list[int]]:
        self._load(int(key) for key in keys)
        return [list(self._members[int(key)]) for key in keys]

    def append_to_buckets(self, keys: Sequence[int], member: int, cap: int) -> None:
        wanted = list(dict.fromkeys(int(key) for key in keys))
        self._load(wanted)
        for key in wanted:
            held = self._members[key]
            if len(held) < cap:  # positions have no gaps: the count is the next one
                self._new_entries.append(
                    DuplicateBucketEntry(
                        campaign_id=self.base.campaign_id,
                        key=key,
                        position=len(held),
                        member=member,
                    )
                )
                held.append(member)

    def get_digests(self, ids: Sequence[int]) -> list[bytes | None]:
        missing = [i for i in dict.fromkeys(int(i) for i in ids) if i not in self._digests]
        if missing:
            self._digests.update(zip(missing, self.base.get_digests(missing), strict=True))
        return [self._digests[int(i)] for i in ids]

    def put_digest(self, member: int, digest: bytes) -> None:
        self._digests[member] = self._new_digests[member] = digest

    def flush(self) -> None:
        """Write the batch's additions."""
        using = self.base.using
        DuplicateBucketEntry.objects.using(using).bulk_create(self._new_entries, batch_size=500)
        DuplicateDigest.objects.using(using).bulk_create(
            [
                DuplicateDigest(campaign_id=self.base.campaign_id, member=member, digest=digest)
                for member, digest in self._new_digests.items()
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["campaign", "member"],
            update_fields=["digest"],
        )
        self._new_entries, self._new_digests = [], {}


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterable[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert_rows(
    connection: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: an order of magnitude faster than INSERT for a million rows.
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({values})", rows)
