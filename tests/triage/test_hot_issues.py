"""Hot issues: related suggestions grouped, described and ranked."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from zhongzhi.triage.hot_issues import (
    HotIssueInput,
    cluster_hot_issues,
    extract_groups,
    extract_places,
)

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
