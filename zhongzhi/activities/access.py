"""Who sees and records which activities.

The office and leaders of a campaign see all of its activities; everyone else sees
those of the units in their scope (a coordinator's subtree, a supervisor's assigned
units). A unit's coordinator records and changes its unit's activities (and those of
the units below), the office all of the campaign's. The same 404 for "missing" and
"not yours".
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.activities.models import Activity
from zhongzhi.campaigns.access import entry_units, overseen_campaigns, oversees_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser, visible_unit_ids
from zhongzhi.org.models import Unit


def visible_activities(user: AnyUser) -> QuerySet[Activity]:
    if not user.is_authenticated:
        return Activity.objects.none()
    if user.is_superuser:
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(campaign__in=overseen_campaigns(user)) | Q(unit_id__in=visible_unit_ids(user))
    )


def access_activity(user: AnyUser, activity_id: int) -> Activity:
    try:
        return (
            visible_activities(user)
            .select_related("campaign__owner_unit", "unit", "kind", "stage", "plan_item")
            .get(pk=activity_id)
        )
    except Activity.DoesNotExist:
        raise Http404 from None


def may_record(user: AnyUser, campaign: Campaign) -> bool:
    """Records activities for some unit of the campaign: its office, its coordinators."""
    return user.is_authenticated and entry_units(user, campaign).exists()


def may_change(user: AnyUser, activity: Activity) -> bool:
    if not user.is_authenticated:
        return False
    return entry_units(user, activity.campaign).filter(pk=activity.unit_id).exists()


def access_activity_for_change(user: AnyUser, activity_id: int) -> Activity:
    activity = access_activity(user, activity_id)
    if not may_change(user, activity):
        raise Http404
    return activity


def coverage_units(user: AnyUser, campaign: Campaign) -> tuple[bool, QuerySet[Unit]]:
    """(sees the whole campaign, the units whose matrix the user may choose). The
    office and leaders choose any unit of the campaign or the whole; others the
    units of the campaign in their scope, no whole."""
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")
    if oversees_campaign(user, campaign):
        return True, units
    return False, units.filter(pk__in=visible_unit_ids(user))
