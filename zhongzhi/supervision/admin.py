"""Admin for looking things up: groups change on their page (the members' supervisor
roles follow a change there, `services.group_save`), inspections and findings through
the group's pages, so here all are read-only."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhongzhi.rectification.admin import ReadOnlyAdmin
from zhongzhi.supervision.access import visible_groups
from zhongzhi.supervision.models import Finding, Inspection, SupervisionGroup


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "leader", "campaign"]
    list_select_related = ["leader", "campaign"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_groups(request.user).values("pk"))


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["date", "unit", "group", "recorded_by"]
    list_select_related = ["unit", "group", "recorded_by"]
    date_hierarchy = "date"

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(group__in=visible_groups(request.user).values("pk"))


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["problem", "inspection"]
    list_filter = []  # no campaign column of its own to filter on
    list_select_related = ["problem", "inspection__unit"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(inspection__group__in=visible_groups(request.user).values("pk"))
