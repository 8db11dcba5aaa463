"""The database store of the near-duplicate index: the protocol, the cap, sharing."""

import random
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from tests.conftest import World
from tests.factories import CampaignFactory
from zhongzhi.analysis.models import DuplicateBucketEntry
from zhongzhi.analysis.stores import BatchStore, DatabaseStore, lock_campaign_index
from zhongzhi.triage.dedup import DuplicateIndex, DuplicateStore, InMemoryStore
from zhongzhi.triage.resubmit import ResubmissionRates, generate

# Suggestions written for these tests (the concrete requests of seed 004).
ROAD = (
    "红岛路38号楼前的人行道坑洼不平，下雨天积水严重。"
    "老人和孩子出行很不方便，上个月还有人在这里摔倒。"
    "建议街道尽快安排施工队重新铺设路面，并在路口增设排水口。"
)
HANDRAILS = (
    "金口路社区老旧楼道没有扶手，楼梯又陡又窄，腿脚不便的老人上下楼十分困难。"
    "希望社区协调物业在三至六层楼道加装扶手和护栏。"
)
WATER_PIPES = (
    "福山路12号院的自来水管道老化漏水已经半年，地下室常年积水发出臭味，"
    "污水还渗到了一楼住户家里。请有关部门尽快更换管道，修好污水井。"
)
TOP_UP = (
    "八大关社区附近没有公交卡和电卡的充值机，居民每次充值都要坐车去两公里外的营业厅。"
    "建议在社区服务中心安装一台自助充值机。"
)
DANCE_TEAM = (
    "太平角社区退休居民很多，大家希望成立一支广场舞队，"
    "请社区提供活动场地和音响设备，并请文化站派老师指导。"
)
BASE_TEXTS = [ROAD, HANDRAILS, WATER_PIPES, TOP_UP, DANCE_TEAM]

CAP = 64


def test_database_store_satisfies_the_protocol(world: World) -> None:
    assert isinstance(DatabaseStore(world.campaign.pk), DuplicateStore)


def test_buckets_keep_members_in_append_order_and_unknown_keys_are_empty(world: World) -> None:
    store = DatabaseStore(world.campaign.pk)
    store.append_to_buckets([7, 2**62 + 5], 30, CAP)
    store.append_to_buckets([7], 10, CAP)
    store.append_to_buckets([7, 8], 20, CAP)

    assert store.bucket_members([8, 7, 99, 2**62 + 5]) == [[20], [30, 10, 20], [], [30]]
    assert store.bucket_members([]) == []


def test_append_respects_the_cap(world: World) -> None:
    store = DatabaseStore(world.campaign.pk)
    for member in range(1, 6):
        store.append_to_buckets([1, 2], member, 3)
    store.append_to_buckets([2, 3], 9, 1)

    assert store.bucket_members([1, 2, 3]) == [[1, 2, 3], [1, 2, 3], [9]]


def test_digests_round_trip_and_absent_ones_are_none(world: World) -> None:
    store = DatabaseStore(world.campaign.pk)
    store.put_digest(5, b"\x00\x01\xff")
    store.put_digest(6, b"first")
    store.put_digest(6, b"second")

    assert store.get_digests([6, 404, 5]) == [b"second", None, b"\x00\x01\xff"]
    assert store.get_digests([]) == []


def test_the_primary_key_refuses_two_members_at_one_place(world: World) -> None:
    store = DatabaseStore(world.campaign.pk)
    store.append_to_buckets([11], 1, CAP)

    with pytest.raises(IntegrityError), transaction.atomic():
        DuplicateBucketEntry.objects.create(campaign=world.campaign, key=11, position=0, member=2)


def test_the_campaign_lock_is_reentrant_within_a_transaction(world: World) -> None:
    with transaction.atomic():
        lock_campaign_index(world.campaign.pk)
        lock_campaign_index(world.campaign.pk)
        DatabaseStore(world.campaign.pk).append_to_buckets([5], 1, CAP)

    assert DatabaseStore(world.campaign.pk).bucket_members([5]) == [[1]]


