"""Rating an answer through the API with a receipt code, and the rating in the receipt."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import post_json
from tests.conftest import World
from tests.rectification.factories import routed_suggestion
from tests.rectification.rating_factories import answered_directly, answered_through_measure
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import format_receipt_code, new_receipt_code
from zhongzhi.rectification.models import Rating, SecondLook
from zhongzhi.rectification.services.ratings import second_look_done


def rating_url(code: str) -> str:
    return f"/api/receipts/{code}/rating"


def receipt(api: Client, suggestion: Suggestion) -> dict[str, object]:
    response = api.get(f"/api/receipts/{suggestion.receipt_code_display}")
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_rate_then_the_receipt_shows_the_rating(world: World, api: Client) -> None:
    suggestion = answered_directly(world)
    before = receipt(api, suggestion)
    assert (before["can_rate"], before["rating"]) == (True, None)
    response = post_json(
        api,
        rating_url(suggestion.receipt_code_display.lower()),
        {"level": "satisfied", "comment": "谢谢"},
    )
    assert response.status_code == 201
    rating = Rating.objects.get()
    assert response.json() == {
        "level": "satisfied",
        "level_label": "满意",
        "rated_on": timezone.localdate(rating.at).isoformat(),
        "second_look": None,
    }
    after = receipt(api, suggestion)
    assert after["can_rate"] is False
    assert after["rating"] == response.json()
    assert "谢谢" not in json.dumps(after, ensure_ascii=False)  # the comment stays inside
    assert rating.comment == "谢谢"


def test_a_second_rating_is_a_conflict_and_changes_nothing(world: World, api: Client) -> None:
    suggestion = answered_directly(world)
    post_json(api, rating_url(suggestion.receipt_code), {"level": "fairly"})
    response = post_json(api, rating_url(suggestion.receipt_code), {"level": "dissatisfied"})
    assert response.status_code == 409
    assert "已经评价过了" in response.json()["detail"]
    assert Rating.objects.get().level == "fairly"
    assert not SecondLook.objects.exists()


def test_not_answered_yet_is_a_conflict(world: World, api: Client) -> None:
    suggestion = routed_suggestion(world)
    assert receipt(api, suggestion)["can_rate"] is False
    response = post_json(api, rating_url(suggestion.receipt_code), {"level": "satisfied"})
    assert response.status_code == 409
    assert response.json()["detail"] == "这条建议还没有答复，答复后才能评价。"


def test_forged_and_malformed_codes_are_404_like_the_receipt(world: World, api: Client) -> None:
    forged = format_receipt_code(new_receipt_code())
    for code in (forged, "ABC"):
        rated = post_json(api, rating_url(code), {"level": "satisfied"})
        read = api.get(f"/api/receipts/{code}")
        assert rated.status_code == read.status_code == 404
        assert rated.json()["detail"] == read.json()["detail"]
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "level"),
        ({"level": "excellent"}, "level"),
        ({"level": "satisfied", "comment": "好" * 501}, "comment"),
        ({"level": "satisfied", "stars": 5}, "stars"),
    ],
)
def test_bad_bodies_are_422_with_the_field(
    world: World, api: Client, body: dict[str, object], field: str
) -> None:
    suggestion = answered_directly(world)
    response = post_json(api, rating_url(suggestion.receipt_code), body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Rating.objects.exists()


def test_a_control_character_in_the_comment_is_422(world: World, api: Client) -> None:
    suggestion = answered_directly(world)
    response = post_json(
        api, rating_url(suggestion.receipt_code), {"level": "satisfied", "comment": "好\x07"}
    )
    assert response.status_code == 422
    assert "控制字符" in response.json()["errors"]["comment"][0]


def test_dissatisfied_then_the_second_look_in_the_receipt(world: World, api: Client) -> None:
    suggestion = answered_through_measure(world)
    post_json(api, rating_url(suggestion.receipt_code), {"level": "dissatisfied"})
    look = receipt(api, suggestion)["rating"]["second_look"]  # type: ignore[index]
    assert look == {"state": "open", "state_label": "待回访", "result": None, "done_on": None}
    second_look_done(
        second_look=SecondLook.objects.get(), actor=world.office, result="已电话回访。"
    )
    look = receipt(api, suggestion)["rating"]["second_look"]  # type: ignore[index]
    assert (look["state"], look["result"]) == ("done", "已电话回访。")
    assert len(look["done_on"]) == 10


def test_ratings_are_rate_limited(world: World, api: Client, settings: object) -> None:
    settings.ZHONGZHI_API_RATE_LIMITS = {"rate": (2, 60)}  # type: ignore[attr-defined]
    suggestion = answered_directly(world)
    codes = [
        post_json(api, rating_url(suggestion.receipt_code), {"level": "satisfied"}).status_code
        for _ in range(3)
    ]
    assert codes == [201, 409, 429]


def test_the_schema_documents_the_rating(db: None, client: Client) -> None:
    schema = json.loads(client.get("/api/openapi.json").content)
    post = schema["paths"]["/api/receipts/{code}/rating"]["post"]
    assert {"201", "404", "409", "422", "429"} <= set(post["responses"])
    assert "security" not in post  # public, like the receipt
    components = schema["components"]["schemas"]
    assert components["RatingIn"]["properties"]["comment"]["maxLength"] == 500
    assert components["RatingIn"]["additionalProperties"] is False
    assert set(components["RatingLevel"]["enum"]) == {"satisfied", "fairly", "dissatisfied"}
    assert {"can_rate", "rating"} <= set(components["ReceiptOut"]["properties"])
