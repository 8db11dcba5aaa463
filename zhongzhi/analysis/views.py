"""Pages of the triage layer: a campaign's hot issues, ranked; the members of one; and
the office's "run triage now" button with its progress bar.

Thin views: check access, call a selector or enqueue the task, render. A campaign or
hot issue the user cannot see answers 404, the same as one that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.analysis import selectors, tasks
from zhongzhi.campaigns.access import access_campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.jobs import job_create
from zhongzhi.core.models import Job
from zhongzhi.core.paging import paginate
from zhongzhi.intake.access import changeable_suggestions

MEMBERS_PAGE_SIZE = 50


@login_required
@require_GET
def hot_issue_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    rows = selectors.hot_issue_list(request.user, campaign)
    return render(
        request,
        "analysis/hot_issues.html",
        {
            "campaign": campaign,
            "rows": rows,
            "can_run": selectors.can_run_triage(request.user, campaign),
            # An empty list says why: no issue yet, or none within the user's scope.
            "issues_elsewhere": not rows and selectors.has_hot_issues(campaign),
        },
    )


@login_required
@require_GET
def hot_issue_detail(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = selectors.access_hot_issue(request.user, issue_id)
    members = selectors.hot_issue_members(request.user, issue)
    page = paginate(members, request.GET.get("page"), MEMBERS_PAGE_SIZE)
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
        },
    )


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