def _corpus() -> tuple[list[int], list[str]]:
    """The written texts with generated resubmissions (greetings, Traditional script,
    dropped sentences…) mixed in after their originals."""
    rates = ResubmissionRates(resubmitted=1.0, mean_extra_copies=2.0)
    texts = [item.text for item in generate(BASE_TEXTS, random.Random(5), rates)]
    return [100 + 3 * i for i in range(len(texts))], texts


def test_database_store_gives_the_same_results_as_the_in_memory_store(world: World) -> None:
    ids, texts = _corpus()
    in_memory = DuplicateIndex(InMemoryStore())
    in_database = DuplicateIndex(DatabaseStore(world.campaign.pk))

    assert in_database.add_many(ids, texts) == in_memory.add_many(ids, texts)
    for text in [*texts, "请在学校门口设置交通信号灯和减速带，早晚接送孩子的车辆太多。"]:
        assert in_database.query(text, top_k=5) == in_memory.query(text, top_k=5)
        assert in_database.duplicate_of(text) == in_memory.duplicate_of(text)


def test_a_batch_store_writes_what_adding_one_by_one_writes(world: World) -> None:
    ids, texts = _corpus()
    other = CampaignFactory(owner_unit=world.street)
    half = len(ids) // 2
    one_by_one = DuplicateIndex(DatabaseStore(other.pk))
    batched = DatabaseStore(world.campaign.pk)
    DuplicateIndex(batched).add_many(ids[:half], texts[:half])  # already in the database

    with transaction.atomic():
        lock_campaign_index(world.campaign.pk)
        batch = BatchStore(batched)
        groups = DuplicateIndex(batch).add_many(ids[half:], texts[half:])
        assert DatabaseStore(world.campaign.pk).get_digests(ids[half:]) == [None] * (
            len(ids) - half
        )  # nothing written before the flush
        batch.flush()

    assert one_by_one.add_many(ids, texts)[half:] == groups
    rows = DuplicateBucketEntry.objects.order_by("key", "position")
    assert list(rows.filter(campaign=world.campaign).values_list("key", "position", "member")) == (
        list(rows.filter(campaign=other).values_list("key", "position", "member"))
    )
    assert batched.get_digests(ids) == DatabaseStore(other.pk).get_digests(ids)


def test_a_batch_knows_when_another_writer_changed_a_bucket_it_read(world: World) -> None:
    batch = BatchStore(DatabaseStore(world.campaign.pk))
    DuplicateIndex(batch).add_many([1, 2], [HANDRAILS, ROAD])
    assert batch.still_current()

    DuplicateIndex(DatabaseStore(world.campaign.pk)).add(3, "您好！" + ROAD)  # another worker

    assert not batch.still_current()


def test_two_processes_see_each_others_additions(world: World) -> None:
    first = DuplicateIndex(DatabaseStore(world.campaign.pk))
    second = DuplicateIndex(DatabaseStore(world.campaign.pk))

    first.add(1, ROAD)
    second.add(2, HANDRAILS)

    match = second.duplicate_of("尊敬的领导：您好！" + ROAD + "盼复！")
    assert match is not None
    assert match.id == 1
    assert [m.id for m in first.query(HANDRAILS)] == [2]
    assert second.add(3, ROAD) == 1


def test_each_campaign_has_its_own_index(world: World) -> None:
    other = CampaignFactory(owner_unit=world.street)
    DuplicateIndex(DatabaseStore(world.campaign.pk)).add(1, ROAD)

    assert DuplicateIndex(DatabaseStore(other.pk)).query(ROAD) == []
    assert DatabaseStore(other.pk).get_digests([1]) == [None]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_overfill_a_bucket(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; concurrency matters on PostgreSQL")
    campaign_id = world.campaign.pk
    workers = 8
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def append(member: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            DatabaseStore(campaign_id).append_to_buckets([41, 42, 43], member, 5)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=append, args=(m,)) for m in range(1, workers + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    buckets = DatabaseStore(campaign_id).bucket_members([41, 42, 43])
    assert [len(b) for b in buckets] == [5, 5, 5]
    assert all(len(set(b)) == 5 for b in buckets)
