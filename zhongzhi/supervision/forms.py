"""Forms of the supervision pages; the rules are the services' (they raise the errors
the forms show next to their fields)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, PlanItem
from zhongzhi.core.forms import DateInput
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.forms_evidence import EvidenceField, MultipleFileInput
from zhongzhi.supervision.models import InspectionMethod, SupervisionGroup


def _account_label(user: User) -> str:
    return f"{user.full_name or user.username}（{user.username}）"


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return _account_label(obj)


class AccountsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return _account_label(obj)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("督导组名称"), max_length=50, required=False)
    leader = AccountChoice(label=_("组长"), queryset=User.objects.none(), required=False)
    members = AccountsChoice(
        label=_("组员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "组员可以查看督导单位的意见建议和整改情况，记录督导检查，核验督导发现问题的整改。"
        ),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("督导单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")
        accounts = (
            User.objects.filter(is_active=True, memberships__unit__in=units)
            .distinct()
            .order_by("username")
        )
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["members"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["leader"].queryset = accounts  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, group: SupervisionGroup) -> dict[str, Any]:
        return {
            "name": group.name,
            "leader": group.leader,
            "members": list(group.members.all()),
            "units": list(group.units.all()),
        }


class InspectionForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("被检查单位"), queryset=Unit.objects.none(), required=False
    )
    date = forms.DateField(label=_("检查日期"), required=False, widget=DateInput())
    methods = forms.MultipleChoiceField(
        label=_("检查方式"),
        choices=InspectionMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plan_items = forms.ModelMultipleChoiceField(
        label=_("对照的方案任务"),
        queryset=PlanItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = EvidenceField(
        label=_("检查照片"),
        help_text=_("现场照片，可多选；会自动生成缩略图。"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, group: SupervisionGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = group.units.order_by("path")  # type: ignore[attr-defined]
        items: QuerySet[PlanItem] = PlanItem.objects.filter(campaign=group.campaign)
        self.fields["plan_items"].queryset = items  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=120, required=False)
    description = forms.CharField(
        label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requirement = forms.CharField(
        label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    responsible_person = forms.CharField(
        label=_("责任人"),
        max_length=50,
        required=False,
        help_text=_("不填则为“单位主要负责人”，由单位明确。"),
    )
