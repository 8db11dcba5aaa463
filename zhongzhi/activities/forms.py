"""The activity form (with an attendance count per participant category and the photo
and minutes uploads), the list's filters and the office's settings."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhongzhi.activities.models import ActivityKind, BaseKind
from zhongzhi.campaigns.models import ParticipantCategory, PlanItem, Stage, Topic
from zhongzhi.core.forms import DateInput
from zhongzhi.org.models import Unit
from zhongzhi.rectification.forms_evidence import EvidenceField, MultipleFileInput

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return obj.name


class ActivityForm(forms.Form):
    unit = UnitChoice(label=_("组织单位"), queryset=Unit.objects.none())
    kind = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityKind.objects.none())
    name = forms.CharField(label=_("活动名称"), max_length=120)
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    host = forms.CharField(label=_("主持人"), max_length=50, required=False)
    stage = forms.ModelChoiceField(label=_("阶段"), queryset=Stage.objects.none(), required=False)
    plan_item = forms.ModelChoiceField(
        label=_("对应的工作任务"), queryset=PlanItem.objects.none(), required=False
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("讨论的方面"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("活动情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    photos = EvidenceField(
        label=_("活动照片"),
        help_text=_("JPEG、PNG 或 WEBP 照片，可多选。"),
        widget=MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    minutes = EvidenceField(label=_("会议纪要"), help_text=_("PDF、Word 文档或照片，可多选。"))

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        kinds: list[ActivityKind],
        stages: QuerySet[Stage],
        plan_items: QuerySet[PlanItem],
        topics: QuerySet[Topic],
        categories: list[ParticipantCategory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("unit", units)
        self._set_queryset("kind", ActivityKind.objects.filter(pk__in=[k.pk for k in kinds]))
        self._set_queryset("stage", stages)
        self._set_queryset("plan_item", plan_items)
        self._set_queryset("topics", topics)
        self.categories = categories
        for category in categories:
            self.fields[f"attendance_{category.pk}"] = forms.IntegerField(
                label=category.name,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "style": "width:6rem"}),
                error_messages={"invalid": _("人数请填写整数。")},
            )

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[f"attendance_{c.pk}"] for c in self.categories]

    def main_fields(self) -> list[forms.BoundField]:
        skip = {"photos", "minutes"} | {f"attendance_{c.pk}" for c in self.categories}
        return [self[name] for name in self.fields if name not in skip]

    def attendance(self) -> dict[ParticipantCategory, int]:
        data = self.cleaned_data
        return {
            category: data[f"attendance_{category.pk}"]
            for category in self.categories
            if data.get(f"attendance_{category.pk}") is not None
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "kind": data["kind"],
            "name": data["name"],
            "held_on": data["held_on"],
            "place": data["place"],
            "host": data["host"],
            "stage": data["stage"],
            "plan_item": data["plan_item"],
            "topics": list(data["topics"]),
            "summary": data["summary"],
            "attendance": self.attendance(),
            "photos": data["photos"],
            "minutes": data["minutes"],
        }


class FilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int, required=False, empty_value=None)
    kind = forms.TypedChoiceField(label=_("类型"), coerce=int, required=False, empty_value=None)
    base = forms.ChoiceField(
        label=_("基本类型"), choices=[("", "—"), *BaseKind.choices], required=False
    )
    stage = forms.TypedChoiceField(label=_("阶段"), coerce=int, required=False, empty_value=None)
    plan_item = forms.TypedChoiceField(
        label=_("工作任务"), coerce=int, required=False, empty_value=None
    )
    date_from = forms.DateField(label=_("从"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("到"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        kinds: list[ActivityKind],
        stages: list[Stage],
        plan_items: list[PlanItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        blank: list[tuple[Any, str]] = [("", "—")]
        choices: dict[str, list[tuple[Any, str]]] = {
            "unit": blank + [(u.pk, u.name) for u in units],
            "kind": blank + [(k.pk, k.name) for k in kinds],
            "stage": blank + [(s.pk, s.name) for s in stages],
            "plan_item": blank + [(p.pk, p.title) for p in plan_items],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None

    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        return self.value("date_from"), self.value("date_to")


class SettingsForm(forms.Form):
    max_attendance = forms.IntegerField(
        label=_("每场活动最多人数"),
        help_text=_("一场活动各类群体参加人数之和不能超过这个数。"),
        error_messages={"invalid": _("请填写整数。"), "required": _("请填写每场活动最多人数。")},
    )
