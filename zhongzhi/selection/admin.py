"""Rounds are shown read-only: they change through the selection pages, whose services
keep the rules (nothing after closing) and write the audit log."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from zhongzhi.core.admin import ScopedAdmin
from zhongzhi.selection.access import result_rounds
from zhongzhi.selection.models import Criterion, RoundEntry, SelectionRound


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["order", "name"]


class RoundEntryInline(ReadOnlyInline):
    model = RoundEntry
    fields = ["suggestion", "rank", "tied", "mean", "spread", "score_count", "chosen"]
    ordering = ["rank", "pk"]


@admin.register(SelectionRound)
class SelectionRoundAdmin(ScopedAdmin):
    list_display = ["name", "campaign", "unit", "state", "top_n", "opened_at", "closed_at"]
    list_filter = ["state"]
    list_select_related = ["campaign", "unit"]
    inlines = [CriterionInline, RoundEntryInline]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=result_rounds(request.user).values("pk"))

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
