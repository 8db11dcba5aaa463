"""Word segmentation, keywords and extractive summaries of suggestions and issues.

Segmentation is jieba with a campaign's own user dictionary (its place and unit names,
so "金口路社区" stays one word). jieba keeps its dictionary in a module-level default
tokenizer; adding a campaign's words there would leak them into every other campaign in
the same process, so each :class:`Segmenter` owns a ``jieba.Tokenizer`` built from a copy
of one shared, lazily loaded base dictionary (loading it costs about a second; copying
it for a campaign a few tens of milliseconds).

jieba is slow (about 0.26 M characters a second), so nothing here runs over a whole
150k corpus: keywords are computed per suggestion on demand and per issue on a sample of
its members. The topic classifier and the hot-issue clustering use numpy character
n-grams instead (``topics.features``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np

from zhongzhi.triage.normalise import normalise, normalise_many

__all__ = [
    "KeywordExtractor",
    "Segmenter",
    "data_lines",
    "default_segmenter",
    "issue_keywords",
    "keywords",
    "split_sentences",
    "stopwords",
    "summarise",
]

# Longest text segmented in full; beyond it only the head is read. A 100,000-character
# paste would otherwise hold a worker for half a second per call for no better keywords.
MAX_SEGMENT_CHARS: Final = 5_000
_WORD_RE: Final = re.compile(r"[\w#]", re.UNICODE)
_SENTENCE_END_RE: Final = re.compile(r"(?<=[。！？!?；;…\n])|(?<=[.](?!\d))")
# A word jieba's HMM glued to a particle ("建了", "好的") is not a keyword.
_PARTICLE_ENDINGS: Final = frozenset("了的着过吗呢吧啊")
_CJK_RE: Final = re.compile(r"[\u3400-\u9fff]")

_base_lock = threading.Lock()
_base_tokenizer: Any = None
_base_tags: dict[str, str] | None = None


@cache
def data_lines(name: str) -> tuple[str, ...]:
    """Lines of a shipped data file in ``triage/data``, without comments and blanks."""
    text = resources.files("zhongzhi.triage").joinpath("data", name).read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def stopwords() -> frozenset[str]:
    return frozenset(data_lines("stopwords.txt"))


def _import_jieba(*, posseg: bool = False) -> Any:
    # jieba 0.42 logs "Building prefix dict..." on every load and its source holds
    # invalid escape sequences that warn when compiled: neither means anything to us.
    # jieba.posseg is imported only when asked for: its HMM tables are a large Python
    # module that takes seconds to compile where bytecode is not cached.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

        if posseg:
            import jieba.posseg

    jieba.setLogLevel(logging.ERROR)
    logging.getLogger("jieba").setLevel(logging.ERROR)
    return jieba


def _base_tokenizer_loaded() -> Any:
    """The shared jieba dictionary (word -> frequency), loaded once."""
    global _base_tokenizer
    with _base_lock:
        if _base_tokenizer is None:
            jieba = _import_jieba()
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _base_tokenizer = tokenizer
        return _base_tokenizer


def _base_pos_tags() -> dict[str, str]:
    """jieba's part-of-speech table (word -> tag), loaded once, only for ``cut_pos``."""
    global _base_tags
    tokenizer = _base_tokenizer_loaded()
    with _base_lock:
        if _base_tags is None:
            jieba = _import_jieba(posseg=True)
            _base_tags = jieba.posseg.POSTokenizer(tokenizer).word_tag_tab
        return _base_tags


