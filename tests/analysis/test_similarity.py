"""Similar suggestions while a resident types, and keeping the shared index up to date."""

import io
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.analysis.test_stores import DANCE_TEAM, HANDRAILS, ROAD, TOP_UP, WATER_PIPES
from tests.conftest import World
from tests.factories import CampaignFactory
from zhongzhi.analysis.models import DuplicateBucketEntry, DuplicateDigest
from zhongzhi.analysis.similarity import (
    REBUILD_AT,
    duplicate_store,
    index_new_suggestions,
    rebuild_index,
    similar_suggestions,
)
from zhongzhi.analysis.stores import BatchStore, DatabaseStore
from zhongzhi.analysis.tasks import follow_new_suggestions
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.screening.services.decisions import suggestion_decide
from zhongzhi.triage.dedup import DuplicateIndex, RedisStore

ROAD_WITH_GREETING = "尊敬的领导：您好！" + ROAD + "盼复，谢谢！"
ROAD_TRADITIONAL = (
    "紅島路38號樓前的人行道坑窪不平，下雨天積水嚴重。"
    "老人和孩子出行很不方便，上個月還有人在這裡摔倒。"
    "建議街道盡快安排施工隊重新鋪設路面，並在路口增設排水口。"
)
ROAD_SENTENCE_DROPPED = (
    "红岛路38号楼前的人行道坑洼不平，下雨天积水严重。"
    "建议街道尽快安排施工队重新铺设路面，并在路口增设排水口。"
)
UNRELATED = "建议在学校门口设置交通信号灯和减速带，早晚接送孩子的家长太多，车辆乱停乱放。"


def _submit(campaign: Campaign, text: str, *, index: bool = True) -> Suggestion:
    suggestion, _ = suggestion_submit(campaign=campaign, text=text, channel="online")
    if index:
        index_new_suggestions()
    return suggestion


def _index_rows(campaign: Campaign) -> tuple[set[tuple[int, int, int]], set[tuple[int, bytes]]]:
    entries = DuplicateBucketEntry.objects.filter(campaign=campaign)
    digests = DuplicateDigest.objects.filter(campaign=campaign)
    return (
        set(entries.values_list("key", "position", "member")),
        {(member, bytes(digest)) for member, digest in digests.values_list("member", "digest")},
    )


@pytest.fixture
def road(world: World) -> Suggestion:
    for text in (HANDRAILS, WATER_PIPES, TOP_UP, DANCE_TEAM):
        _submit(world.campaign, text)
    return _submit(world.campaign, ROAD)


@pytest.mark.parametrize(
    "resubmission",
    [ROAD_WITH_GREETING, ROAD_TRADITIONAL, ROAD_SENTENCE_DROPPED],
    ids=["greeting-added", "traditional-script", "sentence-dropped"],
)
def test_a_resubmission_is_shown_as_a_duplicate(
    world: World, road: Suggestion, resubmission: str
) -> None:
    similar = similar_suggestions(campaign=world.campaign, text=resubmission)

    assert similar[0].suggestion == road
    assert similar[0].is_duplicate
    assert similar[0].similarity >= 0.8


def test_an_unrelated_text_finds_nothing(world: World, road: Suggestion) -> None:
    assert similar_suggestions(campaign=world.campaign, text=UNRELATED) == []


def test_the_shown_suggestion_carries_its_receipt_code_and_plus_ones(
    world: World, road: Suggestion
) -> None:
    Suggestion.objects.filter(pk=road.pk).update(plus_ones=7, submitter_phone="13800138000")

    [shown] = similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING)

    assert (shown.suggestion.receipt_code, shown.suggestion.plus_ones) == (road.receipt_code, 7)
    assert shown.suggestion.text == ROAD
    # Personal data is not even loaded for the public box.
    assert {"submitter_phone", "submitter_name"} <= shown.suggestion.get_deferred_fields()


def test_a_suggestion_of_another_campaign_is_never_returned(world: World) -> None:
    other = CampaignFactory(owner_unit=world.street)
    _submit(other, ROAD)

    assert similar_suggestions(campaign=world.campaign, text=ROAD) == []
    mine = _submit(world.campaign, ROAD)
    assert [s.suggestion for s in similar_suggestions(campaign=world.campaign, text=ROAD)] == [mine]


def test_invalid_suggestions_are_not_shown(world: World, road: Suggestion) -> None:
    suggestion_decide(suggestion=road, decision="invalid", reason="广告或推销", actor=world.office)

    assert similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING) == []


def test_a_very_short_text_returns_nothing(world: World) -> None:
    _submit(world.campaign, "路灯不亮")

    assert similar_suggestions(campaign=world.campaign, text="路灯不亮") == []
    assert similar_suggestions(campaign=world.campaign, text="  路 灯 不 亮！") == []


