from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhongzhi.api import services
from zhongzhi.api.access import visible_tokens
from zhongzhi.api.models import ApiToken
from zhongzhi.core.admin import ScopedAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Seen and revoked by those who manage their unit's tokens; created on the token page,
    which is the only place that shows the token itself."""

    list_display = [
        "name",
        "unit",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "unit__name"]
    fields = ["name", "unit", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["unit", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_tokens(request.user))

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_tokens(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead, so that the record of who used what stays

    @admin.action(description=_("停用所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in self.changeable(request, queryset):
            services.api_token_revoke(token=token)
        self.message_user(request, _("所选令牌已停用。"), messages.SUCCESS)
