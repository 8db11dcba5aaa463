"""Routing (交办 / 签收 / 退回 / 转办) and screening decisions of suggestions.

A suggestion without a unit waits in the office's to-assign queue. An ``Assignment``
gives it to a unit with a time to sign for it and a time to answer; the unit signs,
sends it back (the suggestion returns to the queue) or passes it on (a new assignment
that points to the one before, so the whole chain is kept). The suggestion's ``unit``
is always the unit of its open assignment, which is what scopes it to that unit's
coordinator. Decisions themselves are the suggestion's status (intake.SuggestionStatus);
every step is an audit entry (zhongzhi.audit).
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.models import Unit, User


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    SIGNED = "signed", _("已签收")
    RETURNED = "returned", _("已退回")
    TRANSFERRED = "transferred", _("已转办")


OPEN_STATES = (AssignmentState.PENDING, AssignmentState.SIGNED)


class Assignment(models.Model):
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("意见建议"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    # The assignment this one continues when a unit passed the suggestion on (转办).
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
    )
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.PENDING,
    )
    note = models.CharField(_("交办说明"), max_length=500, blank=True)
    assigned_by = models.ForeignKey(
        User, verbose_name=_("交办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    sign_deadline = models.DateTimeField(_("签收时限"))
    answer_deadline = models.DateTimeField(_("办理时限"))
    signed_by = models.ForeignKey(
        User,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    # Signed after the sign deadline: counted in the units' assessment.
    signed_late = models.BooleanField(_("超时签收"), default=False)
    # When the daily sweep found it unsigned past its sign deadline and reminded the
    # unit (once: a second day's sweep leaves it).
    sign_reminded_at = models.DateTimeField(_("签收超时提醒时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User,
        verbose_name=_("退回/转办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("退回/转办时间"), null=True, blank=True)
    # The reason for sending it back, or the note passed on with a transfer.
    reason = models.CharField(_("退回原因/转办说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["assigned_at", "pk"]
        constraints = [
            # One unit at a time holds a suggestion.
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(state__in=["pending", "signed"]),
                name="assignment_one_open_per_suggestion",
            )
        ]
        indexes = [
            models.Index(
                fields=["unit", "sign_deadline"],
                condition=Q(state="pending"),
                name="assignment_to_sign",
            ),
            # "Not waiting for a signature", which every queue and count asks of each
            # suggestion: a small index of the pending ones.
            models.Index(
                fields=["campaign", "suggestion"],
                condition=Q(state="pending"),
                name="assignment_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion} → {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def sign_overdue(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.state == AssignmentState.PENDING and (now or timezone.now()) > self.sign_deadline
        )


class RoutingProposal(models.Model):
    """The unit zhongzhi proposes for a suggestion no unit has, and why
    (``screening.services.routing.campaign_routing_proposals``)."""

    suggestion = models.OneToOneField(
        Suggestion,
        verbose_name=_("意见建议"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="routing_proposal",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("推荐单位"), on_delete=models.CASCADE, related_name="+"
    )
    reasons = models.JSONField(_("推荐理由"), default=list)
    confidence = models.FloatField(_("把握"), default=0.0)
    computed_at = models.DateTimeField(_("推荐时间"), default=timezone.now)

    class Meta:
        verbose_name = _("交办推荐")
        verbose_name_plural = _("交办推荐")

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.unit_id}"


class ReasonKind(models.TextChoices):
    INVALID = "invalid", _("无效原因")
    NOT_ADOPTED = "not_adopted", _("不予采纳原因")


class DecisionReason(models.Model):
    """One entry of the office's list of reasons for 无效 and 不予采纳."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ReasonKind.choices)
    text = models.CharField(_("原因"), max_length=200)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("筛选原因")
        verbose_name_plural = _("筛选原因")
        ordering = ["campaign", "kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "text"],
                name="decision_reason_unique_text",
                violation_error_message=_("这个原因已经在列表里了。"),
            )
        ]

    def __str__(self) -> str:
        return self.text


class ReplyTemplate(models.Model):
    """A reply the office wrote once for a kind of decision; staff start from it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("适用决定"), max_length=20, choices=SuggestionStatus.choices)
    title = models.CharField(_("名称"), max_length=60)
    text = models.TextField(_("答复内容"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")
        ordering = ["campaign", "status", "order", "pk"]

    def __str__(self) -> str:
        return self.title
