"""The batch triage pipeline: every stage over a whole campaign's suggestions at once.

``triage_batch(items) -> TriageResult`` is what the platform calls (``zhongzhi.analysis``
adapts it to the database) and what ``zhongzhi triage run`` calls on a file. Stages:

1. **normalise** every text once (title and body joined by a line break, as the intake
   form stores them); the folded texts are reused by the stages below;
2. **duplicates**: near-duplicate groups over all texts (``dedup``); the first of a group
   in input order is its canonical;
3. **topics**: the trained ``model`` if given, else the campaign's ``topics`` as keyword
   rules, else none (every row abstains: topic ``None``, confidence 0);
4. **keywords** of every suggestion (see ``batch_keywords``);
5. **hot issues** (``hot_issues``): duplicates ride with their canonical, their +1s add up;
6. **scores** (``scoring``): golden-idea score with its reasons; a duplicate scores lower.

With ``workers=2`` (the command line's default on a multi-core machine) topics, keywords
and scores run in a forked child process while the parent groups duplicates and
clusters hot issues; the child receives the duplicate flags when the parent has them.
If the child fails for any reason the parent computes its part itself. ``timings``
then holds each stage's own seconds, which overlap; ``total`` is the wall time.
Python's cyclic garbage collector is paused while a batch runs (``_cyclic_gc_paused``).

Bad input (empty text, one character, 100,000 characters, emoji or punctuation only,
control characters, lone surrogates, mixed scripts, a non-string) gives a row like any
other (no topic, no keywords, score 0 with the reason), never an exception.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import logging
import math
import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from zhongzhi.triage.dedup import find_duplicate_groups
from zhongzhi.triage.dedup.signatures import compute_signatures
from zhongzhi.triage.hot_issues import HotIssue, HotIssueInput, cluster_hot_issues, extract_places
from zhongzhi.triage.keywords import KeywordExtractor, Segmenter, data_lines, stopwords
from zhongzhi.triage.normalise import normalise, normalise_many
from zhongzhi.triage.places import PlaceFinder
from zhongzhi.triage.scoring import IdeaScore, score_suggestions
from zhongzhi.triage.topics import KeywordTopicClassifier, TopicModel, TopicPrediction, TopicSpec

__all__ = [
    "STAGES",
    "TriageInput",
    "TriageResult",
    "TriageRow",
    "batch_keywords",
    "triage_batch",
]

logger = logging.getLogger(__name__)

STAGES: Final = ("normalise", "duplicates", "topics", "keywords", "hot_issues", "scores")
CHINA_TIME: Final = datetime.timezone(datetime.timedelta(hours=8), "CST")
# Below this many texts a child process costs more than it saves.
PARALLEL_MIN: Final = 2_000
KEYWORDS_PER_ROW: Final = 8
# Texts segmented with jieba to learn the campaign's vocabulary and IDF (see
# ``batch_keywords``): about 2 s of jieba; a batch this small is segmented whole.
KEYWORD_SAMPLE: Final = 2_000
_KEYWORD_MAX_CHARS: Final = 5_000  # as keywords.MAX_SEGMENT_CHARS
_KEYWORD_CANDIDATES: Final = 12  # best-scored words per text looked at for the final k
_CHUNK_CHARS: Final = 4_000_000  # characters matched at once: bounds temporary arrays
_HASH_BASE: Final = np.uint64(0x100000001B3)
_FILTER_BITS: Final = 20  # 1 MB: stays in cache, unlike a larger, sparser filter
_FILTER_MASK: Final = np.uint64((1 << _FILTER_BITS) - 1)

Progress = Callable[[str, int, int], None]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class TriageInput:
    """One suggestion as the pipeline needs it."""

    id: str
    text: str
    title: str = ""
    time: datetime.datetime | None = None
    likes: int = 0  # "+1"s
    unit: str | None = None  # unit code or name, for "spread over units"


@dataclass
class TriageRow:
    """The triage of one suggestion.

    ``group`` is the input position of the group's canonical (equal groups: the same
    suggestion); ``issue`` is the position of its hot issue in ``TriageResult.issues``
    (0 = hottest) or ``None``.
    """

    id: str
    group: int
    canonical: bool
    topic: str | None
    topic_confidence: float
    topic_evidence: list[str]
    issue: int | None
    keywords: list[str]
    score: float
    reasons: list[str]


@dataclass
class TriageResult:
    rows: list[TriageRow]  # in input order
    issues: list[HotIssue]  # ranked by heat; ids are TriageInput.id
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, "total"


# --- input ------------------------------------------------------------------------------


def _clean_str(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # A lone surrogate cannot be encoded, so no stage could read the text.
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def full_text(item: TriageInput) -> str:
    """Title and body as the intake form stores them: "title\\nbody"."""
    text = _clean_str(item.text)
    title = _clean_str(item.title).strip()
    if title and not text.lstrip().startswith(title):
        return f"{title}\n{text}" if text else title
    return text


def _aware(moment: Any) -> datetime.datetime | None:
    """Times as aware datetimes (naive ones taken as China Standard Time), so that naive
    and aware inputs can be compared; anything else is no time."""
    if not isinstance(moment, datetime.datetime):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA_TIME)


def _likes(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return max(value, 0)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    return max(int(number), 0) if math.isfinite(number) else 0


# --- stages -----------------------------------------------------------------------------


def _duplicate_groups(
    texts: Sequence[str], normalised: Sequence[str], places: PlaceFinder
) -> tuple[I64, Any]:
    """Groups computed from the already normalised texts (same result as
    ``find_duplicate_groups(texts, places=places)``, without normalising a second time)."""
    keys = _matching_keys(normalised)
    if keys is None:
        groups = find_duplicate_groups(texts, places=places)
    else:
        sigs = compute_signatures(texts, keys=keys)
        groups = find_duplicate_groups(texts, signatures=sigs, places=places)
    return groups.group, groups.canonical


def _matching_keys(normalised: Sequence[str]) -> list[str] | None:
    """``dedup.matching_keys`` minus its normalisation (the texts are normalised already).

    dedup has no public entry point for normalised texts yet; its word table is private,
    so if it moves this returns None and dedup normalises again.
    """
    try:
        from zhongzhi.triage.dedup.signatures import _word_table
    except ImportError:  # pragma: no cover - depends on dedup's internals
        return None
    if not normalised:
        return []
    joined = "\n".join(normalised)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    keep = _word_table()[codes]
    keep[codes == 10] = True  # normalised texts hold no "\n": these are the separators
    return codes[keep].tobytes().decode("utf-32-le").split("\n")


def _predict_topics(
    texts: Sequence[str],
    normalised: Sequence[str],
    topics: Sequence[TopicSpec],
    model: TopicModel | None,
) -> list[TopicPrediction]:
    if model is not None:
        # The model splits off the title at the line break itself: raw texts.
        return model.predict(list(texts))
    if topics:
        return KeywordTopicClassifier(list(topics)).predict(list(normalised))
    return [TopicPrediction(None, 0.0, []) for _ in texts]


def _score(
    texts: Sequence[str], duplicate: npt.NDArray[np.bool_], user_words: Sequence[str]
) -> list[IdeaScore]:
    places, units = _known_names(user_words)
    return score_suggestions(
        list(texts), duplicates=duplicate.tolist(), known_places=places, known_units=units
    )


def _known_names(user_words: Sequence[str]) -> tuple[list[str], list[str]]:
    """The campaign's words split into place names and responsible bodies for scoring
    (the API takes one list: unit names, their short names, topic keywords)."""
    endings = tuple(data_lines("responsible_bodies.txt"))
    places: list[str] = []
    units: list[str] = []
    for word in dict.fromkeys(w.strip() for w in user_words if isinstance(w, str)):
        if len(word) < 2:
            continue
        if word.endswith(endings):
            units.append(word)
        if extract_places(word):
            places.append(word)
    return places, units


def _hot_issues(
    items: Sequence[TriageInput],
    texts: Sequence[str],
    normalised: Sequence[str],
    group: I64,
    segmenter: Segmenter,
) -> tuple[list[HotIssue], list[int | None]]:
    """Issues (ids rewritten to ``TriageInput.id``) and each row's issue position."""
    inputs = [
        HotIssueInput(
            id=i,
            text=texts[i],
            time=_aware(item.time),
            likes=_likes(item.likes),
            unit=_clean_str(item.unit) or None,
            duplicate_group=group_id,
            normalised=normalised[i],
        )
        for i, (item, group_id) in enumerate(zip(items, group.tolist(), strict=True))
    ]
    found = cluster_hot_issues(inputs, segmenter=segmenter)
    issue_of: list[int | None] = [None] * len(items)
    issues: list[HotIssue] = []
    for position, issue in enumerate(found):
        members = [cast(int, m) for m in issue.member_ids]  # the ids given: positions
        for i in members:
            issue_of[i] = position
        issues.append(
            replace(
                issue,
                representative_id=_clean_str(items[cast(int, issue.representative_id)].id),
                member_ids=[_clean_str(items[i].id) for i in members],
            )
        )
    return issues, issue_of


