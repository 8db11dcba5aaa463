"""Tests for zhongzhi.triage.pipeline: the whole batch, stage by stage and on bad input.

All texts are written here (none from the real data)."""

from __future__ import annotations

import datetime
import gc
import os

import pytest

from zhongzhi.triage import pipeline
from zhongzhi.triage.dedup import find_duplicate_groups
from zhongzhi.triage.keywords import Segmenter
from zhongzhi.triage.pipeline import (
    STAGES,
    TriageInput,
    TriageResult,
    batch_keywords,
    full_text,
    triage_batch,
)
from zhongzhi.triage.topics import TopicSpec

STREETLIGHT = (
    "我是金口路社区的居民，小区东门外的三盏路灯已经坏了三个多月。晚上出行非常不便，"
    "上周还有老人在门口摔倒。希望相关部门尽快派人维修路灯，并定期检查线路。"
)
STREETLIGHT_AGAIN = (
    "尊敬的领导：我是金口路社區的居民，小区东门外的三盏路燈已经坏了三个多月。晚上出行非常不便，"
    "上周还有老人在门口摔倒。希望相关部门尽快派人维修路灯，并定期检查线路。盼复！"
)
MARKET = (
    "红岛路社区菜市场门口占道经营严重，早上七点到九点车辆无法通行，送孩子上学的家长只能绕路。"
    "建议在市场内设置固定的临时摊位，规范管理。"
)
MIXING = [
    "丽发新城旁边的搅拌站每天夜里施工，噪音很大，粉尘污染严重，居民晚上根本睡不着觉，请求尽快搬迁搅拌站。",
    "丽发新城小区附近的搅拌站噪音扰民，半夜还在作业，灰尘满天飞，希望环保部门查处这个搅拌站。",
    "强烈投诉丽发新城搅拌站，噪音和粉尘污染严重影响居民休息，孩子老人都受不了，要求关停搅拌站。",
    "丽发新城搅拌站违规夜间生产，噪音扰民，粉尘大，业主多次投诉无果，请政府督促搅拌站搬迁。",
    "丽发新城周边搅拌站运输车辆多，噪音大、粉尘多，居民生活受到严重影响，恳请相关部门处理搅拌站问题。",
]
BUS = [
    "希望开通从西城公交总站到高铁站的公交线路，现在上班要换乘三次，早高峰非常拥挤。",
    "建议增加西城公交总站到高铁站的公交班次，等车经常超过半小时，出行很不方便。",
    "西城到高铁站没有直达公交，市民出行要多次换乘，请交通部门考虑新开一条公交线路。",
    "西城公交总站发往高铁站方向的公交太少，建议延长运营时间并增加车辆，方便上班族。",
]
TOPICS = [
    TopicSpec("市政设施", "路灯、道路、井盖等公共设施的维修", ("路灯", "井盖", "道路维修")),
    TopicSpec("市场管理", "菜市场、摊贩和占道经营", ("菜市场", "占道经营", "摊贩")),
    TopicSpec("环境保护", "噪音、粉尘和污染", ("噪音", "粉尘", "污染")),
    TopicSpec("公共交通", "公交线路和班次", ("公交", "班次", "换乘")),
]


