"""Reads of notifications (always a user's own) and who is told what: the people
behind a unit (its coordinators), above it, supervising it, leading it."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from zhongzhi.notifications.models import Notification
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import Membership, Role, Unit, User


def notifications_for(user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def holders_of(unit_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[User]]:
    """Active users holding one of ``roles`` in each unit itself (not above it), in one
    query: unit id → users."""
    found: dict[int, list[User]] = defaultdict(list)
    memberships = Membership.objects.filter(
        unit_id__in=set(unit_ids), role__in=list(roles), user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("unit_id", "user_id"):
        found[membership.unit_id].append(membership.user)
    return found


def coordinators_of(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    return holders_of(unit_ids, [Role.COORDINATOR])


def leaders_above(units: Iterable[Unit]) -> dict[int, list[User]]:
    """Leaders of each unit's own subtree or one above it (those who read its work)."""
    units = list(units)
    chains = {unit.pk: [*unit.ancestor_ids(), unit.pk] for unit in units}
    leaders = holders_of({pk for chain in chains.values() for pk in chain}, [Role.LEADER])
    return {
        unit_id: list({user.pk: user for pk in chain for user in leaders.get(pk, [])}.values())
        for unit_id, chain in chains.items()
    }
