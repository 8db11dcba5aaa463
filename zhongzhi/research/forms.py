"""Forms of the research pages; the rules are the services'."""

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongzhi.org.models import Unit, User
from zhongzhi.research.models import Grade

_MILESTONE_LINE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s+(.+?)\s*$")


class LeadChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj.full_name or obj.username}（{obj.username}）"


class TopicForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("申报单位"), queryset=Unit.objects.none(), required=False
    )
    title = forms.CharField(label=gettext_lazy("课题名称"), max_length=120, required=False)
    question = forms.CharField(
        label=gettext_lazy("研究的问题"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = LeadChoice(
        label=gettext_lazy("课题负责人"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy("由申报单位的负责同志领题。"),
    )
    members = forms.CharField(label=gettext_lazy("课题组成员"), max_length=300, required=False)
    plan = forms.CharField(
        label=gettext_lazy("研究计划"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_result = forms.CharField(
        label=gettext_lazy("预期成果"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    milestones = forms.CharField(
        label=gettext_lazy("进度节点"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-11-01 完成入户调查"}),
        help_text=gettext_lazy("每行一个：日期 节点名称。"),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["lead"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__unit__in=units)
            .distinct()
            .order_by("username")
        )

    def clean_milestones(self) -> list[tuple[str, datetime.date]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _MILESTONE_LINE.match(line)
            try:
                if match is None:
                    raise ValueError
                year, month, day, title = match.groups()
                parsed.append((title, datetime.date(int(year), int(month), int(day))))
            except ValueError:
                raise forms.ValidationError(
                    _("第 %(n)d 行应写成“2026-11-01 完成入户调查”。") % {"n": number}
                ) from None
        return parsed


class StepForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("结题评定"), choices=[("", "—"), *Grade.choices], required=False
    )
    report = forms.FileField(label=gettext_lazy("结题报告（Word 或 PDF）"), required=False)
