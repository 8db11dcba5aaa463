"""Routing through HTTP with the personas: 交办, 签收, 退回, 转办, and who sees what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.factories import UnitFactory
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.models import Suggestion
from zhongzhi.screening.models import Assignment, AssignmentState, RoutingProposal
from zhongzhi.screening.services.routing import (
    assignment_sign,
    campaign_routing_proposals,
    suggestions_assign,
)


def detail(suggestion: Suggestion) -> str:
    return reverse("intake:detail", args=[suggestion.pk])


def test_an_online_suggestion_naming_hongdaolu_is_routed_signed_and_passed_on(
    world: World, online: dict[str, Suggestion]
) -> None:
    light = online["light"]
    office = world.client_for(world.office)
    hdl = world.client_for(world.hongdaolu_coordinator)
    jkl = world.client_for(world.jinkoulu_coordinator)
    # Before routing: only the office (and the street's leader) reach it.
    assert hdl.get(detail(light)).status_code == 404
    assert world.client_for(world.leader).get(detail(light)).status_code == 200

    to_assign = office.get(reverse("screening:assign", args=[world.campaign.pk])).content.decode()
    rows = [r.split("</tr>")[0] for r in to_assign.split('data-testid="assign-row"')[1:]]
    (row,) = [r for r in rows if light.receipt_code_display in r]
    assert "红岛路社区" in row and "提到“红岛路”" in row
    response = office.post(
        reverse("screening:assign_save", args=[world.campaign.pk]),
        {"item": [light.pk], "accept": "1"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(suggestion=light)
    assert (assignment.unit, assignment.state) == (world.hongdaolu, AssignmentState.PENDING)
    assert assignment.sign_deadline > timezone.now()

    signing = hdl.get(reverse("screening:sign", args=[world.campaign.pk])).content.decode()
    assert light.receipt_code_display in signing
    assert (
        light.receipt_code_display
        not in jkl.get(reverse("screening:sign", args=[world.campaign.pk])).content.decode()
    )
    assert hdl.post(reverse("screening:assignment_sign", args=[assignment.pk])).status_code == 302
    assert jkl.get(detail(light)).status_code == 404

    response = hdl.post(
        reverse("screening:transfer", args=[assignment.pk]),
        {"unit": world.jinkoulu.pk, "note": "金口路社区负责这栋楼"},
    )
    assert response.status_code == 302
    light.refresh_from_db()
    assert light.unit == world.jinkoulu
    assert hdl.get(detail(light)).status_code == 404
    page = jkl.get(detail(light)).content.decode()
    chain = page.split('data-testid="routing-chain"')[1].split("</table>")[0]
    assert chain.index("红岛路社区") < chain.index("金口路社区")
    assert "已转办" in chain and "待签收" in chain
    history = page.split('data-testid="history"')[1]
    for step in ("交办", "签收", "转办", "金口路社区负责这栋楼"):
        assert step in history
    actions = list(AuditEntry.objects.filter(target_id=light.pk).values_list("action", flat=True))
    assert actions == [AuditAction.ASSIGN, AuditAction.SIGN, AuditAction.TRANSFER]


def test_a_unit_sends_a_suggestion_back_and_it_waits_to_be_assigned_again(
    world: World, online: dict[str, Suggestion]
) -> None:
    (assignment,) = suggestions_assign(
        campaign=world.campaign,
        suggestion_ids=[online["benches"].pk],
        unit=world.hongdaolu,
        actor=world.office,
    )
    hdl = world.client_for(world.hongdaolu_coordinator)
    response = hdl.post(reverse("screening:send_back", args=[assignment.pk]), {"reason": ""})
    assert Assignment.objects.get(pk=assignment.pk).state == AssignmentState.PENDING
    response = hdl.post(
        reverse("screening:send_back", args=[assignment.pk]), {"reason": "金口一路不在本社区"}
    )
    assert response.status_code == 302
    online["benches"].refresh_from_db()
    assert online["benches"].unit is None
    page = world.client_for(world.office).get(reverse("screening:assign", args=[world.campaign.pk]))
    assert online["benches"].receipt_code_display in page.content.decode()
    # Signing what was sent back is refused, with the reason, and changes nothing.
    response = hdl.post(reverse("screening:assignment_sign", args=[assignment.pk]), follow=True)
    assert response.status_code == 404  # no longer the unit's
    office = world.client_for(world.office)
    response = office.post(reverse("screening:assignment_sign", args=[assignment.pk]), follow=True)
    assert "已被退回" in response.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).state == AssignmentState.RETURNED


def test_signing_after_the_deadline_is_recorded_as_late(
    world: World, online: dict[str, Suggestion]
) -> None:
    (assignment,) = suggestions_assign(
        campaign=world.campaign,
        suggestion_ids=[online["light"].pk],
        unit=world.hongdaolu,
        actor=world.office,
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        sign_deadline=timezone.now() - datetime.timedelta(hours=3)
    )
    signed = assignment_sign(assignment_id=assignment.pk, actor=world.hongdaolu_coordinator)
    assert signed.signed_late
    entry = AuditEntry.objects.get(target_id=online["light"].pk, action=AuditAction.SIGN)
    assert entry.after == {"signed_late": True}


def test_assigning_outside_the_campaign_or_twice_is_refused_as_a_whole(
    world: World, online: dict[str, Suggestion]
) -> None:
    office = world.client_for(world.office)
    url = reverse("screening:assign_save", args=[world.campaign.pk])
    elsewhere = UnitFactory(name="外区某社区")
    response = office.post(url, {"item": [online["light"].pk], "unit": elsewhere.pk}, follow=True)
    assert Assignment.objects.count() == 0
    suggestions_assign(
        campaign=world.campaign,
        suggestion_ids=[online["light"].pk],
        unit=world.hongdaolu,
        actor=world.office,
    )
    response = office.post(
        url,
        {"item": [online["light"].pk, online["benches"].pk], "unit": world.jinkoulu.pk},
        follow=True,
    )
    content = response.content.decode()
    assert online["light"].receipt_code_display in content and "已交办给红岛路社区" in content
    assert Assignment.objects.count() == 1  # the benches were not assigned either
    online["benches"].refresh_from_db()
    assert online["benches"].unit is None


@pytest.mark.parametrize("persona", ["hongdaolu_coordinator", "supervisor", "leader"])
def test_only_the_office_assigns(world: World, online: dict[str, Suggestion], persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    assert client.get(reverse("screening:assign", args=[world.campaign.pk])).status_code == 404
    response = client.post(
        reverse("screening:assign_save", args=[world.campaign.pk]),
        {"item": [online["light"].pk], "unit": world.hongdaolu.pk},
    )
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_a_unit_lists_its_streets_and_the_proposal_says_why(
    world: World, online: dict[str, Suggestion]
) -> None:
    world.jinkoulu.places = "金口一路、金口二路，黄县路"
    world.jinkoulu.save()
    campaign_routing_proposals(world.campaign)
    proposal = RoutingProposal.objects.get(suggestion=online["benches"])
    assert proposal.unit == world.jinkoulu
    assert proposal.reasons == ["提到“金口一路”（金口路社区）"]
    assert not RoutingProposal.objects.filter(suggestion=online["spam"]).exists()


def test_a_topics_usual_unit_is_proposed_when_no_place_is_named(world: World) -> None:
    from zhongzhi.campaigns.services import topic_add
    from zhongzhi.intake.services import suggestion_submit

    topic = topic_add(campaign=world.campaign, name="营商环境")
    topic.usual_unit = world.fushanlu
    topic.save()
    suggestion, _ = suggestion_submit(
        campaign=world.campaign,
        text="建议简化小店办证流程，一次办好。",
        channel="online",
        topic=topic,
    )
    campaign_routing_proposals(world.campaign)
    proposal = RoutingProposal.objects.get(suggestion=suggestion)
    assert proposal.unit == world.fushanlu
    assert "营商环境" in proposal.reasons[0]


def test_the_office_starts_proposals_as_a_job_and_the_overview_counts_what_waits(
    world: World, online: dict[str, Suggestion]
) -> None:
    office = world.client_for(world.office)
    response = office.post(reverse("screening:proposals", args=[world.campaign.pk]))
    assert response.status_code == 302
    job_page = office.get(response["Location"]).content.decode()
    assert 'data-testid="job"' in job_page and "已为 1 条意见建议推荐了交办单位" in job_page
    overview = office.get(reverse("campaigns:detail", args=[world.campaign.pk])).content.decode()
    assert 'data-testid="overview-to-assign">3<' in overview


def test_the_suggestions_page_shows_the_proposal_and_accepts_it(
    world: World, online: dict[str, Suggestion]
) -> None:
    light = online["light"]
    office = world.client_for(world.office)
    page = office.get(detail(light)).content.decode()
    proposal = page.split('data-testid="proposal"')[1].split("</div>")[0]
    assert "红岛路社区" in proposal and "提到“红岛路”" in proposal
    response = office.post(
        reverse("screening:assign_save", args=[world.campaign.pk]),
        {"item": [light.pk], "accept": "1", "next": detail(light)},
    )
    assert response["Location"] == detail(light)
    light.refresh_from_db()
    assert light.unit == world.hongdaolu
    assert 'data-testid="proposal"' not in office.get(detail(light)).content.decode()


def test_the_tabs_over_a_list_count_as_far_as_the_list_and_the_overview_exactly(
    world: World, online: dict[str, Suggestion], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three suggestions wait for a unit; the lists count at most two here.
    monkeypatch.setattr("zhongzhi.screening.selectors.CAP", 2)
    office = world.client_for(world.office)
    tabs = office.get(reverse("screening:assign", args=[world.campaign.pk])).content.decode()
    assert 'data-testid="count-to-assign">2+<' in tabs
    overview = office.get(reverse("campaigns:detail", args=[world.campaign.pk])).content.decode()
    assert 'data-testid="overview-to-assign">3<' in overview

    monkeypatch.setattr("zhongzhi.screening.selectors.CAP", 3)
    tabs = office.get(reverse("screening:assign", args=[world.campaign.pk])).content.decode()
    assert 'data-testid="count-to-assign">3<' in tabs
