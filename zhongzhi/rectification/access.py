"""Who may see and do what in rectification. One condition a line; out of scope is 404.

* Problems and measures are seen by the office and leaders of their campaign, by whoever
  sees the problem's unit or the measure's owner unit (a supervisor sees those of the
  units assigned to them), and by the measure's responsible person.
* A problem is entered and given measures by the office of its campaign or a
  coordinator of its unit (``problem`` rules of ``services.measures.TRANSITIONS``).
* Who may make each measure transition is said once, in ``TRANSITIONS``; the
  predicates it names live here.
* Ratings are seen by the office and leaders of their campaign and by whoever sees the
  unit that answered; a second look is recorded by that unit's coordinator (or one
  above it) or the campaign office.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import (
    managed_campaign_ids,
    overseen_campaign_ids,
    oversees_campaign,
)
from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import (
    AnyUser,
    changeable_unit_ids,
    user_memberships,
    visible_unit_ids,
)
from zhongzhi.org.models import Role
from zhongzhi.rectification.models import Evidence, Measure, Problem, Rating, SecondLook


def visible_measures(user: AnyUser) -> QuerySet[Measure]:
    if not user.is_authenticated:
        return Measure.objects.none()
    if user.is_superuser:
        return Measure.objects.all()
    in_overseen_campaign = Q(campaign_id__in=overseen_campaign_ids(user))
    owned_by_visible_unit = Q(owner_unit_id__in=visible_unit_ids(user))
    for_problem_of_visible_unit = Q(problem__unit_id__in=visible_unit_ids(user))
    responsible = Q(responsible_user=user)
    return Measure.objects.filter(
        in_overseen_campaign | owned_by_visible_unit | for_problem_of_visible_unit | responsible
    )


def campaign_measures(user: AnyUser, campaign: Campaign) -> QuerySet[Measure]:
    """The campaign's measures the user may see: all of them for its office and
    leaders (told from their roles, no query), else `visible_measures`."""
    if oversees_campaign(user, campaign):
        return Measure.objects.filter(campaign=campaign)
    return visible_measures(user).filter(campaign=campaign)


def campaign_problems(user: AnyUser, campaign: Campaign) -> QuerySet[Problem]:
    if oversees_campaign(user, campaign):
        return Problem.objects.filter(campaign=campaign)
    return visible_problems(user).filter(campaign=campaign)


def visible_problems(user: AnyUser) -> QuerySet[Problem]:
    if not user.is_authenticated:
        return Problem.objects.none()
    if user.is_superuser:
        return Problem.objects.all()
    in_overseen_campaign = Q(campaign_id__in=overseen_campaign_ids(user))
    of_visible_unit = Q(unit_id__in=visible_unit_ids(user))
    with_visible_measure = Q(pk__in=visible_measures(user).values("problem_id"))
    return Problem.objects.filter(in_overseen_campaign | of_visible_unit | with_visible_measure)


def changeable_problems(user: AnyUser) -> QuerySet[Problem]:
    """Problems whose measures this user sets: the office's and their unit coordinator's."""
    if not user.is_authenticated:
        return Problem.objects.none()
    if user.is_superuser:
        return Problem.objects.all()
    in_managed_campaign = Q(campaign_id__in=managed_campaign_ids(user))
    of_changeable_unit = Q(unit_id__in=changeable_unit_ids(user))
    return Problem.objects.filter(in_managed_campaign | of_changeable_unit)


def access_problem(user: AnyUser, problem_id: int, *, for_change: bool = False) -> Problem:
    problems = changeable_problems(user) if for_change else visible_problems(user)
    try:
        return problems.select_related("campaign__owner_unit", "unit", "topic").get(pk=problem_id)
    except Problem.DoesNotExist:
        raise Http404 from None


def access_measure(user: AnyUser, measure_id: int) -> Measure:
    try:
        return (
            visible_measures(user)
            .select_related("problem__unit", "campaign__owner_unit", "owner_unit")
            .get(pk=measure_id)
        )
    except Measure.DoesNotExist:
        raise Http404 from None


def access_evidence(user: AnyUser, evidence_id: int) -> Evidence:
    """An evidence file is seen by whoever sees its measure."""
    try:
        return Evidence.objects.get(
            pk=evidence_id, update__measure__in=visible_measures(user).values("pk")
        )
    except Evidence.DoesNotExist:
        raise Http404 from None


# --- the predicates the transition table names ---------------------------------------


def is_campaign_office_of(user: AnyUser, measure: Measure) -> bool:
    return measure.campaign_id in managed_campaign_ids(user)


def is_owner_of(user: AnyUser, measure: Measure) -> bool:
    """The owner unit's coordinators (and those above), its responsible person, the office."""
    if not user.is_authenticated:
        return False
    if measure.responsible_user_id == user.pk:
        return True
    if measure.owner_unit_id in changeable_unit_ids(user):
        return True
    return is_campaign_office_of(user, measure)


