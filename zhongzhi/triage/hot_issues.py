"""Hot issues: related suggestions (not duplicates) grouped into one issue, and ranked.

Many residents write about the same mixing plant or the same bus route, each in their
own words; staff want one issue with its size, its +1s, the places and people it names,
and a heat score to rank by. At 150k suggestions nothing quadratic is affordable, so:

1. texts are normalised; a duplicate group counts as one text (its members still count
   towards the issue's size and +1s);
2. each text becomes a character 2-3-gram TF-IDF vector (``topics.features``);
3. a 48-dimension truncated SVD, fitted on a sample, projects every vector, and
   mini-batch k-means cuts the projected corpus into cells of about 300 texts: texts
   about the same thing land in the same cell;
4. inside each cell, exact cosine similarity and average-linkage agglomeration with a
   similarity threshold form the issues (a cell is small, so this is cheap).

Issues with at least ``min_size`` suggestions are kept. Each gets a label (its most
weighted n-grams joined into the words of its representative text), the representative
(the member closest to the centre), size, +1s, time range, units, the places and
groups of people it names, and a heat score. Keywords and a summary (jieba) are added for
the ``detail_limit`` hottest issues only: segmentation costs milliseconds per text.
"""

from __future__ import annotations

import contextlib
import math
import re
import warnings
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, lru_cache
from typing import Final, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from zhongzhi.triage.keywords import (
    KeywordExtractor,
    Segmenter,
    data_lines,
    default_segmenter,
    stopwords,
    summarise,
)
from zhongzhi.triage.normalise import fold_letters_many, normalise_many
from zhongzhi.triage.topics.features import TfidfBlock, key_text
from zhongzhi.triage.topics.model import evenly

__all__ = [
    "HotIssue",
    "HotIssueInput",
    "alternation",
    "cluster_hot_issues",
    "extract_groups",
    "extract_places",
]

_SAMPLE: Final = 30_000  # texts used to fit the vocabulary
_SVD_SAMPLE: Final = 10_000  # texts used to fit the SVD and k-means: cells are coarse
_CELL_SIZE: Final = 300  # texts per k-means cell on average
_MAX_CELL: Final = 1_500  # a larger cell is cut again before the quadratic step
_MAX_FEATURES: Final = 60_000  # the most common 2-3-grams: enough to tell issues apart
_SVD_DIMENSIONS: Final = 48
_MAX_CHARS: Final = 600  # an issue shows in the first lines of a suggestion
_DAY: Final = 86_400.0


@dataclass(frozen=True, slots=True)
class HotIssueInput:
    """One suggestion: its id, text, when it came, its +1s, unit and duplicate group;
    ``normalised`` is ``normalise(text)`` if the caller has it already (the pipeline):
    then a text of at most 600 characters is not normalised again."""

    id: Hashable
    text: str
    time: datetime | None = None
    likes: int = 0
    unit: str | None = None
    duplicate_group: Hashable | None = None
    normalised: str | None = None


@dataclass(slots=True)
class HotIssue:
    label: str
    representative_id: Hashable
    member_ids: list[Hashable]
    size: int
    likes: int
    heat: float
    places: list[str]
    groups: list[str]
    units: list[str]
    first_time: datetime | None
    last_time: datetime | None
    keywords: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


# -- places and groups of people ------------------------------------------------------

