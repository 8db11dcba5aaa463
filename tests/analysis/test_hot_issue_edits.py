"""Staff edits to hot issues (rename, merge, take a suggestion out) and what the next
automatic run does with them; links to issues that are gone. Through HTTP, personas."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.analysis.test_triage_service import submit, topics, written  # noqa: F401  # fixtures
from tests.conftest import World
from tests.factories import CampaignFactory, MembershipFactory, UnitFactory, UserFactory
from zhongzhi.analysis.models import HotIssue, HotIssueEdit, SuggestionTriage
from zhongzhi.analysis.services import campaign_triage
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.models import Role

Written = dict[str, list[Suggestion]]


@pytest.fixture
def triaged(world: World, written: Written) -> Written:  # noqa: F811
    campaign_triage(world.campaign.pk)
    return written


def _issue_of(suggestion: Suggestion) -> HotIssue | None:
    return SuggestionTriage.objects.select_related("issue").get(suggestion=suggestion).issue


def _issue(suggestion: Suggestion) -> HotIssue:
    issue = _issue_of(suggestion)
    assert issue is not None
    return issue


def _one_more_suggestion(world: World) -> None:
    """A new suggestion about the mixing plant arrives, and the automatic run follows."""
    submit(
        world.campaign,
        "红岛路搅拌站凌晨还在施工，噪音吵得孩子睡不着，请求限制搅拌站夜间作业。",
        world.hongdaolu,
        300,
    )
    campaign_triage(world.campaign.pk)


def _post(client: Client, name: str, *args: Any, **data: Any) -> Any:
    return client.post(reverse(f"analysis:{name}", args=args), data)


def test_a_renamed_issue_keeps_its_name_after_the_next_run(world: World, triaged: Written) -> None:
    issue = _issue(triaged["mixing"][0])
    office = world.client_for(world.office)

    response = _post(office, "hot_issue_rename", issue.pk, label="红岛路搅拌站夜间噪音")

    assert response.status_code == 302
    assert office.get(response.url).context["issue"].label == "红岛路搅拌站夜间噪音"
    _one_more_suggestion(world)
    again = _issue(triaged["mixing"][0])
    assert again.pk == issue.pk and again.label == "红岛路搅拌站夜间噪音"
    entry = AuditEntry.objects.get(action=AuditAction.HOT_ISSUE_RENAME)
    assert entry.actor == world.office and entry.after == {"label": "红岛路搅拌站夜间噪音"}


def test_an_empty_name_is_refused(world: World, triaged: Written) -> None:
    issue = _issue(triaged["mixing"][0])

    response = _post(world.client_for(world.office), "hot_issue_rename", issue.pk, label="  ")

    assert response.status_code == 302
    assert _issue(triaged["mixing"][0]).label == issue.label
    assert not HotIssueEdit.objects.exists()


def test_a_merge_is_kept_by_the_next_run_and_the_old_link_leads_to_it(
    world: World, triaged: Written
) -> None:
    mixing, bus = _issue(triaged["mixing"][0]), _issue(triaged["bus"][0])
    office = world.client_for(world.office)
    issues_before = HotIssue.objects.filter(campaign=world.campaign).count()

    _post(office, "hot_issue_merge", mixing.pk, other=bus.pk)

    merged = _issue(triaged["bus"][0])
    assert merged.pk == mixing.pk
    assert merged.size == mixing.size + bus.size
    _one_more_suggestion(world)
    assert {_issue(s).pk for s in triaged["bus"] + triaged["mixing"]} == {mixing.pk}
    assert HotIssue.objects.filter(campaign=world.campaign).count() == issues_before - 1
    ranks = HotIssue.objects.filter(campaign=world.campaign).values_list("rank", flat=True)
    assert sorted(ranks) == list(range(1, issues_before))
    old_link = office.get(reverse("analysis:hot_issue", args=[bus.pk]), follow=True)
    target = reverse("analysis:hot_issue", args=[mixing.pk])
    assert old_link.redirect_chain[-1][0].startswith(target)
    note = old_link.content.decode()
    assert 'data-testid="moved-note"' in note and bus.label in note and "并入" in note
    assert AuditEntry.objects.filter(action=AuditAction.HOT_ISSUE_MERGE).count() == 1


def test_a_suggestion_taken_out_stays_out_after_the_next_run(
    world: World, triaged: Written
) -> None:
    issue = _issue(triaged["mixing"][0])
    leaving = triaged["mixing"][0]  # with its Traditional-script copy
    office = world.client_for(world.office)

    _post(office, "hot_issue_remove", issue.pk, leaving.pk)

    assert _issue_of(leaving) is None and _issue_of(triaged["mixing_copy"][0]) is None
    assert _issue(triaged["mixing"][1]).size == issue.size - 2
    _one_more_suggestion(world)
    assert _issue_of(leaving) is None and _issue_of(triaged["mixing_copy"][0]) is None
    again = _issue(triaged["mixing"][1])
    assert again.pk == issue.pk
    page = office.get(reverse("analysis:hot_issue", args=[issue.pk]))
    shown = {s.pk for s in page.context["page"].object_list}
    assert leaving.pk not in shown and triaged["mixing"][2].pk in shown
    entry = AuditEntry.objects.get(action=AuditAction.HOT_ISSUE_REMOVE)
    assert set(entry.after["suggestions"]) == {leaving.pk, triaged["mixing_copy"][0].pk}


def test_every_edit_together_survives_two_runs(world: World, triaged: Written) -> None:
    mixing, bus = _issue(triaged["mixing"][0]), _issue(triaged["bus"][0])
    office = world.client_for(world.office)
    _post(office, "hot_issue_rename", mixing.pk, label="夜间噪音和公交")
    _post(office, "hot_issue_merge", mixing.pk, other=bus.pk)
    _post(office, "hot_issue_remove", mixing.pk, triaged["bus"][2].pk)

    _one_more_suggestion(world)
    campaign_triage(world.campaign.pk)

    issue = _issue(triaged["mixing"][0])
    assert (issue.pk, issue.label) == (mixing.pk, "夜间噪音和公交")
    assert _issue(triaged["bus"][0]).pk == mixing.pk
    assert _issue_of(triaged["bus"][2]) is None


def test_a_link_to_an_issue_that_dissolved_leads_to_the_list_with_a_note(
    world: World, triaged: Written
) -> None:
    bus = _issue(triaged["bus"][0])
    Suggestion.objects.filter(pk__in=[s.pk for s in triaged["bus"] + triaged["bus_copy"]]).update(
        status=SuggestionStatus.INVALID
    )
    campaign_triage(world.campaign.pk)
    assert not HotIssue.objects.filter(pk=bus.pk).exists()

    response = world.client_for(world.office).get(
        reverse("analysis:hot_issue", args=[bus.pk]), follow=True
    )

    assert response.redirect_chain[-1][0].startswith(
        reverse("analysis:hot_issues", args=[world.campaign.pk])
    )
    page = response.content.decode()
    assert 'data-testid="moved-note"' in page and bus.label in page


def test_an_id_that_never_was_an_issue_is_still_404(world: World, triaged: Written) -> None:
    response = world.client_for(world.office).get(reverse("analysis:hot_issue", args=[987654]))
    assert response.status_code == 404


def test_only_the_office_edits_hot_issues(world: World, triaged: Written) -> None:
    mixing, bus = _issue(triaged["mixing"][0]), _issue(triaged["bus"][0])
    for user in (world.hongdaolu_coordinator, world.leader):
        client = world.client_for(user)
        page = client.get(reverse("analysis:hot_issue", args=[mixing.pk])).content.decode()
        assert 'data-testid="issue-edit"' not in page and "remove-member" not in page
        assert _post(client, "hot_issue_rename", mixing.pk, label="x").status_code == 403
        assert _post(client, "hot_issue_merge", mixing.pk, other=bus.pk).status_code == 403
        removing = _post(client, "hot_issue_remove", mixing.pk, triaged["mixing"][1].pk)
        assert removing.status_code == 403
    page = world.client_for(world.office).get(reverse("analysis:hot_issue", args=[mixing.pk]))
    assert 'data-testid="issue-edit"' in page.content.decode()
    assert not HotIssueEdit.objects.exists()
    assert _issue(triaged["bus"][0]).pk == bus.pk


def test_an_issue_of_another_campaign_cannot_be_merged_in(world: World, triaged: Written) -> None:
    mixing = _issue(triaged["mixing"][0])
    other_campaign = CampaignFactory(owner_unit=UnitFactory())
    stranger = HotIssue.objects.create(campaign=other_campaign, rank=1, label="别处", size=3)

    _post(world.client_for(world.office), "hot_issue_merge", mixing.pk, other=stranger.pk)

    assert HotIssue.objects.filter(pk=stranger.pk).exists()
    assert not HotIssueEdit.objects.exists()


def test_a_user_outside_the_campaign_gets_404_for_edits_and_old_links(
    world: World, triaged: Written
) -> None:
    mixing, bus = _issue(triaged["mixing"][0]), _issue(triaged["bus"][0])
    _post(world.client_for(world.office), "hot_issue_merge", mixing.pk, other=bus.pk)
    elsewhere = UserFactory(username="elsewhere")
    MembershipFactory(user=elsewhere, unit=UnitFactory(), role=Role.OFFICE)
    outsider = world.client_for(elsewhere)
    assert outsider.get(reverse("analysis:hot_issue", args=[bus.pk])).status_code == 404
    assert _post(outsider, "hot_issue_rename", mixing.pk, label="x").status_code == 404
