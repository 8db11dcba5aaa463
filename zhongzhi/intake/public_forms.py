"""Forms of the residents' pages. They only parse: `suggestion_submit` checks the text
and the phone number, so that the API and these pages give the same Chinese messages.
"""

import re
import secrets

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import MAX_TEXT_LENGTH
from zhongzhi.intake.receipt_codes import EXAMPLE_CODE, explain_receipt_code, parse_receipt_code
from zhongzhi.intake.services import PHONE_ERROR

# Keys of this form carry a prefix so they never meet a key an API client chose.
IDEMPOTENCY_PREFIX = "web:"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


class TopicChoiceField(forms.ModelChoiceField[Topic]):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


class SuggestionForm(forms.Form):
    topic = TopicChoiceField(
        label=_("这条建议是关于哪方面的？（可不选）"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("不确定 / 不选"),
        blank=True,  # RadioSelect shows the empty choice only when told it may be chosen
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("所选方面不存在，请重新选择或不选。")},
    )
    text = forms.CharField(
        label=_("您的意见建议"),
        required=False,  # the service says "请填写建议内容。", the same for every channel
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 7,
                "maxlength": MAX_TEXT_LENGTH,
                "placeholder": _("请写下您发现的问题和建议，简体、繁体都可以。"),
            }
        ),
    )
    submitter_phone = forms.CharField(
        label=_("联系电话（选填）"),
        required=False,
        max_length=30,
        error_messages={"max_length": PHONE_ERROR},
        widget=forms.TextInput(
            attrs={
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": _("手机或固定电话，如 13800138000"),
            }
        ),
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, campaign: Campaign, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's loose signature
        self.fields["topic"].queryset = campaign.topics.order_by("order", "pk")  # type: ignore[attr-defined]  # ModelChoiceField
        # The service refuses control characters with its own message, NUL included;
        # a mangled hidden key is not the resident's fault and is only ignored.
        self.fields["text"].validators = []
        self.fields["idempotency_key"].validators = []
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF: count each as one character.
        text: str = self.cleaned_data.get("text") or ""
        return text.replace("\r\n", "\n")

    def clean_idempotency_key(self) -> str:
        """A key that is not one of ours is ignored (the submission is still taken)."""
        key: str = (self.cleaned_data.get("idempotency_key") or "").strip()
        return IDEMPOTENCY_PREFIX + key if _KEY.match(key) else ""


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label=_("回执号"),
        max_length=40,
        error_messages={
            "required": _("请输入回执号。"),
            "max_length": _("回执号只有 9 位，您输入的太长了。"),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": format_lazy(_("示例：{example}"), example=EXAMPLE_CODE),
            }
        ),
    )

    def clean_code(self) -> str:
        """The canonical code, or which of length, symbols or check symbol is wrong."""
        typed: str = self.cleaned_data["code"]
        problem = explain_receipt_code(typed)
        if problem is not None:
            raise forms.ValidationError(problem, code="invalid")
        return parse_receipt_code(typed) or ""
