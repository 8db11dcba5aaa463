"""Vectorised fingerprints of many texts at once: matching keys, shingles, MinHash, LSH.

Everything here works on all texts as one flat numpy array of code points, so that the
cost per text is a few numpy operations shared by the whole batch instead of a Python
loop. The hash functions are fixed (no process-dependent seeds): signatures computed in
one process are compared with signatures stored by another (Redis, the database).

Per text we compute:

* the **matching key**: ``normalise`` output with everything but letters, digits and
  ``#`` removed (punctuation and spacing say nothing about which suggestion it is);
* its **shingles**: character 3-grams of the key, hashed to uint32; the sorted unique
  shingles are the *digest* used for exact verification;
* a **MinHash signature** by one-permutation hashing (OPH: each shingle falls into one
  of ``bins`` bins, a bin keeps its minimum) with rotation densification for empty bins
  (Shrivastava & Li 2014), O(shingles) instead of O(shingles x permutations);
* **LSH band keys**: the signature cut into bands of ``rows`` bins, each band hashed;
  texts with Jaccard J share a band with probability 1 - (1 - J^rows)^bands;
* **anchor keys**: the 5-grams whose hash is 0 mod ``anchor_mod`` (Broder's MOD-m
  sample). The sample is content-defined, so a short text contained in a long one has
  its anchors among the long one's: they find each other even when Jaccard is tiny
  (a truncated resubmission, a long message quoting a short one);
* an **exact key**: a hash of the whole matching key.

All bucket keys are non-negative 63-bit integers (they fit a PostgreSQL ``bigint``),
with the kind of key in the top bits so that the three kinds never collide.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from zhongzhi.triage.normalise import normalise_many

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

SHINGLE: Final = 3  # character 3-grams: 2-grams are too common in Chinese, 4-grams too brittle
ANCHOR_SHINGLE: Final = 5  # longer for anchors, so that an anchor names a passage
_EMPTY_BIN: Final = np.uint32(0xFFFFFFFF)
_BASE: Final = np.uint64(0x100000001B3)  # FNV prime: polynomial base for rolling hashes
_BASE_INVERSE: Final = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_KIND_BAND: Final = 1
_KIND_ANCHOR: Final = 2
_KIND_EXACT: Final = 3
_KIND_SHIFT: Final = np.uint64(56)
EXACT_KEY_KIND: Final = _KIND_EXACT  # bucket key >> EXACT_KEY_SHIFT for an exact key
ANCHOR_KEY_KIND: Final = _KIND_ANCHOR
EXACT_KEY_SHIFT: Final = 56
_LOW56: Final = np.uint64((1 << 56) - 1)


@dataclass(frozen=True, slots=True)
class SignatureParams:
    """How texts are fingerprinted. Changing any value changes every key: stores keep
    them under a prefix derived from ``fingerprint``."""

    bins: int = 64  # MinHash signature length (one-permutation hashing bins)
    rows: int = 4  # bins per LSH band; bands = bins // rows
    anchor_mod: int = 8  # keep 5-grams whose hash is 0 mod this (about 1 in 8)

    def __post_init__(self) -> None:
        if self.bins & (self.bins - 1) or not 8 <= self.bins <= 1024:
            raise ValueError("bins must be a power of two between 8 and 1024")
        if self.bins % self.rows:
            raise ValueError("rows must divide bins")
        if self.anchor_mod & (self.anchor_mod - 1):
            raise ValueError("anchor_mod must be a power of two")

    @property
    def bands(self) -> int:
        return self.bins // self.rows

    @property
    def fingerprint(self) -> str:
        return f"v1-b{self.bins}-r{self.rows}-a{self.anchor_mod}"


@dataclass(frozen=True, slots=True)
class Signatures:
    """Fingerprints of ``n`` texts. Per-text variable-length data is stored flat with
    offsets: the shingles of text ``i`` are ``shingles[shingle_offsets[i]:...[i+1]]``."""

    keys: list[str]  # matching keys
    exact: I64  # (n,) exact-key bucket per text; -1 for an empty key
    bands: I64  # (n, bands) LSH band bucket keys; -1 rows for an empty key
    anchors: I64  # flat anchor bucket keys, unique per text
    anchor_offsets: I64  # (n + 1,)
    shingles: U32  # flat shingle hashes in text order (not unique)
    shingle_offsets: I64  # (n + 1,)

    def __len__(self) -> int:
        return len(self.keys)

    def text_anchors(self, i: int) -> I64:
        return self.anchors[self.anchor_offsets[i] : self.anchor_offsets[i + 1]]

    def digest(self, i: int) -> U32:
        """Sorted unique shingle hashes of text ``i``: what verification compares."""
        digest = np.sort(self.shingles[self.shingle_offsets[i] : self.shingle_offsets[i + 1]])
        if digest.size > 1:
            digest = digest[np.concatenate(([True], digest[1:] != digest[:-1]))]
        return digest


def _mix64(x: U64) -> U64:
    """SplitMix64 finaliser: spreads every input bit over the whole word."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _bucket_keys(kind: int, hashes: U64) -> I64:
    tagged = (np.uint64(kind) << _KIND_SHIFT) | (hashes & _LOW56)
    return tagged.astype(np.int64)