# --- keywords ---------------------------------------------------------------------------


def batch_keywords(
    normalised: Sequence[str],
    segmenter: Segmenter,
    *,
    k: int = KEYWORDS_PER_ROW,
    sample: int = KEYWORD_SAMPLE,
) -> list[list[str]]:
    """Up to ``k`` keywords of each (normalised) text, for a whole batch at once.

    jieba segments about 0.26 M characters a second: a 151,681-suggestion campaign
    (37 M characters) would take minutes. So jieba (with the campaign's user dictionary)
    segments an evenly spaced ``sample`` of the texts only; their content words, plus
    the campaign's own words, are the vocabulary, and their document frequencies the
    IDF (``KeywordExtractor.fit``). Every text is then searched for every vocabulary word
    at once (rolling hashes of its substrings, numpy). Where found words overlap, the
    longer one wins, then the campaign's own word, then the more frequent one, as a
    segmenter would cut ("一家名叫" gives 一家 and 名叫, not 家名). The words left are
    ranked as ``KeywordExtractor.keywords`` ranks them: log(1 + count) x IDF, campaign
    words x1.2, a word inside one already kept dropped. A batch of at most ``sample``
    texts is segmented whole, so each text's own words are all in the vocabulary.
    """
    n = len(normalised)
    if n == 0 or k <= 0:
        return [[] for _ in range(n)]
    extractor = KeywordExtractor.fit(list(normalised), segmenter, sample=sample)
    idf = dict(extractor.idf)
    campaign: set[str] = set()
    for user_word in segmenter.user_words:
        folded = normalise(user_word)
        if len(folded) >= 2:
            campaign.add(folded)
            idf.setdefault(folded, extractor.default_idf)
    if not any(len(w) >= 2 for w in idf):
        return [[] for _ in range(n)]
    # Stopwords are never keywords but take part in the overlaps: in "希望能" the
    # stopword 希望 must beat 望能.
    blockers = {w for w in stopwords() if len(w) >= 2} - idf.keys()
    words = sorted(w for w in [*idf, *blockers] if len(w) >= 2 and "\n" not in w)
    is_blocker = np.array([w in blockers for w in words], dtype=np.bool_)
    idf_of = np.array([idf.get(w, 0.0) for w in words], dtype=np.float64)
    is_campaign = np.array([w in campaign for w in words], dtype=np.bool_)
    weight = np.where(is_blocker, 0.0, idf_of * np.where(is_campaign, 1.2, 1.0))
    lengths = np.array([len(w) for w in words], dtype=np.float64)
    # Overlap priority: length, then a campaign word, then a stopword, then frequency
    # (low IDF).
    priority = lengths * 100.0 + np.select([is_campaign, is_blocker], [99.0, 60.0], 50.0 - idf_of)
    matcher = _WordMatcher(words)
    word_array = np.array(words, dtype=object)
    out: list[list[str]] = [[] for _ in range(n)]
    for start, stop in _chunks(normalised):
        chunk = [t[:_KEYWORD_MAX_CHARS].replace("\n", " ") for t in normalised[start:stop]]
        owner, word, count = matcher.count(chunk, priority)
        scored = weight[word] > 0
        owner, word, count = owner[scored], word[scored], count[scored]
        if not owner.size:
            continue
        score = np.log1p(count.astype(np.float64)) * weight[word]
        # Per text: best score first, then the word itself (words are sorted, so the
        # index orders them as strings), as KeywordExtractor._rank does.
        order = np.lexsort((word, -score, owner))
        owner, word = owner[order], word[order]
        first = np.searchsorted(owner, np.arange(len(chunk) + 1))
        rank = np.arange(owner.size) - first[owner]
        keep = rank < _KEYWORD_CANDIDATES
        owner, word = owner[keep], word[keep]
        bounds = np.searchsorted(owner, np.arange(len(chunk) + 1)).tolist()
        ranked = word_array[word].tolist()
        for j in range(len(chunk)):
            lo, hi = bounds[j], bounds[j + 1]
            if lo < hi:
                out[start + j] = _drop_contained(ranked[lo:hi], k)
    return out


