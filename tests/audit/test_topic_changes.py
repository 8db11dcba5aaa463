"""Staff setting or correcting a suggestion's topic is an entry of the audit log: the
topic before and after (names and ids), who, when, shown in the suggestion's history."""

from typing import Any

import pytest
from django.urls import reverse

from tests.analysis.test_triage_service import submit
from tests.conftest import World
from zhongzhi.analysis.models import TopicLabel
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.audit.selectors import audit_entries_for
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.selectors import public_timeline, suggestion_history
from zhongzhi.intake.services import suggestion_set_topic


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


def topic_entries(suggestion: Suggestion) -> list[AuditEntry]:
    return list(audit_entries_for(suggestion).filter(action=AuditAction.TOPIC))


def test_setting_changing_and_clearing_the_topic_are_entries_with_names_and_ids(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    client = world.client_for(world.hongdaolu_coordinator)
    business, civility = topics["business"], topics["civility"]

    for topic in (business, civility, None):
        assert set_topic(client, road, topic).status_code == 302

    first, second, third = topic_entries(road)
    assert (first.before, first.after) == (
        {"topic_id": None, "topic": ""},
        {"topic_id": business.pk, "topic": "营商环境"},
    )
    assert (second.before, second.after) == (
        {"topic_id": business.pk, "topic": "营商环境"},
        {"topic_id": civility.pk, "topic": "文明创建"},
    )
    assert (third.before, third.after) == (
        {"topic_id": civility.pk, "topic": "文明创建"},
        {"topic_id": None, "topic": ""},
    )
    for entry in (first, second, third):
        assert entry.actor == world.hongdaolu_coordinator
        assert (entry.campaign, entry.unit) == (world.campaign, world.hongdaolu)


def test_the_history_reads_each_change_as_a_sentence(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    client = world.client_for(world.office)
    for topic in (topics["business"], topics["civility"], None):
        set_topic(client, road, topic)

    history = suggestion_history(road)
    assert [(e.action, e.note) for e in history[1:]] == [
        ("确定方面", "方面定为“营商环境”"),
        ("确定方面", "方面由“营商环境”改为“文明创建”"),
        ("确定方面", "方面由“文明创建”改为未分类"),
    ]
    assert not any(e.status_changed for e in history[1:])
    page = client.get(reverse("intake:detail", args=[road.pk])).content.decode()
    table = page.split('data-testid="history"')[1].split("</table>")[0]
    assert "确定方面" in table and "方面由“营商环境”改为“文明创建”" in table
    assert "街道办公室" in table  # who did it


def test_residents_do_not_see_topic_changes(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    set_topic(world.client_for(world.office), road, topics["business"])

    assert [e.action for e in public_timeline(road)] == ["提交"]


def test_saving_the_same_topic_again_records_nothing_new(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    client = world.client_for(world.office)
    set_topic(client, road, topics["business"])
    set_topic(client, road, topics["business"])
    set_topic(client, road, None)
    set_topic(client, road, None)

    assert len(topic_entries(road)) == 2


def test_the_entry_records_the_stored_topic_not_a_stale_copy(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    stale = Suggestion.objects.get(pk=road.pk)  # loaded before another change
    suggestion_set_topic(suggestion=road, topic=topics["business"], actor=world.office)

    suggestion_set_topic(suggestion=stale, topic=topics["civility"], actor=world.office)

    assert topic_entries(road)[-1].before == {
        "topic_id": topics["business"].pk,
        "topic": "营商环境",
    }


def test_a_later_renamed_topic_keeps_its_old_name_in_the_history(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    suggestion_set_topic(suggestion=road, topic=topics["business"], actor=world.office)
    Topic.objects.filter(pk=topics["business"].pk).update(name="优化营商环境")

    assert suggestion_history(road)[-1].note == "方面定为“营商环境”"


def test_no_entry_without_the_change_and_no_change_without_the_entry(
    world: World, topics: dict[str, Topic], road: Suggestion, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("zhongzhi.intake.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        suggestion_set_topic(suggestion=road, topic=topics["business"], actor=world.office)

    road.refresh_from_db()
    assert road.topic is None
    assert not TopicLabel.objects.exists()
    assert not topic_entries(road)


def test_a_topic_corrected_in_the_admin_is_an_entry_and_a_label(
    world: World, topics: dict[str, Topic], road: Suggestion
) -> None:
    suggestion_set_topic(suggestion=road, topic=topics["business"], actor=world.office)
    client = world.client_for(world.hongdaolu_coordinator)
    url = reverse("admin:intake_suggestion_change", args=[road.pk])
    form = {"title": "", "text": road.text, "topic": topics["civility"].pk, "category": ""}

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    road.refresh_from_db()
    assert road.topic == topics["civility"]
    label = TopicLabel.objects.get(suggestion=road)
    assert (label.topic, label.labelled_by) == (topics["civility"], world.hongdaolu_coordinator)
    entry = topic_entries(road)[-1]
    assert entry.actor == world.hongdaolu_coordinator
    assert (entry.before["topic"], entry.after["topic"]) == ("营商环境", "文明创建")

    # Changing only the text leaves the topic's history alone.
    client.post(url, {**form, "text": road.text + "（补充）"})
    assert len(topic_entries(road)) == 2
