"""Setup the office keeps for screening: its lists of reasons and its reply templates.
Assignments and proposals are shown read-only; they change through the screening pages."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from zhongzhi.campaigns.access import managed_campaigns, visible_campaigns
from zhongzhi.core.admin import ScopedAdmin
from zhongzhi.screening.models import Assignment, DecisionReason, ReplyTemplate


class CampaignSetupAdmin(ScopedAdmin):
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(campaign__in=visible_campaigns(request.user))

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(campaign__in=managed_campaigns(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "campaign":
            kwargs["queryset"] = managed_campaigns(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DecisionReason)
class DecisionReasonAdmin(CampaignSetupAdmin):
    list_display = ["text", "kind", "order", "campaign"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(CampaignSetupAdmin):
    list_display = ["title", "status", "order", "campaign"]


@admin.register(Assignment)
class AssignmentAdmin(CampaignSetupAdmin):
    list_display = ["suggestion", "unit", "state", "assigned_at", "sign_deadline", "signed_late"]
    list_filter = ["state", "signed_late"]
    list_select_related = ["suggestion", "unit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
