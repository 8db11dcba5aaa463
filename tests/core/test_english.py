"""The UI in English: pages, the language switch, and errors raised by services.

Chinese is the default and the msgid of every string; English comes from
zhongzhi/locale/en/LC_MESSAGES/django.po, compiled here when the .mo is missing.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from zhongzhi.campaigns import services
from zhongzhi.campaigns.blueprints import BLUEPRINTS
from zhongzhi.campaigns.models import Campaign, Stage
from zhongzhi.org.models import Unit, User

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")

# Strings of the page chrome every signed-in page carries, in Chinese.
CHROME_ZH = ["大讨论活动平台", "我的活动", "批量导入", "数据维护", "退出", "语言"]


pytestmark = pytest.mark.usefixtures("compiled_catalogs")


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def stray_chinese(html: str) -> set[str]:
    """Runs of Chinese on a page that are not data (names of units, people, campaigns)."""
    data = [
        *Unit.objects.values_list("name", flat=True),
        *Unit.objects.values_list("short_name", flat=True),
        *User.objects.values_list("full_name", flat=True),
        *Campaign.objects.values_list("name", flat=True),
        *Campaign.objects.values_list("theme", flat=True),
        *Campaign.objects.values_list("slogan", flat=True),
        *Stage.objects.values_list("name", flat=True),
        # Names of the campaign templates come from the seed documents and are not translated.
        *(blueprint.name for blueprint in BLUEPRINTS.values()),
        # The brand and the language switcher's own name for Chinese stay in Chinese.
        "众智",
        "简体中文",
    ]
    return {run for run in CJK_RUN.findall(html) if not any(run in text for text in data)}


PAGES = [
    pytest.param(
        "campaigns:list",
        ["My campaigns", "New campaign", "Campaigns your units host or take part in."],
        ["您所在单位参与或主办的大讨论活动。", "新建活动", "个阶段", "个方面"],
        id="campaign-list",
    ),
    pytest.param(
        "campaigns:detail",
        ["Stages", "Implementation plan · Plan items", "Topics", "Participant categories"],
        [
            "<h2>阶段</h2>",
            "</b>阶段",
            "实施方案 · 工作任务",
            "<h2>方面</h2>",
            "群体类别",
            "还没有阶段",
            "添加阶段",
            "套用模板",
            "已完成任务",
            "没有可见的工作任务",
            "添加群体类别",
        ],
        id="campaign-overview",
    ),
    pytest.param(
        "org:unit_list",
        ["<h1>Units</h1>", "Export list to Excel", "Bulk import units and accounts"],
        ["单位", "导出 Excel 清单", "您的查看范围内的单位。", "街道/镇", "社区/村"],
        id="unit-list",
    ),
    pytest.param(
        "org:import",
        ["Bulk import units and accounts", "Download unit import template", "Accounts"],
        ["批量导入单位和账号", "下载单位导入模板", "上传并导入账号", "账号", "一次性密码"],
        id="import",
    ),
]


def url_for(name: str, world: World) -> str:
    return reverse(name, args=[world.campaign.pk]) if name == "campaigns:detail" else reverse(name)


@pytest.mark.parametrize(("name", "english", "chinese"), PAGES)
def test_pages_speak_english_when_chosen(
    world: World, name: str, english: list[str], chinese: list[str]
) -> None:
    html = page(in_english(world.client_for(world.office)), url_for(name, world))
    assert '<html lang="en">' in html
    for text in english:
        assert text in html
    for text in [*chinese, *CHROME_ZH]:
        assert text not in html, text


@pytest.mark.parametrize(("name", "english", "chinese"), PAGES)
def test_english_pages_leave_no_chinese_but_data(
    world: World, name: str, english: list[str], chinese: list[str]
) -> None:
    services.stage_add(
        campaign=world.campaign,
        name="宣传发动",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    html = page(in_english(world.client_for(world.office)), url_for(name, world))
    assert stray_chinese(html) == set()


def test_campaign_list_counts_in_english_plurals(world: World) -> None:
    services.stage_add(
        campaign=world.campaign,
        name="宣传发动",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    html = page(in_english(world.client_for(world.office)), reverse("campaigns:list"))
    assert "1 stage<" in html
    assert "0 topics<" in html


def test_coordinator_sees_english_empty_states(world: World) -> None:
    client = in_english(world.client_for(world.hongdaolu_coordinator))
    html = page(client, reverse("campaigns:detail", args=[world.campaign.pk]))
    assert "No stages yet" in html
    assert "No plan items to show" in html
    assert "还没有" not in html
    assert stray_chinese(html) == set()


def test_login_page_in_english(db: None) -> None:
    html = page(in_english(Client()), reverse("login"))
    assert "<h1>Log in</h1>" in html
    assert "Login name" in html and "Password" in html
    assert "For the campaign office, unit coordinators, supervisors and leaders." in html
    for text in ["登录", "密码", "大讨论活动办公室、联络员、督导组成员和领导使用。"]:
        assert text not in html
    assert stray_chinese(html) == set()


def test_accept_language_header_also_selects_english(world: World) -> None:
    client = world.client_for(world.office)
    html = client.get(reverse("campaigns:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My campaigns" in html and "我的活动" not in html


def test_chinese_stays_the_default_without_a_choice(world: World) -> None:
    html = page(world.client_for(world.office), reverse("campaigns:list"))
    assert '<html lang="zh-hans">' in html
    assert "<h1>我的活动</h1>" in html
    assert "My campaigns" not in html
    login = page(Client(), reverse("login"))
    assert "<h1>登录</h1>" in login and "Log in" not in login


def test_language_switcher_turns_the_site_english_and_back(world: World) -> None:
    client = world.client_for(world.office)
    campaigns = reverse("campaigns:list")
    response = client.post(reverse("set_language"), {"language": "en", "next": campaigns})
    assert response.status_code == 302 and response["Location"] == campaigns
    assert "<h1>My campaigns</h1>" in page(client, campaigns)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": campaigns})
    assert "<h1>我的活动</h1>" in page(client, campaigns)


def test_stage_ending_before_it_starts_is_refused_in_english(world: World) -> None:
    client = in_english(world.client_for(world.office))
    response = client.post(
        reverse("campaigns:stage_create", args=[world.campaign.pk]),
        {"name": "宣传发动", "start_date": "2026-09-30", "end_date": "2026-09-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Add stage</h1>" in html
    assert "A stage&#x27;s end date cannot be before its start date." in html
    assert "阶段的结束日期不能早于开始日期。" not in html
    assert not world.campaign.stages.exists()


def test_service_error_on_stage_dates_is_in_english(world: World) -> None:
    """Only the service knows the campaign's dates; its ValidationError is translated too."""
    client = in_english(world.client_for(world.office))
    response = client.post(
        reverse("campaigns:stage_create", args=[world.campaign.pk]),
        {"name": "宣传发动", "start_date": "2026-08-01", "end_date": "2026-09-10"},
    )
    html = response.content.decode()
    assert "A stage must fall within the campaign dates (2026-09-01 to 2026-12-31)." in html
    assert "阶段必须在活动的起止日期" not in html
    assert not world.campaign.stages.exists()


def test_duplicate_topic_error_is_in_english(world: World) -> None:
    services.topic_add(campaign=world.campaign, name="营商环境")
    client = in_english(world.client_for(world.office))
    response = client.post(
        reverse("campaigns:topic_create", args=[world.campaign.pk]), {"name": "营商环境"}
    )
    html = response.content.decode()
    assert "Topic &quot;营商环境&quot; already exists." in html
    assert "已存在" not in html


def test_receipt_code_explanations_are_in_english(db: None) -> None:
    client = in_english(Client())
    lookup = reverse("public:receipt_lookup")
    assert "Example: ABCD-2345Y" in page(client, lookup)
    wrong = client.get(lookup, {"code": "ABCD-2345K"}).content.decode()
    short = client.get(lookup, {"code": "ABCD-234"}).content.decode()
    assert "The last character (the check character) does not match" in wrong
    assert "you typed 7 (example: ABCD-2345Y)" in short
