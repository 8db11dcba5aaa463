"""Measure transitions, progress and extensions.

``TRANSITIONS`` is the one place that says which transition moves a measure from which
state to which, and who may make it (a predicate of ``rectification.access``). Every
transition is checked against the measure's current state and version inside one
transaction (two people verifying the same measure: the second gets a ``Conflict``)
and is one audit entry.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.intake.models import MAX_TEXT_LENGTH
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.selectors import coordinators_of
from zhongzhi.notifications.services import notify, notify_many
from zhongzhi.org.access import AnyUser
from zhongzhi.org.models import User
from zhongzhi.rectification import access
from zhongzhi.rectification.models import (
    OPEN_MEASURE_STATES,
    DueState,
    EscalationLevel,
    Evidence,
    ExtensionRequest,
    ExtensionState,
    Measure,
    MeasureState,
    ProgressUpdate,
)
from zhongzhi.rectification.services.common import check_deadline, required_text
from zhongzhi.rectification.services.evidence import (
    evidence_discard,
    evidence_prepare,
    evidence_store,
)
from zhongzhi.rectification.services.problems import needs_answer, problem_refresh
from zhongzhi.screening.services.common import Conflict

M = MeasureState


@dataclass(frozen=True)
class Transition:
    key: str
    label: object  # lazy text
    to_state: str
    allowed_from: frozenset[str]
    may: Callable[[AnyUser, Measure], bool]
    # Said when someone in scope but without the right tries it.
    refused: object
    action: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.key: t
    for t in [
        Transition(
            "start",
            gettext_lazy("开始整改"),
            M.IN_PROGRESS,
            frozenset({M.PLANNED}),
            access.is_owner_of,
            gettext_lazy("只有责任单位可以开始整改。"),
            AuditAction.MEASURE_START,
        ),
        Transition(
            "done",
            gettext_lazy("报完成"),
            M.DONE,
            frozenset(OPEN_MEASURE_STATES),
            access.is_owner_of,
            gettext_lazy("只有责任单位可以报完成。"),
            AuditAction.MEASURE_DONE,
        ),
        Transition(
            "verify",
            gettext_lazy("核验通过"),
            M.VERIFIED,
            frozenset({M.DONE}),
            access.is_verifier_of,
            gettext_lazy("核验由活动办公室或责任单位的督导组进行，不能核验本单位的整改措施。"),
            AuditAction.MEASURE_VERIFY,
        ),
        Transition(
            "send_back",
            gettext_lazy("核验退回"),
            M.SENT_BACK,
            frozenset({M.DONE}),
            access.is_verifier_of,
            gettext_lazy("核验由活动办公室或责任单位的督导组进行，不能核验本单位的整改措施。"),
            AuditAction.MEASURE_SEND_BACK,
            needs_reason=True,
        ),
        Transition(
            "cancel",
            gettext_lazy("取消措施"),
            M.CANCELLED,
            frozenset({*OPEN_MEASURE_STATES, M.DONE}),
            access.is_campaign_office_of,
            gettext_lazy("只有活动办公室可以取消整改措施。"),
            AuditAction.MEASURE_CANCEL,
            needs_reason=True,
        ),
    ]
}


def transitions_for(user: AnyUser, measure: Measure) -> list[Transition]:
    """What this user may do to the measure now: the buttons on its page."""
    return [
        t for t in TRANSITIONS.values() if measure.state in t.allowed_from and t.may(user, measure)
    ]


def _locked(measure_id: int, version: int | None, *, lock: bool = True) -> Measure:
    measures = Measure.objects.select_for_update(of=("self",)) if lock else Measure.objects
    measure = measures.select_related("problem", "campaign__owner_unit", "owner_unit").get(
        pk=measure_id
    )
    if version is not None and version != measure.version:
        raise Conflict(
            _(
                "整改措施 %(code)s 刚刚已被其他人处理过（现在是“%(state)s”）。"
                "页面已更新，请看过最新情况后再操作。"
            )
            % {"code": measure.code, "state": measure.get_state_display()}
        )
    return measure


@transaction.atomic
def measure_transition(
    *,
    measure: Measure,
    key: str,
    actor: User,
    version: int | None = None,
    reason: str = "",
    answer: str = "",
) -> Measure:
    """Make transition ``key``; ``answer`` is the reply to the residents, needed when
    verifying the last open measure of a problem that came from their suggestions."""
    spec = TRANSITIONS.get(key)
    if spec is None:
        raise ValidationError(_("未知的操作。"))
    locked = _locked(measure.pk, version)
    if locked.state not in spec.allowed_from:
        raise ValidationError(
            _("整改措施已是“%(state)s”，不能%(action)s。")
            % {"state": locked.get_state_display(), "action": spec.label}
        )
    if not spec.may(actor, locked):
        raise ValidationError(str(spec.refused))
    reason = required_text("reason", reason, 500, _("请填写原因。")) if spec.needs_reason else ""
    answer = (answer or "").strip()[:MAX_TEXT_LENGTH]
    problem = locked.problem
    closes = (
        spec.to_state in (M.VERIFIED, M.CANCELLED)
        and not problem.measures.exclude(pk=locked.pk)
        .exclude(state__in=(M.VERIFIED, M.CANCELLED))
        .exists()
    )
    if key == "verify" and closes and needs_answer(problem) and not answer:
        raise ValidationError(
            {"answer": _("这是该问题最后一项措施，核验后问题销号：请填写给提出建议群众的答复。")}
        )
    before = {"state": locked.state}
    now = timezone.now()
    locked.state = spec.to_state
    locked.state_reason = reason
    locked.updated_at = now
    locked.version = F("version") + 1  # type: ignore[assignment]
    fields = ["state", "state_reason", "updated_at", "version"]
    if spec.to_state == M.DONE:
        locked.done_by, locked.done_at, locked.percent = actor, now, 100
        fields += ["done_by", "done_at", "percent"]
    if spec.to_state == M.VERIFIED:
        locked.verified_by, locked.verified_at = actor, now
        fields += ["verified_by", "verified_at"]
    if spec.to_state not in OPEN_MEASURE_STATES:
        # Finished work is neither due nor escalated any more.
        locked.due_state, locked.escalation = DueState.ON_TIME, EscalationLevel.NONE
        fields += ["due_state", "escalation"]
    locked.save(update_fields=fields)
    locked.refresh_from_db(fields=["version"])
    audit_record(
        action=spec.action,
        target=locked,
        actor=actor,
        campaign=locked.campaign,
        unit=locked.owner_unit,
        before=before,
        after={"state": spec.to_state, **({"reason": reason} if reason else {})},
        note=reason or (answer if key == "verify" else ""),
    )
    problem_refresh(problem, actor=actor, answer=answer)
    if key == "send_back":
        _tell_owners_sent_back(locked, reason)
    return locked


def _tell_owners_sent_back(measure: Measure, reason: str) -> None:
    """The owner unit's coordinators, its responsible person and whoever reported it done."""
    people = [
        *coordinators_of([measure.owner_unit_id]).get(measure.owner_unit_id, []),
        *User.objects.filter(
            pk__in=[measure.responsible_user_id, measure.done_by_id], is_active=True
        ),
    ]
    notify_many(
        people,
        kind=NotificationKind.SENT_BACK,
        text=_("整改措施 %(code)s 核验退回：%(reason)s") % {"code": measure.code, "reason": reason},
        url=reverse("rectification:measure", args=[measure.pk]),
    )


