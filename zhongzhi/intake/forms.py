from collections.abc import Callable
from functools import cached_property
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from zhongzhi.analysis.models import HotIssue
from zhongzhi.campaigns.access import visible_campaigns
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Stage, Topic
from zhongzhi.core.forms import DateInput
from zhongzhi.intake.models import Channel, SuggestionStatus
from zhongzhi.intake.search import MAX_TERM_LENGTH
from zhongzhi.intake.selectors import SuggestionFilters
from zhongzhi.org.access import AnyUser, visible_units
from zhongzhi.org.models import Unit


class CampaignPartChoiceField(forms.ModelChoiceField):
    """A stage, topic or category; named with its campaign when the user sees several."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_campaign: Callable[[], bool] = lambda: False

    def label_from_instance(self, obj: Model) -> str:
        if self.with_campaign():
            return f"{obj.campaign} · {obj}"  # type: ignore[attr-defined]
        return str(obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        assert isinstance(obj, Unit)
        # Indent by depth so that the tree shows in a flat list.
        return "\u3000" * max(obj.depth - 1, 0) + obj.display_name


class SuggestionFilterForm(forms.Form):
    """The staff list's filters, read from the query string (invalid ones are ignored)."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=MAX_TERM_LENGTH,
        widget=forms.TextInput(
            attrs={
                "enterkeyhint": "search",
                "placeholder": _("标题或内容中的字词，或回执号、编号，如：兴安支路"),
            }
        ),
    )
    campaign = forms.ModelChoiceField(
        label=_("活动"), queryset=Campaign.objects.none(), required=False
    )
    stage = CampaignPartChoiceField(label=_("阶段"), queryset=Stage.objects.none(), required=False)
    topic = CampaignPartChoiceField(label=_("方面"), queryset=Topic.objects.none(), required=False)
    category = CampaignPartChoiceField(
        label=_("群体类别"), queryset=ParticipantCategory.objects.none(), required=False
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[("", _("全部渠道")), *Channel.choices], required=False
    )
    unit = UnitChoiceField(label=_("涉及单位"), queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *SuggestionStatus.choices], required=False
    )
    date_from = forms.DateField(label=_("提交日期从"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("至"), required=False, widget=DateInput())
    issue = forms.ModelChoiceField(
        label=_("热点问题"), queryset=HotIssue.objects.none(), required=False
    )
    topic_guess = CampaignPartChoiceField(
        label=_("推测方面"), queryset=Topic.objects.none(), required=False
    )
    min_score = forms.IntegerField(
        label=_("可办性不低于"), min_value=0, max_value=100, required=False
    )
    canonical_only = forms.BooleanField(label=_("重复的只列首条"), required=False)
    to_label = forms.BooleanField(
        label=_("待定方面，最该标注的在前"),
        required=False,
        help_text=_("还没有确定方面的建议，自动分类把握最低的排在前面：先标注这些，分类学得最快。"),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaigns = visible_campaigns(user)
        self._campaigns = campaigns
        fields = self.fields
        fields["campaign"].queryset = campaigns.order_by("-start_date", "pk")  # type: ignore[attr-defined]
        fields["campaign"].empty_label = _("全部活动")  # type: ignore[attr-defined]
        parts = {"stage": Stage, "topic": Topic, "category": ParticipantCategory}
        for name, model in parts.items():
            field = fields[name]
            assert isinstance(field, CampaignPartChoiceField)
            field.queryset = (
                model.objects.filter(campaign__in=campaigns)  # type: ignore[attr-defined]
                .select_related("campaign")
                .order_by("campaign__start_date", "campaign_id", "order", "pk")
            )
            field.empty_label = _("全部")
            field.with_campaign = lambda: self.sees_several_campaigns
        fields["unit"].queryset = visible_units(user).order_by("path")  # type: ignore[attr-defined]
        fields["issue"].queryset = (  # type: ignore[attr-defined]
            HotIssue.objects.filter(campaign__in=campaigns, rank__lte=50).order_by(
                "campaign", "rank"
            )
        )
        fields["issue"].empty_label = _("全部")  # type: ignore[attr-defined]
        topic_guess = fields["topic_guess"]
        assert isinstance(topic_guess, CampaignPartChoiceField)
        topic_guess.queryset = fields["topic"].queryset  # type: ignore[attr-defined]
        topic_guess.empty_label = _("全部")
        topic_guess.with_campaign = lambda: self.sees_several_campaigns
        fields["unit"].empty_label = _("全部单位")  # type: ignore[attr-defined]

    @cached_property
    def sees_several_campaigns(self) -> bool:
        # Asked only while rendering the choices, never for the results alone.
        return self._campaigns.count() > 1

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            # A form-wide error keeps both dates in the filters: a reversed range
            # matches no row, where dropping one date would list the other's half.
            self.add_error(
                None,
                _(
                    "日期范围颠倒了：结束日期 %(end)s 早于开始日期 %(start)s，"
                    "没有列出任何建议；请调换两个日期。"
                )
                % {"start": start.isoformat(), "end": end.isoformat()},
            )
        return data

    def filters(self) -> SuggestionFilters:
        """The valid filters; a field with an error (or an unbound form) filters nothing."""
        if not self.is_bound:
            return SuggestionFilters()
        self.is_valid()
        data = self.cleaned_data
        return SuggestionFilters(
            campaign=data.get("campaign"),
            stage=data.get("stage"),
            topic=data.get("topic"),
            category=data.get("category"),
            channel=data.get("channel") or "",
            unit=data.get("unit"),
            status=data.get("status") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=(data.get("q") or "").strip(),
            issue=data.get("issue"),
            topic_guess=data.get("topic_guess"),
            min_score=data.get("min_score"),
            canonical_only=bool(data.get("canonical_only")),
            to_label=bool(data.get("to_label")),
        )


class SuggestionTopicForm(forms.Form):
    """The topic staff give a suggestion while screening (also a label that teaches the
    campaign's topic model)."""

    topic = forms.ModelChoiceField(
        label=_("方面"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("（未分类）"),
        help_text=_("您选定的方面也会用来训练本活动的自动分类。"),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topic"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Topic.objects.filter(campaign=campaign).order_by("order", "pk")
