"""Forms of ratings: the resident's on the receipt page, the staff list's filters and
the second-look result. They only parse: ``services.ratings`` checks, so that the
receipt page and the API give the same Chinese messages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.forms import UnitChoiceField
from zhongzhi.org.access import AnyUser, visible_units
from zhongzhi.org.models import Unit
from zhongzhi.rectification.models import RatingLevel
from zhongzhi.rectification.selectors_ratings import RatingFilters
from zhongzhi.rectification.services.ratings import COMMENT_LIMIT, RESULT_LIMIT


class PublicRatingForm(forms.Form):
    # Sent by the button pressed: 满意, 基本满意 or 不满意.
    level = forms.CharField(required=False)
    comment = forms.CharField(
        label=_("还想说点什么？（可不填）"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": COMMENT_LIMIT,
                "placeholder": _("比如：哪里办得好，还有什么没解决。"),
            }
        ),
    )

    @staticmethod
    def levels() -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in RatingLevel.choices]


class RatingFilterForm(forms.Form):
    unit = UnitChoiceField(label=_("答复单位"), queryset=Unit.objects.none(), required=False)
    level = forms.ChoiceField(
        label=_("满意度"),
        choices=[("", _("全部")), *RatingLevel.choices],
        required=False,
    )

    def __init__(self, *args: Any, user: AnyUser, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = (
            visible_units(user).filter(path__startswith=campaign.owner_unit.path).order_by("path")
        )
        unit_field.empty_label = _("全部单位")

    def filters(self) -> RatingFilters:
        """The filters chosen; an invalid choice is dropped rather than refused."""
        data = self.cleaned_data if self.is_valid() else {}
        return RatingFilters(
            campaign=self.campaign, unit=data.get("unit"), level=data.get("level") or ""
        )


class SecondLookForm(forms.Form):
    result = forms.CharField(
        label=_("回访情况"),
        required=False,  # the service says "请填写回访情况。"
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": RESULT_LIMIT,
                "placeholder": _("回访了谁、怎么说的、后续怎么办。"),
            }
        ),
    )
