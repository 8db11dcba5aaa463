"""Where a ``DuplicateIndex`` keeps its buckets and digests.

The protocol is deliberately small so that a store can live in memory, in Redis or in
a database table (two tables: ``bucket(key bigint, position, member bigint)`` and
``digest(member bigint primary key, digest bytea)``, both scoped to one campaign):

* ``bucket_members(keys)`` -> for each bucket key, the member ids it holds, in the
  order they were appended;
* ``append_to_buckets(keys, member, cap)`` -> append ``member`` to each bucket that
  holds fewer than ``cap`` ids (a full bucket ignores it; appending must be atomic per
  bucket when several processes share the store);
* ``get_digests(ids)`` -> the digest stored for each id (``None`` when absent);
* ``put_digest(member, digest)`` -> store the digest of a canonical text.

Bucket keys are non-negative integers below 2**63 and member ids are integers (a
suggestion's primary key); digests are opaque bytes (a few hundred bytes to a few KB).
Members are only ever appended, never removed: removing a suggestion from the index is
done by rebuilding it (``DuplicateIndex.build``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


@runtime_checkable
class DuplicateStore(Protocol):
    def bucket_members(self, keys: Sequence[int]) -> list[list[int]]: ...

    def append_to_buckets(self, keys: Sequence[int], member: int, cap: int) -> None: ...

    def get_digests(self, ids: Sequence[int]) -> list[bytes | None]: ...

    def put_digest(self, member: int, digest: bytes) -> None: ...


class InMemoryStore:
    """A store in this process's memory.

    ``bulk_load`` keeps a large initial index as two sorted numpy arrays (about 16 bytes
    an entry instead of about 100 in a dict of lists); later appends go to a dict.
    """

    def __init__(self) -> None:
        self._base_keys: I64 = np.empty(0, dtype=np.int64)
        self._base_members: I64 = np.empty(0, dtype=np.int64)
        self._extra: dict[int, list[int]] = {}
        self._digests: dict[int, bytes] = {}

    def bulk_load(self, keys: I64, members: I64, digests: dict[int, bytes]) -> None:
        """Replace the contents with bucket entries (already capped, in append order
        within each key) and digests."""
        order = np.argsort(keys, kind="stable")
        self._base_keys = keys[order]
        self._base_members = members[order]
        self._extra = {}
        self._digests = dict(digests)

    def _base(self, key: int) -> I64:
        lo = int(np.searchsorted(self._base_keys, key, side="left"))
        hi = int(np.searchsorted(self._base_keys, key, side="right"))
        return self._base_members[lo:hi]

    def bucket_members(self, keys: Sequence[int]) -> list[list[int]]:
        result: list[list[int]] = []
        if self._base_keys.size:
            query = np.asarray(keys, dtype=np.int64)
            lo = np.searchsorted(self._base_keys, query, side="left").tolist()
            hi = np.searchsorted(self._base_keys, query, side="right").tolist()
        else:
            lo = hi = [0] * len(keys)
        for key, start, stop in zip(keys, lo, hi, strict=True):
            members = self._base_members[start:stop].tolist() if stop > start else []
            extra = self._extra.get(key)
            result.append(members + extra if extra else members)
        return result

    def append_to_buckets(self, keys: Sequence[int], member: int, cap: int) -> None:
        for key in keys:
            extra = self._extra.setdefault(key, [])
            held = len(extra) + (self._base(key).size if self._base_keys.size else 0)
            if held < cap:
                extra.append(member)

    def get_digests(self, ids: Sequence[int]) -> list[bytes | None]:
        return [self._digests.get(i) for i in ids]

    def put_digest(self, member: int, digest: bytes) -> None:
        self._digests[member] = digest

    def __len__(self) -> int:
        return len(self._digests)


# Appends a member to buckets kept as fields of Redis hashes, unless the field already
# holds ``cap`` members. KEYS[i] is the hash holding bucket i; ARGV = cap, then for each
# bucket its field name and the member (8 bytes, little-endian). One script call is one
# atomic step, so concurrent app processes cannot overfill a bucket.
_APPEND_LUA = """
local cap = tonumber(ARGV[1])
for i, hash in ipairs(KEYS) do
  local field = ARGV[2 * i]
  local member = ARGV[2 * i + 1]
  local held = redis.call('HGET', hash, field)
  if not held then
    redis.call('HSET', hash, field, member)
  elseif #held < cap * 8 then
    redis.call('HSET', hash, field, held .. member)
  end
end
return 0
"""


class RedisStore:
    """A store in Redis, shared by every app process of a campaign.

    Memory matters at 150k suggestions x ~55 buckets each: buckets are fields of
    2**17 small hashes (Redis packs a hash of fewer than 128 short fields as one
    listpack, ~16 bytes an entry), not one Redis key each (~90 bytes). Members are
    packed 8-byte integers. Digests are plain string keys.
    """

    HASHES = 1 << 17

    def __init__(self, client: Any, prefix: str) -> None:
        """``client`` is a ``redis.Redis`` connected with ``decode_responses=False``;
        ``prefix`` names the index, e.g. ``"zz:dedup:<campaign id>:<params fingerprint>"``."""
        self._redis = client
        self._prefix = prefix
        self._append = client.register_script(_APPEND_LUA)

    def _hash_of(self, key: int) -> bytes:
        return f"{self._prefix}:b:{key % self.HASHES:x}".encode()

    @staticmethod
    def _field(key: int) -> bytes:
        return int(key).to_bytes(8, "little")

    def _digest_key(self, member: int) -> bytes:
        return f"{self._prefix}:d:{member}".encode()

    def bucket_members(self, keys: Sequence[int]) -> list[list[int]]:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.hget(self._hash_of(key), self._field(key))
        return [
            np.frombuffer(value, dtype="<i8").tolist() if value else [] for value in pipe.execute()
        ]

    def append_to_buckets(self, keys: Sequence[int], member: int, cap: int) -> None:
        self.append_many([(key, member) for key in keys], cap)

    def append_many(self, entries: Sequence[tuple[int, int]], cap: int, chunk: int = 2000) -> None:
        """Append many (bucket key, member) entries in order, in few round trips."""
        pipe = self._redis.pipeline(transaction=False)
        for start in range(0, len(entries), chunk):
            part = entries[start : start + chunk]
            argv: list[bytes | int] = [cap]
            for key, member in part:
                argv.append(self._field(key))
                argv.append(int(member).to_bytes(8, "little", signed=True))
            self._append(keys=[self._hash_of(key) for key, _ in part], args=argv, client=pipe)
        pipe.execute()

    def get_digests(self, ids: Sequence[int]) -> list[bytes | None]:
        if not ids:
            return []
        values: list[bytes | None] = self._redis.mget([self._digest_key(i) for i in ids])
        return values

    def put_digest(self, member: int, digest: bytes) -> None:
        self._redis.set(self._digest_key(member), digest)

    def put_digests(self, digests: dict[int, bytes], chunk: int = 5000) -> None:
        items = list(digests.items())
        pipe = self._redis.pipeline(transaction=False)
        for start in range(0, len(items), chunk):
            pipe.mset({self._digest_key(m): d for m, d in items[start : start + chunk]})
        pipe.execute()

    def clear(self) -> int:
        """Delete every key of this index (by prefix, with SCAN: never KEYS or FLUSHDB)."""
        deleted = 0
        batch: list[bytes] = []
        for key in self._redis.scan_iter(match=f"{self._prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += self._redis.unlink(*batch)
                batch = []
        if batch:
            deleted += self._redis.unlink(*batch)
        return deleted
