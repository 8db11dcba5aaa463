"""Admin for looking topics up; they change only through their pages (services)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhongzhi.rectification.admin import ReadOnlyAdmin
from zhongzhi.research.access import visible_topics
from zhongzhi.research.models import ResearchTopic


@admin.register(ResearchTopic)
class ResearchTopicAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "unit", "lead", "state", "grade", "campaign"]
    list_select_related = ["unit", "lead", "campaign"]
    search_fields = ["title", "question"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_topics(request.user).values("pk"))
