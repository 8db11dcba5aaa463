"""The dashboard in real headless Chromium: Chart.js, served from the app's own static
files, draws every chart panel from the numbers in its table."""

import pytest

from tests.browser.test_rectification_loop import _login
from zhongzhi.campaigns.models import Topic
from zhongzhi.intake.services import suggestion_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_opens_the_dashboard_and_every_chart_is_drawn(  # type: ignore[no-untyped-def]
    live_server, browser, world
) -> None:
    roads = Topic.objects.create(campaign=world.campaign, name="道路交通", order=1)
    for n in range(3):
        suggestion_submit(
            campaign=world.campaign,
            text=f"第{n}条：路口增设红绿灯。",
            channel="symposium",
            unit=world.hongdaolu,
            topic=roads if n else None,
        )
    page = _login(browser, live_server, "office")
    page.goto(f"{live_server.url}/reports/{world.campaign.pk}/")
    page.wait_for_function("typeof Chart !== 'undefined'")
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('.panel canvas')].map(canvas => {
            const chart = Chart.getChart(canvas);
            const panel = canvas.closest('.panel').dataset.testid;
            return [panel, chart ? chart.data.datasets.map(d => d.data) : null];
        })"""
    )
    charts = dict(drawn)
    assert None not in charts.values(), charts
    assert charts["panel-intake.by_topic"] == [[2, 1]]
    assert charts["panel-intake.by_unit"] == [[3]]
    figures = page.locator("[data-testid='panel-intake.new'] [data-testid=figure]")
    assert figures.all_inner_texts()[-1] == "3"
