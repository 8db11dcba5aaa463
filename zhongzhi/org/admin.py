from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.db.models import QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhongzhi.core.admin import ScopedAdmin
from zhongzhi.org import services
from zhongzhi.org.access import changeable_units, is_campaign_office, visible_units
from zhongzhi.org.models import Membership, Unit, User


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "code", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "short_name"]
    fields = ["code", "name", "short_name", "kind", "parent", "sort_order", "places"]
    list_select_related = ["parent"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=visible_units(request.user))

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(pk__in=changeable_units(request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, change, **kwargs)
        # A unit moves only under a unit the user may change, or stays where it is; only a
        # superuser makes a new root.
        parents = changeable_units(request.user)
        if obj is not None and obj.parent_id:
            parents = parents | Unit.objects.filter(pk=obj.parent_id)
        parent_field = form.base_fields["parent"]
        assert isinstance(parent_field, ModelChoiceField)
        parent_field.queryset = parents
        parent_field.required = not request.user.is_superuser
        return form

    def save_model(self, request: HttpRequest, obj: Unit, form: ModelForm, change: bool) -> None:
        # Paths of the subtree are kept by the services, never by a plain save().
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "parent": data["parent"],
            "short_name": data["short_name"],
            "places": data["places"],
        }
        if change:
            services.unit_update(
                unit=obj, code=data["code"], sort_order=data["sort_order"], **fields
            )
        else:
            created = services.unit_create(
                code=data["code"], sort_order=data["sort_order"], **fields
            )
            obj.pk = created.pk


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django 6.1 appends this warning to the help text in English, untranslated.
    usable_password_help_text = format_lazy(  # type: ignore[assignment]  # lazy, as Django's own
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("停用后，该用户现在的密码将丢失。"),
    )


@admin.register(User)
class ScopedUserAdmin(ScopedAdmin, UserAdmin):
    change_password_form = PasswordChangeForm
    list_display = ["username", "full_name", "mobile", "is_active", "must_change_password"]
    search_fields = ["username", "full_name", "mobile"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password", "full_name", "mobile"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "must_change_password", "last_login"]}),
    ]
    readonly_fields = ["last_login"]

    def visible(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(memberships__unit__in=visible_units(request.user)).distinct()

    def changeable(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Accounts are the office's to keep; coordinators create them through the import.
        if not is_campaign_office(request.user):
            return queryset.none()
        return queryset.filter(memberships__unit__in=changeable_units(request.user)).distinct()
