"""Forms of golden-idea selection. They parse; the services decide what is allowed."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.forms import UnitChoiceField
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.receipt_codes import parse_receipt_code
from zhongzhi.org.models import Unit, User
from zhongzhi.selection.models import DEFAULT_CRITERIA
from zhongzhi.selection.services import MAX_COMMENT, MAX_TOP_N


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        units = "、".join(sorted({m.unit.display_name for m in obj.memberships.all()}))
        return f"{obj}（{units}）" if units else str(obj)


def criteria_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class RoundOpenForm(forms.Form):
    name = forms.CharField(label=_("评选名称"), max_length=100)
    unit = UnitChoiceField(
        label=_("评选范围"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("整个活动"),
        help_text=_("选一个单位，只评选该单位及下级单位的优秀金点子。"),
    )
    criteria = forms.CharField(
        label=_("评分项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="\n".join(DEFAULT_CRITERIA),
        help_text=_("每行一项，评审人对每一项打 1–5 分。"),
    )
    top_n = forms.IntegerField(label=_("入选名额"), min_value=1, max_value=MAX_TOP_N, initial=20)
    reviewers = ReviewerChoiceField(
        label=_("评审人"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields  # ModelChoiceFields: they take a queryset
        fields["unit"].queryset = units
        fields["reviewers"].queryset = candidates.prefetch_related("memberships__unit")

    def criteria_names(self) -> list[str]:
        return criteria_lines(self.cleaned_data.get("criteria", ""))


class RoundUpdateForm(forms.Form):
    name = forms.CharField(label=_("评选名称"), max_length=100)
    top_n = forms.IntegerField(label=_("入选名额"), min_value=1, max_value=MAX_TOP_N)


class CriteriaForm(forms.Form):
    criteria = forms.CharField(
        label=_("评分项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项；评审人开始评分后不能再改。"),
    )

    def criteria_names(self) -> list[str]:
        return criteria_lines(self.cleaned_data.get("criteria", ""))


class ReviewersForm(forms.Form):
    reviewers = ReviewerChoiceField(
        label=_("评审人"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["reviewers"].queryset = candidates.prefetch_related("memberships__unit")


class EntryAddForm(forms.Form):
    receipt_code = forms.CharField(label=_("回执号"), max_length=20)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_receipt_code(self) -> Suggestion:
        raw = self.cleaned_data["receipt_code"].strip()
        code = parse_receipt_code(raw)
        suggestion = (
            Suggestion.objects.filter(campaign=self.campaign, receipt_code=code)
            .select_related("unit")
            .first()
            if code
            else None
        )
        if suggestion is None:
            raise forms.ValidationError(
                _("这个活动里没有回执号为 %(code)s 的建议。") % {"code": raw}
            )
        return suggestion


SCORE_PREFIX = "score-"


class ScoreForm(forms.Form):
    """One idea's scores, posted as ``score-<criterion id>=<1..5>``, and a comment.

    Only the shape is checked here (whole numbers); which criteria and which values
    are allowed is the service's to say (``selection.services.entry_score``).
    """

    comment = forms.CharField(
        label=_("评语"), required=False, max_length=MAX_COMMENT, widget=forms.Textarea
    )

    def values(self) -> dict[int, int]:
        values: dict[int, int] = {}
        for key in self.data:
            if not key.startswith(SCORE_PREFIX):
                continue
            raw = str(self.data[key]).strip()
            if not raw:
                continue
            criterion, value = key.removeprefix(SCORE_PREFIX), raw.lstrip("-")
            if not criterion.isdigit() or not value.isdigit():
                raise forms.ValidationError(_("评分须为 1 到 5 分的整数。"))
            values[int(criterion)] = int(raw)
        return values
