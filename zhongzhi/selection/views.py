"""Golden-idea selection pages: a campaign's rounds, the office's round page (setup,
reviewers' progress, closing, the ranked list), the reviewer's sheet with a score form
per idea (htmx saves one idea at a time), and the exports. Thin: parse, check access,
call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.campaigns.access import access_campaign, can_manage_campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.responses import docx_response, xlsx_response
from zhongzhi.selection import exports, selectors, services
from zhongzhi.selection.access import (
    access_entry,
    access_round_for_managing,
    access_round_for_reviewing,
    access_round_results,
    can_manage_round,
    can_review_round,
)
from zhongzhi.selection.forms import (
    CriteriaForm,
    EntryAddForm,
    ReviewersForm,
    RoundOpenForm,
    RoundUpdateForm,
    ScoreForm,
)
from zhongzhi.selection.models import SelectionRound
from zhongzhi.selection.selectors import SheetRow


def _round_url(selection_round: SelectionRound) -> str:
    return reverse("selection:round", args=[selection_round.pk])


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: object) -> None:
    for field_errors in form.errors.values():  # type: ignore[attr-defined]
        for message in field_errors:
            messages.error(request, str(message))


# --- a campaign's rounds --------------------------------------------------------------


def _rounds_page(
    request: HttpRequest, campaign_id: int, form: RoundOpenForm | None
) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    manages = can_manage_campaign(request.user, campaign)
    if manages and form is None:
        form = RoundOpenForm(
            units=selectors.round_units(campaign),
            candidates=selectors.reviewer_candidates(campaign),
            initial={"name": _("%(campaign)s金点子评选") % {"campaign": campaign.name}},
        )
    return render(
        request,
        "selection/rounds.html",
        {
            "campaign": campaign,
            "rows": selectors.campaign_round_rows(request.user, campaign),
            "form": form if manages else None,
            "excellent": len(services.shortlist_candidates(campaign, None)) if manages else 0,
        },
    )


@login_required
@require_GET
def rounds(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _rounds_page(request, campaign_id, None)


@login_required
@require_POST
def round_open(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    form = RoundOpenForm(
        request.POST,
        units=selectors.round_units(campaign),
        candidates=selectors.reviewer_candidates(campaign),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            opened = services.round_open(
                campaign=campaign,
                name=data["name"],
                actor=signed_in_user(request),
                criteria=form.criteria_names(),
                top_n=data["top_n"],
                unit=data["unit"],
                reviewers=list(data["reviewers"]),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("已开始评选：名单中有 %(n)d 条优秀金点子，已记入操作日志。")
                % {"n": opened.entries.count()},
            )
            return redirect(_round_url(opened))
    return _rounds_page(request, campaign.pk, form)


# --- the office's round page ----------------------------------------------------------


@login_required
@require_GET
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_results(request.user, round_id)
    manages = can_manage_round(request.user, selection_round)
    campaign = selection_round.campaign
    criteria = selectors.round_criteria(selection_round)
    context: dict[str, object] = {
        "round": selection_round,
        "campaign": campaign,
        "criteria": criteria,
        "manages": manages,
        "reviews": can_review_round(request.user, selection_round),
        "progress": selectors.reviewer_progress(selection_round),
    }
    if selection_round.is_open:
        started = selectors.scoring_started(selection_round)
        candidates = selectors.reviewer_candidates(campaign)
        context |= {
            "entries": list(selectors.round_entries(selection_round)),
            "started": started,
            "update_form": RoundUpdateForm(
                initial={"name": selection_round.name, "top_n": selection_round.top_n}
            ),
            "criteria_form": CriteriaForm(
                initial={"criteria": "\n".join(c.name for c in criteria)}
            ),
            "reviewers_form": ReviewersForm(
                candidates=candidates,
                initial={"reviewers": list(selection_round.reviewers.all())},
            ),
            "add_form": EntryAddForm(campaign=campaign),
        }
    else:
        entries = selectors.ranked_entries(selection_round)
        context |= {"ranked": entries, "chosen": sum(1 for e in entries if e.chosen)}
    return render(request, "selection/round.html", context)


@login_required
@require_POST
def round_update(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_for_managing(request.user, round_id)
    form = RoundUpdateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_round_url(selection_round))
    try:
        services.round_update(
            round_id=selection_round.pk,
            actor=signed_in_user(request),
            name=form.cleaned_data["name"],
            top_n=form.cleaned_data["top_n"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("评选设置已保存。"))
    return redirect(_round_url(selection_round))


@login_required
@require_POST
def criteria(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_for_managing(request.user, round_id)
    form = CriteriaForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_round_url(selection_round))
    try:
        services.round_set_criteria(
            round_id=selection_round.pk,
            actor=signed_in_user(request),
            names=form.criteria_names(),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("评分项已保存。"))
    return redirect(_round_url(selection_round))


@login_required
@require_POST
def reviewers(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_for_managing(request.user, round_id)
    form = ReviewersForm(
        request.POST, candidates=selectors.reviewer_candidates(selection_round.campaign)
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_round_url(selection_round))
    try:
        services.round_set_reviewers(
            round_id=selection_round.pk,
            actor=signed_in_user(request),
            reviewers=list(form.cleaned_data["reviewers"]),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("评审人已保存。"))
    return redirect(_round_url(selection_round))


@login_required
@require_POST
def entry_add(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_for_managing(request.user, round_id)
    form = EntryAddForm(request.POST, campaign=selection_round.campaign)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_round_url(selection_round))
    suggestion = form.cleaned_data["receipt_code"]
    try:
        services.round_entry_add(
            round_id=selection_round.pk, actor=signed_in_user(request), suggestion=suggestion
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("已把 %(code)s 加入评选名单。") % {"code": suggestion.receipt_code_display}
        )
    return redirect(_round_url(selection_round))


@login_required
@require_POST
def entry_remove(request: HttpRequest, round_id: int, entry_id: int) -> HttpResponse:
    selection_round = access_round_for_managing(request.user, round_id)
    entry = access_entry(selection_round, entry_id)
    try:
        services.round_entry_remove(
            round_id=selection_round.pk, entry_id=entry.pk, actor=signed_in_user(request)
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("已把 %(code)s 移出评选名单。") % {"code": entry.suggestion.receipt_code_display},
        )
    return redirect(_round_url(selection_round))


@login_required
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_for_managing(request.user, round_id)
    try:
        services.round_close(round_id=selection_round.pk, actor=signed_in_user(request))
    except ValidationError as error:
        _errors(request, error)
    else:
        chosen = selection_round.entries.filter(chosen=True).count()
        messages.success(
            request,
            _("评选已结束：%(n)d 条金点子入选，结果已确定并记入操作日志。") % {"n": chosen},
        )
    return redirect(_round_url(selection_round))


# --- the reviewer's sheet -------------------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = access_round_for_reviewing(request.user, round_id)
    reviewer = signed_in_user(request)
    return render(
        request,
        "selection/review.html",
        {
            "round": selection_round,
            "campaign": selection_round.campaign,
            "criteria": selectors.round_criteria(selection_round),
            "rows": selectors.review_sheet(selection_round, reviewer),
            "progress": selectors.my_progress(selection_round, reviewer),
            "scores": range(1, 6),
        },
    )


@login_required
@require_POST
def score(request: HttpRequest, round_id: int, entry_id: int) -> HttpResponse:
    selection_round = access_round_for_reviewing(request.user, round_id)
    entry = access_entry(selection_round, entry_id)
    reviewer = signed_in_user(request)
    criteria = selectors.round_criteria(selection_round)
    form = ScoreForm(request.POST)
    errors: list[str] = []
    posted: dict[int, int] = {}
    try:
        if not form.is_valid():
            raise ValidationError([str(e) for errs in form.errors.values() for e in errs])
        posted = form.values()
        services.entry_score(
            entry_id=entry.pk,
            reviewer=reviewer,
            values=posted,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        errors = error.messages
    if not request.headers.get("HX-Request"):
        for message in errors:
            messages.error(request, message)
        if not errors:
            messages.success(
                request,
                _("已保存 %(code)s 的评分。") % {"code": entry.suggestion.receipt_code_display},
            )
        return redirect(
            reverse("selection:review", args=[selection_round.pk]) + f"#entry-{entry.pk}"
        )
    if errors:
        # What the reviewer sent, so that they correct it instead of starting over.
        known = {c.pk for c in criteria}
        row = SheetRow(
            entry,
            {k: v for k, v in posted.items() if k in known},
            str(request.POST.get("comment", "")),
        )
    else:
        row = selectors.sheet_row(entry, reviewer)
    return render(
        request,
        "selection/partials/score_response.html",
        {
            "round": selection_round,
            "criteria": criteria,
            "row": row,
            "errors": errors,
            "saved": not errors,
            "progress": selectors.my_progress(selection_round, reviewer),
            "scores": range(1, 6),
        },
    )


# --- exports --------------------------------------------------------------------------


def _closed_results(request: HttpRequest, round_id: int) -> SelectionRound:
    selection_round = access_round_results(request.user, round_id)
    if selection_round.is_open:
        raise Http404  # results exist once the round has closed
    return selection_round


@login_required
@require_GET
def results_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = _closed_results(request, round_id)
    content = exports.results_workbook(selection_round, selectors.ranked_entries(selection_round))
    return xlsx_response(content, exports.filename(selection_round, "xlsx"))


@login_required
@require_GET
def results_docx(request: HttpRequest, round_id: int) -> HttpResponse:
    selection_round = _closed_results(request, round_id)
    content = exports.results_document(selection_round, selectors.ranked_entries(selection_round))
    return docx_response(content, exports.filename(selection_round, "docx"))
