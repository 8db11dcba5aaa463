"""Who may route and screen what. One condition a line; out of scope is a 404.

* The campaign's office assigns (交办) and sees the to-assign queue.
* A unit's coordinator signs for, sends back and passes on what is assigned to a unit
  in their scope; the office may do the same for any assignment of its campaign.
* Screening decisions follow ``intake.access.changeable_suggestions``.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import access_campaign, managed_campaign_ids
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.access import changeable_suggestions
from zhongzhi.org.access import AnyUser, changeable_unit_ids
from zhongzhi.screening.models import Assignment


def access_campaign_for_assigning(user: AnyUser, campaign_id: int) -> Campaign:
    return access_campaign(user, campaign_id, for_change=True)


def handled_assignments(user: AnyUser) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    if user.is_superuser:
        return Assignment.objects.all()
    of_managed_campaign = Q(campaign_id__in=managed_campaign_ids(user))
    to_changeable_unit = Q(unit_id__in=changeable_unit_ids(user))
    return Assignment.objects.filter(of_managed_campaign | to_changeable_unit)


def access_suggestions_for_deciding(user: AnyUser, suggestion_ids: set[int]) -> None:
    """Every row of a decision must be the user's to change; else 404, as for one."""
    if not suggestion_ids:
        return
    found = changeable_suggestions(user).filter(pk__in=suggestion_ids).count()
    if found != len(suggestion_ids):
        raise Http404


def access_assignment(user: AnyUser, assignment_id: int) -> Assignment:
    try:
        return (
            handled_assignments(user)
            .select_related("suggestion", "unit", "campaign")
            .get(pk=assignment_id)
        )
    except Assignment.DoesNotExist:
        raise Http404 from None
