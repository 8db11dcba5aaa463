"""Reads of the organisation tree, scoped to the caller."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from zhongzhi.campaigns.models import PlanItem
from zhongzhi.org.access import AnyUser, visible_units
from zhongzhi.org.models import Membership, Unit


@dataclass
class UnitNode:
    unit: Unit
    children: list["UnitNode"] = field(default_factory=list)


def unit_tree(user: AnyUser) -> list[UnitNode]:
    """The visible units as a forest: a unit whose parent is not visible is a root."""
    units = list(visible_units(user).order_by("path", "sort_order"))
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots


def unit_members(unit: Unit) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__username")
    )


def unit_children(user: AnyUser, unit: Unit) -> QuerySet[Unit]:
    return visible_units(user).filter(parent=unit).order_by("sort_order", "code")


def unit_plan_items(unit: Unit) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(lead_units=unit)
        .select_related("campaign", "stage")
        .order_by("campaign", "stage__order", "order")
    )
