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

import math
import re
import warnings
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Final

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
from zhongzhi.triage.normalise import normalise_many
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
    """One suggestion: its id, text, when it came, its +1s, unit and duplicate group."""

    id: Hashable
    text: str
    time: datetime | None = None
    likes: int = 0
    unit: str | None = None
    duplicate_group: Hashable | None = None


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
_TAIL_NAME_RE: Final = re.compile(_NAME_CHARS + r"+$")
# A place name ends at the last of these: "我家住在丽发新城" -> "丽发新城".
_NAME_STOPS: Final = frozenset(
    "的在了是和与及到从把对给于至往向我你他她们这那个住家就也都还又很被让将要会有没不"
    "为旁边附近里内外前后上下条座所该各每本此其"
    "府加快修要能请让使做搞办看说想问"
)
_GENERIC_PLACES: Final = frozenset({"马路", "道路", "公路", "街道", "社区", "小区", "城市"})
_GENERIC_ROADS: Final = ("马路", "道路", "公路", "小路", "大路")
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
def _group_re() -> re.Pattern[str]:
    return alternation(data_lines("person_groups.txt"))


def extract_places(text: str, *, limit: int = 2_000) -> list[str]:
    """Place names in ``text`` by their endings (路, 小区, 街道, 村, 县…), in order, unique.

    Only the first ``limit`` characters are read. A name starts after the previous place
    and after the last function word or verb before the ending ("我家住在丽发新城" ->
    "丽发新城"). Names written as masked codes ("A3区", "K9县") count; a lone generic word
    ("马路", "小区") does not, nor a one-character ending that is part of a longer word
    ("市民", "区域").
    """
    head = text[:limit]
    found: list[str] = []
    previous_end = 0
    for match in _place_suffix_re().finditer(head):
        suffix = match.group()
        after = head[match.end() : match.end() + 1]
        if len(suffix) == 1 and after and after in _NOT_AN_ENDING.get(suffix, ""):
            continue
        window = head[max(previous_end, match.start() - 6) : match.start()]
        run = _TAIL_NAME_RE.search(window)
        if run is None:
            continue
        name = _leading_verb_re().sub("", run.group())
        cut = max((i for i, ch in enumerate(name) if ch in _NAME_STOPS), default=-1)
        name = name[cut + 1 :]
        if len(name) < 2 and not (name.isascii() and name.isalnum()):
            continue
        place = name + suffix
        previous_end = match.end()
        if place in _GENERIC_PLACES or place.endswith(_GENERIC_ROADS) or place in found:
            continue
        found.append(place)
    return found


def extract_groups(text: str, *, limit: int = 2_000) -> list[str]:
    """Groups of people ``text`` speaks for (居民, 业主, 老人, 学生…), in order, unique."""
    found: list[str] = []
    for match in _group_re().finditer(text[:limit]):
        if match.group() not in found:
            found.append(match.group())
    return found


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


def _agglomerate(matrix: sp.csr_matrix, threshold: float) -> npt.NDArray[np.int64]:
    """Average-linkage clusters of the rows whose mean similarity is at least ``threshold``."""
    n = matrix.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    similarity = np.asarray((matrix @ matrix.T).toarray(), dtype=np.float64)
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return np.asarray(fcluster(tree, t=1.0 - threshold, criterion="distance"), dtype=np.int64)


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


def _label(
    text: str, centroid: npt.NDArray[np.float64], keys: npt.NDArray[np.uint64], top: int = 6
) -> str:
    """The centre's heaviest n-grams, joined where they overlap in ``text``."""
    best = np.argsort(-centroid)[:top]
    spans: list[tuple[int, int, float]] = []
    for column in best.tolist():
        if centroid[column] <= 0:
            break
        gram = key_text(int(keys[column]))
        at = text.find(gram)
        if at >= 0:
            spans.append((at, at + len(gram), float(centroid[column])))
    spans.sort()
    merged: list[tuple[float, str]] = []
    start, stop, weight = -1, -1, 0.0
    for lo, hi, w in spans:
        if lo <= stop:
            stop, weight = max(stop, hi), weight + w
            continue
        if start >= 0:
            merged.append((weight, text[start:stop]))
        start, stop, weight = lo, hi, w
    if start >= 0:
        merged.append((weight, text[start:stop]))
    merged.sort(key=lambda pair: -pair[0])
    return " ".join(span for _, span in merged[:3]) or text[:12]


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
    for i, item in enumerate(items):
        key = ("group", item.duplicate_group) if item.duplicate_group is not None else ("id", i)
        if key not in group_of:
            group_of[key] = len(unique_texts)
            unique_texts.append(item.text if isinstance(item.text, str) else "")
        unique_of_item[i] = group_of[key]
    folded = normalise_many([t[:_MAX_CHARS] for t in unique_texts])
    matrix, keys = _vectors(folded)
    has_words = np.diff(matrix.indptr) > 0

    cluster_of = np.full(len(unique_texts), -1, dtype=np.int64)
    next_cluster = 0
    cells = _cells(matrix, seed)
    for cell in np.unique(cells):
        members = np.flatnonzero((cells == cell) & has_words)
        for part in _split_large(matrix, members, seed) if members.size else []:
            labels = _agglomerate(matrix[part], threshold)
            cluster_of[part] = labels + next_cluster
            next_cluster += int(labels.max()) + 1

    items_of_cluster: dict[int, list[int]] = {}
    for i in range(len(items)):
        cluster = int(cluster_of[unique_of_item[i]])
        if cluster >= 0:
            items_of_cluster.setdefault(cluster, []).append(i)
    stamps = [it.time.timestamp() if it.time is not None else None for it in items]
    known = [s for s in stamps if s is not None]
    now = max(known) if known else None

    issues: list[HotIssue] = []
    for member_items in items_of_cluster.values():
        if len(member_items) < min_size:
            continue
        uniques = np.unique(unique_of_item[member_items])
        if uniques.size < 2:
            continue  # only copies of one text: a duplicate group, not an issue
        vectors = matrix[uniques]
        centroid = np.asarray(vectors.mean(axis=0)).ravel()
        closeness = np.asarray(vectors @ centroid).ravel()
        likes_of = Counter({u: 0 for u in uniques.tolist()})
        for i in member_items:
            likes_of[int(unique_of_item[i])] += max(items[i].likes, 0)
        # The representative: closest to the centre, then most +1s.
        best = max(
            range(uniques.size), key=lambda j: (round(float(closeness[j]), 6), likes_of[uniques[j]])
        )
        representative = int(uniques[best])
        rep_item = next(i for i in member_items if unique_of_item[i] == representative)
        texts = [unique_texts[u] for u in uniques.tolist()]
        # Thirty members, their first lines, are enough to name the issue's places.
        places = Counter(p for t in texts[:30] for p in extract_places(t, limit=300))
        groups = Counter(g for t in texts[:30] for g in extract_groups(t, limit=300))
        units = sorted({u for i in member_items if (u := items[i].unit)})
        times = [s for i in member_items if (s := stamps[i]) is not None]
        member_times = [t for i in member_items if (t := items[i].time) is not None]
        likes = sum(max(items[i].likes, 0) for i in member_items)
        issues.append(
            HotIssue(
                label=_label(folded[representative], centroid, keys),
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
    _add_details(issues[:detail_limit], items, segmenter or default_segmenter())
    return issues


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
