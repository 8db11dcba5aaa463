"""Staff set a suggestion's topic on its page; each choice is a label the campaign's
topic model learns from."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.analysis.test_triage_service import BUSINESS, CIVILITY, submit
from tests.conftest import World
from tests.factories import CampaignFactory
from zhongzhi.analysis.models import SuggestionTriage, TopicLabel, TopicModelVersion
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.models import Suggestion


@pytest.fixture
def topics(world: World) -> dict[str, Topic]:
    return {
        "business": Topic.objects.create(campaign=world.campaign, order=1, name="营商环境"),
        "civility": Topic.objects.create(campaign=world.campaign, order=2, name="文明创建"),
    }


@pytest.fixture
def road(world: World) -> Suggestion:
    return submit(
        world.campaign, "兴安支路2号门前路面坑洼，雨天积水，建议尽快修复。", world.hongdaolu, 0
    )


def set_topic(client: Any, suggestion: Suggestion, topic: Topic | None) -> Any:
    url = reverse("intake:set_topic", args=[suggestion.pk])
    return client.post(url, {"topic": topic.pk if topic else ""})


def test_a_coordinator_sets_the_topic_which_becomes_a_label_and_schedules_retraining(
    world: World,
    topics: dict[str, Topic],
    road: Suggestion,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    scheduled: list[int] = []
    monkeypatch.setattr("zhongzhi.intake.services.schedule_topic_model_retrain", scheduled.append)
    client = world.client_for(world.hongdaolu_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = set_topic(client, road, topics["civility"])

    assert response.status_code == 302
    road.refresh_from_db()
    assert road.topic == topics["civility"]
    label = TopicLabel.objects.get(suggestion=road)
    assert (label.topic, label.labelled_by) == (topics["civility"], world.hongdaolu_coordinator)
    assert scheduled == [world.campaign.pk]
    page = client.get(response["Location"]).content.decode()
    assert "自动分类会从您的标注中学习" in page

    set_topic(client, road, None)  # "未分类": the label goes too
    road.refresh_from_db()
    assert road.topic is None
    assert not TopicLabel.objects.filter(suggestion=road).exists()


def test_readers_and_other_units_cannot_set_a_topic(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    for user in (world.supervisor, world.jinkoulu_coordinator, world.leader):
        response = set_topic(world.client_for(user), road, topics["business"])
        assert response.status_code == 404, user
    road.refresh_from_db()
    assert road.topic is None
    assert not TopicLabel.objects.exists()


def test_a_topic_of_another_campaign_is_refused_in_chinese(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    other = Topic.objects.create(campaign=CampaignFactory(owner_unit=world.street), name="别处")

    response = set_topic(world.client_for(world.office), road, other)

    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    road.refresh_from_db()
    assert road.topic is None
    assert not TopicLabel.objects.exists()


def test_the_page_shows_the_guess_its_evidence_and_offers_it(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    SuggestionTriage.objects.create(
        suggestion=road,
        campaign=world.campaign,
        group=road.pk,
        topic_guess=topics["civility"],
        topic_confidence=0.83,
        topic_evidence=["路面", "积水"],
        score=64,
        reasons=["提到了具体地点"],
        triaged_at=timezone.now(),
    )

    page = world.client_for(world.office).get(reverse("intake:detail", args=[road.pk]))

    html = page.content.decode()
    guess = html.split('data-testid="topic-guess"')[1].split("</td>")[0]
    assert "文明创建" in guess and "0.83" in guess and "路面、积水" in guess
    form = html.split('data-testid="topic-form"')[1].split("</form>")[0]
    assert f'<option value="{topics["civility"].pk}" selected>' in form
    assert "提到了具体地点" in html


def test_labels_given_on_the_pages_train_the_campaign_model(
    world: World,
    topics: dict[str, Topic],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.ZHONGZHI_RETRAIN_DEBOUNCE_SECONDS = 0
    client = world.client_for(world.office)
    written = [(text, topics["business"]) for text in BUSINESS] + [
        (text, topics["civility"]) for text in CIVILITY
    ]
    suggestions = [
        (submit(world.campaign, text, world.hongdaolu, minute), topic)
        for minute, (text, topic) in enumerate(written)
    ]
    for suggestion, topic in suggestions[:-1]:
        with django_capture_on_commit_callbacks(execute=False):  # retrain once, at the end
            assert set_topic(client, suggestion, topic).status_code == 302
    assert not TopicModelVersion.objects.exists()

    last, topic = suggestions[-1]
    with django_capture_on_commit_callbacks(execute=True):  # the immediate backend trains
        set_topic(client, last, topic)

    version = TopicModelVersion.objects.get(campaign=world.campaign)
    assert version.label_count == len(written)
    assert sorted(version.topics) == ["文明创建", "营商环境"]


def test_the_list_puts_first_what_staff_should_label_next(
    world: World, topics: dict[str, Topic]
) -> None:
    confidences = {"sure": 0.9, "unsure": 0.2, "middling": 0.5, "labelled": 0.1}
    made = {}
    for minute, (name, confidence) in enumerate(confidences.items()):
        suggestion = submit(world.campaign, f"{name}：小区路灯不亮，建议维修。", None, minute)
        SuggestionTriage.objects.create(
            suggestion=suggestion,
            campaign=world.campaign,
            group=suggestion.pk,
            topic_confidence=confidence,
            triaged_at=timezone.now(),
        )
        made[name] = suggestion
    Suggestion.objects.filter(pk=made["labelled"].pk).update(topic=topics["business"])
    not_triaged = submit(world.campaign, "还没分析的建议：公交站台太少。", None, 9)

    html = (
        world.client_for(world.office)
        .get(reverse("intake:list"), {"campaign": world.campaign.pk, "to_label": "on"})
        .content.decode()
    )

    shown = [name for name in confidences if made[name].receipt_code_display in html]
    assert shown == ["sure", "unsure", "middling"]  # the labelled one is left out
    positions = {name: html.index(made[name].receipt_code_display) for name in shown}
    assert positions["unsure"] < positions["middling"] < positions["sure"]
    assert not_triaged.receipt_code_display not in html
