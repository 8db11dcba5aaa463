"""The resident's rating on the receipt page, through HTTP as a phone sends it: plain
form posts (no script), redirected back with a message; CSRF enforced."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import World
from tests.rectification.factories import routed_suggestion
from tests.rectification.rating_factories import answered_directly, answered_through_measure
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import format_receipt_code, new_receipt_code
from zhongzhi.rectification.models import Rating, SecondLook
from zhongzhi.rectification.services.ratings import rating_submit, second_look_done
from zhongzhi.screening.services.decisions import suggestion_decide

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0"}


def receipt_url(suggestion: Suggestion) -> str:
    return reverse("public:receipt", args=[suggestion.receipt_code])


def rate_url(suggestion: Suggestion) -> str:
    return reverse("public:rate", args=[suggestion.receipt_code])


def page(client: Client, suggestion: Suggestion) -> str:
    response = client.get(receipt_url(suggestion), headers=PHONE)
    assert response.status_code == 200
    return response.content.decode()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the rating form carries a CSRF token"
    return match.group(1)


def test_resident_rates_the_answer_on_the_receipt_page(world: World) -> None:
    suggestion = answered_through_measure(world)
    client = Client(enforce_csrf_checks=True)
    html = page(client, suggestion)
    assert 'data-testid="rating-form"' in html
    assert f'action="{rate_url(suggestion)}"' in html
    button = r'<button[^>]*type="submit" name="level" value="(\w+)"[^>]*>([^<]+)<'
    buttons = re.findall(button, html)
    assert buttons == [("satisfied", "满意"), ("fairly", "基本满意"), ("dissatisfied", "不满意")]

    response = client.post(
        rate_url(suggestion),
        {"csrfmiddlewaretoken": csrf_token(html), "level": "fairly", "comment": "修得不错"},
        headers=PHONE,
    )
    assert response.status_code == 302
    assert response["Location"] == f"{receipt_url(suggestion)}#rating"
    html = page(client, suggestion)
    assert "感谢您的评价！" in html
    assert re.search(r"您的评价：<strong[^>]*>基本满意</strong>", html)
    assert 'data-testid="rating-form"' not in html
    assert Rating.objects.get().comment == "修得不错"
    # The thanks was said once: the next visit shows the rating, not the message.
    assert "感谢您的评价！" not in page(client, suggestion)


def test_a_second_rating_gets_a_message_and_changes_nothing(world: World) -> None:
    suggestion = answered_directly(world)
    client = Client()
    client.post(rate_url(suggestion), {"level": "satisfied"})
    response = client.post(rate_url(suggestion), {"level": "dissatisfied"}, follow=True)
    html = response.content.decode()
    assert "这条建议已经评价过了" in html
    assert re.search(r"您的评价：<strong[^>]*>满意</strong>", html)
    assert Rating.objects.get().level == "satisfied"
    assert not SecondLook.objects.exists()


def test_no_form_before_the_answer_and_a_post_is_refused(world: World) -> None:
    suggestion = routed_suggestion(world)
    client = Client()
    html = page(client, suggestion)
    assert 'data-testid="rating-form"' not in html
    assert "还没有答复" in html
    response = client.post(rate_url(suggestion), {"level": "satisfied"}, follow=True)
    assert "这条建议还没有答复，答复后才能评价。" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_forged_code_is_the_receipt_pages_404(world: World) -> None:
    answered_directly(world)
    forged = format_receipt_code(new_receipt_code())
    client = Client()
    as_receipt = client.get(reverse("public:receipt", args=[forged]))
    response = client.post(reverse("public:rate", args=[forged]), {"level": "satisfied"})
    assert response.status_code == as_receipt.status_code == 404
    assert "没有找到这个回执号" in response.content.decode()
    malformed = client.post(reverse("public:rate", args=["ABC"]), {"level": "satisfied"})
    assert malformed.status_code == 404
    assert "回执号应为 9 位" in malformed.content.decode()
    assert not Rating.objects.exists()


def test_a_too_long_comment_shows_the_page_again_with_it_kept(world: World) -> None:
    suggestion = answered_directly(world)
    comment = "路还是不平" * 101
    response = Client().post(rate_url(suggestion), {"level": "satisfied", "comment": comment})
    assert response.status_code == 400
    html = response.content.decode()
    assert "内容太长：最多 500 字" in html
    assert comment in html
    assert not Rating.objects.exists()


def test_a_post_without_a_level_says_what_to_do(world: World) -> None:
    suggestion = answered_directly(world)
    response = Client().post(rate_url(suggestion), {"comment": "嗯"})
    assert response.status_code == 400
    assert "请选择满意、基本满意或不满意" in response.content.decode()


@override_settings(ZHONGZHI_PUBLIC_RATE_LIMITS={"rate": (2, 60)})
def test_rating_posts_are_rate_limited_per_client(world: World) -> None:
    first, second, third = (
        answered_directly(world, text=f"第{n}条：楼道需要扶手。") for n in "一二三"
    )
    client = Client()
    for suggestion in (first, second):
        assert client.post(rate_url(suggestion), {"level": "satisfied"}).status_code == 302
    response = client.post(rate_url(third), {"level": "satisfied", "comment": "谢谢"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "操作太频繁了" in html and "谢谢" in html
    assert Rating.objects.count() == 2


def test_dissatisfied_then_the_second_look_on_the_receipt_page(world: World) -> None:
    suggestion = answered_through_measure(world)
    client = Client()
    client.post(rate_url(suggestion), {"level": "dissatisfied", "comment": "又积水了"})
    html = page(client, suggestion)
    assert "我们已请办理单位回访" in html
    assert 'data-testid="second-look"' not in html
    second_look_done(
        second_look=SecondLook.objects.get(),
        actor=world.hongdaolu_coordinator,
        result="已重新修补排水口，雨后复查无积水。",
    )
    html = page(client, suggestion)
    answer_at = html.index('data-testid="answer"')
    look_at = html.index('data-testid="second-look"')
    assert answer_at < look_at
    assert "回访情况" in html and "已重新修补排水口，雨后复查无积水。" in html


def test_a_merged_receipt_rates_its_own_suggestion(world: World) -> None:
    kept = routed_suggestion(world, unit=world.jinkoulu)
    merged = routed_suggestion(world, text="兴安支路路面坑洼，下雨积水。", unit=world.jinkoulu)
    suggestion_decide(
        suggestion=merged, decision="merge", actor=world.jinkoulu_coordinator, merge_into=kept
    )
    suggestion_decide(
        suggestion=Suggestion.objects.get(pk=kept.pk),
        decision="answer",
        actor=world.jinkoulu_coordinator,
        reply="已修好。",
    )
    rating_submit(receipt_code=kept.receipt_code, level="satisfied")
    client = Client()
    html = page(client, merged)
    assert "已修好。" in html and 'data-testid="rating-form"' in html
    client.post(rate_url(merged), {"level": "fairly"})
    assert Rating.objects.get(suggestion=merged).level == "fairly"


@pytest.mark.parametrize("method", ["get", "put"])
def test_rating_takes_posts_only(world: World, method: str) -> None:
    suggestion = answered_directly(world)
    assert getattr(Client(), method)(rate_url(suggestion)).status_code == 405


@pytest.mark.usefixtures("compiled_catalogs")
def test_the_rating_speaks_english_when_chosen(world: World) -> None:
    from django.conf import settings

    from tests.core.test_english import stray_chinese

    suggestion = answered_through_measure(world)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = [suggestion.text, suggestion.answer]

    def leftover(html: str) -> set[str]:
        return {run for run in stray_chinese(html) if not any(run in d for d in data)}

    html = page(client, suggestion)
    assert "Are you satisfied with this answer?" in html and ">Fairly satisfied<" in html
    assert not {run for run in leftover(html.split('id="rating"')[1].split("</form>")[0])}
    response = client.post(rate_url(suggestion), {"level": "dissatisfied"}, follow=True)
    html = response.content.decode()
    assert "Thank you for your rating!" in html and "Your rating: " in html
    assert "Dissatisfied" in html and "second look" in html
