"""Background work of intake: the paper-form (意见表) import and large ledger exports.

Thin and idempotent: a task takes ids, calls the service and writes the outcome on
the Job the page polls. Running it again for a finished job does nothing, and a file
imported before imports nothing new (per-row idempotency keys).
"""

import logging
from pathlib import PurePath

from django.http import Http404, QueryDict
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from zhongzhi.core.downloads import offer_download
from zhongzhi.core.jobs import job_fail, job_start, job_succeed, progress_reporter
from zhongzhi.core.models import Job
from zhongzhi.intake import paper_form
from zhongzhi.intake.exports import PROGRESS_EVERY, export_filename, suggestions_workbook
from zhongzhi.intake.forms import SuggestionFilterForm
from zhongzhi.intake.selectors import stages_for_export, suggestion_list

logger = logging.getLogger(__name__)

PAPER_FORM_JOB = "paper_form_import"
JOB_TEMPLATE = "intake/entry/partials/paper_form_job.html"
EXPORT_JOB = "suggestion_export"
EXPORT_JOB_TEMPLATE = "intake/staff/partials/export_job.html"
MAX_LISTED_ERRORS = 100


@task()
def paper_form_import(
    job_id: int, campaign_id: int, filename: str = "", language: str = "zh-hans"
) -> None:
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return
    with translation.override(language):
        _run(job, campaign_id, filename)


def _run(job: Job, campaign_id: int, filename: str) -> None:
    base = {"template": JOB_TEMPLATE, "campaign_id": campaign_id}
    try:
        campaign = paper_form.access_entry_campaign(job.owner, campaign_id)
    except Http404:
        job_fail(job.pk, message=_("您无权向这个活动导入意见表。"), result=base)
        return
    job_start(job.pk, message=_("正在读取和检查每一行……"))
    report = progress_reporter(job.pk, every=paper_form.BATCH_SIZE)
    started = {"saving": False}

    def progress(done: int, total: int) -> None:
        if not started["saving"]:  # the check passed: the bar now counts saved rows
            started["saving"] = True
            job_start(job.pk, total=total, message=_("检查通过，正在保存……"))
        report(done, total)

    try:
        with job.input_file.open("rb") as handle:
            data = handle.read()
        result = paper_form.paper_form_import(
            campaign=campaign, workbook=data, actor=job.owner, progress=progress
        )
    except paper_form.WorkbookError as error:
        job_fail(job.pk, message=error.message[:500], result=base)
        return
    except Exception:
        logger.exception("paper form import %s failed", job.pk)
        job_fail(
            job.pk,
            message=_("导入时发生错误，请稍后重试。重新上传同一个文件不会重复导入已保存的行。"),
            result=base,
        )
        return
    counts = {"rows": result.rows, "created": result.created, "already": result.already_imported}
    if result.ok:
        batch = {"batch": result.batch}  # what the receipts sheet and slips are made from
        job_succeed(job.pk, message=_success_message(result), result=base | counts | batch)
        return
    token = ""
    if result.marked_workbook:
        stem = PurePath(filename).stem or _("意见表")
        token = offer_download(
            user=job.owner,
            content=result.marked_workbook,
            filename=f"{stem}-错误标注.xlsx",
        )
    job_fail(
        job.pk,
        message=_("发现 %(count)d 处错误，未导入任何数据。") % {"count": len(result.errors)},
        result=base
        | counts
        | {
            "error_count": len(result.errors),
            "errors": [list(error) for error in result.errors[:MAX_LISTED_ERRORS]],
            "download_token": token,
        },
    )


def _success_message(result: paper_form.PaperFormResult) -> str:
    if result.created == 0:
        return _("这个文件已经导入过（%(rows)d 行），本次没有新增，也没有重复导入。") % {
            "rows": result.rows
        }
    if result.already_imported:
        return _(
            "导入成功：新增意见建议 %(created)d 条；另有 %(already)d 行此前已导入，未重复导入。"
        ) % {
            "created": result.created,
            "already": result.already_imported,
        }
    return _("导入成功：新增意见建议 %(created)d 条。") % {"created": result.created}


@task()
def suggestion_export(job_id: int, query: str, language: str = "zh-hans") -> None:
    """The ledger of the suggestions the job's owner may see that match `query` (the
    staff list's filters as a query string), offered as a one-time download."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.finished:
        return
    with translation.override(language):
        _export(job, query)


def _export(job: Job, query: str) -> None:
    base = {"template": EXPORT_JOB_TEMPLATE}
    # Scope and filters are worked out again here, for the owner as they are now.
    filters = SuggestionFilterForm(QueryDict(query), user=job.owner).filters()
    suggestions = suggestion_list(job.owner, filters)
    total = suggestions.count()
    job_start(job.pk, total=total, message=_("正在导出……"))
    try:
        content = suggestions_workbook(
            suggestions,
            stages_for_export(job.owner, filters),
            total=total,
            progress=progress_reporter(job.pk, every=PROGRESS_EVERY),
        )
    except Exception:
        logger.exception("suggestion export %s failed", job.pk)
        job_fail(job.pk, message=_("导出时发生错误，请稍后重试。"), result=base)
        return
    token = offer_download(user=job.owner, content=content, filename=export_filename(filters))
    job_succeed(
        job.pk,
        message=_("导出完成：共 %(count)d 条。") % {"count": total},
        result=base | {"rows": total, "download_token": token},
    )
