"""The daily deadline sweep with a controlled clock: due soon, overdue, each step of
escalation to the right people only, idempotence, an extension starting over, late
signatures; the office's settings page; the badges and lists that show it."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import World
from tests.rectification.factories import problem_with_measure
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.services import suggestion_submit
from zhongzhi.notifications.models import Notification, NotificationKind
from zhongzhi.org.models import User
from zhongzhi.rectification.models import (
    DueState,
    Escalation,
    EscalationLevel,
    Measure,
    RectificationSettings,
)
from zhongzhi.rectification.services.deadlines import sweep_deadlines
from zhongzhi.rectification.services.measures import extension_decide, extension_request
from zhongzhi.rectification.tasks import deadlines_daily, schedule_deadlines
from zhongzhi.screening.models import Assignment, AssignmentState
from zhongzhi.screening.services.routing import suggestions_assign

DEADLINE = datetime.date(2026, 10, 20)


def day(n: int) -> datetime.date:
    """``n`` days after the deadline."""
    return DEADLINE + datetime.timedelta(days=n)


@pytest.fixture
def measure(world: World) -> Measure:
    _problem, made = problem_with_measure(world, deadline=DEADLINE)
    Notification.objects.all().delete()  # the assignment's, not this file's concern
    return made


def told(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=NotificationKind.DEADLINES))


def test_due_soon_then_overdue(world: World, measure: Measure) -> None:
    summary = sweep_deadlines(day(-5))
    measure.refresh_from_db()
    assert (summary.due_soon, measure.due_state) == (0, DueState.ON_TIME)
    summary = sweep_deadlines(day(-3))
    measure.refresh_from_db()
    assert (summary.due_soon, measure.due_state) == (1, DueState.DUE_SOON)
    assert "即将到期 1 项" in told(world.hongdaolu_coordinator)[0].text
    sweep_deadlines(day(1))
    measure.refresh_from_db()
    assert measure.due_state == DueState.OVERDUE
    assert measure.escalation == EscalationLevel.REMIND


def test_each_step_reaches_its_people_only(world: World, measure: Measure) -> None:
    sweep_deadlines(day(1))  # 催办: the owner unit's coordinators
    assert len(told(world.hongdaolu_coordinator)) == 1
    assert told(world.office) == told(world.supervisor) == told(world.leader) == []
    sweep_deadlines(day(3))  # 督办: the parent unit (its office) and the supervisors
    assert len(told(world.office)) == 1 and len(told(world.supervisor)) == 1
    assert told(world.leader) == []
    sweep_deadlines(day(7))  # 挂牌督办: the leaders above it
    assert "挂牌督办 1 项" in told(world.leader)[0].text
    assert told(world.jinkoulu_coordinator) == []
    assert list(measure.escalations.values_list("level", flat=True)) == [1, 2, 3]
    entries = AuditEntry.objects.filter(action=AuditAction.ESCALATE, target_id=measure.pk)
    assert entries.count() == 3 and entries.last().actor is None  # type: ignore[union-attr]
    step = Escalation.objects.get(measure=measure, level=EscalationLevel.SUPERVISE)
    assert step.days_overdue == 3 and set(step.notified) == {"街道办公室", "督导组成员"}


def test_a_missed_week_gives_every_step_at_once(world: World, measure: Measure) -> None:
    summary = sweep_deadlines(day(9))
    measure.refresh_from_db()
    assert measure.escalation == EscalationLevel.LIST
    assert summary.escalations == {1: 1, 2: 1, 3: 1}
    # One digest each, not one per step.
    assert len(told(world.hongdaolu_coordinator)) == 1


def test_the_campaigns_settings_decide_the_steps(world: World, measure: Measure) -> None:
    RectificationSettings.objects.create(
        campaign=world.campaign,
        due_soon_days=1,
        remind_after_days=2,
        supervise_after_days=5,
        list_after_days=10,
    )
    sweep_deadlines(day(-3))
    sweep_deadlines(day(1))
    measure.refresh_from_db()
    assert (measure.due_state, measure.escalation) == (DueState.OVERDUE, 0)
    sweep_deadlines(day(9))
    measure.refresh_from_db()
    assert measure.escalation == EscalationLevel.SUPERVISE


def test_running_twice_the_same_day_does_nothing_more(world: World, measure: Measure) -> None:
    problem_with_measure(world, deadline=day(-10) + datetime.timedelta(days=15))
    first = sweep_deadlines(day(8))
    counts = (Escalation.objects.count(), AuditEntry.objects.count(), Notification.objects.count())
    again = sweep_deadlines(day(8))
    assert first.escalations[3] == 1 and again.escalations == {1: 0, 2: 0, 3: 0}
    assert (again.due_soon, again.overdue, again.notifications) == (0, 0, 0)
    assert counts == (
        Escalation.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def test_a_granted_extension_starts_over(
    world: World, measure: Measure, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep_deadlines(day(4))
    assert Measure.objects.get(pk=measure.pk).escalation == EscalationLevel.SUPERVISE
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: day(4))
    request = extension_request(
        measure=measure,
        actor=world.hongdaolu_coordinator,
        requested_deadline=datetime.date(2026, 11, 10),
        reason="材料未到货",
    )
    extension_decide(request=request, actor=world.office, grant=True)
    measure.refresh_from_db()
    assert (measure.escalation, measure.due_state) == (0, DueState.ON_TIME)
    assert measure.original_deadline == DEADLINE
    assert sweep_deadlines(day(5)).escalations == {1: 0, 2: 0, 3: 0}
    sweep_deadlines(datetime.date(2026, 11, 11))
    reminds = Escalation.objects.filter(measure=measure, level=EscalationLevel.REMIND)
    assert sorted(reminds.values_list("deadline", flat=True)) == [
        DEADLINE,
        datetime.date(2026, 11, 10),
    ]
    # The one who asked heard the decision.
    assert Notification.objects.filter(
        recipient=world.hongdaolu_coordinator, kind=NotificationKind.EXTENSION
    ).exists()


def test_finished_measures_are_left_alone(world: World, measure: Measure) -> None:
    Measure.objects.filter(pk=measure.pk).update(state="done")
    summary = sweep_deadlines(day(9))
    assert (summary.overdue, summary.escalations[1]) == (0, 0)


def test_a_late_signature_is_reminded_once(world: World) -> None:
    suggestion, _ = suggestion_submit(
        campaign=world.campaign, text="福山路路灯不亮", channel="online"
    )
    (assignment,) = suggestions_assign(
        campaign=world.campaign,
        suggestion_ids=[suggestion.pk],
        unit=world.hongdaolu,
        actor=world.office,
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        sign_deadline=datetime.datetime(2026, 10, 12, 9, tzinfo=datetime.UTC)
    )
    Notification.objects.all().delete()
    assert sweep_deadlines().signatures == 1
    assert sweep_deadlines().signatures == 0
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.PENDING and assignment.sign_reminded_at
    (note,) = Notification.objects.filter(recipient=world.hongdaolu_coordinator)
    assert note.kind == NotificationKind.SIGN_OVERDUE
    assert note.url == reverse("screening:sign", args=[world.campaign.pk])
    assert not Notification.objects.exclude(recipient=world.hongdaolu_coordinator).exists()
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_REMIND).count() == 1


def test_the_task_and_the_command_sweep(world: World, measure: Measure) -> None:
    result = deadlines_daily.enqueue(day(1).isoformat())
    assert result.return_value["escalations"] == {"1": 1, "2": 0, "3": 0}
    call_command("rectification_deadlines", "--today", day(3).isoformat(), verbosity=0)
    assert Measure.objects.get(pk=measure.pk).escalation == EscalationLevel.SUPERVISE


def test_the_worker_schedules_one_sweep_a_day(world: World, settings: object) -> None:
    from django.core.cache import cache

    cache.delete("zz:deadlines-daily:2026-10-21")
    early = datetime.datetime(2026, 10, 20, 16, 30, tzinfo=datetime.UTC)  # 00:30 in Shanghai
    assert schedule_deadlines(early) is False
    due = datetime.datetime(2026, 10, 20, 17, 5, tzinfo=datetime.UTC)  # 01:05
    assert schedule_deadlines(due) is True
    assert schedule_deadlines(due + datetime.timedelta(hours=3)) is False
    cache.delete("zz:deadlines-daily:2026-10-21")


# --- pages ------------------------------------------------------------------------------


def settings_url(world: World) -> str:
    return reverse("rectification_settings:edit", args=[world.campaign.pk])


def test_settings_are_the_offices_only(world: World) -> None:
    for user in (world.hongdaolu_coordinator, world.supervisor, world.leader):
        assert world.client_for(user).get(settings_url(world)).status_code == 404
    page = world.client_for(world.office).get(settings_url(world))
    assert page.status_code == 200 and 'data-testid="deadline-settings"' in page.content.decode()
    problems = world.client_for(world.office).get(
        reverse("rectification:problems", args=[world.campaign.pk])
    )
    assert settings_url(world) in problems.content.decode()


def test_settings_form_refuses_steps_out_of_order(world: World) -> None:
    client = world.client_for(world.office)
    data = {
        "due_soon_days": 3,
        "remind_after_days": 5,
        "supervise_after_days": 2,
        "list_after_days": 9,
    }
    page = client.post(settings_url(world), data)
    assert "督办的天数不能少于催办的天数" in page.content.decode()
    page = client.post(
        settings_url(world), data | {"supervise_after_days": 6, "list_after_days": 4}
    )
    assert "挂牌督办的天数不能少于督办的天数" in page.content.decode()
    assert not RectificationSettings.objects.exists()
    assert client.post(settings_url(world), data | {"supervise_after_days": 6}).status_code == 302
    saved = RectificationSettings.objects.get(campaign=world.campaign)
    assert (saved.remind_after_days, saved.supervise_after_days) == (5, 6)
    assert AuditEntry.objects.filter(action=AuditAction.RECTIFICATION_SETTINGS).exists()


def test_badges_history_filter_and_the_leaders_list(world: World, measure: Measure) -> None:
    _other, on_time = problem_with_measure(world, deadline=datetime.date(2026, 12, 1))
    sweep_deadlines(day(8))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("zhongzhi.core.clock.today", lambda: day(8))
        leader = world.client_for(world.leader)
        home = leader.get(reverse("rectification:problems", args=[world.campaign.pk]))
        assert 'data-testid="listed"' in home.content.decode()
        assert "逾期8天" in home.content.decode()
        listed = leader.get(
            reverse("rectification:measures", args=[world.campaign.pk]) + "?due=listed"
        ).content.decode()
        assert listed.count('data-testid="measure-row"') == 1 and measure.code in listed
        page = leader.get(reverse("rectification:measure", args=[measure.pk])).content.decode()
        assert 'data-testid="escalations"' in page and "挂牌督办" in page
        quiet = leader.get(reverse("rectification:measure", args=[on_time.pk])).content.decode()
        assert "没有督办记录" in quiet
    # Out of scope stays 404, listed or not.
    jkl = world.client_for(world.jinkoulu_coordinator)
    assert jkl.get(reverse("rectification:measure", args=[measure.pk])).status_code == 404


def test_the_demo_has_its_overdue_measures_escalated(demo: object) -> None:
    levels = set(
        Measure.objects.filter(due_state=DueState.OVERDUE).values_list("escalation", flat=True)
    )
    assert {EscalationLevel.REMIND, EscalationLevel.LIST} <= levels
    assert Notification.objects.filter(recipient__username="leader").exists()
