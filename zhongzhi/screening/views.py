"""Screening pages: the queue with its keyboard, the office's to-assign queue, the
units' to-sign list, and the routing steps. Thin: parse, check access, call a service
or selector, render (htmx gets the part that changed)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.campaigns.access import access_campaign, visible_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job
from zhongzhi.core.paging import paginate
from zhongzhi.intake.access import access_suggestion
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.access import changeable_units
from zhongzhi.org.models import Unit, User
from zhongzhi.screening import selectors, tasks
from zhongzhi.screening.access import (
    access_assignment,
    access_campaign_for_assigning,
    access_suggestions_for_deciding,
)
from zhongzhi.screening.forms import (
    AssignForm,
    DecisionForm,
    QueueFilterForm,
    ReplyTemplateForm,
    ScreeningSetupForm,
    SendBackForm,
    TransferForm,
)
from zhongzhi.screening.models import Assignment, ReplyTemplate
from zhongzhi.screening.services import decisions, routing
from zhongzhi.screening.services import setup as setup_services
from zhongzhi.screening.services.common import BulkRefused, Conflict

PAGE_SIZE = 50


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user).select_related("owner_unit"))
    if len(campaigns) == 1:
        return redirect("screening:queue", campaign_id=campaigns[0].pk)
    rows = [(c, selectors.screening_counts(request.user, c)) for c in campaigns]
    return render(request, "screening/home.html", {"rows": rows})


def _queue_context(request: HttpRequest, campaign_id: int, given: QueryDict) -> dict[str, object]:
    """The queue as `given` filters it: the query string, or the filters a decision's
    form carried along (so that the queue comes back as it was)."""
    campaign = access_campaign(request.user, campaign_id)
    units = changeable_units(request.user).filter(path__startswith=campaign.owner_unit.path)
    params = QueryDict(mutable=True)
    for name in [*QueueFilterForm.base_fields, "page"]:
        if given.get(name):
            params[name] = str(given.get(name))
    form = QueueFilterForm(params or None, campaign=campaign, units=units)
    filters = form.filters()
    queue = selectors.screening_queue(request.user, filters)
    page = paginate(queue, params.get("page"), PAGE_SIZE)
    return {
        "campaign": campaign,
        "form": form,
        "params": params,
        "filters": filters,
        "page": page,
        "may_decide": selectors.may_decide_in(request.user, campaign),
        "reasons": selectors.decision_reasons(campaign),
        "templates": selectors.reply_templates(campaign),
        "decisions": decisions.DECISIONS,
    }


def _render_queue(
    request: HttpRequest, context: dict[str, object], status: int = 200
) -> HttpResponse:
    template = (
        "screening/partials/queue_rows.html"
        if request.headers.get("HX-Target") == "queue"
        else "screening/queue.html"
    )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Target"])
    return response


@login_required
@require_GET
def queue(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _render_queue(request, _queue_context(request, campaign_id, request.GET))


@login_required
@require_POST
def decide(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    form = DecisionForm(request.POST, campaign=campaign)
    access_suggestions_for_deciding(request.user, {item.suggestion_id for item in form.items()})
    outcome: dict[str, Any] = {}
    if not form.is_valid():
        outcome["errors"] = [e for errors in form.errors.values() for e in errors]
    else:
        items = form.items()
        data = form.cleaned_data
        merge_into = data["merge_into"]
        if data["whole_group"]:
            items = selectors.with_duplicate_groups(request.user, items)
        if data["decision"] == "merge" and merge_into is None and len(items) > 1:
            # Several rows chosen: the first is kept, the others merge into it.
            kept, items = items[0], items[1:]
            merge_into = access_suggestion(request.user, kept.suggestion_id, for_change=True)
        try:
            decided = decisions.suggestions_decide(
                decision=data["decision"],
                items=items,
                actor=signed_in_user(request),
                reason=data["reason"],
                note=data["note"],
                reply=data["reply"],
                merge_into=merge_into,
            )
        except Conflict as conflict:
            outcome["errors"] = [conflict.message]
        except BulkRefused as refused:
            outcome["errors"] = [
                _("没有保存任何决定：有 %(n)d 条不能这样处理。") % {"n": len(refused.refusals)}
            ]
            outcome["refusals"] = refused.refusals
        except ValidationError as error:
            outcome["errors"] = error.messages
        else:
            label = decisions.DECISIONS[data["decision"]].label
            outcome["done"] = _("已作出决定“%(decision)s”：%(n)d 条，已记入操作日志。") % {
                "decision": label,
                "n": len(decided),
            }
    if not request.headers.get("HX-Request"):
        for message in outcome.get("errors", []):
            messages.error(request, str(message))
        if "done" in outcome:
            messages.success(request, str(outcome["done"]))
        return redirect(request.POST.get("next") or reverse("screening:queue", args=[campaign.pk]))
    # htmx: the queue again, as the page's filters had it, with the outcome above it.
    context = _queue_context(request, campaign.pk, request.POST) | {"outcome": outcome}
    response = render(request, "screening/partials/queue_rows.html", context)
    return response


# --- routing -------------------------------------------------------------------------


@login_required
@require_GET
def assign_queue(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_for_assigning(request.user, campaign_id)
    return render(request, "screening/assign.html", _assign_context(request, campaign))


def _assign_context(request: HttpRequest, campaign: Campaign) -> dict[str, object]:
    units = selectors.campaign_units(campaign)
    page = paginate(selectors.to_assign(request.user, campaign), request.GET.get("page"), PAGE_SIZE)
    proposals = routing.proposals_for(campaign, list(page.object_list))
    rows = [(s, proposals.get(s.pk)) for s in page.object_list]
    return {
        "campaign": campaign,
        "page": page,
        "rows": rows,
        "units": units,
        "form": AssignForm(units=Unit.objects.filter(pk__in=[u.pk for u in units])),
    }


@login_required
@require_POST
def assign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_for_assigning(request.user, campaign_id)
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path)
    form = AssignForm(request.POST, units=units)
    if form.is_valid():
        ids = form.suggestion_ids()
        actor = signed_in_user(request)
        try:
            if form.cleaned_data["accept"]:
                count = _assign_proposed(campaign, ids, actor, form.cleaned_data["note"])
            else:
                count = len(
                    routing.suggestions_assign(
                        campaign=campaign,
                        suggestion_ids=ids,
                        unit=form.cleaned_data["unit"],
                        actor=actor,
                        note=form.cleaned_data["note"],
                    )
                )
        except BulkRefused as refused:
            for refusal in refused.refusals:
                messages.error(request, f"{refusal.receipt_code} {refusal.reason}".strip())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已交办 %(n)d 条，已记入操作日志。") % {"n": count})
    else:
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
    return redirect(request.POST.get("next") or reverse("screening:assign", args=[campaign.pk]))


def _assign_proposed(campaign: Campaign, ids: list[int], actor: User, note: str) -> int:
    """Each chosen suggestion to the unit proposed for it (all or none)."""
    suggestions = list(
        Suggestion.objects.filter(pk__in=ids, campaign=campaign).select_related("triage")
    )
    proposals = routing.proposals_for(campaign, suggestions)
    without = [s for s in suggestions if s.pk not in proposals]
    if without:
        raise ValidationError(
            _("%(codes)s 没有推荐单位，请选择交办单位。")
            % {"codes": "、".join(s.receipt_code_display for s in without[:5])}
        )
    by_unit: dict[int, list[int]] = {}
    for s in suggestions:
        by_unit.setdefault(proposals[s.pk].unit.pk, []).append(s.pk)
    units = {p.unit.pk: p.unit for p in proposals.values()}
    with transaction.atomic():
        for unit_id, unit_ids in by_unit.items():
            routing.suggestions_assign(
                campaign=campaign,
                suggestion_ids=unit_ids,
                unit=units[unit_id],
                actor=actor,
                note=note,
            )
    return len(suggestions)


@login_required
@require_POST
def proposals(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_for_assigning(request.user, campaign_id)
    job = job_create(owner=signed_in_user(request), kind=tasks.PROPOSALS_JOB)
    tasks.routing_proposals.enqueue(job.pk, campaign.pk, get_language())
    return redirect("screening:proposals_job", campaign_id=campaign.pk, job_id=job.pk)


@login_required
@require_GET
def proposals_job(request: HttpRequest, campaign_id: int, job_id: int) -> HttpResponse:
    campaign = access_campaign_for_assigning(request.user, campaign_id)
    job = get_object_or_404(Job, pk=job_id, owner=signed_in_user(request), kind=tasks.PROPOSALS_JOB)
    return render(request, "screening/proposals_job.html", {"campaign": campaign, "job": job})


@login_required
@require_GET
def sign_queue(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    page = paginate(selectors.to_sign(request.user, campaign), request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "screening/sign.html",
        {"campaign": campaign, "page": page, "units": selectors.campaign_units(campaign)},
    )


def _back(request: HttpRequest, assignment: Assignment) -> HttpResponse:
    fallback = reverse("intake:detail", args=[assignment.suggestion_id])
    return redirect(request.POST.get("next") or fallback)


@login_required
@require_POST
def sign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    try:
        signed = routing.assignment_sign(assignment_id=assignment.pk, actor=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if signed.signed_late:
            messages.warning(request, _("已签收（超过签收时限，已记录）。"))
        else:
            messages.success(request, _("已签收。"))
    return _back(request, assignment)


@login_required
@require_POST
def send_back(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明退回的原因。"))
        return _back(request, assignment)
    try:
        routing.assignment_send_back(
            assignment_id=assignment.pk,
            actor=signed_in_user(request),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, assignment)
    messages.success(request, _("已退回办公室重新分派。"))
    # The unit no longer holds it: back to its list, not to a page it may not see.
    return redirect("screening:sign", campaign_id=assignment.campaign_id)


@login_required
@require_POST
def transfer(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    units = selectors.campaign_units(assignment.campaign)
    form = TransferForm(request.POST, units=Unit.objects.filter(pk__in=[u.pk for u in units]))
    if not form.is_valid():
        messages.error(request, _("请选择要转给的单位。"))
        return _back(request, assignment)
    try:
        moved = routing.assignment_transfer(
            assignment_id=assignment.pk,
            actor=signed_in_user(request),
            to_unit=form.cleaned_data["unit"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, assignment)
    messages.success(request, _("已转办给%(unit)s。") % {"unit": moved.unit})
    return redirect("screening:sign", campaign_id=assignment.campaign_id)


# --- the office's setup ------------------------------------------------------------


def _setup_context(campaign: Campaign, form: ScreeningSetupForm | None = None) -> dict[str, object]:
    reasons = selectors.decision_reasons(campaign)
    templates = selectors.reply_templates(campaign)
    return {
        "campaign": campaign,
        "form": form
        or ScreeningSetupForm(
            initial={
                "sign_within_days": campaign.sign_within_days,
                "answer_within_days": campaign.answer_within_days,
                "invalid_reasons": "\n".join(reasons["invalid"]),
                "not_adopted_reasons": "\n".join(reasons["not_adopted"]),
            }
        ),
        "templates": [
            (
                t,
                ReplyTemplateForm(
                    initial={"status": t.status, "title": t.title, "text": t.text},
                    prefix=f"t{t.pk}",
                ),
            )
            for t in templates
        ],
        "new_template": ReplyTemplateForm(prefix="new"),
    }


@login_required
def setup(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_for_assigning(request.user, campaign_id)
    if request.method != "POST":
        return render(request, "screening/setup.html", _setup_context(campaign))
    form = ScreeningSetupForm(request.POST)
    if form.is_valid():
        try:
            setup_services.screening_setup_set(
                campaign=campaign,
                sign_within_days=form.cleaned_data["sign_within_days"],
                answer_within_days=form.cleaned_data["answer_within_days"],
                invalid_reasons=form.lines("invalid_reasons"),
                not_adopted_reasons=form.lines("not_adopted_reasons"),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已保存；以后的交办和筛选按新的设置。"))
            return redirect("screening:setup", campaign_id=campaign.pk)
    return render(request, "screening/setup.html", _setup_context(campaign, form), status=400)


@login_required
@require_POST
def template_save(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_for_assigning(request.user, campaign_id)
    template_id = request.POST.get("template", "")
    template = (
        get_object_or_404(ReplyTemplate, pk=template_id, campaign=campaign)
        if template_id.isdigit()
        else None
    )
    if request.POST.get("delete") and template is not None:
        setup_services.reply_template_delete(campaign=campaign, template=template)
        messages.success(request, _("已删除答复模板。"))
        return redirect("screening:setup", campaign_id=campaign.pk)
    form = ReplyTemplateForm(request.POST, prefix=f"t{template.pk}" if template else "new")
    if form.is_valid():
        try:
            setup_services.reply_template_save(
                campaign=campaign, template=template, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已保存答复模板。"))
    else:
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
    return redirect("screening:setup", campaign_id=campaign.pk)
