"""Open data (公开数据): the answered suggestions the office chose to show on the public
page, each as it was published (masked, and perhaps edited by staff)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import MAX_TEXT_LENGTH, Suggestion
from zhongzhi.org.models import User


class Publication(models.Model):
    """An answered suggestion shown on its campaign's public page. The text and the
    answer are the masked ones as published: later edits of the suggestion do not reach
    the public page until the office publishes it again. Unpublishing deletes the row
    (the audit log keeps that it was shown, by whom and when)."""

    suggestion = models.OneToOneField(
        Suggestion,
        verbose_name=_("意见建议"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    # The suggestion's campaign, kept here for the public page's list.
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("公开的建议内容"), max_length=MAX_TEXT_LENGTH)
    answer = models.TextField(_("公开的答复"), max_length=MAX_TEXT_LENGTH)
    published_by = models.ForeignKey(
        User, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公开的答复")
        verbose_name_plural = _("公开的答复")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The public page: a campaign's publications, newest first.
            models.Index(fields=["campaign", "-published_at", "-id"], name="publication_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.suggestion_id}"
