"""Pages of the triage layer: a campaign's hot issues, ranked; the members of one, with
the office's edits (rename, merge another in, take a suggestion out); and the office's
"run triage now" button with its progress bar. A link to an issue that is gone leads
to where its members went, with a note.

Thin views: check access, call a selector or enqueue the task, render. A campaign or
hot issue the user cannot see answers 404, the same as one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.analysis import selectors, services, tasks
from zhongzhi.analysis.access import can_edit_hot_issues
from zhongzhi.analysis.models import HotIssue
from zhongzhi.campaigns.access import access_campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job
from zhongzhi.core.paging import paginate
from zhongzhi.intake.access import changeable_suggestions, visible_suggestions

MEMBERS_PAGE_SIZE = 50


@login_required
@require_GET
def hot_issue_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    rows = selectors.hot_issue_list(request.user, campaign)
    moved_from = _moved_from(request)
    moved = selectors.hot_issue_move(request.user, moved_from) if moved_from else None
    return render(
        request,
        "analysis/hot_issues.html",
        {
            "campaign": campaign,
            "rows": rows,
            "can_run": selectors.can_run_triage(request.user, campaign),
            # An empty list says why: no issue yet, or none within the user's scope.
            "issues_elsewhere": not rows and selectors.has_hot_issues(campaign),
            # Reached through the link of an issue whose suggestions are in none now.
            "moved": moved if moved and moved.campaign.pk == campaign.pk else None,
        },
    )


def _moved_from(request: HttpRequest) -> int | None:
    value = request.GET.get("moved", "")
    return int(value) if value.isdigit() else None


@login_required
@require_GET
def hot_issue_detail(request: HttpRequest, issue_id: int) -> HttpResponse:
    try:
        issue = selectors.access_hot_issue(request.user, issue_id)
    except Http404:
        # An issue merged by staff or dissolved by a run: to where its members went.
        if (move := selectors.hot_issue_move(request.user, issue_id)) is None:
            raise
        if move.to is None:
            target = reverse("analysis:hot_issues", args=[move.campaign.pk])
        else:
            target = reverse("analysis:hot_issue", args=[move.to.pk])
        return redirect(f"{target}?moved={issue_id}")
    members = selectors.hot_issue_members(request.user, issue)
    page = paginate(members, request.GET.get("page"), MEMBERS_PAGE_SIZE)
    moved_from = _moved_from(request)
    can_edit = can_edit_hot_issues(request.user, issue.campaign)
    return render(
        request,
        "analysis/hot_issue_detail.html",
        {
            "issue": issue,
            "campaign": issue.campaign,
            "page": page,
            # Its members may become one problem (rectification) for whoever may change them.
            "may_make_problem": changeable_suggestions(request.user)
            .filter(triage__issue=issue)
            .exists(),
            "moved": selectors.moved_here(issue, moved_from) if moved_from else None,
            "can_edit": can_edit,
            "merge_choices": selectors.merge_choices(issue) if can_edit else [],
        },
    )


def _editable_issue(request: HttpRequest, issue_id: int) -> HotIssue:
    issue = selectors.access_hot_issue(request.user, issue_id)
    if not can_edit_hot_issues(request.user, issue.campaign):
        raise PermissionDenied
    return issue


def _back(issue: HotIssue) -> HttpResponse:
    return redirect("analysis:hot_issue", issue.pk)


@login_required
@require_POST
def hot_issue_rename(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = _editable_issue(request, issue_id)
    try:
        services.hot_issue_rename(
            issue=issue, label=request.POST.get("label", ""), actor=signed_in_user(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已改名；以后的自动分析会保留这个名称。"))
    return _back(issue)


@login_required
@require_POST
def hot_issue_merge(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = _editable_issue(request, issue_id)
    other_id = request.POST.get("other", "")
    other = (
        HotIssue.objects.filter(pk=int(other_id), campaign_id=issue.campaign_id).first()
        if other_id.isdigit()
        else None
    )
    if other is None:
        messages.error(request, _("请选择要并入的热点问题。"))
        return _back(issue)
    try:
        services.hot_issue_merge(issue=issue, other=other, actor=signed_in_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(label)s”已并入本问题；以后的自动分析会保留这次合并。") % {"label": other.label},
        )
    return _back(issue)


@login_required
@require_POST
def hot_issue_remove(request: HttpRequest, issue_id: int, suggestion_id: int) -> HttpResponse:
    issue = _editable_issue(request, issue_id)
    suggestion = get_object_or_404(
        visible_suggestions(request.user), pk=suggestion_id, campaign_id=issue.campaign_id
    )
    try:
        removed = services.hot_issue_remove(
            issue=issue, suggestion=suggestion, actor=signed_in_user(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(issue)
    messages.success(
        request,
        ngettext(
            "已移出 %(n)d 条建议；以后的自动分析不会再把它归入本问题。",
            "已移出 %(n)d 条建议（含重复提交）；以后的自动分析不会再把它们归入本问题。",
            removed,
        )
        % {"n": removed},
    )
    if not HotIssue.objects.filter(pk=issue.pk).exists():
        return redirect("analysis:hot_issues", issue.campaign_id)
    return _back(issue)


@login_required
@require_GET
def triage_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    job = None
    if (job_id := request.GET.get("job", "")).isdigit():
        job = Job.objects.filter(
            pk=int(job_id), owner=signed_in_user(request), kind=tasks.TRIAGE_JOB
        ).first()
    return render(
        request,
        "analysis/triage.html",
        {
            "campaign": campaign,
            "status": selectors.triage_status(campaign),
            "job": job,
            "job_template": (job.result.get("template") if job else None)
            or "core/partials/job_progress.html",
        },
    )


@login_required
@require_POST
def triage_run(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    job = job_create(owner=signed_in_user(request), kind=tasks.TRIAGE_JOB)
    tasks.campaign_triage_task.enqueue(campaign.pk, job.pk, get_language())
    return redirect(f"{reverse('analysis:triage', args=[campaign.pk])}?job={job.pk}")
