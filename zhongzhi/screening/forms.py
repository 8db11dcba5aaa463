from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongzhi.analysis.models import HotIssue
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.forms import UnitChoiceField
from zhongzhi.intake.models import MAX_TEXT_LENGTH, Suggestion
from zhongzhi.intake.receipt_codes import parse_receipt_code
from zhongzhi.intake.search import MAX_TERM_LENGTH
from zhongzhi.intake.selectors import suggestion_number_in
from zhongzhi.org.models import Unit
from zhongzhi.screening.selectors import QueueFilters
from zhongzhi.screening.services.decisions import DECISIONS, Item

TAB_CHOICES = [("todo", _("待筛选")), ("excellent", _("优秀与采纳")), ("done", _("已处理"))]


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string (invalid ones are ignored)."""

    tab = forms.ChoiceField(label=_("列表"), choices=TAB_CHOICES, required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=MAX_TERM_LENGTH)
    unit = UnitChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )
    topic_guess = forms.ModelChoiceField(
        label=_("推测方面"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("全部方面"),
    )
    issue = forms.ModelChoiceField(
        label=_("热点问题"),
        queryset=HotIssue.objects.none(),
        required=False,
        empty_label=_("全部热点"),
    )
    min_score = forms.IntegerField(
        label=_("可办性不低于"), min_value=0, max_value=100, required=False
    )
    each = forms.BooleanField(label=_("重复的逐条列出"), required=False)

    def __init__(self, *args: Any, campaign: Campaign, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        fields: dict[str, Any] = self.fields  # ModelChoiceFields: they take a queryset
        fields["unit"].queryset = units
        fields["topic_guess"].queryset = Topic.objects.filter(campaign=campaign)
        fields["issue"].queryset = HotIssue.objects.filter(campaign=campaign).order_by("rank")[:50]

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return QueueFilters(
            campaign=self.campaign,
            tab=data.get("tab") or "todo",
            unit=data.get("unit"),
            topic_guess=data.get("topic_guess"),
            issue=data.get("issue"),
            min_score=data.get("min_score"),
            q=data.get("q") or "",
            groups=not data.get("each"),
        )


class DecisionForm(forms.Form):
    """A decision on one or more rows. Each row comes as ``item=<id>:<version>``: the
    version the page showed, so that a decision on stale data is refused."""

    decision = forms.ChoiceField(choices=[(key, d.label) for key, d in DECISIONS.items()])
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)
    reply = forms.CharField(
        label=_("答复"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    merge_into = forms.CharField(label=_("合并到（回执号或编号）"), required=False, max_length=20)
    whole_group = forms.BooleanField(label=_("整组处理"), required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def items(self) -> list[Item]:
        items = []
        for raw in self.data.getlist("item"):  # type: ignore[attr-defined]
            pk, _sep, version = str(raw).partition(":")
            if pk.isdigit():
                items.append(Item(int(pk), int(version) if version.isdigit() else None))
        return items

    def clean_merge_into(self) -> Suggestion | None:
        raw = self.cleaned_data.get("merge_into", "").strip()
        if not raw:
            return None
        in_campaign = Suggestion.objects.filter(campaign=self.campaign)
        target = None
        if code := parse_receipt_code(raw):
            target = in_campaign.filter(receipt_code=code).first()
        elif (number := suggestion_number_in(raw)) is not None:
            target = in_campaign.filter(number=number).first()
        if target is None:
            raise forms.ValidationError(
                _("这个活动里没有回执号或编号为 %(code)s 的建议。") % {"code": raw}
            )
        return target

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.items():
            raise forms.ValidationError(_("请先选择要处理的意见建议。"))
        return cleaned


class AssignForm(forms.Form):
    """Assign the chosen rows to one unit, or (``accept=1``) each to its proposed unit."""

    unit = UnitChoiceField(label=_("交办给"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label=_("交办说明"), required=False, max_length=500)
    accept = forms.BooleanField(required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def suggestion_ids(self) -> list[int]:
        return [int(v) for v in self.data.getlist("item") if str(v).isdigit()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.suggestion_ids():
            raise forms.ValidationError(_("请先选择要交办的意见建议。"))
        if not cleaned.get("accept") and cleaned.get("unit") is None:
            self.add_error("unit", _("请选择交办单位。"))
        return cleaned


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500)


class TransferForm(forms.Form):
    unit = UnitChoiceField(label=_("转办给"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("转办说明"), required=False, max_length=500)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ScreeningSetupForm(forms.Form):
    sign_within_days = forms.IntegerField(label=_("签收时限（天）"), min_value=1, max_value=90)
    answer_within_days = forms.IntegerField(label=_("办理时限（天）"), min_value=1, max_value=90)
    invalid_reasons = forms.CharField(
        label=_("无效原因"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("每行一条。")
    )
    not_adopted_reasons = forms.CharField(
        label=_("不予采纳原因"), widget=forms.Textarea(attrs={"rows": 5}), help_text=_("每行一条。")
    )

    def lines(self, name: str) -> list[str]:
        return str(self.cleaned_data.get(name, "")).splitlines()


class ReplyTemplateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("适用决定"),
        choices=[
            (d.to_status, d.label) for d in DECISIONS.values() if d.key not in ("merge", "reopen")
        ],
    )
    title = forms.CharField(label=_("名称"), max_length=60)
    text = forms.CharField(
        label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
