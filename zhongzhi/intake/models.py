"""Suggestions (意见建议 / 金点子) from every channel, with receipt codes and history."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.receipt_codes import format_receipt_code
from zhongzhi.org.models import Unit, User

MAX_TEXT_LENGTH = 5000
MAX_TITLE_LENGTH = 100


class Channel(models.TextChoices):
    ONLINE = "online", _("网上表单")
    API = "api", _("小程序/接口")
    SYMPOSIUM = "symposium", _("座谈会")
    PAPER = "paper", _("意见表导入")
    LETTER = "letter", _("来信")


class SuggestionStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    IN_REVIEW = "in_review", _("办理中")
    DUPLICATE = "duplicate", _("重复")
    INVALID = "invalid", _("无效")
    EXCELLENT = "excellent", _("优秀")
    ADOPTED = "adopted", _("已采纳")
    ANSWERED = "answered", _("已答复")


class Meeting(models.Model):
    """A symposium or forum whose suggestions are recorded on the quick-entry page."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="meetings"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="meetings"
    )
    name = models.CharField(_("会议名称"), max_length=120)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("座谈会")
        verbose_name_plural = _("座谈会")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.held_on}）"


class Suggestion(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="suggestions"
    )
    receipt_code = models.CharField(_("回执号"), max_length=9, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=MAX_TITLE_LENGTH, blank=True)
    text = models.TextField(_("内容"), max_length=MAX_TEXT_LENGTH)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("方面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    category = models.ForeignKey(
        ParticipantCategory,
        verbose_name=_("群体类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("涉及单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        help_text=_("建议涉及或负责办理的单位；决定由谁筛选。"),
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("座谈会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    submitter_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Personal data: shown masked except to roles that must call back; never exported.
    submitter_phone = models.CharField(_("手机号"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.RECEIVED,
        db_index=True,
    )
    answer = models.TextField(_("答复"), blank=True)
    plus_ones = models.PositiveIntegerField(_("附议数"), default=0)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Unique per campaign when given: a retried submission returns the first one.
    idempotency_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    # Set by the background worker once the suggestion is in its campaign's duplicate
    # index (analysis.similarity.index_new_suggestions), so that a submission writes
    # one row and nothing else.
    in_duplicate_index = models.BooleanField(
        _("已进入查重索引"), default=False, db_default=False, editable=False
    )

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="suggestion_unique_idempotency_key",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "submitted_at"]),
            # The worker's queue: small, as it holds only what is not yet indexed.
            models.Index(
                fields=["id"], condition=Q(in_duplicate_index=False), name="suggestion_to_index"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:30]

    @property
    def receipt_code_display(self) -> str:
        return format_receipt_code(self.receipt_code)


class SuggestionEvent(models.Model):
    """One entry of a suggestion's history: who changed its status, when, and why."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("意见建议"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=SuggestionStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=SuggestionStatus.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class PlusOne(models.Model):
    """A resident's "+1" to an existing suggestion, once per browser."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("意见建议"), on_delete=models.CASCADE, related_name="+"
    )
    # A random id kept in a cookie of the resident's browser; nothing personal.
    browser_id = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "browser_id"], name="plus_one_once_per_browser"
            )
        ]

    def __str__(self) -> str:
        return f"+1 · {self.suggestion_id}"
