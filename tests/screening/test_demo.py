"""The demo campaign shows routing and screening under way, for the office and a unit."""

from django.urls import reverse

from tests.factories import demo_client
from zhongzhi.core.demo import DemoResult
from zhongzhi.org.models import User
from zhongzhi.screening.demo import screening_demo_create
from zhongzhi.screening.models import Assignment, AssignmentState


def test_the_demo_has_every_step_of_routing_and_running_it_again_changes_nothing(
    demo: DemoResult,
) -> None:
    assignments = Assignment.objects.filter(campaign=demo.campaign)
    states = set(assignments.values_list("state", flat=True))
    assert states == {s.value for s in AssignmentState}
    assert assignments.filter(signed_late=True).exists()
    count = assignments.count()
    office = User.objects.get(username="office")
    assert screening_demo_create(demo.campaign, office) == 0
    assert assignments.count() == count


def test_the_office_and_a_community_each_find_work_waiting(demo: DemoResult) -> None:
    campaign = demo.campaign.pk
    office = demo_client("office").get(reverse("screening:assign", args=[campaign]))
    assert office.content.decode().count('data-testid="assign-row"') >= 5
    assert "提到“" in office.content.decode()  # proposals with their reasons
    hongdaolu = demo_client("hongdaolu")
    to_sign = hongdaolu.get(reverse("screening:sign", args=[campaign])).content.decode()
    assert 'data-testid="sign-row"' in to_sign
    queue = hongdaolu.get(reverse("screening:queue", args=[campaign])).content.decode()
    assert queue.count('data-testid="queue-row"') >= 20