class Segmenter:
    """jieba segmentation with one campaign's user dictionary.

    ``user_words`` maps a word to its part of speech (``ns`` place, ``nt`` unit,
    ``n`` anything else); a plain sequence of words is taken as places. Loading is lazy:
    nothing touches jieba until the first ``cut``.
    """

    def __init__(self, user_words: Mapping[str, str] | Iterable[str] = ()) -> None:
        if isinstance(user_words, Mapping):
            words = {str(w).strip(): str(t) for w, t in user_words.items()}
        else:
            words = {str(w).strip(): "ns" for w in user_words}
        # jieba's dictionary format cannot hold spaces; such names would never match.
        self.user_words: dict[str, str] = {w: t for w, t in words.items() if w and " " not in w}
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._pos: Any = None

    def _ensure(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                jieba = _import_jieba()
                base = _base_tokenizer_loaded()
                tokenizer = jieba.Tokenizer(base.dictionary)
                tokenizer.FREQ = dict(base.FREQ)
                tokenizer.total = base.total
                tokenizer.initialized = True
                for word, tag in self.user_words.items():
                    # A high frequency so that the campaign's names win over the
                    # general dictionary's split ("金口路" + "社区").
                    tokenizer.add_word(word, freq=max(1000, tokenizer.suggest_freq(word)), tag=tag)
                self._tokenizer = tokenizer
            return self._tokenizer

    def _ensure_pos(self) -> Any:
        tokenizer = self._ensure()
        tags = _base_pos_tags()
        with self._lock:
            if self._pos is None:
                jieba = _import_jieba(posseg=True)
                pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
                pos.tokenizer = tokenizer
                pos.word_tag_tab = {**tags, **self.user_words}
                self._pos = pos
            return self._pos

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (normalised first), punctuation and spaces dropped."""
        clean = normalise(text[: MAX_SEGMENT_CHARS * 2])[:MAX_SEGMENT_CHARS]
        if not clean:
            return []
        # No HMM: the words it guesses beyond the dictionary are mostly mis-cuts that
        # staff cannot read as keywords ("和文", "一歇", "树长").
        return [w for w in self._ensure().lcut(clean, HMM=False) if _WORD_RE.search(w)]

    def tokens(self, normalised: str) -> list[str]:
        """Every token of an already normalised text, punctuation included, so that
        their lengths add up to the text's (for cutting it at word boundaries)."""
        return list(self._ensure().lcut(normalised, HMM=False)) if normalised else []

    def cut_pos(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) pairs; slower than ``cut``, used for place names."""
        clean = normalise(text[: MAX_SEGMENT_CHARS * 2])[:MAX_SEGMENT_CHARS]
        if not clean:
            return []
        return [(p.word, p.flag) for p in self._ensure_pos().lcut(clean) if _WORD_RE.search(p.word)]

    def content_words(self, text: str) -> list[str]:
        """Words that can be keywords: no stopwords, numbers or lone characters."""
        stop = stopwords()
        return [w for w in self.cut(text) if _is_content_word(w, stop, self.user_words)]


def _is_content_word(word: str, stop: frozenset[str], user_words: Mapping[str, str]) -> bool:
    if word in user_words:
        return True
    if word in stop or len(word) < 2 or len(word) > 12:
        return False
    if "#" in word or word.isdigit() or word[-1] in _PARTICLE_ENDINGS:
        return False
    # Latin-only tokens ("a3", "k9") are masked place codes in the TIPDM data; a
    # keyword needs at least one Chinese character to mean something to staff.
    return bool(_CJK_RE.search(word))


_default_lock = threading.Lock()
_default: Segmenter | None = None


def default_segmenter() -> Segmenter:
    """A segmenter with no campaign words, shared by callers that have none."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Segmenter()
        return _default


@cache
def _jieba_idf() -> tuple[dict[str, float], float]:
    """jieba's shipped IDF table (a general Chinese corpus) and its median."""
    # Read by path: importing jieba.analyse would import jieba.posseg (seconds, see above).
    jieba = _import_jieba()
    text = (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_text("utf-8")
    idf: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) == 2:
            try:
                idf[parts[0]] = float(parts[1])
            except ValueError:
                continue
    median = float(np.median(list(idf.values()))) if idf else 10.0
    return idf, median


@dataclass(slots=True)
class KeywordExtractor:
    """TF-IDF keywords against a background: a campaign sample if fitted, else jieba's IDF.

    Fitting on the campaign's own texts makes words every suggestion shares (the
    campaign's city, "建议") weigh little; without it, jieba's general-corpus IDF stands in.
    """

    segmenter: Segmenter = field(default_factory=default_segmenter)
    idf: dict[str, float] = field(default_factory=dict)
    default_idf: float = 0.0

    @classmethod
    def fit(
        cls, texts: Sequence[str], segmenter: Segmenter | None = None, *, sample: int = 3000
    ) -> KeywordExtractor:
        """IDF over at most ``sample`` texts (evenly spaced, so deterministic)."""
        segmenter = segmenter or default_segmenter()
        if len(texts) > sample:
            step = len(texts) / sample
            texts = [texts[int(i * step)] for i in range(sample)]
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(segmenter.content_words(text)))
        n = max(len(texts), 1)
        idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
        return cls(segmenter=segmenter, idf=idf, default_idf=math.log(1 + n) + 1)

    def _weight(self, word: str) -> float:
        if self.idf:
            return self.idf.get(word, self.default_idf)
        general, median = _jieba_idf()
        return general.get(word, median)

    def _rank(self, counts: Counter[str], k: int) -> list[str]:
        scored = [
            (math.log1p(c) * self._weight(w) * (1.2 if w in self.segmenter.user_words else 1), w)
            for w, c in counts.items()
        ]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return _drop_contained([w for _, w in scored], k)

    def keywords(self, text: str, k: int = 8) -> list[str]:
        """Up to ``k`` keywords of one suggestion, most telling first."""
        return self._rank(Counter(self.segmenter.content_words(text)), k)

    def issue_keywords(self, texts: Sequence[str], k: int = 8, *, sample: int = 200) -> list[str]:
        """Keywords of an issue: words many of its members use, weighted by rarity.

        Counted once per member (document frequency inside the issue), so one long
        letter repeating a word cannot make it the issue's label.
        """
        members = _evenly(texts, sample)
        counts: Counter[str] = Counter()
        for text in members:
            counts.update(set(self.segmenter.content_words(text)))
        if len(members) >= 3:
            # A word only one member uses does not describe the issue.
            shared = Counter({w: c for w, c in counts.items() if c >= 2})
            counts = shared or counts
        return self._rank(counts, k)


