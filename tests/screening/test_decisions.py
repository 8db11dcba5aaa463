"""Screening decisions: the transition table, merges, stale pages, bulk all-or-nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.factories import CampaignFactory
from tests.intake.factories import SuggestionFactory
from zhongzhi.analysis.models import SuggestionTriage
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.services import suggestion_plus_one
from zhongzhi.screening.services.common import BulkRefused, Conflict
from zhongzhi.screening.services.decisions import Item, suggestion_decide, suggestions_decide
from zhongzhi.screening.services.routing import suggestions_assign

S = SuggestionStatus


def fresh(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=suggestion.pk)


def test_merge_moves_supporters_and_the_receipt_shows_the_kept_ones_answer(
    world: World, online: dict[str, Suggestion]
) -> None:
    kept = SuggestionFactory(campaign=world.campaign, text=online["light"].text + "（再次反映）")
    light = online["light"]
    for browser in ("a", "b"):
        suggestion_plus_one(suggestion=light, browser_id=browser)
    suggestion_decide(
        suggestion=fresh(light), decision="merge", actor=world.office, merge_into=kept
    )

    light, kept = fresh(light), fresh(kept)
    assert (light.status, light.merged_into) == (S.MERGED, kept)
    assert kept.plus_ones == 3  # two +1s and the merged suggestion's own submitter
    entries = AuditEntry.objects.filter(action=AuditAction.MERGED_IN, target_id=kept.pk)
    assert entries.get().after["merged"] == [light.receipt_code_display]

    suggestion_decide(
        suggestion=kept, decision="answer", actor=world.office, reply="声控灯已于本周更换。"
    )
    receipt = Client().get(reverse("public:receipt", args=[light.receipt_code])).content.decode()
    assert "声控灯已于本周更换。" in receipt
    assert kept.receipt_code_display in receipt.split('data-testid="merged"')[1]
    assert "已答复" in receipt.split('data-testid="status"')[1][:80]
    api = Client().get(f"/api/receipts/{light.receipt_code}").json()
    assert (api["answer"], api["status"]) == ("声控灯已于本周更换。", "answered")


def test_merging_into_itself_another_campaign_or_back_into_a_merged_one_is_refused(
    world: World, online: dict[str, Suggestion]
) -> None:
    light, benches = online["light"], online["benches"]
    with pytest.raises(ValidationError, match="不能合并到它自己"):
        suggestion_decide(suggestion=light, decision="merge", actor=world.office, merge_into=light)
    other = SuggestionFactory(campaign=CampaignFactory(owner_unit=world.street))
    with pytest.raises(ValidationError, match="另一个活动"):
        suggestion_decide(suggestion=light, decision="merge", actor=world.office, merge_into=other)
    suggestion_decide(suggestion=light, decision="merge", actor=world.office, merge_into=benches)
    # benches into light would close a cycle: light is merged (into benches) already.
    with pytest.raises(ValidationError, match="不能合并到它自己"):
        suggestion_decide(
            suggestion=fresh(benches), decision="merge", actor=world.office, merge_into=fresh(light)
        )
    assert fresh(benches).status == S.RECEIVED


def test_merging_a_kept_suggestion_takes_its_merged_ones_along(
    world: World, online: dict[str, Suggestion]
) -> None:
    light, benches, spam = online["light"], online["benches"], online["spam"]
    suggestion_decide(suggestion=light, decision="merge", actor=world.office, merge_into=benches)
    suggestion_decide(
        suggestion=fresh(benches), decision="merge", actor=world.office, merge_into=spam
    )
    assert fresh(light).merged_into == spam  # kept flat: one step to the kept one
    # and merging into a merged suggestion lands on the one it was merged into
    fourth = SuggestionFactory(campaign=world.campaign)
    suggestion_decide(suggestion=fourth, decision="merge", actor=world.office, merge_into=light)
    assert fresh(fourth).merged_into == spam


def test_a_decision_on_a_stale_page_is_refused_and_changes_nothing(
    world: World, online: dict[str, Suggestion]
) -> None:
    light = online["light"]
    seen = light.version
    suggestion_decide(suggestion=light, decision="excellent", actor=world.office, version=seen)
    with pytest.raises(Conflict, match="刚刚已被其他人处理过"):
        suggestions_decide(
            decision="invalid",
            items=[Item(light.pk, seen)],
            actor=world.office,
            reason="广告或推销",
        )
    assert fresh(light).status == S.EXCELLENT
    assert AuditEntry.objects.filter(target_id=light.pk).count() == 1


def test_the_second_of_two_staff_deciding_at_once_gets_a_conflict_over_http(
    world: World, online: dict[str, Suggestion]
) -> None:
    light = online["light"]
    item = f"{light.pk}:{light.version}"
    url = reverse("screening:decide", args=[world.campaign.pk])
    office = world.client_for(world.office)
    office.post(url, {"decision": "adopt", "item": item})
    response = office.post(
        url, {"decision": "invalid", "reason": "广告或推销", "item": item}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "刚刚已被其他人处理过" in response.content.decode()
    assert fresh(light).status == S.ADOPTED


def test_a_bulk_decision_is_all_or_nothing_and_names_each_refused_row(
    world: World, online: dict[str, Suggestion]
) -> None:
    light, benches, spam = online["light"], online["benches"], online["spam"]
    suggestion_decide(suggestion=spam, decision="invalid", actor=world.office, reason="广告或推销")
    with pytest.raises(BulkRefused) as refused:
        suggestions_decide(
            decision="excellent",
            items=[Item(s.pk) for s in (light, benches, spam)],
            actor=world.office,
        )
    assert [(r.receipt_code, r.reason) for r in refused.value.refusals] == [
        (spam.receipt_code_display, "已是“无效”，不能再优秀金点子。")
    ]
    assert {fresh(light).status, fresh(benches).status} == {S.RECEIVED}
    decided = suggestions_decide(
        decision="excellent", items=[Item(light.pk), Item(benches.pk)], actor=world.office
    )
    assert {s.status for s in decided} == {S.EXCELLENT}


def test_reasons_and_replies_are_required_where_the_decision_needs_them(
    world: World, online: dict[str, Suggestion]
) -> None:
    with pytest.raises(ValidationError, match="原因"):
        suggestion_decide(suggestion=online["spam"], decision="invalid", actor=world.office)
    with pytest.raises(ValidationError, match="答复内容"):
        suggestion_decide(suggestion=online["spam"], decision="answer", actor=world.office)
    assert fresh(online["spam"]).status == S.RECEIVED


def test_a_unit_screens_what_it_has_signed_for(world: World, online: dict[str, Suggestion]) -> None:
    light = online["light"]
    suggestions_assign(
        campaign=world.campaign, suggestion_ids=[light.pk], unit=world.hongdaolu, actor=world.office
    )
    with pytest.raises(ValidationError, match="请先签收"):
        suggestion_decide(suggestion=light, decision="accept", actor=world.hongdaolu_coordinator)
    # and the queue shows it only once signed
    queue_url = reverse("screening:queue", args=[world.campaign.pk])
    hdl = world.client_for(world.hongdaolu_coordinator)
    assert light.receipt_code_display not in hdl.get(queue_url).content.decode()


@pytest.mark.parametrize("persona", ["jinkoulu_coordinator", "supervisor", "leader"])
def test_deciding_outside_ones_scope_is_a_404(world: World, persona: str) -> None:
    own = SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
    client = world.client_for(getattr(world, persona))
    response = client.post(
        reverse("screening:decide", args=[world.campaign.pk]),
        {"decision": "invalid", "reason": "广告或推销", "item": f"{own.pk}:{own.version}"},
    )
    assert response.status_code == 404
    assert fresh(own).status == S.RECEIVED


def test_a_whole_duplicate_group_is_decided_at_once(world: World) -> None:
    members = [SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu) for _ in range(3)]
    lone = SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
    from django.utils import timezone

    for i, s in enumerate([*members, lone]):
        group = members[0].pk if s in members else s.pk
        SuggestionTriage.objects.create(
            suggestion=s,
            campaign=world.campaign,
            group=group,
            canonical=i in (0, 3),
            group_size=3 if s in members else 1,
            triaged_at=timezone.now(),
        )
    url = reverse("screening:decide", args=[world.campaign.pk])
    hdl = world.client_for(world.hongdaolu_coordinator)
    first = members[0]
    hdl.post(url, {"decision": "merge", "whole_group": "1", "item": f"{first.pk}:{first.version}"})
    assert [fresh(s).status for s in members] == [S.RECEIVED, S.MERGED, S.MERGED]
    assert {fresh(s).merged_into_id for s in members[1:]} == {first.pk}
    assert fresh(lone).status == S.RECEIVED


def test_the_detail_page_offers_the_decision_and_its_history(
    world: World, online: dict[str, Suggestion]
) -> None:
    light = online["light"]
    office = world.client_for(world.office)
    page = office.get(reverse("intake:detail", args=[light.pk])).content.decode()
    assert 'data-testid="decision-form"' in page and 'data-testid="not-routed"' in page
    response = office.post(
        reverse("screening:decide", args=[world.campaign.pk]),
        {"decision": "invalid", "reason": "广告或推销", "item": f"{light.pk}:{light.version}"},
    )
    assert response.status_code == 302
    page = office.get(reverse("intake:detail", args=[light.pk])).content.decode()
    history = page.split('data-testid="history"')[1]
    assert "判为无效" in history and "已收到 → 无效" in history


@pytest.mark.parametrize("persona", ["leader", "supervisor"])
def test_readers_see_the_queue_without_decisions(world: World, persona: str) -> None:
    own = SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu)
    page = world.client_for(getattr(world, persona)).get(
        reverse("screening:queue", args=[world.campaign.pk])
    )
    content = page.content.decode()
    assert own.receipt_code_display in content
    assert 'id="decision-bar"' not in content and 'name="item"' not in content
    assert 'data-testid="read-only"' in content


def test_after_a_decision_the_queue_keeps_its_filters_and_nothing_else(world: World) -> None:
    rows = [SuggestionFactory(campaign=world.campaign, unit=world.hongdaolu) for _ in range(52)]
    first = rows[0]
    response = world.client_for(world.office).post(
        reverse("screening:decide", args=[world.campaign.pk]),
        {"decision": "accept", "item": f"{first.pk}:{first.version}", "each": "on"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert "“受理”：1 条" in content
    links = [part.split('"')[0] for part in content.split('href="?')[1:]]
    assert links and all("page=2" in link and "each=on" in link for link in links)
    assert all("csrfmiddlewaretoken" not in link and "item=" not in link for link in links)