_NAME_CHARS: Final = r"[\u3400-\u9fffA-Za-z0-9]"
# A place name ends at the last of these: "我家住在丽发新城" -> "丽发新城".
_NAME_STOPS: Final = frozenset(
    "的在了是和与及到从把对给于至往向我你他她们这那个住家就也都还又很被让将要会有没不"
    "为旁边附近里内外前后上下条座所该各每本此其"
    "府加快修要能请让使做搞办看说想问"
)
_LAST_STOP_RE: Final = re.compile(".*[" + re.escape("".join(sorted(_NAME_STOPS))) + "]")
_GENERIC_PLACES: Final = frozenset({"马路", "道路", "公路", "街道", "社区", "小区", "城市"})
_GENERIC_ROADS: Final = ("马路", "道路", "公路", "小路", "大路")
_NAME_WINDOW: Final = 6  # characters before an ending that can belong to the name
# Verbs and prepositions that often stand right before a place name ("建议在",
# "增设公交站"); the proposed-action verbs of ``action_verbs.txt`` are added to them.
_LEADING_WORDS: Final = [
    "请问",
    "投诉",
    "建议",
    "希望",
    "关于",
    "反映",
    "位于",
    "地处",
    "坐落",
    "座落",
    "靠近",
    "途经",
    "经过",
    "前往",
    "来到",
    "住在",
    "距离",
    "距",
]


@cache
def _leading_verb_re() -> re.Pattern[str]:
    verbs = [line.split("\t")[0] for line in data_lines("action_verbs.txt")]
    words = sorted(set(_LEADING_WORDS) | set(verbs), key=len, reverse=True)
    return re.compile("^.*(?:" + "|".join(re.escape(w) for w in words) + ")")


# After a one-character ending, these characters mean it was part of another word.
_NOT_AN_ENDING: Final = {
    "市": "委民场长政级值区内外容貌面",
    "区": "域别委长政内外划",
    "县": "委长政城级",
    "省": "委长政级内外钱",
    "镇": "委长政定",
    "乡": "亲下愁镇",
    "村": "委民长干",
    "路": "况线段面口灯边上费",
    "街": "道头边坊",
    "山": "区水林",
    "河": "道水流边",
    "湖": "泊水边",
    "桥": "梁面下",
}


def alternation(words: Sequence[str]) -> re.Pattern[str]:
    """One pattern matching any of ``words``, longest first.

    Python's ``re`` tries every alternative at every position; a look-ahead on the set of
    first characters lets it skip the positions where none can start (4x faster here).
    """
    ordered = sorted(set(words), key=len, reverse=True)
    first = "".join(sorted({re.escape(w[0]) for w in ordered if w}))
    return re.compile(f"(?=[{first}])(?:" + "|".join(re.escape(w) for w in ordered) + ")")


@cache
def _place_suffix_re() -> re.Pattern[str]:
    return alternation(data_lines("place_suffixes.txt"))


@cache
def _place_ending_re() -> re.Pattern[str]:
    """The place endings, a one-character ending only where the next character does not
    make it part of another word ("市民", "区域"): the regex rejects those itself, so
    that no Python code runs for them. (Longer endings are tried first at a position,
    so "市场" still wins over "市" + look-ahead.)"""
    ordered = sorted(set(data_lines("place_suffixes.txt")), key=len, reverse=True)
    first = "".join(sorted({re.escape(w[0]) for w in ordered}))
    options = [
        re.escape(w) + (f"(?![{re.escape(_NOT_AN_ENDING[w])}])" if w in _NOT_AN_ENDING else "")
        for w in ordered
    ]
    return re.compile(f"(?=[{first}])(?:" + "|".join(options) + ")")


@cache
def _named_run_re() -> re.Pattern[str]:
    """A whole run of name characters that holds a place ending.

    Endings are made of name characters, and a name is made of the name characters just
    before its ending, so each such run can be read on its own (see ``_run_places``).
    The look-behind anchors a match at the start of a run: without it a run with no
    ending would be rescanned from each of its characters.
    """
    suffixes = _place_suffix_re().pattern
    return re.compile(f"(?<!{_NAME_CHARS}){_NAME_CHARS}*?{suffixes}{_NAME_CHARS}*")