def progress_post(
    *,
    measure: Measure,
    actor: User,
    percent: int | None,
    text: str,
    version: int | None = None,
    evidence: Sequence[File] = (),
) -> ProgressUpdate:
    """An owner's progress update with its evidence files; a measure not yet started is
    started by it. All or nothing: a refused file saves nothing, and files already
    stored are removed when the update then fails.

    The files are checked (photos decoded and shrunk) and stored before the
    transaction starts, so that no lock is held while that runs."""
    # The same checks as under the lock, first without it: a refusal costs no upload.
    _check_progress(_locked(measure.pk, version, lock=False), actor, percent, text)
    prepared = evidence_prepare(evidence)
    stored = evidence_store(prepared, Evidence)
    try:
        return _progress_save(
            measure=measure,
            actor=actor,
            percent=percent,
            text=text,
            version=version,
            evidence=stored,
        )
    except BaseException:
        evidence_discard(stored)
        raise


def _check_progress(measure: Measure, actor: User, percent: int | None, text: str) -> str:
    if not access.is_owner_of(actor, measure):
        raise ValidationError(_("只有责任单位可以报送进展。"))
    if measure.state not in OPEN_MEASURE_STATES:
        raise ValidationError(
            _("整改措施已是“%(state)s”，不能再报送进展。") % {"state": measure.get_state_display()}
        )
    if percent is None or not 0 <= percent <= 100:
        raise ValidationError({"percent": _("完成进度应在 0 到 100 之间。")})
    return required_text("text", text, 2000, _("请填写进展情况。"))


