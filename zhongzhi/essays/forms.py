"""Forms of the essays pages; the rules are the services'."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from zhongzhi.core.forms import DateInput
from zhongzhi.org.models import Role, Unit


class DueForm(forms.Form):
    due_date = forms.DateField(
        label=gettext_lazy("提交截止日期"), widget=DateInput(), required=False
    )


class FromAccountsForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class EssayForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("题目"), max_length=120, required=False)
    text = forms.CharField(
        label=gettext_lazy("正文（在线撰写）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    file = forms.FileField(
        label=gettext_lazy("或上传文件（Word .docx 或 PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}),
    )


class MarkForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("说明"), max_length=500, required=False)
