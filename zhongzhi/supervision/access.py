"""Who sees and records what in supervision.

The office of a campaign sets up its groups and sees all of them; leaders over a
campaign see them all; a supervisor sees the groups they are in and records
inspections and findings only for the units their group covers.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import can_manage_campaign, overseen_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.supervision.models import Inspection, SupervisionGroup


def visible_groups(user: AnyUser) -> QuerySet[SupervisionGroup]:
    if not user.is_authenticated:
        return SupervisionGroup.objects.none()
    if user.is_superuser:
        return SupervisionGroup.objects.all()
    return SupervisionGroup.objects.filter(
        Q(campaign__in=overseen_campaigns(user)) | Q(members=user)
    ).distinct()


def access_group(user: AnyUser, group_id: int) -> SupervisionGroup:
    try:
        return visible_groups(user).select_related("campaign__owner_unit").get(pk=group_id)
    except SupervisionGroup.DoesNotExist:
        raise Http404 from None


def is_member(user: AnyUser, group: SupervisionGroup) -> bool:
    """Members record the group's inspections and findings (the office reads them)."""
    return user.is_authenticated and group.members.filter(pk=user.pk).exists()


def may_set_up(user: AnyUser, campaign: Campaign) -> bool:
    return can_manage_campaign(user, campaign)


def access_inspection(user: AnyUser, inspection_id: int) -> Inspection:
    try:
        return (
            Inspection.objects.select_related("group", "campaign", "unit", "recorded_by")
            .filter(group__in=visible_groups(user))
            .get(pk=inspection_id)
        )
    except Inspection.DoesNotExist:
        raise Http404 from None
