"""The whole loop in real headless Chromium: a resident submits on a phone-sized page,
the office assigns it, the community signs for it and adopts it, makes it a problem
with a measure and a deadline, posts progress with a photo, reports it done, the
supervisor verifies it with the answer, the resident's receipt page shows it, and the
resident rates it."""

import io
import re

import pytest
from PIL import Image

from tests.factories import TEST_PASSWORD
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.rectification.models import Measure, MeasureState, Problem, ProblemStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
ROAD = "红岛路兴安支路2号门前路面坑坑洼洼，下雨天积水，老人出门容易摔倒，请尽快修一修。"
ANSWER = "兴安支路2号路段已重新铺设，雨后不再积水，感谢您的反映。"


def _login(browser, live_server, username: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    return page


def _photo(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "路面修补.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 120, 120)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_from_a_residents_phone_to_the_answer_on_the_receipt(  # type: ignore[no-untyped-def]
    live_server, browser, world, tmp_path
) -> None:
    campaign = world.campaign
    # The resident, on a phone.
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/c/{campaign.pk}/")
    phone.locator("textarea[name=text]").fill(ROAD)
    phone.locator("button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/c/r/[0-9A-Z]{9}/\?new=1$"))
    receipt_url = phone.url.split("?")[0]
    suggestion = Suggestion.objects.get(text=ROAD)

    # The office assigns it to the proposed community with one key.
    office = _login(browser, live_server, "office")
    office.goto(f"{live_server.url}/screening/{campaign.pk}/assign/")
    assert "红岛路社区" in office.locator("[data-testid=proposal]").first.inner_text()
    office.locator("body").focus()
    office.keyboard.press("y")
    office.wait_for_selector(".flash-success")

    # The community signs for it, adopts it and makes it a problem with a measure.
    unit = _login(browser, live_server, "hdl")
    unit.goto(f"{live_server.url}/screening/{campaign.pk}/sign/")
    unit.locator("[data-testid=sign]").first.click()
    unit.wait_for_selector(".flash-success")
    unit.goto(f"{live_server.url}/screening/{campaign.pk}/")
    unit.locator("body").focus()
    unit.keyboard.press("a")
    unit.locator("[data-testid=outcome]").wait_for()
    assert Suggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ADOPTED

    unit.goto(f"{live_server.url}/suggestions/{suggestion.pk}/")
    unit.locator("[data-testid=make-problem]").click()
    unit.fill("#id_title", "兴安支路2号路面坑洼积水")
    unit.locator("button[type=submit]", has_text="立为问题").click()
    unit.wait_for_selector(".flash-success")
    form = unit.locator("[data-testid=measure-form]")
    form.locator("#id_text").fill("联系市政部门重新铺设兴安支路2号路段。")
    form.locator("#id_responsible_person").fill("社区居委会主任 王丽")
    form.locator("#id_deadline").fill("2026-11-15")
    form.locator("button[type=submit]").click()
    unit.wait_for_selector(".flash-success")
    assert "已制定整改措施 1-1" in unit.locator(".flash-success").inner_text()
    problem = Problem.objects.get()

    # Progress with a photo, then done.
    unit.locator("[data-testid=measure-row] a").first.click()
    progress = unit.locator("[data-testid=progress-form]")
    progress.locator("#id_percent").fill("60")
    progress.locator("#id_text").fill("路面已铺设一半。")
    progress.locator("#id_evidence").set_input_files(_photo(tmp_path))
    progress.locator("button[type=submit]").click()
    unit.wait_for_selector(".flash-success")
    assert "路面已铺设一半。" in unit.locator("[data-testid=timeline]").inner_text()
    unit.locator("[data-testid=do-done]").click()
    unit.wait_for_selector(".flash-success")
    measure = Measure.objects.get()
    assert measure.state == MeasureState.DONE
    # A community does not verify its own work.
    assert unit.locator("[data-testid=do-verify]").count() == 0

    # The supervisor of the community verifies it and writes the answer.
    supervisor = _login(browser, live_server, "supervisor")
    supervisor.goto(f"{live_server.url}/rectification/measures/{measure.pk}/")
    supervisor.locator("[data-testid=answer-field]").fill(ANSWER)
    supervisor.locator("[data-testid=do-verify]").click()
    supervisor.wait_for_selector(".flash-success")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED

    # The resident's receipt page shows the answer.
    phone.goto(receipt_url)
    assert ANSWER in phone.locator("body").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # The evidence photo was stored with its preview.
    assert Measure.objects.get().updates.get().evidence.get().preview

    # And rates it, once.
    phone.locator("[data-testid=rate-satisfied]").click()
    phone.locator("[data-testid=rating-level]").wait_for()
    assert "满意" in phone.locator("[data-testid=rating-level]").inner_text()
    assert Suggestion.objects.get(pk=suggestion.pk).rating.level == "satisfied"
    assert phone.locator("[data-testid=rating-form]").count() == 0
