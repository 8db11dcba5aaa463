"""Specific places a suggestion is about, for telling "the same suggestion" from "the
same request about another place".

Two texts that say the same thing about 山海关路4号 and about 兴安路18号 (or 3号楼 and
5号楼, 五组 and 六组, 红岛路社区 and 金口路社区) are two local problems, however alike
their words; a resubmission keeps its place, or drops part of it (truncated), or adds
one (a new title). So the decision is: texts *conflict* when, for some kind of place,
each names one the other does not. Numbers must be equal; names may differ by one
character (a retyped copy loses or changes a character now and then).

Kinds (each token is ``kind:name#number``):

* ``h`` a house number on a road: the road's last two name characters and ending, and
  the number (``h:海关路#4`` for 山海关路4号; two characters are enough to tell roads
  apart, and fewer characters are fewer chances for a typo);
* ``b`` a building, unit and room: ``b:#3-2-501`` for 3号楼2单元501室;
* ``g`` a village or community group: ``g:#5`` for 五组;
* ``n`` one of the campaign's own unit names, short names and place names (辖区地名),
  passed in. Names found by their ending alone (``hot_issues.extract_places``) are not
  used: their edges move with a new title or a retyped character ("咨询A4区" /
  "求解决区"), and counting them cut resubmission recall from 0.993 to 0.960
  (``bench/dedup_eval.py``).

Texts are folded first (Traditional -> Simplified, full-width -> half-width) and
Chinese numerals read as numbers, so 紅島路３號 and 红岛路三号 are the same place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Final

from zhongzhi.triage.normalise import fold_letters, fold_letters_many

__all__ = ["PlaceFinder", "conflict", "fold", "fold_many", "same_place"]

_DIGITS: Final = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
# One character class (not an alternation), so that the regex engine skips ahead to a
# digit instead of trying every position of the text: three times faster.
_NUM: Final = "[0-9零〇一二两三四五六七八九十百]{1,5}"
# From the road's ending on; the one or two name characters before it are read after.
_HOUSE_RE: Final = re.compile(f"(大街|大道|胡同|社区|路|街|巷|弄|里|村)({_NUM})[号弄]")
_ROAD_NAME_RE: Final = re.compile("[\u4e00-\u9fff]{1,2}$")
_BUILDING_RE: Final = re.compile(
    f"({_NUM})(?:号楼|号院|栋|幢|座|号单元楼|单元)(?:({_NUM})单元)?(?:({_NUM})(?:室|号|户))?"
)
_GROUP_RE: Final = re.compile(
    f"(?:村|屯|社区|居委会|村委会)第?({_NUM})(?:村民)?(?:组|队|社)|第({_NUM})村民小?组"
)


def _number(text: str) -> str:
    """A number as digits ("十五" -> "15", "二〇三" -> "203", "05" -> "5")."""
    if text.isascii():
        return str(int(text))
    if not text.isalpha():  # digits and numerals mixed ("3十"): as written
        return text
    if "十" not in text and "百" not in text:
        return "".join(str(_DIGITS[c]) for c in text)
    value = 0
    current = 0
    for c in text:
        if c == "百":
            value += (current or 1) * 100
            current = 0
        elif c == "十":
            value += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[c]
    return str(value + current)


class PlaceFinder:
    """Finds the specific places of texts; ``names`` are the campaign's own unit names,
    short names and place names (辖区地名), which count as named places wherever they
    occur, whatever their ending."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        folded = sorted(
            {n for n in fold_letters_many([n.strip() for n in names]) if len(n) >= 2},
            key=len,
            reverse=True,
        )
        folded = [n.lower() for n in folded]
        self.names: tuple[str, ...] = tuple(folded)
        self._names_re = re.compile("|".join(map(re.escape, folded))) if folded else None

    def find(self, text: str) -> tuple[str, ...]:
        """The place tokens of ``text``, sorted, each once."""
        return self.find_folded(fold(text))

    def find_folded(self, folded: str) -> tuple[str, ...]:
        """``find`` of a text already passed through ``fold`` / ``fold_many``."""
        return _tokens(folded.lower(), self._names_re)


_READ: Final = 4000  # characters read of a text: places are named early


def fold(text: str) -> str:
    return fold_letters(text[:_READ])


def fold_many(texts: Sequence[str]) -> list[str]:
    """Texts folded as ``find`` folds them (all at once: one numpy pass)."""
    return fold_letters_many([t[:_READ] for t in texts])


