from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.blueprints import BLUEPRINTS
from zhongzhi.campaigns.models import Campaign, PlanItemKind, PlanItemStatus, Stage
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

    def __init__(
        self, *args: Any, offer_to: Campaign | None = None, has_stages: bool = False, **kwargs: Any
    ) -> None:
        """`offer_to`: offer only what that campaign can still take: templates not yet
        applied, and no stage plan once it `has_stages` (they would overlap). The
        service decides in the end (a form opened before another was applied)."""
        super().__init__(*args, **kwargs)
        choices = template_choices()
        if offer_to is not None:
            choices = [
                (key, name)
                for key, name in choices
                if key not in offer_to.applied_templates
                and not (has_stages and BLUEPRINTS[key].stages)
            ]
        self.fields["template"].choices = choices  # type: ignore[attr-defined]


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=PlanItemStatus.choices)
    note = forms.CharField(label=_("进展说明"), required=False, max_length=500)


class PlanItemForm(forms.Form):
    title = forms.CharField(label=_("任务"), max_length=200)
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea)
    stage = forms.ModelChoiceField(
        label=_("阶段"), queryset=Stage.objects.none(), required=False, empty_label=_("全程")
    )
    lead_units = forms.ModelMultipleChoiceField(
        label=_("牵头单位"),
        queryset=Unit.objects.none(),
        help_text=_("可多选：按住 Ctrl（Mac 上按 Command）点选。"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=PlanItemKind.choices)
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    end_date = forms.DateField(
        label=_("完成时限"),
        required=False,
        widget=DateInput(),
        help_text=_("不填则使用所选阶段的日期。"),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = campaign.stages.order_by("order")  # type: ignore[attr-defined]
        self.fields["lead_units"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            path__startswith=campaign.owner_unit.path
        ).order_by("path")
