"""Golden-idea pre-screen: how concrete and actionable a suggestion reads, 0-100.

Staff screening thousands of suggestions start from the most promising ones. The score
is a sum of plain criteria, each shown to staff as a short reason in Chinese, so a
score can always be explained and argued with:

=====================  ======  ==================================================
criterion              points  how it is found
=====================  ======  ==================================================
names a place            20    place endings (路, 小区, 街道, 村…) or campaign places
proposes an action       25    verbs of ``data/action_verbs.txt`` (增设, 修缮…), weighted
gives a number           10    digits or Chinese numerals with a measure (3处, 200米)
names who should act     10    unit endings (局, 委, 办事处, 物业…) or campaign units
says what is wrong       10    problem words (隐患, 不便, 损坏, 噪音…)
says who benefits        10    groups of people (居民, 老人, 学生…)
reasonable length        15    30-600 characters full, 12-30 or 600-2,000 half
=====================  ======  ==================================================

A duplicate keeps half its score (the original is where staff should look). A text
with no words at all scores 0. Deterministic: the same text always gets the same score
and reasons; about 45 µs a text (each criterion is one pass of a regular expression).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from zhongzhi.triage.hot_issues import alternation, extract_groups, extract_places
from zhongzhi.triage.keywords import data_lines

__all__ = ["IdeaScore", "score_suggestion", "score_suggestions"]

_MAX_CHARS: Final = 5_000  # what is read of a very long text
_NUMERAL: Final = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万半几]+)"
_MEASURE: Final = (
    r"(?:个|处|条|座|栋|幢|间|所|辆|台|盏|棵|米|公里|千米|平方米|平米|亩|元|万元|人|名|户|"
    r"次|天|日|周|月|年|小时|分钟|路|号线|号|层|吨|%|％)"
)
_NUMBER_RE: Final = re.compile(r"(?=[\d一二两三四五六七八九十百千万半几])" + _NUMERAL + _MEASURE)
_PROBLEM_RE: Final = alternation(
    [
        "隐患",
        "不便",
        "困难",
        "损坏",
        "破损",
        "坏了",
        "漏水",
        "积水",
        "堵塞",
        "拥堵",
        "扰民",
        "噪音",
        "污染",
        "脏乱",
        "坑洼",
        "缺少",
        "没有",
        "不足",
        "不够",
        "危险",
        "事故",
        "投诉",
        "难以",
        "无法",
        "影响",
    ]
)
_TAIL_NAME_RE: Final = re.compile(r"[\u3400-\u9fffA-Za-z0-9]{2,8}$")
# Words before a unit's name that are not part of it: "请交通运输局" -> "交通运输局".
_BODY_LEAD_RE: Final = re.compile(r"^.*?(?:请|由|让|叫|望|把|将|向|对|给|和|与|在|及|找|督促|要求)")
# Letters and digits: in a ``str`` pattern ``\w`` is exactly what ``str.isalnum`` accepts,
# plus "_" (both use Py_UNICODE_ISALNUM), so runs of ``[^\W_]`` count them in C.
_ALNUM_RUN_RE: Final = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class IdeaScore:
    """A 0-100 score and the reasons behind it, in Chinese, strongest first."""

    score: int
    reasons: list[str]
    places: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


@cache
def _actions() -> tuple[re.Pattern[str], dict[str, float]]:
    weights: dict[str, float] = {}
    for line in data_lines("action_verbs.txt"):
        word, _, weight = line.partition("\t")
        weights[word.strip()] = float(weight or 1.0)
    return alternation(list(weights)), weights


@cache
def _body_ending_re() -> re.Pattern[str]:
    return alternation(data_lines("responsible_bodies.txt"))


def _bodies(text: str) -> list[str]:
    """Names of bodies: two to eight name characters before an ending ("交通运输局")."""
    found: list[str] = []
    previous_end = 0
    for match in _body_ending_re().finditer(text):
        run = _TAIL_NAME_RE.search(text[max(previous_end, match.start() - 8) : match.start()])
        if run is None:
            continue
        name = _BODY_LEAD_RE.sub("", run.group())
        if len(name) >= 2:
            found.append(name + match.group())
            previous_end = match.end()
    return found


def _unique(items: list[str], limit: int = 3) -> list[str]:
    return list(dict.fromkeys(items))[:limit]


class _NameFinder:
    """Which of a list of names occur in a text, in the list's order: what
    ``[n for n in names if n in text]`` gives, in one regex pass instead of one search
    per name (a campaign has about a hundred unit names)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.rank = {name: i for i, name in enumerate(dict.fromkeys(n for n in names if n))}
        # At each position the look-ahead reports the longest name starting there; a
        # shorter one starting at the same place is a prefix of it, found through it.
        self.prefixes = {
            name: [name[:k] for k in range(1, len(name)) if name[:k] in self.rank]
            for name in self.rank
        }
        self.pattern = (
            re.compile(f"(?=({alternation(list(self.rank)).pattern}))") if self.rank else None
        )

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        found: set[str] = set()
        for name in set(self.pattern.findall(text)):
            found.add(name)
            found.update(self.prefixes[name])
        return sorted(found, key=self.rank.__getitem__)


