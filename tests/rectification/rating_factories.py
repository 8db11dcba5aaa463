"""Answered suggestions to rate: through a verified measure, or answered directly."""

from tests.conftest import World
from tests.rectification.factories import problem_with_measure, routed_suggestion
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Unit
from zhongzhi.rectification.models import Measure
from zhongzhi.rectification.services.measures import measure_transition, progress_post
from zhongzhi.screening.services.decisions import suggestion_decide

ROAD_ANSWER = "兴安支路2号门前路面已于10月修补完毕，雨后不再积水。"
HANDRAIL = "福山路小区楼道没有扶手，老人上下楼很吃力，希望装上扶手。"


def answered_through_measure(world: World, suggestion: Suggestion | None = None) -> Suggestion:
    """A suggestion of 红岛路社区's problem, answered when its measure was verified."""
    sources = [suggestion] if suggestion is not None else None
    problem, measure = problem_with_measure(world, actor=world.office, suggestions=sources)
    progress_post(measure=measure, actor=world.hongdaolu_coordinator, percent=50, text="已施工。")
    measure = Measure.objects.get(pk=measure.pk)
    measure = measure_transition(measure=measure, key="done", actor=world.hongdaolu_coordinator)
    measure_transition(
        measure=Measure.objects.get(pk=measure.pk),
        key="verify",
        actor=world.office,
        answer=ROAD_ANSWER,
    )
    source = problem.sources.get().suggestion
    return Suggestion.objects.get(pk=source.pk)


def answered_directly(world: World, unit: Unit | None = None, text: str = HANDRAIL) -> Suggestion:
    unit = unit or world.jinkoulu
    suggestion = routed_suggestion(world, text=text, unit=unit)
    coordinator = (
        world.jinkoulu_coordinator if unit == world.jinkoulu else world.hongdaolu_coordinator
    )
    return suggestion_decide(
        suggestion=suggestion,
        decision="answer",
        actor=coordinator,
        reply="扶手已于10月20日安装完毕。",
    )
