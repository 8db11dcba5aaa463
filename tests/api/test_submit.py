"""Public single submission: receipt codes, idempotency, bad input, rate limit."""

import datetime

import pytest
from django.db import connection
from django.test import Client

from tests.api.conftest import post_json, submit_url
from tests.conftest import World
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.models import Channel, Suggestion
from zhongzhi.intake.receipt_codes import parse_receipt_code


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_public_submit_returns_201_with_a_receipt_code(
    world: World, api: Client, topic: Topic
) -> None:
    response = post_json(
        api,
        submit_url(world.campaign.pk),
        {
            "text": "红岛路的路灯坏了，晚上很黑。",
            "topic_id": topic.pk,
            "submitter_phone": "138 0013 8000",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert parse_receipt_code(body["receipt_code"]) is not None
    assert body["status"] == "received"
    assert body["status_label"] == "已收到"
    suggestion = Suggestion.objects.get()
    assert suggestion.channel == Channel.API
    assert suggestion.topic == topic
    assert suggestion.submitter_phone == "13800138000"
    assert response["Content-Type"].startswith("application/json")


def test_public_submit_takes_a_landline(world: World, api: Client) -> None:
    response = post_json(
        api, submit_url(world.campaign.pk), {"text": "建议", "submitter_phone": "053282881234"}
    )
    assert response.status_code == 201, response.json()
    assert Suggestion.objects.get().submitter_phone == "0532-82881234"


def test_a_refused_phone_names_both_forms(world: World, api: Client) -> None:
    response = post_json(
        api, submit_url(world.campaign.pk), {"text": "建议", "submitter_phone": "12345"}
    )
    assert response.status_code == 422
    (message,) = response.json()["errors"]["submitter_phone"]
    assert "13800138000" in message and "0532-82881234" in message


def test_topic_may_be_given_by_name(world: World, api: Client, topic: Topic) -> None:
    response = post_json(api, submit_url(world.campaign.pk), {"text": "建议", "topic": "营商环境"})
    assert response.status_code == 201
    assert Suggestion.objects.get().topic == topic


def test_same_idempotency_key_returns_the_same_code_once(world: World, api: Client) -> None:
    data = {"text": "希望增设老年食堂。"}
    headers = {"Idempotency-Key": "5b0f3a4e-0c1d-4f7a-9f3e-2d1c0b9a8e7f"}
    first = post_json(api, submit_url(world.campaign.pk), data, **headers)
    again = post_json(api, submit_url(world.campaign.pk), data, **headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Suggestion.objects.count() == 1


def test_idempotency_key_reused_for_other_text_is_refused(world: World, api: Client) -> None:
    headers = {"Idempotency-Key": "key-1"}
    assert (
        post_json(api, submit_url(world.campaign.pk), {"text": "甲"}, **headers).status_code == 201
    )
    other = post_json(api, submit_url(world.campaign.pk), {"text": "乙"}, **headers)
    assert other.status_code == 422
    assert is_chinese(other.json()["detail"])
    assert Suggestion.objects.count() == 1


# Foreign keys are checked when the transaction commits: a real one here.
@pytest.mark.django_db(transaction=True)
def test_a_topic_deleted_by_another_process_is_a_chinese_400_not_a_500(
    world: World, api: Client, topic: Topic
) -> None:
    url = submit_url(world.campaign.pk)
    assert post_json(api, url, {"text": "先提一条"}).status_code == 201  # choices now kept
    # Deleted where this process's kept choices do not hear of it (another server process).
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Topic._meta.db_table} WHERE id = %s", [topic.pk])

    response = post_json(api, url, {"text": "再提一条", "topic_id": topic.pk})

    assert response.status_code == 422, response.json()
    assert "已被删除" in response.json()["errors"]["topic"][0]
    assert Suggestion.objects.count() == 1


def test_bad_idempotency_key_is_refused(world: World, api: Client) -> None:
    response = post_json(
        api, submit_url(world.campaign.pk), {"text": "建议"}, **{"Idempotency-Key": "x" * 81}
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n\t "}, "text"),
        ({"text": "长" * 5001}, "text"),
        ({"text": "有控制字符\x00在这里"}, "text"),
        ({"text": "有控制字符\x1b[31m"}, "text"),
        ({"text": "好", "title": "标题\x07"}, "title"),
        ({"text": "好", "submitter_name": "王\x00"}, "submitter_name"),
        ({"text": "好", "submitter_phone": "12345"}, "submitter_phone"),
        ({"text": "好", "submitter_phone": "1380013800a"}, "submitter_phone"),
        ({"text": "好", "submitter_phone": "' OR 1=1 --"}, "submitter_phone"),
        ({"text": "好", "topic_id": 999999}, "topic_id"),
        ({"text": "好", "topic": "不存在的方面"}, "topic"),
        ({"text": "好", "topic": "营商环境\x00"}, "topic"),
        ({"text": "好", "category_id": 999999}, "category_id"),
        ({"text": "好", "unit_code": "NO-SUCH-UNIT"}, "unit_code"),
        ({"text": "好", "unit_code": "'; DROP TABLE org_unit; --"}, "unit_code"),
        ({"text": "好", "topic_id": 2**70}, "topic_id"),
        ({"text": 123}, "text"),
        ({"text": ["列表"]}, "text"),
        ({"text": "好", "anonymous": "也许"}, "anonymous"),
        ({"txt": "拼错的字段"}, "text"),
        ({}, "text"),
    ],
)
def test_bad_input_gets_a_chinese_4xx_and_nothing_is_saved(
    world: World, api: Client, topic: Topic, data: dict, field: str
) -> None:
    response = post_json(api, submit_url(world.campaign.pk), data)
    assert 400 <= response.status_code < 500, response.content
    body = response.json()
    assert is_chinese(body["detail"]), body
    assert field in body["errors"], body
    assert all(is_chinese(message) for message in body["errors"][field])
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('xss')</script>路灯不亮",
        '<img src=x onerror="alert(1)">',
        "'; DROP TABLE intake_suggestion; --",
        "1' OR '1'='1",
        "繁體字的建議：網(wǎng)上辦事要方便",
    ],
)
def test_html_script_and_sql_are_stored_verbatim(world: World, api: Client, text: str) -> None:
    response = post_json(
        api,
        submit_url(world.campaign.pk),
        {"text": text, "title": "<b>标题</b>", "submitter_name": "<i>x</i>"},
    )
    assert response.status_code == 201
    suggestion = Suggestion.objects.get()
    assert suggestion.text == text
    assert suggestion.title == "<b>标题</b>"
    assert suggestion.submitter_name == "<i>x</i>"


