"""Background work of open data: a large campaign's export as a job with a progress bar
(the intake ledger export's machinery: `core.jobs`). Thin and idempotent: running it
again for a finished job does nothing.

The zip of a large campaign is big (160 MB for 151,681 suggestions), too big for the
cache that keeps one-time downloads (`core.downloads`): it goes to the default storage,
`opendata/exports/<campaign>/`, named at random, and the job's page links to
`opendata:download`, which checks the owner and the office role again and streams it.
A campaign keeps its latest export only: the next one removes the others.
"""

import logging
import secrets
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from zhongzhi.core.jobs import job_fail, job_start, job_succeed, progress_reporter
from zhongzhi.core.models import Job
from zhongzhi.opendata.access import access_open_data_campaign
from zhongzhi.opendata.exports import PROGRESS_EVERY, open_data_zip_into, zip_filename
from zhongzhi.opendata.selectors import export_suggestions

logger = logging.getLogger(__name__)

EXPORT_JOB = "open_data_export"
EXPORT_JOB_TEMPLATE = "opendata/partials/export_job.html"


def export_folder(campaign_id: int) -> str:
    return f"opendata/exports/{campaign_id}"


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
    folder = export_folder(campaign.pk)
    try:
        with tempfile.TemporaryFile() as handle:
            rows = open_data_zip_into(
                campaign,
                handle,
                progress=progress_reporter(job.pk, every=PROGRESS_EVERY),
                zipping=lambda: job_start(job.pk, total=total, message=_("正在打包 zip……")),
            )
            handle.seek(0)
            name = default_storage.save(f"{folder}/{secrets.token_urlsafe(16)}.zip", File(handle))
    except Exception:
        logger.exception("open data export %s failed", job.pk)
        job_fail(job.pk, message=_("导出时发生错误，请稍后重试。"), result=base)
        return
    _remove_older(folder, keep=name)
    job_succeed(
        job.pk,
        message=_("导出完成：共 %(count)d 条。") % {"count": rows},
        result=base | {"rows": rows, "file": name, "filename": zip_filename(campaign)},
    )


def _remove_older(folder: str, *, keep: str) -> None:
    _dirs, files = default_storage.listdir(folder)
    for file in files:
        name = f"{folder}/{file}"
        if name != keep:
            default_storage.delete(name)
