"""Which campaigns and campaign objects a user can see or change.

A campaign is visible to whoever holds a role in its owning unit's subtree or in a
unit above it; the office of the owning unit (or of a unit above it) manages it.
Plan items are visible where one of their lead units is visible to the user or sits
above the user's units (a campaign-wide task); a lead unit's coordinator updates
their status. Built on `org.access`; the same 404 for "missing" and "not yours".
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.models import Campaign, PlanItem
from zhongzhi.org.access import (
    SUBTREE_ROLES,
    AnyUser,
    changeable_units,
    ids_of,
    user_memberships,
    visible_units,
)
from zhongzhi.org.models import Role, Unit


def _units_above_or_at_memberships(user: AnyUser) -> set[int]:
    ids: set[int] = set()
    for membership in user_memberships(user):
        ids.update(membership.unit.ancestor_ids())
        ids.add(membership.unit_id)
    return ids


def visible_campaigns(user: AnyUser) -> QuerySet[Campaign]:
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    owned_below = Q(owner_unit__in=visible_units(user))
    owned_above = Q(owner_unit_id__in=_units_above_or_at_memberships(user))
    return Campaign.objects.filter(owned_below | owned_above).distinct()


def managed_campaigns(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns this user runs as the office: owned in the subtree of an office role."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    condition = Q(pk__in=[])
    for membership in user_memberships(user):
        if membership.role == Role.OFFICE:
            condition |= Q(owner_unit__path__startswith=membership.unit.path)
    return Campaign.objects.filter(condition)


def overseen_campaigns(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns this user sees whole, every suggestion included: the office's, and
    those owned in the subtree of a leader role (leaders read, never change)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    condition = Q(pk__in=[])
    for membership in user_memberships(user):
        if membership.role in (Role.OFFICE, Role.LEADER):
            condition |= Q(owner_unit__path__startswith=membership.unit.path)
    return Campaign.objects.filter(condition)


def access_campaign(user: AnyUser, campaign_id: int, *, for_change: bool = False) -> Campaign:
    campaigns = managed_campaigns(user) if for_change else visible_campaigns(user)
    try:
        return campaigns.select_related("owner_unit").get(pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404 from None


def managed_campaign_ids(user: AnyUser) -> list[int]:
    """`managed_campaigns` as ids (see `org.access.visible_unit_ids`)."""
    return ids_of(managed_campaigns(user))


def overseen_campaign_ids(user: AnyUser) -> list[int]:
    return ids_of(overseen_campaigns(user))


def _role_over(user: AnyUser, campaign: Campaign, roles: tuple[str, ...]) -> bool:
    # The rules of managed_campaigns and overseen_campaigns, read off the roles the
    # request has loaded already: no query.
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        m.role in roles and campaign.owner_unit.is_in_subtree_of(m.unit)
        for m in user_memberships(user)
    )


def can_manage_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return _role_over(user, campaign, (Role.OFFICE,))


def oversees_campaign(user: AnyUser, campaign: Campaign) -> bool:
    """Sees every suggestion, problem and measure of it: its office and leaders."""
    return _role_over(user, campaign, (Role.OFFICE, Role.LEADER))


def sees_whole_campaign(user: AnyUser, campaign: Campaign) -> bool:
    """Office, and leaders whose subtree holds the owning unit, see every plan item."""
    if can_manage_campaign(user, campaign):
        return True
    return any(
        membership.role in SUBTREE_ROLES
        and membership.role != Role.COORDINATOR
        and campaign.owner_unit.path.startswith(membership.unit.path)
        for membership in user_memberships(user)
    )


def visible_plan_items(user: AnyUser, campaign: Campaign) -> QuerySet[PlanItem]:
    items = PlanItem.objects.filter(campaign=campaign)
    if sees_whole_campaign(user, campaign):
        return items
    led_in_scope = Q(lead_units__in=visible_units(user))
    led_from_above = Q(lead_units__in=_units_above_or_at_memberships(user))
    return items.filter(led_in_scope | led_from_above).distinct()


def changeable_plan_items(user: AnyUser, campaign: Campaign) -> QuerySet[PlanItem]:
    items = PlanItem.objects.filter(campaign=campaign)
    if can_manage_campaign(user, campaign):
        return items
    return items.filter(lead_units__in=changeable_units(user)).distinct()


def access_plan_item(user: AnyUser, plan_item_id: int, *, for_change: bool = False) -> PlanItem:
    try:
        item = PlanItem.objects.select_related("campaign__owner_unit").get(pk=plan_item_id)
    except PlanItem.DoesNotExist:
        raise Http404 from None
    allowed = (
        changeable_plan_items(user, item.campaign)
        if for_change
        else visible_plan_items(user, item.campaign)
    )
    if not allowed.filter(pk=item.pk).exists():
        raise Http404
    return item


def entry_units(user: AnyUser, campaign: Campaign) -> QuerySet[Unit]:
    """Units the user may enter a campaign's work for (a problem, a research topic): all
    of the campaign's for its office, else their own and those below, in the campaign."""
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path)
    if not can_manage_campaign(user, campaign):
        units = units.filter(pk__in=changeable_units(user).values("pk"))
    return units.order_by("path")
