"""Character n-gram features computed with numpy over a whole batch at once.

Why not scikit-learn's ``TfidfVectorizer(analyzer="char")`` or jieba words: both walk
every text in Python. jieba segments about 0.26 M characters a second here, so the
151,681-suggestion corpus (≈ 55 M characters at the TIPDM length) would take minutes;
the classifier needs it in seconds. Characters of every text go into one array of code
points, each 1-, 2- and 3-gram becomes an exact 64-bit key (21 bits a code point, so a
key can always be turned back into the readable n-gram for evidence), and keys are found
in the vocabulary through an open-addressing hash table: all array operations.

On the labelled TIPDM sample, character n-grams with a separate title block did as well
as jieba words plus characters, so nothing here segments words (see bench/README.md).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = [
    "NgramVocabulary",
    "TextNgrams",
    "TfidfBlock",
    "count_ngrams",
    "fit_vocabulary",
    "key_text",
    "ngram_keys",
    "text_ngrams",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]

MAX_N: Final = 3
_BITS: Final = 21  # every Unicode code point fits in 21 bits
_CHAR_MASK: Final = (1 << _BITS) - 1
_GOLDEN: Final = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier
_MAX_PROBE: Final = 16
# Bound the temporary arrays: a chunk of this many characters needs about
# 8 bytes x 3 orders x chunk of keys.
_CHUNK_CHARS: Final = 4_000_000

_lock = threading.Lock()
_word_char: npt.NDArray[np.bool_] | None = None


def _word_char_table() -> npt.NDArray[np.bool_]:
    """Code points that can be part of an n-gram (letters, digits, CJK, "#")."""
    global _word_char
    with _lock:
        if _word_char is None:
            table = np.zeros(0x110000, dtype=np.bool_)
            for lo, hi in (
                (0x30, 0x39),  # digits
                (0x61, 0x7A),  # a-z (normalised text is lower case)
                (0x41, 0x5A),  # A-Z, for callers that did not normalise
                (0xC0, 0x24F),  # Latin letters with diacritics
                (0x370, 0x52F),  # Greek, Cyrillic
                (0x3040, 0x30FF),  # kana
                (0x3400, 0x4DBF),  # CJK extension A
                (0x4E00, 0x9FFF),  # CJK unified ideographs
                (0xAC00, 0xD7AF),  # Hangul syllables
                (0xF900, 0xFAFF),  # CJK compatibility ideographs
                (0x20000, 0x3FFFF),  # CJK extensions B and later
            ):
                table[lo : hi + 1] = True
            table[ord("#")] = True  # normalise's placeholder for a (masked) number
            table[0xD7B0:0xE000] = False  # surrogates can never be characters here
            _word_char = table
        return _word_char


def _encode(texts: Sequence[str]) -> tuple[U64, I64]:
    """Code points of all texts ("\\n"-joined, newline = break) and the text of each."""
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: codes.size]
    return codes.astype(np.uint64), text_of


@dataclass(frozen=True, slots=True)
class TextNgrams:
    """The n-grams of a batch of texts: per order, (keys, index of the text of each)."""

    n_texts: int
    by_order: dict[int, tuple[U64, I64]]

    def merged(self) -> tuple[U64, I64]:
        if not self.by_order:
            return np.zeros(0, np.uint64), np.zeros(0, np.int64)
        keys = [k for k, _ in self.by_order.values()]
        owners = [o for _, o in self.by_order.values()]
        return np.concatenate(keys), np.concatenate(owners)


def text_ngrams(texts: Sequence[str], orders: Sequence[int] = (1, 2, 3)) -> TextNgrams:
    """Every n-gram of ``texts``, by order; n-grams never span a break.

    A break is any character that is not a letter, digit or ideograph (space,
    punctuation, emoji), so "公交,站" gives 公交 and 站 but not 交站.
    """
    by_order: dict[int, tuple[U64, I64]] = {}
    if not texts:
        return TextNgrams(0, by_order)
    codes, text_of = _encode(texts)
    codes = np.minimum(codes, np.uint64(0x10FFFF))
    ok = _word_char_table()[codes.astype(np.int64)]
    for n in sorted(set(orders)):
        if n < 1 or n > MAX_N or codes.size < n:
            continue
        span = codes.size - n + 1
        valid = ok[:span].copy()
        key = codes[:span].copy()
        for k in range(1, n):
            valid &= ok[k : k + span]
            key = (key << np.uint64(_BITS)) | codes[k : k + span]
        by_order[n] = (key[valid], text_of[:span][valid])
    return TextNgrams(len(texts), by_order)


def ngram_keys(texts: Sequence[str], orders: Sequence[int] = (1, 2, 3)) -> tuple[U64, I64]:
    """Every n-gram of ``texts`` as (key, index of its text), all orders together."""
    return text_ngrams(texts, orders).merged()


def _chunks(texts: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= _CHUNK_CHARS:
            spans.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts) or not spans:
        spans.append((start, len(texts)))
    return spans


def key_text(key: int) -> str:
    """The n-gram a key stands for."""
    chars: list[str] = []
    while key:
        chars.append(chr(key & _CHAR_MASK))
        key >>= _BITS
    return "".join(reversed(chars))


def _bucket(keys: U64, bits: int) -> I64:
    return ((keys * _GOLDEN) >> np.uint64(64 - bits)).astype(np.int64)


@dataclass(frozen=True, slots=True)
class NgramVocabulary:
    """Known n-gram keys (sorted by document frequency, most common first) and a hash table."""

    keys: U64
    table: npt.NDArray[np.int32]  # bucket -> index into keys, -1 for an empty bucket
    bits: int
    # Single characters are looked up directly by code point: a third of all n-grams,
    # and one array read each instead of hashing and probing.
    unigrams: npt.NDArray[np.int32]

    @classmethod
    def from_keys(cls, keys: U64) -> NgramVocabulary:
        keys = np.asarray(keys, dtype=np.uint64)
        bits = max(8, int(np.ceil(np.log2(max(keys.size, 1) * 4))))
        while True:
            table = np.full(1 << bits, -1, dtype=np.int32)
            home = _bucket(keys, bits)
            pending = np.arange(keys.size, dtype=np.int64)
            mask = (1 << bits) - 1
            for probe in range(_MAX_PROBE):
                if not pending.size:
                    break
                buckets = (home[pending] + probe) & mask
                free = table[buckets] == -1
                candidates, buckets = pending[free], buckets[free]
                # Several keys may want the same free bucket: the first one gets it.
                _, first = np.unique(buckets, return_index=True)
                table[buckets[first]] = candidates[first]
                placed = np.zeros(keys.size, dtype=np.bool_)
                placed[candidates[first]] = True
                pending = pending[~placed[pending]]
            if not pending.size:
                unigrams = np.full(0x110000, -1, dtype=np.int32)
                single = np.flatnonzero(keys < np.uint64(1 << _BITS))
                unigrams[keys[single].astype(np.int64)] = single.astype(np.int32)
                return cls(keys=keys, table=table, bits=bits, unigrams=unigrams)
            bits += 1  # pragma: no cover - only with pathological keys

    def __len__(self) -> int:
        return int(self.keys.size)

    def lookup(self, query: U64, order: int | None = None) -> I64:
        """Index of each query key in the vocabulary, -1 where unknown.

        ``order`` (when all keys are n-grams of one length) lets single characters use
        the direct table.
        """
        if order == 1:
            return self.unigrams[query.astype(np.int64)].astype(np.int64)
        if not query.size or not self.keys.size:
            return np.full(query.size, -1, dtype=np.int64)
        mask = (1 << self.bits) - 1
        home = _bucket(query, self.bits)
        # First probe for every key at once, without index bookkeeping: at a load
        # factor of at most 1/4 it settles nearly all of them.
        result = self.table[home].astype(np.int64)
        occupied = result >= 0
        hit = occupied & (self.keys[np.maximum(result, 0)] == query)
        result[~hit] = -1
        pending = np.flatnonzero(occupied & ~hit)
        for probe in range(1, _MAX_PROBE):
            if not pending.size:
                break
            candidate = self.table[(home[pending] + probe) & mask].astype(np.int64)
            occupied = candidate >= 0
            hit = occupied & (self.keys[np.maximum(candidate, 0)] == query[pending])
            result[pending[hit]] = candidate[hit]
            # An empty bucket ends the probe sequence: the key is not in the table.
            pending = pending[occupied & ~hit]
        return result

    def count(self, ngrams: TextNgrams, orders: Sequence[int] | None = None) -> sp.csr_matrix:
        """Texts x vocabulary matrix of n-gram counts (unknown n-grams are left out)."""
        rows: list[I64] = []
        columns: list[I64] = []
        for order, (keys, owner) in ngrams.by_order.items():
            if orders is not None and order not in orders:
                continue
            column = self.lookup(keys, order)
            known = column >= 0
            rows.append(owner[known])
            columns.append(column[known])
        row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        column = np.concatenate(columns) if columns else np.zeros(0, np.int64)
        return _counts_matrix(row, column, (ngrams.n_texts, len(self)))

    def texts(self, indices: Sequence[int] | I64) -> list[str]:
        return [key_text(int(self.keys[i])) for i in indices]


def fit_vocabulary(
    texts: Sequence[str],
    *,
    min_df: int = 2,
    max_df_ratio: float = 1.0,
    max_features: int | None = 400_000,
    orders: Sequence[int] = (1, 2, 3),
) -> tuple[NgramVocabulary, I64]:
    """Vocabulary of n-grams in at least ``min_df`` texts, and each one's document frequency."""
    uniques: list[U64] = []
    for start, stop in _chunks(texts):
        keys, owner = ngram_keys(texts[start:stop], orders)
        if not keys.size:
            continue
        # One (text, key) pair per text that holds the key: document frequency. The
        # pair is hashed into one 64-bit number so that a plain sort finds the unique
        # ones (a row-wise ``np.unique(axis=0)`` was ten times slower); two pairs sharing
        # a hash would only make one count one text short.
        pair = keys * _GOLDEN + owner.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93)
        _, first = np.unique(pair, return_index=True)
        uniques.append(keys[first])
    if not uniques:
        return NgramVocabulary.from_keys(np.zeros(0, np.uint64)), np.zeros(0, np.int64)
    keys, df = np.unique(np.concatenate(uniques), return_counts=True)
    keep = (df >= min_df) & (df <= max(1.0, max_df_ratio * len(texts)))
    keys, df = keys[keep], df[keep]
    order = np.lexsort((keys, -df))  # most common first, ties by key: deterministic
    if max_features is not None:
        order = order[:max_features]
    return NgramVocabulary.from_keys(keys[order]), df[order].astype(np.int64)


