"""Background work of the triage layer (queue "triage").

Thin and idempotent: each task takes ids and calls the service of the same name.
New suggestions are found by the worker's follower (``follow_new_suggestions``, which
``zhongzhi worker`` runs in a loop beside the task queue): it adds them to their
campaign's duplicate index and schedules ``campaign_triage_task`` through
``schedule_campaign_triage``, which enqueues it at most once per
``ZHONGZHI_TRIAGE_DEBOUNCE_SECONDS`` per campaign, to run at the end of that window
(where the backend can defer), so one run covers every suggestion of the window.
"""

import datetime
import logging
import math
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.tasks import Task, task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongzhi.analysis.services import campaign_triage, topic_model_retrain
from zhongzhi.analysis.similarity import index_new_suggestions
from zhongzhi.campaigns.access import access_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.jobs import job_fail, job_progress, job_start, job_succeed
from zhongzhi.core.models import Job

logger = logging.getLogger(__name__)

TRIAGE_JOB = "campaign_triage"
JOB_TEMPLATE = "analysis/partials/triage_job.html"
DEFAULT_TRIAGE_DEBOUNCE = 60  # seconds between two automatic runs of one campaign
DEFAULT_RETRAIN_DEBOUNCE = 300
# Automatic runs of one campaign are at least this many times its last run apart.
TRIAGE_SHARE = 5
# The stages of ``analysis.services.campaign_triage`` (``services.triage_stages()``), as the
# progress bar names them.
STAGE_LABELS = {
    "load": gettext_lazy("读取意见建议……"),
    "normalise": gettext_lazy("规范文本（繁简、全角、标点）……"),
    "duplicates": gettext_lazy("查找重复建议……"),
    "topics": gettext_lazy("推测方面……"),
    "keywords": gettext_lazy("提取关键词……"),
    "hot_issues": gettext_lazy("归并热点问题……"),
    "scores": gettext_lazy("评估是否具体可办……"),
    "store": gettext_lazy("保存结果……"),
}


@task(queue_name="triage")
def campaign_triage_task(
    campaign_id: int, job_id: int | None = None, language: str = "zh-hans"
) -> dict[str, Any] | None:
    """Triage the whole campaign; with ``job_id``, report progress on that Job (the
    "run triage now" button), checking first that its owner still manages the campaign."""
    if job_id is not None:
        with translation.override(language):
            _triage_for_job(job_id, campaign_id)
        return None
    try:
        summary = campaign_triage(campaign_id)
    except Campaign.DoesNotExist:
        return None  # deleted since it was scheduled
    cache.set(_last_run_key(campaign_id), summary.seconds, timeout=7 * 24 * 3600)
    return summary.as_dict()


def _triage_for_job(job_id: int, campaign_id: int) -> None:
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return
    base = {"template": JOB_TEMPLATE, "campaign_id": campaign_id}
    try:
        access_campaign(job.owner, campaign_id, for_change=True)
    except Http404:
        job_fail(job.pk, message=_("您无权对这个活动运行分流分析。"), result=base)
        return
    job_start(job.pk, total=len(STAGE_LABELS), message=_("正在排队……"))
    steps = list(STAGE_LABELS)

    started: set[str] = set()

    def progress(stage: str, done: int, total: int) -> None:
        # Each stage reports twice: when it starts, then when it ends.
        step = steps.index(stage) if stage in steps else 0
        if stage not in started:
            started.add(stage)
            job_start(job.pk, total=len(steps), message=str(STAGE_LABELS.get(stage, stage)))
            job_progress(job.pk, step, len(steps))
        else:
            job_progress(job.pk, step + 1, len(steps))

    try:
        summary = campaign_triage(campaign_id, progress=progress)
    except Exception:
        logger.exception("campaign triage job %s failed", job.pk)
        job_fail(job.pk, message=_("分析时发生错误，请稍后重试。"), result=base)
        return
    job_succeed(
        job.pk,
        message=_("分析完成：%(count)d 条意见建议，用时 %(seconds).1f 秒。")
        % {"count": summary.suggestions, "seconds": summary.seconds},
        result=base
        | {
            "suggestions": summary.suggestions,
            "groups": summary.groups,
            "duplicates": summary.duplicates,
            "topic_guesses": summary.topic_guesses,
            "issues": summary.issues,
            "next_url": reverse("analysis:hot_issues", args=[campaign_id]),
        },
    )


@task(queue_name="triage")
def topic_model_retrain_task(campaign_id: int) -> dict[str, Any]:
    """Retrain the campaign's topic model from staff labels; when a new model was
    stored, triage the campaign again (debounced) so the guesses use it."""
    outcome = topic_model_retrain(campaign_id)
    if outcome.version is not None:
        schedule_campaign_triage(campaign_id)
    return {
        "version": outcome.version.pk if outcome.version else None,
        "labels": outcome.label_count,
        "topics": outcome.topic_count,
    }


# --- debounced scheduling ---------------------------------------------------------------


def _debounced(task_: Task, key: str, seconds: int, *args: Any) -> bool:
    """Enqueue ``task_`` unless it was enqueued under ``key`` in the last ``seconds``.

    ``cache.add`` is atomic in every cache backend: of many processes, one wins the
    window. Where the backend can defer (the database worker), the run waits for the
    end of the window so that it sees every suggestion the window brought.
    """
    if seconds > 0 and not cache.add(key, 1, timeout=seconds):
        return False
    if seconds > 0 and task_.get_backend().supports_defer:
        task_ = task_.using(run_after=timezone.now() + datetime.timedelta(seconds=seconds))
    try:
        task_.enqueue(*args)
    except Exception:
        cache.delete(key)  # let the next suggestion try again
        raise
    return True


def _last_run_key(campaign_id: int) -> str:
    return f"zz:triage-seconds:{campaign_id}"


def schedule_campaign_triage(campaign_id: int) -> bool:
    """Triage the campaign soon; at most one run per window. True when enqueued.

    The window is the setting, or ``TRIAGE_SHARE`` times the campaign's last run when
    that is longer: a run over a large campaign takes a minute, and automatic runs
    should leave the worker free most of the time (for imports and exports) however
    fast suggestions come in."""
    seconds = int(getattr(settings, "ZHONGZHI_TRIAGE_DEBOUNCE_SECONDS", DEFAULT_TRIAGE_DEBOUNCE))
    if seconds > 0:
        last_run = float(cache.get(_last_run_key(campaign_id), 0.0))
        seconds = max(seconds, math.ceil(TRIAGE_SHARE * last_run))
    return _debounced(campaign_triage_task, f"zz:triage:{campaign_id}", seconds, campaign_id)


def schedule_topic_model_retrain(campaign_id: int) -> bool:
    """Retrain the campaign's topic model soon (after staff labelled); debounced."""
    seconds = int(getattr(settings, "ZHONGZHI_RETRAIN_DEBOUNCE_SECONDS", DEFAULT_RETRAIN_DEBOUNCE))
    return _debounced(topic_model_retrain_task, f"zz:retrain:{campaign_id}", seconds, campaign_id)


# --- the follower -----------------------------------------------------------------------


def follow_new_suggestions() -> int:
    """One pass of the worker's follower: index the suggestions submitted since the last
    pass and schedule their campaigns' triage. Returns how many were indexed."""
    indexed = index_new_suggestions()
    for campaign_id in indexed:
        schedule_campaign_triage(campaign_id)
    return sum(indexed.values())
