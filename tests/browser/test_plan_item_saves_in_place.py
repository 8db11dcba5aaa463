"""A coordinator updates a plan item far down the campaign overview: the row says it
was saved, in place, and the page does not jump."""

import pytest

from tests.factories import TEST_PASSWORD
from zhongzhi.campaigns import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_saving_a_plan_item_confirms_in_the_row_and_keeps_the_scroll_position(  # type: ignore[no-untyped-def]
    live_server, browser, world
) -> None:
    items = [
        services.plan_item_add(
            campaign=world.campaign, title=f"红岛路任务{number}", lead_units=[world.hongdaolu]
        )
        for number in range(40)
    ]
    item = items[30]
    page = browser.new_page(locale="zh-CN", viewport={"width": 1000, "height": 700})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "hdl")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    page.goto(f"{live_server.url}/campaigns/{world.campaign.pk}/")
    row = page.locator(f"#plan-item-{item.pk}")
    row.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 500

    row.locator("select[name=status]").select_option("in_progress")
    row.locator("input[name=note]").fill("已联系施工队")
    row.locator("button[type=submit]").click()

    saved = page.locator(f"#plan-item-{item.pk} [data-testid=saved]")
    saved.wait_for()
    assert saved.inner_text() == "已保存"
    assert page.locator(f"#plan-item-{item.pk} [data-testid=status]").inner_text() == "进行中"
    assert page.evaluate("window.scrollY") == scrolled
    assert page.url == f"{live_server.url}/campaigns/{world.campaign.pk}/"
    item.refresh_from_db()
    assert (item.status, item.status_note) == ("in_progress", "已联系施工队")
    page.close()