@lru_cache(maxsize=1 << 16)
def _run_places(run: str) -> tuple[str, ...]:
    """Places in one run of name characters, in order (repeats and all).

    Cached: suggestions repeat the same phrases ("红岛路", "丽发新城小区门口"): at 150k
    texts one run in nine is new. With the cache ``extract_places`` takes about 12 µs a
    text instead of 25 µs (64k entries: about 17 MB).
    """
    found: list[str] = []
    previous_end = 0
    for match in _place_ending_re().finditer(run):
        start, end = match.span()
        # The name starts after the previous place, at most _NAME_WINDOW characters back,
        # and after the last verb and function word: "我家住在丽发新城" -> "丽发新城".
        name = run[max(previous_end, start - _NAME_WINDOW) : start]
        if verb := _leading_verb_re().match(name):
            name = name[verb.end() :]
        if stop := _LAST_STOP_RE.match(name):
            name = name[stop.end() :]
        if len(name) < 2 and not (name.isascii() and name.isalnum()):
            continue
        previous_end = end
        place = name + match.group()
        if place not in _GENERIC_PLACES and not place.endswith(_GENERIC_ROADS):
            found.append(place)
    return tuple(found)


@cache
def _group_re() -> re.Pattern[str]:
    return alternation(data_lines("person_groups.txt"))


def extract_places(text: str, *, limit: int = 2_000) -> list[str]:
    """Place names in ``text`` by their endings (路, 小区, 街道, 村, 县…), in order, unique.

    Only the first ``limit`` characters are read. A name starts after the previous place
    and after the last function word or verb before the ending ("我家住在丽发新城" ->
    "丽发新城"). Names written as masked codes ("A3区", "K9县") count; a lone generic word
    ("马路", "小区") does not, nor a one-character ending that is part of a longer word
    ("市民", "区域"). A name never spans punctuation or a line break: "增加车次\n社区…"
    names no "车次社区".
    """
    found: list[str] = []
    for run in _named_run_re().findall(text[:limit]):
        for place in _run_places(run):
            if place not in found:
                found.append(place)
    return found


def extract_groups(text: str, *, limit: int = 2_000) -> list[str]:
    """Groups of people ``text`` speaks for (居民, 业主, 老人, 学生…), in order, unique."""
    return list(dict.fromkeys(_group_re().findall(text[:limit])))


# -- clustering -----------------------------------------------------------------------


@cache
def _phrasing_grams() -> frozenset[str]:
    """2- and 3-grams inside words every letter uses ("建议", "希望", "问题"), whatever
    it is about: stopwords, proposed-action verbs and the words that lead to a place."""
    verbs = [line.split("\t")[0] for line in data_lines("action_verbs.txt")]
    words = [w for w in stopwords() if len(w) >= 2] + verbs + list(_LEADING_WORDS)
    return frozenset(w[i : i + n] for w in words for n in (2, 3) for i in range(len(w) - n + 1))


def _vectors(texts: Sequence[str]) -> tuple[sp.csr_matrix, npt.NDArray[np.uint64]]:
    """TF-IDF rows of the texts and the n-gram key of each column (for labels).

    N-grams of the phrasing every suggestion shares get no weight: two letters are
    about the same issue because of what and where, not because both say "建议" and
    "希望". In a large corpus IDF would discount those words anyway; in a small one it
    cannot. (Done on the vocabulary, not the texts: a regex over 150k texts cost 15 s.)
    """
    block = TfidfBlock.fit(
        evenly(texts, _SAMPLE),
        min_df=2,
        max_features=_MAX_FEATURES,
        orders=(2, 3),
        sublinear_tf=True,
    )
    phrasing = _phrasing_grams()
    keys = block.vocabulary.keys
    shared = np.array([key_text(int(k)) in phrasing for k in keys.tolist()], dtype=np.bool_)
    block = replace(block, idf=np.where(shared, 0.0, block.idf).astype(np.float32))
    matrix = block.transform(texts)
    matrix.eliminate_zeros()
    return matrix, keys