def _counts_matrix(row: I64, column: I64, shape: tuple[int, int]) -> sp.csr_matrix:
    """CSR matrix of how often each (row, column) pair occurs.

    scipy's ``sum_duplicates`` first sorts each row's columns with a comparison sort,
    which cost more than computing the n-grams. Converting to CSC and back does the same
    with two counting sorts (linear time), after which only adjacent duplicates remain.
    """
    coo = sp.coo_matrix((np.ones(row.size, dtype=np.float32), (row, column)), shape=shape)
    matrix = sp.csr_matrix(coo.tocsc().tocsr())
    matrix.has_sorted_indices = True  # the CSC -> CSR pass emits columns in order
    matrix.sum_duplicates()
    return matrix


def count_ngrams(
    texts: Sequence[str], vocabulary: NgramVocabulary, orders: Sequence[int] = (1, 2, 3)
) -> sp.csr_matrix:
    """Texts x vocabulary matrix of n-gram counts (unknown n-grams are left out)."""
    parts = [
        vocabulary.count(text_ngrams(texts[start:stop], orders)) for start, stop in _chunks(texts)
    ]
    if not parts:
        return sp.csr_matrix((0, len(vocabulary)), dtype=np.float32)
    return sp.csr_matrix(sp.vstack(parts, format="csr"))


