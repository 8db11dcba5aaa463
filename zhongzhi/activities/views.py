"""Activity pages: a campaign's activities with filters, the form (attendance per
category, photos and minutes), an activity with its suggestions and the way to the
quick entry, the "7+11" coverage matrix, the ledger export, the office's settings, and
the files, served only to those who see the activity. Thin: access, parse, call a
service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from zhongzhi.activities import selectors, services
from zhongzhi.activities.access import (
    access_activity,
    access_activity_for_change,
    coverage_units,
    may_change,
    may_record,
)
from zhongzhi.activities.exports import activities_workbook
from zhongzhi.activities.forms import ActivityForm, FilterForm, SettingsForm
from zhongzhi.activities.models import Activity, ActivityFile
from zhongzhi.campaigns.access import (
    access_campaign,
    can_manage_campaign,
    entry_units,
    visible_campaigns,
    visible_plan_items,
)
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Stage, Topic
from zhongzhi.core import clock
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.paging import paginate
from zhongzhi.core.responses import xlsx_response
from zhongzhi.org.models import Unit
from zhongzhi.rectification.models import EvidenceKind
from zhongzhi.rectification.views_evidence import PREVIEW_TYPE, stream_file

PER_PAGE = 50


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user))
    if len(campaigns) == 1:
        return redirect("activities:list", campaign_id=campaigns[0].pk)
    return render(request, "activities/home.html", {"campaigns": campaigns})


def _scope(request: HttpRequest, campaign: Campaign) -> tuple[bool, list[Unit]]:
    whole, units = coverage_units(request.user, campaign)
    unit_list = list(units)
    if not whole and not unit_list:
        raise Http404
    return whole, unit_list


def _subtree_ids(unit: Unit, allowed: list[Unit]) -> list[int]:
    return [u.pk for u in allowed if u.path.startswith(unit.path)]


def _filters(
    request: HttpRequest, campaign: Campaign, units: list[Unit], whole: bool
) -> tuple[FilterForm, selectors.ActivityFilters]:
    stages = list(Stage.objects.filter(campaign=campaign).order_by("order"))
    plan_items = list(visible_plan_items(request.user, campaign).order_by("stage__order", "order"))
    form = FilterForm(
        request.GET or None,
        units=units,
        kinds=selectors.campaign_kinds(campaign),
        stages=stages,
        plan_items=plan_items,
    )
    unit_id = form.value("unit")
    chosen = next((u for u in units if u.pk == unit_id), None)
    unit_ids = _subtree_ids(chosen, units) if chosen else (None if whole else [u.pk for u in units])
    date_from, date_to = form.dates()
    return form, selectors.ActivityFilters(
        unit_ids=unit_ids,
        kind_id=form.value("kind"),
        base=form.value("base") or "",
        stage_id=form.value("stage"),
        plan_item_id=form.value("plan_item"),
        date_from=date_from,
        date_to=date_to,
    )


@login_required
@require_GET
def activity_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    whole, units = _scope(request, campaign)
    form, filters = _filters(request, campaign, units, whole)
    page = paginate(
        selectors.campaign_activities(request.user, campaign, filters),
        request.GET.get("page"),
        PER_PAGE,
    )
    return render(
        request,
        "activities/list.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "activities": page.object_list,
            "may_record": may_record(request.user, campaign),
            "is_office": can_manage_campaign(request.user, campaign),
            "flagged": selectors.flagged_plan_items(campaign, clock.today()) if whole else None,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def activity_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    whole, units = _scope(request, campaign)
    _form, filters = _filters(request, campaign, units, whole)
    activities = list(selectors.campaign_activities(request.user, campaign, filters))
    categories = list(ParticipantCategory.objects.filter(campaign=campaign).order_by("order"))
    matrix = selectors.coverage_matrix(campaign, filters.unit_ids)
    content = activities_workbook(campaign, activities, categories, matrix)
    return xlsx_response(content, f"活动台账-{clock.today():%Y%m%d}.xlsx")


def _form(request: HttpRequest, campaign: Campaign, **kwargs: object) -> ActivityForm:
    return ActivityForm(
        request.POST or None,
        request.FILES or None,
        units=entry_units(request.user, campaign),
        # A campaign no template gave kinds to starts with the default set.
        kinds=selectors.campaign_kinds(campaign)
        or services.activity_kinds_ensure(campaign=campaign),
        stages=Stage.objects.filter(campaign=campaign).order_by("order"),
        plan_items=visible_plan_items(request.user, campaign).order_by("stage__order", "order"),
        topics=Topic.objects.filter(campaign=campaign).order_by("order", "pk"),
        categories=list(ParticipantCategory.objects.filter(campaign=campaign).order_by("order")),
        **kwargs,  # type: ignore[arg-type]  # initial= only
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    if not may_record(request.user, campaign):
        raise Http404
    initial: dict[str, object] = {"held_on": clock.today()}
    plan_item = request.GET.get("plan_item", "")
    if plan_item.isdigit():
        initial["plan_item"] = int(plan_item)
    form = _form(request, campaign, initial=initial)
    return _save(request, campaign, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity_for_change(request.user, activity_id)
    initial: dict[str, object] = {
        "unit": activity.unit_id,
        "kind": activity.kind_id,
        "name": activity.name,
        "held_on": activity.held_on,
        "place": activity.place,
        "host": activity.host,
        "stage": activity.stage_id,
        "plan_item": activity.plan_item_id,
        "topics": list(activity.topics.values_list("pk", flat=True)),
        "summary": activity.summary,
    }
    for row in activity.attendance.all():
        initial[f"attendance_{row.category_id}"] = row.count
    form = _form(request, activity.campaign, initial=initial)
    return _save(request, activity.campaign, form, activity)


def _save(
    request: HttpRequest, campaign: Campaign, form: ActivityForm, activity: Activity | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_save(
                campaign=campaign,
                actor=signed_in_user(request),
                activity=activity,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("活动“%(name)s”已保存。") % {"name": saved.name})
            return redirect("activities:detail", activity_id=saved.pk)
    return render(
        request,
        "activities/form.html",
        {
            "campaign": campaign,
            "form": form,
            "activity": activity,
            "max_attendance": services.max_attendance(campaign),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    files = list(activity.files.all())
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "campaign": activity.campaign,
            "attendance": selectors.activity_attendance(activity),
            "topics": list(activity.topics.order_by("order", "pk")),
            "photos": [f for f in files if f.kind == EvidenceKind.IMAGE],
            "documents": [f for f in files if f.kind != EvidenceKind.IMAGE],
            "suggestions": selectors.activity_suggestions(activity),
            "may_change": may_change(request.user, activity),
        },
    )


def _access_file(request: HttpRequest, file_id: int) -> ActivityFile:
    found = ActivityFile.objects.filter(pk=file_id).only("activity_id").first()
    if found is None:
        raise Http404
    access_activity(request.user, found.activity_id)  # 404 unless the activity is seen
    return ActivityFile.objects.get(pk=file_id)


@login_required
@require_safe
def activity_file(request: HttpRequest, file_id: int) -> FileResponse:
    item = _access_file(request, file_id)
    inline = item.kind in (EvidenceKind.IMAGE, EvidenceKind.PDF)
    return stream_file(item.file, item.content_type, item.original_name, inline=inline)


@login_required
@require_safe
def activity_file_preview(request: HttpRequest, file_id: int) -> FileResponse:
    item = _access_file(request, file_id)
    if not item.preview:
        raise Http404
    stem = item.original_name.rpartition(".")[0] or item.original_name
    return stream_file(item.preview, PREVIEW_TYPE, f"{stem}.jpg", inline=True)


@login_required
@require_GET
def coverage(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    whole, units = _scope(request, campaign)
    raw = request.GET.get("unit", "")
    chosen = next((u for u in units if raw.isdigit() and u.pk == int(raw)), None)
    if chosen is not None:
        unit_ids: list[int] | None = _subtree_ids(chosen, units)
    else:
        unit_ids = None if whole else [u.pk for u in units]
    matrix = selectors.coverage_matrix(campaign, unit_ids)
    return render(
        request,
        "activities/coverage.html",
        {
            "campaign": campaign,
            "matrix": matrix,
            "units": units,
            "chosen": chosen,
            "whole": whole,
            "is_office": can_manage_campaign(request.user, campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    form = SettingsForm(
        request.POST or None, initial={"max_attendance": services.max_attendance(campaign)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_settings_save(
                campaign=campaign, actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("活动设置已保存。"))
            return redirect("activities:list", campaign_id=campaign.pk)
    return render(
        request,
        "activities/settings.html",
        {"campaign": campaign, "form": form},
        status=400 if request.method == "POST" else 200,
    )
