"""The rectification loop through its services: problem, measure, progress, done,
verified, closed and answered; the transition table's refusals and conflicts."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import World
from tests.rectification.factories import problem_with_measure, routed_suggestion
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.rectification.models import (
    ExtensionState,
    Measure,
    MeasureState,
    ProblemStatus,
)
from zhongzhi.rectification.services.measures import (
    TRANSITIONS,
    extension_decide,
    extension_request,
    measure_transition,
    progress_post,
    transitions_for,
)
from zhongzhi.rectification.services.problems import problem_create
from zhongzhi.screening.services.common import BulkRefused, Conflict

M = MeasureState


def fresh(measure: Measure) -> Measure:
    return Measure.objects.select_related("problem").get(pk=measure.pk)


def test_adopted_suggestion_to_answer_through_every_step(world: World) -> None:
    suggestion = routed_suggestion(world)
    problem, measure = problem_with_measure(world, suggestions=[suggestion])
    assert Suggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ADOPTED
    problem.refresh_from_db()
    assert (problem.number, measure.code, problem.status) == (1, "1-1", ProblemStatus.IN_PROGRESS)

    progress_post(
        measure=measure,
        actor=world.hongdaolu_coordinator,
        percent=40,
        text="已联系市政，排期施工。",
    )
    measure = fresh(measure)
    assert (measure.state, measure.percent) == (M.IN_PROGRESS, 40)
    measure = measure_transition(measure=measure, key="done", actor=world.hongdaolu_coordinator)
    assert (measure.state, measure.percent, measure.done_by) == (
        M.DONE,
        100,
        world.hongdaolu_coordinator,
    )
    with pytest.raises(ValidationError, match="请填写给提出建议群众的答复"):
        measure_transition(measure=measure, key="verify", actor=world.office)
    measure_transition(
        measure=fresh(measure), key="verify", actor=world.office, answer="路面已于10月修补完毕。"
    )

    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED and problem.closed_at is not None
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.answer) == (
        SuggestionStatus.ANSWERED,
        "路面已于10月修补完毕。",
    )
    actions = list(
        AuditEntry.objects.filter(target_type="rectification.measure", target_id=measure.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.MEASURE_ADD,
        AuditAction.MEASURE_PROGRESS,
        AuditAction.MEASURE_DONE,
        AuditAction.MEASURE_VERIFY,
    ]


def test_nobody_verifies_their_own_units_measure(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    measure = measure_transition(measure=measure, key="done", actor=world.hongdaolu_coordinator)
    assert [t.key for t in transitions_for(world.hongdaolu_coordinator, measure)] == []
    with pytest.raises(ValidationError, match="不能核验本单位"):
        measure_transition(
            measure=measure, key="verify", actor=world.hongdaolu_coordinator, answer="好了"
        )
    # The supervisor assigned to 红岛路社区 may, and may send it back with a reason.
    assert {t.key for t in transitions_for(world.supervisor, measure)} == {"verify", "send_back"}
    with pytest.raises(ValidationError, match="请填写原因"):
        measure_transition(measure=measure, key="send_back", actor=world.supervisor)
    measure = measure_transition(
        measure=measure, key="send_back", actor=world.supervisor, reason="现场仍有积水。"
    )
    assert (measure.state, measure.state_reason) == (M.SENT_BACK, "现场仍有积水。")


def test_two_people_verifying_at_once_the_second_gets_a_conflict(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    measure = measure_transition(measure=measure, key="done", actor=world.hongdaolu_coordinator)
    shown = measure.version
    measure_transition(
        measure=measure, key="verify", actor=world.office, version=shown, answer="已修好。"
    )
    with pytest.raises(Conflict):
        measure_transition(
            measure=measure, key="send_back", actor=world.supervisor, version=shown, reason="x"
        )
    assert fresh(measure).state == M.VERIFIED


def test_progress_on_a_finished_measure_and_bad_percentages_are_refused(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    for percent in (None, -1, 101):
        with pytest.raises(ValidationError, match="0 到 100"):
            progress_post(
                measure=measure, actor=world.hongdaolu_coordinator, percent=percent, text="进展"
            )
    measure_transition(measure=measure, key="cancel", actor=world.office, reason="并入其他措施")
    with pytest.raises(ValidationError, match="不能再报送进展"):
        progress_post(measure=measure, actor=world.hongdaolu_coordinator, percent=50, text="进展")
    assert fresh(measure).problem.status == ProblemStatus.CLOSED


def test_only_listed_transitions_exist_and_each_names_who_may(world: World) -> None:
    assert set(TRANSITIONS) == {"start", "done", "verify", "send_back", "cancel"}
    _problem, measure = problem_with_measure(world)
    # A coordinator of another community sees nothing to do here.
    assert transitions_for(world.jinkoulu_coordinator, measure) == []
    assert {t.key for t in transitions_for(world.office, measure)} == {"start", "done", "cancel"}


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (datetime.date(2026, 10, 14), "不能早于今天"),
        (datetime.date(2027, 1, 1), "不能晚于活动结束"),
    ],
)
def test_a_deadline_before_today_or_after_the_campaign_is_refused(
    world: World, deadline: datetime.date, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        problem_with_measure(world, deadline=deadline)


def test_a_suggestion_joins_one_problem_only_and_out_of_scope_ones_are_refused(
    world: World,
) -> None:
    suggestion = routed_suggestion(world)
    problem_with_measure(world, suggestions=[suggestion])
    with pytest.raises(BulkRefused) as refused:
        problem_create(
            campaign=world.campaign,
            actor=world.office,
            unit=world.hongdaolu,
            title="再立一次",
            description="同一条建议",
            suggestion_ids=[suggestion.pk],
        )
    assert "另一个问题" in refused.value.refusals[0].reason
    other = routed_suggestion(world, text="金口路菜市场门口早上拥堵。", unit=world.jinkoulu)
    with pytest.raises(BulkRefused):
        problem_create(
            campaign=world.campaign,
            actor=world.hongdaolu_coordinator,
            unit=world.hongdaolu,
            title="别的社区的",
            description="不在职责范围",
            suggestion_ids=[other.pk],
        )


def test_extension_keeps_the_original_deadline_and_needs_the_office(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    request = extension_request(
        measure=measure,
        actor=world.hongdaolu_coordinator,
        requested_deadline=datetime.date(2026, 12, 1),
        reason="沥青供应延迟",
    )
    with pytest.raises(ValidationError, match="已有一份延期申请"):
        extension_request(
            measure=measure,
            actor=world.hongdaolu_coordinator,
            requested_deadline=datetime.date(2026, 12, 2),
            reason="再延",
        )
    with pytest.raises(ValidationError, match="由活动办公室审批"):
        extension_decide(request=request, actor=world.hongdaolu_coordinator, grant=True)
    extension_decide(request=request, actor=world.office, grant=True)
    measure = fresh(measure)
    assert (measure.deadline, measure.original_deadline, measure.extended) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 11, 15),
        True,
    )
    request.refresh_from_db()
    assert request.state == ExtensionState.GRANTED
    with pytest.raises(Conflict):
        extension_decide(request=request, actor=world.office, grant=False, note="晚了")
