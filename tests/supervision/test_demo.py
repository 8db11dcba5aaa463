"""The demo's supervision, as its supervisors and the office see it."""

from django.urls import reverse

from tests.factories import demo_client
from zhongzhi.core.demo import DemoResult
from zhongzhi.rectification.models import Measure, ProblemOrigin
from zhongzhi.supervision.models import SupervisionGroup


def test_two_groups_cover_the_five_communities_and_one_finding_is_a_measure(
    demo: DemoResult,
) -> None:
    groups = SupervisionGroup.objects.filter(campaign=demo.campaign).order_by("name")
    assert [g.name for g in groups] == ["第一督导组", "第二督导组"]
    covered = [u.name for g in groups for u in g.units.order_by("path")]
    assert sorted(covered) == sorted(
        ["红岛路社区", "金口路社区", "福山路社区", "八大关社区", "太平角社区"]
    )
    measure = Measure.objects.get(problem__origin=ProblemOrigin.SUPERVISION)
    assert (
        measure.owner_unit.name == "金口路社区"
        and measure.problem.finding.inspection.group == groups[0]
    )

    overview = reverse("supervision:overview", args=[demo.campaign.pk])
    office = demo_client("office").get(overview).content.decode()
    assert office.count('data-testid="group-row"') == 2
    assert "1 / 3" in office and "1 / 2" in office
    second = demo_client("supervisor2").get(overview).content.decode()
    assert "第二督导组" in second and "第一督导组" not in second
    # The unit sees the finding among its measures and the group may verify it.
    jinkoulu = demo_client("jinkoulu")
    measures = jinkoulu.get(reverse("rectification:measures", args=[demo.campaign.pk]))
    assert "补记近两次议事会" in measures.content.decode()
