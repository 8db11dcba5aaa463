"""Forms of the briefing pages; the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.forms import DateInput
from zhongzhi.reports.registry import Heading, Highlight, Period
from zhongzhi.reports.services import briefing_period_checked


class NewBriefingForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("统计起始日期"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("统计截止日期"), widget=DateInput())

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            data["period"] = briefing_period_checked(self.campaign, data["start"], data["end"])
        return data

    @property
    def period(self) -> Period:
        period: Period = self.cleaned_data["period"]
        return period


class BriefingForm(forms.Form):
    issuer = forms.CharField(label=gettext_lazy("编发单位"), max_length=100)
    issue_date = forms.DateField(label=gettext_lazy("日期"), widget=DateInput())
    chosen = forms.MultipleChoiceField(
        label=gettext_lazy("入选典型"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, highlights: list[Highlight], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for heading in Heading:
            self.fields[heading.value] = forms.CharField(
                label=heading.label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        choices = [(h.key, f"{h.kind}：{h.title}") for h in highlights]
        self.fields["chosen"].choices = choices  # type: ignore[attr-defined]

    def texts(self) -> dict[str, str]:
        return {heading.value: self.cleaned_data[heading.value] for heading in Heading}
