from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.access import managed_campaigns, visible_campaigns
from zhongzhi.campaigns.blueprints import BLUEPRINTS
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, PlanItem, Stage, Topic
from zhongzhi.core.admin import ScopedAdmin
from zhongzhi.org.access import office_units


class CampaignScopedAdmin(ScopedAdmin):
    """For models that belong to a campaign: seen with the campaign, changed by its office."""

    campaign_field = "campaign"

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.campaign_field}__in": visible_campaigns(request.user)})

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.campaign_field}__in": managed_campaigns(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "campaign":
            kwargs["queryset"] = managed_campaigns(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(CampaignScopedAdmin):
    campaign_field = "pk"
    list_display = ["name", "owner_unit", "start_date", "end_date"]
    search_fields = ["name", "theme"]
    exclude = ["applied_templates"]
    readonly_fields = ["templates"]

    @admin.display(description=_("已套用模板"))
    def templates(self, campaign: Campaign) -> str:
        # By their names: the keys ("four-stage") are the code's.
        names = [BLUEPRINTS[k].name if k in BLUEPRINTS else k for k in campaign.applied_templates]
        return "、".join(names) or "—"

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Suggestions protect their campaign: rather than a confirmation page that lists
        # every one of them (slow, and the answer is no), no delete button.
        if obj is not None and obj.suggestions.exists():  # type: ignore[attr-defined]
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "owner_unit":
            kwargs["queryset"] = office_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(CampaignScopedAdmin):
    list_display = ["name", "campaign", "order"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]


@admin.register(ParticipantCategory)
class ParticipantCategoryAdmin(CampaignScopedAdmin):
    list_display = ["name", "campaign", "order"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]


@admin.register(PlanItem)
class PlanItemAdmin(CampaignScopedAdmin):
    list_display = ["title", "campaign", "stage", "kind", "status"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter), "status", "kind"]
    search_fields = ["title"]
    filter_horizontal = ["lead_units"]


@admin.register(Stage)
class StageAdmin(CampaignScopedAdmin):
    list_display = ["name", "campaign", "order", "start_date", "end_date"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["order"]
