from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhongzhi.audit.models import AuditEntry
from zhongzhi.campaigns.access import managed_campaigns
from zhongzhi.core.admin import ScopedAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """Read-only: the office reads its campaigns' log; nobody adds, changes or deletes."""

    list_display = ["at", "actor", "action", "campaign", "unit", "target_kind", "target_id"]
    list_filter = ["action"]
    date_hierarchy = "at"

    @admin.display(description=_("对象类型"), ordering="target_type")
    def target_kind(self, entry: AuditEntry) -> str:
        """The kind of object in words (建议, 整改措施), not "intake.suggestion"."""
        try:
            return str(apps.get_model(entry.target_type)._meta.verbose_name)
        except LookupError:
            return entry.target_type

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(campaign__in=managed_campaigns(request.user))

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
