"""The resident's rating of an answer (满意度) and the unit's second look (回访).

A rating belongs to the suggestion of the receipt code it was given with, not to the
suggestion that carries the answer: a suggestion merged into another shows the kept
one's answer, and each of the residents behind them rates it once with their own
receipt code (``Rating.suggestion`` is one-to-one). ``Rating.unit`` is the unit that
answered: the unit of the problem the answer came from, or else the unit the answered
suggestion was routed to (the campaign's owner unit when it had none), which is what
the units' assessment counts.

不满意 opens a ``SecondLook`` for that unit; the unit's coordinator or the campaign
office records what they found (``second_look_done``), and the receipt page shows it.
Rate limits are the callers' (the receipt page and the API count per client).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.intake.receipt_codes import explain_receipt_code, parse_receipt_code
from zhongzhi.intake.services import clean_text
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification import access
from zhongzhi.rectification.models import (
    ProblemSuggestion,
    Rating,
    RatingLevel,
    SecondLook,
    SecondLookState,
)
from zhongzhi.rectification.services.common import required_text

COMMENT_LIMIT = 500
RESULT_LIMIT = 2000


class ReceiptNotFound(Exception):
    """No suggestion has this receipt code; ``message`` says why, as the receipt page does."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RatingRefused(Exception):
    """The suggestion cannot be rated now: not answered yet, or rated already."""

    NOT_ANSWERED = "not_answered"
    ALREADY_RATED = "already_rated"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def suggestion_by_receipt(receipt_code: str) -> Suggestion:
    """The suggestion of a receipt code as a resident typed it, or ``ReceiptNotFound``."""
    canonical = parse_receipt_code(receipt_code or "")
    suggestion = (
        Suggestion.objects.select_related("campaign__owner_unit", "unit", "merged_into__unit")
        .filter(receipt_code=canonical)
        .first()
        if canonical
        else None
    )
    if suggestion is None:
        raise ReceiptNotFound(
            explain_receipt_code(receipt_code or "") or _("没有找到这个回执号，请核对后重新输入。")
        )
    return suggestion


def answered_by(suggestion: Suggestion) -> Suggestion | None:
    """The suggestion whose answer this one's receipt shows (itself, or the one it was
    merged into), when it has one."""
    handled = suggestion.merged_into or suggestion
    if handled.status == SuggestionStatus.ANSWERED and handled.answer.strip():
        return handled
    return None


def answering_unit(suggestion: Suggestion, handled: Suggestion) -> Unit:
    """The unit that answered: the problem's, else the answered suggestion's, else the
    campaign's owner unit."""
    link = (
        ProblemSuggestion.objects.select_related("problem__unit").filter(suggestion=handled).first()
    )
    if link is not None:
        return link.problem.unit
    return handled.unit or suggestion.campaign.owner_unit


def _already_rated(suggestion: Suggestion) -> bool:
    return Rating.objects.filter(suggestion=suggestion).exists()


def _already_rated_refusal() -> RatingRefused:
    return RatingRefused(
        RatingRefused.ALREADY_RATED, _("这条建议已经评价过了，每条建议只能评价一次。谢谢您！")
    )


def _clean_level(level: str) -> str:
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("请选择满意、基本满意或不满意。")})
    return level


@transaction.atomic
def rating_submit(*, receipt_code: str, level: str, comment: str = "") -> Rating:
    """The resident's rating of the answer to the suggestion of ``receipt_code``.

    Refused (nothing written) with ``ReceiptNotFound`` for a code that is not one,
    ``RatingRefused`` when there is no answer yet or the suggestion was rated already
    (two submits at once included), ``ValidationError`` for a bad level or comment."""
    suggestion = suggestion_by_receipt(receipt_code)
    level = _clean_level(level)
    comment = clean_text("comment", comment or "", COMMENT_LIMIT, required=False)
    handled = answered_by(suggestion)
    if handled is None:
        raise RatingRefused(RatingRefused.NOT_ANSWERED, _("这条建议还没有答复，答复后才能评价。"))
    # Waits for another rating of the same suggestion (PostgreSQL; SQLite writes are
    # serial anyway), so that the check below sees it.
    Suggestion.objects.select_for_update().filter(pk=suggestion.pk).values_list("pk").first()
    if _already_rated(suggestion):
        raise _already_rated_refusal()
    unit = answering_unit(suggestion, handled)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                suggestion=suggestion,
                campaign=suggestion.campaign,
                unit=unit,
                level=level,
                comment=comment,
            )
    except IntegrityError:
        # Another submit of the same suggestion got in between: the first one counts.
        raise _already_rated_refusal() from None
    after = {"level": level}
    if handled != suggestion:
        after["answered_with"] = handled.receipt_code_display
    label = str(RatingLevel(level).label)
    audit_record(
        action=AuditAction.RATE,
        target=suggestion,
        actor=None,
        campaign=suggestion.campaign,
        unit=unit,
        after=after,
        note=f"{label}：{comment}" if comment else label,
    )
    if level == RatingLevel.DISSATISFIED:
        second_look = SecondLook.objects.create(rating=rating, unit=unit)
        notify_second_look_opened(second_look)
    return rating


def notify_second_look_opened(second_look: SecondLook) -> None:
    """The hook for telling the unit about a second look it owes.

    There is no notification centre yet; when it lands, this is the one place to send
    the unit's coordinators a notification (inside the rating's transaction, so use
    ``transaction.on_commit`` for email)."""


@transaction.atomic
def second_look_done(*, second_look: SecondLook, actor: User, result: str) -> SecondLook:
    """What the unit found on its second look (回访情况), recorded once by the unit's
    coordinator (or one above it) or the campaign office."""
    locked = (
        SecondLook.objects.select_for_update(of=("self",))
        .select_related("rating__suggestion", "rating__campaign", "unit")
        .get(pk=second_look.pk)
    )
    if not access.may_record_second_look(actor, locked):
        raise ValidationError(_("只有回访单位的联络员或活动办公室可以记录回访情况。"))
    if locked.state == SecondLookState.DONE:
        raise ValidationError(_("这次回访已经记录过了。"))
    result = required_text("result", result, RESULT_LIMIT, _("请填写回访情况。"))
    locked.state = SecondLookState.DONE
    locked.result = result
    locked.done_by = actor
    locked.done_at = timezone.now()
    locked.save(update_fields=["state", "result", "done_by", "done_at"])
    audit_record(
        action=AuditAction.SECOND_LOOK,
        target=locked.rating.suggestion,
        actor=actor,
        campaign=locked.rating.campaign,
        unit=locked.unit,
        after={"second_look": SecondLookState.DONE},
        note=result,
    )
    return locked
