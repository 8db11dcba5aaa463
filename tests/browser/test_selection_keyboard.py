"""A reviewer scores a golden idea with the keyboard in real headless Chromium: digits
1–5 give a score and move on to the next criterion, Ctrl+Enter in the comment saves
(htmx), and the page says it is saved and counts it."""

import pytest

from tests.factories import TEST_PASSWORD
from tests.intake.factories import SuggestionFactory
from tests.selection.conftest import IDEAS, make_round
from zhongzhi.screening.services.decisions import suggestion_decide
from zhongzhi.selection.models import ReviewComment, Score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_scores_an_idea_with_the_keyboard(live_server, browser, world) -> None:  # type: ignore[no-untyped-def]
    ideas = {}
    for key, (_unit, title, text) in IDEAS.items():
        made = SuggestionFactory(
            campaign=world.campaign, unit=world.hongdaolu, title=title, text=text
        )
        ideas[key] = suggestion_decide(suggestion=made, decision="excellent", actor=world.office)
    selection = make_round(world, ideas, reviewers=[world.leader])
    first = selection.entry("A")

    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/campaigns/")
    page.goto(f"{live_server.url}/selection/rounds/{selection.round.pk}/review/")
    assert page.locator("[data-testid=my-progress]").inner_text() == "已评 0 / 5"

    idea = page.locator(f"#entry-{first.pk}")
    idea.locator("input[type=radio]").first.focus()
    page.keyboard.press("5")  # 创新性 5, on to 可行性
    page.keyboard.press("4")  # 可行性 4, on to the comment
    page.keyboard.type("思路新，花钱少")
    page.keyboard.press("Control+Enter")
    page.locator(f"#entry-{first.pk} [data-testid=saved]").wait_for()
    assert page.locator("[data-testid=my-progress]").inner_text() == "已评 1 / 5"

    values = dict(
        Score.objects.filter(entry=first, reviewer=world.leader).values_list(
            "criterion_id", "value"
        )
    )
    assert values == dict(zip(selection.criteria, [5, 4], strict=True))
    assert ReviewComment.objects.get(entry=first).text == "思路新，花钱少"
    page.close()
