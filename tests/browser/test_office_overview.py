import datetime

import pytest

from tests.factories import TEST_PASSWORD
from zhongzhi.campaigns import services
from zhongzhi.org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_logs_in_and_sees_the_current_stage(
    live_server, browser, world, pinned_today
) -> None:  # type: ignore[no-untyped-def]
    today = pinned_today
    campaign = world.campaign
    campaign.start_date = today - datetime.timedelta(days=40)
    campaign.end_date = today + datetime.timedelta(days=40)
    campaign.save()
    services.stage_add(
        campaign=campaign,
        name="宣传发动",
        start_date=campaign.start_date,
        end_date=today - datetime.timedelta(days=5),
    )
    services.stage_add(
        campaign=campaign,
        name="组织实施",
        start_date=today - datetime.timedelta(days=4),
        end_date=today + datetime.timedelta(days=20),
    )
    services.stage_add(
        campaign=campaign,
        name="总结交流",
        start_date=today + datetime.timedelta(days=21),
        end_date=campaign.end_date,
    )
    assert User.objects.filter(username="office").exists()

    page = browser.new_page(locale="zh-CN")  # as an office in China has it
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    page.click(f"text={campaign.name}")
    current = page.locator("[data-testid=current-stage]")
    current.wait_for()
    assert "组织实施" in current.inner_text()
    assert "当前阶段" in current.inner_text()
    assert page.locator(".timeline .stage").count() == 3
    page.close()
