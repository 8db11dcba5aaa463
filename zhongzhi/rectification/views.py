"""Rectification pages: a campaign's problem list and measure list, a new problem (from
chosen suggestions, a hot issue, or a unit's self-examination), a problem with its
measures, and a measure with its timeline, its actions (the transitions the user may
make), progress and extensions. Thin: parse, check access, call a service or
selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhongzhi.analysis.models import HotIssue
from zhongzhi.campaigns.access import access_campaign, entry_units, visible_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.paging import paginate
from zhongzhi.intake.access import changeable_suggestions
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import visible_units
from zhongzhi.org.models import Unit
from zhongzhi.rectification import selectors
from zhongzhi.rectification.access import access_measure, access_problem, changeable_problems
from zhongzhi.rectification.forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MeasureFilterForm,
    MeasureForm,
    ProblemFilterForm,
    ProblemForm,
    ProgressForm,
    TransitionForm,
    parse_ids,
)
from zhongzhi.rectification.models import ExtensionRequest, ExtensionState, Measure, Problem
from zhongzhi.rectification.services import measures as measure_services
from zhongzhi.rectification.services import problems as problem_services
from zhongzhi.screening.services.common import BulkRefused, Conflict

PAGE_SIZE = 50


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _campaign_units(campaign: Campaign) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")


def _filter_units(request: HttpRequest, campaign: Campaign) -> QuerySet[Unit]:
    return visible_units(request.user).filter(path__startswith=campaign.owner_unit.path)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user).select_related("owner_unit"))
    if len(campaigns) == 1:
        return redirect("rectification:problems", campaign_id=campaigns[0].pk)
    rows = [
        (c, selectors.problem_counts(request.user, c), selectors.measure_counts(request.user, c))
        for c in campaigns
    ]
    return render(request, "rectification/home.html", {"rows": rows})


# --- lists -----------------------------------------------------------------------------


@login_required
@require_GET
def problems(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    form = ProblemFilterForm(
        request.GET or None, campaign=campaign, units=_filter_units(request, campaign)
    )
    page = paginate(
        selectors.problem_list(request.user, form.filters()), request.GET.get("page"), PAGE_SIZE
    )
    return render(
        request,
        "rectification/problems.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "problem_counts": selectors.problem_counts(request.user, campaign),
            "may_enter": entry_units(request.user, campaign).exists(),
            "listed": selectors.listed_measures(request.user, campaign),
        },
    )


@login_required
@require_GET
def measures(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    form = MeasureFilterForm(
        request.GET or None, campaign=campaign, units=_filter_units(request, campaign)
    )
    page = paginate(
        selectors.measure_list(request.user, form.filters()), request.GET.get("page"), PAGE_SIZE
    )
    return render(
        request,
        "rectification/measures.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "measure_counts": selectors.measure_counts(request.user, campaign),
        },
    )


# --- a new problem ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    units = entry_units(request.user, campaign)
    data = request.POST if request.method == "POST" else request.GET
    ids = parse_ids(data.get("suggestions", ""))
    issue = (
        HotIssue.objects.filter(campaign=campaign, pk=data["issue"]).first()
        if data.get("issue", "").isdigit()
        else None
    )
    sources = list(
        changeable_suggestions(request.user)
        .filter(campaign=campaign, pk__in=ids)
        .select_related("unit")
        .order_by("pk")
    )
    if request.method == "POST":
        form = ProblemForm(request.POST, campaign=campaign, units=units)
        if form.is_valid():
            try:
                problem = problem_services.problem_create(
                    campaign=campaign,
                    actor=signed_in_user(request),
                    unit=form.cleaned_data["unit"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    topic=form.cleaned_data["topic"],
                    suggestion_ids=ids,
                    hot_issue=issue,
                )
            except BulkRefused as refused:
                form.add_error(None, _("没有立为问题：有些意见建议不能作为它的来源。"))
                for refusal in refused.refusals:
                    form.add_error(None, f"{refusal.receipt_code} {refusal.reason}".strip())
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已立为问题 %(number)d，请为它制定整改措施。") % {"number": problem.number},
                )
                return redirect("rectification:problem", problem_id=problem.pk)
    else:
        initial = _initial_problem(sources, issue, units)
        form = ProblemForm(initial=initial, campaign=campaign, units=units)
    return render(
        request,
        "rectification/problem_new.html",
        {
            "campaign": campaign,
            "form": form,
            "sources": sources,
            "issue": issue,
            "suggestion_ids": ",".join(str(s.pk) for s in sources),
            "may_enter": units.exists(),
        },
    )


def _initial_problem(
    sources: list[Suggestion], issue: HotIssue | None, units: QuerySet[Unit]
) -> dict[str, object]:
    if issue is not None:
        return {"title": issue.label[:120], "description": issue.summary or issue.label}
    if not sources:
        return {"unit": units.first()} if len(units) == 1 else {}
    first = sources[0]
    return {
        "title": (first.title or first.text)[:40],
        "description": "\n".join(s.text for s in sources)[:4000],
        "unit": first.unit,
        "topic": first.topic_id,
    }


# --- a problem -------------------------------------------------------------------------


@login_required
@require_GET
def problem(request: HttpRequest, problem_id: int) -> HttpResponse:
    found = access_problem(request.user, problem_id)
    return _problem_page(request, found, None)


def _problem_page(request: HttpRequest, found: Problem, form: MeasureForm | None) -> HttpResponse:
    may_change = changeable_problems(request.user).filter(pk=found.pk).exists()
    if may_change and form is None:
        form = MeasureForm(
            initial={"owner_unit": found.unit},
            units=_campaign_units(found.campaign),
        )
    return render(
        request,
        "rectification/problem.html",
        {
            "campaign": found.campaign,
            "problem": found,
            "measures": selectors.problem_measures(found),
            "sources": selectors.problem_sources(found),
            "history": selectors.problem_history(found),
            "form": form if may_change and found.status != "closed" else None,
        },
    )


@login_required
@require_POST
def measure_add(request: HttpRequest, problem_id: int) -> HttpResponse:
    found = access_problem(request.user, problem_id, for_change=True)
    form = MeasureForm(request.POST, units=_campaign_units(found.campaign))
    if form.is_valid():
        data = form.cleaned_data
        try:
            measure = problem_services.measure_add(
                problem=found,
                actor=signed_in_user(request),
                text=data["text"],
                owner_unit=data["owner_unit"],
                responsible_person=data["responsible_person"],
                deadline=data["deadline"],
                expected_result=data["expected_result"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("已制定整改措施 %(code)s，已记入操作日志。") % {"code": measure.code}
            )
            return redirect("rectification:problem", problem_id=found.pk)
    return _problem_page(request, found, form)


# --- a measure -------------------------------------------------------------------------


def _measure_url(measure: Measure) -> str:
    return reverse("rectification:measure", args=[measure.pk])


@login_required
@require_GET
def measure(request: HttpRequest, measure_id: int) -> HttpResponse:
    found = access_measure(request.user, measure_id)
    return _measure_page(request, found)


def _measure_page(request: HttpRequest, found: Measure, **forms: object) -> HttpResponse:
    user = request.user
    owner = measure_services.access.is_owner_of(user, found)
    office = measure_services.access.is_campaign_office_of(user, found)
    pending = found.extensions.filter(state=ExtensionState.PENDING).first()
    context = {
        "campaign": found.campaign,
        "measure": found,
        "problem": found.problem,
        "transitions": measure_services.transitions_for(user, found),
        "closes_problem": selectors.closes_problem(found),
        "timeline": selectors.measure_timeline(found),
        "extensions": list(found.extensions.select_related("requested_by", "decided_by")),
        "escalations": selectors.measure_escalations(found),
        "pending_extension": pending,
        "progress_form": forms.get("progress_form")
        or (ProgressForm(initial={"percent": found.percent}) if owner and found.is_open else None),
        "extension_form": forms.get("extension_form")
        or (ExtensionRequestForm() if owner and found.is_open and pending is None else None),
        "decision_form": ExtensionDecisionForm() if office and pending is not None else None,
    }
    return render(request, "rectification/measure.html", context)


def _done(request: HttpRequest, found: Measure, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(_measure_url(found))


@login_required
@require_POST
def transition(request: HttpRequest, measure_id: int) -> HttpResponse:
    found = access_measure(request.user, measure_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("页面已过期，请刷新后再操作。"))
        return redirect(_measure_url(found))
    data = form.cleaned_data
    try:
        changed = measure_services.measure_transition(
            measure=found,
            key=data["key"],
            actor=signed_in_user(request),
            version=data["version"],
            reason=data["reason"],
            answer=data["answer"],
        )
    except Conflict as conflict:
        messages.error(request, conflict.message)
    except ValidationError as error:
        _errors(request, error)
    else:
        label = measure_services.TRANSITIONS[data["key"]].label
        text = _("%(action)s：整改措施 %(code)s 现在是“%(state)s”，已记入操作日志。") % {
            "action": label,
            "code": changed.code,
            "state": changed.get_state_display(),
        }
        return _done(request, changed, text)
    return redirect(_measure_url(found))


@login_required
@require_POST
def progress(request: HttpRequest, measure_id: int) -> HttpResponse:
    found = access_measure(request.user, measure_id)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            measure_services.progress_post(
                measure=found,
                actor=signed_in_user(request),
                percent=data["percent"],
                text=data["text"],
                version=data["version"],
                evidence=data["evidence"],
            )
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(_measure_url(found))
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return _done(request, found, _("进展已报送，已记入操作日志。"))
    return _measure_page(request, found, progress_form=form)


@login_required
@require_POST
def extension_request(request: HttpRequest, measure_id: int) -> HttpResponse:
    found = access_measure(request.user, measure_id)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            measure_services.extension_request(
                measure=found,
                actor=signed_in_user(request),
                requested_deadline=form.cleaned_data["requested_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return _done(request, found, _("延期申请已提交，等待活动办公室审批。"))
    return _measure_page(request, found, extension_form=form)


@login_required
@require_POST
def extension_decide(request: HttpRequest, extension_id: int) -> HttpResponse:
    pending = ExtensionRequest.objects.filter(pk=extension_id).first()
    found = access_measure(request.user, pending.measure_id if pending else 0)
    assert pending is not None  # access_measure answered 404 otherwise
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择同意或不同意。"))
        return redirect(_measure_url(found))
    try:
        decided = measure_services.extension_decide(
            request=pending,
            actor=signed_in_user(request),
            grant=form.cleaned_data["grant"],
            note=form.cleaned_data["decision_note"],
        )
    except Conflict as conflict:
        messages.error(request, conflict.message)
    except ValidationError as error:
        _errors(request, error)
    else:
        return _done(
            request, found, _("已审批：%(state)s。") % {"state": decided.get_state_display()}
        )
    return redirect(_measure_url(found))
