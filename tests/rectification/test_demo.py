"""The demo campaign's rectification work: the seed's cases in every state."""

from django.urls import reverse

from tests.factories import demo_client
from zhongzhi.core.demo import DemoResult
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.models import User
from zhongzhi.rectification.demo import rectification_demo_create
from zhongzhi.rectification.models import (
    ExtensionState,
    Measure,
    MeasureState,
    Problem,
    ProblemOrigin,
    ProblemStatus,
)


def test_every_state_is_there_and_the_road_is_answered(demo: DemoResult) -> None:
    campaign = demo.campaign
    states = set(Measure.objects.filter(campaign=campaign).values_list("state", flat=True))
    assert {
        MeasureState.PLANNED,
        MeasureState.IN_PROGRESS,
        MeasureState.DONE,
        MeasureState.VERIFIED,
        MeasureState.SENT_BACK,
    } <= states
    road = (
        Suggestion.objects.filter(campaign=campaign, title="兴安支路2号路面坑洼")
        .order_by("pk")
        .first()
    )
    assert road is not None and road.status == SuggestionStatus.ANSWERED
    assert "重新铺设" in road.answer
    assert road.rating.get_level_display() == "满意"
    assert Problem.objects.filter(campaign=campaign, status=ProblemStatus.CLOSED).count() >= 3
    assert Problem.objects.filter(origin=ProblemOrigin.SELF_EXAMINATION).exists()
    assert Measure.objects.filter(
        campaign=campaign, extensions__state=ExtensionState.PENDING
    ).exists()
    # Running it again changes nothing.
    before = Measure.objects.count()
    assert rectification_demo_create(campaign, User.objects.get(username="office")) == 0
    assert Measure.objects.count() == before


def test_the_supervisor_has_one_to_verify_and_the_coordinator_sees_the_list(
    demo: DemoResult,
) -> None:
    waiting = Measure.objects.get(state=MeasureState.DONE)
    supervisor = demo_client("supervisor")
    page = supervisor.get(reverse("rectification:measure", args=[waiting.pk])).content.decode()
    assert 'data-testid="do-verify"' in page
    listing = demo_client("hongdaolu").get(
        reverse("rectification:measures", args=[demo.campaign.pk])
    )
    assert "和惠居" in listing.content.decode()
