"""The dashboard: every panel's numbers against counts made here, in each viewer's
scope, with its table and its xlsx."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.campaigns.models import ParticipantCategory, Topic
from zhongzhi.core import clock
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.reports.registry import panels
from zhongzhi.reports.selectors import dashboard


@pytest.fixture
def made(world: World) -> dict[str, list[Suggestion]]:
    """Two days of suggestions: three residents' online ones without a unit, three of
    红岛路 from a symposium (one a day earlier), one of 金口路."""
    campaign = world.campaign
    roads = Topic.objects.create(campaign=campaign, name="道路交通", order=1)
    elders = ParticipantCategory.objects.create(campaign=campaign, name="老干部", order=1)
    # The platform's today is pinned (tests/conftest.py): the morning of that day.
    now = timezone.make_aware(datetime.datetime.combine(clock.today(), datetime.time(10)))
    yesterday = now - datetime.timedelta(days=1)

    def submit(channel: str, unit=None, topic=None, category=None, at=now) -> Suggestion:  # type: ignore[no-untyped-def]
        text = f"建议{Suggestion.objects.count() + 1}：路口增设红绿灯，方便老人过马路。"
        return suggestion_submit(
            campaign=campaign,
            text=text,
            channel=channel,
            unit=unit,
            topic=topic,
            category=category,
            submitted_at=at,
        )[0]

    online = [submit("online") for _ in range(3)]
    hdl = [
        submit("symposium", world.hongdaolu, roads, elders),
        submit("symposium", world.hongdaolu, roads, elders),
        submit("symposium", world.hongdaolu, None, elders, at=yesterday),
    ]
    jkl = [submit("symposium", world.jinkoulu, roads)]
    Suggestion.objects.filter(pk=hdl[0].pk).update(status=SuggestionStatus.ADOPTED)
    Suggestion.objects.filter(pk=hdl[1].pk).update(status=SuggestionStatus.ACCEPTED)
    Suggestion.objects.filter(pk=online[0].pk).update(status=SuggestionStatus.INVALID)
    return {"online": online, "hdl": hdl, "jkl": jkl}


def _panels(world: World, user) -> dict:  # type: ignore[no-untyped-def]
    return {shown.panel.key: shown for shown in dashboard(user, world.campaign)}


def _series(shown) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    return dict(shown.rows)


def test_the_office_sees_the_whole_campaign_counted(world: World, made: dict) -> None:
    shown = _panels(world, world.office)
    today = clock.today()
    assert _series(shown["intake.new"]) == {"今日新增": [6], "近7天": [7], "累计": [7]}
    by_day = shown["intake.by_day"]
    names = [str(s.name) for s in by_day.data.series]
    assert names == ["网上表单", "座谈会"]
    days = _series(by_day)
    assert days[f"{today:%m-%d}"] == [3, 3]
    assert days[f"{today - datetime.timedelta(days=1):%m-%d}"] == [0, 1]
    assert _series(shown["intake.by_topic"]) == {"道路交通": [3], "未确定方面": [4]}
    assert _series(shown["intake.by_category"]) == {"老干部": [3], "未注明类别": [4]}
    assert _series(shown["intake.by_unit"]) == {"红岛路社区": [3], "金口路社区": [1]}
    assert "待分派（尚无单位）3 条" in str(shown["intake.by_unit"].data.note)
    funnel = _series(shown["rectification.funnel"])
    assert funnel["收到"] == [7] and funnel["受理"] == [2] and funnel["采纳"] == [1]
    assert funnel["优秀或采纳"] == [1] and funnel["立为问题整改"] == [0]


def test_a_coordinator_sees_their_units_only_even_after_the_office(
    world: World, made: dict
) -> None:
    _panels(world, world.office)  # the office's figures are cached first
    shown = _panels(world, world.hongdaolu_coordinator)
    assert _series(shown["intake.new"])["累计"] == [3]
    assert _series(shown["intake.by_unit"]) == {"红岛路社区": [3]}
    assert shown["intake.by_unit"].data.note == ""


def test_the_page_shows_every_panel_with_its_numbers_and_xlsx(world: World, made: dict) -> None:
    office = world.client_for(world.office)
    page = office.get(reverse("reports:dashboard", args=[world.campaign.pk])).content.decode()
    for registered in panels():
        assert f'data-testid="panel-{registered.key}"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="intake.by_topic"' in page
    response = office.get(
        reverse("reports:panel_xlsx", args=[world.campaign.pk, "intake.by_topic"])
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2] == ("项目", "意见建议") and rows[3:] == [("道路交通", 3), ("未确定方面", 4)]
    missing = reverse("reports:panel_xlsx", args=[world.campaign.pk, "no.such"])
    assert office.get(missing).status_code == 404


def test_who_reaches_the_dashboard(world: World) -> None:
    url = reverse("reports:dashboard", args=[world.campaign.pk])
    for user in [world.office, world.leader, world.jinkoulu_coordinator, world.supervisor]:
        assert world.client_for(user).get(url).status_code == 200, user.username
    assert Client().get(url).status_code == 302


def test_the_nav_leads_to_the_dashboard_of_each_campaign(world: World) -> None:
    office = world.client_for(world.office)
    page = office.get(reverse("reports:home"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("reports:dashboard", args=[world.campaign.pk])
    assert f'href="{reverse("reports:home")}"' in page.content.decode()
    nobody = world.client_for(UserFactory())
    assert "您还没有参与任何活动" in nobody.get(reverse("reports:home")).content.decode()
