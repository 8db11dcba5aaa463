"""The office's screening setup of a campaign: deadlines, reasons, reply templates."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.services import clean_text
from zhongzhi.screening.models import DecisionReason, ReasonKind, ReplyTemplate

MAX_DAYS = 90


def _reasons(field: str, lines: Sequence[str]) -> list[str]:
    reasons = list(dict.fromkeys(clean_text(field, line, 200, required=False) for line in lines))
    reasons = [reason for reason in reasons if reason]
    if not reasons:
        raise ValidationError({field: _("至少写一条原因。")})
    return reasons


@transaction.atomic
def screening_setup_set(
    *,
    campaign: Campaign,
    sign_within_days: int,
    answer_within_days: int,
    invalid_reasons: Sequence[str],
    not_adopted_reasons: Sequence[str],
) -> None:
    """Replace the campaign's deadlines and reason lists. Past decisions keep the reason
    they were given (``Suggestion.status_reason`` holds the words, not a link)."""
    for field, days in (
        ("sign_within_days", sign_within_days),
        ("answer_within_days", answer_within_days),
    ):
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError({field: _("请填写 1 到 %(max)d 天。") % {"max": MAX_DAYS}})
    if answer_within_days < sign_within_days:
        raise ValidationError({"answer_within_days": _("办理时限不能短于签收时限。")})
    lists = {
        ReasonKind.INVALID: _reasons("invalid_reasons", invalid_reasons),
        ReasonKind.NOT_ADOPTED: _reasons("not_adopted_reasons", not_adopted_reasons),
    }
    Campaign.objects.filter(pk=campaign.pk).update(
        sign_within_days=sign_within_days, answer_within_days=answer_within_days
    )
    campaign.sign_within_days, campaign.answer_within_days = sign_within_days, answer_within_days
    DecisionReason.objects.filter(campaign=campaign).delete()
    DecisionReason.objects.bulk_create(
        DecisionReason(campaign=campaign, kind=kind, text=text, order=order)
        for kind, texts in lists.items()
        for order, text in enumerate(texts)
    )


def reply_template_save(
    *, campaign: Campaign, status: str, title: str, text: str, template: ReplyTemplate | None = None
) -> ReplyTemplate:
    template = template or ReplyTemplate(campaign=campaign)
    if template.campaign_id != campaign.pk:
        raise ValidationError(_("这个答复模板不属于这个活动。"))
    template.status = status
    template.title = clean_text("title", title, 60, required=True)
    template.text = clean_text("text", text, 2000, required=True)
    template.full_clean()
    template.save()
    return template


def reply_template_delete(*, campaign: Campaign, template: ReplyTemplate) -> None:
    if template.campaign_id != campaign.pk:
        raise ValidationError(_("这个答复模板不属于这个活动。"))
    template.delete()