@lru_cache(maxsize=1)
def _word_table() -> npt.NDArray[np.bool_]:
    """Code points kept in a matching key: letters, digits (any script) and ``#``."""
    table = np.ones(0x110000, dtype=np.bool_)  # above the BMP/SIP: CJK extensions, kept
    for code in range(0x30000):
        table[code] = unicodedata.category(chr(code))[0] in "LN"
    table[ord("#")] = True
    return table


def matching_keys(texts: Sequence[str]) -> list[str]:
    """``normalise`` each text, then keep only letters, digits and ``#``."""
    return keys_from_normalised(normalise_many(texts))


def keys_from_normalised(normalised: Sequence[str]) -> list[str]:
    """Matching keys of texts that are already ``normalise``d (skips normalising again:
    pass the result as ``compute_signatures(..., keys=...)``)."""
    if not normalised:
        return []
    codes, starts = _flat_codes(normalised)
    keep = _word_table()[codes]
    keep[starts[1:-1] - 1] = True  # the "\n" separators survive to split again
    joined = codes[keep]
    if joined.size and int(joined.max()) >= 0x10000:
        text = joined.tobytes().decode("utf-32-le")
    else:
        text = joined.astype(np.uint16).tobytes().decode("utf-16-le")
    return text.split("\n")


def _flat_codes(texts: Sequence[str]) -> tuple[U32, I64]:
    """Texts "\\n"-joined as code points, and where each text starts (plus the end)."""
    raw = np.frombuffer("\n".join(texts).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=starts[1:])
    return raw, starts


_CHUNK: Final = 8192  # texts per chunk: bounds the temporary arrays (~50 bytes a char)
_ANCHOR_BITS: Final = 50


def compute_signatures(
    texts: Sequence[str], params: SignatureParams | None = None, *, keys: list[str] | None = None
) -> Signatures:
    """Fingerprints of all ``texts`` (or of precomputed matching ``keys``)."""
    params = params or SignatureParams()
    if keys is None:
        keys = matching_keys(texts)
    parts = [
        _compute_chunk(keys[start : start + _CHUNK], params)
        for start in range(0, len(keys), _CHUNK)
    ]
    if not parts:
        parts = [_compute_chunk([], params)]
    if len(parts) == 1:
        return parts[0]
    return Signatures(
        keys=keys,
        exact=np.concatenate([p.exact for p in parts]),
        bands=np.concatenate([p.bands for p in parts]),
        anchors=np.concatenate([p.anchors for p in parts]),
        anchor_offsets=_join_offsets([p.anchor_offsets for p in parts]),
        shingles=np.concatenate([p.shingles for p in parts]),
        shingle_offsets=_join_offsets([p.shingle_offsets for p in parts]),
    )


def _join_offsets(parts: list[I64]) -> I64:
    shifted = [parts[0]]
    for part in parts[1:]:
        shifted.append(part[1:] + shifted[-1][-1])
    return np.concatenate(shifted)