def _items(texts: list[str]) -> list[TriageInput]:
    return [TriageInput(id=f"s{i}", text=t) for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def campaign() -> tuple[list[TriageInput], TriageResult]:
    texts = [STREETLIGHT, MARKET, *MIXING, STREETLIGHT_AGAIN, *BUS, MIXING[0]]
    items = _items(texts)
    # +1s of the copy of MIXING[0] count for its issue
    items[-1] = TriageInput(id=items[-1].id, text=items[-1].text, likes=7)
    result = triage_batch(items, topics=TOPICS, user_words=["金口路社区", "丽发新城"])
    return items, result


def test_rows_come_back_in_input_order(campaign: tuple[list[TriageInput], TriageResult]) -> None:
    items, result = campaign
    assert [row.id for row in result.rows] == [item.id for item in items]


def test_duplicates_share_a_group_with_exactly_one_canonical(
    campaign: tuple[list[TriageInput], TriageResult],
) -> None:
    items, result = campaign
    rows = result.rows
    first, again, copy = rows[0], rows[2 + len(MIXING)], rows[-1]
    assert again.group == first.group == 0
    assert first.canonical and not again.canonical
    assert copy.group == rows[2].group and not copy.canonical
    for group in {row.group for row in rows}:
        assert sum(row.canonical for row in rows if row.group == group) == 1
    # the same groups as the dedup module computes from the raw texts
    expected = find_duplicate_groups([full_text(item) for item in items]).group.tolist()
    assert [row.group for row in rows] == expected


def test_duplicate_scores_lower_than_its_canonical(
    campaign: tuple[list[TriageInput], TriageResult],
) -> None:
    result = campaign[1]
    first, again = result.rows[0], result.rows[2 + len(MIXING)]
    assert 0 < again.score < first.score
    assert first.reasons and again.reasons


def test_topic_with_evidence(campaign: tuple[list[TriageInput], TriageResult]) -> None:
    result = campaign[1]
    light, market = result.rows[0], result.rows[1]
    assert light.topic == "市政设施" and "路灯" in light.topic_evidence
    assert market.topic == "市场管理" and market.topic_evidence
    assert 0.5 <= market.topic_confidence <= 1.0


def test_hot_issue_groups_related_texts(campaign: tuple[list[TriageInput], TriageResult]) -> None:
    items, result = campaign
    mixing_rows = result.rows[2 : 2 + len(MIXING)]
    issue = mixing_rows[0].issue
    assert issue is not None
    assert all(row.issue == issue for row in mixing_rows)
    assert result.rows[-1].issue == issue  # the copy rides with its canonical
    hot = result.issues[issue]
    assert set(hot.member_ids) >= {row.id for row in mixing_rows} | {items[-1].id}
    assert hot.representative_id in hot.member_ids
    assert hot.likes >= 7
    assert result.rows[1].issue != issue  # the market is another matter
    heats = [i.heat for i in result.issues]
    assert heats == sorted(heats, reverse=True)


def test_keywords_per_row(campaign: tuple[list[TriageInput], TriageResult]) -> None:
    result = campaign[1]
    assert "路灯" in result.rows[0].keywords
    # a campaign word stays whole: never cut into 丽发 + 新城
    words = {w for row in result.rows for w in row.keywords}
    assert not {w for w in words if "新城" in w or "丽发" in w} - {"丽发新城"}
    assert all(len(row.keywords) <= pipeline.KEYWORDS_PER_ROW for row in result.rows)


def test_timings_for_every_stage(campaign: tuple[list[TriageInput], TriageResult]) -> None:
    result = campaign[1]
    assert set(STAGES) <= set(result.timings)
    assert result.timings["total"] >= result.timings["duplicates"]


def test_abstains_without_topics() -> None:
    result = triage_batch(_items([STREETLIGHT, MARKET]))
    for row in result.rows:
        assert row.topic is None
        assert row.topic_confidence == 0.0
        assert row.topic_evidence == []


def test_progress_reports_each_stage() -> None:
    calls: list[tuple[str, int, int]] = []
    triage_batch(_items([STREETLIGHT, MARKET]), progress=lambda *a: calls.append(a))
    for stage in STAGES:
        assert (stage, 0, 2) in calls and (stage, 2, 2) in calls


def test_empty_batch() -> None:
    result = triage_batch([])
    assert result.rows == [] and result.issues == []


BAD_TEXTS = [
    "",
    "灯",
    "路灯坏了" * 25_000,  # 100,000 characters
    "😀😀😀👍👍",
    "！！！？？？……",
    "\x00\x01\x02\x1b[31m\x7f",
    "路灯 streetlight Лампа 가로등 ランプ",
    "\ud800 lone surrogate 路灯",
    "   \n\t  ",
]


def test_bad_inputs_never_crash() -> None:
    aware = datetime.datetime(2024, 5, 1, 8, tzinfo=datetime.UTC)
    naive = datetime.datetime(2024, 5, 2, 9)
    items = [
        TriageInput(id=str(i), text=t, time=aware if i % 2 else naive, likes=i)
        for i, t in enumerate(BAD_TEXTS)
    ]
    items.append(TriageInput(id="none", text=None, title=None, likes=None))  # type: ignore[arg-type]
    items.append(TriageInput(id="junk", text=STREETLIGHT, time="yesterday", likes="many"))  # type: ignore[arg-type]
    result = triage_batch(items, topics=TOPICS)
    assert [row.id for row in result.rows] == [item.id for item in items]
    empty = result.rows[0]
    assert empty.canonical and empty.topic is None and empty.keywords == [] and empty.score == 0
    assert result.rows[3].score == 0 and result.rows[3].reasons  # emoji only: says why
    assert result.rows[2].topic == "市政设施"  # 100,000 characters still read


def test_parallel_gives_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [STREETLIGHT, MARKET, *MIXING, STREETLIGHT_AGAIN, *BUS]
    serial = triage_batch(_items(texts), topics=TOPICS)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 0)
    parallel = triage_batch(_items(texts), topics=TOPICS, workers=2)
    assert parallel.rows == serial.rows
    assert [i.member_ids for i in parallel.issues] == [i.member_ids for i in serial.issues]


