"""A writer's one essay: saved as a draft (each save replaces the draft) or handed
in (final); the office marks handed-in essays excellent or sends one back. Uploads
pass the rectification evidence checks (`evidence_prepare`), then Word (.docx) or
PDF only."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.core import clock
from zhongzhi.essays.models import Essay, EssayAssignment, EssayState
from zhongzhi.essays.services.common import check_office, delete_file
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.services import notify_many
from zhongzhi.org.models import User
from zhongzhi.rectification.services.common import required_text
from zhongzhi.rectification.services.evidence import (
    EvidenceRefused,
    PreparedEvidence,
    evidence_prepare,
)

ESSAY_FILE_TYPES = frozenset({"docx", "pdf"})
MAX_TEXT = 20_000


def prepare_upload(upload: File) -> PreparedEvidence:
    """The rectification evidence checks (content, size), then Word (.docx) or PDF
    only."""
    try:
        (prepared,) = evidence_prepare([upload])
    except EvidenceRefused as refused:
        raise ValidationError({"file": refused.messages}) from None
    if prepared.type.key not in ESSAY_FILE_TYPES:
        hint = _("请在 Word 中“另存为”.docx 格式后再上传。") if prepared.type.key == "doc" else ""
        raise ValidationError(
            {
                "file": _("“%(name)s”是%(badge)s文件。心得体会只能上传 Word（.docx）或 PDF 文件。")
                % {"name": prepared.name, "badge": prepared.type.badge}
                + hint
            }
        )
    return prepared


def essay_save(
    *,
    assignment: EssayAssignment,
    actor: User,
    title: str,
    text: str = "",
    upload: File | None = None,
    submit: bool = False,
) -> Essay:
    """Save the writer's essay as a draft (replacing the draft before) or hand it in.
    Handed in is final: a second hand-in, or a save after it, is refused. The upload
    is read and checked first, outside the transaction (no lock held meanwhile)."""
    if actor.pk != assignment.writer_id:
        raise ValidationError(_("只能由撰写人本人提交心得体会。"))
    prepared = prepare_upload(upload) if upload is not None else None
    return _essay_save(
        assignment=assignment, actor=actor, title=title, text=text, prepared=prepared, submit=submit
    )


@transaction.atomic
def _essay_save(
    *,
    assignment: EssayAssignment,
    actor: User,
    title: str,
    text: str,
    prepared: PreparedEvidence | None,
    submit: bool,
) -> Essay:
    # One at a time per writer: two tabs handing in at once get one essay and a message.
    locked = (
        EssayAssignment.objects.select_for_update().select_related("campaign").get(pk=assignment.pk)
    )
    essay = Essay.objects.filter(assignment=locked).first()
    if essay is not None and essay.submitted:
        assert essay.submitted_at is not None
        raise ValidationError(
            _(
                "您已于 %(at)s 提交心得体会。每人只交一篇，提交后不能再次提交或修改；"
                "如需更正，请联系活动办公室退回。"
            )
            % {"at": f"{timezone.localtime(essay.submitted_at):%Y-%m-%d %H:%M}"}
        )
    title = required_text("title", title, 120, _("请填写心得体会的题目。"))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {
                "text": _("正文最长 %(n)d 字，现在有 %(count)d 字。")
                % {"n": MAX_TEXT, "count": len(text)}
            }
        )
    has_file = prepared is not None or (essay is not None and bool(essay.file))
    if submit and not text and not has_file:
        raise ValidationError({"text": _("请在线撰写正文，或上传 Word / PDF 文件后再提交。")})
    now = timezone.now()
    if essay is None:
        essay = Essay(assignment=locked)
    old_file = essay.file.name if prepared is not None and essay.file else ""
    essay.title, essay.text, essay.saved_at = title, text, now
    if prepared is not None:
        essay.file.save(
            f"{uuid.uuid4().hex}{prepared.type.extension}", ContentFile(prepared.data), save=False
        )
        essay.file_name = prepared.name
        essay.file_content_type = prepared.type.content_type
        essay.file_size = len(prepared.data)
    if submit:
        essay.state, essay.submitted_at = EssayState.SUBMITTED, now
        essay.return_note = ""
        essay.submitted_on = clock.today()
    new_file = essay.file.name if prepared is not None else ""
    try:
        with transaction.atomic():
            essay.save()
            if submit:
                audit_record(
                    action=AuditAction.ESSAY_SUBMIT,
                    target=essay,
                    actor=actor,
                    campaign=locked.campaign,
                    unit=locked.unit,
                    after={
                        "title": title,
                        "file": essay.file_name,
                        "late": essay.late,
                    },
                )
    except Exception:
        if new_file:
            delete_file(new_file)
        raise
    if old_file:
        transaction.on_commit(lambda: delete_file(old_file))
    return essay


@transaction.atomic
def essay_mark_excellent(
    *, essay: Essay, actor: User, excellent: bool = True, note: str = ""
) -> Essay:
    """The office marks a handed-in essay excellent (for the briefing), or takes the
    mark back."""
    locked = (
        Essay.objects.select_for_update()
        .select_related("assignment__campaign", "assignment__unit")
        .get(pk=essay.pk)
    )
    campaign = locked.assignment.campaign
    check_office(actor, campaign)
    if not locked.submitted:
        raise ValidationError(_("心得体会还没有提交，不能评为优秀。"))
    if locked.excellent == excellent:
        return locked
    before = {"excellent": locked.excellent}
    locked.excellent = excellent
    locked.marked_by, locked.marked_at = (actor, timezone.now()) if excellent else (None, None)
    locked.save(update_fields=["excellent", "marked_by", "marked_at"])
    audit_record(
        action=AuditAction.ESSAY_EXCELLENT,
        target=locked,
        actor=actor,
        campaign=campaign,
        unit=locked.assignment.unit,
        before=before,
        after={"excellent": excellent},
        note=(note or "").strip()[:500],
    )
    return locked


@transaction.atomic
def essay_return(*, essay: Essay, actor: User, note: str) -> Essay:
    """The office sends a handed-in essay back (退回修改): it is the writer's draft
    again — still the one essay — and the writer is told why. The only way a
    handed-in essay changes."""
    locked = (
        Essay.objects.select_for_update()
        .select_related("assignment__campaign", "assignment__unit", "assignment__writer")
        .get(pk=essay.pk)
    )
    assignment = locked.assignment
    check_office(actor, assignment.campaign)
    if not locked.submitted:
        raise ValidationError(_("心得体会还没有提交，不需要退回。"))
    note = (note or "").strip()[:500]
    if not note:
        raise ValidationError({"note": _("退回时请写明原因，便于撰写人修改后重新提交。")})
    before = {"state": locked.state, "excellent": locked.excellent}
    locked.state, locked.submitted_at, locked.submitted_on = EssayState.DRAFT, None, None
    locked.return_note = note
    locked.excellent, locked.marked_by, locked.marked_at = False, None, None
    locked.save()
    audit_record(
        action=AuditAction.ESSAY_RETURN,
        target=locked,
        actor=actor,
        campaign=assignment.campaign,
        unit=assignment.unit,
        before=before,
        after={"state": locked.state},
        note=note,
    )
    notify_many(
        [assignment.writer],
        kind=NotificationKind.ESSAY,
        text=_("您的心得体会“%(title)s”被退回修改：%(note)s")
        % {"title": locked.title, "note": note},
        url=reverse("essays:mine", args=[assignment.campaign_id]),
    )
    return locked
