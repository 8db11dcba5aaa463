"""Research pages: a campaign's topics with their state, a unit's application, a
topic with its milestones and the step its viewer may take (立项 / 退回 / 结题 / 评定),
and the final report, served only to those who see the topic."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from zhongzhi.campaigns.access import access_campaign, entry_units, visible_campaigns
from zhongzhi.core import clock
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.responses import xlsx_response
from zhongzhi.rectification.views_evidence import stream_file
from zhongzhi.research import exports, selectors, services
from zhongzhi.research.access import access_topic, acts_for_unit
from zhongzhi.research.forms import StepForm, TopicForm
from zhongzhi.research.models import Milestone, ResearchTopic, TopicState


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user))
    if len(campaigns) == 1:
        return redirect("research:topics", campaign_id=campaigns[0].pk)
    return render(request, "research/home.html", {"campaigns": campaigns})


@login_required
@require_GET
def topics(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    state = request.GET.get("state", "")
    return render(
        request,
        "research/topics.html",
        {
            "campaign": campaign,
            "topics": selectors.campaign_topics(request.user, campaign, state),
            "counts": [
                (value, label, n)
                for (value, label), n in zip(
                    TopicState.choices,
                    selectors.state_counts(request.user, campaign).values(),
                    strict=True,
                )
            ],
            "state": state,
            "may_apply": entry_units(request.user, campaign).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    units = entry_units(request.user, campaign)
    if not units.exists():
        raise Http404
    form = TopicForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_apply(
                campaign=campaign, actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("已申报课题 %(number)d，等待活动办公室立项。") % {"number": topic.number}
            )
            return redirect("research:topic", topic_id=topic.pk)
    return render(request, "research/apply.html", {"campaign": campaign, "form": form})


STEP_LABELS = {
    "approve": gettext_lazy("同意立项"),
    "return": gettext_lazy("退回修改"),
    "resubmit": gettext_lazy("重新申报"),
    "report": gettext_lazy("提交结题报告"),
    "grade": gettext_lazy("评定结题"),
}


@login_required
@require_GET
def topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    found = access_topic(request.user, topic_id)
    return _topic_page(request, found, StepForm())


def _topic_page(
    request: HttpRequest, found: ResearchTopic, form: StepForm, status: int = 200
) -> HttpResponse:
    steps = services.allowed_steps(signed_in_user(request), found)
    return render(
        request,
        "research/topic.html",
        {
            "topic": found,
            "campaign": found.campaign,
            "milestones": found.milestones.all(),
            "may_mark": found.state == TopicState.APPROVED
            and acts_for_unit(signed_in_user(request), found),
            "today": clock.today(),
            "steps": [(key, STEP_LABELS[key]) for key in steps],
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def step(request: HttpRequest, topic_id: int) -> HttpResponse:
    found = access_topic(request.user, topic_id)
    form = StepForm(request.POST, request.FILES)
    key = request.POST.get("step", "")
    if form.is_valid():
        try:
            services.topic_step(
                topic=found,
                key=key,
                actor=signed_in_user(request),
                note=form.cleaned_data["note"],
                grade=form.cleaned_data["grade"],
                report=form.cleaned_data["report"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("已%(step)s。") % {"step": STEP_LABELS.get(key, "")})
            return redirect("research:topic", topic_id=found.pk)
    found.refresh_from_db()
    return _topic_page(request, found, form, status=400)


@login_required
@require_safe
def report_file(request: HttpRequest, topic_id: int) -> FileResponse:
    found = access_topic(request.user, topic_id)
    if not found.report:
        raise Http404
    inline = found.report_content_type == "application/pdf"
    return stream_file(found.report, found.report_content_type, found.report_name, inline=inline)


@login_required
@require_POST
def milestone_mark(request: HttpRequest, milestone_id: int) -> HttpResponse:
    try:
        milestone = Milestone.objects.get(pk=milestone_id)
    except Milestone.DoesNotExist:
        raise Http404 from None
    found = access_topic(request.user, milestone.topic_id)
    done = request.POST.get("done") == "1"
    try:
        services.milestone_mark(milestone=milestone, actor=signed_in_user(request), done=done)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        done_text = (
            _("已标记节点“%(title)s”完成。") if done else _("已取消节点“%(title)s”的完成标记。")
        )
        messages.success(request, done_text % {"title": milestone.title})
    return redirect("research:topic", topic_id=found.pk)


@login_required
@require_GET
def ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    content = exports.topics_workbook(request.user, campaign, request.GET.get("state", ""))
    return xlsx_response(content, exports.topics_filename(campaign))