def supervises(user: AnyUser, measure: Measure) -> bool:
    """A supervisor assigned to the owner unit."""
    return any(
        m.role == Role.SUPERVISOR and m.unit_id == measure.owner_unit_id
        for m in user_memberships(user)
    )


def works_in_owner_unit(user: AnyUser, measure: Measure) -> bool:
    """Nobody verifies their own unit's work: a coordinator, staff member or office of
    the owner unit itself, the responsible person, or the one who reported it done."""
    if not user.is_authenticated:
        return False
    if user.pk in (measure.responsible_user_id, measure.done_by_id):
        return True
    own_roles = (Role.OFFICE, Role.COORDINATOR, Role.STAFF)
    return any(
        m.role in own_roles and m.unit_id == measure.owner_unit_id for m in user_memberships(user)
    )


def is_verifier_of(user: AnyUser, measure: Measure) -> bool:
    if not user.is_authenticated or works_in_owner_unit(user, measure):
        return False
    if user.is_superuser:
        return True
    return is_campaign_office_of(user, measure) or supervises(user, measure)


# --- ratings (满意度) and second looks (回访) ------------------------------------------


def visible_ratings(user: AnyUser) -> QuerySet[Rating]:
    """The office and leaders see their campaigns' ratings; others those of the units
    they see (a coordinator's subtree, a supervisor's assigned units)."""
    if not user.is_authenticated:
        return Rating.objects.none()
    if user.is_superuser:
        return Rating.objects.all()
    in_overseen_campaign = Q(campaign_id__in=overseen_campaign_ids(user))
    of_visible_unit = Q(unit_id__in=visible_unit_ids(user))
    return Rating.objects.filter(in_overseen_campaign | of_visible_unit)


def campaign_ratings(user: AnyUser, campaign: Campaign) -> QuerySet[Rating]:
    if oversees_campaign(user, campaign):
        return Rating.objects.filter(campaign=campaign)
    return visible_ratings(user).filter(campaign=campaign)


def changeable_second_looks(user: AnyUser) -> QuerySet[SecondLook]:
    """Second looks this user may record: of their campaigns (office) or units (coordinators)."""
    if not user.is_authenticated:
        return SecondLook.objects.none()
    if user.is_superuser:
        return SecondLook.objects.all()
    in_managed_campaign = Q(rating__campaign_id__in=managed_campaign_ids(user))
    of_changeable_unit = Q(unit_id__in=changeable_unit_ids(user))
    return SecondLook.objects.filter(in_managed_campaign | of_changeable_unit)


def may_record_second_look(user: AnyUser, second_look: SecondLook) -> bool:
    return changeable_second_looks(user).filter(pk=second_look.pk).exists()


def access_second_look(user: AnyUser, second_look_id: int) -> SecondLook:
    """A second look to record; one the user may not record is 404, like a missing one."""
    try:
        return (
            changeable_second_looks(user)
            .select_related("rating__campaign", "rating__suggestion")
            .get(pk=second_look_id)
        )
    except SecondLook.DoesNotExist:
        raise Http404 from None
