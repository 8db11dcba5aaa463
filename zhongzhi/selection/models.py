"""Golden-idea selection (金点子评选): rounds, their shortlists, reviewers and scores.

The office opens a ``SelectionRound`` over the excellent ideas (优秀金点子) of a
campaign or of one unit's subtree; they become its ``RoundEntry`` rows (the
shortlist). Named reviewers give each entry a ``Score`` of 1–5 on each of the round's
``Criterion`` rows, and one ``ReviewComment``. Closing the round ranks the entries and
stores the figures on them (rank, mean, spread, number of scores) and marks the top N
``chosen``: a closed round is a record and never changes
(``selection.services``). Each step is an audit entry (zhongzhi.audit).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Unit, User

MIN_SCORE = 1
MAX_SCORE = 5
DEFAULT_CRITERIA = ("创新性", "可行性", "针对性")


class RoundState(models.TextChoices):
    OPEN = "open", _("评选中")
    CLOSED = "closed", _("已结束")


class SelectionRound(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    # The unit whose subtree's excellent ideas the round covers; none: the whole campaign.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("评选范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("评选名称"), max_length=100)
    top_n = models.PositiveSmallIntegerField(_("入选名额"), default=10)
    state = models.CharField(
        _("状态"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN
    )
    reviewers = models.ManyToManyField(
        User, verbose_name=_("评审人"), related_name="selection_rounds", blank=True
    )
    opened_by = models.ForeignKey(
        User, verbose_name=_("发起人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closed_by = models.ForeignKey(
        User,
        verbose_name=_("结束人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("金点子评选")
        verbose_name_plural = _("金点子评选")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(top_n__gte=1),
                name="selection_round_top_n_positive",
                violation_error_message=_("入选名额至少为 1。"),
            ),
            # Closed exactly when it has a closing time.
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True)
                | Q(state="closed", closed_at__isnull=False),
                name="selection_round_closed_at_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN


class Criterion(models.Model):
    """One thing reviewers score (创新性, 可行性, 针对性 …), in the office's order."""

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("评分项"), max_length=30)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="criterion_unique_name_per_round",
                violation_error_message=_("评分项不能重复。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class RoundEntry(models.Model):
    """A shortlisted suggestion; after closing, its place in the ranked list."""

    round = models.ForeignKey(
        SelectionRound, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="entries"
    )
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("金点子"), on_delete=models.PROTECT, related_name="+"
    )
    # Filled in when the round closes (selection.services.round_close), never after.
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    tied = models.BooleanField(_("并列"), default=False)
    mean = models.FloatField(_("平均分"), null=True, blank=True)
    spread = models.FloatField(_("标准差"), null=True, blank=True)
    score_count = models.PositiveIntegerField(_("评分数"), default=0)
    chosen = models.BooleanField(_("入选"), default=False)

    class Meta:
        verbose_name = _("评选条目")
        verbose_name_plural = _("评选条目")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "suggestion"],
                name="round_entry_unique_suggestion",
                violation_error_message=_("这条建议已经在评选名单里了。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.suggestion_id}"


class Score(models.Model):
    """One reviewer's score of one entry on one criterion."""

    entry = models.ForeignKey(
        RoundEntry, verbose_name=_("评选条目"), on_delete=models.CASCADE, related_name="scores"
    )
    reviewer = models.ForeignKey(
        User, verbose_name=_("评审人"), on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("评分项"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("分数"))
    scored_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "reviewer", "criterion"], name="score_unique_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=MIN_SCORE, value__lte=MAX_SCORE),
                name="score_value_1_to_5",
                violation_error_message=_("评分须为 1 到 5 分。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} · {self.criterion_id}: {self.value}"


class ReviewComment(models.Model):
    """A reviewer's one comment on one entry."""

    entry = models.ForeignKey(
        RoundEntry, verbose_name=_("评选条目"), on_delete=models.CASCADE, related_name="comments"
    )
    reviewer = models.ForeignKey(
        User, verbose_name=_("评审人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("评语"), max_length=1000, blank=True)
    saved_at = models.DateTimeField(_("保存时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评语")
        verbose_name_plural = _("评语")
        constraints = [
            models.UniqueConstraint(fields=["entry", "reviewer"], name="review_comment_unique")
        ]

    def __str__(self) -> str:
        return self.text[:30]
