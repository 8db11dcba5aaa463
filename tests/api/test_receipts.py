"""Reading a suggestion by its receipt code: status, topic, dates, answer; nothing personal."""

import pytest
from django.test import Client

from tests.api.conftest import make_suggestion, post_json, submit_url
from tests.conftest import World
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import ALPHABET
from zhongzhi.screening.services.decisions import suggestion_decide


@pytest.fixture
def answered(world: World, topic: Topic) -> Suggestion:
    suggestion = make_suggestion(world, world.hongdaolu, "红岛路口需要护栏", phone="13800138000")
    Suggestion.objects.filter(pk=suggestion.pk).update(topic=topic)
    suggestion_decide(
        suggestion=suggestion, decision="adopt", actor=world.hongdaolu_coordinator, note="内部备注"
    )
    suggestion_decide(
        suggestion=suggestion,
        decision="answer",
        actor=world.hongdaolu_coordinator,
        reply="护栏已于 11 月安装完毕。",
    )
    suggestion.refresh_from_db()
    return suggestion


def test_receipt_shows_status_topic_timeline_and_answer(
    world: World, api: Client, answered: Suggestion
) -> None:
    response = api.get(f"/api/receipts/{answered.receipt_code_display}")
    assert response.status_code == 200
    body = response.json()
    assert body["receipt_code"] == answered.receipt_code_display
    assert body["status"] == "answered"
    assert body["status_label"] == "已答复"
    assert body["topic"] == "营商环境"
    assert body["answer"] == "护栏已于 11 月安装完毕。"
    assert [entry["status"] for entry in body["timeline"]] == ["received", "adopted", "answered"]
    assert set(body["timeline"][0]) == {"date", "status", "status_label"}
    assert len(body["submitted_on"]) == 10  # a date, not a time


def test_receipt_shows_nothing_personal(world: World, api: Client, answered: Suggestion) -> None:
    content = api.get(f"/api/receipts/{answered.receipt_code}").content.decode()
    for personal in ("王大爷", "13800138000", "138****8000", "红岛路联络员", "内部备注"):
        assert personal not in content
    assert "红岛路口需要护栏" not in content  # the text may carry personal details too


def test_receipt_code_is_read_forgivingly(world: World, api: Client, answered: Suggestion) -> None:
    code = answered.receipt_code
    for typed in (
        code.lower(),
        f"{code[:4]}-{code[4:]}".lower(),
        f"{code[:4]}-{code[4:]}",
        f"{code[:4]}%20{code[4:]}",
    ):
        assert api.get(f"/api/receipts/{typed}").status_code == 200, typed


def test_bad_check_character_is_a_chinese_404(
    world: World, api: Client, answered: Suggestion
) -> None:
    code = answered.receipt_code
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    response = api.get(f"/api/receipts/{code[:-1]}{wrong}")
    assert response.status_code == 404
    assert "校验位" in response.json()["detail"]


@pytest.mark.parametrize(
    ("code", "says"), [("ABCD-2345", "您输入了 8 位"), ("ABCD%232345Y", "不含“#”")]
)
def test_a_malformed_code_is_explained(world: World, api: Client, code: str, says: str) -> None:
    response = api.get(f"/api/receipts/{code}")
    assert response.status_code == 404
    assert says in response.json()["detail"]


@pytest.mark.parametrize(
    "code", ["x", "ABCD-2345", "'%20OR%201=1", "%00%00%00", "长" * 9, "A" * 500]
)
def test_garbage_codes_are_404_not_500(world: World, api: Client, code: str) -> None:
    response = api.get(f"/api/receipts/{code}")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_unknown_valid_code_is_404(world: World, api: Client) -> None:
    from zhongzhi.intake.receipt_codes import new_receipt_code

    response = api.get(f"/api/receipts/{new_receipt_code()}")
    assert response.status_code == 404
    assert "没有找到" in response.json()["detail"]


def test_the_code_from_a_submit_can_be_followed(world: World, api: Client) -> None:
    code = post_json(
        api, submit_url(world.campaign.pk), {"text": "建议", "submitter_phone": "13900139000"}
    ).json()["receipt_code"]
    body = api.get(f"/api/receipts/{code}").json()
    assert body["status"] == "received"
    assert body["answer"] is None
    assert "13900139000" not in str(body)


def test_receipt_reads_are_rate_limited(
    world: World, api: Client, answered: Suggestion, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"receipt": (2, 60)}
    codes = [api.get(f"/api/receipts/{answered.receipt_code}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_public_campaign_read_lists_topics(world: World, api: Client, topic: Topic) -> None:
    body = api.get(f"/api/campaigns/{world.campaign.pk}").json()
    assert body["name"] == world.campaign.name
    assert body["topics"] == [{"id": topic.pk, "name": "营商环境"}]
    assert api.get("/api/campaigns/999999").status_code == 404