def _empty_signatures(params: SignatureParams) -> Signatures:
    empty = np.empty(0, dtype=np.int64)
    return Signatures(
        [],
        empty,
        np.empty((0, params.bands), dtype=np.int64),
        empty,
        np.zeros(1, dtype=np.int64),
        np.empty(0, dtype=np.uint32),
        np.zeros(1, dtype=np.int64),
    )


def _offsets(counts: I64) -> I64:
    offsets = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def _compute_chunk(keys: list[str], params: SignatureParams) -> Signatures:
    n = len(keys)
    if n == 0:
        return _empty_signatures(params)
    raw, starts = _flat_codes(keys)  # "\n" separators: a key never holds one
    size = raw.size
    lengths = np.diff(starts) - 1
    pad = ANCHOR_SHINGLE - 1
    codes = np.zeros(size + pad, dtype=np.uint64)
    codes[:size] = raw
    is_sep = np.ones(size + pad, dtype=np.bool_)
    is_sep[:size] = raw == ord("\n")

    # Polynomial rolling hashes of the 3-gram and the 5-gram starting at each position;
    # a gram is valid when no separator falls inside it.
    with np.errstate(over="ignore"):
        gram3 = (codes[:size] * _BASE + codes[1 : size + 1]) * _BASE + codes[2 : size + 2]
        gram5 = (gram3 * _BASE + codes[3 : size + 3]) * _BASE + codes[4 : size + 4]
    valid3 = ~(is_sep[:size] | is_sep[1 : size + 1] | is_sep[2 : size + 2])
    valid5 = valid3 & ~(is_sep[3 : size + 3] | is_sep[4 : size + 4])

    # Shingles: every valid 3-gram; a key of 1-2 characters is one shingle by itself.
    shingle_counts = np.maximum(lengths - (SHINGLE - 1), 0)
    short = np.flatnonzero((lengths > 0) & (lengths < SHINGLE))
    grams = gram3[valid3]
    if short.size:
        short_values = np.zeros(short.size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for offset in range(SHINGLE):
                present = lengths[short] > offset
                short_values = short_values * _BASE + np.where(
                    present, codes[np.minimum(starts[short] + offset, size - 1)], 0
                ).astype(np.uint64)
        grams = np.insert(grams, _offsets(shingle_counts)[short], short_values)
        shingle_counts[short] = 1
    with np.errstate(over="ignore"):
        shingle_hashes = _mix64(grams + np.uint64(SHINGLE))
    shingle_text = np.repeat(np.arange(n, dtype=np.int64), shingle_counts)
    shingles = (shingle_hashes >> np.uint64(32)).astype(np.uint32)

    signature = _one_permutation_minhash(shingle_hashes, shingle_text, n, params.bins)
    bands = _band_keys(signature, params)
    empty_text = shingle_counts == 0
    bands[empty_text] = -1

    anchor_counts = np.maximum(lengths - (ANCHOR_SHINGLE - 1), 0)
    anchors, anchor_offsets = _anchor_keys(gram5[valid5], anchor_counts, params.anchor_mod)
    shingle_offsets = _offsets(shingle_counts)
    exact = _bucket_keys(_KIND_EXACT, _whole_key_hashes(shingle_hashes, shingle_offsets, lengths))
    exact[empty_text] = -1
    return Signatures(keys, exact, bands, anchors, anchor_offsets, shingles, shingle_offsets)


def _whole_key_hashes(shingle_hashes: U64, shingle_offsets: I64, lengths: I64) -> U64:
    """A 64-bit hash of each whole key, from its shingles in order: the sum of each
    shingle's hash times an odd number that depends on its position in the key."""
    total = shingle_hashes.size
    if total == 0:
        return np.zeros(lengths.size, dtype=np.uint64)
    counts = np.diff(shingle_offsets)
    position = np.arange(total, dtype=np.uint64) - np.repeat(
        shingle_offsets[:-1].astype(np.uint64), counts
    )
    with np.errstate(over="ignore"):
        weighted = shingle_hashes * (position * np.uint64(2) + np.uint64(1))
        sums = np.add.reduceat(weighted, np.minimum(shingle_offsets[:-1], total - 1))
        sums[counts == 0] = 0
        return _mix64(sums ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))


