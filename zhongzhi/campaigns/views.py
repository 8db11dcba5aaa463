"""Campaign pages: thin views that check access, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongzhi.activities.selectors import plan_item_activities
from zhongzhi.campaigns import services
from zhongzhi.campaigns.access import access_campaign, access_plan_item, can_manage_campaign
from zhongzhi.campaigns.exports import plan_items_workbook
from zhongzhi.campaigns.forms import (
    CampaignForm,
    CategoryForm,
    PlanItemForm,
    PlanItemStatusForm,
    StageForm,
    TemplateApplyForm,
    TopicForm,
)
from zhongzhi.campaigns.models import PlanItem, Stage
from zhongzhi.campaigns.selectors import campaign_overview, campaigns_for
from zhongzhi.core import clock
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.responses import xlsx_response
from zhongzhi.org.access import office_units


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns_for(request.user),
            "can_create": office_units(request.user).exists(),
        },
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    overview = campaign_overview(request.user, campaign, clock.today())
    _attach_activities(request, overview.plan_items)
    saved = request.GET.get("saved", "")
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "overview": overview,
            "campaign": campaign,
            "can_manage": can_manage_campaign(request.user, campaign),
            "status_form": PlanItemStatusForm(),
            "template_form": TemplateApplyForm(offer_to=campaign, has_stages=bool(overview.stages)),
            # The plan item just saved without JavaScript: its row says so.
            "saved_item_id": int(saved) if saved.isdigit() else None,
        },
    )


def _attach_activities(request: HttpRequest, items: list[PlanItem]) -> None:
    """Each plan item's activities (those the user sees) and whether it is flagged: its
    window is over and nothing was done against it. One query for all rows."""
    found = plan_item_activities(request.user, items, clock.today())
    for item in items:
        item.activity_info = found[item.pk]  # type: ignore[attr-defined]  # for the row


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    owner_units = office_units(request.user)
    if not owner_units.exists():
        raise Http404
    form = CampaignForm(request.POST or None, owner_units=owner_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                name=data["name"],
                theme=data["theme"],
                slogan=data["slogan"],
                owner_unit=data["owner_unit"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                templates=data["templates"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("活动已创建。"))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": _("新建活动")})


@login_required
def stage_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    return _stage_form(request, campaign, stage=None)


@login_required
def stage_edit(request: HttpRequest, campaign_id: int, stage_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    try:
        stage = Stage.objects.get(pk=stage_id, campaign=campaign)
    except Stage.DoesNotExist:
        raise Http404 from None
    return _stage_form(request, campaign, stage=stage)


def _stage_form(request: HttpRequest, campaign, stage: Stage | None) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if stage is None:
                services.stage_add(campaign=campaign, **data)
            else:
                services.stage_update(stage=stage, **data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("阶段已保存。"))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    title = _("添加阶段") if stage is None else _("修改阶段")
    return render(
        request, "campaigns/form.html", {"form": form, "title": title, "campaign": campaign}
    )


@login_required
def topic_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_add(campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("方面已添加。"))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request, "campaigns/form.html", {"form": form, "title": _("添加方面"), "campaign": campaign}
    )


@login_required
def category_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_add(campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("群体类别已添加。"))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": _("添加群体类别"), "campaign": campaign},
    )


@login_required
def plan_item_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    form = PlanItemForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_add(campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("工作任务已添加。"))
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": _("添加工作任务"), "campaign": campaign},
    )


@login_required
@require_POST
def template_apply(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    form = TemplateApplyForm(request.POST)
    if form.is_valid():
        try:
            blueprint = services.template_apply(
                campaign=campaign, key=form.cleaned_data["template"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已套用模板“%(name)s”。") % {"name": blueprint.name})
    else:
        messages.error(request, _("请选择一个模板。"))
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@login_required
@require_POST
def plan_item_status(request: HttpRequest, plan_item_id: int) -> HttpResponse:
    item = access_plan_item(request.user, plan_item_id, for_change=True)
    form = PlanItemStatusForm(request.POST)
    error = ""
    if form.is_valid():
        services.plan_item_update_status(
            plan_item=item,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            updated_by=signed_in_user(request),
        )
    else:
        error = _("请选择有效的状态，进展说明不超过 500 字。")
    if request.headers.get("HX-Request"):
        # The row swaps in place, so the page keeps its scroll position; htmx swaps
        # 2xx answers only, so an error is a 200 too, shown in the row.
        _attach_activities(request, [item])
        context = {
            "item": item,
            "can_change": True,
            "status_form": PlanItemStatusForm(),
            "error": error,
            "saved_item_id": None if error else item.pk,
        }
        return render(request, "campaigns/partials/plan_item_row.html", context)
    overview = reverse("campaigns:detail", args=[item.campaign_id])
    if error:
        messages.error(request, error)
        return redirect(overview)
    # Without JavaScript: back to the row, which says it was saved.
    return redirect(f"{overview}?saved={item.pk}#plan-item-{item.pk}")


@login_required
def plan_items_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    overview = campaign_overview(request.user, campaign, clock.today())
    return xlsx_response(
        plan_items_workbook(campaign, overview.plan_items),
        f"{campaign.name}-工作任务.xlsx",
    )
