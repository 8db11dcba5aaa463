"""The office's deadline settings of a campaign (整改时限设置): due-soon days and the
days overdue for each escalation step. Only the campaign's office; 404 for others.
Thin: check access, parse the form, call the service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhongzhi.campaigns.access import access_campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors
from zhongzhi.rectification.forms import DeadlineSettingsForm
from zhongzhi.rectification.services.deadlines import rectification_settings_save, settings_for


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id, for_change=True)
    rules = settings_for(campaign)
    if request.method == "POST":
        form = DeadlineSettingsForm(request.POST)
        if form.is_valid():
            try:
                rectification_settings_save(
                    campaign=campaign, actor=signed_in_user(request), **form.cleaned_data
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("整改时限设置已保存，明天的督办按新设置进行。"))
                return redirect("rectification_settings:edit", campaign_id=campaign.pk)
    else:
        form = DeadlineSettingsForm(
            initial={
                "due_soon_days": rules.due_soon_days,
                "remind_after_days": rules.remind_after_days,
                "supervise_after_days": rules.supervise_after_days,
                "list_after_days": rules.list_after_days,
            }
        )
    return render(request, "rectification/settings.html", {"campaign": campaign, "form": form})
