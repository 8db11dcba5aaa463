"""Writes to the organisation tree and accounts. The only place that sets `Unit.path`."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from zhongzhi.org.models import Membership, Role, Unit, User, split_place_names

# Letters and digits that cannot be mistaken for one another when read off paper.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"


def one_time_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10))


def unit_places_normalise(places: str) -> str:
    """A unit's places as stored: each name once, in the order written, joined by 、.
    Whether every name can be kept is ``Unit.clean``'s (``place_name_errors``)."""
    return "、".join(split_place_names(places))


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    sort_order: int = 0,
    places: str = "",
) -> Unit:
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name,
        sort_order=sort_order,
        places=unit_places_normalise(places),
    )
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    name: str,
    kind: str,
    parent: Unit | None,
    short_name: str = "",
    code: str | None = None,
    sort_order: int | None = None,
    places: str | None = None,
) -> Unit:
    """Change a unit; moving it under a new parent rewrites the paths of its subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old_path, old_depth = unit.path, unit.depth
    unit.name, unit.kind, unit.parent, unit.short_name = name, kind, parent, short_name
    if code is not None:
        unit.code = code
    if sort_order is not None:
        unit.sort_order = sort_order
    if places is not None:
        unit.places = unit_places_normalise(places)
    unit.full_clean(exclude=["path", "depth"])
    new_path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.path, unit.depth = new_path, (parent.depth + 1 if parent else 0)
    unit.save()
    if new_path != old_path:
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (unit.depth - old_depth),
        )
    return unit


@transaction.atomic
def account_create(
    *,
    username: str,
    full_name: str,
    unit: Unit,
    role: str,
    mobile: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with a role in a unit.

    Without `password` a one-time password is generated, returned once, and the
    account must change it at first login.
    """
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("登录名“%(name)s”已被使用。") % {"name": username}})
    chosen = password or one_time_password()
    user = User(
        username=username,
        full_name=full_name,
        mobile=mobile,
        must_change_password=password is None,
        # The office and coordinators keep their data up in the (scoped) admin.
        is_staff=role in {Role.OFFICE, Role.COORDINATOR},
    )
    user.set_password(chosen)
    user.full_clean(exclude=["password"])
    user.save()
    membership_grant(user=user, unit=unit, role=role)
    return user, chosen


def membership_grant(*, user: User, unit: Unit, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if role in {Role.OFFICE, Role.COORDINATOR} and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


def password_changed(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
