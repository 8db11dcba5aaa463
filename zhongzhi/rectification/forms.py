"""Forms of the rectification pages: the lists' filters (read from the query string;
invalid values are ignored) and the entry forms."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.core.forms import attach_errors
from zhongzhi.intake.forms import UnitChoiceField
from zhongzhi.intake.search import MAX_TERM_LENGTH
from zhongzhi.org.access import AnyUser, visible_units
from zhongzhi.org.models import Unit
from zhongzhi.rectification.forms_evidence import EvidenceField
from zhongzhi.rectification.models import MeasureState, ProblemOrigin, ProblemStatus
from zhongzhi.rectification.selectors import MeasureFilters, ProblemFilters
from zhongzhi.rectification.services.deadlines import check_steps_in_order

DUE_CHOICES = [
    ("", _("全部")),
    ("open", _("未完成")),
    ("due_soon", _("即将到期")),
    ("overdue", _("已逾期")),
    ("listed", _("挂牌督办")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=MAX_TERM_LENGTH)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *ProblemStatus.choices], required=False
    )
    origin = forms.ChoiceField(
        label=_("问题来源"), choices=[("", _("全部来源")), *ProblemOrigin.choices], required=False
    )
    unit = UnitChoiceField(
        label=_("责任单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )
    topic = forms.ModelChoiceField(
        label=_("方面"), queryset=Topic.objects.none(), required=False, empty_label=_("全部方面")
    )

    def __init__(self, *args: Any, campaign: Campaign, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        fields: dict[str, Any] = self.fields
        fields["unit"].queryset = units
        fields["topic"].queryset = Topic.objects.filter(campaign=campaign)

    def filters(self) -> ProblemFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return ProblemFilters(
            campaign=self.campaign,
            status=data.get("status") or "",
            origin=data.get("origin") or "",
            unit=data.get("unit"),
            topic=data.get("topic"),
            q=data.get("q") or "",
        )


class MeasureFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=MAX_TERM_LENGTH)
    state = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *MeasureState.choices], required=False
    )
    due = forms.ChoiceField(label=_("时限"), choices=DUE_CHOICES, required=False)
    owner_unit = UnitChoiceField(
        label=_("责任单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )
    escalated = forms.BooleanField(label=_("只看督办中的"), required=False)
    deadline_from = forms.DateField(label=_("时限从"), required=False, widget=DateInput)
    deadline_to = forms.DateField(label=_("到"), required=False, widget=DateInput)

    def __init__(self, *args: Any, campaign: Campaign, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        fields: dict[str, Any] = self.fields
        fields["owner_unit"].queryset = units

    def filters(self) -> MeasureFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return MeasureFilters(
            campaign=self.campaign,
            state=data.get("state") or "",
            due=data.get("due") or "",
            owner_unit=data.get("owner_unit"),
            escalated=bool(data.get("escalated")),
            deadline_from=data.get("deadline_from"),
            deadline_to=data.get("deadline_to"),
            q=data.get("q") or "",
        )


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=120)
    description = forms.CharField(label=_("问题描述"), max_length=4000, widget=forms.Textarea)
    unit = UnitChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    topic = forms.ModelChoiceField(
        label=_("方面"), queryset=Topic.objects.none(), required=False, empty_label=_("不选")
    )

    def __init__(self, *args: Any, campaign: Campaign, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["unit"].queryset = units
        fields["topic"].queryset = Topic.objects.filter(campaign=campaign)


class MeasureForm(forms.Form):
    text = forms.CharField(
        label=_("整改措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_unit = UnitChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    responsible_person = forms.CharField(label=_("责任人"), max_length=50)
    deadline = forms.DateField(label=_("完成时限"), widget=DateInput)
    expected_result = forms.CharField(label=_("预期效果"), max_length=500, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["owner_unit"].queryset = units


class TransitionForm(forms.Form):
    key = forms.CharField(max_length=20)
    version = forms.IntegerField(min_value=0)
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)
    answer = forms.CharField(
        label=_("给群众的答复"), max_length=4000, required=False, widget=forms.Textarea
    )


class ProgressForm(forms.Form):
    version = forms.IntegerField(min_value=0)
    evidence = EvidenceField()
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("进展情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label=_("申请延至"), widget=DateInput)
    reason = forms.CharField(label=_("申请理由"), max_length=500)


class ExtensionDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        choices=[("1", _("同意延期")), ("0", _("不同意"))], coerce=lambda v: v == "1"
    )
    decision_note = forms.CharField(label=_("审批意见"), max_length=500, required=False)


def parse_ids(raw: str) -> list[int]:
    """ "12,15,20" from a link to the new-problem page; anything else is dropped."""
    return [int(part) for part in raw.split(",") if part.strip().isdigit()][:500]


# --- the lists' filters from a query string, for callers without a form on the page -----


def filter_units(user: AnyUser, campaign: Campaign) -> QuerySet[Unit]:
    """The units a list's unit filter offers: those the user sees in the campaign."""
    return visible_units(user).filter(path__startswith=campaign.owner_unit.path)


def measure_filters_from(query: QueryDict, campaign: Campaign, user: AnyUser) -> MeasureFilters:
    """The measure list's filters as its page reads them (the ledger and its job)."""
    form = MeasureFilterForm(query or None, campaign=campaign, units=filter_units(user, campaign))
    return form.filters()


def problem_filters_from(query: QueryDict, campaign: Campaign, user: AnyUser) -> ProblemFilters:
    form = ProblemFilterForm(query or None, campaign=campaign, units=filter_units(user, campaign))
    return form.filters()


class DeadlineSettingsForm(forms.Form):
    """The office's deadline rules; the escalation steps must come in order."""

    due_soon_days = forms.IntegerField(label=_("到期前几天提醒"), min_value=0, max_value=60)
    remind_after_days = forms.IntegerField(label=_("逾期几天催办"), min_value=0, max_value=365)
    supervise_after_days = forms.IntegerField(label=_("逾期几天督办"), min_value=0, max_value=365)
    list_after_days = forms.IntegerField(label=_("逾期几天挂牌督办"), min_value=0, max_value=365)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        steps = [data.get(name) for name in DEADLINE_STEPS]
        if None not in steps:
            try:
                check_steps_in_order(*steps)  # type: ignore[arg-type]  # None excluded above
            except ValidationError as error:
                attach_errors(self, error)
        return data


DEADLINE_STEPS = ("remind_after_days", "supervise_after_days", "list_after_days")