def _one_permutation_minhash(hashes: U64, text_of: I64, n: int, bins: int) -> U32:
    """(n, bins) MinHash signature: the top bits of a shingle's hash choose its bin,
    the next 32 bits are its value; a bin keeps the minimum value."""
    bin_bits = bins.bit_length() - 1
    bin_of = (hashes >> np.uint64(64 - bin_bits)).astype(np.int64)
    values = ((hashes >> np.uint64(64 - bin_bits - 32)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    flat = np.full(n * bins, _EMPTY_BIN, dtype=np.uint32)
    np.minimum.at(flat, text_of * bins + bin_of, values)
    signature: U32 = flat.reshape(n, bins)
    _densify(signature)
    return signature


def _densify(signature: U32) -> None:
    """Fill empty bins in place from the next non-empty bin to the right (circularly),
    offset by the distance, so that equal texts still get equal signatures and short
    texts do not match each other on shared empty bins."""
    rows = np.flatnonzero(
        (signature == _EMPTY_BIN).any(axis=1) & ~(signature == _EMPTY_BIN).all(axis=1)
    )
    if not rows.size:
        return
    sub = signature[rows]
    bins = sub.shape[1]
    doubled = np.concatenate([sub, sub], axis=1)
    filled = doubled != _EMPTY_BIN
    index = np.where(filled, np.arange(2 * bins), 2 * bins)
    # next filled position at or after j: reverse running minimum
    next_filled = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :bins]
    distance = (next_filled - np.arange(bins)).astype(np.uint32)
    source = np.take_along_axis(doubled, next_filled, axis=1)
    with np.errstate(over="ignore"):
        densified = source + distance * np.uint32(0x9E3779B1)
    signature[rows] = np.where(sub == _EMPTY_BIN, densified, sub)


def _band_keys(signature: U32, params: SignatureParams) -> I64:
    n = signature.shape[0]
    grouped = signature.reshape(n, params.bands, params.rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        acc = np.arange(params.bands, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
        for r in range(params.rows):
            acc = _mix64(acc ^ grouped[:, :, r])
    return _bucket_keys(_KIND_BAND, acc)


def _anchor_keys(grams: U64, counts: I64, mod: int) -> tuple[I64, I64]:
    """Anchor bucket keys per text (unique within a text, sorted) and their offsets.

    A 5-gram is an anchor when the top bits of its multiplicative hash are zero: one in
    ``mod`` on average, and the same 5-gram is an anchor in every text."""
    mod_bits = mod.bit_length() - 1
    with np.errstate(over="ignore"):
        mixed = grams * np.uint64(0x9E3779B97F4A7C15)
    selected = (mixed >> np.uint64(64 - mod_bits)) == 0 if mod_bits else np.ones(grams.size, bool)
    text_of = np.repeat(np.arange(counts.size, dtype=np.uint64), counts)[selected]
    with np.errstate(over="ignore"):
        hashes = _mix64(grams[selected]) & np.uint64((1 << _ANCHOR_BITS) - 1)
    # Unique (text, anchor) pairs by one sort of a combined word; a chunk holds fewer
    # than 2^13 texts, so 13 bits of text index + 50 bits of hash fit in 63 bits.
    combined = np.sort((text_of << np.uint64(_ANCHOR_BITS)) | hashes)
    if combined.size:
        fresh = np.ones(combined.size, dtype=np.bool_)
        fresh[1:] = combined[1:] != combined[:-1]
        combined = combined[fresh]
    text_of = (combined >> np.uint64(_ANCHOR_BITS)).astype(np.int64)
    keys = _bucket_keys(_KIND_ANCHOR, combined & np.uint64((1 << _ANCHOR_BITS) - 1))
    return keys, _offsets(np.bincount(text_of, minlength=counts.size))
