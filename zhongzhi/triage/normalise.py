"""Fold suggestion texts into the form used for matching (duplicates, topics, keywords).

The stored text is never changed: ``normalise`` returns a new string that is only ever
compared, hashed or segmented. Two texts a person would call "the same words" (one in
Traditional script or full-width, with a greeting and a plea added, with pinyin glosses,
with the phone number masked differently) normalise to the same string.

What happens, in an order chosen so that the whole is idempotent:

1. One table lookup per character (a numpy array over all code points): NFKC where it
   maps one character to one (full-width to half-width, compatibility ideographs,
   circled digits), Traditional -> Simplified per character (table built once from
   OpenCC ``t2s``), punctuation unified to a few ASCII marks, ASCII lower-cased,
   controls, format characters, combining marks, emoji and private-use characters
   dropped, a line break made a sentence end ``.`` (a title line is a sentence), every
   other kind of whitespace a plain space.
2. Masked or long numbers: a run of digits, ``*`` and ``#`` that contains ``**``, ``#``
   or 11+ digits in a row becomes one ``#`` (``138****5678``, ``13812345678``, ``***``).
3. Spaces kept (one) only between two Latin letters/digits; repeated punctuation
   collapsed.
4. Pinyin glosses after a character removed (``网(wǎng)`` -> ``网``).
5. Greetings at the head or right after the title and pleas/thanks at the end
   ("尊敬的领导:", "您好!", "盼复", "望领导重视") removed; edge punctuation stripped.

Some Traditional forms that OpenCC's s2t writes for a simplified character are
themselves simplified characters (答复 -> 答覆, 了解 -> 瞭解); such pairs are merged,
so the folded text is for matching, never for display (锻炼 folds to 锻链).

Why a table and not ``unicodedata.normalize`` + ``str.translate`` on each text: on a
151,681-text corpus those two cost about 10 s and 12 s; the numpy table lookup over all
texts at once costs under a second. Per-character t2s (instead of OpenCC's phrase-level
conversion) also maps every Traditional variant of a character to one Simplified form
whatever the context, which is what matching needs: phrase-level conversion keeps 著名
but turns a lone 著 into 着, so the same words typed in either script could differ.
Texts holding one of the rare characters whose NFKC is several characters (``㈠``,
``㎡``) or a combining mark go through ``unicodedata.normalize`` first.

Use ``normalise_many`` for batches: it runs each step over all texts at once.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "PLACEHOLDER_NUMBER",
    "fold_letters",
    "fold_letters_many",
    "normalise",
    "normalise_many",
    "strip_boilerplate",
]

# What a masked run or a long number becomes: one character, so "138****5678",
# "13812345678" and "***" compare equal whatever the masking style.
PLACEHOLDER_NUMBER: Final = "#"

_SEP: Final = 10  # "\n" separates texts in the flat array; the table maps real "\n" to " "
_DROP: Final = 0  # table value meaning "delete this character"; NUL is itself deleted

# Punctuation folded to a small ASCII set. Sentence ends all become "." because
# resubmissions swap "!" / "。" / "?" freely; "." is also the decimal point, so "3.5"
# is unaffected. Applied to the raw character and to its NFKC form.
_PUNCT_GROUPS: Final = {
    ".": ".。｡!?;！？；…‥",
    ",": ",，、､﹐﹑",
    ":": ":：﹕",
    '"': "\"＂“”„‟〝〞〟«»‹›「」『』﹁﹂﹃﹄'＇‘’‚‛`´",
    "(": "(（［【〔〖〘〚｛[{《〈⟨﹙﹛",
    ")": ")）］】〕〗〙〛｝]}》〉⟩﹚﹜",
    "-": "-－‐‑‒–—―−～〜~_＿﹏﹘﹣·•・‧",
    "*": "*＊×✱∗⁎",  # masking characters, so that one rule finds every mask
}
_PUNCT_RUN_CHARS: Final = '.,:"()-'

# Ranges dropped: controls (tab/newline are whitespace), soft hyphen, format characters
# (zero-width space/joiner, bidi marks, BOM), symbols used as decoration (arrows,
# shapes, dingbats, emoji), private use, surrogates, variation selectors, tags.
_DROP_RANGES: Final = (
    (0x00, 0x08),
    (0x0E, 0x1B),
    (0x7F, 0x9F),
    (0xAD, 0xAD),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2190, 0x21FF),
    (0x2300, 0x23FF),
    (0x25A0, 0x27BF),
    (0x2B00, 0x2BFF),
    (0xD800, 0xDFFF),
    (0xE000, 0xF8FF),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFF0, 0xFFFF),
    (0x1F000, 0x1FAFF),
    (0xE0000, 0xE007F),
    (0xE0100, 0xE01EF),
    (0xF0000, 0x10FFFF),
)
_DROP_BEFORE_NFKC_RE: Final = re.compile(
    "[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _DROP_RANGES) + "]"
)
_HANGUL_JAMO: Final = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
_TONED: Final = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_CJK_RANGES: Final = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


_KIND_OTHER: Final = 0
_KIND_SPACE: Final = 1
_KIND_PUNCT: Final = 2  # collapses when repeated
_KIND_NUMBER: Final = 3  # digit, "*" or "#": part of a number/mask run
_KIND_LETTER: Final = 4  # a-z: a space between two letters/numbers is kept
_KIND_TONED: Final = 5  # tone-marked pinyin letter: the text may hold a gloss
_KIND_SEP: Final = 6


@dataclass(frozen=True, slots=True)
class _Tables:
    fold: npt.NDArray[np.uint32]  # code point -> folded code point (0 = drop)
    needs_nfkc: npt.NDArray[np.bool_]  # raw code point the table alone cannot fold
    kind: npt.NDArray[np.uint8]  # folded code point -> one of the _KIND_* values
    # code point -> itself folded if it is a letter or digit, else itself (fold_letters)
    letters: npt.NDArray[np.uint32]


_lock = threading.Lock()
_tables: _Tables | None = None


def _t2s_pairs() -> dict[int, int]:
    """Traditional -> Simplified for every CJK character OpenCC t2s changes on its own."""
    import opencc  # only needed once, to build the table

    converter = opencc.OpenCC("t2s")
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi + 1)]
    # One call on a newline-separated string: per-call overhead would dominate, and
    # newlines keep phrases from forming, so each line converts one character alone.
    converted = converter.convert("\n".join(chars)).split("\n")
    pairs: dict[int, int] = {}
    if len(converted) != len(chars):  # pragma: no cover - OpenCC keeps line breaks
        raise RuntimeError("OpenCC t2s changed the number of lines")
    for src, dst in zip(chars, converted, strict=True):
        if len(dst) == 1 and src != dst:
            pairs[ord(src)] = ord(dst)
    return pairs


# OpenCC's phrase-level s2t writes some simplified characters as a Traditional form that
# is itself a valid simplified character, which t2s then keeps: 答复 -> 答覆, 了解 -> 瞭解,
# 家具 -> 傢俱. Pairs found by running s2t over real messages and over every character;
# each pair's two folded forms are merged into the first one's, so both scripts fold
# alike (for matching only: 锻炼 folds to 锻链).
_VARIANT_PAIRS: Final = (
    "复覆 了瞭 借藉 具俱 象像 背揹 链鍊 坐座 仿彷 熏薰 昵暱 逕迳 鉅钜 儘侭 瀋渖 穭稆 緪縆 "
    "線缐 託讬 諮谘 鍾锺 鏇镟 餘馀 麴麹 麪麺"
)


def _merge_variants(fold: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    parent: dict[int, int] = {}

    def root(code: int) -> int:
        while parent.get(code, code) != code:
            code = parent[code]
        return code

    for pair in _VARIANT_PAIRS.split():
        first, second = (root(int(fold[ord(ch)])) for ch in pair)
        if first != second:
            parent[second] = first
    remap = np.arange(fold.size, dtype=np.uint32)
    for code in parent:
        remap[code] = root(code)
    return remap[fold]


def _build_tables() -> _Tables:
    size = 0x110000
    explicit: dict[int, int] = {}
    for canonical, members in _PUNCT_GROUPS.items():
        for ch in members:
            explicit[ord(ch)] = ord(canonical)
    for code in range(ord("A"), ord("Z") + 1):
        explicit[code] = code + 32
    for code in range(0x3001):
        # str.isspace covers every Unicode space (U+3000 included) but not ZWSP
        if chr(code).isspace():
            explicit[code] = 32
    # A line break ends a sentence (a title line, a list item without a full stop).
    for ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
        explicit[ord(ch)] = ord(".")
    drop = np.zeros(size, dtype=np.bool_)
    for lo, hi in _DROP_RANGES:
        drop[lo : hi + 1] = True

    fold = np.arange(size, dtype=np.uint32)
    needs_nfkc = np.zeros(size, dtype=np.bool_)
    letter = np.zeros(size, dtype=np.bool_)  # Unicode L* or N* (letters and digits)
    for code in range(0x30000):
        if drop[code] or code in explicit:
            continue
        ch = chr(code)
        category = unicodedata.category(ch)
        letter[code] = category[0] in "LN"
        if category in ("Mn", "Me"):
            # Combining marks: dropped after composition (so "a" + U+030C -> "ǎ" first).
            drop[code] = True
            needs_nfkc[code] = True
            continue
        if category == "Mc":
            needs_nfkc[code] = True
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        if len(nfkc) == 1:
            fold[code] = ord(nfkc)
        elif nfkc != ch:
            needs_nfkc[code] = True
    for lo, hi in _HANGUL_JAMO:
        needs_nfkc[lo : hi + 1] = True  # conjoining jamo compose into syllables

    t2s = _t2s_pairs()
    t2s_keys = np.fromiter(t2s.keys(), dtype=np.uint32, count=len(t2s))
    t2s_values = np.fromiter(t2s.values(), dtype=np.uint32, count=len(t2s))
    explicit_keys = np.fromiter(explicit.keys(), dtype=np.uint32, count=len(explicit))
    explicit_values = np.fromiter(explicit.values(), dtype=np.uint32, count=len(explicit))

    # Compose: NFKC -> t2s -> explicit, each as a full table, then close the result
    # under itself so that folding twice equals folding once (A -> B and B -> C).
    step_t2s = np.arange(size, dtype=np.uint32)
    step_t2s[t2s_keys] = t2s_values
    step_explicit = np.arange(size, dtype=np.uint32)
    step_explicit[explicit_keys] = explicit_values
    fold = step_explicit[step_t2s[fold]]
    fold[explicit_keys] = step_explicit[step_t2s[explicit_values]]
    fold[drop] = _DROP
    fold = _merge_variants(fold)
    for _ in range(8):
        closed = fold[fold]
        if np.array_equal(closed, fold):
            break
        fold = closed

    # Only ASCII and the tone-marked letters have a kind other than "other".
    kind = np.full(size, _KIND_OTHER, dtype=np.uint8)
    kind[ord(" ")] = _KIND_SPACE
    kind[[ord(c) for c in _PUNCT_RUN_CHARS]] = _KIND_PUNCT
    kind[ord("0") : ord("9") + 1] = _KIND_NUMBER
    kind[[ord("*"), ord(PLACEHOLDER_NUMBER)]] = _KIND_NUMBER
    kind[ord("a") : ord("z") + 1] = _KIND_LETTER
    kind[[ord(c) for c in _TONED]] = _KIND_TONED
    kind[_SEP] = _KIND_SEP
    letters = _letters_table(fold, letter)
    return _Tables(fold, needs_nfkc, kind, letters)


def _letters_table(
    fold: npt.NDArray[np.uint32], letter: npt.NDArray[np.bool_]
) -> npt.NDArray[np.uint32]:
    """``fold`` restricted to letters and digits, ASCII capitals kept: closed under
    itself as ``fold`` is, so folding twice is folding once."""
    for lo, hi in _CJK_RANGES:
        letter[lo : hi + 1] = True
    letter[ord("A") : ord("Z") + 1] = False
    letter &= fold != _DROP
    letters = np.arange(fold.size, dtype=np.uint32)
    letters[letter] = fold[letter]
    return letters


def _get_tables() -> _Tables:
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = _build_tables()
    return _tables


# --- string-level steps ---------------------------------------------------------------

_CJK_CLASS: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# A gloss is a pinyin syllable with a tone mark in parentheses right after a character.
# Requiring the tone mark keeps ordinary parentheticals such as "(app)" or "(一)".
_GLOSS_RE: Final = re.compile(rf"(?<=[{_CJK_CLASS}])(?:\([a-zü]*[{_TONED}][a-zü]*\))+")

_ADDRESSEE: Final = (
    r"(?:各位|各级|相关|有关)?[a-z0-9\u4e00-\u9fff]{0,8}?"
    r"(?:领导|书记|市长|区长|县长|镇长|乡长|局长|处长|主任|主席|部长|厅长|省长|委员|同志|"
    r"工作人员|政府|部门|网站|网友|管理员|负责人|老师|先生|女士|阿姨|叔叔)+(?:们|同志)?"
)
# Greetings that open a message: "尊敬的领导:", "胡书记:您好!", "您好,", "领导们好".
_GREETING_HEAD_RE: Final = re.compile(
    r"(?:(?:(?:尊敬|敬爱|亲爱)的" + _ADDRESSEE + r"(?:好|你好|您好)?"
    r"|" + _ADDRESSEE + r"(?:[,:.]?(?:您|你)好|好)"
    r"|(?:您|你|大家|你们|领导)好(?:呀|啊)?|打扰了|打扰一下|冒昧打扰)[,:. ]*)+"
)
# Pleas and thanks that close a message; they say nothing about the suggestion itself.
# A plea is built from parts ("望" + "领导" + "尽快" + "解决"); each part is a list of
# alternatives, "" meaning the part may be left out. Only removed at the end of a text
# (a plea word in the middle, "请处理门口的垃圾", is content) -- except the long specific
# forms in _PLEAS_ANYWHERE.
_PLEA_PARTS: Final = (
    (
        "望",
        "请",
        "恳请",
        "希望",
        "盼",
        "盼望",
        "敬请",
        "烦请",
        "麻烦",
        "务必",
        "期待",
        "期盼",
        "还望",
    ),
    ("", "各位", "相关", "有关", "贵"),
    ("", "领导", "部门", "政府", "单位", "领导们"),
    (
        "",
        "能",
        "能够",
        "可以",
        "尽快",
        "早日",
        "及时",
        "认真",
        "高度",
        "给予",
        "予以",
        "帮忙",
        "帮助",
        "尽快给予",
        "能尽快",
        "能早日",
    ),
    (
        "回复",
        "答复",
        "解决",
        "处理",
        "重视",
        "关注",
        "落实",
        "批示",
        "核实",
        "查处",
        "调查处理",
        "解决为盼",
        "给予答复",
        "给予回复",
        "给予解决",
        "协调解决",
        "督促解决",
        "妥善解决",
        "您的回复",
        "你们的回复",
        "领导的回复",
        "得到回复",
        "得到答复",
        "回复为盼",
        "解决问题",
        "解决此事",
        "处理此事",
        "解决这个问题",
        "处理一下",
    ),
)
_THANKS: Final = (
    "谢谢",
    "感谢",
    "多谢",
    "谢谢领导",
    "谢谢各位领导",
    "谢谢您",
    "谢谢你们",
    "感谢领导",
    "非常感谢",
    "十分感谢",
    "万分感谢",
    "衷心感谢",
    "不胜感激",
    "感激不尽",
    "麻烦了",
    "辛苦了",
    "拜托了",
    "此致敬礼",
    "此致",
    "敬礼",
    "为盼",
    "盼复",
    "盼回复",
    "望复",
)
_PLEAS_ANYWHERE: Final = (
    "望领导重视",
    "请领导重视",
    "恳请领导重视",
    "望领导关注",
    "恳请领导关注",
    "请领导高度重视",
    "恳请领导帮忙",
    "恳请领导解决",
    "望领导帮忙解决",
    "请领导帮忙解决",
    "望领导给予解决",
    "望领导尽快解决",
    "请领导尽快解决",
    "恳请尽快解决",
    "望相关部门重视",
    "望有关部门重视",
    "请相关部门重视",
    "请有关部门重视",
)
_TAIL_PUNCT: Final = ",:. !"
_TAIL_WINDOW: Final = 80  # pleas are looked for in the last characters only


def _alternation(phrases: Sequence[str]) -> str:
    # Longest first, so that "谢谢领导" wins over "谢谢".
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def _reversed_plea_pattern() -> str:
    parts = []
    for alternatives in reversed(_PLEA_PARTS):
        optional = "" in alternatives
        group = "(?:" + _alternation([a[::-1] for a in alternatives if a]) + ")"
        parts.append(group + ("?" if optional else ""))
    plea = "".join(parts)
    thanks = _alternation([t[::-1] for t in _THANKS])
    punct = re.escape(_TAIL_PUNCT)
    # Reversed text: trailing punctuation, optional particle, then the plea or thanks.
    return rf"(?:[{punct}]*(?:了|啦|吧|呀|啊)?(?:{thanks}|{plea}))+[{punct}]*"


# Matched on the reversed tail with re.match: a "$"-anchored search would try every
# position of a long message.
_PLEA_TAIL_REVERSED_RE: Final = re.compile(_reversed_plea_pattern())
_PLEA_ANYWHERE_RE: Final = re.compile(_alternation(_PLEAS_ANYWHERE))
_PUNCT_RUN_RE: Final = re.compile(rf"([{re.escape(_PUNCT_RUN_CHARS)}])\1+")
_EDGE_PUNCT: Final = " ,.:"
_TITLE_MAX: Final = 80  # a greeting right after a first sentence this short is removed
_HEAD_WINDOW: Final = 40
_GREETING_OPENERS: Final = ("尊敬", "敬爱", "亲爱", "打扰", "冒昧")


def _greeting_at(text: str, start: int) -> re.Match[str] | None:
    window = text[start : start + _HEAD_WINDOW]
    if "好" in window or window.startswith(_GREETING_OPENERS):
        return _GREETING_HEAD_RE.match(text, start)
    return None


def strip_boilerplate(text: str) -> str:
    """Remove greetings at the head (and right after a short first sentence, the title),
    and pleas/thanks at the tail of an already folded text; repeat until stable."""
    for _ in range(8):  # a few layers at most ("领导:您好!尊敬的书记:")
        before = text
        head = _greeting_at(text, 0)
        if head:
            text = text[head.end() :]
        title_end = text.find(".", 0, _TITLE_MAX)
        if title_end >= 0:
            greeting = _greeting_at(text, title_end + 1)
            if greeting:
                text = text[: title_end + 1] + text[greeting.end() :]
        cut = max(0, len(text) - _TAIL_WINDOW)
        tail = text[cut:]
        if "望" in tail or "请" in tail:
            tail = _PLEA_ANYWHERE_RE.sub("", tail)
        reversed_tail = tail[::-1]
        plea = _PLEA_TAIL_REVERSED_RE.match(reversed_tail)
        if plea:
            tail = reversed_tail[plea.end() :][::-1]
        text = text[:cut] + tail
        if text == before:
            break
        text = _PUNCT_RUN_RE.sub(r"\1", text).strip(_EDGE_PUNCT)
    return text


# --- array-level steps ----------------------------------------------------------------


def _number_runs_to_delete(
    codes: npt.NDArray[np.uint32], positions: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Runs of digits/``*``/``#`` holding ``**``, ``#`` or 11+ digits in a row become one
    ``#``: return (positions to set to ``#``, positions to delete).

    ``positions`` are those of the number characters only (a few per cent of the text).
    """
    empty = np.empty(0, dtype=np.int64)
    if not positions.size:
        return empty, empty
    values = codes[positions]
    # A run is consecutive positions; a digit run is consecutive digits inside one.
    new_run = np.ones(positions.size, dtype=np.bool_)
    new_run[1:] = positions[1:] != positions[:-1] + 1
    is_digit = values <= ord("9")
    star = values == ord("*")
    flag = values == ord(PLACEHOLDER_NUMBER)
    flag[1:] |= star[1:] & star[:-1] & ~new_run[1:]
    breaks = new_run | ~is_digit
    after_non_digit = np.ones(positions.size, dtype=np.bool_)
    after_non_digit[1:] = ~is_digit[:-1]
    digit_starts = np.flatnonzero(is_digit & (breaks | after_non_digit))
    if digit_starts.size:
        # Length of a digit run = distance from its start to the next break.
        break_positions = np.append(np.flatnonzero(breaks), positions.size)
        ends = break_positions[np.searchsorted(break_positions, digit_starts, side="right")]
        flag[digit_starts[(ends - digit_starts) >= 11]] = True
    if not flag.any():
        return empty, empty
    run_id = np.cumsum(new_run)
    flagged_runs = np.zeros(int(run_id[-1]) + 1, dtype=np.bool_)
    flagged_runs[run_id[flag]] = True
    in_flagged = flagged_runs[run_id]
    return positions[in_flagged & new_run], positions[in_flagged & ~new_run]


