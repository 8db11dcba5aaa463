"""Admin: the office keeps its campaign's activity kinds and settings here; activities
change only through their pages (services), so here they are read-only and scoped."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhongzhi.activities.access import visible_activities
from zhongzhi.activities.models import Activity, ActivityKind, ActivitySettings
from zhongzhi.rectification.admin import ReadOnlyAdmin
from zhongzhi.screening.admin import CampaignSetupAdmin


@admin.register(ActivityKind)
class ActivityKindAdmin(CampaignSetupAdmin):
    list_display = ["name", "base", "order", "campaign"]


@admin.register(ActivitySettings)
class ActivitySettingsAdmin(CampaignSetupAdmin):
    list_display = ["campaign", "max_attendance"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "held_on", "unit", "plan_item", "campaign"]
    list_select_related = ["kind", "unit", "plan_item", "campaign"]
    search_fields = ["name", "place", "host"]
    date_hierarchy = "held_on"

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_activities(request.user).values("pk"))
