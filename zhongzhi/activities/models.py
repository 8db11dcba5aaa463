"""Activities (座谈会、论坛、宣讲、学习、调研走访、会议…) of a campaign's units.

An activity belongs to a unit (its organiser) and, where the plan says so, to a stage
and a plan item; it discussed some topics, heard some participant categories (counted
in `ActivityAttendance`), keeps photos and minutes (`ActivityFile`), and the
suggestions it produced point at it (`intake.Suggestion.activity`). Kinds are a small
per-campaign list (`ActivityKind`) so that a campaign template can add its own; each
says which base kind it is.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhongzhi.campaigns.models import Campaign, ParticipantCategory, PlanItem, Stage, Topic
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.models import StoredFile

DEFAULT_MAX_ATTENDANCE = 500


class BaseKind(models.TextChoices):
    SYMPOSIUM = "symposium", _("座谈会")
    FORUM = "forum", _("论坛")
    LECTURE = "lecture", _("宣讲")
    STUDY = "study", _("学习")
    RESEARCH_VISIT = "research_visit", _("调研走访")
    MEETING = "meeting", _("会议")
    OTHER = "other", _("其他")


class ActivityKind(models.Model):
    """活动类型 of one campaign: a name as the campaign calls it, of a base kind."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("大讨论活动"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=30)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    base = models.CharField(_("基本类型"), max_length=20, choices=BaseKind.choices)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="activity_kind_unique_name",
                violation_error_message=_("这个活动已有同名的活动类型。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("大讨论活动"), on_delete=models.CASCADE, related_name="activities"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.ForeignKey(
        ActivityKind, verbose_name=_("活动类型"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("活动名称"), max_length=120)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("阶段"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    plan_item = models.ForeignKey(
        PlanItem,
        verbose_name=_("对应的工作任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("讨论的方面"), blank=True, related_name="activities"
    )
    summary = models.TextField(_("活动情况"), blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("activity", "活动")
        verbose_name_plural = pgettext_lazy("activity", "活动")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "unit", "held_on"], name="activity_campaign_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.held_on}）"


class ActivityAttendance(models.Model):
    """How many of a participant category took part in an activity."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=pgettext_lazy("activity", "活动"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    category = models.ForeignKey(
        ParticipantCategory,
        verbose_name=_("群体类别"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    count = models.PositiveIntegerField(_("人数"))

    class Meta:
        verbose_name = _("参加人数")
        verbose_name_plural = _("参加人数")
        ordering = ["activity", "category__order", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "category"], name="activity_attendance_once"
            ),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="attendance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}: {self.count}"


class FileRole(models.TextChoices):
    PHOTO = "photo", _("活动照片")
    MINUTES = "minutes", _("会议纪要")


class ActivityFile(StoredFile):
    """A photo or the minutes of an activity, checked and stored as rectification's
    evidence is (`rectification.services.evidence`)."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=pgettext_lazy("activity", "活动"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    role = models.CharField(_("用途"), max_length=10, choices=FileRole.choices)
    file = models.FileField(_("文件"), upload_to="activities/%Y/%m/")
    preview = models.FileField(_("缩略图"), upload_to="activities/previews/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("活动材料")
        verbose_name_plural = _("活动材料")
        ordering = ["activity", "role", "pk"]


class ActivitySettings(models.Model):
    """The office's settings of a campaign's activities."""

    campaign = models.OneToOneField(
        Campaign,
        verbose_name=_("大讨论活动"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    max_attendance = models.PositiveIntegerField(
        _("每场活动最多人数"),
        default=DEFAULT_MAX_ATTENDANCE,
        help_text=_("一场活动各类群体参加人数之和不能超过这个数。"),
    )

    class Meta:
        verbose_name = _("活动设置")
        verbose_name_plural = _("活动设置")

    def __str__(self) -> str:
        return str(self.campaign_id)
