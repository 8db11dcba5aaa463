"""A template's supervision groups (seed 003's twelve): made empty with the campaign,
filled in by the office, and never granting anyone anything while empty."""

from django.urls import reverse

from tests.conftest import World
from tests.factories import UserFactory
from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.org.models import Membership, Role
from zhongzhi.supervision.models import SupervisionGroup
from zhongzhi.supervision.services import group_save

NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
TWELVE = [f"第{n}督导组" for n in NUMBERS]


def test_the_three_stage_template_gives_twelve_groups_for_the_office_to_fill(
    world: World,
) -> None:
    campaign_services.template_apply(campaign=world.campaign, key="three-stage")

    groups = SupervisionGroup.objects.filter(campaign=world.campaign)
    assert sorted(groups.values_list("name", flat=True)) == sorted(TWELVE)
    assert all(not g.members.exists() and not g.units.exists() for g in groups)
    entries = AuditEntry.objects.filter(action=AuditAction.GROUP_SAVE)
    assert entries.count() == 12 and {e.actor for e in entries} == {None}

    office = world.client_for(world.office)
    overview = office.get(reverse("supervision:overview", args=[world.campaign.pk]))
    page = overview.content.decode()
    assert page.count('data-testid="to-set-up"') == 12 and "第十二督导组" in page


def test_an_office_fills_a_template_group_and_its_members_then_read_its_units(
    world: World,
) -> None:
    campaign_services.template_apply(campaign=world.campaign, key="three-stage")
    first = SupervisionGroup.objects.get(campaign=world.campaign, name="第一督导组")
    inspector = UserFactory(username="inspector")
    assert not Membership.objects.filter(user=inspector).exists()

    group_save(
        campaign=world.campaign,
        actor=world.office,
        name=first.name,
        leader=inspector,
        members=[],
        units=[world.jinkoulu],
        group=first,
    )

    assert Membership.objects.filter(
        user=inspector, unit=world.jinkoulu, role=Role.SUPERVISOR
    ).exists()
    overview = world.client_for(world.office).get(
        reverse("supervision:overview", args=[world.campaign.pk])
    )
    assert overview.content.decode().count('data-testid="to-set-up"') == 11


def test_a_group_the_campaign_has_already_is_kept_as_it_is(world: World) -> None:
    inspector = UserFactory(username="inspector")
    kept = group_save(
        campaign=world.campaign,
        actor=world.office,
        name="第一督导组",
        leader=inspector,
        members=[],
        units=[world.jinkoulu],
    )

    campaign_services.template_apply(campaign=world.campaign, key="three-stage")

    assert SupervisionGroup.objects.filter(campaign=world.campaign).count() == 12
    kept.refresh_from_db()
    assert list(kept.units.all()) == [world.jinkoulu] and kept.leader == inspector


def test_templates_without_groups_make_none(world: World) -> None:
    campaign_services.template_apply(campaign=world.campaign, key="7+11")
    campaign_services.template_apply(campaign=world.campaign, key="four-stage")
    assert not SupervisionGroup.objects.exists()
