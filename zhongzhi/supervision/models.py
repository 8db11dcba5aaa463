"""Supervision groups (督导组), their inspections (督导检查) and findings (发现问题).

A group covers some units of a campaign; its members read those units (as supervisors:
`org.Membership` rows the group grants, so every other app's scope rules apply
unchanged), record inspections of them, and turn what they find into problems of the
inspected unit with a measure and a deadline (`rectification`), which they verify.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, PlanItem
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.models import Problem, StoredFile


class SupervisionGroup(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="supervision_groups",
    )
    name = models.CharField(_("督导组"), max_length=50)
    leader = models.ForeignKey(
        User, verbose_name=_("组长"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        User, verbose_name=_("组员"), related_name="supervision_groups"
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("督导单位"), related_name="supervision_groups"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("督导组")
        verbose_name_plural = _("督导组")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="supervision_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class InspectionMethod(models.TextChoices):
    ON_SITE = "on_site", _("实地查看")
    LEDGERS = "ledgers", _("查阅台账")
    INTERVIEWS = "interviews", _("个别访谈")
    UNANNOUNCED = "unannounced", _("暗访")


class Inspection(models.Model):
    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("督导组"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    # The group's campaign, kept on the row so that lists filter without a join.
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("检查日期"))
    # InspectionMethod values, one or more.
    methods = models.JSONField(_("检查方式"), default=list)
    plan_items = models.ManyToManyField(
        PlanItem, verbose_name=_("对照的方案任务"), blank=True, related_name="inspections"
    )
    notes = models.TextField(_("检查情况"), blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["group", "unit", "date"], name="inspection_group_unit")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.unit}"

    def method_labels(self) -> list[str]:
        labels = dict(InspectionMethod.choices)
        return [str(labels[m]) for m in self.methods if m in labels]


class InspectionPhoto(StoredFile):
    """A photo taken on the inspection, checked and stored as measures' evidence is."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督导检查"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["inspection", "pk"]


class Finding(models.Model):
    """A problem an inspection found: the problem (origin 督导发现) and its measure live in
    `rectification`; this row says which inspection found it."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督导检查"), on_delete=models.CASCADE, related_name="findings"
    )
    problem = models.OneToOneField(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="finding"
    )

    class Meta:
        verbose_name = _("督导发现问题")
        verbose_name_plural = _("督导发现问题")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.problem)