def _one_thread() -> contextlib.AbstractContextManager[object]:
    """BLAS and OpenMP (SVD, k-means) limited to one thread.

    With more threads k-means adds up in another order, so the cells, hence the issues,
    depended on the machine's number of cores. And in the pipeline the side process has
    the other core: a second thread only spun waiting for it, up to half of this stage's
    CPU time on a busy machine.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _cells(matrix: sp.csr_matrix, seed: int) -> npt.NDArray[np.int64]:
    """Coarse partition of the texts into cells of about ``_CELL_SIZE``."""
    n = matrix.shape[0]
    if n <= _MAX_CELL:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD

    rng = np.random.default_rng(seed)
    sample = rng.choice(n, size=min(n, _SVD_SAMPLE), replace=False)
    svd = TruncatedSVD(_SVD_DIMENSIONS, n_iter=2, random_state=seed).fit(matrix[sample])
    projected = np.asarray(svd.transform(matrix), dtype=np.float32)
    norms = np.linalg.norm(projected, axis=1, keepdims=True)
    projected /= np.maximum(norms, 1e-9)
    cells = max(2, n // _CELL_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty-cluster and convergence notices
        kmeans = MiniBatchKMeans(
            cells, batch_size=4096, n_init=1, max_iter=20, random_state=seed
        ).fit(projected[sample])
    return np.asarray(kmeans.predict(projected), dtype=np.int64)


def _agglomerate(
    matrix: sp.csr_matrix, threshold: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Average-linkage clusters of the rows whose mean similarity is at least ``threshold``,
    and each row's closeness to the centre of its cluster.

    The closeness is the row's dot product with its cluster's mean row, that is (the dot
    product being linear) its mean similarity to the cluster's rows, itself included:
    read off the similarity matrix at hand instead of slicing rows per issue later.
    """
    n = matrix.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64), np.array([float(matrix.multiply(matrix).sum())])
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    similarity = np.asarray((matrix @ matrix.T).toarray(), dtype=np.float64)
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = np.asarray(fcluster(tree, t=1.0 - threshold, criterion="distance"), dtype=np.int64)
    _, cluster = np.unique(labels, return_inverse=True)
    member_of = sp.csr_matrix((np.ones(n), (np.arange(n), cluster)))  # rows x clusters
    similarity_sums = np.asarray(similarity @ member_of)  # each row's sum over each cluster
    counts = np.bincount(cluster)
    return labels, similarity_sums[np.arange(n), cluster] / counts[cluster]


def _split_large(
    matrix: sp.csr_matrix, members: npt.NDArray[np.int64], seed: int
) -> list[npt.NDArray[np.int64]]:
    """Cut a too-large cell with k-means on its own vectors until every part is small."""
    if members.size <= _MAX_CELL:
        return [members]
    from sklearn.cluster import MiniBatchKMeans

    parts = math.ceil(members.size / _CELL_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = MiniBatchKMeans(parts, n_init=1, random_state=seed).fit_predict(matrix[members])
    if np.unique(labels).size == 1:  # identical texts: nothing to cut on
        return [members[i : i + _MAX_CELL] for i in range(0, members.size, _MAX_CELL)]
    out: list[npt.NDArray[np.int64]] = []
    for label in np.unique(labels):
        out.extend(_split_large(matrix, members[labels == label], seed + 1))
    return out


# -- issues ---------------------------------------------------------------------------


_LABEL_GRAMS: Final = 6  # n-grams of the centre looked for in the representative's text
_LABEL_BATCH: Final = 1_024  # issues whose centres are computed at once (bounds memory)


def _centre_grams(
    matrix: sp.csr_matrix, members: Sequence[npt.NDArray[np.int64]], top: int = _LABEL_GRAMS
) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]:
    """For each issue (the rows of its members), the ``top`` heaviest columns of its mean
    row, heaviest first, ties to the lower column (the more common n-gram), and their
    weights.

    The means of a batch of issues are one sparse product (issues x rows indicator, each
    member weighing 1/size, times the matrix), and only a mean's non-zero entries are
    ranked, partially: not a dense mean and a sort of the whole vocabulary per issue.
    """
    for first in range(0, len(members), _LABEL_BATCH):
        batch = members[first : first + _LABEL_BATCH]
        rows = np.concatenate(batch)
        owner = np.repeat(np.arange(len(batch)), [m.size for m in batch])
        weight = np.concatenate([np.full(m.size, 1.0 / m.size, dtype=matrix.dtype) for m in batch])
        indicator = sp.csr_matrix((weight, (owner, rows)), shape=(len(batch), matrix.shape[0]))
        centres = sp.csr_matrix(indicator @ matrix)
        centres.eliminate_zeros()
        for k in range(len(batch)):
            lo, hi = centres.indptr[k], centres.indptr[k + 1]
            columns = centres.indices[lo:hi].astype(np.int64)
            weights = centres.data[lo:hi]
            if weights.size > top:
                # Everything at least as heavy as the top-th weight, ties included.
                cut = np.partition(weights, weights.size - top)[weights.size - top]
                heavy = weights >= cut
                columns, weights = columns[heavy], weights[heavy]
            order = np.lexsort((columns, -weights))[:top]
            yield columns[order], weights[order]