def test_parallel_falls_back_when_the_child_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 0)
    parent = os.getpid()
    real = pipeline._predict_topics

    def fail_in_child(*args: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_predict_topics", fail_in_child)
    result = triage_batch(_items([STREETLIGHT, MARKET]), topics=TOPICS, workers=2)
    assert result.rows[0].topic == "市政设施"


def test_batch_keywords_cut_like_a_segmenter() -> None:
    texts = ["一家名叫一米阳光的影楼开在金口路社区里面，一家名叫一米阳光。", STREETLIGHT]
    from zhongzhi.triage.normalise import normalise_many

    keywords = batch_keywords(normalise_many(texts), Segmenter(["金口路社区"]))
    assert "金口路社区" in keywords[0]
    assert "家名" not in keywords[0]  # it crosses 一家 | 名叫
    assert "路灯" in keywords[1]


def test_cyclic_gc_is_paused_during_a_batch_and_restored_after() -> None:
    seen: list[bool] = []
    items = _items([STREETLIGHT, MARKET])
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        triage_batch(items, progress=lambda *_: seen.append(gc.isenabled()))
        assert seen and not any(seen)
        assert gc.isenabled()

        gc.disable()  # a caller that keeps it off keeps it off
        triage_batch(items)
        assert not gc.isenabled()

        gc.enable()

        def fail(*_: object) -> None:
            raise RuntimeError("stop")

        with pytest.raises(RuntimeError):
            triage_batch(items, progress=fail)
        assert gc.isenabled()

        with pipeline._cyclic_gc_paused():  # nested: the outer pause decides
            triage_batch(items)
            assert not gc.isenabled()
        assert gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_hot_issues_get_the_normalised_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pipeline normalises once; hot issues only normalise what they cut (> 600).
    normalised_in_hot_issues: list[int] = []
    from zhongzhi.triage import hot_issues

    real = hot_issues.normalise_many

    def counting(texts: list[str]) -> list[str]:
        normalised_in_hot_issues.append(len(texts))
        return real(texts)

    monkeypatch.setattr(hot_issues, "normalise_many", counting)
    texts = [*MIXING, *BUS, MARKET * 12]
    result = triage_batch(_items(texts))
    assert normalised_in_hot_issues == [1]
    assert any(len(issue.member_ids) >= 3 for issue in result.issues)
