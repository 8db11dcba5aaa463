"""Admin for the office's deadline settings and for looking things up; problems and
measures change only through their pages (services), so here they are read-only."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from zhongzhi.rectification.access import visible_measures, visible_problems
from zhongzhi.rectification.models import Measure, Problem, RectificationSettings
from zhongzhi.screening.admin import CampaignSetupAdmin


@admin.register(RectificationSettings)
class RectificationSettingsAdmin(CampaignSetupAdmin):
    list_display = [
        "campaign",
        "due_soon_days",
        "remind_after_days",
        "supervise_after_days",
        "list_after_days",
    ]


class ReadOnlyAdmin(CampaignSetupAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "unit", "origin", "status", "campaign"]
    list_filter = ["status", "origin"]
    list_select_related = ["unit", "campaign"]
    search_fields = ["title", "description"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_problems(request.user).values("pk"))


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["code", "owner_unit", "responsible_person", "deadline", "state", "due_state"]
    list_filter = ["state", "due_state", "escalation"]
    list_select_related = ["problem", "owner_unit"]
    search_fields = ["text", "responsible_person"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_measures(request.user).values("pk"))
