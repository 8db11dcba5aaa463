"""A campaign (大讨论活动) and what the office sets up for it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongzhi.org.models import Unit, User


class Campaign(models.Model):
    name = models.CharField(_("活动名称"), max_length=120)
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    slogan = models.CharField(_("口号"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    # Defaults of every assignment (交办): days to sign for it and days to answer it.
    sign_within_days = models.PositiveSmallIntegerField(
        _("签收时限（天）"), default=2, help_text=_("交办后多少天内须签收。")
    )
    answer_within_days = models.PositiveSmallIntegerField(
        _("办理时限（天）"), default=15, help_text=_("交办后多少天内须答复。")
    )
    # Keys of the templates applied, so that one cannot be applied twice.
    applied_templates = models.JSONField(_("已套用模板"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("大讨论活动")
        verbose_name_plural = _("大讨论活动")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="campaign_end_not_before_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def includes_unit(self, unit: Unit) -> bool:
        """Is the unit one of the campaign's: its owner unit or below it?"""
        return unit.path.startswith(self.owner_unit.path)

    def collects_on(self, day: datetime.date) -> bool:
        """Residents' channels (the public page, the public API) take suggestions on the
        campaign's days only; units and staff may still record what they collected."""
        return self.start_date <= day <= self.end_date

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class Stage(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="stage_unique_order"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="stage_end_not_before_start",
                violation_error_message=_("阶段的结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Stages lie within the campaign's dates and never overlap one another."""
        if not (self.start_date and self.end_date and self.campaign_id):
            return
        if self.end_date < self.start_date:
            raise ValidationError({"end_date": _("阶段的结束日期不能早于开始日期。")})
        campaign = self.campaign
        if self.start_date < campaign.start_date or self.end_date > campaign.end_date:
            raise ValidationError(
                {
                    "start_date": _("阶段必须在活动的起止日期（%(start)s 至 %(end)s）之内。")
                    % {"start": campaign.start_date, "end": campaign.end_date}
                }
            )
        overlapping = (
            Stage.objects.filter(
                campaign_id=self.campaign_id,
                start_date__lte=self.end_date,
                end_date__gte=self.start_date,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                {
                    "start_date": _("与阶段“%(name)s”（%(start)s 至 %(end)s）时间重叠。")
                    % {
                        "name": overlapping.name,
                        "start": overlapping.start_date,
                        "end": overlapping.end_date,
                    }
                }
            )

    def is_current(self, today: datetime.date) -> bool:
        return self.start_date <= today <= self.end_date


class Topic(models.Model):
    """方面 / 主题: what a suggestion is about. Triage matches on the keywords."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="topics"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    # Proposed for a suggestion on this topic when its text names no place or unit.
    usual_unit = models.ForeignKey(
        Unit,
        verbose_name=_("常办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("这个方面的建议通常交给哪个单位办理；系统据此推荐交办单位。"),
    )

    class Meta:
        verbose_name = _("方面")
        verbose_name_plural = _("方面")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="topic_unique_name",
                violation_error_message=_("这个活动已有同名的方面。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ParticipantCategory(models.Model):
    """群体类别: who spoke (retired cadres, deputies, residents ...)."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="participant_categories",
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("群体类别")
        verbose_name_plural = _("群体类别")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                name="category_unique_name",
                violation_error_message=_("这个活动已有同名的群体类别。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlanItemKind(models.TextChoices):
    REQUIRED = "required", _("规定动作")
    OPTIONAL = "optional", _("自选动作")


class PlanItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    DELAYED = "delayed", _("滞后")


class PlanItem(models.Model):
    """实施方案的工作任务: a work item of the plan with its lead unit(s)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="plan_items"
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("阶段"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    lead_units = models.ManyToManyField(
        Unit, verbose_name=_("牵头单位"), related_name="led_plan_items", blank=True
    )
    # What the plan text names as lead, kept when it is not (yet) a unit of the tree.
    lead_note = models.CharField(_("牵头单位（原文）"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("完成时限"), null=True, blank=True)
    kind = models.CharField(
        _("类型"), max_length=10, choices=PlanItemKind.choices, default=PlanItemKind.REQUIRED
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=PlanItemStatus.choices,
        default=PlanItemStatus.NOT_STARTED,
    )
    status_note = models.CharField(_("进展说明"), max_length=500, blank=True)
    status_updated_at = models.DateTimeField(_("状态更新时间"), null=True, blank=True)
    status_updated_by = models.ForeignKey(
        User,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["campaign", "stage__order", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("完成时限不能早于开始日期。")})
