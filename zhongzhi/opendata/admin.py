"""Admin for looking publications up; they change only through the office page."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhongzhi.campaigns.access import managed_campaigns
from zhongzhi.opendata.models import Publication
from zhongzhi.rectification.admin import ReadOnlyAdmin


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["suggestion", "campaign", "published_by", "published_at"]
    list_select_related = ["suggestion", "campaign", "published_by"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(campaign__in=managed_campaigns(request.user))
