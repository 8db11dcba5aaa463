"""Hot issues: related suggestions grouped, described and ranked."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhongzhi.triage import hot_issues
from zhongzhi.triage.hot_issues import (
    _GENERIC_PLACES,
    _GENERIC_ROADS,
    _NAME_CHARS,
    _NAME_STOPS,
    _NOT_AN_ENDING,
    HotIssueInput,
    _agglomerate,
    _centre_grams,
    _label,
    _leading_verb_re,
    _place_suffix_re,
    _positions_by_value,
    cluster_hot_issues,
    extract_groups,
    extract_places,
)
from zhongzhi.triage.keywords import data_lines, default_segmenter
from zhongzhi.triage.normalise import normalise
from zhongzhi.triage.topics.features import key_text

START = datetime(2024, 9, 20, 9, 0, tzinfo=UTC)

_PLANT = [
    "丽发新城旁边的搅拌站噪音扰民，晚上也在施工，居民无法休息",
    "丽发新城搅拌站粉尘严重，业主不敢开窗，请环保局查处搅拌站",
    "搅拌站就在丽发新城小区旁边，噪音太大，孩子无法学习",
    "强烈要求关停丽发新城附近的搅拌站，噪音和粉尘影响老人健康",
    "丽发新城的搅拌站每天半夜还在运转，噪音扰民，请尽快搬迁",
]
_BUS = [
    "建议36路公交车延长末班时间，红岛路的居民下班晚坐不上车",
    "36路公交车班次太少，红岛路站等车要半小时，建议增加班次",
    "红岛路36路公交站没有候车亭，下雨时老人学生淋雨",
    "36路公交线路绕路太多，建议从红岛路直接开往火车站",
]
_OTHER = [
    "希望图书馆周末延长开放时间",
    "社区食堂的菜价格偏高",
    "建议举办更多老年人书法活动",
    "福山路的路灯坏了一盏",
    "网上办事大厅经常登录不上",
    "希望增加社区篮球场",
]


def _items(seed: int = 0) -> list[HotIssueInput]:
    rng = random.Random(seed)
    items: list[HotIssueInput] = []
    for group, texts, days in (("plant", _PLANT, 0), ("bus", _BUS, 40), ("other", _OTHER, 10)):
        for i, text in enumerate(texts):
            items.append(
                HotIssueInput(
                    id=f"{group}-{i}",
                    text=text,
                    time=START + timedelta(days=days + i, hours=rng.randint(0, 8)),
                    likes=rng.randint(0, 20),
                    unit="八大关街道" if i % 2 else "红岛路社区",
                )
            )
    return items


def _issue_of(issues, member_id):
    return next((k for k, issue in enumerate(issues) if member_id in issue.member_ids), None)


def test_mixing_plant_texts_group_together_apart_from_bus_route_texts():
    issues = cluster_hot_issues(_items())
    plant = {_issue_of(issues, f"plant-{i}") for i in range(len(_PLANT))}
    bus = {_issue_of(issues, f"bus-{i}") for i in range(len(_BUS))}
    assert len(plant) == 1 and None not in plant
    assert len(bus) == 1 and None not in bus
    assert plant != bus
    assert all(_issue_of(issues, f"other-{i}") is None for i in range(len(_OTHER)))


def test_issue_describes_size_likes_places_people_and_label():
    items = _items()
    issues = cluster_hot_issues(items)
    plant = issues[_issue_of(issues, "plant-0")]
    assert plant.size == len(_PLANT)
    assert plant.likes == sum(it.likes for it in items if str(it.id).startswith("plant"))
    assert "丽发新城" in plant.places
    assert {"居民", "业主"} <= set(plant.groups)
    assert "搅拌站" in plant.label or "丽发新城" in plant.label
    assert plant.representative_id in plant.member_ids
    assert plant.units == ["八大关街道", "红岛路社区"]
    assert plant.first_time is not None and plant.first_time <= plant.last_time
    assert "搅拌站" in plant.keywords
    assert 1 <= len(plant.summary) <= 2


def test_heat_ranks_the_bigger_burst_with_more_likes_first():
    items = _items()
    boosted = [
        HotIssueInput(it.id, it.text, it.time, it.likes + (500 if "plant" in str(it.id) else 0))
        for it in items
    ]
    issues = cluster_hot_issues(boosted)
    assert "plant-0" in issues[0].member_ids
    assert issues[0].heat > issues[1].heat


def test_duplicates_count_towards_size_but_one_duplicate_group_is_not_an_issue():
    copies = [
        HotIssueInput(f"copy-{i}", "福山路的路灯坏了一盏", START, 1, None, "g1") for i in range(6)
    ]
    assert cluster_hot_issues(copies) == []
    items = _items() + [
        HotIssueInput(f"dup-{i}", _BUS[0], START, 2, None, "bus-dup") for i in range(3)
    ]
    issues = cluster_hot_issues(items)
    bus = issues[_issue_of(issues, "bus-0")]
    assert {"dup-0", "dup-1", "dup-2"} <= set(bus.member_ids)


def test_bad_input_gives_no_issue_not_an_error():
    assert cluster_hot_issues([]) == []
    junk = ["", "好", "😀😀", "，。！", "\x00\x01", "路" * 100_000]
    items = [HotIssueInput(i, text) for i, text in enumerate(junk * 2)]
    assert isinstance(cluster_hot_issues(items), list)


def test_places_and_groups_are_extracted_from_text():
    text = "我家住在丽发新城小区，建议在红岛路增设公交站，A3区的老人和学生都需要"
    assert extract_places(text) == ["丽发新城", "红岛路", "A3区"]
    assert extract_groups(text) == ["老人", "学生"]
    assert extract_places("希望市委市政府重视") == []


# -- places: written examples and the straightforward definition ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我家住在丽发新城小区，门口的路灯坏了", ["丽发新城"]),  # 小区 right after a place
        ("建议在红岛路与金口路交叉口增设红绿灯", ["红岛路", "金口路"]),
        ("A3区的老人和K9县的学生", ["A3区", "K9县"]),  # masked codes count
        ("希望市委市政府重视市民的意见", []),  # 市委, 市民: not endings
        ("区域规划不合理", []),
        ("马路上车太多，小区里也堵", []),  # lone generic words
        ("家住丽发新城三期，附近的金口路坑洼不平", ["丽发新城", "金口路"]),
        ("增加车次\n社区巴士太少", []),  # never across a line break
        ("增加车次。社区巴士太少", []),  # nor across punctuation
        ("金口路社区和金口路", ["金口路"]),  # 社区 right after a place; once each
        ("", []),
    ],
)
def test_places_of_written_examples(text: str, expected: list[str]) -> None:
    assert extract_places(text) == expected


def _reference_places(text: str, limit: int = 2_000) -> list[str]:
    """``extract_places`` as first written: every ending in turn over the whole text,
    the name read from the six characters before it (a name ends at a line break)."""
    head = text[:limit]
    found: list[str] = []
    previous_end = 0
    for match in _place_suffix_re().finditer(head):
        suffix = match.group()
        after = head[match.end() : match.end() + 1]
        if len(suffix) == 1 and after and after in _NOT_AN_ENDING.get(suffix, ""):
            continue
        window = head[max(previous_end, match.start() - 6) : match.start()]
        run = re.search(_NAME_CHARS + r"+\Z", window)
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


# Endings, the characters that cancel a one-character ending, function words, verbs,
# name characters and breaks: the places where the two readings could part.
_PLACE_PIECES = [
    *"路街道区小社新村城市场民委县省镇乡山河湖桥水边口的在住家建议增设红岛金口丽发A3K9",
    *"，。 \n",
    "小区",
    "街道",
    "住在",
    "增设",
    "新城",
    "大街",
    "公交站",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_PLACE_PIECES), max_size=40).map("".join),
    st.sampled_from([8, 300, 2_000]),
)
def test_places_equal_the_straightforward_reading(text: str, limit: int) -> None:
    assert extract_places(text, limit=limit) == _reference_places(text, limit)


def test_every_place_ending_is_made_of_name_characters() -> None:
    # extract_places reads each run of name characters on its own: an ending (or a
    # character that cancels one) outside them would need the whole text at once.
    name = re.compile(_NAME_CHARS + "+")
    for ending in data_lines("place_suffixes.txt"):
        assert name.fullmatch(ending), ending
    for characters in _NOT_AN_ENDING.values():
        assert name.fullmatch(characters), characters


# -- issue centres, closeness, grouping ------------------------------------------------


def _random_rows(seed: int, rows: int = 40, columns: int = 30) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = rng.random((rows, columns)) * (rng.random((rows, columns)) < 0.3)
    # Equal weights on purpose, so that ties decide some of the top columns.
    dense = np.round(dense, 1).astype(np.float32)
    return sp.csr_matrix(dense)


@pytest.mark.parametrize("seed", range(5))
def test_centre_grams_are_the_top_of_the_mean_row(seed: int) -> None:
    matrix = _random_rows(seed)
    rng = np.random.default_rng(seed)
    members = [
        np.sort(rng.choice(40, size=int(rng.integers(1, 12)), replace=False)) for _ in range(30)
    ]
    for rows, (columns, weights) in zip(
        members, _centre_grams(matrix, members, top=6), strict=True
    ):
        mean = np.asarray(matrix[rows].mean(axis=0)).ravel()  # float32, as scipy computes it
        # heaviest first, ties to the lower column, only columns with weight
        expected = [c for c in sorted(range(mean.size), key=lambda c: (-mean[c], c)) if mean[c] > 0]
        assert columns.tolist() == expected[:6]
        assert weights.tolist() == mean[columns].tolist()


def test_centre_grams_in_several_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = _random_rows(7)
    members = [np.array([i, (i + 1) % 40]) for i in range(40)]
    whole = [(c.tolist(), w.tolist()) for c, w in _centre_grams(matrix, members)]
    monkeypatch.setattr(hot_issues, "_LABEL_BATCH", 3)
    assert [(c.tolist(), w.tolist()) for c, w in _centre_grams(matrix, members)] == whole


def test_closeness_is_the_dot_product_with_the_cluster_mean() -> None:
    rng = np.random.default_rng(3)
    # three groups of similar rows, L2-normalised like TF-IDF rows
    base = rng.random((3, 50)) * (rng.random((3, 50)) < 0.4)
    dense = np.repeat(base, 6, axis=0) + 0.05 * rng.random((18, 50))
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    matrix = sp.csr_matrix(dense.astype(np.float32))
    labels, closeness = _agglomerate(matrix, 0.5)
    assert len(set(labels.tolist())) >= 2
    for label in set(labels.tolist()):
        rows = np.flatnonzero(labels == label)
        centre = np.asarray(matrix[rows].mean(axis=0)).ravel()
        expected = np.asarray(matrix[rows] @ centre).ravel()
        np.testing.assert_allclose(closeness[rows], expected, rtol=1e-5)


def test_positions_by_value() -> None:
    values = np.array([2, -1, 0, 2, 5, 0, -1, 2])
    grouped = _positions_by_value(values)
    assert {k: v.tolist() for k, v in grouped.items()} == {0: [2, 5], 2: [0, 3, 7], 5: [4]}
    assert _positions_by_value(np.array([-1, -1])) == {}


def test_label_joins_the_heavy_grams_where_they_overlap() -> None:
    text = "丽发新城的搅拌站，噪音扰民"
    grams = ["丽发", "发新", "新城", "搅拌", "拌站", "噪音", "公交"]  # 公交: not in the text
    keys = np.array([_key(g) for g in grams], dtype=np.uint64)
    weights = np.array([0.5, 0.5, 0.5, 0.4, 0.4, 0.1, 0.9], dtype=np.float32)
    # heaviest merged span first
    assert _label(text, np.arange(7), weights, keys, default_segmenter()) == "丽发新城 搅拌站 噪音"
    # no gram found: the text's first words
    assert _label(text, np.arange(0), weights[:0], keys, default_segmenter()) == "丽发新城的搅拌站"


def test_label_is_whole_words_without_url_pieces() -> None:
    text = "平角公园附近的路灯坏了,详见http://www.baidu.com"
    grams = ["平角", "角公", "公园附", "htt", "bai", "路灯"]
    keys = np.array([_key(g) for g in grams], dtype=np.uint64)
    weights = np.array([0.5, 0.5, 0.5, 0.9, 0.9, 0.3], dtype=np.float32)
    label = _label(text, np.arange(6), weights, keys, default_segmenter())
    assert label == "平角公园附近 路灯"
    assert "htt" not in label and "baidu" not in label


def test_five_requests_sharing_only_a_street_name_are_not_an_issue() -> None:
    texts = [
        "红岛路的路灯坏了，晚上很黑",
        "红岛路菜市场占道经营严重",
        "红岛路小学门口需要减速带",
        "红岛路的垃圾桶太少了",
        "红岛路有一棵树挡住了窗户",
    ]
    items = [HotIssueInput(f"r-{i}", t, START) for i, t in enumerate(texts)]
    assert cluster_hot_issues(items, threshold=0.05) == []


def test_traditional_and_simplified_spellings_of_a_place_are_one_chip() -> None:
    items = [
        HotIssueInput(f"p-{i}", text, START)
        for i, text in enumerate(
            [*_PLANT[:3], *(t.replace("丽发新城", "麗發新城") for t in _PLANT[3:])]
        )
    ]
    (issue,) = cluster_hot_issues(items)
    assert "丽发新城" in issue.places and "麗發新城" not in issue.places


def _key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << 21) | ord(ch)
    assert key_text(key) == gram
    return key


def test_given_normalised_texts_give_the_same_issues() -> None:
    long_text = _PLANT[0] + "，" + "丽发新城搅拌站噪音扰民" * 80  # cut at 600 characters
    items = [*_items(), HotIssueInput("long", long_text, START, 3)]
    plain = cluster_hot_issues(items, detail_limit=0)
    given_normalised = [replace(it, normalised=normalise(it.text)) for it in items]
    assert cluster_hot_issues(given_normalised, detail_limit=0) == plain
