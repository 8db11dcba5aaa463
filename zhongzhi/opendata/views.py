"""Open-data pages of the office: the campaign's export (a zip of the files; a job with
a progress bar for a large campaign) and the answered suggestions it publishes on the
public page (edit the masked text, publish, withdraw — in place with htmx). Thin:
check access, call a service or selector, render."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job, JobState
from zhongzhi.core.paging import count_at_most, paginate
from zhongzhi.intake.models import Suggestion
from zhongzhi.opendata import selectors, services, tasks
from zhongzhi.opendata.access import (
    access_open_data_campaign,
    access_publishable,
    access_published,
)
from zhongzhi.opendata.exports import open_data_zip, zip_filename
from zhongzhi.opendata.forms import OfficeFilterForm, PublishForm
from zhongzhi.opendata.models import Publication

PAGE_SIZE = 50
# A campaign up to this size is exported in the request; a larger one by a job.
EXPORT_IN_REQUEST_MAX = 5_000
ROW_TEMPLATE = "opendata/partials/row.html"


def zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def office(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_open_data_campaign(request.user, campaign_id)
    form = OfficeFilterForm(request.GET or None, campaign=campaign)
    shown = form.value("shown") or ""
    topic = form.value("topic")
    rows = selectors.office_list(campaign, shown=str(shown), topic=topic or None)  # type: ignore[arg-type]
    page = paginate(rows, request.GET.get("page"), PAGE_SIZE)
    context = {
        "campaign": campaign,
        "form": form,
        "page": page,
        "published_count": Publication.objects.filter(campaign=campaign).count(),
        "public_url": reverse("opendata_public:answers", args=[campaign.pk]),
    }
    return render(request, "opendata/office.html", context)


@login_required
@require_GET
def export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_open_data_campaign(request.user, campaign_id)
    suggestions = selectors.export_suggestions(campaign)
    if count_at_most(suggestions, EXPORT_IN_REQUEST_MAX + 1) <= EXPORT_IN_REQUEST_MAX:
        content, _rows = open_data_zip(campaign)
        return zip_response(content, zip_filename(campaign))
    job = job_create(owner=signed_in_user(request), kind=tasks.EXPORT_JOB)
    tasks.open_data_export.enqueue(job.pk, campaign.pk, get_language())
    return redirect("opendata:export_job", job_id=job.pk)


@login_required
@require_GET
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id, owner=signed_in_user(request), kind=tasks.EXPORT_JOB)
    campaign = Campaign.objects.filter(pk=job.result.get("campaign_id")).first()
    return render(
        request,
        "opendata/export.html",
        {"job": job, "job_template": tasks.EXPORT_JOB_TEMPLATE, "campaign": campaign},
    )


@login_required
@require_GET
def download(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """A finished export job's zip, for its owner while they run the campaign's open
    data, as long as it is the campaign's latest export."""
    job = get_object_or_404(
        Job,
        pk=job_id,
        owner=signed_in_user(request),
        kind=tasks.EXPORT_JOB,
        state=JobState.SUCCEEDED,
    )
    access_open_data_campaign(request.user, int(job.result.get("campaign_id", 0)))
    name = str(job.result.get("file", ""))
    if not name or not default_storage.exists(name):
        raise Http404
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=str(job.result.get("filename") or "open-data.zip"),
        content_type="application/zip",
    )


def _row(request: HttpRequest, campaign: Campaign, suggestion_id: int) -> HttpResponse:
    suggestion = (
        selectors.office_list(campaign).filter(pk=suggestion_id).first()
    )  # just changed: read again
    return render(request, ROW_TEMPLATE, {"campaign": campaign, "s": suggestion})


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, campaign_id: int, suggestion_id: int) -> HttpResponse:
    campaign = access_open_data_campaign(request.user, campaign_id)
    suggestion = access_publishable(request.user, campaign, suggestion_id)
    existing = Publication.objects.filter(suggestion=suggestion).first()
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                services.publication_publish(
                    suggestion=suggestion,
                    actor=signed_in_user(request),
                    text=form.cleaned_data["text"],
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request, _("已公开第 %(number)d 号建议的答复。") % {"number": suggestion.number}
                )
                return redirect("opendata:office", campaign_id=campaign.pk)
        status = 400
    else:
        if existing is not None:
            initial = {"text": existing.text, "answer": existing.answer}
        else:
            text, answer = services.masked_for_publication(suggestion)
            initial = {"text": text, "answer": answer}
        form = PublishForm(initial=initial)
        status = 200
    context = {
        "campaign": campaign,
        "suggestion": suggestion,
        "publication": existing,
        "form": form,
    }
    return render(request, "opendata/publish.html", context, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest, campaign_id: int, suggestion_id: int) -> HttpResponse:
    campaign = access_open_data_campaign(request.user, campaign_id)
    suggestion: Suggestion = access_published(request.user, campaign, suggestion_id)
    try:
        services.publication_withdraw(suggestion=suggestion, actor=signed_in_user(request))
    except ValidationError as error:
        if _is_htmx(request):
            return render(
                request,
                ROW_TEMPLATE,
                {"campaign": campaign, "s": suggestion, "error": " ".join(error.messages)},
            )
        messages.error(request, " ".join(error.messages))
    else:
        if _is_htmx(request):
            return _row(request, campaign, suggestion.pk)
        messages.success(
            request, _("已撤回第 %(number)d 号建议的公开。") % {"number": suggestion.number}
        )
    return redirect("opendata:office", campaign_id=campaign.pk)
