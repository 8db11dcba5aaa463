"""Essays' writes: the list of writers (add, from accounts, remove), the due date,
an essay saved as a draft or handed in (online text or an uploaded Word/PDF file),
the office's excellent marks and its reminders. Each is audited.

One writer, one essay: the assignment is unique per campaign and writer, its essay
is one row (OneToOne). A draft may be saved again and again, each time replacing the
one before (text and file: the page says "替换草稿"); handing in is final, and a second
hand-in is refused with a message, never a second essay — unless the office sends the
essay back (`essay_return`), when it is the writer's draft again (ADR 0004). The office
removing a writer who has handed in is refused too: the essay stays counted.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record, audit_record_many
from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.essays.models import Essay, EssayAssignment, EssaySettings, EssayState
from zhongzhi.essays.selectors import NOT_SUBMITTED
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.services import notify_many
from zhongzhi.org.models import Membership, Unit, User
from zhongzhi.rectification.services.common import lock_campaign, required_text
from zhongzhi.rectification.services.evidence import (
    EvidenceRefused,
    PreparedEvidence,
    evidence_prepare,
)

logger = logging.getLogger(__name__)

ESSAY_FILE_TYPES = frozenset({"docx", "pdf"})
MAX_TEXT = 20_000


def _check_office(actor: User, campaign: Campaign) -> None:
    if not can_manage_campaign(actor, campaign):
        raise ValidationError(_("只有活动办公室可以进行这项操作。"))


def _day(value: datetime.date) -> str:
    return f"{value:%Y-%m-%d}"


def essay_due_date(campaign: Campaign) -> datetime.date:
    """The due date a new assignment takes: the office's, else the campaign's last day."""
    found = EssaySettings.objects.filter(campaign=campaign).first()
    return found.due_date if found else campaign.end_date


def check_due(campaign: Campaign, due_date: datetime.date | None, field: str = "due_date") -> None:
    if due_date is None:
        raise ValidationError({field: _("请填写提交截止日期。")})
    if not campaign.start_date <= due_date <= campaign.end_date:
        raise ValidationError(
            {
                field: _("截止日期须在活动期间（%(start)s 至 %(end)s）。")
                % {"start": _day(campaign.start_date), "end": _day(campaign.end_date)}
            }
        )


@transaction.atomic
def essay_due_set(*, campaign: Campaign, actor: User, due_date: datetime.date | None) -> int:
    """Set the campaign's due date; every assignment that had the old one moves with
    it (one given its own date keeps it). Returns how many moved."""
    _check_office(actor, campaign)
    check_due(campaign, due_date)
    assert due_date is not None
    old = essay_due_date(campaign)
    EssaySettings.objects.update_or_create(campaign=campaign, defaults={"due_date": due_date})
    moved = EssayAssignment.objects.filter(campaign=campaign, due_date=old).update(
        due_date=due_date
    )
    audit_record(
        action=AuditAction.ESSAY_DUE,
        target=campaign,
        actor=actor,
        campaign=campaign,
        before={"due_date": _day(old)},
        after={"due_date": _day(due_date), "moved": moved},
    )
    return moved


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    """Below every database's limit of parameters in one query."""
    return [ids[start : start + size] for start in range(0, len(ids), size)]


@dataclass(frozen=True)
class NewWriter:
    writer: User
    unit: Unit
    due_date: datetime.date | None = None


def writer_problems(campaign: Campaign, writers: Sequence[NewWriter]) -> list[str]:
    """Why each writer cannot write for their unit in the campaign ("" when they can),
    in one query per 500 writers."""
    pairs: set[tuple[int, int]] = set()
    units = list({n.unit.pk for n in writers})
    for chunk in _chunks([n.writer.pk for n in writers]):
        pairs.update(
            Membership.objects.filter(user_id__in=chunk, unit_id__in=units).values_list(
                "user_id", "unit_id"
            )
        )
    problems = []
    for new in writers:
        name = new.writer.full_name or new.writer.username
        if not new.writer.is_active:
            problems.append(_("账号“%(login)s”已停用。") % {"login": new.writer.username})
        elif not campaign.includes_unit(new.unit):
            problems.append(_("“%(unit)s”不是本活动的单位。") % {"unit": new.unit.name})
        elif (new.writer.pk, new.unit.pk) not in pairs:
            problems.append(
                _("“%(name)s”不是%(unit)s的人员。") % {"name": name, "unit": new.unit.name}
            )
        else:
            problems.append("")
    return problems


@dataclass(frozen=True)
class AddResult:
    added: int
    already: int


@transaction.atomic
def assignments_add(*, campaign: Campaign, actor: User, writers: Sequence[NewWriter]) -> AddResult:
    """Put writers on the campaign's list; those already on it stay as they are and
    are counted, never listed twice."""
    _check_office(actor, campaign)
    lock_campaign(campaign)  # two imports at once: one waits, then finds the other's rows
    default_due = essay_due_date(campaign)
    for new, problem in zip(writers, writer_problems(campaign, writers), strict=True):
        if problem:
            raise ValidationError({"writers": problem})
        if new.due_date is not None:
            check_due(campaign, new.due_date, "writers")
    listed: set[int] = set()
    for chunk in _chunks([n.writer.pk for n in writers]):
        listed.update(
            EssayAssignment.objects.filter(campaign=campaign, writer_id__in=chunk).values_list(
                "writer_id", flat=True
            )
        )
    fresh: dict[int, NewWriter] = {}
    for new in writers:
        if new.writer.pk not in listed:
            fresh.setdefault(new.writer.pk, new)
    EssayAssignment.objects.bulk_create(
        [
            EssayAssignment(
                campaign=campaign,
                writer=n.writer,
                unit=n.unit,
                due_date=n.due_date or default_due,
                added_by=actor,
            )
            for n in fresh.values()
        ],
        batch_size=500,
    )
    made = [
        a
        for chunk in _chunks(list(fresh))
        for a in EssayAssignment.objects.filter(
            campaign=campaign, writer_id__in=chunk
        ).select_related("writer", "unit")
    ]
    audit_record_many(
        Entry(
            AuditAction.ESSAY_ASSIGN,
            EssayAssignment,
            actor,
            campaign,
            unit=a.unit,
            after={"writer": a.writer.username, "due_date": _day(a.due_date)},
            target_pk=a.pk,
        )
        for a in made
    )
    return AddResult(added=len(made), already=len(writers) - len(fresh))


