"""The audit log (操作日志): one append-only entry per decision anyone made.

Every assignment, signature, send-back, transfer, screening decision and reply — and
what later apps record (measures, verifications) — is one ``AuditEntry``: who, when,
what, on which object, the state before and after. Nothing in the application updates
or deletes an entry, and the database refuses to (triggers, ``triggers.py``), so the
history on an item's page cannot be rewritten.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.models import Unit, User


class AuditAction(models.TextChoices):
    # Screening (screening.services)
    STATUS = "suggestion.status", _("更改状态")
    ASSIGN = "suggestion.assign", _("交办")
    SIGN = "suggestion.sign", _("签收")
    SEND_BACK = "suggestion.send_back", _("退回")
    TRANSFER = "suggestion.transfer", _("转办")
    # The daily sweep's one reminder of a signature past its deadline.
    SIGN_REMIND = "suggestion.sign_remind", _("签收超时提醒")
    ACCEPT = "suggestion.accept", _("受理")
    MERGE = "suggestion.merge", _("合并")
    MERGED_IN = "suggestion.merged_in", _("并入建议")
    INVALID = "suggestion.invalid", _("判为无效")
    EXCELLENT = "suggestion.excellent", _("评为优秀金点子")
    ADOPT = "suggestion.adopt", _("采纳")
    NOT_ADOPT = "suggestion.not_adopt", _("不予采纳")
    ANSWER = "suggestion.answer", _("答复")
    REOPEN = "suggestion.reopen", _("重新筛选")
    # Staff's topic for a suggestion (intake.services.suggestion_set_topic)
    TOPIC = "suggestion.topic", _("确定方面")
    # Golden-idea selection (selection.services)
    SELECTION_OPEN = "selection.open", _("开始金点子评选")
    SELECTION_SETUP = "selection.setup", _("调整评选设置")
    SELECTION_SCORE = "selection.score", _("金点子评分")
    SELECTION_CLOSE = "selection.close", _("结束金点子评选")
    SELECTION_CHOOSE = "selection.choose", _("评为入选金点子")
    # Problems and measures (rectification.services)
    PROBLEM_CREATE = "problem.create", _("立为问题")
    PROBLEM_CLOSE = "problem.close", _("问题销号")
    PROBLEM_REOPEN = "problem.reopen", _("问题重新整改")
    MEASURE_ADD = "measure.add", _("制定整改措施")
    MEASURE_CHANGE = "measure.change", _("修改整改措施")
    MEASURE_START = "measure.start", _("开始整改")
    MEASURE_PROGRESS = "measure.progress", _("报送进展")
    MEASURE_DONE = "measure.done", _("报完成")
    MEASURE_VERIFY = "measure.verify", _("核验通过")
    MEASURE_SEND_BACK = "measure.send_back", _("核验退回")
    MEASURE_CANCEL = "measure.cancel", _("取消措施")
    EXTENSION_REQUEST = "measure.extension_request", _("申请延期")
    EXTENSION_GRANT = "measure.extension_grant", _("同意延期")
    EXTENSION_REFUSE = "measure.extension_refuse", _("不同意延期")
    ESCALATE = "measure.escalate", _("督办")
    RECTIFICATION_SETTINGS = "rectification.settings", _("修改整改时限设置")
    RATE = "suggestion.rate", _("满意度评价")
    SECOND_LOOK = "suggestion.second_look", _("回访")
    # Supervision (supervision.services)
    GROUP_SAVE = "supervision.group", _("设置督导组")
    INSPECTION = "supervision.inspection", _("记录督导检查")
    FINDING = "supervision.finding", _("督导发现问题")
    # Research topics (research.services)
    RESEARCH_APPLY = "research.apply", _("申报课题")
    RESEARCH_APPROVE = "research.approve", _("课题立项")
    RESEARCH_RETURN = "research.return", _("退回课题")
    RESEARCH_REPORT = "research.report", _("提交结题报告")
    RESEARCH_GRADE = "research.grade", _("结题评定")
    RESEARCH_MILESTONE = "research.milestone", _("标记课题节点")
    # Essays (essays.services)
    ESSAY_ASSIGN = "essay.assign", _("添加心得体会撰写人")
    ESSAY_UNASSIGN = "essay.unassign", _("移除心得体会撰写人")
    ESSAY_DUE = "essay.due", _("设置心得体会截止日期")
    ESSAY_SUBMIT = "essay.submit", _("提交心得体会")
    ESSAY_EXCELLENT = "essay.excellent", _("评定优秀心得体会")
    ESSAY_RETURN = "essay.return", _("退回心得体会")
    ESSAY_REMIND = "essay.remind", _("提醒提交心得体会")
    # Staff edits to hot issues (analysis.services), kept by later triage runs
    HOT_ISSUE_RENAME = "hot_issue.rename", _("热点问题改名")
    HOT_ISSUE_MERGE = "hot_issue.merge", _("合并热点问题")
    HOT_ISSUE_REMOVE = "hot_issue.remove", _("移出热点问题")
    # Activities (activities.services)
    ACTIVITY_SAVE = "activity.save", _("记录活动")
    ACTIVITY_SETTINGS = "activity.settings", _("修改活动设置")
    # The Word briefing (reports.services)
    BRIEFING_ISSUE = "briefing.issue", _("签发工作简报")
    # Open data (opendata.services)
    PUBLISH = "opendata.publish", _("公开答复")
    UNPUBLISH = "opendata.unpublish", _("撤回公开的答复")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now)
    # PROTECT, not SET_NULL or CASCADE: either would have to change or delete entries,
    # which the database refuses. Accounts are deactivated, not deleted.
    actor = models.ForeignKey(
        User,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=40, choices=AuditAction.choices)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The unit the entry concerns (the unit assigned, the one that signed …): what the
    # units' assessment counts later.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the entry is about: "intake.suggestion" and its primary key, and so on.
    target_type = models.CharField(_("对象类型"), max_length=50)
    # The database id, not the 编号 staff read on pages: "对象ID" keeps the two apart.
    target_id = models.BigIntegerField(_("对象ID"))
    before = models.JSONField(_("操作前"), default=dict, blank=True)
    after = models.JSONField(_("操作后"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target"),
            models.Index(fields=["campaign", "action", "at"], name="audit_campaign_action"),
        ]

    def __str__(self) -> str:
        target = f"{self.target_type}:{self.target_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {target}"