def _l2_normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = np.repeat(1.0 / norms, np.diff(matrix.indptr)).astype(np.float32)
    matrix.data *= scale
    return matrix


@dataclass(frozen=True, slots=True)
class TfidfBlock:
    """TF-IDF over one vocabulary: ``transform`` returns L2-normalised rows."""

    vocabulary: NgramVocabulary
    idf: F32
    sublinear_tf: bool = False
    orders: tuple[int, ...] = (1, 2, 3)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        *,
        min_df: int = 1,
        max_features: int | None = 400_000,
        sublinear_tf: bool = False,
        orders: Sequence[int] = (1, 2, 3),
    ) -> TfidfBlock:
        vocabulary, df = fit_vocabulary(
            texts, min_df=min_df, max_features=max_features, orders=orders
        )
        # Smooth IDF as scikit-learn computes it, so figures compare with the baseline.
        idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        return cls(vocabulary=vocabulary, idf=idf, sublinear_tf=sublinear_tf, orders=tuple(orders))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.weigh(count_ngrams(texts, self.vocabulary, self.orders))

    def transform_ngrams(self, ngrams: TextNgrams) -> sp.csr_matrix:
        """Like ``transform`` for n-grams already computed (one pass serves several uses)."""
        return self.weigh(self.vocabulary.count(ngrams, self.orders))

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        if self.sublinear_tf:
            counts.data = (1 + np.log(counts.data)).astype(np.float32)
        counts = sp.csr_matrix(counts.multiply(self.idf[np.newaxis, :]), dtype=np.float32)
        return _l2_normalise(counts)