def assignments_from_accounts(
    *, campaign: Campaign, actor: User, role: str, units: Iterable[Unit]
) -> AddResult:
    """Everyone who holds ``role`` in one of ``units`` (active accounts), each for the
    first of those units they belong to."""
    chosen = list(units)
    if not chosen:
        raise ValidationError({"units": _("请选择单位。")})
    memberships = (
        Membership.objects.filter(role=role, unit__in=chosen, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    )
    writers: dict[int, NewWriter] = {}
    for m in memberships:
        writers.setdefault(m.user_id, NewWriter(m.user, m.unit))
    if not writers:
        raise ValidationError({"role": _("所选单位中没有担任这一角色的在用账号。")})
    return assignments_add(campaign=campaign, actor=actor, writers=list(writers.values()))


@transaction.atomic
def assignment_remove(*, assignment: EssayAssignment, actor: User) -> None:
    _check_office(actor, assignment.campaign)
    locked = EssayAssignment.objects.select_for_update().get(pk=assignment.pk)
    essay = Essay.objects.filter(assignment=locked).first()
    if essay is not None and essay.submitted:
        raise ValidationError(
            _("%(name)s已提交心得体会，不能从名单中移除。")
            % {"name": locked.writer.full_name or locked.writer.username}
        )
    audit_record(
        action=AuditAction.ESSAY_UNASSIGN,
        target=locked,
        actor=actor,
        campaign=locked.campaign,
        unit=locked.unit,
        before={"writer": locked.writer.username, "draft": essay is not None},
    )
    stored = essay.file.name if essay is not None and essay.file else ""
    locked.delete()
    if stored:
        transaction.on_commit(lambda: _delete_file(stored))


def _delete_file(name: str) -> None:
    try:
        Essay._meta.get_field("file").storage.delete(name)  # type: ignore[attr-defined]
    except Exception:
        logger.exception("could not remove essay file %s", name)


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
            _delete_file(new_file)
        raise
    if old_file:
        transaction.on_commit(lambda: _delete_file(old_file))
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
    _check_office(actor, campaign)
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
    _check_office(actor, assignment.campaign)
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


# The daily sweep reminds a writer who has not handed in this many days before the
# due date, and once more the day after it.
DUE_SOON_DAYS = 3


@transaction.atomic
def essays_remind(*, campaign: Campaign, actor: User) -> int:
    """The office's button: tell everyone on the list who has not handed in (a draft
    is not handed in) through the notification centre."""
    _check_office(actor, campaign)
    pending = EssayAssignment.objects.filter(NOT_SUBMITTED, campaign=campaign)
    return _remind(campaign, list(pending.select_related("writer")), actor, clock.today())


def essays_sweep(today: datetime.date | None = None) -> int:
    """The daily sweep's part (``rectification.tasks.deadlines_daily``): remind those
    not handed in ``DUE_SOON_DAYS`` before their due date and the day after it. A
    second run the same day finds nobody new (``reminded_on``), nor does a day the
    office already pressed the button."""
    day = today or clock.today()
    pending = (
        EssayAssignment.objects.filter(NOT_SUBMITTED)
        .filter(
            Q(due_date=day + datetime.timedelta(days=DUE_SOON_DAYS))
            | Q(due_date=day - datetime.timedelta(days=1))
        )
        .exclude(reminded_on=day)
        .select_related("writer", "campaign")
        .order_by("campaign_id", "pk")
    )
    by_campaign: dict[int, list[EssayAssignment]] = {}
    for a in pending:
        by_campaign.setdefault(a.campaign_id, []).append(a)
    sent = 0
    with transaction.atomic():
        for rows in by_campaign.values():
            sent += _remind(rows[0].campaign, rows, None, day)
    return sent


def _remind(
    campaign: Campaign, pending: list[EssayAssignment], actor: User | None, day: datetime.date
) -> int:
    url = reverse("essays:mine", args=[campaign.pk])
    sent = 0
    for due, group in _by_due(pending).items():
        text = (
            _("请提交心得体会：%(campaign)s，截止日期 %(due)s（已逾期）。")
            if due < day
            else _("请提交心得体会：%(campaign)s，截止日期 %(due)s。")
        ) % {"campaign": campaign.name, "due": _day(due)}
        sent += notify_many(
            [a.writer for a in group], kind=NotificationKind.ESSAY, text=text, url=url
        )
    EssayAssignment.objects.filter(pk__in=[a.pk for a in pending]).update(reminded_on=day)
    audit_record(
        action=AuditAction.ESSAY_REMIND,
        target=campaign,
        actor=actor,
        campaign=campaign,
        after={"reminded": sent},
    )
    return sent


def _by_due(assignments: Iterable[EssayAssignment]) -> dict[datetime.date, list[EssayAssignment]]:
    groups: dict[datetime.date, list[EssayAssignment]] = {}
    for a in assignments:
        groups.setdefault(a.due_date, []).append(a)
    return groups