def _fold_runs(codes: npt.NDArray[np.uint32], tables: _Tables) -> npt.NDArray[np.uint32]:
    """Masked numbers to ``#``, spaces only between two letters/numbers, repeated
    punctuation collapsed: all decided on the original positions, deleted in one pass
    (punctuation runs are judged as they stand once the other deletions are done)."""
    kind = tables.kind[codes]
    delete: list[npt.NDArray[np.int64]] = []

    number_positions = np.flatnonzero(kind == _KIND_NUMBER)
    to_hash, number_deleted = _number_runs_to_delete(codes, number_positions)
    codes[to_hash] = ord(PLACEHOLDER_NUMBER)
    delete.append(number_deleted)

    spaces = np.flatnonzero(kind == _KIND_SPACE)
    if spaces.size:
        first = np.ones(spaces.size, dtype=np.bool_)
        first[1:] = spaces[1:] != spaces[:-1] + 1
        last = np.ones(spaces.size, dtype=np.bool_)
        last[:-1] = first[1:]
        before = kind[np.maximum(spaces[first] - 1, 0)]
        after = kind[np.minimum(spaces[last] + 1, codes.size - 1)]
        keep_run = (
            ((before == _KIND_NUMBER) | (before == _KIND_LETTER))
            & ((after == _KIND_NUMBER) | (after == _KIND_LETTER))
            & (spaces[first] > 0)
        )
        keep = np.zeros(spaces.size, dtype=np.bool_)
        keep[np.flatnonzero(first)[keep_run]] = True
        delete.append(spaces[~keep])

    puncts = np.flatnonzero(kind == _KIND_PUNCT)
    if puncts.size > 1:
        # Adjacent once the deleted spaces and digits are gone ('« »' -> '""' -> '"'):
        # shift each position back by the deletions before it.
        gone = np.sort(np.concatenate(delete))
        shifted = puncts - np.searchsorted(gone, puncts)
        repeated = (shifted[1:] == shifted[:-1] + 1) & (codes[puncts[1:]] == codes[puncts[:-1]])
        delete.append(puncts[1:][repeated])

    deleted = np.concatenate(delete)
    if not deleted.size:
        return codes
    keep_mask = np.ones(codes.size, dtype=np.bool_)
    keep_mask[deleted] = False
    return codes[keep_mask]


