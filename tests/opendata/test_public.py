"""The public page of published answers (/c/<id>/answers/): no login, only what the
office published and as it published it, newest first, by topic, in pages."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.intake.factories import SuggestionFactory
from tests.opendata.conftest import PERSONAL, Planted, answered
from tests.opendata.scan import personal_data_in
from zhongzhi.opendata import views_public
from zhongzhi.opendata.services import masked_for_publication, publication_publish


def publish_masked(world: World, *suggestions) -> None:  # type: ignore[no-untyped-def]
    for suggestion in suggestions:
        text, answer = masked_for_publication(suggestion)
        publication_publish(suggestion=suggestion, actor=world.office, text=text, answer=answer)


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_only_what_was_published_and_nothing_personal(
    world: World, planted: Planted
) -> None:
    url = reverse("opendata_public:answers", args=[world.campaign.pk])
    assert 'data-testid="empty"' in page(url)
    publish_masked(world, planted.named)
    shown = page(url)
    assert shown.count('data-testid="published-item"') == 1
    assert "路灯已于10月8日修复" in shown and "山海关路4号18号楼2单元" in shown
    assert planted.anonymous.answer not in shown  # answered, but not published
    assert personal_data_in(shown, PERSONAL) == []
    assert planted.named.receipt_code not in shown
    assert planted.named.receipt_code_display not in shown
    publish_masked(world, planted.anonymous)
    newest_first = page(url)
    assert newest_first.index("已联系交警处理") < newest_first.index("路灯已于10月8日修复")
    assert personal_data_in(newest_first, PERSONAL) == []


def test_the_topic_filter_and_its_bad_values(world: World, planted: Planted) -> None:
    publish_masked(world, planted.named, planted.anonymous)
    url = reverse("opendata_public:answers", args=[world.campaign.pk])
    everything = page(url)
    assert 'data-testid="topics"' in everything and "道路交通" in everything
    water = page(f"{url}?topic={planted.water.pk}")
    assert water.count('data-testid="published-item"') == 1 and "已联系交警处理" in water
    for bad in ("abc", "999999", "-1"):
        response = Client().get(f"{url}?topic={bad}")
        assert response.status_code == 404
        assert "这个活动没有这个方面。" in response.content.decode()
    missing = Client().get(reverse("opendata_public:answers", args=[999999]))
    assert missing.status_code == 404 and "没有找到这个活动" in missing.content.decode()


def test_the_page_goes_in_pages(
    world: World, planted: Planted, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_public, "PAGE_SIZE", 2)
    more = [
        answered(SuggestionFactory(campaign=world.campaign, text=f"建议{n}"), world, f"答复{n}")
        for n in range(3)
    ]
    publish_masked(world, *more)
    url = reverse("opendata_public:answers", args=[world.campaign.pk])
    first = page(url)
    assert first.count('data-testid="published-item"') == 2 and "下一页" in first
    assert page(f"{url}?page=2").count('data-testid="published-item"') == 1
    assert page(f"{url}?page=x").count('data-testid="published-item"') == 2


def test_the_campaign_page_links_to_the_published_answers(world: World) -> None:
    form = page(reverse("public:form", args=[world.campaign.pk]))
    assert reverse("opendata_public:answers", args=[world.campaign.pk]) in form
