"""Suggestions (意见建议 / 金点子) from every channel, with receipt codes and history."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.intake.folding import SearchTextField
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
    """Where screening has got to (screening.services.suggestion_decide moves it)."""

    RECEIVED = "received", _("已收到")
    ACCEPTED = "accepted", _("已受理")
    MERGED = "merged", _("已合并")
    INVALID = "invalid", _("无效")
    EXCELLENT = "excellent", _("优秀金点子")
    ADOPTED = "adopted", _("已采纳")
    NOT_ADOPTED = "not_adopted", _("不予采纳")
    ANSWERED = "answered", _("已答复")


class Suggestion(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="suggestions"
    )
    receipt_code = models.CharField(_("回执号"), max_length=9, unique=True, editable=False)
    # Staff's number for the suggestion (编号): 1, 2, 3 … in each campaign, in the order
    # the suggestions were saved, given in the transaction that saves it
    # (`services.suggestion_numbers_reserve`). The receipt code is the resident's.
    number = models.PositiveIntegerField(_("编号"), editable=False)
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
    # The activity (a symposium, a forum …) where it was said.
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=pgettext_lazy("activity", "活动"),
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
    # Why it was judged invalid or not adopted (screening.DecisionReason's text, kept
    # as written so that editing the list later does not rewrite past decisions).
    status_reason = models.CharField(_("原因"), max_length=200, blank=True)
    # The suggestion this one was merged into (always one that is not merged itself):
    # its answer is this one's answer too.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # Bumped by every screening decision: a decision made on a page showing an older
    # version is refused (two staff deciding the same suggestion at once).
    version = models.PositiveIntegerField(_("版本"), default=0, db_default=0, editable=False)
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
    # Title and text folded for the staff search (intake/folding.py), kept by the field.
    search_text = SearchTextField(_("检索文本"), db_default="")

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="suggestion_unique_idempotency_key",
            ),
            models.UniqueConstraint(fields=["campaign", "number"], name="suggestion_unique_number"),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="suggestion_not_merged_into_itself",
            ),
        ]
        indexes = [
            # The office's to-assign queue (待分派): suggestions no unit has yet. With the
            # status, the queue's count (of those not merged or invalid) reads the index
            # alone instead of every waiting row.
            models.Index(
                fields=["campaign", "submitted_at", "status"],
                condition=Q(unit__isnull=True),
                name="suggestion_to_assign",
            ),
            models.Index(fields=["campaign", "status", "submitted_at"]),
            # A unit's part of a campaign (a coordinator's lists, the 待筛选 count): the
            # scope, the campaign and the status read off the index alone.
            models.Index(fields=["campaign", "unit", "status"], name="suggestion_campaign_unit"),
            # The dashboard's count by topic reads this alone (487 → 19 ms over 151,681
            # suggestions on SQLite); by category, the coverage index below.
            models.Index(fields=["campaign", "topic"], name="suggestion_campaign_topic"),
            # The dashboard's suggestions of a day by channel: a range of this one.
            models.Index(
                fields=["campaign", "submitted_at", "channel"], name="suggestion_campaign_day"
            ),
            # The "7+11" coverage matrix: one grouped count by (category, topic) of a
            # campaign, or of some units of it, read off the index alone.
            models.Index(
                fields=["campaign", "category", "topic", "unit", "status"],
                name="suggestion_coverage",
            ),
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

    @property
    def decided(self) -> bool:
        return self.status not in (SuggestionStatus.RECEIVED, SuggestionStatus.ACCEPTED)


class SuggestionCounter(models.Model):
    """The last 编号 given in a campaign. Its row is updated (and so locked) in the
    transaction that saves the suggestions it numbers: concurrent submissions to a
    campaign take their numbers one after the other, and a rollback gives them back."""

    campaign = models.OneToOneField(
        Campaign, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号计数")
        verbose_name_plural = _("编号计数")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.last_number}"


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
