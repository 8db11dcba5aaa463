"""Screening decisions: valid (受理), merge, invalid, excellent (优秀金点子), adopted,
not adopted, answered directly — one at a time or in bulk, all or nothing.

``DECISIONS`` is the one place that says which decision moves a suggestion from which
status to which; every decision bumps the suggestion's ``version``, and one made on a
page that showed an older version is refused (``Conflict``) instead of overwriting what
a colleague decided a moment before.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record_many
from zhongzhi.campaigns.access import managed_campaigns
from zhongzhi.intake.access import changeable_suggestions
from zhongzhi.intake.models import MAX_TEXT_LENGTH, Suggestion, SuggestionStatus
from zhongzhi.intake.services import clean_text
from zhongzhi.org.models import User
from zhongzhi.screening.models import Assignment, AssignmentState
from zhongzhi.screening.services.common import BulkRefused, Conflict, Refusal

S = SuggestionStatus
UNDECIDED = frozenset({S.RECEIVED, S.ACCEPTED})


@dataclass(frozen=True)
class Decision:
    key: str
    label: object  # lazy text
    to_status: str
    action: str
    allowed_from: frozenset[str]
    needs_reason: bool = False
    needs_reply: bool = False


DECISIONS: dict[str, Decision] = {
    d.key: d
    for d in [
        Decision(
            "accept", gettext_lazy("受理"), S.ACCEPTED, AuditAction.ACCEPT, frozenset({S.RECEIVED})
        ),
        Decision("merge", gettext_lazy("合并"), S.MERGED, AuditAction.MERGE, UNDECIDED),
        Decision(
            "invalid",
            gettext_lazy("无效"),
            S.INVALID,
            AuditAction.INVALID,
            UNDECIDED,
            needs_reason=True,
        ),
        Decision(
            "excellent", gettext_lazy("优秀金点子"), S.EXCELLENT, AuditAction.EXCELLENT, UNDECIDED
        ),
        Decision(
            "adopt", gettext_lazy("采纳"), S.ADOPTED, AuditAction.ADOPT, UNDECIDED | {S.EXCELLENT}
        ),
        Decision(
            "not_adopt",
            gettext_lazy("不予采纳"),
            S.NOT_ADOPTED,
            AuditAction.NOT_ADOPT,
            UNDECIDED | {S.EXCELLENT},
            needs_reason=True,
        ),
        Decision(
            "answer",
            gettext_lazy("直接答复"),
            S.ANSWERED,
            AuditAction.ANSWER,
            UNDECIDED | {S.EXCELLENT, S.ADOPTED, S.NOT_ADOPTED},
            needs_reply=True,
        ),
        Decision(
            "reopen",
            gettext_lazy("重新筛选"),
            S.ACCEPTED,
            AuditAction.REOPEN,
            frozenset({S.INVALID, S.NOT_ADOPTED}),
        ),
    ]
}


@dataclass(frozen=True)
class Item:
    """A suggestion to decide, and the version the deciding page showed (None: any)."""

    suggestion_id: int
    version: int | None = None


def _refusal(suggestion: Suggestion, decision: Decision) -> str | None:
    if suggestion.status not in decision.allowed_from:
        return _("已是“%(status)s”，不能再%(decision)s。") % {
            "status": suggestion.get_status_display(),
            "decision": decision.label,
        }
    return None


def _merge_root(into: Suggestion) -> Suggestion:
    # Merges are kept flat (a merged suggestion's own merged ones move to its root), so
    # one step reaches the suggestion that is kept.
    return into.merged_into or into


@transaction.atomic
def suggestions_decide(
    *,
    decision: str,
    items: Sequence[Item],
    actor: User,
    reason: str = "",
    note: str = "",
    reply: str = "",
    merge_into: Suggestion | None = None,
) -> list[Suggestion]:
    """Decide every item the same way, or none of them.

    Raises ``Conflict`` when a suggestion changed since its page was shown, and
    ``BulkRefused`` (nothing saved) when some may not take this decision; a refused
    row says why. Suggestions outside the actor's scope are refused like missing ones.
    """
    spec = DECISIONS.get(decision)
    if spec is None:
        raise ValidationError(_("未知的筛选决定。"))
    wanted = {item.suggestion_id: item.version for item in items}
    if not wanted:
        raise ValidationError(_("请先选择要处理的意见建议。"))
    reason = clean_text("reason", reason, 200, required=False)
    note = clean_text("note", note, 500, required=False)
    reply = clean_text("reply", reply, MAX_TEXT_LENGTH, required=False)
    if spec.needs_reason and not reason:
        raise ValidationError({"reason": _("请选择或填写原因。")})
    if spec.needs_reply and not reply:
        raise ValidationError({"reply": _("请填写答复内容。")})
    rows = list(
        changeable_suggestions(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=wanted)
        .select_related("campaign", "unit")
        .order_by("pk")
    )
    if len(rows) < len(wanted):
        raise BulkRefused(
            [
                Refusal(
                    "",
                    _("有 %(n)d 条意见建议不存在或不在您的职责范围内。")
                    % {"n": len(wanted) - len(rows)},
                )
            ]
        )
    changed = [s for s in rows if wanted[s.pk] is not None and wanted[s.pk] != s.version]
    if changed:
        raise Conflict(
            _(
                "%(codes)s 刚刚已被其他人处理过（现在是“%(status)s”）。"
                "页面已更新，请看过最新情况后再决定。"
            )
            % {
                "codes": "、".join(s.receipt_code_display for s in changed[:5]),
                "status": changed[0].get_status_display(),
            }
        )
    refusals = [
        Refusal(s.receipt_code_display, why) for s in rows if (why := _refusal(s, spec)) is not None
    ]
    refusals += _unsigned(rows, actor)
    root = None
    if spec.key == "merge":
        root, more = _check_merge(rows, merge_into, actor)
        refusals += more
    if refusals:
        raise BulkRefused(refusals)
    now = timezone.now()
    update: dict[str, object] = {"status": spec.to_status, "version": F("version") + 1}
    if spec.needs_reason or spec.key == "reopen":
        update["status_reason"] = reason
    if spec.needs_reply:
        update["answer"], update["answered_at"] = reply, now
    if root is not None:
        update["merged_into"] = root
    ids = [s.pk for s in rows]
    Suggestion.objects.filter(pk__in=ids).update(**update)
    entries = [
        Entry(
            spec.action,
            s,
            actor,
            s.campaign,
            s.unit,
            before={"status": s.status},
            after={
                "status": spec.to_status,
                **({"reason": reason} if reason else {}),
                **({"merged_into": root.receipt_code_display} if root else {}),
            },
            note=reply or note,
        )
        for s in rows
    ]
    if root is not None:
        _follow_root(rows, root, actor, entries)
    audit_record_many(entries)
    return list(Suggestion.objects.filter(pk__in=ids).order_by("pk"))


def _unsigned(rows: Sequence[Suggestion], actor: User) -> list[Refusal]:
    """A unit decides what it has signed for; the campaign's office may decide anything."""
    pending = set(
        Assignment.objects.filter(
            suggestion__in=[s.pk for s in rows], state=AssignmentState.PENDING
        ).values_list("suggestion_id", flat=True)
    )
    if not pending:
        return []
    managed = set(managed_campaigns(actor).values_list("pk", flat=True))
    return [
        Refusal(s.receipt_code_display, _("还没有签收，请先签收再筛选。"))
        for s in rows
        if s.pk in pending and s.campaign_id not in managed
    ]


