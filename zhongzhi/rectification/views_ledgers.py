"""The ledgers (台账) of a campaign's problems and measures as xlsx, with the list
pages' filters. Small ones download at once; larger ones are a background job with a
progress bar and a one-time download link.

Whoever sees the campaign may export; the rows are those they see in the list
(``visible_problems`` / ``visible_measures``). A campaign out of scope is 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from zhongzhi.campaigns.access import access_campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job
from zhongzhi.core.responses import xlsx_response
from zhongzhi.rectification import exports, tasks_ledgers
from zhongzhi.rectification.forms import measure_filters_from, problem_filters_from

# Up to this many rows the ledger downloads at once (about a second); more is a job.
LEDGER_IN_REQUEST_MAX = 2_000


def _job(request: HttpRequest, campaign_id: int, kind: str) -> HttpResponse:
    job = job_create(owner=signed_in_user(request), kind=tasks_ledgers.LEDGER_JOB)
    tasks_ledgers.ledger_export.enqueue(
        job.pk, campaign_id, kind, request.GET.urlencode(), get_language()
    )
    return redirect("rectification_ledgers:job", campaign_id=campaign_id, job_id=job.pk)


@login_required
@require_GET
def problems_ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    filters = problem_filters_from(request.GET, campaign, request.user)
    total = exports.ledger_problems(request.user, filters).count()
    if total > LEDGER_IN_REQUEST_MAX:
        return _job(request, campaign.pk, "problems")
    content = exports.problems_workbook(request.user, filters, total=total)
    return xlsx_response(content, exports.ledger_filename(campaign.name, "problems"))


@login_required
@require_GET
def measures_ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    filters = measure_filters_from(request.GET, campaign, request.user)
    total = exports.ledger_measures(request.user, filters).count()
    if total > LEDGER_IN_REQUEST_MAX:
        return _job(request, campaign.pk, "measures")
    content = exports.measures_workbook(request.user, filters, total=total)
    return xlsx_response(content, exports.ledger_filename(campaign.name, "measures"))


@login_required
@require_GET
def ledger_job(request: HttpRequest, campaign_id: int, job_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    job = get_object_or_404(
        Job, pk=job_id, owner=signed_in_user(request), kind=tasks_ledgers.LEDGER_JOB
    )
    return render(
        request,
        "rectification/ledger_job.html",
        {"campaign": campaign, "job": job, "job_template": tasks_ledgers.LEDGER_JOB_TEMPLATE},
    )
