from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.factories import TEST_PASSWORD
from zhongzhi.org import services


def test_passwords_are_hashed_with_argon2(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user, _ = services.account_create(
        username="new", full_name="新人", unit=world.hongdaolu, role="staff"
    )
    assert identify_hasher(user.password).algorithm == "argon2"


def test_login_is_refused_after_repeated_failures(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "hdl", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "hdl", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_speaks_chinese_on_bad_password(world: World) -> None:
    response = Client().post(reverse("login"), {"username": "hdl", "password": "wrong"})
    assert "请输入一个正确的" in response.content.decode()


def test_one_time_password_must_be_changed_before_anything_else(world: World) -> None:
    user, password = services.account_create(
        username="13900000001", full_name="新联络员", unit=world.hongdaolu, role="coordinator"
    )
    client = Client()
    assert client.login(username=user.username, password=password)
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    new_password = "Hongdaolu-2026-new"
    client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("campaigns:list")).status_code == 200


def test_forms_need_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    response = client.post(
        reverse("campaigns:topic_create", args=[world.campaign.pk]), {"name": "x"}
    )
    assert response.status_code == 403
    assert not world.campaign.topics.exists()
    page = response.content.decode()
    assert "页面已过期，请重新提交" in page and "没有被保存" in page  # Chinese, says what to do


def test_a_resident_whose_form_expired_gets_a_chinese_page_and_nothing_is_saved(
    world: World,
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("public:form", args=[world.campaign.pk]), {"text": "路灯坏了，请维修。"}
    )
    assert response.status_code == 403
    assert 'data-testid="csrf-failure"' in response.content.decode()
    assert not world.campaign.suggestions.exists()