def _decode(codes: npt.NDArray[np.uint32]) -> str:
    if codes.size and int(codes.max()) >= 0x10000:
        return codes.tobytes().decode("utf-32-le")
    return codes.astype(np.uint16).tobytes().decode("utf-16-le")


def _encode(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """All texts as one array of code points, "\n"-joined, and the separator positions."""
    raw = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return raw, np.cumsum(lengths + 1)[:-1] - 1


def _fold_encoded(
    raw: npt.NDArray[np.uint32], separators: npt.NDArray[np.int64], tables: _Tables
) -> list[str]:
    codes = tables.fold[raw]
    codes[separators] = _SEP
    codes = codes[codes != _DROP]
    codes = _fold_runs(codes, tables)
    lines = _decode(codes).split("\n")

    toned_positions = np.flatnonzero(tables.kind[codes] == _KIND_TONED)
    if toned_positions.size:
        line_of = np.searchsorted(np.flatnonzero(codes == _SEP), toned_positions)
        for index in np.unique(line_of).tolist():
            lines[index] = _GLOSS_RE.sub("", lines[index])
    return [strip_boilerplate(line.strip(_EDGE_PUNCT)) for line in lines]


def _compose(text: str) -> str:
    # Drop format characters first so that NFKC composes across them the way the
    # folded text will read ("a", ZWSP, U+030C -> "ǎ"), then compose.
    return unicodedata.normalize("NFKC", _DROP_BEFORE_NFKC_RE.sub("", text))


def normalise_many(texts: Sequence[str]) -> list[str]:
    """Normalise many texts at once (each step runs over all of them as one array)."""
    if not texts:
        return []
    tables = _get_tables()
    raw, separators = _encode(texts)
    out = _fold_encoded(raw, separators, tables)
    trigger_positions = np.flatnonzero(tables.needs_nfkc[raw])
    if not trigger_positions.size:
        return out
    # Rare (0.1% of real texts: "㎡", "⑴", combining marks): compose with NFKC, fold
    # again, and repeat until stable so that normalise stays idempotent even when a
    # deletion lets two characters compose.
    pending: list[int] = np.unique(np.searchsorted(separators, trigger_positions)).tolist()
    current = [texts[i] for i in pending]
    for _ in range(5):
        if not pending:
            break
        again = _fold_encoded(*_encode([_compose(t) for t in current]), tables)
        still = [k for k, (i, new) in enumerate(zip(pending, again, strict=True)) if new != out[i]]
        for i, new in zip(pending, again, strict=True):
            out[i] = new
        pending = [pending[k] for k in still]
        current = [again[k] for k in still]
    return out


def fold_letters_many(texts: Sequence[str]) -> list[str]:
    """Fold only the letters and digits of many texts, one for one, as ``normalise``
    folds them: Traditional -> Simplified, full -> half width (ＡＢＣ１２ -> abc12),
    compatibility forms (①, 﨑); everything else -- punctuation, spaces, ASCII
    capitals, symbols -- stays as it is, and no character is added or removed.

    For finding what a person typed inside a text (the staff search): the rest of
    ``normalise`` would lose words someone may search for (greetings and thanks;
    long numbers become ``#``), and a text in Simplified script with half-width
    letters and digits, as most are, comes back unchanged. Idempotent.
    """
    if not texts:
        return []
    tables = _get_tables()
    raw, separators = _encode(texts)
    # UTF-32 both ways: lone surrogates stay one code point each, so that positions hold.
    folded = tables.letters[raw].tobytes().decode("utf-32-le", "surrogatepass")
    starts = [0, *(separators + 1).tolist()]
    return [folded[start : start + len(text)] for start, text in zip(starts, texts, strict=True)]


def fold_letters(text: str) -> str:
    """``fold_letters_many`` of one text."""
    return fold_letters_many([text])[0] if text else ""


def normalise(text: str) -> str:
    """Return ``text`` folded for matching. Never raises on a ``str``; idempotent."""
    if not text:
        return ""
    return normalise_many([text])[0]
