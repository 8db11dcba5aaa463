"""Supervision pages: a campaign's groups side by side with their coverage, setting up
a group (office), a group's units and inspections, recording an inspection and its
findings (the group's members). Thin: check access, call a service or selector,
render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from zhongzhi.campaigns.access import access_campaign, visible_campaigns
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.responses import xlsx_response
from zhongzhi.org.import_pages import campaign_import_page
from zhongzhi.rectification.views_evidence import PREVIEW_TYPE, stream_file
from zhongzhi.supervision import exports, selectors, services
from zhongzhi.supervision.access import (
    access_group,
    access_inspection,
    is_member,
    may_set_up,
)
from zhongzhi.supervision.forms import FindingForm, GroupForm, InspectionForm
from zhongzhi.supervision.imports import group_template_workbook, import_groups
from zhongzhi.supervision.models import InspectionPhoto, SupervisionGroup


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user).select_related("owner_unit"))
    if len(campaigns) == 1:
        return redirect("supervision:overview", campaign_id=campaigns[0].pk)
    return render(request, "supervision/home.html", {"campaigns": campaigns})


@login_required
@require_GET
def overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    groups = list(selectors.campaign_groups(request.user, campaign))
    return render(
        request,
        "supervision/overview.html",
        {
            "campaign": campaign,
            "rows": selectors.group_coverage(groups),
            "may_set_up": may_set_up(request.user, campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(
    request: HttpRequest, campaign_id: int | None = None, group_id: int | None = None
) -> HttpResponse:
    group: SupervisionGroup | None = None
    if group_id is not None:
        group = access_group(request.user, group_id)
        campaign = group.campaign
    else:
        assert campaign_id is not None
        campaign = access_campaign(request.user, campaign_id)
    if not may_set_up(request.user, campaign):
        raise Http404
    initial = GroupForm.initial_of(group) if group else None
    form = GroupForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.group_save(
                campaign=campaign,
                actor=signed_in_user(request),
                name=data["name"],
                leader=data["leader"],
                members=list(data["members"]),
                units=list(data["units"]),
                group=group,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已保存督导组“%(name)s”。") % {"name": saved.name})
            return redirect("supervision:group", group_id=saved.pk)
    return render(
        request, "supervision/group_form.html", {"campaign": campaign, "group": group, "form": form}
    )


@login_required
@require_GET
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    found = access_group(request.user, group_id)
    return render(
        request,
        "supervision/group.html",
        {
            "group": found,
            "campaign": found.campaign,
            "coverage": selectors.group_coverage([found])[0],
            "units": selectors.group_units(found),
            "inspections": selectors.group_inspections(found),
            "is_member": is_member(request.user, found),
            "may_set_up": may_set_up(request.user, found.campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest, group_id: int) -> HttpResponse:
    found = access_group(request.user, group_id)
    if not is_member(request.user, found):
        raise Http404
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"unit": request.GET.get("unit")},
        group=found,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_record(
                group=found,
                actor=signed_in_user(request),
                unit=data["unit"],
                date=data["date"],
                methods=data["methods"],
                plan_items=list(data["plan_items"]),
                notes=data["notes"],
                photos=data["photos"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已记录督导检查。发现问题的，请在下面逐条录入。"))
            return redirect("supervision:inspection", inspection_id=inspection.pk)
    return render(
        request,
        "supervision/inspection_new.html",
        {"group": found, "campaign": found.campaign, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    found = access_inspection(request.user, inspection_id)
    member = is_member(request.user, found.group)
    form = FindingForm(request.POST or None) if member else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                finding = services.finding_add(
                    inspection=found, actor=signed_in_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request,
                    _("已交单位整改：问题 %(number)d，整改措施和完成时限已发给%(unit)s。")
                    % {"number": finding.problem.number, "unit": found.unit.name},
                )
                return redirect("supervision:inspection", inspection_id=found.pk)
    return render(
        request,
        "supervision/inspection.html",
        {
            "inspection": found,
            "group": found.group,
            "campaign": found.campaign,
            "findings": selectors.inspection_findings(found),
            "form": form,
        },
    )


def _office_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = access_campaign(request.user, campaign_id)
    if not may_set_up(request.user, campaign):
        raise Http404
    return campaign


@login_required
@require_GET
def groups_template(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    return xlsx_response(group_template_workbook(campaign), "督导组导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def groups_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _office_campaign(request, campaign_id)
    return campaign_import_page(
        request,
        campaign,
        importer=import_groups,
        template_name="supervision/import.html",
        marked_filename="督导组导入-错误标注.xlsx",
        success=lambda result: (
            _("导入成功：设置了 %(count)d 个督导组。") % {"count": result.created}
        ),
        done_url=reverse("supervision:overview", args=[campaign.pk]),
    )


@login_required
@require_safe
def inspection_photo(request: HttpRequest, photo_id: int, preview: bool = False) -> FileResponse:
    try:
        photo = InspectionPhoto.objects.get(pk=photo_id)
    except InspectionPhoto.DoesNotExist:
        raise Http404 from None
    access_inspection(request.user, photo.inspection_id)  # 404 unless the viewer sees it
    if preview:
        stem = photo.original_name.rpartition(".")[0] or photo.original_name
        return stream_file(photo.preview, PREVIEW_TYPE, f"{stem}.jpg", inline=True)
    return stream_file(photo.file, photo.content_type, photo.original_name, inline=True)


@login_required
@require_GET
def findings_ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    content = exports.findings_workbook(request.user, campaign)
    return xlsx_response(content, exports.findings_filename(campaign))