_LATIN_RUN_RE: Final = re.compile("[a-z]{3,}")  # a URL or an address, not a word of the issue
_WORD_WINDOW: Final = 8  # characters segmented on each side of a gram to find its words


def _whole_words(text: str, lo: int, hi: int, segmenter: Segmenter) -> tuple[int, int]:
    """``text[lo:hi]`` widened to the words it touches (the text segmented near it) and
    to a place name it touches (红岛路 is not in jieba's dictionary: "红" + "岛路")."""
    start = max(0, lo - _WORD_WINDOW)
    window = text[start : hi + _WORD_WINDOW]
    bounds = [start]
    for token in segmenter.tokens(window):
        bounds.append(bounds[-1] + len(token))
    lo, hi = max(b for b in bounds if b <= lo), min(b for b in bounds if b >= hi)
    for place in extract_places(window):
        at = window.find(place) + start
        if at < hi and lo < at + len(place):
            lo, hi = min(lo, at), max(hi, at + len(place))
    return lo, hi


def _label(
    text: str,
    columns: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float32],
    keys: npt.NDArray[np.uint64],
    segmenter: Segmenter,
) -> str:
    """The centre's heaviest n-grams (``_centre_grams``), widened to the whole words of
    ``text`` they touch (a gram "岛路搅" names 红岛路 and 搅拌站) and joined where they
    overlap; one to three such phrases. Latin runs (URL pieces) are left out."""
    spans: list[tuple[int, int, float]] = []
    for column, weight in zip(columns.tolist(), weights.tolist(), strict=True):
        gram = key_text(int(keys[column]))
        at = text.find(gram)
        if at >= 0 and not _LATIN_RUN_RE.search(gram):
            lo, hi = _whole_words(text, at, at + len(gram), segmenter)
            if not _LATIN_RUN_RE.search(text[lo:hi]):
                spans.append((lo, hi, weight))
    spans.sort()
    merged: list[tuple[float, str]] = []
    start, stop, total = -1, -1, 0.0
    for lo, hi, w in spans:
        if lo <= stop:
            stop, total = max(stop, hi), total + w
            continue
        if start >= 0:
            merged.append((total, text[start:stop]))
        start, stop, total = lo, hi, w
    if start >= 0:
        merged.append((total, text[start:stop]))
    merged.sort(key=lambda pair: -pair[0])
    if merged:
        return " ".join(span for _, span in merged[:3])
    lo, hi = _whole_words(text, 0, min(len(text), 8), segmenter)
    return text[lo:hi]


def _positions_by_value(values: npt.NDArray[np.int64]) -> dict[int, npt.NDArray[np.int64]]:
    """Each value of ``values`` (-1 excepted) and the positions holding it, ascending."""
    held = np.flatnonzero(values >= 0)
    order = held[np.argsort(values[held], kind="stable")]
    cuts = np.flatnonzero(np.diff(values[order])) + 1
    return {int(values[part[0]]): part for part in np.split(order, cuts) if part.size}


