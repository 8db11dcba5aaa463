"""The demo's essays, as the office, a community and a writer see them."""

from django.urls import reverse

from tests.factories import demo_client
from zhongzhi.core.demo import DemoResult, demo_create
from zhongzhi.essays.models import Essay, EssayAssignment
from zhongzhi.essays.selectors import completion_by_unit
from zhongzhi.org.models import User


def test_a_handful_of_essays_with_one_unit_behind_and_one_excellent(demo: DemoResult) -> None:
    office = User.objects.get(username="office")
    rows = {r.unit_name: r for r in completion_by_unit(office, demo.campaign).rows}
    behind = [name for name, row in rows.items() if row.behind]
    assert behind == ["太平角社区"] and rows["太平角社区"].handed_in == 0
    assert rows["福山路社区"].missing == 1  # a draft is not handed in
    assert sum(r.handed_in for r in rows.values()) == 4
    excellent = Essay.objects.get(excellent=True)
    assert excellent.file_name.endswith(".docx") and excellent.marked_by == office
    client = demo_client("office")
    page = client.get(reverse("essays:overview", args=[demo.campaign.pk])).content.decode()
    assert page.count('data-testid="unit-row"') == 5 and "滞后" in page
    file = client.get(reverse("essays:file", args=[excellent.assignment_id]))
    assert file.status_code == 200
    mine = demo_client("taipingjiao").get(reverse("essays:mine", args=[demo.campaign.pk]))
    assert "未提交" in mine.content.decode()


def test_running_the_demo_again_adds_no_essays(demo: DemoResult) -> None:
    before = (EssayAssignment.objects.count(), Essay.objects.count())
    demo_create()
    assert (EssayAssignment.objects.count(), Essay.objects.count()) == before == (6, 5)