@dataclass(frozen=True, slots=True)
class _Assessment:
    """What a text earns before the duplicate rule: points, reasons, places, actions."""

    total: int
    reasons: tuple[str, ...]
    places: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    empty: bool = False  # no words at all: 0, whether a duplicate or not

    def score(self, is_duplicate: bool) -> IdeaScore:
        total, reasons = self.total, list(self.reasons)
        if is_duplicate and not self.empty:
            total //= 2
            reasons.insert(0, "与已有建议重复，分数减半")
        return IdeaScore(min(100, total), reasons, list(self.places), list(self.actions))


def _assess(text: str, places: _NameFinder, units: _NameFinder) -> _Assessment:
    meaningful = len("".join(_ALNUM_RUN_RE.findall(text)))
    if meaningful == 0:
        return _Assessment(0, ("没有实际内容",), empty=True)
    good: list[tuple[int, str]] = []
    missing: list[str] = []

    named = _unique(places.find(text) + extract_places(text))
    if named:
        good.append((20, "提到具体地点：" + "、".join(named)))
    else:
        missing.append("未提到具体地点")

    pattern, weights = _actions()
    verbs = _unique(pattern.findall(text))
    if verbs:
        points = round(25 * max(weights[v] for v in verbs))
        good.append((points, "提出了具体做法：" + "、".join(verbs)))
    else:
        missing.append("未提出具体做法")

    numbers = _unique(_NUMBER_RE.findall(text), 2)
    if numbers:
        good.append((10, "给出了数字：" + "、".join(numbers)))

    bodies = _unique(units.find(text), 2) or _unique(_bodies(text), 2)
    if bodies:
        good.append((10, "指明了责任单位：" + "、".join(bodies)))

    problems = _unique(_PROBLEM_RE.findall(text), 2)
    if problems:
        good.append((10, "说明了问题：" + "、".join(problems)))

    groups = extract_groups(text)[:2]
    if groups:
        good.append((10, "说明了受益人群：" + "、".join(groups)))

    if 30 <= meaningful <= 600:
        good.append((15, "篇幅适中"))
    elif 12 <= meaningful < 30 or 600 < meaningful <= 2_000:
        good.append((8, "篇幅偏短" if meaningful < 30 else "篇幅偏长"))
    else:
        missing.append("内容过短" if meaningful < 12 else "内容过长")

    total = sum(points for points, _ in good)
    reasons = [reason for _, reason in sorted(good, key=lambda pair: -pair[0])]
    return _Assessment(total, tuple(reasons + missing), tuple(named), tuple(verbs))


def _clip(text: object) -> str:
    return text[:_MAX_CHARS] if isinstance(text, str) else ""


def score_suggestion(
    text: str,
    *,
    is_duplicate: bool = False,
    known_places: Sequence[str] = (),
    known_units: Sequence[str] = (),
) -> IdeaScore:
    """Score one suggestion; ``known_*`` are the campaign's own place and unit names."""
    assessment = _assess(_clip(text), _NameFinder(known_places), _NameFinder(known_units))
    return assessment.score(is_duplicate)


def score_suggestions(
    texts: Sequence[str],
    *,
    duplicates: Sequence[bool] | None = None,
    known_places: Sequence[str] = (),
    known_units: Sequence[str] = (),
) -> list[IdeaScore]:
    """Score many suggestions; ``duplicates[i]`` marks the i-th as a duplicate."""
    flags = list(duplicates) if duplicates is not None else [False] * len(texts)
    places, units = _NameFinder(known_places), _NameFinder(known_units)
    # Copies of one text (a campaign's form letter) are assessed once.
    seen: dict[str, _Assessment] = {}
    scores: list[IdeaScore] = []
    for text, duplicate in zip(texts, flags, strict=True):
        clipped = _clip(text)
        assessment = seen.get(clipped)
        if assessment is None:
            assessment = seen[clipped] = _assess(clipped, places, units)
        scores.append(assessment.score(duplicate))
    return scores