def test_at_most_limit_suggestions_are_shown_most_similar_first(world: World) -> None:
    base = "社区菜市场周边道路狭窄，早上摆摊的商贩占道经营，"
    texts = [
        base + "车辆和行人经常堵在一起。",
        base + "垃圾也没人及时清理。",
        base + "建议划定临时摊位区域。",
        base + "希望城管定时巡查。",
    ]
    for text in texts:
        _submit(world.campaign, text)

    similar = similar_suggestions(campaign=world.campaign, text=base, limit=3)

    assert len(similar) == 3
    assert [s.similarity for s in similar] == sorted((s.similarity for s in similar), reverse=True)
    assert similar_suggestions(campaign=world.campaign, text=base, limit=0) == []


def test_indexing_a_suggestion_twice_changes_nothing(world: World, road: Suggestion) -> None:
    resubmission = _submit(world.campaign, ROAD_WITH_GREETING)
    before = _index_rows(world.campaign)
    # As after a crash between indexing and marking the suggestions indexed.
    Suggestion.objects.filter(pk__in=[road.pk, resubmission.pk]).update(in_duplicate_index=False)

    assert index_new_suggestions() == {world.campaign.pk: 2}

    assert _index_rows(world.campaign) == before
    assert index_new_suggestions() == {}


def test_a_deleted_suggestion_is_never_indexed(world: World) -> None:
    suggestion = _submit(world.campaign, ROAD, index=False)
    suggestion.delete()

    assert index_new_suggestions() == {}
    assert _index_rows(world.campaign) == (set(), set())


def test_the_follower_indexes_new_suggestions_oldest_first_in_batches(world: World) -> None:
    other = CampaignFactory(owner_unit=world.district)
    road = _submit(world.campaign, ROAD, index=False)
    pipes = _submit(other, WATER_PIPES, index=False)
    _submit(world.campaign, ROAD_TRADITIONAL, index=False)

    assert similar_suggestions(campaign=world.campaign, text=ROAD) == []  # not yet
    assert index_new_suggestions(limit=2) == {world.campaign.pk: 1, other.pk: 1}
    assert index_new_suggestions(limit=2) == {world.campaign.pk: 1}

    found = similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING)
    assert [s.suggestion for s in found] == [road]  # the resubmission joined its group
    assert similar_suggestions(campaign=other, text=WATER_PIPES)[0].suggestion == pipes
    assert not Suggestion.objects.filter(in_duplicate_index=False).exists()


def test_a_batch_overtaken_by_another_writer_is_redone_under_the_lock(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    road = _submit(world.campaign, ROAD)
    again = _submit(world.campaign, ROAD_TRADITIONAL, index=False)
    checks: list[bool] = []

    def overtaken(self: BatchStore) -> bool:
        # As if another worker wrote between the unlocked reads and the lock.
        checks.append(True)
        DuplicateIndex(duplicate_store(world.campaign.pk)).add(road.pk, ROAD)
        return False

    monkeypatch.setattr(BatchStore, "still_current", overtaken)

    assert index_new_suggestions() == {world.campaign.pk: 1}

    assert checks == [True]
    found = similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING)
    assert [s.suggestion for s in found] == [road]  # the resubmission joined road's group
    assert DuplicateDigest.objects.filter(campaign=world.campaign).count() == 1
    assert Suggestion.objects.get(pk=again.pk).in_duplicate_index


def test_a_bulk_import_is_indexed_by_one_rebuild(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhongzhi.analysis.similarity.REBUILD_AT", 3)
    rebuilt: list[int] = []
    real_rebuild = rebuild_index
    monkeypatch.setattr(
        "zhongzhi.analysis.similarity.rebuild_index",
        lambda campaign_id: rebuilt.append(campaign_id) or real_rebuild(campaign_id),
    )
    texts = [HANDRAILS, WATER_PIPES, TOP_UP, DANCE_TEAM, ROAD, ROAD_TRADITIONAL]
    suggestions = [_submit(world.campaign, text, index=False) for text in texts]

    assert index_new_suggestions(limit=2) == {world.campaign.pk: 6}

    assert rebuilt == [world.campaign.pk]
    found = similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING)
    assert found[0].suggestion == suggestions[4]
    assert index_new_suggestions() == {}
    assert REBUILD_AT > 100  # the real threshold: a one-by-one pass is never a rebuild


