"""Problems (问题清单) and their rectification measures (整改措施).

A ``Problem`` comes from adopted suggestions (its ``ProblemSuggestion`` rows, one per
suggestion: a suggestion is part of at most one problem), from a unit's own
self-examination (查摆) or, later, from supervision. It has one or more ``Measure``
rows, each with an owner unit, a responsible person and a deadline, that move through
``MeasureState`` by the transitions of ``rectification.services.measures.TRANSITIONS``
and nowhere else. The problem's status follows its measures: it is closed (销号) when
every measure is verified or cancelled. Owners post ``ProgressUpdate`` rows with
``Evidence`` files; an owner may ask for more time (``ExtensionRequest``; the original
deadline stays on the measure); overdue measures are escalated step by step
(``Escalation``, thresholds in ``RectificationSettings``). When the problem closes,
its answer goes to the suggestions behind it, and the resident rates it (``Rating``);
不满意 opens a second look (``SecondLook``). Every step is an audit entry.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Unit, User


class ProblemOrigin(models.TextChoices):
    SUGGESTIONS = "suggestions", _("群众意见建议")
    SELF_EXAMINATION = "self", _("自查查摆")
    SUPERVISION = "supervision", _("督导发现")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待定措施")
    IN_PROGRESS = "in_progress", _("整改中")
    CLOSED = "closed", _("已销号")


class Problem(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    # 问题编号: numbered in the campaign from 1, what ledgers and people quote.
    number = models.PositiveIntegerField(_("问题编号"), editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="problems"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("方面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("问题"), max_length=120)
    description = models.TextField(_("问题描述"), max_length=4000)
    origin = models.CharField(_("问题来源"), max_length=20, choices=ProblemOrigin.choices)
    # The hot issue it was made from, as its label read then (hot-issue ids change
    # with every triage run; the suggestions themselves are linked).
    hot_issue_label = models.CharField(_("来自热点问题"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    # The answer the residents behind it read on their receipt pages once it closes.
    answer = models.TextField(_("答复"), blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("录入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="problem_number_unique")
        ]
        indexes = [models.Index(fields=["unit", "status"], name="problem_unit_status")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ProblemSuggestion(models.Model):
    """A suggestion behind a problem; a suggestion is part of one problem at most."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="sources"
    )
    suggestion = models.OneToOneField(
        Suggestion,
        verbose_name=_("意见建议"),
        on_delete=models.PROTECT,
        related_name="problem_link",
    )

    class Meta:
        verbose_name = _("问题来源建议")
        verbose_name_plural = _("问题来源建议")

    def __str__(self) -> str:
        return f"{self.problem_id} ← {self.suggestion_id}"


class MeasureState(models.TextChoices):
    PLANNED = "planned", _("未开始")
    IN_PROGRESS = "in_progress", _("整改中")
    DONE = "done", _("已完成待核验")
    VERIFIED = "verified", _("已核验")
    SENT_BACK = "sent_back", _("核验退回")
    CANCELLED = "cancelled", _("已取消")


# States in which the measure is still the owner's work (deadlines and escalation apply).
OPEN_MEASURE_STATES = (MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.SENT_BACK)
FINAL_MEASURE_STATES = (MeasureState.VERIFIED, MeasureState.CANCELLED)


class DueState(models.TextChoices):
    ON_TIME = "", _("未到期")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("无")
    REMIND = 1, _("催办")
    SUPERVISE = 2, _("督办")
    LIST = 3, _("挂牌督办")