def _evenly(texts: Sequence[str], limit: int) -> list[str]:
    if len(texts) <= limit:
        return list(texts)
    step = len(texts) / limit
    return [texts[int(i * step)] for i in range(limit)]


def _drop_contained(ranked: list[str], k: int) -> list[str]:
    """Keep the first ``k`` words that are not part of a word already kept (or v.v.)."""
    kept: list[str] = []
    for word in ranked:
        if any(word in other or other in word for other in kept):
            continue
        kept.append(word)
        if len(kept) == k:
            break
    return kept


def keywords(text: str, k: int = 8, *, segmenter: Segmenter | None = None) -> list[str]:
    """Up to ``k`` keywords of one suggestion against jieba's general IDF."""
    return KeywordExtractor(segmenter=segmenter or default_segmenter()).keywords(text, k)


def issue_keywords(
    texts: Sequence[str], k: int = 8, *, segmenter: Segmenter | None = None
) -> list[str]:
    """Keywords shared by the members of an issue."""
    return KeywordExtractor(segmenter=segmenter or default_segmenter()).issue_keywords(texts, k)


def split_sentences(text: str, *, min_chars: int = 6, max_chars: int = 150) -> list[str]:
    """Sentences of ``text`` as written, split after Chinese and Western sentence ends.

    Fragments shorter than ``min_chars`` meaningful characters (a lone "谢谢！") are
    dropped; a run-on sentence longer than ``max_chars`` is cut there with "…".
    """
    out: list[str] = []
    for raw in _SENTENCE_END_RE.split(text[: MAX_SEGMENT_CHARS * 4]):
        sentence = raw.strip()
        if len(_WORD_RE.findall(sentence)) < min_chars:
            continue
        if len(sentence) > max_chars:
            sentence = sentence[: max_chars - 1] + "…"
        out.append(sentence)
    return out


def summarise(
    texts: Sequence[str], n_sentences: int = 3, *, sample: int = 200, max_sentences: int = 2000
) -> list[str]:
    """Extractive summary of an issue: its ``n_sentences`` most central sentences.

    Sentences come from the members as written. Centrality is the cosine between a
    sentence's character-bigram TF-IDF vector and the centroid of all sentences, scaled
    by how many members hold the sentence's words (so one verbose member cannot fill the
    summary). A sentence whose normalised form repeats, or nearly repeats, one already
    chosen is skipped. The result is in order of centrality.
    """
    from zhongzhi.triage.topics.features import TfidfBlock

    sentences: list[str] = []
    for text in _evenly(texts, sample):
        sentences.extend(split_sentences(text))
        if len(sentences) >= max_sentences:
            break
    if not sentences or n_sentences <= 0:
        return []
    folded = normalise_many(sentences)
    unique: dict[str, int] = {}
    for i, key in enumerate(folded):
        if key and key not in unique:
            unique[key] = i
    order = list(unique.values())
    if len(order) <= 1:
        return [sentences[i] for i in order][:n_sentences]
    keys = [folded[i] for i in order]
    block = TfidfBlock.fit(keys, orders=(2,))
    matrix = block.transform(keys)
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = float(np.linalg.norm(centroid)) or 1.0
    score = np.asarray(matrix @ (centroid / norm)).ravel()
    # A sentence of a few characters can be central by accident; prefer informative ones.
    lengths = np.array([len(k) for k in keys], dtype=np.float64)
    score = score * np.minimum(1.0, lengths / 20.0)
    chosen: list[int] = []
    for j in np.argsort(-score, kind="stable").tolist():
        row = matrix[j]
        if any(float(row.multiply(matrix[c]).sum()) > 0.7 for c in chosen):
            continue
        chosen.append(j)
        if len(chosen) == n_sentences:
            break
    return [sentences[order[j]] for j in chosen]