@transaction.atomic
def _progress_save(
    *,
    measure: Measure,
    actor: User,
    percent: int | None,
    text: str,
    version: int | None,
    evidence: list[Evidence],
) -> ProgressUpdate:
    locked = _locked(measure.pk, version)
    text = _check_progress(locked, actor, percent, text)
    assert percent is not None  # checked above
    update = ProgressUpdate.objects.create(measure=locked, author=actor, percent=percent, text=text)
    for item in evidence:
        item.update = update
    Evidence.objects.bulk_create(evidence)
    before = {"state": locked.state, "percent": locked.percent}
    Measure.objects.filter(pk=locked.pk).update(
        percent=percent,
        state=M.IN_PROGRESS,
        state_reason="",
        updated_at=timezone.now(),
        version=F("version") + 1,
    )
    after: dict[str, object] = {"state": M.IN_PROGRESS, "percent": percent}
    if evidence:
        after["evidence"] = [item.original_name for item in evidence]
    audit_record(
        action=AuditAction.MEASURE_PROGRESS,
        target=locked,
        actor=actor,
        campaign=locked.campaign,
        unit=locked.owner_unit,
        before=before,
        after=after,
        note=text[:500],
    )
    problem_refresh(locked.problem, actor=actor)
    return update


@transaction.atomic
def extension_request(
    *,
    measure: Measure,
    actor: User,
    requested_deadline: datetime.date | None,
    reason: str,
) -> ExtensionRequest:
    locked = _locked(measure.pk, None)
    if not access.is_owner_of(actor, locked):
        raise ValidationError(_("只有责任单位可以申请延期。"))
    if locked.state not in OPEN_MEASURE_STATES:
        raise ValidationError(
            _("整改措施已是“%(state)s”，不需要延期。") % {"state": locked.get_state_display()}
        )
    if locked.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError(_("已有一份延期申请在等待审批。"))
    check_deadline(locked.campaign, requested_deadline, "requested_deadline")
    assert requested_deadline is not None  # checked above
    if requested_deadline <= locked.deadline:
        raise ValidationError(
            {
                "requested_deadline": _("申请延至的日期应晚于现在的时限（%(deadline)s）。")
                % {"deadline": f"{locked.deadline:%Y-%m-%d}"}
            }
        )
    reason = required_text("reason", reason, 500, _("请填写申请理由。"))
    request = ExtensionRequest.objects.create(
        measure=locked,
        current_deadline=locked.deadline,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=actor,
    )
    audit_record(
        action=AuditAction.EXTENSION_REQUEST,
        target=locked,
        actor=actor,
        campaign=locked.campaign,
        unit=locked.owner_unit,
        before={"deadline": locked.deadline.isoformat()},
        after={"requested_deadline": requested_deadline.isoformat()},
        note=reason,
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, actor: User, grant: bool, note: str = ""
) -> ExtensionRequest:
    """The office grants (the deadline moves; escalation starts over) or refuses."""
    locked = _locked(request.measure_id, None)
    if not access.is_campaign_office_of(actor, locked):
        raise ValidationError(_("延期申请由活动办公室审批。"))
    pending = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if pending.state != ExtensionState.PENDING:
        raise Conflict(_("这份延期申请已经审批过了。"))
    note = (note or "").strip()[:500]
    if not grant and not note:
        raise ValidationError({"decision_note": _("不同意延期时请写明理由。")})
    pending.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
    pending.decided_by, pending.decided_at, pending.decision_note = actor, timezone.now(), note
    pending.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    before = {"deadline": locked.deadline.isoformat()}
    if grant and locked.state in OPEN_MEASURE_STATES:
        Measure.objects.filter(pk=locked.pk).update(
            deadline=pending.requested_deadline,
            due_state=DueState.ON_TIME,
            escalation=EscalationLevel.NONE,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
    audit_record(
        action=AuditAction.EXTENSION_GRANT if grant else AuditAction.EXTENSION_REFUSE,
        target=locked,
        actor=actor,
        campaign=locked.campaign,
        unit=locked.owner_unit,
        before=before,
        after={"deadline": pending.requested_deadline.isoformat()} if grant else {},
        note=note,
    )
    text = (
        _("整改措施 %(code)s 的延期申请已同意，时限延至 %(deadline)s。")
        if grant
        else _("整改措施 %(code)s 的延期申请未同意：%(note)s")
    ) % {"code": locked.code, "deadline": f"{pending.requested_deadline:%Y-%m-%d}", "note": note}
    notify(
        pending.requested_by,
        kind=NotificationKind.EXTENSION,
        text=text,
        url=reverse("rectification:measure", args=[locked.pk]),
    )
    return pending
