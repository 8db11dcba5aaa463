"""Screening with the keyboard only, in real headless Chromium: open the queue, move
down, merge two, mark one excellent, adopt one."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import TEST_PASSWORD
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.services import suggestion_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    "红岛路4号楼道声控灯坏了，晚上看不见。",  # newest: first row
    "红岛路4号楼的楼道灯坏了一个月了，请修一下。",
    "红岛路社区广场需要增加健身器材。",
    "红岛路小学门口早晚接送拥堵，建议设临时停车位。",
]


def test_office_screens_the_queue_with_the_keyboard_only(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    made = []
    for age, text in enumerate(TEXTS):
        suggestion, _ = suggestion_submit(
            campaign=world.campaign,
            text=text,
            channel="symposium",
            unit=world.hongdaolu,
            submitted_at=now - datetime.timedelta(minutes=age),
        )
        made.append(suggestion)

    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    page.goto(f"{live_server.url}/screening/{world.campaign.pk}/")
    rows = page.locator("[data-testid=queue-row]")
    assert rows.count() == 4
    page.locator("body").focus()

    # Select the first two rows and merge the second into the first.
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("m")
    page.locator("[data-testid=outcome]").wait_for()
    assert "“合并”：1 条" in page.locator("[data-testid=outcome]").inner_text()
    # The merged row leaves the to-screen list; the cursor stays in place.
    assert rows.count() == 3

    # The cursor is on the square's fitness equipment now: excellent.
    assert "健身器材" in page.locator("tr.queue-row.current").inner_text()
    page.keyboard.press("e")
    page.wait_for_function("document.querySelectorAll('[data-testid=queue-row]').length === 2")
    # The school's parking moved up under the cursor: adopt.
    assert "停车位" in page.locator("tr.queue-row.current").inner_text()
    page.keyboard.press("a")
    page.wait_for_function("document.querySelectorAll('[data-testid=queue-row]').length === 1")

    statuses = {s.text: s.status for s in Suggestion.objects.filter(campaign=world.campaign)}
    assert statuses == {
        TEXTS[0]: SuggestionStatus.RECEIVED,
        TEXTS[1]: SuggestionStatus.MERGED,
        TEXTS[2]: SuggestionStatus.EXCELLENT,
        TEXTS[3]: SuggestionStatus.ADOPTED,
    }
    assert Suggestion.objects.get(text=TEXTS[1]).merged_into == made[0]

    # o opens the current row's page.
    page.keyboard.press("k")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/suggestions/{made[0].pk}/")
    page.close()