def _drop_contained(ranked: list[str], k: int) -> list[str]:
    """The first ``k`` words that are not part of a word already kept (nor contain one)."""
    kept: list[str] = []
    for word in ranked:
        for other in kept:  # a plain loop: this runs for every text of the batch
            if word in other or other in word:
                break
        else:
            kept.append(word)
            if len(kept) == k:
                break
    return kept


def _chunks(texts: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = size = 0
    for i, text in enumerate(texts):
        size += min(len(text), _KEYWORD_MAX_CHARS) + 1
        if size >= _CHUNK_CHARS:
            spans.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts):
        spans.append((start, len(texts)))
    return spans


def _hash_strings(words: Sequence[str]) -> U64:
    """The rolling hash of each whole word (as ``_WordMatcher.count`` computes it)."""
    base, mask = int(_HASH_BASE), (1 << 64) - 1
    hashes: list[int] = []
    for word in words:
        value = 0
        for ch in word:
            value = (value * base + ord(ch)) & mask
        hashes.append(value)
    return np.array(hashes, dtype=np.uint64)


class _WordMatcher:
    """Finds every occurrence of a fixed set of words in many texts (numpy).

    Each substring of length L (for each L some word has) gets a polynomial rolling hash;
    a 2^20-entry filter on the hash's low bits discards most substrings, the rest are
    looked up exactly among the words' hashes (64-bit: a false match is about one in
    10^12 per campaign).
    """

    def __init__(self, words: Sequence[str]) -> None:
        self.lengths = sorted({len(w) for w in words})
        hashes = _hash_strings(words)
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        self.by_length: dict[int, tuple[U64, I64]] = {}
        self.filter = np.zeros(1 << _FILTER_BITS, dtype=np.bool_)
        for length in self.lengths:
            index = np.flatnonzero(lengths == length)
            keys = hashes[index]
            order = np.argsort(keys, kind="stable")
            self.by_length[length] = (keys[order], index[order])
            self.filter[self._bucket(keys)] = True

    @staticmethod
    def _bucket(keys: U64) -> U64:
        return keys & _FILTER_MASK

    def _occurrences(self, codes: U64) -> tuple[I64, I64, I64]:
        """(position, length, word index) of every occurrence in the code array."""
        positions: list[I64] = []
        lengths: list[I64] = []
        found: list[I64] = []
        rolling = np.zeros(codes.size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for length in range(1, self.lengths[-1] + 1):
                span = codes.size - length + 1
                if span <= 0:
                    break
                # rolling[i] = hash of codes[i : i + length], updated in place
                rolling = rolling[:span]
                np.multiply(rolling, _HASH_BASE, out=rolling)
                np.add(rolling, codes[length - 1 : length - 1 + span], out=rolling)
                if length not in self.by_length:
                    continue
                candidates = np.flatnonzero(self.filter[self._bucket(rolling)])
                keys, index = self.by_length[length]
                values = rolling[candidates]
                at = np.minimum(np.searchsorted(keys, values), keys.size - 1)
                hit = keys[at] == values
                positions.append(candidates[hit])
                lengths.append(np.full(int(hit.sum()), length, dtype=np.int64))
                found.append(index[at[hit]])
        if not positions:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(positions), np.concatenate(lengths), np.concatenate(found)

    def count(self, texts: Sequence[str], priority: F64) -> tuple[I64, I64, I64]:
        """(text index, word index, occurrences), one entry per word found in a text,
        counting only occurrences no overlapping occurrence of higher priority beats."""
        joined = "\n".join(texts)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        empty = np.zeros(0, dtype=np.int64)
        if not codes.size or not self.lengths:
            return empty, empty, empty
        position, length, word = self._occurrences(codes)
        if not position.size:
            return empty, empty, empty
        # Highest priority covering each character, then keep the occurrences that are
        # the highest everywhere they cover.
        own = priority[word]
        cover = np.zeros(codes.size, dtype=np.float64)
        longest = int(length.max())
        for offset in range(longest):
            reaching = length > offset
            np.maximum.at(cover, position[reaching] + offset, own[reaching])
        beaten = np.zeros(position.size, dtype=np.bool_)
        for offset in range(longest):
            at = np.flatnonzero(length > offset)
            beaten[at] |= cover[position[at] + offset] > own[at]
        position, word = position[~beaten], word[~beaten]
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter((len(t) + 1 for t in texts), np.int64, len(texts)), out=starts[1:])
        text = np.searchsorted(starts, position, side="right") - 1
        n_words = int(word.max()) + 1
        unique, counts = np.unique(text * n_words + word, return_counts=True)
        return unique // n_words, unique % n_words, counts.astype(np.int64)


