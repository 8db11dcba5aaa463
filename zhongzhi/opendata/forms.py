from django import forms
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import MAX_TEXT_LENGTH

SHOWN_CHOICES = [
    ("", _("全部已答复")),
    ("unpublished", _("未公开")),
    ("published", _("已公开")),
]


class PublishForm(forms.Form):
    text = forms.CharField(
        label=_("公开的建议内容"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("已自动遮盖电话、身份证号、姓名等个人信息，可再修改；发布时会再检查一遍。"),
    )
    answer = forms.CharField(
        label=_("公开的答复"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )


class OfficeFilterForm(forms.Form):
    """The office list's filters; what does not parse is ignored (all rows)."""

    shown = forms.ChoiceField(label=_("公开情况"), choices=SHOWN_CHOICES, required=False)
    topic = forms.ModelChoiceField(
        label=_("方面"), queryset=Topic.objects.none(), required=False, empty_label=_("全部方面")
    )

    def __init__(self, *args: object, campaign: Campaign, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        topic = self.fields["topic"]
        assert isinstance(topic, forms.ModelChoiceField)
        topic.queryset = Topic.objects.filter(campaign=campaign).order_by("order", "pk")

    def value(self, name: str) -> object:
        return self.cleaned_data.get(name) if self.is_valid() else None
