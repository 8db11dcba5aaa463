"""Ledgers in one place (台账): every registered ledger of a campaign, each downloaded
by its own app's export."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhongzhi.campaigns.access import access_campaign, visible_campaigns
from zhongzhi.reports.selectors import ledgers_for


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user))
    if len(campaigns) == 1:
        return redirect("reports:ledgers", campaign_id=campaigns[0].pk)
    return render(request, "reports/home.html", {"campaigns": campaigns})


@login_required
@require_GET
def ledgers(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    rows = [
        {
            "ledger": ledger,
            "download": ledger.download_url(campaign),
            "list": ledger.list_url(campaign) if ledger.list_url else "",
        }
        for ledger in ledgers_for(request.user, campaign)
    ]
    return render(request, "reports/ledgers.html", {"campaign": campaign, "rows": rows})
