"""Research topics (课题): a unit applies (申报) with the unit head who leads it, the
office approves (立项) or returns it, the unit keeps its milestones, hands in the final
report (结题报告) and the office grades it (优秀 / 良好 / 合格 / 不合格)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.models import Unit, User


class TopicState(models.TextChoices):
    APPLIED = "applied", _("已申报")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已立项")
    REPORTED = "reported", _("待评定")
    GRADED = "graded", _("已结题")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ResearchTopic(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="research_topics"
    )
    number = models.PositiveIntegerField(_("课题编号"), editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="research_topics"
    )
    title = models.CharField(_("课题名称"), max_length=120)
    question = models.TextField(_("研究的问题"))
    lead = models.ForeignKey(
        User, verbose_name=_("课题负责人"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.CharField(_("课题组成员"), max_length=300, blank=True)
    plan = models.TextField(_("研究计划"), blank=True)
    expected_result = models.TextField(_("预期成果"), blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=TopicState.choices, default=TopicState.APPLIED
    )
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    applied_by = models.ForeignKey(
        User, verbose_name=_("申报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("申报时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("立项时间"), null=True, blank=True)
    # The final report, checked by its content (`rectification.services.evidence`) and
    # stored through Django's storage API; served only by `views.report_file`.
    report = models.FileField(_("结题报告"), upload_to="research/%Y/%m/", blank=True)
    report_name = models.CharField(_("报告文件名"), max_length=100, blank=True)
    report_content_type = models.CharField(_("报告格式"), max_length=100, blank=True)
    reported_at = models.DateTimeField(_("提交结题时间"), null=True, blank=True)
    grade = models.CharField(_("结题评定"), max_length=20, choices=Grade.choices, blank=True)
    grade_note = models.CharField(_("评定意见"), max_length=500, blank=True)
    graded_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调研课题")
        verbose_name_plural = _("调研课题")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="research_topic_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    topic = models.ForeignKey(
        ResearchTopic,
        verbose_name=_("调研课题"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("节点"), max_length=100)
    due_date = models.DateField(_("计划完成日期"))
    done_at = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("课题节点")
        verbose_name_plural = _("课题节点")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title
