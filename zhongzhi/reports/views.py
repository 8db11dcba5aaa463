"""The reports pages: the dashboard (every registered panel, counted in the viewer's
scope, with its numbers as a table and as xlsx) and the ledgers in one place (台账),
each downloaded by its own app's export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhongzhi.campaigns.access import access_campaign, visible_campaigns
from zhongzhi.core.responses import xlsx_response
from zhongzhi.reports import exports
from zhongzhi.reports.registry import panel
from zhongzhi.reports.selectors import FIGURES_TTL, ShownPanel, dashboard, ledgers_for, panel_data


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(visible_campaigns(request.user))
    if len(campaigns) == 1:
        return redirect("reports:dashboard", campaign_id=campaigns[0].pk)
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


@login_required
@require_GET
def dashboard_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    return render(
        request,
        "reports/dashboard.html",
        {
            "campaign": campaign,
            "panels": dashboard(request.user, campaign),
            "ttl_minutes": FIGURES_TTL // 60,
        },
    )


@login_required
@require_GET
def panel_xlsx(request: HttpRequest, campaign_id: int, key: str) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    found = panel(key)
    if found is None:
        raise Http404
    shown = ShownPanel(found, panel_data(request.user, campaign, found))
    return xlsx_response(
        exports.panel_workbook(campaign, shown), exports.panel_filename(campaign, shown)
    )
