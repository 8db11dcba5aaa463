"""Jobs: long pieces of work a user started, with progress a page can poll."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongzhi.org.models import User


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    kind = models.CharField(_("类型"), max_length=50)
    owner = models.ForeignKey(
        User, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="jobs"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # What the page shows when the job ends: counts, errors, one-time download tokens.
    result = models.JSONField(_("结果"), default=dict, blank=True)
    # The uploaded file a job works on, kept until the job ends.
    input_file = models.FileField(_("文件"), upload_to="jobs/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if self.state == JobState.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in {JobState.SUCCEEDED, JobState.FAILED}


class RateCounter(models.Model):
    """Requests counted in one fixed window for one client and scope (rate limits).

    One row per (key, window); `core.ratelimit.count_request` bumps it with a single
    upsert, which every server process shares through the database. On PostgreSQL
    the table is UNLOGGED (migration 0003): a count lost in a crash does no harm.
    """

    key = models.CharField(max_length=100)
    window_index = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    # Epoch seconds after which the row can go.
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("访问频率计数")
        verbose_name_plural = _("访问频率计数")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_index"], name="rate_counter_unique_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.count}"