def _heat(size: int, likes: int, times: list[float], units: int, now: float | None) -> float:
    """Ranking score: size and +1s (logarithmic), spread over units, burst, recency.

    Burst: the most members within any 7 days, so fifty letters in one week outrank
    fifty over a year. Recency halves the score for every 30 days the issue has been
    quiet before the newest suggestion of the whole batch.
    """
    score = math.log1p(size) * 2.0 + math.log1p(max(likes, 0)) + math.log1p(units) * 0.5
    if times:
        ordered = np.sort(np.array(times))
        window = np.searchsorted(ordered, ordered + 7 * _DAY, side="right") - np.arange(
            ordered.size
        )
        score += math.log1p(int(window.max())) * 0.5
        if now is not None:
            quiet_days = max(0.0, (now - float(ordered[-1])) / _DAY)
            score *= 0.5 + 0.5 * 0.5 ** (quiet_days / 30.0)
    return round(score * 10.0, 3)


def cluster_hot_issues(
    items: Sequence[HotIssueInput],
    *,
    threshold: float = 0.1,
    min_size: int = 3,
    detail_limit: int = 20,
    segmenter: Segmenter | None = None,
    seed: int = 0,
) -> list[HotIssue]:
    """Group related suggestions into issues, hottest first (see the module docstring).

    ``threshold`` is the average cosine similarity (character 2-3-gram TF-IDF) that the
    members of an issue keep; ``min_size`` counts suggestions, duplicates included.
    """
    if not items:
        return []
    # One text per duplicate group: a hundred copies must not outweigh the wording of
    # everything else, but they all count towards size and +1s.
    group_of: dict[Hashable, int] = {}
    unique_of_item = np.empty(len(items), dtype=np.int64)
    unique_texts: list[str] = []
    unique_folded: list[str | None] = []
    for i, item in enumerate(items):
        key = ("group", item.duplicate_group) if item.duplicate_group is not None else ("id", i)
        if key not in group_of:
            group_of[key] = len(unique_texts)
            unique_texts.append(item.text if isinstance(item.text, str) else "")
            unique_folded.append(item.normalised if isinstance(item.normalised, str) else None)
        unique_of_item[i] = group_of[key]
    # The first _MAX_CHARS characters, normalised. A shorter text is all there: the
    # caller's normalised text serves as it is (most texts; saves a second pass).
    missing = [
        u
        for u, text in enumerate(unique_folded)
        if text is None or len(unique_texts[u]) > _MAX_CHARS
    ]
    cut = normalise_many([unique_texts[u][:_MAX_CHARS] for u in missing])
    for u, text in zip(missing, cut, strict=True):
        unique_folded[u] = text
    folded = cast(list[str], unique_folded)
    matrix, keys = _vectors(folded)
    has_words = np.diff(matrix.indptr) > 0

    cluster_of = np.full(len(unique_texts), -1, dtype=np.int64)
    closeness = np.zeros(len(unique_texts), dtype=np.float64)
    next_cluster = 0
    with _one_thread():
        cells = _cells(matrix, seed)
        for cell in np.unique(cells):
            members = np.flatnonzero((cells == cell) & has_words)
            for part in _split_large(matrix, members, seed) if members.size else []:
                labels, part_closeness = _agglomerate(matrix[part], threshold)
                cluster_of[part] = labels + next_cluster
                closeness[part] = part_closeness
                next_cluster += int(labels.max()) + 1

    # Issues: clusters of at least min_size suggestions and two different texts (copies of
    # one text are a duplicate group, not an issue), in the order of their first member.
    items_of_cluster = _positions_by_value(cluster_of[unique_of_item])
    uniques_of_cluster = _positions_by_value(cluster_of)
    kept = [
        cluster
        for cluster, member_items in sorted(items_of_cluster.items(), key=lambda c: c[1][0])
        if member_items.size >= min_size and uniques_of_cluster[cluster].size >= 2
    ]
    stamps = [it.time.timestamp() if it.time is not None else None for it in items]
    known = [s for s in stamps if s is not None]
    now = max(known) if known else None
    unique_list = unique_of_item.tolist()
    likes_of_unique = [0] * len(unique_texts)
    for item, u in zip(items, unique_list, strict=True):
        likes_of_unique[u] += max(item.likes, 0)
    # The representative: closest to the centre (to 6 decimals), then most +1s.
    rank_of_unique = [
        (round(c, 6), likes) for c, likes in zip(closeness.tolist(), likes_of_unique, strict=True)
    ]
    centres = _centre_grams(matrix, [uniques_of_cluster[c] for c in kept])

    segmenter = segmenter or default_segmenter()
    issues: list[HotIssue] = []
    for cluster, (gram_columns, gram_weights) in zip(kept, centres, strict=True):
        member_items = items_of_cluster[cluster].tolist()
        uniques = uniques_of_cluster[cluster].tolist()
        texts = [unique_texts[u] for u in uniques[:30]]
        # Thirty members, their first lines, are enough to name the issue's places;
        # 紅島路 and 红岛路 are one place (folded to Simplified, half-width).
        named = [p for t in texts for p in extract_places(t, limit=300)]
        places = Counter(fold_letters_many(named))
        if _held_by_places(gram_columns, gram_weights, keys, places):
            continue
        representative = max(uniques, key=rank_of_unique.__getitem__)
        rep_item = next(i for i in member_items if unique_list[i] == representative)
        groups = Counter(g for t in texts for g in extract_groups(t, limit=300))
        units = sorted({u for i in member_items if (u := items[i].unit)})
        times = [s for i in member_items if (s := stamps[i]) is not None]
        member_times = [t for i in member_items if (t := items[i].time) is not None]
        likes = sum(likes_of_unique[u] for u in uniques)
        issues.append(
            HotIssue(
                label=_label(folded[representative], gram_columns, gram_weights, keys, segmenter),
                representative_id=items[rep_item].id,
                member_ids=[items[i].id for i in member_items],
                size=len(member_items),
                likes=likes,
                heat=_heat(len(member_items), likes, times, len(units), now),
                places=[p for p, _ in places.most_common(5)],
                groups=[g for g, _ in groups.most_common(5)],
                units=units,
                first_time=min(member_times) if member_times else None,
                last_time=max(member_times) if member_times else None,
            )
        )
    issues.sort(key=lambda issue: (-issue.heat, -issue.size, str(issue.representative_id)))
    _add_details(issues[:detail_limit], items, segmenter)
    return issues


