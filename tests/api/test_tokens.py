"""API tokens: who may create and revoke them, the page, hashing, and what a token may do."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from tests.api.conftest import batch_url, bearer, post_json
from tests.conftest import World
from zhongzhi.api import access
from zhongzhi.api.models import ApiToken
from zhongzhi.api.services import api_token_create, api_token_revoke


def test_only_a_hash_is_stored(world: World) -> None:
    token, plain = api_token_create(unit=world.hongdaolu, name="小程序", created_by=None)
    assert plain.startswith("zz_")
    assert len(plain) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in str(ApiToken.objects.values().get())
    assert stored.prefix == plain[:10]


def test_token_name_is_required_and_clean(world: World) -> None:
    for name in ("", "   ", "名" * 81, "坏\x00名"):
        with pytest.raises(ValidationError):
            api_token_create(unit=world.hongdaolu, name=name, created_by=None)


def test_revoking_twice_keeps_the_first_date(world: World) -> None:
    token, _plain = api_token_create(unit=world.hongdaolu, name="x", created_by=None)
    first = api_token_revoke(token=token).revoked_at
    assert first is not None
    assert api_token_revoke(token=token).revoked_at == first


def test_who_may_manage_tokens_for_which_units(world: World) -> None:
    assert set(access.token_units(world.hongdaolu_coordinator)) == {world.hongdaolu}
    assert world.hongdaolu in access.token_units(world.office)
    assert world.jinkoulu in access.token_units(world.office)
    assert not access.can_manage_tokens(world.supervisor)
    assert not access.can_manage_tokens(world.leader)


def test_coordinator_cannot_reach_a_sibling_units_token(world: World) -> None:
    token, _plain = api_token_create(unit=world.jinkoulu, name="金口路", created_by=None)
    with pytest.raises(Http404):
        access.access_token(world.hongdaolu_coordinator, token.pk)
    assert access.access_token(world.jinkoulu_coordinator, token.pk) == token
    assert access.access_token(world.office, token.pk) == token


def test_token_campaigns_are_those_visible_to_its_unit(world: World) -> None:
    from tests.factories import CampaignFactory

    token, _plain = api_token_create(unit=world.hongdaolu, name="x", created_by=None)
    own = CampaignFactory(owner_unit=world.hongdaolu)
    sibling = CampaignFactory(owner_unit=world.jinkoulu)
    assert set(access.token_campaigns(token)) == {world.campaign, own}
    assert sibling not in access.token_campaigns(token)


# --- the page ---------------------------------------------------------------------


def test_page_has_an_empty_state(world: World) -> None:
    page = world.client_for(world.hongdaolu_coordinator).get(reverse("api_tokens:list"))
    assert page.status_code == 200
    assert "还没有接口令牌" in page.content.decode()


def test_page_is_404_for_roles_that_cannot_manage_tokens(world: World) -> None:
    for user in (world.supervisor, world.leader):
        assert world.client_for(user).get(reverse("api_tokens:list")).status_code == 404


def test_page_needs_login(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("api_tokens:list"))
    assert response.status_code == 302


def test_create_shows_the_token_once_and_it_works(world: World, client) -> None:  # type: ignore[no-untyped-def]
    browser = world.client_for(world.hongdaolu_coordinator)
    created = browser.post(
        reverse("api_tokens:list"), {"unit": world.hongdaolu.pk, "name": "社区小程序"}
    )
    assert created.status_code == 200
    assert created["Cache-Control"] == "no-store"
    plain = created.context["plain_token"]
    assert plain in created.content.decode()
    token = ApiToken.objects.get()
    assert token.created_by == world.hongdaolu_coordinator
    assert token.unit == world.hongdaolu
    # Shown once: the list afterwards has only the beginning.
    later = browser.get(reverse("api_tokens:list")).content.decode()
    assert plain not in later
    assert "社区小程序" in later
    assert token.prefix in later
    # And it works against the API.
    response = post_json(
        client, batch_url(world.campaign.pk), {"items": [{"text": "好"}]}, **bearer(plain)
    )
    assert response.status_code == 201


def test_create_with_a_unit_outside_scope_is_refused(world: World) -> None:
    browser = world.client_for(world.hongdaolu_coordinator)
    response = browser.post(reverse("api_tokens:list"), {"unit": world.jinkoulu.pk, "name": "越权"})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not ApiToken.objects.exists()


def test_create_with_a_blank_name_shows_a_chinese_error(world: World) -> None:
    browser = world.client_for(world.hongdaolu_coordinator)
    response = browser.post(reverse("api_tokens:list"), {"unit": world.hongdaolu.pk, "name": "   "})
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoke_through_the_page_stops_the_token(world: World, client) -> None:  # type: ignore[no-untyped-def]
    token, plain = api_token_create(unit=world.hongdaolu, name="小程序", created_by=None)
    browser = world.client_for(world.hongdaolu_coordinator)
    response = browser.post(reverse("api_tokens:revoke", args=[token.pk]), follow=True)
    assert "已停用" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/suggestions", headers=bearer(plain)).status_code == 401


def test_revoke_is_post_only_and_scoped(world: World) -> None:
    token, _plain = api_token_create(unit=world.jinkoulu, name="金口路", created_by=None)
    browser = world.client_for(world.hongdaolu_coordinator)
    assert browser.get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405
    assert browser.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_page_forms_carry_csrf(world: World) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.hongdaolu_coordinator)
    refused = browser.post(reverse("api_tokens:list"), {"unit": world.hongdaolu.pk, "name": "x"})
    assert refused.status_code == 403
    page = browser.get(reverse("api_tokens:list")).content.decode()
    assert "csrfmiddlewaretoken" in page


def test_admin_lists_only_tokens_in_scope(world: World) -> None:
    api_token_create(unit=world.hongdaolu, name="红岛路令牌", created_by=None)
    api_token_create(unit=world.jinkoulu, name="金口路令牌", created_by=None)
    page = (
        world.client_for(world.hongdaolu_coordinator).get("/admin/api/apitoken/").content.decode()
    )
    assert "红岛路令牌" in page
    assert "金口路令牌" not in page
