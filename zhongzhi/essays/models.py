"""Essays (心得体会): the office of a campaign lists who must write one (every cadre at
or above a level: an `EssayAssignment` per writer, with the unit it counts for and a
due date); each writer hands in one essay, written online or uploaded as Word or PDF;
the office marks excellent ones for the briefing.

One essay per writer: an `Essay` is the assignment's one draft until it is handed in.
Saving again replaces the draft (text and file), and says so; once handed in it is
final, and a second hand-in is refused with a message (see `services.essay_save`).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.models import Unit, User


class EssaySettings(models.Model):
    """The due date the office sets for a campaign's essays (the campaign's last day
    until it does); a new assignment takes it unless given its own."""

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="essay_settings"
    )
    due_date = models.DateField(_("提交截止日期"))

    class Meta:
        verbose_name = _("心得体会设置")
        verbose_name_plural = _("心得体会设置")

    def __str__(self) -> str:
        return f"{self.campaign} {self.due_date:%Y-%m-%d}"


class EssayAssignment(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="essay_assignments"
    )
    writer = models.ForeignKey(
        User, verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="essay_assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("提交截止日期"))
    added_by = models.ForeignKey(
        User, verbose_name=_("添加人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("添加时间"), default=timezone.now)
    # The last day a reminder went out (the office's button or the daily sweep).
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("心得体会撰写任务")
        verbose_name_plural = _("心得体会撰写任务")
        ordering = ["campaign", "unit__path", "writer__username"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "writer"], name="essay_one_per_writer")
        ]

    def __str__(self) -> str:
        return f"{self.writer} · {self.campaign}"


class EssayState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class Essay(models.Model):
    assignment = models.OneToOneField(
        EssayAssignment, verbose_name=_("撰写任务"), on_delete=models.CASCADE, related_name="essay"
    )
    title = models.CharField(_("题目"), max_length=120)
    text = models.TextField(_("正文"), blank=True)
    # An uploaded Word or PDF file, checked by its content (`rectification.services.
    # evidence`) and stored through Django's storage API; served only by `views.file`.
    file = models.FileField(_("文件"), upload_to="essays/%Y/%m/", blank=True)
    file_name = models.CharField(_("原文件名"), max_length=100, blank=True)
    file_content_type = models.CharField(_("文件格式"), max_length=100, blank=True)
    file_size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    state = models.CharField(
        _("状态"), max_length=20, choices=EssayState.choices, default=EssayState.DRAFT
    )
    saved_at = models.DateTimeField(_("保存时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # The platform's day of the hand-in (`core.clock.today`), what "late" is judged by.
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    # Why the office sent it back (退回修改), shown to the writer until they hand in again.
    return_note = models.CharField(_("退回原因"), max_length=500, blank=True)
    excellent = models.BooleanField(_("优秀"), default=False)
    marked_by = models.ForeignKey(
        User,
        verbose_name=_("评优人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("评优时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("心得体会")
        verbose_name_plural = _("心得体会")
        ordering = ["assignment"]

    def __str__(self) -> str:
        return self.title

    @property
    def submitted(self) -> bool:
        return self.state == EssayState.SUBMITTED

    @property
    def late(self) -> bool:
        """Handed in after the assignment's due date."""
        return self.submitted_on is not None and self.submitted_on > self.assignment.due_date
