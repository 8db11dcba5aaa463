"""Admin for suggestions, scoped like the staff pages (`intake.access`).

Suggestions come in through `suggestion_submit` and change status through the staff
page (which writes the history), so the admin cannot add them and shows status,
receipt code and phone read-only. The phone number is masked for whoever may not
see it (`can_see_phone`), in the list and on the form.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.access import visible_campaigns
from zhongzhi.core.admin import ScopedAdmin
from zhongzhi.core.auth import signed_in_user
from zhongzhi.intake.access import (
    changeable_suggestions,
    mask_phone,
    visible_suggestions,
)
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.services import suggestion_set_topic


@admin.register(Suggestion)
class SuggestionAdmin(ScopedAdmin):
    list_display = [
        "number",
        "receipt_code",
        "short_text",
        "campaign",
        "unit",
        "channel",
        "status",
        "submitted_at",
        "phone",
    ]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter), "status", "channel"]
    list_select_related = ["campaign", "unit"]
    search_fields = ["receipt_code", "title"]
    show_full_result_count = False  # no second COUNT(*) over 150,000 rows
    readonly_fields = [
        "number",
        "receipt_code",
        "campaign",
        "channel",
        "activity",
        "status",
        "unit",
        "merged_into",
        "answer",
        "plus_ones",
        "submitted_at",
        "submitted_by",
        "anonymous",
        "submitter_name",
        "phone",
    ]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset & visible_suggestions(request.user)

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset & changeable_suggestions(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Whether the phone may be shown, in the same query as the rows.
        may_call = changeable_suggestions(request.user).filter(pk=OuterRef("pk"))
        return super().get_queryset(request).annotate(phone_visible=Exists(may_call))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Routing, decisions and answers go through the screening pages, which record
        # each in the audit log; here only corrections of what was written.
        editable = ["title", "text", "topic", "category"]
        return [*self.readonly_fields, *editable]

    def save_model(self, request: HttpRequest, obj: Suggestion, form: Any, change: bool) -> None:
        # A new topic goes through the service, like on the suggestion's page: it is a
        # label for the topic model and an entry in the history.
        if not (change and "topic" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        topic, obj.topic_id = obj.topic, form.initial.get("topic")
        super().save_model(request, obj, form, change)
        suggestion_set_topic(suggestion=obj, topic=topic, actor=signed_in_user(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name in {"topic", "category"}:
            kwargs["queryset"] = db_field.related_model.objects.filter(
                campaign__in=visible_campaigns(request.user)
            ).select_related("campaign")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("内容"))
    def short_text(self, obj: Suggestion) -> str:
        return obj.title or obj.text[:40]

    @admin.display(description=_("手机号"))
    def phone(self, obj: Suggestion) -> str:
        # `phone_visible` comes from get_queryset (list and change form alike); anything
        # loaded another way shows the masked number.
        if getattr(obj, "phone_visible", False):
            return obj.submitter_phone
        return mask_phone(obj.submitter_phone)
