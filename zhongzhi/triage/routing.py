"""Which unit a suggestion is about: routing proposals from the places and unit names
its text mentions.

A unit lists its names (full name, short name, the name without 社区/街道/村…, and the
streets, estates and landmarks of its area); ``UnitMatcher`` finds them in a text and
proposes the unit with the most named, preferring a community over the street that
contains it (naming the street only says "somewhere in its area"). Names and texts are
compared folded (``normalise``): 紅島路 in a Traditional text finds 红岛路.

All names are searched by one regular expression built as a trie (names sharing a
prefix share a branch), so the cost per text hardly grows with the number of names; a
plain alternation of a thousand names would try each at every character.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zhongzhi.triage.normalise import normalise, normalise_many

__all__ = ["Proposal", "UnitMatcher", "UnitNames", "name_stem"]

# Suffixes of unit names that texts usually leave out: "红岛路社区" is "红岛路".
_UNIT_SUFFIXES = (
    "社区居民委员会",
    "居民委员会",
    "村民委员会",
    "街道办事处",
    "社区居委会",
    "居委会",
    "村委会",
    "办事处",
    "社区",
    "街道",
    "村",
    "镇",
    "乡",
)
# Shorter names match inside other words too often (a one-character 村 or 路).
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class UnitNames:
    unit_id: int
    # The unit's materialised path ("/1/5/12/"): which candidates contain which.
    path: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    unit_id: int
    # The unit's share of all the name characters found, 0 < confidence <= 1.
    confidence: float
    # The names found in the text, as the unit lists them, most characters first.
    matched: tuple[str, ...]


def name_stem(name: str) -> str:
    """The name without its unit suffix, when what is left is still a name."""
    for suffix in _UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_NAME_LENGTH:
            return name[: -len(suffix)]
    return name


def _trie_pattern(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            # Greedy: the longer name wins, the shorter one ends here otherwise.
            return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
        return body

    return pattern(trie)


class UnitMatcher:
    def __init__(self, units: Sequence[UnitNames]) -> None:
        self._paths = {unit.unit_id: unit.path for unit in units}
        # folded name -> [(unit id, name as listed)]; a road two units share is both's.
        owners: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for unit in units:
            written = {name.strip() for name in unit.names if name.strip()}
            written |= {name_stem(name) for name in written}
            for name in sorted(written):
                folded = normalise(name)
                if len(folded) >= MIN_NAME_LENGTH and (unit.unit_id, name) not in owners[folded]:
                    owners[folded].append((unit.unit_id, name))
        self._owners = dict(owners)
        self._pattern = re.compile(_trie_pattern(self._owners)) if self._owners else None

    def propose(self, text: str) -> Proposal | None:
        return self._propose_folded(normalise(text))

    def propose_many(self, texts: Sequence[str]) -> list[Proposal | None]:
        return [self._propose_folded(folded) for folded in normalise_many(texts)]

    def _propose_folded(self, folded: str) -> Proposal | None:
        if self._pattern is None:
            return None
        weights: dict[int, float] = defaultdict(float)
        matched: dict[int, dict[str, None]] = defaultdict(dict)
        for found in self._pattern.finditer(folded):
            owners = self._owners[found.group()]
            for unit_id, name in owners:
                weights[unit_id] += len(found.group()) / len(owners)
                matched[unit_id][name] = None
        if not weights:
            return None
        total = sum(weights.values())
        # A unit that contains another candidate gives way to it.
        candidates = [
            unit
            for unit in weights
            if not any(
                other != unit and self._paths[other].startswith(self._paths[unit])
                for other in weights
            )
        ]
        best = max(candidates, key=lambda unit: (weights[unit], self._paths[unit].count("/")))
        for unit in weights:
            if unit != best and self._paths[best].startswith(self._paths[unit]):
                weights[best] += weights[unit]  # the street's name supports its community
        names = sorted(matched[best], key=lambda name: (-len(name), name))
        return Proposal(best, min(1.0, weights[best] / total), tuple(names))
