"""Which units a user can see or change.

Every page, export, upload, admin view and API call asks these functions (or the
campaign ones built on them in `campaigns.access`). Each rule is on its own line so
that coverage shows every branch is tested. An object outside a user's scope is
answered with 404, exactly like one that does not exist.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.org.models import Membership, Role, Unit, User

# Roles whose scope is their unit and everything below it.
SUBTREE_ROLES = frozenset({Role.OFFICE, Role.COORDINATOR, Role.LEADER})
# Roles that may change what is in their scope; the others only read.
CHANGE_ROLES = frozenset({Role.OFFICE, Role.COORDINATOR})

AnyUser = User | AnonymousUser


def user_memberships(user: AnyUser) -> list[Membership]:
    """The user's roles, loaded once per user object (that is, once per request)."""
    if not user.is_authenticated:
        return []
    # Cached on the user object, which lives for one request.
    cached: list[Membership] | None = user.__dict__.get("_zhongzhi_memberships")
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user.__dict__["_zhongzhi_memberships"] = cached
    return cached


def _scope_condition(memberships: list[Membership]) -> Q:
    condition = Q(pk__in=[])
    for membership in memberships:
        if membership.role in SUBTREE_ROLES:
            condition |= Q(path__startswith=membership.unit.path)
        else:
            condition |= Q(pk=membership.unit_id)
    return condition


def visible_units(user: AnyUser) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(_scope_condition(user_memberships(user)))


def changeable_units(user: AnyUser) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    memberships = [m for m in user_memberships(user) if m.role in CHANGE_ROLES]
    return Unit.objects.filter(_scope_condition(memberships))


def ids_of(rows: QuerySet[Any]) -> list[int]:
    # Read at once, not cached: a unit or campaign made a moment ago counts.
    return list(rows.values_list("pk", flat=True))


def visible_unit_ids(user: AnyUser) -> list[int]:
    """`visible_units` as ids, for scoping rows by their unit: a list of ids lets the
    database combine the condition with its indexes, where a subquery behind an OR
    made PostgreSQL read every row of a 151,681-suggestion campaign."""
    return ids_of(visible_units(user))


def changeable_unit_ids(user: AnyUser) -> list[int]:
    return ids_of(changeable_units(user))


def office_units(user: AnyUser) -> QuerySet[Unit]:
    """Units whose campaigns this user may set up: the subtrees of their office roles."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    memberships = [m for m in user_memberships(user) if m.role == Role.OFFICE]
    return Unit.objects.filter(_scope_condition(memberships))


def roles_in(user: AnyUser) -> set[str]:
    return {membership.role for membership in user_memberships(user)}


def is_campaign_office(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Role.OFFICE in roles_in(user)


def grantable_roles(user: AnyUser) -> set[str]:
    """Roles this user may give to accounts in their scope (bulk account import)."""
    if is_campaign_office(user):
        return {role.value for role in Role}
    if Role.COORDINATOR in roles_in(user):
        return {Role.COORDINATOR.value, Role.STAFF.value}
    return set()


def access_unit(user: AnyUser, unit_id: int, *, for_change: bool = False) -> Unit:
    units = changeable_units(user) if for_change else visible_units(user)
    try:
        return units.get(pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None
