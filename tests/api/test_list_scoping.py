"""The scoped list: each caller sees only their scope; phones only for those who call back."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import bearer, make_suggestion
from tests.conftest import World
from zhongzhi.api.models import ApiToken
from zhongzhi.api.services import api_token_revoke
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.screening.services.decisions import suggestion_decide

LIST = "/api/suggestions"


@pytest.fixture
def suggestions(world: World, topic: Topic) -> dict[str, Suggestion]:
    made = {
        "hongdaolu": make_suggestion(
            world, world.hongdaolu, "红岛路护栏<script>x</script>", phone="13800138000"
        ),
        "jinkoulu": make_suggestion(world, world.jinkoulu, "金口路漏水管道", phone="13900139000"),
        "fushanlu": make_suggestion(world, world.fushanlu, "福山路成立舞蹈队", phone="13700137000"),
        "street": make_suggestion(world, None, "街道层面的建议", phone="13600136000"),
    }
    Suggestion.objects.filter(pk=made["hongdaolu"].pk).update(topic=topic)
    return made


def texts(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {item["text"] for item in response.json()["items"]}


def phones(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {item["text"]: item["submitter_phone"] for item in response.json()["items"]}


def test_hongdaolu_token_sees_only_hongdaolu(
    world: World, api: Client, hdl_token: str, suggestions
) -> None:  # type: ignore[no-untyped-def]
    response = api.get(LIST, headers=bearer(hdl_token))
    assert texts(response) == {"红岛路护栏<script>x</script>"}
    # A token is a machine credential: it never gets the phone in full.
    assert phones(response) == {"红岛路护栏<script>x</script>": "138****8000"}


def test_hongdaolu_coordinator_session_sees_only_hongdaolu_with_phone(
    world: World, suggestions
) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.hongdaolu_coordinator).get(LIST)
    assert texts(response) == {"红岛路护栏<script>x</script>"}
    assert phones(response) == {"红岛路护栏<script>x</script>": "13800138000"}
    assert response.json()["items"][0]["submitter_name"] == "王大爷"


def test_jinkoulu_coordinator_sees_only_jinkoulu(world: World, suggestions) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.jinkoulu_coordinator).get(LIST)
    assert texts(response) == {"金口路漏水管道"}
    assert phones(response) == {"金口路漏水管道": "13900139000"}


def test_supervisor_sees_assigned_units_with_masked_phones(world: World, suggestions) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.supervisor).get(LIST)
    assert texts(response) == {"红岛路护栏<script>x</script>", "福山路成立舞蹈队"}
    assert set(phones(response).values()) == {"138****8000", "137****7000"}
    assert "13800138000" not in response.content.decode()


def test_leader_sees_the_street_with_masked_phones(world: World, suggestions) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.leader).get(LIST)
    # The street's leader reads the whole campaign, routed to a unit yet or not.
    assert texts(response) == {
        "红岛路护栏<script>x</script>",
        "金口路漏水管道",
        "福山路成立舞蹈队",
        "街道层面的建议",
    }
    content = response.content.decode()
    for phone in ("13800138000", "13900139000", "13700137000", "13600136000"):
        assert phone not in content


def test_office_sees_the_whole_campaign_with_phones(world: World, suggestions) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.office).get(LIST)
    assert len(texts(response)) == 4
    assert phones(response)["街道层面的建议"] == "13600136000"


def test_anonymous_and_revoked_token_get_401(
    world: World, api: Client, hdl_token: str, suggestions
) -> None:  # type: ignore[no-untyped-def]
    assert api.get(LIST).status_code == 401
    api_token_revoke(token=ApiToken.objects.get())
    response = api.get(LIST, headers=bearer(hdl_token))
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_filters(world: World, api: Client, hdl_token: str, suggestions, topic: Topic) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.office)
    assert texts(client.get(LIST, {"unit": world.jinkoulu.pk})) == {"金口路漏水管道"}
    assert len(texts(client.get(LIST, {"unit": world.street.pk}))) == 3  # with its subtree
    assert texts(client.get(LIST, {"topic": topic.pk})) == {"红岛路护栏<script>x</script>"}
    assert texts(client.get(LIST, {"q": "漏水"})) == {"金口路漏水管道"}
    code = suggestions["fushanlu"].receipt_code_display.lower()
    assert texts(client.get(LIST, {"q": code})) == {"福山路成立舞蹈队"}
    assert (
        len(texts(client.get(LIST, {"campaign": str(world.campaign.pk), "channel": "online"}))) == 4
    )
    assert texts(client.get(LIST, {"channel": "api"})) == set()
    suggestion_decide(suggestion=suggestions["jinkoulu"], decision="adopt", actor=world.office)
    assert texts(client.get(LIST, {"status": "adopted"})) == {"金口路漏水管道"}
    today = timezone.localdate()
    assert (
        len(
            texts(
                client.get(
                    LIST, {"submitted_from": today.isoformat(), "submitted_to": today.isoformat()}
                )
            )
        )
        == 4
    )
    tomorrow = today + datetime.timedelta(days=1)
    assert texts(client.get(LIST, {"submitted_from": tomorrow.isoformat()})) == set()
    assert (
        texts(client.get(LIST, {"submitted_to": (today - datetime.timedelta(days=1)).isoformat()}))
        == set()
    )


def test_filters_never_widen_the_scope(
    world: World, api: Client, hdl_token: str, suggestions
) -> None:  # type: ignore[no-untyped-def]
    assert texts(api.get(LIST, {"unit": world.jinkoulu.pk}, headers=bearer(hdl_token))) == set()
    assert texts(api.get(LIST, {"q": "金口路"}, headers=bearer(hdl_token))) == set()
    client = world.client_for(world.hongdaolu_coordinator)
    code = suggestions["jinkoulu"].receipt_code
    assert texts(client.get(LIST, {"q": code})) == set()


def test_pagination(world: World, suggestions) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.office)
    first = client.get(LIST, {"page_size": 3}).json()
    second = client.get(LIST, {"page_size": 3, "page": 2}).json()
    assert first["count"] == second["count"] == 4
    assert len(first["items"]) == 3
    assert len(second["items"]) == 1
    assert client.get(LIST, {"page": 99}).json()["items"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"channel": "carrier-pigeon"},
        {"campaign": "abc"},
        {"unit": str(2**80)},
        {"page": "0"},
        {"page_size": "100000"},
        {"submitted_from": "2026-13-45"},
        {"submitted_to": "0001-01-01"},
        {"submitted_from": "9999-12-31"},
        {"q": "x" * 101},
        {"q": "坏\x00字符"},
    ],
)
def test_bad_filters_are_a_chinese_422(world: World, suggestions, params: dict) -> None:  # type: ignore[no-untyped-def]
    response = world.client_for(world.office).get(LIST, params)
    assert response.status_code == 422, response.content
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_sql_in_q_is_just_text(world: World, suggestions) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(world.office)
    assert texts(client.get(LIST, {"q": "' OR 1=1 --"})) == set()
    assert texts(client.get(LIST, {"q": "%"})) == set()


def test_list_does_not_query_per_row(world: World, suggestions, settings) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The rate limiter's own queries on the database cache are not the point here.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = world.client_for(world.office)
    client.get(LIST)  # warm up the session

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as context:
            assert len(client.get(LIST, {"page_size": page_size}).json()["items"]) == page_size
        return len(context)

    assert queries(1) == queries(4)
