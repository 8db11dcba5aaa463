"""Generator of realistic resubmissions, with ground truth, for evaluation and load data.

People send the same suggestion again: copied as is, retyped with a few characters
lost or changed, cut short, typed on a Traditional-script phone or with a full-width
keyboard, with "尊敬的领导" and "盼复" added, with a sentence left out or moved, under a
new title. ``generate`` takes base texts (each its own suggestion) and returns them
with resubmissions mixed in after their original, every text labelled with the index
of the base text it comes from.

The default rates are a guess informed by the real corpus (some messages are sent two
to five times, a few popular ones many more); every rate is a parameter.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

__all__ = [
    "DEFAULT_KIND_WEIGHTS",
    "Kind",
    "LabelledText",
    "ResubmissionRates",
    "generate",
    "resubmit",
]


class Kind(StrEnum):
    EXACT = "exact"
    RETYPED = "retyped"  # a few characters lost, changed or doubled
    TRUNCATED = "truncated"  # cut off after 40-90% of its length
    TRADITIONAL = "traditional"  # OpenCC s2t
    FULL_WIDTH = "full_width"  # letters, digits and ASCII punctuation full-width
    GREETING = "greeting"  # greeting and/or plea added
    SENTENCE_DROPPED = "sentence_dropped"
    REORDERED = "reordered"  # two sentences swapped
    NEW_TITLE = "new_title"  # the title line replaced (or a title added)


# How often each kind is the main change of a resubmission.
DEFAULT_KIND_WEIGHTS: Final[Mapping[Kind, float]] = {
    Kind.EXACT: 0.20,
    Kind.RETYPED: 0.15,
    Kind.TRUNCATED: 0.10,
    Kind.TRADITIONAL: 0.08,
    Kind.FULL_WIDTH: 0.07,
    Kind.GREETING: 0.12,
    Kind.SENTENCE_DROPPED: 0.10,
    Kind.REORDERED: 0.08,
    Kind.NEW_TITLE: 0.10,
}


@dataclass(frozen=True, slots=True)
class ResubmissionRates:
    """How much resubmission a corpus has."""

    resubmitted: float = 0.25  # share of base texts sent again at least once
    mean_extra_copies: float = 1.6  # copies of a resubmitted text beyond the first
    popular: float = 0.01  # share of resubmitted texts that are sent many times
    popular_copies: tuple[int, int] = (10, 40)
    second_kind: float = 0.3  # chance that a resubmission combines two kinds
    kind_weights: Mapping[Kind, float] = field(default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS))


@dataclass(frozen=True, slots=True)
class LabelledText:
    text: str
    group: int  # index of the base text this text comes from
    kinds: tuple[Kind, ...] = ()  # () for the base text itself


GREETINGS: Final = (
    "尊敬的领导：",
    "尊敬的领导：您好！",
    "领导您好，",
    "您好！",
    "尊敬的书记：您好！",
    "尊敬的市长：",
    "各位领导好！",
    "尊敬的政府领导：您好，",
    "书记您好：",
)
PLEAS: Final = (
    "盼复！",
    "请尽快解决，谢谢！",
    "望领导重视。",
    "谢谢！",
    "恳请领导重视，谢谢！",
    "希望能得到回复。",
    "请相关部门尽快处理。",
    "万分感谢！",
    "麻烦了，谢谢领导！",
    "此致敬礼！",
)
TITLE_OPENERS: Final = ("关于", "反映", "投诉", "建议", "咨询", "再次反映", "请求解决")
TITLE_CLOSERS: Final = ("的问题", "的情况", "问题", "的建议", "，望解决", "")
_SENTENCE_RE: Final = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_COMMON_CHARS: Final = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主"

_lock = threading.Lock()
_s2t: Any = None


def _to_traditional(text: str) -> str:
    global _s2t
    if _s2t is None:
        with _lock:
            if _s2t is None:
                import opencc

                _s2t = opencc.OpenCC("s2t")
    result: str = _s2t.convert(text)
    return result


def _to_full_width(text: str) -> str:
    return "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch)
        for ch in text
    )


def _split_title(text: str) -> tuple[str, str]:
    head, sep, body = text.partition("\n")
    return (head, body) if sep and body else ("", text)


def _sentences(body: str) -> list[str]:
    return _SENTENCE_RE.findall(body) or [body]


def _retype(text: str, rng: random.Random) -> str:
    chars = list(text)
    edits = max(1, min(8, round(len(chars) * rng.uniform(0.005, 0.02))))
    for _ in range(edits):
        if len(chars) < 2:
            break
        at = rng.randrange(len(chars))
        action = rng.random()
        if action < 0.4:
            del chars[at]  # a character lost
        elif action < 0.8:
            chars[at] = rng.choice(_COMMON_CHARS)  # a wrong character
        else:
            chars.insert(at, chars[at])  # a character typed twice
    return "".join(chars)


def _truncate(text: str, rng: random.Random) -> str:
    keep = max(1, round(len(text) * rng.uniform(0.4, 0.9)))
    return text[:keep]


def _drop_sentence(text: str, rng: random.Random) -> str:
    title, body = _split_title(text)
    sentences = _sentences(body)
    if len(sentences) < 3:
        return _truncate(text, rng)
    del sentences[rng.randrange(1, len(sentences))]  # keep the opening sentence
    return (title + "\n" if title else "") + "".join(sentences)


def _reorder(text: str, rng: random.Random) -> str:
    title, body = _split_title(text)
    sentences = _sentences(body)
    if len(sentences) < 2:
        return text
    a, b = rng.sample(range(len(sentences)), 2)
    sentences[a], sentences[b] = sentences[b], sentences[a]
    return (title + "\n" if title else "") + "".join(sentences)


def _new_title(text: str, rng: random.Random) -> str:
    title, body = _split_title(text)
    words = re.findall(r"[\u4e00-\u9fff]{2,6}", body[:60]) or ["此事"]
    new = rng.choice(TITLE_OPENERS) + rng.choice(words) + rng.choice(TITLE_CLOSERS)
    if new == title:
        new = "再次" + new
    return new + "\n" + body


def _add_greeting(text: str, rng: random.Random) -> str:
    title, body = _split_title(text)
    roll = rng.random()
    if roll < 0.4:
        body = rng.choice(GREETINGS) + body
    elif roll < 0.7:
        body = body + rng.choice(PLEAS)
    else:
        body = rng.choice(GREETINGS) + body + rng.choice(PLEAS)
    return (title + "\n" if title else "") + body


def resubmit(text: str, kinds: Sequence[Kind], rng: random.Random) -> str:
    """``text`` sent again with each of ``kinds`` applied in order."""
    for kind in kinds:
        match kind:
            case Kind.EXACT:
                pass
            case Kind.RETYPED:
                text = _retype(text, rng)
            case Kind.TRUNCATED:
                text = _truncate(text, rng)
            case Kind.TRADITIONAL:
                text = _to_traditional(text)
            case Kind.FULL_WIDTH:
                text = _to_full_width(text)
            case Kind.GREETING:
                text = _add_greeting(text, rng)
            case Kind.SENTENCE_DROPPED:
                text = _drop_sentence(text, rng)
            case Kind.REORDERED:
                text = _reorder(text, rng)
            case Kind.NEW_TITLE:
                text = _new_title(text, rng)
    return text


# Applied last in a combination: structural changes first, then script and width.
_SURFACE: Final = (Kind.TRADITIONAL, Kind.FULL_WIDTH)


def _choose_kinds(rng: random.Random, rates: ResubmissionRates) -> tuple[Kind, ...]:
    kinds = list(rates.kind_weights)
    weights = [rates.kind_weights[k] for k in kinds]
    first = rng.choices(kinds, weights)[0]
    if first is Kind.EXACT or rng.random() >= rates.second_kind:
        return (first,)
    second = rng.choices([k for k in kinds if k not in (first, Kind.EXACT)])[0]
    return tuple(sorted((first, second), key=lambda k: k in _SURFACE))


def _copies(rng: random.Random, rates: ResubmissionRates) -> int:
    if rng.random() < rates.popular:
        return rng.randint(*rates.popular_copies)
    # geometric with the given mean, at least one extra copy
    p = 1.0 / rates.mean_extra_copies
    copies = 1
    while rng.random() > p and copies < 9:
        copies += 1
    return copies


def generate(
    base_texts: Sequence[str],
    rng: random.Random,
    rates: ResubmissionRates | None = None,
) -> list[LabelledText]:
    """Base texts in their order with resubmissions of some of them inserted later on
    (each after its original); ``LabelledText.group`` is the base text's index."""
    rates = rates or ResubmissionRates()
    extras: list[list[LabelledText]] = [[] for _ in range(len(base_texts) + 1)]
    for index, text in enumerate(base_texts):
        if rng.random() >= rates.resubmitted:
            continue
        for _ in range(_copies(rng, rates)):
            kinds = _choose_kinds(rng, rates)
            copy = LabelledText(resubmit(text, kinds, rng), index, kinds)
            # sent again some time later: after the original, anywhere up to the end
            extras[rng.randint(index + 1, len(base_texts))].append(copy)
    result: list[LabelledText] = []
    for index in range(len(base_texts) + 1):
        result.extend(extras[index])
        if index < len(base_texts):
            result.append(LabelledText(base_texts[index], index))
    return result