_ROUTE_RE: Final = re.compile("[0-9]路")
# Share of the centre's weight in the names of places above which the members share a
# street and nothing else: five requests about 红岛路 are not one issue.
_PLACE_ONLY_SHARE: Final = 0.7


def _held_by_places(
    columns: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float32],
    keys: npt.NDArray[np.uint64],
    places: Counter[str],
) -> bool:
    # "36路" is a bus route the members share, not a street
    names = [p.lower() for p in places if not _ROUTE_RE.search(p)]
    total = float(weights.sum())
    if not names or total <= 0:
        return False
    in_names = sum(
        w
        for c, w in zip(columns.tolist(), weights.tolist(), strict=True)
        if any(key_text(int(keys[c])) in name for name in names)
    )
    return in_names >= _PLACE_ONLY_SHARE * total


def _add_details(
    issues: list[HotIssue], items: Sequence[HotIssueInput], segmenter: Segmenter
) -> None:
    """Keywords (jieba) and a two-sentence summary for the hottest issues."""
    if not issues:
        return
    text_of = {item.id: item.text for item in items}
    extractor = KeywordExtractor(segmenter=segmenter)
    for issue in issues:
        # Twelve members say what the issue is about; more only costs segmentation time.
        texts = [text_of[i][:300] for i in issue.member_ids[:12] if i in text_of]
        issue.keywords = extractor.issue_keywords(texts, 8)
        issue.summary = summarise(texts, 2)