def _check_merge(
    rows: Sequence[Suggestion], merge_into: Suggestion | None, actor: User
) -> tuple[Suggestion | None, list[Refusal]]:
    if merge_into is None:
        raise ValidationError({"merge_into": _("请选择要合并到哪一条建议。")})
    target = (
        changeable_suggestions(actor)
        .select_for_update(of=("self",))
        .select_related("merged_into")
        .filter(pk=merge_into.pk)
        .first()
    )
    if target is None:
        raise ValidationError({"merge_into": _("要合并到的建议不存在或不在您的职责范围内。")})
    root = _merge_root(target)
    refusals = []
    for s in rows:
        if s.pk == root.pk:
            refusals.append(Refusal(s.receipt_code_display, _("不能合并到它自己。")))
        elif s.campaign_id != root.campaign_id:
            refusals.append(Refusal(s.receipt_code_display, _("不能合并到另一个活动的建议。")))
    if root.status in (S.INVALID, S.MERGED):
        refusals.append(
            Refusal(
                root.receipt_code_display,
                _("要合并到的建议已是“%(status)s”。") % {"status": root.get_status_display()},
            )
        )
    return root, refusals


def _follow_root(
    rows: Sequence[Suggestion], root: Suggestion, actor: User, entries: list[Entry]
) -> None:
    """The kept suggestion takes over the merged ones' +1s and submitters (each merged
    submitter counts as one more supporter), and whatever had been merged into them."""
    ids = [s.pk for s in rows]
    Suggestion.objects.filter(merged_into__in=ids).update(merged_into=root)
    supporters = sum(s.plus_ones + 1 for s in rows)
    Suggestion.objects.filter(pk=root.pk).update(plus_ones=F("plus_ones") + supporters)
    entries.append(
        Entry(
            AuditAction.MERGED_IN,
            root,
            actor,
            root.campaign,
            root.unit,
            before={"plus_ones": root.plus_ones},
            after={
                "plus_ones": root.plus_ones + supporters,
                "merged": [s.receipt_code_display for s in rows][:50],
            },
            note=_("并入 %(n)d 条建议") % {"n": len(rows)},
        )
    )


def suggestion_decide(
    *,
    suggestion: Suggestion,
    decision: str,
    actor: User,
    version: int | None = None,
    reason: str = "",
    note: str = "",
    reply: str = "",
    merge_into: Suggestion | None = None,
) -> Suggestion:
    """One suggestion's decision (``suggestions_decide`` with one item); a refusal is a
    ValidationError with its reason."""
    try:
        (decided,) = suggestions_decide(
            decision=decision,
            items=[Item(suggestion.pk, version)],
            actor=actor,
            reason=reason,
            note=note,
            reply=reply,
            merge_into=merge_into,
        )
    except BulkRefused as refused:
        raise ValidationError([r.reason for r in refused.refusals]) from None
    return decided
