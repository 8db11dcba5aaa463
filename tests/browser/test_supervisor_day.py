"""A supervisor's day in real headless Chromium: open the group's units, record an
inspection with a finding, see it become a measure of the unit, and verify it once
the unit reports it done."""

import pytest

from tests.browser.test_rectification_loop import _login
from zhongzhi.rectification.models import Measure, MeasureState, ProblemOrigin, ProblemStatus
from zhongzhi.supervision.models import Inspection
from zhongzhi.supervision.services import group_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisors_inspection_becomes_a_measure_they_verify(  # type: ignore[no-untyped-def]
    live_server, browser, world
) -> None:
    group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第一督导组",
        leader=world.supervisor,
        members=[],
        units=[world.jinkoulu, world.badaguan],
    )
    page = _login(browser, live_server, "supervisor")
    page.get_by_role("link", name="督导检查").click()
    page.get_by_role("link", name="第一督导组").click()
    units = page.locator("[data-testid=units]").inner_text()
    assert "金口路社区" in units and "八大关社区" in units and "未检查" in units

    # The inspection of 金口路社区, from its row.
    page.locator("[data-testid=unit-row]", has_text="金口路社区").get_by_role(
        "link", name="记录检查"
    ).click()
    form = page.locator("[data-testid=inspection-form]")
    assert form.locator("#id_unit").input_value() == str(world.jinkoulu.pk)
    form.locator("#id_date").fill("2026-10-14")
    form.get_by_label("实地查看").check()
    form.get_by_label("查阅台账").check()
    form.locator("#id_notes").fill("查阅台账，实地查看楼道。")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash-success")
    assert Inspection.objects.get().unit == world.jinkoulu

    # A finding with a deadline: the unit's problem and measure.
    finding = page.locator("[data-testid=finding-form]")
    finding.locator("#id_title").fill("楼道堆物未清理")
    finding.locator("#id_description").fill("金口路3号楼道堆放杂物，存在消防隐患。")
    finding.locator("#id_requirement").fill("清理楼道杂物并建立巡查制度")
    finding.locator("#id_deadline").fill("2026-10-25")
    finding.locator("button[type=submit]").click()
    page.wait_for_selector(".flash-success")
    assert "金口路社区" in page.locator(".flash-success").inner_text()
    measure = Measure.objects.get()
    assert measure.problem.origin == ProblemOrigin.SUPERVISION
    assert measure.code in page.locator("[data-testid=findings]").inner_text()

    # The community reports it done from its measure list.
    unit = _login(browser, live_server, "jkl")
    unit.goto(f"{live_server.url}/rectification/{world.campaign.pk}/measures/")
    unit.get_by_role("link", name="清理楼道杂物并建立巡查制度").click()
    unit.locator("[data-testid=do-done]").click()
    unit.wait_for_selector(".flash-success")
    assert Measure.objects.get().state == MeasureState.DONE

    # Back on the finding, the supervisor opens the measure and verifies it.
    page.reload()
    page.locator("[data-testid=findings]").get_by_role("link", name=measure.code).click()
    page.locator("[data-testid=do-verify]").click()
    page.wait_for_selector(".flash-success")
    assert Measure.objects.get().state == MeasureState.VERIFIED
    assert Measure.objects.get().problem.status == ProblemStatus.CLOSED
    page.goto(f"{live_server.url}/supervision/{world.campaign.pk}/")
    assert "1 / 2" in page.locator("[data-testid=coverage]").inner_text()
