"""Problems and measures made through the services, as staff make them."""

import datetime

from tests.conftest import World
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.models import Measure, Problem
from zhongzhi.rectification.services.problems import measure_add, problem_create
from zhongzhi.screening.services.routing import assignment_sign, suggestions_assign

ROAD = "兴安支路2号门前的路面坑坑洼洼，下雨天积水，老人走路容易摔倒，希望尽快修一修。"


def routed_suggestion(world: World, text: str = ROAD, unit: Unit | None = None) -> Suggestion:
    """A resident's online suggestion, assigned to a community that signed for it."""
    unit = unit or world.hongdaolu
    suggestion, _created = suggestion_submit(campaign=world.campaign, text=text, channel="online")
    (assignment,) = suggestions_assign(
        campaign=world.campaign, suggestion_ids=[suggestion.pk], unit=unit, actor=world.office
    )
    coordinator = {
        world.hongdaolu.pk: world.hongdaolu_coordinator,
        world.jinkoulu.pk: world.jinkoulu_coordinator,
    }.get(unit.pk, world.office)
    assignment_sign(assignment_id=assignment.pk, actor=coordinator)
    return Suggestion.objects.get(pk=suggestion.pk)


def problem_with_measure(
    world: World,
    *,
    actor: User | None = None,
    suggestions: list[Suggestion] | None = None,
    deadline: datetime.date = datetime.date(2026, 11, 15),
    owner_unit: Unit | None = None,
) -> tuple[Problem, Measure]:
    actor = actor or world.hongdaolu_coordinator
    sources = suggestions if suggestions is not None else [routed_suggestion(world)]
    problem = problem_create(
        campaign=world.campaign,
        actor=actor,
        unit=world.hongdaolu,
        title="兴安支路路面坑洼积水",
        description="居民反映兴安支路2号门前路面破损，雨天积水。",
        suggestion_ids=[s.pk for s in sources],
    )
    measure = measure_add(
        problem=problem,
        actor=actor,
        text="联系区市政部门对兴安支路破损路面进行修补。",
        owner_unit=owner_unit or world.hongdaolu,
        responsible_person="王主任",
        deadline=deadline,
        expected_result="路面平整、雨后无积水",
    )
    return problem, measure