def test_text_at_the_limit_is_accepted(world: World, api: Client) -> None:
    response = post_json(api, submit_url(world.campaign.pk), {"text": "长" * 5000})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"text": "未闭合',
        "",
        "null",
        "[1, 2]",
        '"just a string"',
        b"\xff\xfe\x00bad bytes",
        '{"text": "\\ud800"}',
    ],
)
def test_unreadable_body_is_a_4xx_not_a_500(world: World, api: Client, body: str | bytes) -> None:
    response = post_json(api, submit_url(world.campaign.pk), body)
    assert 400 <= response.status_code < 500, response.content
    assert is_chinese(response.json()["detail"])
    assert not Suggestion.objects.exists()


def test_unknown_campaign_is_a_chinese_404(world: World, api: Client) -> None:
    for campaign_id in ("999999", "0", "abc", str(2**80)):
        response = post_json(api, f"/api/campaigns/{campaign_id}/suggestions", {"text": "好"})
        assert response.status_code in (404, 422), campaign_id
        if response["Content-Type"].startswith("application/json"):
            assert is_chinese(response.json()["detail"])


def test_csrf_is_not_needed_for_the_public_submit(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, submit_url(world.campaign.pk), {"text": "建议"})
    assert response.status_code == 201


def test_rate_limit_answers_429_with_retry_after(world: World, api: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"submit": (3, 60)}
    codes = [
        post_json(api, submit_url(world.campaign.pk), {"text": f"建议{i}"}).status_code
        for i in range(4)
    ]
    assert codes == [201, 201, 201, 429]
    limited = post_json(api, submit_url(world.campaign.pk), {"text": "再来"})
    assert limited.status_code == 429
    assert is_chinese(limited.json()["detail"])
    assert limited["Retry-After"] == "30"  # the clock is frozen mid-window in these tests
    assert Suggestion.objects.count() == 3
    # Another client has its own window.
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert post_json(elsewhere, submit_url(world.campaign.pk), {"text": "别人"}).status_code == 201


def test_forwarded_for_counts_only_behind_a_trusted_proxy(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"submit": (1, 60)}
    client = Client(REMOTE_ADDR="10.0.0.1")
    url = submit_url(world.campaign.pk)
    assert (
        post_json(client, url, {"text": "一"}, **{"X-Forwarded-For": "1.1.1.1"}).status_code == 201
    )
    # Not trusted: a forged X-Forwarded-For does not buy a new window.
    assert (
        post_json(client, url, {"text": "二"}, **{"X-Forwarded-For": "2.2.2.2"}).status_code == 429
    )
    settings.ZHONGZHI_TRUSTED_PROXY = True
    assert (
        post_json(client, url, {"text": "三"}, **{"X-Forwarded-For": "3.3.3.3"}).status_code == 201
    )
    assert (
        post_json(
            client, url, {"text": "四"}, **{"X-Forwarded-For": "9.9.9.9, 3.3.3.3"}
        ).status_code
        == 429
    )


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (datetime.date(2026, 8, 31), "本次活动将于 2026年9月1日 开始征集建议"),
        (datetime.date(2027, 1, 1), "本次活动已于 2026年12月31日 结束征集"),
    ],
)
def test_outside_the_campaign_days_residents_are_told_when_and_nothing_is_kept(
    world: World, api: Client, monkeypatch: pytest.MonkeyPatch, today: datetime.date, said: str
) -> None:
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: today)
    response = post_json(api, submit_url(world.campaign.pk), {"text": "希望增设老年食堂。"})
    assert response.status_code == 409
    assert said in response.json()["detail"]
    assert response.json()["errors"]["campaign"] == [response.json()["detail"]]
    assert Suggestion.objects.count() == 0


@pytest.mark.parametrize("day", [datetime.date(2026, 9, 1), datetime.date(2026, 12, 31)])
def test_first_and_last_days_of_the_campaign_take_suggestions(
    world: World, api: Client, monkeypatch: pytest.MonkeyPatch, day: datetime.date
) -> None:
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: day)
    response = post_json(api, submit_url(world.campaign.pk), {"text": "希望增设老年食堂。"})
    assert response.status_code == 201
