"""A ModelAdmin base that scopes the admin like every other page.

Subclasses say which rows a user may see (`visible`) and change (`changeable`); the
Django model permissions are not used, the access functions are.
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest


class ScopedAdmin(admin.ModelAdmin):
    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.visible(request, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return True
        return self.visible(request, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        queryset = self.model._default_manager.all()
        if obj is not None:
            queryset = queryset.filter(pk=obj.pk)
        return self.changeable(request, queryset).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)


def _linked_object(name: str) -> Callable[[object], str]:
    """A row of a link table reads as the object it links to (a plan item's lead unit)."""

    def text(row: object) -> str:
        return str(getattr(row, name))

    return text


def name_link_tables() -> None:
    """Name the tables Django makes for our many-to-many fields after the field, and
    their rows after the object linked to: the admin's delete pages list them, and
    Django's own names are English ("Planitem-unit relationship", "PlanItem_lead_units
    object (1)"). Only names change (no migration): Django leaves these tables out of
    migrations."""
    for model in apps.get_models():
        if not model.__module__.startswith("zhongzhi."):
            continue
        for field in model._meta.many_to_many:
            through = field.remote_field.through  # type: ignore[union-attr]
            if through is None or not through._meta.auto_created:
                continue
            through._meta.verbose_name = field.verbose_name
            through._meta.verbose_name_plural = field.verbose_name
            target = field.m2m_reverse_field_name()  # type: ignore[attr-defined]
            through.__str__ = _linked_object(target)  # type: ignore[method-assign]  # naming rows is the point
