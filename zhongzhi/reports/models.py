"""The Word briefing (工作简报): drafted from the data of a period, edited by the office,
then issued — numbered in its campaign, its docx kept as it was issued, never changed."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.models import User
from zhongzhi.reports.registry import Heading


class BriefingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已签发")


class Briefing(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=BriefingState.choices, default=BriefingState.DRAFT
    )
    # 期号: 1, 2, 3 … in the campaign, given when it is issued.
    number = models.PositiveIntegerField(_("期号"), null=True, blank=True, editable=False)
    period_start = models.DateField(_("统计起始日期"))
    period_end = models.DateField(_("统计截止日期"))
    issuer = models.CharField(_("编发单位"), max_length=100)
    issue_date = models.DateField(_("日期"))
    # Keys of the highlights (`registry.Highlight.key`) the office chose for 典型做法.
    chosen = models.JSONField(_("入选典型"), default=list, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("起草人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        User,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    # The document as issued: what every later download serves.
    docx = models.FileField(_("Word 文件"), upload_to="briefings/%Y/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="briefings/%Y/", blank=True)

    class Meta:
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"],
                condition=Q(number__isnull=False),
                name="briefing_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="briefing_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(state=BriefingState.DRAFT, number__isnull=True)
                | Q(state=BriefingState.ISSUED, number__isnull=False),
                name="briefing_issued_numbered",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return f"{self.campaign.name} {_('工作简报（草稿）')}"
        return f"{self.campaign.name} {_('工作简报')} {self.number}"

    @property
    def issued(self) -> bool:
        return self.state == BriefingState.ISSUED


class BriefingSection(models.Model):
    """One heading's text: drafted from the data, as the office edited it."""

    briefing = models.ForeignKey(
        Briefing, verbose_name=_("工作简报"), on_delete=models.CASCADE, related_name="sections"
    )
    heading = models.CharField(_("栏目"), max_length=20, choices=Heading.choices)
    text = models.TextField(_("内容"), blank=True, max_length=20000)

    class Meta:
        verbose_name = _("简报栏目")
        verbose_name_plural = _("简报栏目")
        constraints = [
            models.UniqueConstraint(fields=["briefing", "heading"], name="briefing_unique_heading")
        ]

    def __str__(self) -> str:
        return self.get_heading_display()
