"""Who sees and acts on which essays.

The office and the leaders over a campaign read every essay of it; a coordinator (or
a leader below the owning unit) reads those of their unit and the units below; a
writer reads and writes their own. Supervisors and unit staff see only their own: an
essay is a cadre's own writing, not inspection material. Only the campaign's office
sets the list of writers, reminds and marks excellent ones. The same 404 for
"missing" and "not yours".
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import can_manage_campaign, overseen_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.essays.models import EssayAssignment
from zhongzhi.org.access import SUBTREE_ROLES, AnyUser, user_memberships
from zhongzhi.org.models import Unit


def reader_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose writers' essays the user reads: the subtrees of their office,
    coordinator and leader roles."""
    if not user.is_authenticated:
        return Unit.objects.none()
    condition = Q(pk__in=[])
    for membership in user_memberships(user):
        if membership.role in SUBTREE_ROLES:
            condition |= Q(path__startswith=membership.unit.path)
    return Unit.objects.filter(condition)


def visible_assignments(user: AnyUser) -> QuerySet[EssayAssignment]:
    if not user.is_authenticated:
        return EssayAssignment.objects.none()
    if user.is_superuser:
        return EssayAssignment.objects.all()
    return EssayAssignment.objects.filter(
        Q(campaign__in=overseen_campaigns(user)) | Q(unit__in=reader_units(user)) | Q(writer=user)
    )


def access_assignment(user: AnyUser, assignment_id: int) -> EssayAssignment:
    try:
        return (
            visible_assignments(user)
            .select_related("campaign__owner_unit", "unit", "writer", "essay__marked_by")
            .get(pk=assignment_id)
        )
    except EssayAssignment.DoesNotExist:
        raise Http404 from None


def sees_essays(user: AnyUser, campaign: Campaign) -> bool:
    """May open the campaign's overview (completion by unit): its office, and its
    coordinators and leaders, each for their scope. A writer has their own page."""
    if can_manage_campaign(user, campaign):
        return True
    return any(m.role in SUBTREE_ROLES for m in user_memberships(user))


def runs_essays(user: AnyUser, campaign: Campaign) -> bool:
    """Sets the writers, the due date, reminds, marks excellent: the campaign's office."""
    return can_manage_campaign(user, campaign)


def essay_writer(user: AnyUser) -> bool:
    """Has an essay to write in some campaign (the top bar's link for those with no role)."""
    return user.is_authenticated and EssayAssignment.objects.filter(writer=user).exists()
