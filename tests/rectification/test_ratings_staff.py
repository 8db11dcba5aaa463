"""Staff pages of ratings through HTTP with the personas: the campaign's ratings with
counts and 满意率, the filters, the second looks and their form; out of scope is 404."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.core.test_english import stray_chinese
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.rectification.rating_factories import answered_directly, answered_through_measure
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Role, User
from zhongzhi.rectification.models import Rating, SecondLook, SecondLookState
from zhongzhi.rectification.selectors_ratings import rating_of
from zhongzhi.rectification.services.ratings import rating_submit


def list_url(world: World) -> str:
    return reverse("rectification_ratings:list", args=[world.campaign.pk])


def looks_url(world: World) -> str:
    return reverse("rectification_ratings:second_looks", args=[world.campaign.pk])


def done_url(look: SecondLook) -> str:
    return reverse("rectification_ratings:second_look_done", args=[look.pk])


def get(world: World, user: User, url: str) -> str:
    response = world.client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def stat(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def rows(html: str) -> int:
    return html.count('data-testid="rating-row"')


@pytest.fixture
def rated(world: World) -> dict[str, Rating]:
    """红岛路社区: 满意 and 不满意 (a second look); 金口路社区: 基本满意."""
    levels = {}
    for key, level in (("hdl_satisfied", "satisfied"), ("hdl_dissatisfied", "dissatisfied")):
        suggestion = answered_through_measure(world)
        levels[key] = rating_submit(
            receipt_code=suggestion.receipt_code, level=level, comment=f"{key}的意见"
        )
    suggestion = answered_directly(world, unit=world.jinkoulu)
    levels["jkl_fairly"] = rating_submit(receipt_code=suggestion.receipt_code, level="fairly")
    return levels


def test_office_sees_every_rating_with_counts_and_the_rate(
    world: World, rated: dict[str, Rating]
) -> None:
    html = get(world, world.office, list_url(world))
    assert rows(html) == 3
    assert [stat(html, f"count-{n}") for n in ("total", "satisfied", "fairly", "dissatisfied")] == [
        "3",
        "1",
        "1",
        "1",
    ]
    assert stat(html, "satisfaction-rate") == "66.7%"
    assert "hdl_dissatisfied的意见" in html
    assert "1 条待回访" in html


def test_leader_sees_the_campaign(world: World, rated: dict[str, Rating]) -> None:
    assert rows(get(world, world.leader, list_url(world))) == 3


def test_filters_by_unit_subtree_and_level_keep_the_units_rate(
    world: World, rated: dict[str, Rating]
) -> None:
    url = list_url(world)
    html = get(world, world.office, f"{url}?unit={world.hongdaolu.pk}")
    assert rows(html) == 2 and stat(html, "satisfaction-rate") == "50.0%"
    html = get(world, world.office, f"{url}?unit={world.street.pk}&level=fairly")
    assert rows(html) == 1 and "金口路社区" in html
    # The rate is of every rating of the unit, whichever level is listed.
    assert stat(html, "count-total") == "3"
    html = get(world, world.office, f"{url}?unit={world.jinkoulu.pk}&level=satisfied")
    assert rows(html) == 0 and 'data-testid="no-ratings"' in html


def test_coordinators_see_their_own_units_ratings(world: World, rated: dict[str, Rating]) -> None:
    hdl = get(world, world.hongdaolu_coordinator, list_url(world))
    assert rows(hdl) == 2 and "金口路社区" not in hdl.split("<table")[1]
    assert stat(hdl, "count-total") == "2"
    jkl = get(world, world.jinkoulu_coordinator, list_url(world))
    assert rows(jkl) == 1 and "hdl_satisfied的意见" not in jkl
    # Another unit's filter shows nothing of it either.
    jkl = get(world, world.jinkoulu_coordinator, f"{list_url(world)}?unit={world.hongdaolu.pk}")
    assert rows(jkl) == 1  # an invalid choice is dropped, not a way round the scope


def test_a_user_outside_the_campaign_gets_404(world: World, rated: dict[str, Rating]) -> None:
    shibei = UnitFactory(code="QD-SB", name="市北区", parent=world.city)
    outsider: User = UserFactory(username="shibei")  # type: ignore[assignment]  # factory_boy
    MembershipFactory(user=outsider, unit=shibei, role=Role.COORDINATOR)
    client = world.client_for(outsider)
    assert client.get(list_url(world)).status_code == 404
    assert client.get(looks_url(world)).status_code == 404
    missing = reverse("rectification_ratings:list", args=[world.campaign.pk + 1000])
    assert world.client_for(world.office).get(missing).status_code == 404


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    response = Client().get(list_url(world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_is_paginated(world: World) -> None:
    for n in range(51):
        suggestion, _ = suggestion_submit(
            campaign=world.campaign, text=f"第{n}条建议的内容", channel="online"
        )
        Rating.objects.create(
            suggestion=suggestion, campaign=world.campaign, unit=world.hongdaolu, level="satisfied"
        )
    html = get(world, world.office, list_url(world))
    assert rows(html) == 50 and "第 1 / 2 页" in html
    assert rows(get(world, world.office, f"{list_url(world)}?page=2")) == 1


def test_the_list_reads_in_a_few_queries(
    world: World, rated: dict[str, Rating], django_assert_max_num_queries: object
) -> None:
    client = world.client_for(world.office)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert client.get(list_url(world)).status_code == 200


def test_second_looks_are_recorded_by_the_unit(world: World, rated: dict[str, Rating]) -> None:
    look = SecondLook.objects.get()
    html = get(world, world.hongdaolu_coordinator, looks_url(world))
    assert html.count('data-testid="second-look"') == 1
    assert f'action="{done_url(look)}"' in html
    assert "hdl_dissatisfied的意见" in html

    client = world.client_for(world.hongdaolu_coordinator)
    response = client.post(done_url(look), {"result": "已上门回访，路面重新修补。"}, follow=True)
    html = response.content.decode()
    assert "已记录回访情况" in html
    assert 'data-testid="no-second-looks"' in html
    look.refresh_from_db()
    assert (look.state, look.result) == (SecondLookState.DONE, "已上门回访，路面重新修补。")
    done = get(world, world.hongdaolu_coordinator, f"{looks_url(world)}?state=done")
    assert "已上门回访，路面重新修补。" in done


def test_an_empty_result_is_refused_with_a_message(world: World, rated: dict[str, Rating]) -> None:
    look = SecondLook.objects.get()
    client = world.client_for(world.office)
    response = client.post(done_url(look), {"result": " "}, follow=True)
    assert "请填写回访情况。" in response.content.decode()
    assert SecondLook.objects.get().state == SecondLookState.OPEN


@pytest.mark.parametrize("who", ["leader", "supervisor"])
def test_readers_see_second_looks_without_the_form(
    world: World, rated: dict[str, Rating], who: str
) -> None:
    user = getattr(world, who)
    html = get(world, user, looks_url(world))
    assert html.count('data-testid="second-look"') == 1
    assert 'data-testid="second-look-form"' not in html
    response = world.client_for(user).post(done_url(SecondLook.objects.get()), {"result": "看过"})
    assert response.status_code == 404


def test_another_units_coordinator_neither_sees_nor_records(
    world: World, rated: dict[str, Rating]
) -> None:
    html = get(world, world.jinkoulu_coordinator, looks_url(world))
    assert 'data-testid="no-second-looks"' in html
    client = world.client_for(world.jinkoulu_coordinator)
    assert client.post(done_url(SecondLook.objects.get()), {"result": "看过"}).status_code == 404
    assert SecondLook.objects.get().state == SecondLookState.OPEN


def test_the_rating_badge_for_a_suggestions_page(world: World, rated: dict[str, Rating]) -> None:
    rating = rating_of(rated["hdl_dissatisfied"].suggestion)
    html = render_to_string("rectification/partials/rating_badge.html", {"rating": rating})
    assert "不满意" in html and "hdl_dissatisfied的意见" in html and "待回访" in html
    none = render_to_string("rectification/partials/rating_badge.html", {"rating": None})
    assert none.strip() == ""


@pytest.mark.usefixtures("compiled_catalogs")
def test_the_pages_speak_english(world: World, rated: dict[str, Rating]) -> None:
    client = world.client_for(world.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {
        *Rating.objects.values_list("comment", flat=True),
        *Suggestion.objects.values_list("text", flat=True),
        *Suggestion.objects.values_list("answer", flat=True),
    }
    for url in (list_url(world), looks_url(world), f"{looks_url(world)}?state=done"):
        html = client.get(url).content.decode()
        assert "Ratings" in html or "Second look" in html
        leftover = {run for run in stray_chinese(html) if not any(run in d for d in data)}
        assert not leftover, (url, leftover)
