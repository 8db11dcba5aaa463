"""A resident on a phone, in WeChat's browser: opens the campaign page from the poster,
sees a similar suggestion and +1s it, then writes their own, submits, and follows it
with the receipt code."""

import re

import pytest

from zhongzhi.analysis.similarity import index_new_suggestions
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI "
    "Language/zh_CN"
)
ROAD = (
    "红岛路38号楼前的人行道坑洼不平，下雨天积水严重。"
    "老人和孩子出行很不方便，上个月还有人在这里摔倒。"
    "建议街道尽快安排施工队重新铺设路面，并在路口增设排水口。"
)
TYPED_LIKE_ROAD = (
    "红岛路38号楼前的人行道坑洼不平，下雨天积水严重。"
    "建议街道尽快安排施工队重新铺设路面，并在路口增设排水口。"
)
MINE = "福山路小学门口早晚接送时车辆乱停，建议设置临时停车区并安排志愿者疏导交通。"


def test_resident_submits_on_a_phone_and_follows_the_receipt(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    campaign = world.campaign
    campaign.slogan = "众智成城 · 共建美好八大关"
    campaign.save()
    campaign_services.topic_add(campaign=campaign, name="营商环境")
    campaign_services.topic_add(campaign=campaign, name="提高为民服务水平")
    road, _created = suggestion_submit(campaign=campaign, text=ROAD, channel="online")
    index_new_suggestions()

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        user_agent=WECHAT_IPHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
        locale="zh-CN",
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{campaign.pk}/")
    assert "众智成城" in page.inner_text(".pub-hero")
    # Mobile first: nothing wider than the phone, and a thumb-sized submit button.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    submit = page.locator("button[type=submit]")
    assert submit.bounding_box()["height"] >= 44
    assert "不向其他人展示" in page.inner_text("[data-testid=privacy-notice]")

    # While typing, the similar suggestion shows up with its +1 count; +1 it.
    textarea = page.locator("textarea[name=text]")
    textarea.press_sequentially(TYPED_LIKE_ROAD)
    similar = page.locator("[data-testid=similar]")
    similar.wait_for()
    assert "红岛路38号楼前的人行道坑洼不平" in similar.inner_text()
    assert "0 人附议" in similar.inner_text()
    similar.get_by_role("button", name="+1 附议").click()
    page.get_by_text("已附议，谢谢！").wait_for()
    assert "1 人附议" in similar.inner_text()
    road.refresh_from_db()
    assert road.plus_ones == 1

    # Then writes their own suggestion about something else, with a topic, and submits.
    page.get_by_text("提高为民服务水平").click()
    textarea.fill(MINE)
    submit.click()
    page.wait_for_url(re.compile(r"/c/r/[0-9A-Z]{9}/\?new=1$"))
    code = page.inner_text("[data-testid=receipt-code]").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{5}", code)
    mine = Suggestion.objects.get(text=MINE)
    assert mine.receipt_code_display == code
    assert mine.topic is not None and mine.topic.name == "提高为民服务水平"

    # Later: the receipt page, by the code typed in lower case without the dash.
    page.goto(f"{live_server.url}/c/r/")
    page.fill("input[name=code]", code.replace("-", "").lower())
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/c/r/{mine.receipt_code}/")
    assert page.inner_text("[data-testid=status]") == "已收到"
    assert "已收到" in page.inner_text("[data-testid=timeline]")
    assert MINE in page.inner_text("[data-testid=suggestion-text]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
