"""Large ledgers (台账) in the background: the job's owner gets the problem or measure
list of their filters as a one-time download, with a progress bar meanwhile.

Thin and idempotent: the task takes ids and the query string, works out the scope and
filters again for the owner as they are now, and does nothing for a finished job.
"""

import logging

from django.http import Http404, QueryDict
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from zhongzhi.campaigns.access import access_campaign
from zhongzhi.core.downloads import offer_download
from zhongzhi.core.jobs import job_fail, job_start, job_succeed, progress_reporter
from zhongzhi.core.models import Job
from zhongzhi.rectification import exports
from zhongzhi.rectification.forms import measure_filters_from, problem_filters_from

logger = logging.getLogger(__name__)

LEDGER_JOB = "rectification_ledger"
LEDGER_JOB_TEMPLATE = "rectification/partials/ledger_job.html"
KINDS = ("problems", "measures")


@task()
def ledger_export(
    job_id: int, campaign_id: int, kind: str, query: str, language: str = "zh-hans"
) -> None:
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return
    with translation.override(language):
        _export(job, campaign_id, kind, query)


def _export(job: Job, campaign_id: int, kind: str, query: str) -> None:
    base = {"template": LEDGER_JOB_TEMPLATE, "campaign_id": campaign_id, "kind": kind}
    try:
        campaign = access_campaign(job.owner, campaign_id)
    except Http404:
        job_fail(job.pk, message=_("您无权导出这个活动的台账。"), result=base)
        return
    params = QueryDict(query)
    report = progress_reporter(job.pk, every=exports.PROGRESS_EVERY)
    try:
        if kind == "problems":
            problem_filters = problem_filters_from(params, campaign, job.owner)
            total = exports.ledger_problems(job.owner, problem_filters).count()
            job_start(job.pk, total=total, message=_("正在导出……"))
            content = exports.problems_workbook(
                job.owner, problem_filters, total=total, progress=report
            )
        else:
            measure_filters = measure_filters_from(params, campaign, job.owner)
            total = exports.ledger_measures(job.owner, measure_filters).count()
            job_start(job.pk, total=total, message=_("正在导出……"))
            content = exports.measures_workbook(
                job.owner, measure_filters, total=total, progress=report
            )
    except Exception:
        logger.exception("rectification ledger %s failed", job.pk)
        job_fail(job.pk, message=_("导出时发生错误，请稍后重试。"), result=base)
        return
    token = offer_download(
        user=job.owner, content=content, filename=exports.ledger_filename(campaign.name, kind)
    )
    job_succeed(
        job.pk,
        message=_("导出完成：共 %(count)d 条。") % {"count": total},
        result=base | {"rows": total, "download_token": token},
    )
