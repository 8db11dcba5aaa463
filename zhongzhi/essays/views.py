"""Essays pages: a campaign's overview (completion by unit, the writers with filters,
and the office's tools: due date, xlsx import, adding from accounts, reminders,
the ledger), the writer's own page (write online or upload, hand in), an essay's
page (the office marks excellent ones) and its file. Thin: check access, call a
service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from zhongzhi.campaigns.access import access_campaign, visible_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.responses import xlsx_response
from zhongzhi.essays import selectors, services
from zhongzhi.essays.access import access_assignment, runs_essays, sees_essays
from zhongzhi.essays.exports import essay_ledger_workbook
from zhongzhi.essays.forms import DueForm, EssayForm, FromAccountsForm, MarkForm
from zhongzhi.essays.imports import import_writers, writer_template_workbook
from zhongzhi.essays.models import Essay, EssayAssignment
from zhongzhi.org.import_pages import campaign_import_page
from zhongzhi.org.models import Unit
from zhongzhi.rectification.views_evidence import stream_file

PAGE_SIZE = 100


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user).select_related("owner_unit"))
    mine = {a.campaign_id: a for a in selectors.my_assignments(request.user)}
    rows = [(c, sees_essays(request.user, c), c.pk in mine) for c in campaigns]
    rows = [row for row in rows if row[1] or row[2]]
    if len(rows) == 1:
        campaign, overview, _writer = rows[0]
        return redirect("essays:overview" if overview else "essays:mine", campaign_id=campaign.pk)
    return render(request, "essays/home.html", {"rows": rows})


def _essay_of(assignment: EssayAssignment) -> Essay | None:
    # The reverse one-to-one raises (an AttributeError) when there is no essay yet.
    return getattr(assignment, "essay", None)


@login_required
@require_GET
def overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    if not sees_essays(request.user, campaign):
        if selectors.my_assignments(request.user).filter(campaign=campaign).exists():
            return redirect("essays:mine", campaign_id=campaign.pk)
        raise Http404
    return _overview_page(request, campaign)


def _overview_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    due_form: DueForm | None = None,
    accounts_form: FromAccountsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    office = runs_essays(request.user, campaign)
    completion = selectors.completion_by_unit(request.user, campaign)
    try:
        unit_id: int | None = int(request.GET.get("unit", ""))
    except ValueError:
        unit_id = None
    state = request.GET.get("status", "")
    rows = selectors.campaign_assignments(request.user, campaign, unit_id=unit_id, status=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, object] = {
        "campaign": campaign,
        "completion": completion,
        "page": page,
        "unit_id": unit_id,
        "status": state,
        "statuses": list(selectors.STATUS_FILTERS.items()),
        "office": office,
        "today": clock.today(),
        "mine": selectors.my_assignments(request.user).filter(campaign=campaign).first(),
    }
    context["due_date"] = services.essay_due_date(campaign)
    if office:
        context["due_form"] = due_form or DueForm(initial={"due_date": context["due_date"]})
        units = Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")
        context["accounts_form"] = accounts_form or FromAccountsForm(units=units)
    return render(request, "essays/overview.html", context, status=status)


def _office_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = access_campaign(request.user, campaign_id)
    if not runs_essays(request.user, campaign):
        raise Http404
    return campaign


@login_required
@require_POST
def due(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    form = DueForm(request.POST)
    if form.is_valid():
        try:
            moved = services.essay_due_set(
                campaign=campaign,
                actor=signed_in_user(request),
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("已设置截止日期，%(n)d 名撰写人的截止日期随之调整。") % {"n": moved}
            )
            return redirect("essays:overview", campaign_id=campaign.pk)
    return _overview_page(request, campaign, due_form=form, status=400)


@login_required
@require_POST
def from_accounts(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    units = Unit.objects.filter(path__startswith=campaign.owner_unit.path).order_by("path")
    form = FromAccountsForm(request.POST, units=units)
    if form.is_valid():
        try:
            result = services.assignments_from_accounts(
                campaign=campaign,
                actor=signed_in_user(request),
                role=form.cleaned_data["role"],
                units=form.cleaned_data["units"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("已添加 %(added)d 名撰写人；%(already)d 人已在名单中，未重复添加。")
                % {"added": result.added, "already": result.already},
            )
            return redirect("essays:overview", campaign_id=campaign.pk)
    return _overview_page(request, campaign, accounts_form=form, status=400)


@login_required
@require_POST
def remove(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    if not runs_essays(request.user, assignment.campaign):
        raise Http404
    try:
        services.assignment_remove(assignment=assignment, actor=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已将%(name)s移出撰写名单。")
            % {"name": assignment.writer.full_name or assignment.writer.username},
        )
    return redirect("essays:overview", campaign_id=assignment.campaign_id)


@login_required
@require_POST
def remind(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    sent = services.essays_remind(campaign=campaign, actor=signed_in_user(request))
    if sent:
        messages.success(request, _("已提醒 %(n)d 名未提交的撰写人。") % {"n": sent})
    else:
        messages.info(request, _("名单中的人员都已提交，没有需要提醒的。"))
    return redirect("essays:overview", campaign_id=campaign.pk)


@login_required
@require_GET
def writers_template(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    return xlsx_response(writer_template_workbook(campaign), "心得体会撰写人导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def writers_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    return campaign_import_page(
        request,
        campaign,
        importer=import_writers,
        template_name="essays/import.html",
        marked_filename="心得体会撰写人导入-错误标注.xlsx",
        success=lambda result: (
            _("导入成功：添加了 %(count)d 名撰写人。") % {"count": result.created}
        ),
        done_url=reverse("essays:overview", args=[campaign.pk]),
    )


@login_required
@require_GET
def export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    if not sees_essays(request.user, campaign):
        raise Http404
    content = essay_ledger_workbook(request.user, campaign)
    return xlsx_response(content, f"心得体会台账-{campaign.name}.xlsx")


def _my_assignment(request: HttpRequest, campaign_id: int) -> EssayAssignment:
    campaign = access_campaign(request.user, campaign_id)
    found = selectors.my_assignments(request.user).filter(campaign=campaign).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, campaign_id: int) -> HttpResponse:
    assignment = _my_assignment(request, campaign_id)
    essay = _essay_of(assignment)
    initial = {"title": essay.title, "text": essay.text} if essay else None
    form = EssayForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                services.essay_save(
                    assignment=assignment,
                    actor=signed_in_user(request),
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"] or None,
                    submit=submit,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已提交心得体会，谢谢。")
                    if submit
                    else _("已保存草稿（替换了之前的草稿）。提交前可以继续修改。"),
                )
                return redirect("essays:mine", campaign_id=assignment.campaign_id)
        status = 400
        essay = Essay.objects.filter(assignment=assignment).first()
    return render(
        request,
        "essays/mine.html",
        {
            "assignment": assignment,
            "campaign": assignment.campaign,
            "essay": essay,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def essay(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    return _essay_page(request, assignment, MarkForm())


def _essay_page(
    request: HttpRequest, assignment: EssayAssignment, form: MarkForm, status: int = 200
) -> HttpResponse:
    found = _essay_of(assignment)
    # A draft is the writer's own until handed in.
    own = assignment.writer_id == request.user.pk
    shown = found if found is not None and (found.submitted or own) else None
    return render(
        request,
        "essays/essay.html",
        {
            "assignment": assignment,
            "campaign": assignment.campaign,
            "essay": shown,
            "office": runs_essays(request.user, assignment.campaign),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def mark(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    if not runs_essays(request.user, assignment.campaign):
        raise Http404
    found = _essay_of(assignment)
    form = MarkForm(request.POST)
    if found is None:
        form.add_error(None, _("心得体会还没有提交，不能评为优秀。"))
    elif form.is_valid():
        excellent = request.POST.get("excellent") == "1"
        try:
            services.essay_mark_excellent(
                essay=found,
                actor=signed_in_user(request),
                excellent=excellent,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已评为优秀心得体会。") if excellent else _("已取消优秀。"))
            return redirect("essays:essay", assignment_id=assignment.pk)
    return _essay_page(request, assignment, form, status=400)


@login_required
@require_POST
def send_back(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id)
    if not runs_essays(request.user, assignment.campaign):
        raise Http404
    found = _essay_of(assignment)
    form = MarkForm(request.POST)
    if found is None:
        form.add_error(None, _("心得体会还没有提交，不需要退回。"))
    elif form.is_valid():
        try:
            services.essay_return(
                essay=found, actor=signed_in_user(request), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已退回，撰写人修改后可以重新提交。"))
            return redirect("essays:essay", assignment_id=assignment.pk)
    return _essay_page(request, assignment, form, status=400)


@login_required
@require_safe
def essay_file(request: HttpRequest, assignment_id: int) -> FileResponse:
    assignment = access_assignment(request.user, assignment_id)
    found = _essay_of(assignment)
    if found is None or not found.file:
        raise Http404
    if not found.submitted and assignment.writer_id != request.user.pk:
        raise Http404  # a draft is the writer's own until handed in
    inline = found.file_content_type == "application/pdf"
    return stream_file(found.file, found.file_content_type, found.file_name, inline=inline)