def _tokens(text: str, names_re: re.Pattern[str] | None) -> tuple[str, ...]:
    found: set[str] = set()
    for m in _HOUSE_RE.finditer(text):
        if name := _ROAD_NAME_RE.search(text, max(0, m.start() - 2), m.start()):
            found.add(f"h:{name.group()}{m.group(1)}#{_number(m.group(2))}")
    for m in _BUILDING_RE.finditer(text):
        value = "b#" + "-".join(_number(p) for p in m.groups() if p)
        found.add("b:" + value[1:])
        if _context_ok(context := text[max(0, m.start() - 2) : m.start()]):
            found.add(f"c:{context}{_CONTEXT_END}{value}")
    for m in _GROUP_RE.finditer(text):
        value = "g#" + _number(m.group(1) or m.group(2))
        found.add("g:" + value[1:])
        if _context_ok(context := text[max(0, m.start() - 2) : m.start()]):
            found.add(f"c:{context}{_CONTEXT_END}{value}")
    if names_re is not None:
        found.update("n:" + m.group() for m in names_re.finditer(text))
    return tuple(sorted(found))


# Ends the two characters before a building or group number in a ``c`` token.
_CONTEXT_END: Final = "\x1e"


def _context_ok(context: str) -> bool:
    return len(context) == 2 and not context.isspace() and "\x1f" not in context


@lru_cache(maxsize=1 << 14)
def _close(a: str, b: str) -> bool:
    """Same kind and number, names equal or one character apart (one changed, lost or
    added)."""
    if a == b:
        return True
    name_a, _, number_a = a.partition("#")
    name_b, _, number_b = b.partition("#")
    if number_a != number_b or name_a[:2] != name_b[:2]:
        return False
    x, y = name_a[2:], name_b[2:]
    if len(x) < 2 or len(y) < 2 or abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y, strict=True)) <= 1
    short, long = (x, y) if len(x) < len(y) else (y, x)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _parts(token: str) -> list[str]:
    return token.partition("#")[2].split("-")


def _building_matched(p: str, others: Sequence[str]) -> bool:
    """3号楼2单元 is in a text that names 3号楼 (a truncated copy loses the unit), unless
    that text names another unit of 3号楼 as well."""
    parts = _parts(p)
    compatible = False
    for q in others:
        other = _parts(q)
        shorter = min(len(parts), len(other))
        if parts[:shorter] == other[:shorter]:
            compatible = True
        elif parts[0] == other[0]:
            return False
    return compatible


def _unmatched_kinds(a: Sequence[str], b: Sequence[str]) -> set[str]:
    buildings = [q for q in b if q[0] == "b"]
    return {
        p[0]
        for p in a
        if p[0] != "c"
        and not (
            _building_matched(p, buildings)
            if p[0] == "b"
            else any(_close(p, q) for q in b if q[0] == p[0])
        )
    }


def _by_context(tokens: Sequence[str]) -> dict[str, list[str]]:
    """Place values by what stands before them: the road of a house number
    (``h:海关路``), the two characters before a building or group number."""
    found: dict[str, list[str]] = {}
    for t in tokens:
        if t[0] == "c":
            context, _, value = t.partition(_CONTEXT_END)
            found.setdefault(context, []).append(value)
        elif t[0] == "h":
            road, _, number = t.partition("#")
            found.setdefault(road, []).append(number)
    return found


def _values_compatible(x: str, y: str) -> bool:
    if x == y:
        return True
    if x[0] != "b" or y[0] != "b":
        return False
    a, b = _parts(x), _parts(y)
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


def _context_conflict(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether, at the same spot of the two texts (the same road, the same two
    characters before a number), they name places of which none agree: 目前1栋和2栋 /
    目前2栋和2栋, 新村新6栋 / 新村新14栋. A copy made by changing one number everywhere
    can keep every place the other names (it names 2栋 too, or 六栋 besides 6栋), so
    comparing the sets of places alone misses it; a resubmission keeps its numbers
    where they stood."""
    ours = _by_context(a)
    if not ours:
        return False
    theirs = _by_context(b)
    for context, values in ours.items():
        other = theirs.get(context)
        if other and not any(_values_compatible(x, y) for x in values for y in other):
            return True
    return False


def conflict(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two texts name different places: for some kind, each names one the other
    does not (a text that only drops or adds places does not conflict), or at the same
    spot (``_context_conflict``) they name different ones."""
    if not a or not b:
        return False
    return bool(_unmatched_kinds(a, b) & _unmatched_kinds(b, a)) or _context_conflict(a, b)


def same_place(a: Sequence[str], b: Sequence[str]) -> bool | None:
    """True when both texts name places and agree on them, False when they conflict,
    None when one names none (nothing to say)."""
    if not a or not b:
        return None
    return not conflict(a, b)
