"""Place-aware near-duplicates: the same request about another building is another
suggestion; a resubmission keeps its place. All texts are written here."""

from __future__ import annotations

import random

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from zhongzhi.triage.dedup import DuplicateIndex, MatchParams, find_duplicate_groups
from zhongzhi.triage.places import PlaceFinder, conflict, same_place

STAIR_LIGHT = (
    "楼道灯坏了\n"
    "{place}的楼道灯已经坏了一个多月，晚上上下楼全靠手机照明，楼里老人多，"
    "上周有位老人在三楼台阶上摔了一跤。物业说要等统一采购，一直没有人来修。"
    "希望尽快更换楼道灯，并改成声控灯，方便居民夜间出行。"
)
OTHER = (
    "公交站台没有遮雨棚\n"
    "湛山路公交站台没有遮雨棚，下雨天等车的居民只能站在雨里，带孩子的家长尤其不便。"
    "建议在站台加装遮雨棚和座椅。"
)


def _text(place: str) -> str:
    return STAIR_LIGHT.format(place=place)


def _together(a: str, b: str, finder: PlaceFinder | None = None) -> bool:
    group = find_duplicate_groups([OTHER, a, b], places=finder).group.tolist()
    return group[1] == group[2]


def _named(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The places themselves, without the spots they stand at (``c`` tokens)."""
    return tuple(t for t in tokens if not t.startswith("c:"))


def test_places_are_read_with_numbers_folded() -> None:
    finder = PlaceFinder()
    assert finder.find("山海关路4号的楼道") == ("h:海关路#4",)
    assert _named(finder.find("丽发新城3号楼2单元501室")) == ("b:#3-2-501",)
    assert _named(finder.find("王家村五组的路")) == ("g:#5",)
    assert finder.find("紅島路３號") == finder.find("红岛路三号") == ("h:红岛路#3",)
    assert _named(finder.find("第十五村民组")) == ("g:#15",)
    assert finder.find("黎托村60号") == ("h:黎托村#60",)


def test_a_number_changed_where_the_other_text_names_it_too_is_another_place() -> None:
    # The copy names only places the original names as well (2栋, or 六栋 beside 6栋),
    # but at the same spot of the text it names another one.
    first, second = "目前{}栋和2栋外墙的瓷砖脱落，{}栋楼下的路面也破了".format, "小区"
    assert not _together(_text(first("1", "1")), _text(first("2", "2")))
    assert not _together(_text("富绿新村新6栋，就是六栋"), _text("富绿新村新14栋，就是六栋"))
    assert not _together(_text("泰禹云开一品1、7、8栋"), _text("泰禹云开一品1、7、9栋"))
    assert not _together(_text(f"{second}五栋四单元"), _text(f"{second}四栋四单元"))
    # the same spot, the unit dropped or kept: the same place
    assert _together(_text("富绿新村新6栋2单元"), _text("富绿新村新6栋"))


def test_campaign_names_count_as_places() -> None:
    finder = PlaceFinder(["金口路社区", "红岛路社区"])
    assert finder.find("我是紅島路社區居民") == ("n:红岛路社区",)
    assert conflict(finder.find("金口路社区门口"), finder.find("红岛路社区门口"))


def test_same_request_at_another_house_number_is_another_suggestion() -> None:
    assert not _together(_text("山海关路4号"), _text("兴安路18号"))
    assert not _together(_text("山海关路4号"), _text("山海关路6号"))
    assert not _together(_text("丽发新城3号楼"), _text("丽发新城5号楼"))
    assert not _together(_text("9栋2单元"), _text("9栋10单元"))
    assert not _together(_text("王家村五组"), _text("王家村六组"))


def test_same_request_in_another_community_of_the_campaign_is_another_suggestion() -> None:
    finder = PlaceFinder(["金口路社区", "红岛路社区"])
    assert not _together(_text("金口路社区"), _text("红岛路社区"), finder)
    # without the campaign's names the two are one suggestion
    assert _together(_text("金口路社区"), _text("红岛路社区"))


def test_resubmissions_keep_their_place() -> None:
    original = _text("山海关路4号3号楼2单元")
    traditional = opencc.OpenCC("s2t").convert(original)
    full_width = original.replace("4", "４").replace("3", "３").replace("，", ",")
    truncated = original[: int(len(original) * 0.6)]
    new_title = "请修楼道灯\n" + original.split("\n", 1)[1]
    greeting = "尊敬的领导：您好！" + original + "盼复，谢谢！"
    for copy in (traditional, full_width, truncated, new_title, greeting):
        assert _together(original, copy), copy


def test_truncated_copy_that_lost_the_unit_is_still_the_same() -> None:
    assert not conflict(("b:#3-2",), ("b:#3",))
    assert conflict(("b:#9", "b:#9-2"), ("b:#9", "b:#9-10"))


def test_a_copy_naming_fewer_places_does_not_conflict() -> None:
    assert not conflict(("h:海关路#4", "b:#3"), ("h:海关路#4",))
    assert same_place(("h:海关路#4",), ("h:海关路#4",)) is True
    assert same_place(("h:海关路#4",), ()) is None
    assert same_place(("h:海关路#4",), ("h:兴安路#18",)) is False


def test_a_retyped_road_name_is_the_same_road() -> None:
    assert not conflict(("h:海关路#4",), ("h:海官路#4",))
    assert conflict(("h:海关路#4",), ("h:海关路#5",))


def test_match_says_same_place_or_elsewhere() -> None:
    index = DuplicateIndex()
    index.add(1, _text("山海关路4号"))
    (match,) = index.query(_text("兴安路18号"))
    assert match.same_place is False and not match.duplicate
    (match,) = index.query(_text("山海关路4号"))
    assert match.same_place is True and match.duplicate


def test_place_blind_engine_merges_them_as_before() -> None:
    blind = MatchParams(place_aware=False)
    texts = [_text("山海关路4号"), _text("兴安路18号")]
    assert find_duplicate_groups(texts, match_params=blind).group.tolist() == [0, 0]


def _variants(rng: random.Random) -> list[str]:
    roads = ["山海关路", "兴安路", "莱阳路", "红岛路"]
    texts = []
    for _ in range(30):
        place = f"{rng.choice(roads)}{rng.randint(1, 6)}号{rng.randint(1, 3)}号楼"
        if rng.random() < 0.5:  # another building named too: changed numbers keep it
            place += f"和{rng.randint(1, 3)}号楼"
        text = _text(place)
        if rng.random() < 0.3:
            text = text[: int(len(text) * rng.uniform(0.5, 0.9))]
        texts.append(text)
    return texts


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_batch_and_incremental_index_agree_with_places(seed: int) -> None:
    texts = _variants(random.Random(seed))
    finder = PlaceFinder(["红岛路"])
    batch = find_duplicate_groups(texts, places=finder).group.tolist()
    index = DuplicateIndex(places=finder)
    incremental = index.add_many(list(range(len(texts))), texts)
    assert incremental == batch
    _index, groups = DuplicateIndex.build(list(range(len(texts))), texts, places=finder)
    assert groups.group.tolist() == batch


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="路街村组号楼栋单元室第一二三十0123456789山海关", max_size=40))
def test_finding_places_never_fails_and_is_stable(text: str) -> None:
    finder = PlaceFinder()
    tokens = finder.find(text)
    assert tokens == tuple(sorted(set(tokens)))
    assert not conflict(tokens, tokens)