# --- the side process -------------------------------------------------------------------


@dataclass
class _SideResult:
    topics: list[TopicPrediction]
    keywords: list[list[str]]
    scores: list[IdeaScore]
    timings: dict[str, float]


def _side_work(
    texts: Sequence[str],
    normalised: Sequence[str],
    topics: Sequence[TopicSpec],
    model: TopicModel | None,
    segmenter: Segmenter,
    user_words: Sequence[str],
    duplicate_flags: Callable[[], npt.NDArray[np.bool_]],
    on_stage: Callable[[str, int, int], None] | None = None,
) -> _SideResult:
    """Topics, keywords, then (once the duplicate flags are known) scores."""
    n = len(texts)
    timings: dict[str, float] = {}

    def stage(name: str, run: Callable[[], Any]) -> Any:
        if on_stage:
            on_stage(name, 0, n)
        started = time.perf_counter()
        value = run()
        timings[name] = round(time.perf_counter() - started, 3)
        if on_stage:
            on_stage(name, n, n)
        return value

    predictions = stage("topics", lambda: _predict_topics(texts, normalised, topics, model))
    keywords = stage("keywords", lambda: batch_keywords(normalised, segmenter))
    duplicate = duplicate_flags()
    scores = stage("scores", lambda: _score(texts, duplicate, user_words))
    return _SideResult(predictions, keywords, scores, timings)


