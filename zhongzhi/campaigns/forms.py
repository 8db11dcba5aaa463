from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.blueprints import BLUEPRINTS
from zhongzhi.campaigns.models import Campaign, PlanItemStatus, Stage
from zhongzhi.core.forms import DateInput
from zhongzhi.org.models import Unit


def template_choices() -> list[tuple[str, str]]:
    return [(key, blueprint.name) for key, blueprint in BLUEPRINTS.items()]


class CampaignForm(forms.ModelForm):
    templates = forms.MultipleChoiceField(
        label=_("套用模板"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可同时选择一个方面/群体模板和一个阶段方案模板。"),
    )

    class Meta:
        model = Campaign
        fields = ["name", "theme", "slogan", "owner_unit", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, owner_units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owner_units  # type: ignore[attr-defined]
        self.fields["templates"].choices = template_choices()  # type: ignore[attr-defined]


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "start_date", "end_date", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class TopicForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea)
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        help_text=_("用逗号或空格分隔，分流时用于判断建议属于哪个方面。"),
    )

    def clean_keywords(self) -> list[str]:
        raw = self.cleaned_data["keywords"].replace("，", ",").replace("、", ",")
        return [word for part in raw.split(",") for word in part.split() if word]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    description = forms.CharField(label=_("说明"), required=False)


class TemplateApplyForm(forms.Form):
    template = forms.ChoiceField(label=_("模板"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = template_choices()  # type: ignore[attr-defined]


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=PlanItemStatus.choices)
    note = forms.CharField(label=_("进展说明"), required=False, max_length=500)
