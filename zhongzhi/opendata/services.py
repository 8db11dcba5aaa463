"""Writes of open data: publishing an answered suggestion on the campaign's public page
(its text and answer masked, as the office may have edited them) and taking it off
again. Each is an audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.intake.models import MAX_TEXT_LENGTH, Suggestion, SuggestionStatus
from zhongzhi.opendata.masking import mask_text
from zhongzhi.opendata.models import Publication
from zhongzhi.org.models import User


def masked_for_publication(suggestion: Suggestion) -> tuple[str, str]:
    """The suggestion's text and answer as the publish form first offers them."""
    names = [suggestion.submitter_name] if suggestion.submitter_name else []
    return (
        mask_text(suggestion.text, names=names),
        mask_text(suggestion.answer, names=names),
    )


def _check_publishable(suggestion: Suggestion) -> None:
    if suggestion.merged_into_id is not None:
        raise ValidationError(_("这条建议已合并到另一条建议，请公开合并后的那条。"))
    if suggestion.status != SuggestionStatus.ANSWERED or not suggestion.answer.strip():
        raise ValidationError(_("只能公开已答复的建议。"))


@transaction.atomic
def publication_publish(
    *, suggestion: Suggestion, actor: User, text: str, answer: str
) -> Publication:
    """Show the answered `suggestion` on the public page with `text` and `answer` (the
    masked ones, perhaps edited by staff: masked again, so that an edit cannot put a
    phone number back). Publishing a published one replaces what is shown."""
    suggestion = (
        Suggestion.objects.select_for_update().select_related("campaign").get(pk=suggestion.pk)
    )
    _check_publishable(suggestion)
    names = [suggestion.submitter_name] if suggestion.submitter_name else []
    text, answer = mask_text(text.strip(), names=names), mask_text(answer.strip(), names=names)
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("请填写公开的建议内容。")
    if not answer:
        errors["answer"] = _("请填写公开的答复。")
    for field, value in (("text", text), ("answer", answer)):
        if len(value) > MAX_TEXT_LENGTH:
            errors[field] = _("最多 %(max)d 字。") % {"max": MAX_TEXT_LENGTH}
    if errors:
        raise ValidationError(errors)
    before = Publication.objects.filter(suggestion=suggestion).first()
    publication, _created = Publication.objects.update_or_create(
        suggestion=suggestion,
        defaults={
            "campaign": suggestion.campaign,
            "text": text,
            "answer": answer,
            "published_by": actor,
            "published_at": timezone.now(),
        },
    )
    audit_record(
        action=AuditAction.PUBLISH,
        target=suggestion,
        actor=actor,
        campaign=suggestion.campaign,
        unit=None,
        before={"text": before.text, "answer": before.answer} if before else {},
        after={"text": text, "answer": answer},
    )
    return publication


@transaction.atomic
def publication_withdraw(*, suggestion: Suggestion, actor: User) -> None:
    """Take the suggestion off the public page."""
    publication = Publication.objects.select_for_update().filter(suggestion=suggestion).first()
    if publication is None:
        raise ValidationError(_("这条建议没有公开，无需撤回。"))
    audit_record(
        action=AuditAction.UNPUBLISH,
        target=suggestion,
        actor=actor,
        campaign=suggestion.campaign,
        before={"text": publication.text, "answer": publication.answer},
    )
    publication.delete()
