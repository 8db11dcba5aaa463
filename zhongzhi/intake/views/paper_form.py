"""Entry pages for units: the campaigns they enter suggestions for, and the paper-form
(意见表) round trip: download the template, upload it, watch the import's progress,
then take back the receipt codes (the sheet with 回执号, and printable slips).

Thin views: check access, call the service or enqueue the task, render.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job
from zhongzhi.core.responses import xlsx_response
from zhongzhi.intake import paper_form, tasks
from zhongzhi.intake.paper_form_receipts import (
    ReceiptUrl,
    access_import_job,
    receipt_slips,
    receipts_workbook,
)
from zhongzhi.intake.selectors import imported_suggestions
from zhongzhi.org.forms import WorkbookUploadForm
from zhongzhi.org.imports.workbook import WorkbookError, read_upload

DEFAULT_JOB_TEMPLATE = "core/partials/job_progress.html"
# Eight slips to an A4 sheet; a page of the slips holds twelve sheets.
SLIPS_PER_PAGE = 96


@login_required
@require_GET
def entry_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intake/entry/index.html",
        {"campaigns": paper_form.entry_campaigns(request.user)},
    )


def _page(
    request: HttpRequest,
    campaign_id: int,
    form: WorkbookUploadForm,
    job: Job | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = paper_form.access_entry_campaign(request.user, campaign_id)
    return render(
        request,
        "intake/entry/paper_form.html",
        {
            "campaign": campaign,
            "form": form,
            "job": job,
            "job_template": (job.result.get("template") if job else None) or DEFAULT_JOB_TEMPLATE,
            "columns": paper_form.COLUMNS,
        },
        status=status,
    )


@login_required
@require_GET
def paper_form_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    job = None
    if (job_id := request.GET.get("job", "")).isdigit():
        job = Job.objects.filter(
            pk=int(job_id), owner=signed_in_user(request), kind=tasks.PAPER_FORM_JOB
        ).first()
    return _page(request, campaign_id, WorkbookUploadForm(), job)


@login_required
@require_GET
def paper_form_template(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = paper_form.access_entry_campaign(request.user, campaign_id)
    content = paper_form.paper_form_template(campaign=campaign, actor=request.user)
    return xlsx_response(content, f"意见表模板-{campaign.name}.xlsx")


@login_required
@require_POST
def paper_form_upload(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = paper_form.access_entry_campaign(request.user, campaign_id)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, campaign.pk, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        data = read_upload(upload)
    except WorkbookError as error:
        form.add_error("file", error.message)
        return _page(request, campaign.pk, form, status=400)
    job = job_create(owner=signed_in_user(request), kind=tasks.PAPER_FORM_JOB, input_bytes=data)
    tasks.paper_form_import.enqueue(job.pk, campaign.pk, upload.name or "", get_language())
    url = reverse("intake_entry:paper_form", args=[campaign.pk])
    return redirect(f"{url}?job={job.pk}")


def _receipt_url(request: HttpRequest) -> ReceiptUrl:
    return lambda code: request.build_absolute_uri(reverse("public:receipt", args=[code]))


@login_required
@require_GET
def paper_form_receipts(request: HttpRequest, job_id: int) -> HttpResponse:
    job, campaign = access_import_job(request.user, job_id)
    suggestions = imported_suggestions(request.user, campaign, job.result["batch"])
    content = receipts_workbook(suggestions, _receipt_url(request))
    return xlsx_response(content, f"意见表-回执号-{campaign.name}.xlsx")


@login_required
@require_GET
def paper_form_slips(request: HttpRequest, job_id: int) -> HttpResponse:
    job, campaign = access_import_job(request.user, job_id)
    suggestions = imported_suggestions(request.user, campaign, job.result["batch"])
    page = Paginator(suggestions, SLIPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/entry/paper_form_slips.html",
        {
            "campaign": campaign,
            "job": job,
            "page": page,
            "slips": receipt_slips(page.object_list, _receipt_url(request)),
        },
    )
