"""Staff pages for suggestions: the scoped list with filters and search, the detail
with its history, routing and screening decision, and the Excel export of the same rows.

Thin views: parse the form, check access, call a selector or service, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.analysis.selectors import similar_for_staff
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job
from zhongzhi.core.paging import count_at_most, paginate
from zhongzhi.core.responses import xlsx_response
from zhongzhi.intake import services, tasks
from zhongzhi.intake.access import access_suggestion
from zhongzhi.intake.exports import export_filename, suggestions_workbook
from zhongzhi.intake.forms import SuggestionFilterForm, SuggestionTopicForm
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.selectors import (
    stages_for_export,
    suggestion_by_receipt_code,
    suggestion_detail,
    suggestion_list,
)
from zhongzhi.screening.selectors import decision_reasons, reply_templates, suggestion_routing
from zhongzhi.screening.services.decisions import DECISIONS

PAGE_SIZE = 50
# Up to this many rows the ledger downloads at once (a few seconds at most); more is
# a background job with a progress bar, then a download link.
EXPORT_IN_REQUEST_MAX = 5_000
RESULTS_TARGET = "results"  # the id htmx swaps when the filters change


@login_required
@require_GET
def suggestion_list_page(request: HttpRequest) -> HttpResponse:
    form = SuggestionFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    found = suggestion_by_receipt_code(request.user, filters.q) if filters.q else None
    if found is not None:
        return _open(request, reverse("intake:detail", args=[found.pk]))
    suggestions = suggestion_list(request.user, filters)
    page = paginate(suggestions, request.GET.get("page"), PAGE_SIZE)
    context = {"form": form, "page": page}
    if request.headers.get("HX-Target") == RESULTS_TARGET:
        response = render(request, "intake/staff/partials/results.html", context)
    else:
        response = render(request, "intake/staff/list.html", context)
    patch_vary_headers(response, ["HX-Target"])
    return response


def _open(request: HttpRequest, url: str) -> HttpResponse:
    """Go to `url`: a redirect, or for htmx (the search box as staff type) its
    ``HX-Redirect``, so that the whole page goes there rather than the results box."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_GET
def suggestion_detail_page(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_suggestion(request.user, suggestion_id)
    return _render_detail(request, suggestion)


@login_required
@require_POST
def suggestion_set_topic(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_suggestion(request.user, suggestion_id, for_change=True)
    form = SuggestionTopicForm(request.POST, campaign=suggestion.campaign)
    if form.is_valid():
        try:
            services.suggestion_set_topic(
                suggestion=suggestion,
                topic=form.cleaned_data["topic"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("方面已保存；自动分类会从您的标注中学习。"))
            return redirect("intake:detail", suggestion_id=suggestion.pk)
    return _render_detail(request, suggestion, topic_form=form, status=400)


def _render_detail(
    request: HttpRequest,
    suggestion: Suggestion,
    *,
    topic_form: SuggestionTopicForm | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = suggestion_detail(request.user, suggestion)
    if topic_form is None and detail.can_change:
        # Offer the guess when staff have not chosen: accepting it is one click.
        guess = detail.triage.topic_guess if detail.triage else None
        topic_form = SuggestionTopicForm(
            campaign=suggestion.campaign, initial={"topic": suggestion.topic or guess}
        )
    return render(
        request,
        "intake/staff/detail.html",
        {
            "detail": detail,
            "suggestion": suggestion,
            "topic_form": topic_form,
            # Routing and the screening decision (zhongzhi.screening), on the same page.
            "routing": suggestion_routing(request.user, suggestion),
            "reasons": decision_reasons(suggestion.campaign),
            "templates": reply_templates(suggestion.campaign),
            "decisions": DECISIONS,
            # Like this one, with "same place" / "another place", as residents see them.
            "similar": similar_for_staff(request.user, suggestion),
        },
        status=status,
    )


@login_required
@require_GET
def suggestion_export(request: HttpRequest) -> HttpResponse:
    form = SuggestionFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    suggestions = suggestion_list(request.user, filters)
    if count_at_most(suggestions, EXPORT_IN_REQUEST_MAX + 1) <= EXPORT_IN_REQUEST_MAX:
        content = suggestions_workbook(suggestions, stages_for_export(request.user, filters))
        return xlsx_response(content, export_filename(filters))
    job = job_create(owner=signed_in_user(request), kind=tasks.EXPORT_JOB)
    tasks.suggestion_export.enqueue(job.pk, request.GET.urlencode(), get_language())
    return redirect(reverse("intake:export_job", args=[job.pk]))


@login_required
@require_GET
def suggestion_export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id, owner=signed_in_user(request), kind=tasks.EXPORT_JOB)
    return render(
        request,
        "intake/staff/export.html",
        {"job": job, "job_template": tasks.EXPORT_JOB_TEMPLATE},
    )