class _Child:
    """``_side_work`` in a forked process: started before duplicates are grouped, given
    the duplicate flags when they are known, joined at the end."""

    def __init__(self, work: Callable[[Callable[[], npt.NDArray[np.bool_]]], _SideResult]):
        context = multiprocessing.get_context("fork")
        self._conn, child_conn = context.Pipe()
        self._sender: threading.Thread | None = None
        self._process = context.Process(
            target=_child_main, args=(work, child_conn), name="zhongzhi-triage", daemon=True
        )
        self._process.start()
        child_conn.close()

    def send_flags(self, duplicate: npt.NDArray[np.bool_]) -> None:
        payload = np.packbits(duplicate).tobytes() + len(duplicate).to_bytes(8, "little")
        # In a thread: a payload larger than the pipe's buffer would block until the
        # child reads it, and the parent has hot issues to cluster meanwhile.
        self._sender = threading.Thread(
            target=self._send, args=(payload,), name="zhongzhi-triage-flags", daemon=True
        )
        self._sender.start()

    def _send(self, payload: bytes) -> None:
        with contextlib.suppress(OSError):  # the child is gone; result() notices
            self._conn.send_bytes(payload)

    def stop(self) -> None:
        """End the child when the parent gives up (an exception, an interrupt)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._conn.close()

    def result(self) -> _SideResult | None:
        try:
            status, payload = self._conn.recv()
        except (EOFError, OSError):
            status, payload = "died", None
        finally:
            if self._sender is not None:
                self._sender.join(timeout=5)
            self._process.join(timeout=30)
            if self._process.is_alive():  # pragma: no cover - a stuck child
                self._process.kill()
            self._conn.close()
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        logger.warning("triage side process failed (%s); computing in-process", status)
        if payload:
            logger.warning("%s", payload)
        return None


def _child_main(
    work: Callable[[Callable[[], npt.NDArray[np.bool_]]], _SideResult], conn: Any
) -> None:
    def flags() -> npt.NDArray[np.bool_]:
        raw = conn.recv_bytes()
        n = int.from_bytes(raw[-8:], "little")
        return np.unpackbits(np.frombuffer(raw[:-8], dtype=np.uint8))[:n].astype(np.bool_)

    try:
        conn.send(("ok", work(flags)))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


# --- the pipeline -----------------------------------------------------------------------

_gc_lock = threading.Lock()
_gc_pauses = 0  # batches running in this process with the cyclic collector paused
_gc_was_enabled = False


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch runs.

    A batch allocates millions of objects that live until it ends (rows, scores, issues,
    keyword lists) and frees almost nothing in reference cycles. Every time the heap has
    grown by a quarter the collector walks all of it again: at 151,681 texts that cost
    about 2 s each of the near-duplicate and hot-issue stages and 3 s of the scores, for
    nothing. Reference counting still frees everything else at once; cycles left by the
    batch are collected after it. The forked side process inherits the pause. Nested and
    concurrent batches (threads) share one pause: the collector is restored when the
    last one ends.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


@_cyclic_gc_paused()
def triage_batch(
    items: Sequence[TriageInput],
    *,
    topics: Sequence[TopicSpec] = (),
    model: TopicModel | None = None,
    user_words: Sequence[str] = (),
    place_names: Sequence[str] = (),
    progress: Progress | None = None,
    workers: int = 1,
) -> TriageResult:
    """Triage a batch; see the module docstring. ``progress(stage, done, total)`` is
    called when each stage starts (done 0) and ends (done = total = number of items).
    ``place_names`` (the campaign's unit and place names) tell places apart in the
    near-duplicate decision, as ``places.PlaceFinder`` describes."""
    started = time.perf_counter()
    n = len(items)
    timings: dict[str, float] = {}

    def report(stage: str, done: int) -> None:
        if progress is not None:
            progress(stage, done, n)

    def timed(stage: str, run: Callable[[], Any]) -> Any:
        report(stage, 0)
        began = time.perf_counter()
        value = run()
        timings[stage] = round(time.perf_counter() - began, 3)
        report(stage, n)
        return value

    texts = [full_text(item) for item in items]
    normalised: list[str] = timed("normalise", lambda: normalise_many(texts))
    words = [w for w in user_words if isinstance(w, str)]
    segmenter = Segmenter(words)

    child: _Child | None = None
    if workers > 1 and n >= PARALLEL_MIN and "fork" in multiprocessing.get_all_start_methods():

        def work(flags: Callable[[], npt.NDArray[np.bool_]]) -> _SideResult:
            return _side_work(texts, normalised, topics, model, segmenter, words, flags)

        child = _Child(work)

    side: _SideResult | None = None
    try:
        finder = PlaceFinder(place_names)
        group, canonical = timed("duplicates", lambda: _duplicate_groups(texts, normalised, finder))
        duplicate = ~np.asarray(canonical, dtype=np.bool_)
        if child is not None:
            child.send_flags(duplicate)
            issues, issue_of = timed(
                "hot_issues", lambda: _hot_issues(items, texts, normalised, group, segmenter)
            )
    except BaseException:
        if child is not None:
            child.stop()
        raise
    if child is not None:
        side = child.result()
        if side is not None:
            for stage in ("topics", "keywords", "scores"):
                report(stage, 0)
                report(stage, n)
            timings.update(side.timings)
    if side is None:
        side = _side_work(
            texts,
            normalised,
            topics,
            model,
            segmenter,
            words,
            lambda: duplicate,
            on_stage=lambda stage, done, _total: report(stage, done),
        )
        timings.update(side.timings)
        if child is None:
            issues, issue_of = timed(
                "hot_issues", lambda: _hot_issues(items, texts, normalised, group, segmenter)
            )

    rows: list[TriageRow] = []
    group_list = group.tolist()
    canonical_list = np.asarray(canonical).tolist()
    for i, item in enumerate(items):
        prediction = side.topics[i]
        idea = side.scores[i]
        rows.append(
            TriageRow(
                id=_clean_str(item.id),
                group=int(group_list[i]),
                canonical=bool(canonical_list[i]),
                topic=prediction.topic,
                topic_confidence=float(prediction.confidence),
                topic_evidence=list(prediction.evidence),
                issue=issue_of[i],
                keywords=side.keywords[i],
                score=float(idea.score),
                reasons=list(idea.reasons),
            )
        )
    timings["total"] = round(time.perf_counter() - started, 3)
    return TriageResult(rows=rows, issues=issues, timings=timings)
