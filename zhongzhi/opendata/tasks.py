"""Background work of open data: a large campaign's export as a job with a progress bar
(the intake ledger export's machinery: `core.jobs`, `core.downloads`). Thin and
idempotent: running it again for a finished job does nothing."""

import logging

from django.http import Http404
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from zhongzhi.core.downloads import offer_download
from zhongzhi.core.jobs import job_fail, job_start, job_succeed, progress_reporter
from zhongzhi.core.models import Job
from zhongzhi.opendata.access import access_open_data_campaign
from zhongzhi.opendata.exports import PROGRESS_EVERY, open_data_zip, zip_filename
from zhongzhi.opendata.selectors import export_suggestions

logger = logging.getLogger(__name__)

EXPORT_JOB = "open_data_export"
EXPORT_JOB_TEMPLATE = "opendata/partials/export_job.html"


@task()
def open_data_export(job_id: int, campaign_id: int, language: str = "zh-hans") -> None:
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return
    with translation.override(language):
        _export(job, campaign_id)


def _export(job: Job, campaign_id: int) -> None:
    base = {"template": EXPORT_JOB_TEMPLATE, "campaign_id": campaign_id}
    try:  # the owner's access as it is now
        campaign = access_open_data_campaign(job.owner, campaign_id)
    except Http404:
        job_fail(job.pk, message=_("您无权导出这个活动的公开数据。"), result=base)
        return
    total = export_suggestions(campaign).count()
    job_start(job.pk, total=total, message=_("正在导出并遮盖个人信息……"))
    try:
        content, rows = open_data_zip(
            campaign, progress=progress_reporter(job.pk, every=PROGRESS_EVERY)
        )
    except Exception:
        logger.exception("open data export %s failed", job.pk)
        job_fail(job.pk, message=_("导出时发生错误，请稍后重试。"), result=base)
        return
    token = offer_download(user=job.owner, content=content, filename=zip_filename(campaign))
    job_succeed(
        job.pk,
        message=_("导出完成：共 %(count)d 条。") % {"count": rows},
        result=base | {"rows": rows, "download_token": token},
    )
