"""Tests for zhongzhi.triage.resubmit: every kind of resubmission, with ground truth."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from zhongzhi.triage.resubmit import (
    GREETINGS,
    PLEAS,
    Kind,
    ResubmissionRates,
    generate,
    resubmit,
)

TEXT = (
    "金口路社区东门外路灯损坏\n"
    "小区东门外的三盏路灯已经坏了三个多月。晚上出行非常不便，上周还有老人摔倒。"
    "我们向物业反映过多次。希望相关部门尽快派人维修路灯。"
)
BASES = [TEXT, "红岛路菜市场门口占道经营\n早上车辆无法通行。城管来了就走。建议设置临时摊位。"] * 50


def _rng() -> random.Random:
    return random.Random(1)


def test_exact() -> None:
    assert resubmit(TEXT, [Kind.EXACT], _rng()) == TEXT


def test_retyped_changes_a_few_characters() -> None:
    retyped = resubmit(TEXT, [Kind.RETYPED], _rng())
    assert retyped != TEXT
    assert abs(len(retyped) - len(TEXT)) <= 8


def test_truncated_keeps_a_prefix() -> None:
    cut = resubmit(TEXT, [Kind.TRUNCATED], _rng())
    assert TEXT.startswith(cut)
    assert 0.4 * len(TEXT) - 1 <= len(cut) <= 0.9 * len(TEXT) + 1


def test_traditional_and_full_width() -> None:
    assert "區" in resubmit(TEXT, [Kind.TRADITIONAL], _rng())
    assert resubmit("A3区，2019年", [Kind.FULL_WIDTH], _rng()) == "Ａ３区，２０１９年"


def test_greeting_or_plea_added() -> None:
    polite = resubmit(TEXT, [Kind.GREETING], _rng())
    body = polite.split("\n", 1)[1]
    assert body.startswith(GREETINGS) or body.endswith(PLEAS)
    assert polite.startswith("金口路社区东门外路灯损坏\n")


def test_sentence_dropped_and_reordered_keep_the_title() -> None:
    dropped = resubmit(TEXT, [Kind.SENTENCE_DROPPED], _rng())
    reordered = resubmit(TEXT, [Kind.REORDERED], _rng())
    assert len(dropped) < len(TEXT) and dropped.startswith("金口路社区东门外路灯损坏\n")
    assert sorted(reordered) == sorted(TEXT) and reordered != TEXT


def test_new_title_replaces_the_first_line() -> None:
    titled = resubmit(TEXT, [Kind.NEW_TITLE], _rng())
    assert titled.split("\n")[1] == TEXT.split("\n")[1]
    assert titled.split("\n")[0] != TEXT.split("\n")[0]


def test_generate_labels_every_text_and_keeps_originals_first() -> None:
    corpus = generate(BASES, random.Random(2))
    originals = [item for item in corpus if not item.kinds]
    assert [item.text for item in originals] == BASES
    first_seen: dict[int, int] = {}
    for position, item in enumerate(corpus):
        first_seen.setdefault(item.group, position)
        if item.kinds:
            assert corpus[first_seen[item.group]].kinds == ()  # original came first
            assert item.group < len(BASES)


def test_generate_is_reproducible_and_covers_every_kind() -> None:
    rates = ResubmissionRates(resubmitted=1.0)
    first = generate(BASES, random.Random(3), rates)
    assert first == generate(BASES, random.Random(3), rates)
    kinds = Counter(kind for item in first for kind in item.kinds)
    assert set(kinds) == set(Kind)


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_survives_short_and_empty_texts(kind: Kind) -> None:
    for text in ("", "路灯坏了", "标题\n一句话"):
        assert isinstance(resubmit(text, [kind], _rng()), str)
