"""Symposium quick entry: the symposium once, a row per suggestion, all or nothing; the
symposium is an activity of the campaign's 座谈会 kind."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from zhongzhi.activities.models import Activity as Meeting
from zhongzhi.activities.models import BaseKind
from zhongzhi.campaigns.models import ParticipantCategory, Topic
from zhongzhi.campaigns.services import template_apply
from zhongzhi.intake.meetings import MeetingEntryError, MeetingRow, meeting_record
from zhongzhi.intake.models import Channel, Suggestion


@pytest.fixture
def world_711(world: World) -> World:
    template_apply(campaign=world.campaign, key="7+11")
    return world


def form_data(
    world: World, rows: list[tuple[str, str, str]], *, unit: Any = None, **header: Any
) -> dict[str, Any]:
    """POST data of the quick-entry page: rows of (category name, topic name, text)."""
    categories = {c.name: c.pk for c in ParticipantCategory.objects.filter(campaign=world.campaign)}
    topics = {t.name: t.pk for t in Topic.objects.filter(campaign=world.campaign)}
    data: dict[str, Any] = {
        "unit": (unit or world.hongdaolu).pk,
        "name": "红岛路社区“7+11”意见征集座谈会",
        "held_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "place": "社区党群服务中心二楼",
        "entry_token": "",
        "rows-TOTAL_FORMS": len(rows),
        "rows-INITIAL_FORMS": 0,
        "rows-MIN_NUM_FORMS": 0,
        "rows-MAX_NUM_FORMS": 300,
    }
    data.update(header)
    for index, (category, topic, text) in enumerate(rows):
        data[f"rows-{index}-category"] = categories.get(category, "")
        data[f"rows-{index}-topic"] = topics.get(topic, "")
        data[f"rows-{index}-text"] = text
    return data


ROWS = [
    ("老干部", "提高为民服务水平", "建议社区多组织老年人健康讲座。"),
    ("", "", ""),  # a blank row is skipped
    ("居民代表", "推进“六联共建”", "希望和辖区单位共建停车位，错时开放。"),
    ("道德模范", "", "建议成立志愿者服务队，帮独居老人买菜。"),
    ("", "", ""),
]


def test_coordinator_records_a_meeting_and_its_suggestions_in_one_go(world_711: World) -> None:
    world = world_711
    client = world.client_for(world.hongdaolu_coordinator)
    url = reverse("intake_entry:meeting_new", args=[world.campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="entry-row-template"' in html and "rows-__prefix__-text" in html
    assert html.count('name="rows-') >= 8 * 3  # eight blank rows without JavaScript

    response = client.post(url, form_data(world, ROWS))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("activities:detail", args=[meeting.pk])
    assert (meeting.kind.name, meeting.kind.base) == ("座谈会", BaseKind.SYMPOSIUM)
    assert (meeting.unit, meeting.recorded_by) == (world.hongdaolu, world.hongdaolu_coordinator)
    assert meeting.place == "社区党群服务中心二楼"
    suggestions = list(meeting.suggestions.order_by("submitted_at", "pk"))
    assert [s.text for s in suggestions] == [ROWS[0][2], ROWS[2][2], ROWS[3][2]]
    assert {s.channel for s in suggestions} == {Channel.SYMPOSIUM}
    assert {s.unit for s in suggestions} == {world.hongdaolu}
    assert [s.category.name if s.category else None for s in suggestions] == [
        "老干部",
        "居民代表",
        "道德模范",
    ]
    assert suggestions[2].topic is None
    assert all(timezone.localdate(s.submitted_at) == meeting.held_on for s in suggestions)
    assert all(s.receipt_code for s in suggestions)

    detail = client.get(response["Location"]).content.decode()
    assert "已保存座谈会" in detail
    assert "希望和辖区单位共建停车位" in detail


def test_a_bad_row_saves_nothing_and_is_marked_on_its_row(world_711: World) -> None:
    world = world_711
    client = world.client_for(world.hongdaolu_coordinator)
    rows = [ROWS[0], ("居民代表", "营商环境", ""), ROWS[2]]  # a category but no text
    response = client.post(
        reverse("intake_entry:meeting_new", args=[world.campaign.pk]), form_data(world, rows)
    )
    assert response.status_code == 400
    assert "请填写建议内容。" in response.content.decode()
    assert response.context["rows"].forms[1].errors["text"] == ["请填写建议内容。"]
    assert not response.context["rows"].forms[0].errors
    # What was typed is still there.
    assert ROWS[2][2] in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Suggestion.objects.exists()


def test_a_row_the_service_refuses_rolls_back_the_meeting(world_711: World) -> None:
    world = world_711
    with pytest.raises(MeetingEntryError) as caught:
        meeting_record(
            campaign=world.campaign,
            unit=world.hongdaolu,
            name="楼院议事会",
            held_on=timezone.localdate(),
            recorded_by=world.hongdaolu_coordinator,
            rows=[MeetingRow("好建议"), MeetingRow("坏\x07建议"), MeetingRow("  ")],
        )
    assert set(caught.value.rows) == {1, 2}
    assert "控制字符" in caught.value.rows[1].message_dict["text"][0]
    assert caught.value.rows[2].message_dict["text"] == ["请填写建议内容。"]
    assert not Meeting.objects.exists()
    assert not Suggestion.objects.exists()


def test_the_meeting_header_is_checked(world_711: World) -> None:
    world = world_711
    client = world.client_for(world.hongdaolu_coordinator)
    url = reverse("intake_entry:meeting_new", args=[world.campaign.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = client.post(url, form_data(world, ROWS, held_on=tomorrow))
    assert future.status_code == 400
    assert "会议日期不能晚于今天。" in future.content.decode()
    empty = client.post(url, form_data(world, [("", "", "")]))
    assert empty.status_code == 400
    assert "请至少录入一条建议。" in empty.content.decode()
    nameless = client.post(url, form_data(world, ROWS, name=""))
    assert nameless.status_code == 400
    assert not Meeting.objects.exists()


def test_coordinator_cannot_record_a_meeting_for_another_community(world_711: World) -> None:
    world = world_711
    client = world.client_for(world.hongdaolu_coordinator)
    response = client.post(
        reverse("intake_entry:meeting_new", args=[world.campaign.pk]),
        form_data(world, ROWS, unit=world.jinkoulu),
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()
    with pytest.raises(MeetingEntryError) as caught:
        meeting_record(
            campaign=world.campaign,
            unit=world.jinkoulu,
            name="越权",
            held_on=timezone.localdate(),
            recorded_by=world.hongdaolu_coordinator,
            rows=[MeetingRow("建议")],
        )
    assert "unit" in caught.value.meeting
    supervisor = world.client_for(world.supervisor)
    assert (
        supervisor.get(reverse("intake_entry:meeting_new", args=[world.campaign.pk])).status_code
        == 404
    )


def test_sending_the_same_page_twice_records_one_meeting(world_711: World) -> None:
    world = world_711
    client = world.client_for(world.hongdaolu_coordinator)
    url = reverse("intake_entry:meeting_new", args=[world.campaign.pk])
    data = form_data(world, ROWS, entry_token="a1b2c3")
    first = client.post(url, data)
    second = client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Meeting.objects.count() == 1
    assert Suggestion.objects.count() == 3


def test_the_old_meeting_addresses_redirect_to_the_activities(world_711: World) -> None:
    world = world_711
    hdl = world.client_for(world.hongdaolu_coordinator)
    hdl.post(reverse("intake_entry:meeting_new", args=[world.campaign.pk]), form_data(world, ROWS))
    meeting = Meeting.objects.get()
    listing = hdl.get(reverse("intake_entry:meeting_list", args=[world.campaign.pk]))
    assert listing.status_code == 302
    assert listing["Location"] == (
        reverse("activities:list", args=[world.campaign.pk]) + "?base=symposium"
    )
    page = hdl.get(listing["Location"])
    assert [(a.name, a.suggestion_count) for a in page.context["activities"]] == [
        ("红岛路社区“7+11”意见征集座谈会", 3)
    ]
    detail = reverse("intake_entry:meeting_detail", args=[meeting.pk])
    assert hdl.get(detail)["Location"] == reverse("activities:detail", args=[meeting.pk])
    jkl = world.client_for(world.jinkoulu_coordinator)
    assert jkl.get(detail).status_code == 404
    assert not jkl.get(listing["Location"]).context["activities"]


def test_rows_added_from_an_activitys_page_join_that_activity(world_711: World) -> None:
    world = world_711
    hdl = world.client_for(world.hongdaolu_coordinator)
    hdl.post(reverse("intake_entry:meeting_new", args=[world.campaign.pk]), form_data(world, ROWS))
    meeting = Meeting.objects.get()
    url = reverse("activities:suggestions_new", args=[meeting.pk])
    page = hdl.get(url)
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # the header is the activity's
    data = form_data(world, [("居民代表", "营商环境", "建议增设便民服务点。")])
    response = hdl.post(url, {k: v for k, v in data.items() if k not in {"unit", "name"}})
    assert response.status_code == 302
    assert Meeting.objects.count() == 1
    texts = list(meeting.suggestions.order_by("submitted_at", "pk").values_list("text", flat=True))
    assert texts[-1] == "建议增设便民服务点。" and len(texts) == 4
    assert world.client_for(world.jinkoulu_coordinator).get(url).status_code == 404
    assert world.client_for(world.supervisor).get(url).status_code == 404


def test_the_entry_page_costs_the_same_queries_for_many_rows(
    world_711: World, django_assert_max_num_queries: Any
) -> None:
    client: Client = world_711.client_for(world_711.hongdaolu_coordinator)
    url = reverse("intake_entry:meeting_new", args=[world_711.campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(f"{url}?rows=200")
    assert response.content.decode().count('name="rows-') >= 600
