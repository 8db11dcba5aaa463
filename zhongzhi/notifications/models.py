"""Notifications (消息): what the platform tells a person — a suggestion assigned to
their unit, a signature overdue, a measure due soon or escalated, an extension
decided, a measure sent back. Shown in the notification centre (unread count in the
header) and sent by email where the account has an address."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.org.models import User


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("交办")
    SIGN_OVERDUE = "sign_overdue", _("签收超时")
    DEADLINES = "deadlines", _("整改时限提醒")
    EXTENSION = "extension", _("延期审批")
    SENT_BACK = "sent_back", _("核验退回")
    FINDING = "finding", _("督导发现问题")
    ESSAY = "essay", _("心得体会提醒")


class Notification(models.Model):
    recipient = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKind.choices)
    text = models.TextField(_("内容"), max_length=4000)
    # Where it leads: a page of the platform, as a path ("/rectification/…").
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count, on every page.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.get_kind_display()}"
