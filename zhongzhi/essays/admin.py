"""Admin for looking essays up; they change only through their pages (services)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from zhongzhi.essays.access import visible_assignments
from zhongzhi.essays.models import Essay, EssayAssignment
from zhongzhi.rectification.admin import ReadOnlyAdmin


@admin.register(EssayAssignment)
class EssayAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["writer", "unit", "due_date", "campaign"]
    list_select_related = ["writer", "unit", "campaign"]
    search_fields = ["writer__username", "writer__full_name"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_assignments(request.user).values("pk"))


@admin.register(Essay)
class EssayAdmin(ReadOnlyAdmin):
    list_display = ["title", "assignment", "state", "submitted_at", "excellent"]
    list_filter = ["state", "excellent"]
    list_select_related = ["assignment__writer", "assignment__campaign"]
    search_fields = ["title"]
    exclude = ["file"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Drafts are the writer's own: the admin lists handed-in essays only.
        return queryset.filter(
            state="submitted", assignment__in=visible_assignments(request.user).values("pk")
        )
