"""Golden-idea pre-screen: a 0-100 score with reasons in Chinese."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zhongzhi.triage.scoring import (
    _ALNUM_RUN_RE,
    IdeaScore,
    _NameFinder,
    score_suggestion,
    score_suggestions,
)

CONCRETE = (
    "建议在红岛路与金口路交叉口增设2处红绿灯。早晚高峰车流量大，老人和学生过马路"
    "存在安全隐患，请交通运输局尽快落实。"
)


def test_concrete_suggestion_scores_high_and_reasons_mention_the_place():
    result = score_suggestion(CONCRETE)
    assert result.score >= 80
    assert any("红岛路" in reason for reason in result.reasons)
    assert any("增设" in reason for reason in result.reasons)
    assert any("交通运输局" in reason for reason in result.reasons)
    assert any("2处" in reason for reason in result.reasons)
    assert result.places[:2] == ["红岛路", "金口路"]


def test_vague_praise_scores_low_and_says_what_is_missing():
    result = score_suggestion("希望我们的城市越来越好")
    assert result.score < 30
    assert "未提到具体地点" in result.reasons
    assert "未提出具体做法" in result.reasons


def test_duplicate_keeps_half_the_score():
    alone = score_suggestion(CONCRETE)
    duplicate = score_suggestion(CONCRETE, is_duplicate=True)
    assert duplicate.score == alone.score // 2
    assert duplicate.reasons[0].startswith("与已有建议重复")


def test_campaign_places_and_units_are_recognised():
    text = "八大关的路灯坏了很久了，请帮忙修复，晚上走路很不方便，希望尽快解决这个问题"
    plain = score_suggestion(text)
    known = score_suggestion(text, known_places=["八大关"], known_units=["市政公司"])
    assert known.score > plain.score
    assert "八大关" in known.places


def test_ranking_puts_the_concrete_suggestion_first():
    texts = ["城市越来越好", CONCRETE, "路灯坏了"]
    scores = score_suggestions(texts)
    assert max(range(3), key=lambda i: scores[i].score) == 1


def test_score_is_deterministic():
    assert score_suggestion(CONCRETE) == score_suggestion(CONCRETE)


def test_bad_input_scores_zero_or_low_without_error():
    for text in ["", "😀😀😀", "，。！？", "\x00\x01\x1f"]:
        assert score_suggestion(text).score == 0
        assert score_suggestion(text).reasons == ["没有实际内容"]
    assert score_suggestion("好").score < 20
    assert 0 <= score_suggestion("修" * 100_000).score <= 100


@given(st.text(max_size=400), st.booleans())
def test_score_is_always_between_0_and_100_with_reasons(text: str, duplicate: bool):
    result = score_suggestion(text, is_duplicate=duplicate)
    assert 0 <= result.score <= 100
    assert result.reasons and all(isinstance(r, str) and r for r in result.reasons)


def test_letters_and_digits_are_counted_as_str_isalnum_counts_them() -> None:
    # The score counts them with a regex (\w minus "_"); it must agree with isalnum on
    # every code point, surrogates included.
    every = "".join(map(chr, range(0x110000)))
    assert "".join(_ALNUM_RUN_RE.findall(every)) == "".join(filter(str.isalnum, every))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="红岛路金口社区局A1", min_size=1, max_size=5), max_size=8),
    st.text(alphabet="红岛路金口社区局A1，", max_size=40),
)
def test_name_finder_finds_what_substring_search_finds(names: list[str], text: str) -> None:
    # names that start at the same place, contain each other or repeat
    expected = list(dict.fromkeys(n for n in names if n in text))
    assert _NameFinder(names).find(text) == expected


def test_scoring_a_batch_equals_scoring_each_text() -> None:
    texts = [CONCRETE, "城市越来越好", CONCRETE, "", "路灯坏了", CONCRETE, "", "修" * 6_000]
    duplicates = [False, False, True, False, False, False, True, False]
    known = {"known_places": ["红岛路", "八大关"], "known_units": ["交通运输局"]}
    batch = score_suggestions(texts, duplicates=duplicates, **known)
    one_by_one = [
        score_suggestion(t, is_duplicate=d, **known) for t, d in zip(texts, duplicates, strict=True)
    ]
    assert batch == one_by_one
    assert batch[2].reasons[0].startswith("与已有建议重复")  # a copy assessed once ...
    assert batch[6].reasons == ["没有实际内容"]  # ... and empty stays 0, duplicate or not
    batch[0].reasons.append("edited")  # copies share no list
    assert batch[5].reasons == one_by_one[5].reasons


def test_score_reasons_are_as_before_on_a_written_example() -> None:
    result = score_suggestion(CONCRETE, known_units=["交通运输局"])
    assert result == IdeaScore(
        score=100,
        reasons=[
            "提出了具体做法：建议、增设、落实",
            "提到具体地点：红岛路、金口路",
            "篇幅适中",
            "给出了数字：2处",
            "指明了责任单位：交通运输局",
            "说明了问题：隐患",
            "说明了受益人群：老人、学生",
        ],
        places=["红岛路", "金口路"],
        actions=["建议", "增设", "落实"],
    )
