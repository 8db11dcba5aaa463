"""The hot-issues pages and the "run triage now" button, through HTTP, with personas."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.analysis.test_triage_service import submit, topics, written  # noqa: F401  # fixtures
from tests.conftest import World
from tests.factories import CampaignFactory, UnitFactory
from zhongzhi.analysis.models import HotIssue, SuggestionTriage
from zhongzhi.analysis.selectors import annotate_triage, apply_triage_filters
from zhongzhi.analysis.services import campaign_triage
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.models import Job, JobState
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Unit


@pytest.fixture
def triaged(world: World, written: dict[str, list[Suggestion]]) -> dict[str, list[Suggestion]]:  # noqa: F811
    campaign_triage(world.campaign.pk)
    return written


def _issue_of(suggestion: Suggestion) -> HotIssue:
    issue = SuggestionTriage.objects.get(suggestion=suggestion).issue
    assert issue is not None
    return issue


def test_the_office_sees_the_ranked_hot_issues(
    world: World, triaged: dict[str, list[Suggestion]]
) -> None:
    response = world.client_for(world.office).get(
        reverse("analysis:hot_issues", args=[world.campaign.pk])
    )

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.issue.rank for row in rows] == sorted(row.issue.rank for row in rows)
    mixing = _issue_of(triaged["mixing"][0])
    assert rows[0].issue == mixing
    assert rows[0].sees_all and rows[0].representative is not None
    page = response.content.decode()
    assert mixing.label in page
    assert "<svg" in page  # the heat bar
    assert page.index(mixing.label) < page.index(_issue_of(triaged["bus"][0]).label)


def test_the_office_sees_every_member(world: World, triaged: dict[str, list[Suggestion]]) -> None:
    issue = _issue_of(triaged["mixing"][0])

    response = world.client_for(world.office).get(reverse("analysis:hot_issue", args=[issue.pk]))

    assert response.status_code == 200
    shown = {s.pk for s in response.context["page"].object_list}
    assert shown == {s.pk for s in triaged["mixing"] + triaged["mixing_copy"]}


def test_a_coordinator_sees_only_members_from_their_units(
    world: World, triaged: dict[str, list[Suggestion]]
) -> None:
    issue = _issue_of(triaged["mixing"][0])
    client = world.client_for(world.hongdaolu_coordinator)

    detail = client.get(reverse("analysis:hot_issue", args=[issue.pk]))

    assert detail.status_code == 200
    shown = [s for s in detail.context["page"].object_list]
    assert shown and all(s.unit_id == world.hongdaolu.pk for s in shown)
    assert triaged["mixing"][4].pk not in {s.pk for s in shown}  # from 金口路
    listing = client.get(reverse("analysis:hot_issues", args=[world.campaign.pk]))
    row = next(r for r in listing.context["rows"] if r.issue == issue)
    assert row.visible_members == len(shown) < issue.size
    assert row.summary == []  # sentences of members they may not see
    # An issue with no member in their scope is not listed at all.
    bus = _issue_of(triaged["bus"][0])
    assert bus not in [r.issue for r in listing.context["rows"]]
    assert triaged["bus"][0].text[:20] not in listing.content.decode()
    assert bus.label not in listing.content.decode()


def _issue_for(campaign: Campaign, rank: int, members: list[Suggestion]) -> HotIssue:
    issue = HotIssue.objects.create(
        campaign=campaign, rank=rank, label=f"问题{rank}", size=len(members), heat=100.0 / rank
    )
    SuggestionTriage.objects.bulk_create(
        SuggestionTriage(
            suggestion=s, campaign=campaign, group=s.pk, issue=issue, triaged_at=timezone.now()
        )
        for s in members
    )
    return issue


def test_a_coordinator_lists_only_issues_in_scope_with_the_count_in_scope(world: World) -> None:
    campaign = world.campaign

    def on(unit: Any, n: int, number: int) -> list[Suggestion]:
        return [
            submit(campaign, f"第{number}组第{i}条：路灯坏了。", unit, number * 10 + i)
            for i in range(n)
        ]

    mixed = _issue_for(campaign, 1, on(world.hongdaolu, 2, 1) + on(world.jinkoulu, 3, 2))
    elsewhere = _issue_for(campaign, 2, on(world.jinkoulu, 4, 3))
    own = _issue_for(campaign, 3, on(world.hongdaolu, 1, 4))

    response = world.client_for(world.hongdaolu_coordinator).get(
        reverse("analysis:hot_issues", args=[campaign.pk])
    )

    rows = response.context["rows"]
    assert [(r.issue, r.visible_members) for r in rows] == [(mixed, 2), (own, 1)]
    page = response.content.decode()
    assert elsewhere.label not in page
    assert "其中您职责范围内 2 条" in page
    assert "其中您职责范围内 0 条" not in page
    office = world.client_for(world.office).get(reverse("analysis:hot_issues", args=[campaign.pk]))
    assert [(r.issue, r.visible_members) for r in office.context["rows"]] == [
        (mixed, 5),
        (elsewhere, 4),
        (own, 1),
    ]


def test_the_limit_counts_only_issues_in_scope(world: World) -> None:
    from zhongzhi.analysis.selectors import hot_issue_list

    campaign = world.campaign
    for rank in range(1, 4):
        _issue_for(campaign, rank, [submit(campaign, f"金口路{rank}", world.jinkoulu, rank)])
    own = _issue_for(campaign, 4, [submit(campaign, "红岛路的事", world.hongdaolu, 9)])

    rows = hot_issue_list(world.hongdaolu_coordinator, campaign, limit=1)

    assert [row.issue for row in rows] == [own]


def test_a_coordinator_with_no_issue_in_scope_is_told_why(world: World) -> None:
    _issue_for(world.campaign, 1, [submit(world.campaign, "金口路的事", world.jinkoulu, 1)])

    response = world.client_for(world.hongdaolu_coordinator).get(
        reverse("analysis:hot_issues", args=[world.campaign.pk])
    )

    page = response.content.decode()
    assert 'data-testid="no-issues-in-scope"' in page
    assert "您职责范围内还没有热点问题" in page
    assert "还没有热点问题</strong>" not in page.replace("您职责范围内还没有热点问题", "")


def test_a_hot_issue_of_a_campaign_out_of_sight_is_404(
    world: World, triaged: dict[str, list[Suggestion]]
) -> None:
    elsewhere = UnitFactory(name="另一个街道", parent=world.district)
    campaign = CampaignFactory(owner_unit=elsewhere)
    issue = HotIssue.objects.create(campaign=campaign, rank=1, label="别处的问题", size=3)
    client = world.client_for(world.hongdaolu_coordinator)

    assert client.get(reverse("analysis:hot_issue", args=[issue.pk])).status_code == 404
    assert client.get(reverse("analysis:hot_issue", args=[999_999])).status_code == 404
    assert client.get(reverse("analysis:hot_issues", args=[campaign.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_login(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("analysis:hot_issues", args=[world.campaign.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_an_empty_campaign_shows_an_empty_state(world: World) -> None:
    response = world.client_for(world.office).get(
        reverse("analysis:hot_issues", args=[world.campaign.pk])
    )

    assert response.status_code == 200
    assert "还没有热点问题" in response.content.decode()


def test_the_run_button_ends_in_a_succeeded_job(
    world: World,
    written: dict[str, list[Suggestion]],  # noqa: F811
) -> None:
    client = world.client_for(world.office)
    page = client.get(reverse("analysis:triage", args=[world.campaign.pk]))
    assert page.status_code == 200 and 'data-testid="run-triage"' in page.content.decode()

    response = client.post(reverse("analysis:triage_run", args=[world.campaign.pk]))

    assert response.status_code == 302
    job = Job.objects.get(owner=world.office)
    assert job.state == JobState.SUCCEEDED, job.message
    assert job.result["suggestions"] == 16 and job.result["issues"] >= 2
    assert SuggestionTriage.objects.filter(campaign=world.campaign).count() == 16
    followed = client.get(response["Location"])
    assert followed.context["job"] == job
    assert "热点问题" in followed.content.decode()
    polled = client.get(reverse("job", args=[job.pk]))
    assert polled.status_code == 200 and str(job.result["issues"]) in polled.content.decode()


def test_only_the_office_runs_triage(world: World) -> None:
    client = world.client_for(world.hongdaolu_coordinator)

    assert client.get(reverse("analysis:triage", args=[world.campaign.pk])).status_code == 404
    response = client.post(reverse("analysis:triage_run", args=[world.campaign.pk]))
    assert response.status_code == 404
    assert not Job.objects.exists()


def _issues_with_members(
    campaign: Campaign, count: int, start_rank: int, unit: Unit | None = None
) -> None:
    now = timezone.now()
    for rank in range(start_rank, start_rank + count):
        members = [
            submit(
                campaign, f"第{rank}个问题的第{i}条建议：某某路的路灯坏了。", unit, rank * 10 + i
            )
            for i in range(3)
        ]
        issue = HotIssue.objects.create(
            campaign=campaign,
            rank=rank,
            label=f"问题{rank}",
            representative=members[0],
            size=3,
            likes=rank,
            heat=100.0 / rank,
            places=["某某路"],
            summary="某某路的路灯坏了。",
        )
        SuggestionTriage.objects.bulk_create(
            SuggestionTriage(
                suggestion=s,
                campaign=campaign,
                group=s.pk,
                issue=issue,
                triaged_at=now,
            )
            for s in members
        )


@pytest.mark.parametrize("persona", ["office", "hongdaolu_coordinator"])
def test_the_hot_issues_page_queries_do_not_grow_with_issues(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    url = reverse("analysis:hot_issues", args=[world.campaign.pk])
    # In 红岛路, so that the coordinator sees every issue too (an issue out of sight is
    # not listed); one out of everyone's sight but the office's, to be left out.
    _issues_with_members(world.campaign, 3, 1, world.hongdaolu)
    _issues_with_members(world.campaign, 1, 100, world.jinkoulu)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    _issues_with_members(world.campaign, 12, 4, world.hongdaolu)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["rows"]) == (16 if persona == "office" else 15)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_hot_issue_page_queries_do_not_grow_with_members(world: World) -> None:
    client = world.client_for(world.office)
    _issues_with_members(world.campaign, 1, 1)
    issue = HotIssue.objects.get(campaign=world.campaign)
    url = reverse("analysis:hot_issue", args=[issue.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    now = timezone.now()
    more = [
        submit(world.campaign, f"又一条路灯建议{i}", world.hongdaolu, 900 + i) for i in range(10)
    ]
    SuggestionTriage.objects.bulk_create(
        SuggestionTriage(
            suggestion=s, campaign=world.campaign, group=s.pk, issue=issue, triaged_at=now
        )
        for s in more
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.context["page"].paginator.count == 13
    assert len(many) == len(few)


# --- the staff list's triage columns and filters ---------------------------------------


def test_triage_columns_and_filters_for_the_staff_list(
    world: World,
    triaged: dict[str, list[Suggestion]],
    topics: Any,  # noqa: F811
) -> None:
    from django.template.loader import render_to_string

    mixing = _issue_of(triaged["mixing"][0])
    suggestions = annotate_triage(Suggestion.objects.filter(campaign=world.campaign))

    in_issue = apply_triage_filters(suggestions, issue=mixing)
    assert set(in_issue) == set(triaged["mixing"] + triaged["mixing_copy"])
    canonical = apply_triage_filters(suggestions, issue=mixing.pk, canonical_only=True)
    assert triaged["mixing_copy"][0] not in set(canonical)
    by_topic = apply_triage_filters(suggestions, topic_guess=topics["transport"])
    assert set(triaged["bus"]) <= set(by_topic)
    assert apply_triage_filters(suggestions, min_score=101).count() == 0
    assert apply_triage_filters(suggestions).count() == suggestions.count()

    with CaptureQueriesContext(connection) as queries:
        rows = list(suggestions.order_by("pk"))
        html = "".join(
            render_to_string("analysis/partials/triage_cells.html", {"suggestion": s}) for s in rows
        )
    assert len(queries) == 1
    assert html.count('data-testid="triage-score"') == len(rows)
    assert mixing.label[:8] in html or f"#{mixing.rank}" in html


def test_triage_cells_of_a_suggestion_not_triaged_yet(world: World) -> None:
    from django.template.loader import render_to_string

    fresh = submit(world.campaign, "新来的一条建议，还没有分析过。", None, 0)
    suggestion = annotate_triage(Suggestion.objects.filter(pk=fresh.pk)).get()

    html = render_to_string("analysis/partials/triage_cells.html", {"suggestion": suggestion})

    assert html.count("<td") == 4


def test_a_hot_issue_keeps_its_id_and_page_when_one_more_suggestion_arrives(
    world: World, triaged: dict[str, list[Suggestion]]
) -> None:
    from tests.analysis.test_triage_service import submit

    before = _issue_of(triaged["mixing"][0])
    others = {i.pk for i in HotIssue.objects.filter(campaign=world.campaign)}
    url = reverse("analysis:hot_issue", args=[before.pk])
    office = world.client_for(world.office)
    assert office.get(url).status_code == 200
    newcomer = submit(
        world.campaign,
        "红岛路搅拌站凌晨还在施工，噪音吵得孩子睡不着，请求限制搅拌站夜间作业。",
        world.hongdaolu,
        300,
    )

    campaign_triage(world.campaign.pk)

    after = _issue_of(triaged["mixing"][0])
    assert after.pk == before.pk
    assert {i.pk for i in HotIssue.objects.filter(campaign=world.campaign)} == others
    response = office.get(url)
    assert response.status_code == 200
    assert newcomer.pk in {s.pk for s in response.context["page"].object_list}


def test_a_rerun_without_changes_keeps_every_hot_issue_id(
    world: World, triaged: dict[str, list[Suggestion]]
) -> None:
    before = dict(HotIssue.objects.filter(campaign=world.campaign).values_list("pk", "label"))

    campaign_triage(world.campaign.pk)

    assert (
        dict(HotIssue.objects.filter(campaign=world.campaign).values_list("pk", "label")) == before
    )
