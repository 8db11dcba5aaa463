"""The rectification pages through HTTP, as each persona: who sees what, who may do
what, and what a refused or stale action says."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.rectification.factories import problem_with_measure, routed_suggestion
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.rectification.models import Measure, MeasureState, Problem, ProblemStatus


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_a_coordinator_makes_a_problem_from_a_suggestion_and_gives_it_a_measure(
    world: World,
) -> None:
    suggestion = routed_suggestion(world)
    client = world.client_for(world.hongdaolu_coordinator)
    detail = text(client.get(reverse("intake:detail", args=[suggestion.pk])))
    assert 'data-testid="make-problem"' in detail

    new_url = reverse("rectification:problem_new", args=[world.campaign.pk])
    form_page = text(client.get(new_url, {"suggestions": str(suggestion.pk)}))
    assert suggestion.receipt_code_display in form_page
    response = client.post(
        new_url,
        {
            "suggestions": str(suggestion.pk),
            "title": "兴安支路路面坑洼",
            "description": "门前路面破损积水",
            "unit": world.hongdaolu.pk,
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rectification:problem", args=[problem.pk])
    assert Suggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ADOPTED

    response = client.post(
        reverse("rectification:measure_add", args=[problem.pk]),
        {
            "text": "修补路面",
            "owner_unit": world.hongdaolu.pk,
            "responsible_person": "王主任",
            "deadline": "2026-11-01",
        },
        follow=True,
    )
    page = text(response)
    assert "已制定整改措施 1-1" in page
    assert "修补路面" in page and "王主任" in page
    # The suggestion's page now links to its problem.
    detail = text(client.get(reverse("intake:detail", args=[suggestion.pk])))
    assert 'data-testid="problem-link"' in detail and "兴安支路路面坑洼" in detail


def test_a_deadline_before_today_is_refused_on_the_page_and_nothing_saved(world: World) -> None:
    problem, _measure = problem_with_measure(world)
    client = world.client_for(world.hongdaolu_coordinator)
    response = client.post(
        reverse("rectification:measure_add", args=[problem.pk]),
        {
            "text": "再修一次",
            "owner_unit": world.hongdaolu.pk,
            "responsible_person": "王主任",
            "deadline": "2026-10-01",
        },
    )
    assert response.status_code == 200
    assert "完成时限不能早于今天（2026-10-15）" in text(response)
    assert Measure.objects.count() == 1


def test_scope_another_community_gets_404_and_a_leader_only_reads(world: World) -> None:
    problem, measure = problem_with_measure(world)
    other = world.client_for(world.jinkoulu_coordinator)
    for url in (
        reverse("rectification:problem", args=[problem.pk]),
        reverse("rectification:measure", args=[measure.pk]),
    ):
        assert other.get(url).status_code == 404
    response = other.post(
        reverse("rectification:transition", args=[measure.pk]),
        {"key": "done", "version": measure.version},
    )
    assert response.status_code == 404
    assert "兴安支路" not in text(
        other.get(reverse("rectification:measures", args=[world.campaign.pk]))
    )

    leader = world.client_for(world.leader)
    page = text(leader.get(reverse("rectification:measure", args=[measure.pk])))
    assert "联系区市政部门" in page
    assert 'data-testid="actions"' not in page and 'data-testid="progress-form"' not in page
    assert "measure-form" not in text(
        leader.get(reverse("rectification:problem", args=[problem.pk]))
    )
    response = leader.post(
        reverse("rectification:transition", args=[measure.pk]),
        {"key": "done", "version": measure.version},
        follow=True,
    )
    assert "只有责任单位可以报完成" in text(response)
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.PLANNED


def test_progress_done_and_the_supervisors_verification_close_the_problem(world: World) -> None:
    suggestion = routed_suggestion(world)
    problem, measure = problem_with_measure(world, suggestions=[suggestion])
    owner = world.client_for(world.hongdaolu_coordinator)
    url = reverse("rectification:measure", args=[measure.pk])
    owner.post(
        reverse("rectification:progress", args=[measure.pk]),
        {"version": measure.version, "percent": 60, "text": "已完成一半路段"},
    )
    measure.refresh_from_db()
    owner.post(
        reverse("rectification:transition", args=[measure.pk]),
        {"key": "done", "version": measure.version},
    )
    measure.refresh_from_db()
    assert measure.state == MeasureState.DONE

    supervisor = world.client_for(world.supervisor)
    page = text(supervisor.get(url))
    assert 'data-testid="do-verify"' in page and 'data-testid="answer-field"' in page
    assert "已完成一半路段" in page  # the timeline shows the progress
    response = supervisor.post(
        reverse("rectification:transition", args=[measure.pk]),
        {"key": "verify", "version": measure.version, "answer": "路面已修补，雨后不再积水。"},
        follow=True,
    )
    assert "核验通过" in text(response)
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    receipt = text(
        world.client_for(world.office).get(
            reverse("public:receipt", args=[suggestion.receipt_code])
        )
    )
    assert "路面已修补，雨后不再积水。" in receipt


def test_a_stale_page_gets_a_conflict_message_and_changes_nothing(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    client = world.client_for(world.hongdaolu_coordinator)
    shown = measure.version
    client.post(
        reverse("rectification:progress", args=[measure.pk]),
        {"version": shown, "percent": 30, "text": "开工"},
    )
    response = client.post(
        reverse("rectification:transition", args=[measure.pk]),
        {"key": "done", "version": shown},
        follow=True,
    )
    assert "刚刚已被其他人处理过" in text(response)
    assert Measure.objects.get(pk=measure.pk).state == MeasureState.IN_PROGRESS


def test_the_owner_asks_for_more_time_and_the_office_grants_it(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    owner = world.client_for(world.hongdaolu_coordinator)
    owner.post(
        reverse("rectification:extension", args=[measure.pk]),
        {"requested_deadline": "2026-12-10", "reason": "材料未到"},
    )
    extension = measure.extensions.get()
    office = world.client_for(world.office)
    assert 'data-testid="extension-decision"' in text(
        office.get(reverse("rectification:measure", args=[measure.pk]))
    )
    # The owner may not approve their own request.
    assert (
        owner.post(
            reverse("rectification:extension_decide", args=[extension.pk]), {"grant": "1"}
        ).status_code
        == 302
    )
    assert Measure.objects.get(pk=measure.pk).deadline == datetime.date(2026, 11, 15)
    office.post(reverse("rectification:extension_decide", args=[extension.pk]), {"grant": "1"})
    page = text(office.get(reverse("rectification:measure", args=[measure.pk])))
    assert "原定时限 2026-11-15，已延期" in page
    assert Measure.objects.get(pk=measure.pk).deadline == datetime.date(2026, 12, 10)


def test_lists_show_counts_and_filter(world: World) -> None:
    problem_with_measure(world)
    client = world.client_for(world.office)
    page = text(client.get(reverse("rectification:measures", args=[world.campaign.pk])))
    assert page.count('data-testid="measure-row"') == 1
    filtered = text(
        client.get(reverse("rectification:measures", args=[world.campaign.pk]), {"state": "done"})
    )
    assert 'data-testid="measure-row"' not in filtered and "没有符合条件的整改措施" in filtered
    problems = text(client.get(reverse("rectification:problems", args=[world.campaign.pk])))
    assert "兴安支路路面坑洼积水" in problems
    assert client.get(reverse("rectification:home")).status_code == 302


@pytest.mark.usefixtures("compiled_catalogs")
def test_the_measure_page_speaks_english_when_chosen(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    client = world.client_for(world.hongdaolu_coordinator)
    client.post(reverse("set_language"), {"language": "en"})
    html = text(client.get(reverse("rectification:measure", args=[measure.pk])))
    for english in ("Measure 1-1", "Responsible unit", "Report progress", "Ask for more time"):
        assert english in html
    for chinese in ("责任单位", "报送进展", "申请延期", "进展与办理记录"):
        assert chinese not in html


def test_the_measure_list_counts_its_measures_once(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    problem_with_measure(world)
    client = world.client_for(world.office)
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get(reverse("rectification:measures", args=[world.campaign.pk])))
    assert 'data-testid="count-measures">1<' in page
    assert sum('"to_verify"' in q["sql"] for q in queries.captured_queries) == 1
