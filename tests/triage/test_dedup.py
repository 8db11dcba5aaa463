"""Tests for zhongzhi.triage.dedup: batch groups, the incremental index and its stores.

All texts are written here (none from the real data)."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator

import numpy as np
import opencc
import pytest

from zhongzhi.triage.dedup import (
    DuplicateIndex,
    DuplicateStore,
    InMemoryStore,
    RedisStore,
    find_duplicate_groups,
)
from zhongzhi.triage.dedup.matching import verify
from zhongzhi.triage.dedup.signatures import compute_signatures

STREETLIGHT = (
    "金口路社区东门外路灯损坏\n"
    "我是金口路社区的居民，小区东门外的三盏路灯已经坏了三个多月。晚上出行非常不便，"
    "上周还有老人在门口摔倒。我们向物业反映过多次，物业说路灯归市政管理。"
    "希望相关部门尽快派人维修路灯，并定期检查线路，保障居民夜间出行安全。"
)
MARKET = (
    "红岛路菜市场门口占道经营\n"
    "红岛路社区菜市场门口占道经营严重，早上七点到九点车辆无法通行，送孩子上学的家长只能绕路。"
    "城管来了摊贩就走，走了又回来。建议在市场内设置固定的临时摊位，规范管理，"
    "同时在高峰时段安排人员疏导交通。"
)
NOISE = (
    "夜宵店噪音扰民\n"
    "八大关街道湛山路上的几家夜宵店每天营业到凌晨三点，食客喧哗、划拳声不断，"
    "附近居民长期无法入睡。我们多次拨打热线，情况没有改善。"
    "请求有关部门依法限定营业时间，并在店外设置隔音设施。"
)
WATER = (
    "老旧小区水管漏水\n"
    "延安三路十二号楼的供水管道年久失修，地下室常年积水，一楼墙面发霉。"
    "去年冬天水管冻裂，全楼停水两天。希望将本楼纳入老旧小区改造计划，"
    "更换主供水管，并修好地下室的排水泵。"
)
UNRELATED = [STREETLIGHT, MARKET, NOISE, WATER]


def _groups_of(texts: list[str]) -> list[int]:
    return find_duplicate_groups(texts).group.tolist()


def _same_group(original: str, resubmitted: str) -> bool:
    groups = _groups_of([*UNRELATED, original, resubmitted])
    return groups[-1] == groups[-2] and groups[-1] != len(UNRELATED) + 1


# --- kinds of resubmission -------------------------------------------------------------


def test_exact_copy_joins_the_original() -> None:
    assert _groups_of([STREETLIGHT, MARKET, STREETLIGHT]) == [0, 1, 0]


def test_retyped_with_characters_lost_and_changed() -> None:
    retyped = (
        STREETLIGHT.replace("三盏", "三展").replace("上周还有", "上周有").replace("多次", "几次")
    )
    assert _same_group(STREETLIGHT, retyped)


def test_truncated() -> None:
    assert _same_group(STREETLIGHT, STREETLIGHT[: len(STREETLIGHT) // 2])


def test_traditional_script_and_full_width() -> None:
    traditional = opencc.OpenCC("s2t").convert(STREETLIGHT)
    assert traditional != STREETLIGHT
    full_width = STREETLIGHT.replace("，", "，").replace("三", "３") + "ＡＢＣ"
    assert _same_group(STREETLIGHT, traditional)
    assert _same_group(STREETLIGHT, full_width)


def test_greeting_and_plea_added() -> None:
    title, body = STREETLIGHT.split("\n")
    polite = f"{title}\n尊敬的领导：您好！{body}盼复，谢谢！"
    assert _same_group(STREETLIGHT, polite)


def test_sentence_dropped() -> None:
    dropped = STREETLIGHT.replace("上周还有老人在门口摔倒。", "")
    assert _same_group(STREETLIGHT, dropped)


def test_sentences_reordered() -> None:
    title, body = STREETLIGHT.split("\n")
    sentences = [s + "。" for s in body.split("。") if s]
    sentences[1], sentences[3] = sentences[3], sentences[1]
    assert _same_group(STREETLIGHT, title + "\n" + "".join(sentences))


def test_new_title() -> None:
    body = STREETLIGHT.split("\n")[1]
    assert _same_group(STREETLIGHT, "再次反映东门路灯不亮的问题\n" + body)


def test_pinyin_glosses_and_masked_phone() -> None:
    original = STREETLIGHT + "联系电话13812345678"
    glossed = STREETLIGHT.replace("路灯", "路燈(dēng)") + "联系电话138****5678"
    assert _same_group(original, glossed)


# --- what must not merge ---------------------------------------------------------------

BOILERPLATE = (
    "尊敬的社区工作人员：我们是海滨花园小区的业主代表，本小区自二零一五年交房以来，"
    "物业服务长期不到位，业主委员会多次与物业公司协商无果，现将有关情况反映如下，"
    "恳请社区协调有关部门予以解决。"
)


def test_unrelated_texts_sharing_a_long_boilerplate_stay_apart() -> None:
    first = (
        BOILERPLATE
        + "小区二号楼电梯一个月内停运四次，有老人被困在电梯里一个多小时，维保单位至今没有说明原因。"
    )
    second = (
        BOILERPLATE
        + "小区南门的垃圾站常年不清理，夏天蚊蝇成群，臭味飘到附近的幼儿园，孩子们不敢开窗。"
    )
    third = (
        BOILERPLATE + "地下车库的排水沟堵塞，每逢下雨车库就积水，已经有十几辆车被泡，物业拒绝赔偿。"
    )
    groups = _groups_of([first, second, third])
    assert groups == [0, 1, 2]


def test_short_text_contained_in_a_long_one_is_a_duplicate() -> None:
    short = "小区东门外的三盏路灯已经坏了三个多月，晚上出行非常不便，希望尽快维修。"
    long = (
        "我是金口路社区的居民，想反映几件事。"
        + short
        + "另外东门的台阶也有破损，下雨天容易滑倒，建议一起修缮。"
    )
    assert _groups_of([long, short])[1] == 0
    assert _groups_of([short, long])[1] == 0


def test_one_line_inside_a_long_letter_is_only_similar() -> None:
    line = "路灯坏了三个月"
    groups = find_duplicate_groups([STREETLIGHT + NOISE, line], with_similar=True)
    assert groups.group.tolist() == [0, 1]


def test_no_chaining_through_one_long_member() -> None:
    first = MARKET.split("\n")[1]
    second = NOISE.split("\n")[1]
    both = first + second  # contains each of them entirely
    groups = _groups_of([first, second, both])
    assert groups[0] != groups[1]
    assert groups[2] in (0, 1)


def test_no_chaining_along_a_drifting_series() -> None:
    # Each text differs a little from the previous one; the last has drifted far from
    # the first. Linking neighbours would put them all in one group.
    sentences = [
        s + "。"
        for s in (STREETLIGHT + MARKET + NOISE + WATER).replace("\n", "。").split("。")
        if s
    ]
    series = ["".join(sentences[i : i + 6]) for i in range(0, 12)]
    groups = _groups_of(series)
    assert groups[-1] != groups[0]
    for i, group in enumerate(groups):
        # every member was verified against its canonical, never only a neighbour
        if group != i:
            overlap, _ = verify(
                *(compute_signatures([series[i], series[group]]).digest(k) for k in (0, 1))
            )
            assert overlap >= 0.8


def test_empty_and_boilerplate_only_texts_are_each_their_own_group() -> None:
    assert _groups_of(["", "您好！谢谢！", "", "盼复"]) == [0, 1, 2, 3]


def test_canonical_is_the_first_member_and_flags_match() -> None:
    result = find_duplicate_groups([MARKET, STREETLIGHT, MARKET, STREETLIGHT + "谢谢"])
    assert result.group.tolist() == [0, 1, 0, 1]
    assert result.canonical.tolist() == [True, True, False, False]
    assert result.members() == {0: [0, 2], 1: [1, 3]}
    assert result.n_groups == 2


# --- common phrases --------------------------------------------------------------------

_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    "也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小"
    "物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形"
)


def _common_phrases(seed: int) -> tuple[list[str], list[str]]:
    """Six "common" sentences, and 60 texts each holding two of them among four
    sentences of its own: by the time a text made of all six arrives, every anchor
    bucket of those sentences is full (``bucket_cap`` canonicals) without it."""
    rng = random.Random(seed)

    def sentence() -> str:
        return "".join(rng.choice(_CHARS) for _ in range(30)) + "。"

    common = [sentence() for _ in range(6)]
    fillers = []
    for k in range(60):
        own = [sentence() for _ in range(4)]
        fillers.append("".join([*own[:2], common[k % 6], *own[2:], common[(k + 1) % 6]]))
    return common, fillers


def test_resubmission_of_a_text_made_of_common_phrases_joins_it() -> None:
    # Most anchors of the copy are in full buckets that the original could not join:
    # they must count as unknown, not as anchors the two do not share.
    common, fillers = _common_phrases(5)
    base, copy = "".join(common), "".join(common[:5])  # the last sentence dropped
    texts = [*fillers, base, copy]
    groups = _groups_of(texts)
    assert groups[-1] == groups[-2] == len(fillers)
    assert groups[: len(fillers)] == list(range(len(fillers)))
    index = DuplicateIndex()
    assert [index.add(i, t) for i, t in enumerate(texts)] == groups


def test_text_sharing_common_phrases_but_saying_more_stays_apart() -> None:
    common, fillers = _common_phrases(8)
    rng = random.Random(80)
    own = "".join(rng.choice(_CHARS) for _ in range(60)) + "。"
    other = "".join(common[:4]) + own  # two thirds of the original, then its own content
    result = find_duplicate_groups([*fillers, "".join(common), other], with_similar=True)
    assert result.group[-1] == len(fillers) + 1
    # it was verified against the original (so the cheap test let it through) and found
    # only similar
    pairs = [(p.canonical, p.duplicate) for p in result.similar_pairs if p.text == len(fillers) + 1]
    assert pairs == [(len(fillers), False)]


# --- incremental index -----------------------------------------------------------------


def _corpus(seed: int) -> list[str]:
    """Unrelated texts and varied resubmissions of them, in a shuffled order."""
    from zhongzhi.triage.resubmit import generate

    rng = random.Random(seed)
    sentences = [s for t in UNRELATED for s in t.replace("\n", "。").split("。") if s]
    bases = ["。".join(rng.sample(sentences, 4)) + "。" for _ in range(40)] + UNRELATED
    return [item.text for item in generate(bases, rng)]


def test_index_one_by_one_gives_the_batch_groups() -> None:
    texts = _corpus(3)
    batch = find_duplicate_groups(texts).group.tolist()
    index = DuplicateIndex()
    assert [index.add(i, t) for i, t in enumerate(texts)] == batch
    assert len(set(batch)) < len(texts)  # the corpus does hold duplicates


def test_index_sent_everything_again_creates_no_new_group() -> None:
    texts = _corpus(4)
    batch = find_duplicate_groups(texts).group.tolist()
    index = DuplicateIndex()
    index.add_many(list(range(len(texts))), texts)
    again = index.add_many(list(range(len(texts), 2 * len(texts))), texts)
    canonicals = {i for i, g in enumerate(batch) if g == i}
    # a canonical sent again joins itself; a member joins the best canonical, which
    # may be one that did not exist yet when it was first sent
    assert all(again[i] == i for i in canonicals)
    assert set(again) <= canonicals


def test_index_built_in_bulk_then_extended_matches_the_batch() -> None:
    texts = _corpus(5)
    half = len(texts) // 2
    batch = find_duplicate_groups(texts).group.tolist()
    index, first = DuplicateIndex.build(list(range(half)), texts[:half])
    assert first.group.tolist() == find_duplicate_groups(texts[:half]).group.tolist()
    assert index.add_many(list(range(half, len(texts))), texts[half:]) == batch[half:]


def test_query_returns_duplicates_and_similar_texts_best_first() -> None:
    index = DuplicateIndex()
    for i, text in enumerate(UNRELATED):
        index.add(100 + i, text)
    typed = STREETLIGHT.split("\n")[1][:30]  # a resident half-way through typing
    matches = index.query(typed)
    assert matches and matches[0].id == 100
    assert matches[0].overlap == pytest.approx(1.0)
    assert index.duplicate_of(STREETLIGHT + "谢谢") is not None
    assert index.duplicate_of("完全不同的内容，关于公园里的健身器材损坏需要更换。") is None
    assert index.query("完全不同的内容，关于公园里的健身器材损坏需要更换。") == []


# --- stores ----------------------------------------------------------------------------


@pytest.fixture
def redis_store() -> Iterator[RedisStore]:
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
        client.ping()
    except Exception as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required when CI=true: {error}")
        pytest.skip(f"Redis not available: {error}")
    store = RedisStore(client, f"zz:test:dedup:{uuid.uuid4().hex}")
    yield store
    store.clear()


@pytest.mark.parametrize("store_kind", ["memory", "redis"])
def test_stores_follow_the_protocol(store_kind: str, request: pytest.FixtureRequest) -> None:
    store: DuplicateStore = (
        InMemoryStore() if store_kind == "memory" else request.getfixturevalue("redis_store")
    )
    assert isinstance(store, DuplicateStore)
    store.append_to_buckets([1, 2], 10, cap=2)
    store.append_to_buckets([1, 2], 11, cap=2)
    store.append_to_buckets([1, 3], 12, cap=2)  # bucket 1 is full: 12 ignored there
    assert store.bucket_members([1, 2, 3, 4]) == [[10, 11], [10, 11], [12], []]
    store.put_digest(10, b"\x01\x00\x00\x00")
    assert store.get_digests([10, 99]) == [b"\x01\x00\x00\x00", None]


def test_redis_index_gives_the_batch_groups(redis_store: RedisStore) -> None:
    texts = _corpus(6)
    batch = find_duplicate_groups(texts).group.tolist()
    index = DuplicateIndex(redis_store)
    assert index.add_many(list(range(len(texts))), texts) == batch
    # a second process sharing the store sees the same index
    other = DuplicateIndex(redis_store)
    assert other.duplicate_of(texts[-1]) is not None


def test_redis_bulk_build_equals_one_by_one(redis_store: RedisStore) -> None:
    texts = _corpus(7)
    index, _ = DuplicateIndex.build(list(range(len(texts))), texts, redis_store)
    extra = [STREETLIGHT + "请尽快解决", "完全不同的内容，关于公园里的健身器材损坏需要更换。"]
    expected = find_duplicate_groups(texts + extra).group.tolist()[len(texts) :]
    assert index.add_many([len(texts), len(texts) + 1], extra) == expected


def test_signatures_are_stable_across_batches() -> None:
    alone = compute_signatures([STREETLIGHT])
    mixed = compute_signatures([MARKET, "", "灯", STREETLIGHT])
    assert np.array_equal(alone.bands[0], mixed.bands[3])
    assert alone.exact[0] == mixed.exact[3]
    assert np.array_equal(alone.text_anchors(0), mixed.text_anchors(3))
    assert np.array_equal(alone.digest(0), mixed.digest(3))