class Measure(models.Model):
    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="measures"
    )
    # The problem's campaign, kept here for the campaign's measure list and ledger.
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    # 措施序号 within the problem: "3-2" is the second measure of problem 3.
    number = models.PositiveSmallIntegerField(_("措施序号"), editable=False)
    text = models.TextField(_("整改措施"), max_length=2000)
    expected_result = models.CharField(_("预期效果"), max_length=500, blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="measures"
    )
    responsible_person = models.CharField(_("责任人"), max_length=50)
    # The account of the responsible person, when they have one: they post progress.
    responsible_user = models.ForeignKey(
        User,
        verbose_name=_("责任人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("完成时限"))
    # The deadline first set; an extension moves ``deadline`` and leaves this.
    original_deadline = models.DateField(_("原定时限"))
    state = models.CharField(
        _("状态"), max_length=20, choices=MeasureState.choices, default=MeasureState.PLANNED
    )
    # Why it was sent back or cancelled.
    state_reason = models.CharField(_("原因"), max_length=500, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成进度"), default=0)
    due_state = models.CharField(
        _("时限状态"), max_length=20, choices=DueState.choices, default="", blank=True
    )
    escalation = models.PositiveSmallIntegerField(
        _("督办等级"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    done_by = models.ForeignKey(
        User,
        verbose_name=_("报完成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("录入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    # Bumped by every change: a page that showed an older version is refused.
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["problem__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="measure_number_unique"),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="measure_percent_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "deadline", "id"], name="measure_campaign_deadline"),
            models.Index(fields=["owner_unit", "state", "deadline"], name="measure_owner_state"),
            models.Index(
                fields=["deadline"],
                condition=Q(state__in=["planned", "in_progress", "sent_back"]),
                name="measure_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    @property
    def code(self) -> str:
        """What people quote: problem number and measure number, "3-2"."""
        return f"{self.problem.number}-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_MEASURE_STATES

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline

    def days_overdue(self, today: datetime.date) -> int:
        return (today - self.deadline).days if self.is_open and today > self.deadline else 0


class ProgressUpdate(models.Model):
    measure = models.ForeignKey(
        Measure, verbose_name=_("整改措施"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        User, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("填报时间"), default=timezone.now)
    percent = models.PositiveSmallIntegerField(_("完成进度"))
    text = models.TextField(_("进展情况"), max_length=2000)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["measure", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="progress_percent_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.percent}%"


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("照片")
    PDF = "pdf", _("PDF 文件")
    OFFICE = "office", _("Office 文档")


class StoredFile(models.Model):
    """A checked upload (`services.evidence`): stored through Django's storage API (the
    local media folder by default, an S3-compatible store by settings), with a JPEG
    preview of a photo. Measures' evidence and inspections' photos are such files."""

    kind = models.CharField(_("类型"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    # A smaller JPEG of a photo for the page; the original stays for download.
    preview = models.FileField(_("缩略图"), upload_to="evidence/previews/%Y/%m/", blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件格式"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Evidence(StoredFile):
    """A file that shows the work of a progress update."""

    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("整改进展"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["update", "pk"]


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("未同意")


class ExtensionRequest(models.Model):
    """延期申请: the owner asks for a later deadline; the office grants or refuses."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("整改措施"), on_delete=models.CASCADE, related_name="extensions"
    )
    current_deadline = models.DateField(_("申请时的时限"))
    requested_deadline = models.DateField(_("申请延至"))
    reason = models.CharField(_("申请理由"), max_length=500)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    state = models.CharField(
        _("状态"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["measure", "requested_at", "pk"]
        constraints = [
            # One request waits at a time.
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_measure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} → {self.requested_deadline}"


class Escalation(models.Model):
    """One step of escalation of an overdue measure, and who was told."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("整改措施"), on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(_("督办等级"), choices=EscalationLevel.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    # The deadline it was escalated against: a granted extension starts over.
    deadline = models.DateField(_("所依时限"))
    days_overdue = models.PositiveIntegerField(_("逾期天数"))
    notified = models.JSONField(_("通知对象"), default=list, blank=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["measure", "at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "level", "deadline"], name="escalation_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.get_level_display()}"


class RectificationSettings(models.Model):
    """A campaign's deadline rules; the office edits them."""

    campaign = models.OneToOneField(
        Campaign,
        verbose_name=_("活动"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="rectification_settings",
    )
    due_soon_days = models.PositiveSmallIntegerField(_("到期前提醒天数"), default=3)
    remind_after_days = models.PositiveSmallIntegerField(_("逾期几天催办"), default=0)
    supervise_after_days = models.PositiveSmallIntegerField(_("逾期几天督办"), default=3)
    list_after_days = models.PositiveSmallIntegerField(_("逾期几天挂牌督办"), default=7)

    class Meta:
        verbose_name = _("整改时限设置")
        verbose_name_plural = _("整改时限设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_after_days__lte=models.F("supervise_after_days"))
                & Q(supervise_after_days__lte=models.F("list_after_days")),
                name="escalation_steps_in_order",
                violation_error_message=_("催办、督办、挂牌督办的天数应依次不减。"),
            )
        ]

    def __str__(self) -> str:
        return str(self.campaign)


class RatingLevel(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Rating(models.Model):
    """The resident's rating of the answer to their suggestion: once per suggestion."""

    suggestion = models.OneToOneField(
        Suggestion, verbose_name=_("意见建议"), on_delete=models.PROTECT, related_name="rating"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    # The unit that answered: what the units' assessment counts.
    unit = models.ForeignKey(
        Unit, verbose_name=_("答复单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("满意度"), max_length=20, choices=RatingLevel.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        indexes = [models.Index(fields=["campaign", "level"], name="rating_campaign_level")]

    def __str__(self) -> str:
        return f"{self.suggestion_id} {self.get_level_display()}"


class SecondLookState(models.TextChoices):
    OPEN = "open", _("待回访")
    DONE = "done", _("已回访")


class SecondLook(models.Model):
    """回访: a 不满意 rating sends the suggestion back to the unit for a second look."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("满意度评价"), on_delete=models.PROTECT, related_name="second_look"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("回访单位"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=SecondLookState.choices, default=SecondLookState.OPEN
    )
    result = models.TextField(_("回访情况"), max_length=2000, blank=True)
    done_by = models.ForeignKey(
        User,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.get_state_display()}"
