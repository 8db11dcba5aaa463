"""Batch submission by a unit's API token: all or nothing, idempotent, scoped to the unit."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import batch_url, bearer, post_json
from tests.conftest import World
from tests.factories import CampaignFactory
from zhongzhi.api.models import ApiToken, IdempotencyRecord
from zhongzhi.api.services import api_token_create, api_token_revoke
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Channel, Suggestion


def items(count: int) -> list[dict]:
    return [{"text": f"第{i}条建议：小区门口加装护栏。"} for i in range(count)]


def test_batch_saves_every_item_under_the_token_unit(
    world: World, api: Client, hdl_token: str, topic: Topic
) -> None:
    batch = [*items(3), {"text": "座谈会上说的", "channel": "symposium", "topic": "营商环境"}]
    response = post_json(api, batch_url(world.campaign.pk), {"items": batch}, **bearer(hdl_token))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["count"] == 4
    assert [entry["index"] for entry in body["items"]] == [0, 1, 2, 3]
    assert Suggestion.objects.count() == 4
    assert set(Suggestion.objects.values_list("unit", flat=True)) == {world.hongdaolu.pk}
    assert Suggestion.objects.get(text="座谈会上说的").channel == Channel.SYMPOSIUM
    assert Suggestion.objects.get(text="座谈会上说的").topic == topic
    assert ApiToken.objects.get().last_used_at is not None


def test_batch_retried_with_the_same_key_creates_nothing_new(
    world: World, api: Client, hdl_token: str
) -> None:
    headers = {**bearer(hdl_token), "Idempotency-Key": "batch-2026-11-22-001"}
    first = post_json(api, batch_url(world.campaign.pk), {"items": items(5)}, **headers)
    again = post_json(api, batch_url(world.campaign.pk), {"items": items(5)}, **headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Suggestion.objects.count() == 5
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_with_a_different_batch_is_refused(
    world: World, api: Client, hdl_token: str
) -> None:
    headers = {**bearer(hdl_token), "Idempotency-Key": "k1"}
    assert (
        post_json(api, batch_url(world.campaign.pk), {"items": items(2)}, **headers).status_code
        == 201
    )
    other = post_json(api, batch_url(world.campaign.pk), {"items": items(3)}, **headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["errors"]
    assert Suggestion.objects.count() == 2


def test_keys_of_two_units_do_not_collide(world: World, api: Client, hdl_token: str) -> None:
    _token, jkl_token = api_token_create(unit=world.jinkoulu, name="金口路", created_by=None)
    key = {"Idempotency-Key": "same-key"}
    first = post_json(
        api, batch_url(world.campaign.pk), {"items": items(1)}, **bearer(hdl_token), **key
    )
    second = post_json(
        api, batch_url(world.campaign.pk), {"items": items(1)}, **bearer(jkl_token), **key
    )
    assert first.status_code == second.status_code == 201
    assert first.json() != second.json()
    assert Suggestion.objects.count() == 2


def test_one_bad_item_among_many_saves_nothing_and_is_named(
    world: World, api: Client, hdl_token: str
) -> None:
    batch = items(50)
    batch[7] = {"text": "   "}
    batch[31] = {"text": "好", "submitter_phone": "110"}
    batch[42] = {"text": "好", "topic": "没有这个方面"}
    response = post_json(api, batch_url(world.campaign.pk), {"items": batch}, **bearer(hdl_token))
    assert response.status_code == 422
    body = response.json()
    assert "整批未保存" in body["detail"]
    bad = {entry["index"]: entry["errors"] for entry in body["errors"]["items"]}
    assert set(bad) == {7, 31, 42}
    assert bad[7] == {"text": ["请填写建议内容。"]}
    assert "submitter_phone" in bad[31]
    assert "topic" in bad[42]
    assert not Suggestion.objects.exists()


def test_schema_errors_in_items_are_named_by_index(
    world: World, api: Client, hdl_token: str
) -> None:
    batch = items(5)
    batch[2] = {"text": 42}
    batch[4] = {"text": "长" * 5001}
    response = post_json(api, batch_url(world.campaign.pk), {"items": batch}, **bearer(hdl_token))
    assert response.status_code == 422
    bad = {entry["index"]: entry["errors"] for entry in response.json()["errors"]["items"]}
    assert set(bad) == {2, 4}
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("count", [0, 501])
def test_batch_size_is_between_1_and_500(
    world: World, api: Client, hdl_token: str, count: int
) -> None:
    response = post_json(
        api, batch_url(world.campaign.pk), {"items": items(count)}, **bearer(hdl_token)
    )
    assert response.status_code == 422
    assert "items" in response.json()["errors"]
    assert not Suggestion.objects.exists()


def test_a_full_batch_of_500_is_saved(world: World, api: Client, hdl_token: str) -> None:
    response = post_json(
        api, batch_url(world.campaign.pk), {"items": items(500)}, **bearer(hdl_token)
    )
    assert response.status_code == 201
    assert Suggestion.objects.count() == 500


def test_batch_needs_a_valid_token(world: World, api: Client, hdl_token: str) -> None:
    url = batch_url(world.campaign.pk)
    for headers in (
        {},
        bearer("zz_wrong"),
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "Bearer"},
    ):
        response = post_json(api, url, {"items": items(1)}, **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "令牌" in response.json()["detail"]
    # A signed-in coordinator's session is not a token.
    session = world.client_for(world.hongdaolu_coordinator)
    assert post_json(session, url, {"items": items(1)}).status_code == 401
    assert not Suggestion.objects.exists()


def test_revoked_token_is_refused(world: World, api: Client, hdl_token: str) -> None:
    api_token_revoke(token=ApiToken.objects.get())
    response = post_json(
        api, batch_url(world.campaign.pk), {"items": items(1)}, **bearer(hdl_token)
    )
    assert response.status_code == 401


def test_token_cannot_file_under_a_unit_outside_its_subtree(
    world: World, api: Client, hdl_token: str
) -> None:
    batch = [{"text": "金口路的事", "unit_code": world.jinkoulu.code}]
    response = post_json(api, batch_url(world.campaign.pk), {"items": batch}, **bearer(hdl_token))
    assert response.status_code == 422
    assert "unit_code" in response.json()["errors"]["items"][0]["errors"]
    assert not Suggestion.objects.exists()


def test_street_token_may_file_under_a_community(world: World, api: Client) -> None:
    _token, plain = api_token_create(unit=world.street, name="街道系统", created_by=world.office)
    batch = [{"text": "红岛路的事", "unit_code": world.hongdaolu.code}, {"text": "街道的事"}]
    response = post_json(api, batch_url(world.campaign.pk), {"items": batch}, **bearer(plain))
    assert response.status_code == 201
    assert Suggestion.objects.get(text="红岛路的事").unit == world.hongdaolu
    assert Suggestion.objects.get(text="街道的事").unit == world.street


def test_token_cannot_submit_to_a_campaign_its_unit_cannot_see(
    world: World, api: Client, hdl_token: str
) -> None:
    elsewhere: Campaign = CampaignFactory(name="别的街道的活动")  # type: ignore[assignment]  # factory_boy returns the model
    response = post_json(api, batch_url(elsewhere.pk), {"items": items(1)}, **bearer(hdl_token))
    assert response.status_code == 404
    assert response.json()["detail"]
    assert not Suggestion.objects.exists()


def test_batch_invalid_json_is_a_400(world: World, api: Client, hdl_token: str) -> None:
    response = post_json(api, batch_url(world.campaign.pk), '{"items": [', **bearer(hdl_token))
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_batch_items_must_be_objects(world: World, api: Client, hdl_token: str) -> None:
    for body in ({"items": "不是列表"}, {"items": [1, 2]}, {"items": [None]}, [{"text": "x"}]):
        response = post_json(
            api, batch_url(world.campaign.pk), json.dumps(body), **bearer(hdl_token)
        )
        assert response.status_code == 422, body
    assert not Suggestion.objects.exists()


def test_batch_rate_limit_is_per_token(world: World, api: Client, hdl_token: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"batch": (2, 60)}
    codes = [
        post_json(
            api, batch_url(world.campaign.pk), {"items": items(1)}, **bearer(hdl_token)
        ).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]


def test_oversized_body_is_a_413(world: World, api: Client, hdl_token: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post_json(
        api, batch_url(world.campaign.pk), {"items": items(200)}, **bearer(hdl_token)
    )
    assert response.status_code == 413
    assert "分成几批" in response.json()["detail"]
    assert not Suggestion.objects.exists()


def test_keys_older_than_a_month_are_forgotten_and_recent_ones_kept(
    world: World, api: Client, hdl_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zhongzhi.api.services._PRUNE_CHANCE", 1.0)  # prune on every save
    items = {"items": [{"text": "希望增设老年食堂。"}]}
    url = batch_url(world.campaign.pk)
    assert (
        post_json(api, url, items, **bearer(hdl_token), **{"Idempotency-Key": "old"}).status_code
        == 201
    )
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )

    post_json(api, url, items, **bearer(hdl_token), **{"Idempotency-Key": "new"})

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_units_may_send_what_they_collected_after_the_campaign_ended(
    world: World, api: Client, hdl_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Paper forms and meeting notes arrive late; only residents' own channels close.
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: datetime.date(2027, 1, 10))
    response = post_json(
        api, batch_url(world.campaign.pk), {"items": items(2)}, **bearer(hdl_token)
    )
    assert response.status_code == 201
    assert Suggestion.objects.count() == 2