def test_rebuilding_gives_the_index_that_adding_one_by_one_gives(
    world: World, road: Suggestion
) -> None:
    for text in (ROAD_WITH_GREETING, ROAD_TRADITIONAL, ROAD_SENTENCE_DROPPED):
        _submit(world.campaign, text)
    incremental = _index_rows(world.campaign)
    store = DatabaseStore(world.campaign.pk)
    store.append_to_buckets([12345], 999_999, 64)  # stale: a suggestion since deleted
    store.put_digest(999_999, b"stale")

    assert rebuild_index(world.campaign.pk) == 8
    assert _index_rows(world.campaign) == incremental


def test_rebuilding_indexes_suggestions_that_never_were(world: World) -> None:
    for text in (HANDRAILS, ROAD, TOP_UP):
        _submit(world.campaign, text, index=False)
    calls: list[tuple[int, int]] = []

    assert rebuild_index(world.campaign.pk, progress=lambda *a: calls.append(a)) == 3

    assert similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING)[0].is_duplicate
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1] > 0


def test_the_rebuild_command_rebuilds_the_named_campaign(world: World) -> None:
    _submit(world.campaign, ROAD, index=False)

    out = io.StringIO()
    call_command("rebuild_duplicate_index", world.campaign.pk, stdout=out, stderr=io.StringIO())

    assert f"campaign {world.campaign.pk}: 1 suggestions indexed" in out.getvalue()
    assert similar_suggestions(campaign=world.campaign, text=ROAD_TRADITIONAL) != []
    with pytest.raises(CommandError, match="没有这些编号的活动：987654"):
        call_command("rebuild_duplicate_index", 987654, verbosity=0)
    with pytest.raises(CommandError, match="--all"):
        call_command("rebuild_duplicate_index", verbosity=0)


# --- the Redis store -------------------------------------------------------------------


@pytest.fixture
def redis_index(settings: Any) -> Iterator[None]:
    """Keep the index in Redis, under a prefix of this test's own."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url}")
    settings.ZHONGZHI_DUPLICATE_INDEX = "redis"
    settings.REDIS_URL = url
    settings.ZHONGZHI_DUPLICATE_INDEX_PREFIX = f"zz:test:{uuid.uuid4().hex}"
    yield None
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{settings.ZHONGZHI_DUPLICATE_INDEX_PREFIX}:*"):
        client.unlink(key)


def test_with_redis_a_resubmission_is_found_and_nothing_goes_to_the_database(
    world: World, redis_index: None
) -> None:
    road = _submit(world.campaign, ROAD)
    _submit(world.campaign, HANDRAILS)

    assert isinstance(duplicate_store(world.campaign.pk), RedisStore)
    similar = similar_suggestions(campaign=world.campaign, text=ROAD_TRADITIONAL)
    assert [(s.suggestion, s.is_duplicate) for s in similar] == [(road, True)]
    assert similar_suggestions(campaign=world.campaign, text=UNRELATED) == []
    assert _index_rows(world.campaign) == (set(), set())


def test_with_redis_a_rebuild_replaces_the_index(world: World, redis_index: None) -> None:
    road = _submit(world.campaign, ROAD, index=False)
    store = duplicate_store(world.campaign.pk)
    store.append_to_buckets([12345], 999_999, 64)

    assert rebuild_index(world.campaign.pk) == 1

    assert store.bucket_members([12345]) == [[]]
    assert (
        similar_suggestions(campaign=world.campaign, text=ROAD_WITH_GREETING)[0].suggestion == road
    )


def test_a_new_submission_is_indexed_by_the_follower_and_its_campaign_triaged(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduled: list[int] = []
    monkeypatch.setattr("zhongzhi.analysis.tasks.schedule_campaign_triage", scheduled.append)
    text = "红岛路5号门前的护栏被车撞坏了，老人孩子经过很危险，建议尽快修复护栏。"
    first, _ = suggestion_submit(campaign=world.campaign, text=text, channel="online")

    assert follow_new_suggestions() == 1

    found = similar_suggestions(campaign=world.campaign, text="您好！" + text)
    assert [item.suggestion.pk for item in found] == [first.pk]
    assert found[0].is_duplicate
    assert scheduled == [world.campaign.pk]
    assert follow_new_suggestions() == 0


def test_similar_suggestions_show_the_member_closest_to_the_typed_text(world: World) -> None:
    from zhongzhi.analysis.services import campaign_triage

    short = ROAD.split("。")[0] + "。"
    first = _submit(world.campaign, short)
    closest = _submit(world.campaign, "尊敬的领导：" + ROAD)
    campaign_triage(world.campaign.pk)

    (found,) = similar_suggestions(campaign=world.campaign, text=ROAD)

    assert found.suggestion.pk == closest.pk != first.pk
    assert found.is_duplicate and found.same_place is True
