"""The office accepts routing proposals with one key, in real headless Chromium."""

import pytest

from tests.factories import TEST_PASSWORD
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.screening.models import Assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_accepts_a_proposal_with_y(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    light, _ = suggestion_submit(
        campaign=world.campaign,
        text="红岛路4号楼道声控灯坏了，晚上看不见，请尽快修好。",
        channel="online",
    )
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    page.goto(f"{live_server.url}/screening/{world.campaign.pk}/assign/")
    proposal = page.locator("[data-testid=proposal]").first
    assert "红岛路社区" in proposal.inner_text()
    page.locator("body").focus()
    page.keyboard.press("y")
    page.wait_for_selector(".flash-success")
    assert "已交办 1 条" in page.locator(".flash-success").inner_text()
    assert Assignment.objects.get(suggestion=light).unit == world.hongdaolu
    page.close()
