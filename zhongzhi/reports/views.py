"""The reports pages: the dashboard (every registered panel, counted in the viewer's
scope, with its numbers as a table and as xlsx), the ledgers in one place (台账), each
downloaded by its own app's export, and the briefings (工作简报): drafted, edited and
issued by the office, read by everyone who sees the campaign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhongzhi.campaigns.access import access_campaign, visible_campaigns
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.responses import docx_response, pdf_response, xlsx_response
from zhongzhi.reports import exports, services
from zhongzhi.reports.access import access_briefing, campaign_briefings, makes_briefings
from zhongzhi.reports.charts import drawable
from zhongzhi.reports.forms import BriefingForm, NewBriefingForm
from zhongzhi.reports.registry import Heading, panel
from zhongzhi.reports.selectors import (
    FIGURES_TTL,
    ShownPanel,
    briefing_period,
    dashboard,
    draft_briefing,
    ledgers_for,
    panel_data,
)
from zhongzhi.reports.word import libreoffice


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


# --- the briefing (工作简报) ------------------------------------------------------------


@login_required
def briefings(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's briefings, and for its office the form to draft the next one."""
    campaign = access_campaign(request.user, campaign_id)
    office = makes_briefings(request.user, campaign)
    default = services.default_period(campaign)
    form = NewBriefingForm(
        request.POST or None,
        campaign=campaign,
        initial={"start": default.start, "end": default.end},
    )
    if request.method == "POST":
        if not office:
            raise Http404
        if form.is_valid():
            briefing = services.briefing_create(signed_in_user(request), campaign, form.period)
            messages.success(request, _("已按统计时间起草，请修改后签发。"))
            return redirect("reports:briefing", briefing_id=briefing.pk)
    return render(
        request,
        "reports/briefings.html",
        {
            "campaign": campaign,
            "office": office,
            "form": form,
            "briefings": campaign_briefings(request.user, campaign).select_related("issued_by"),
        },
    )


@login_required
def briefing_page(request: HttpRequest, briefing_id: int) -> HttpResponse:
    briefing = access_briefing(request.user, briefing_id)
    campaign = briefing.campaign
    if briefing.issued:
        return render(
            request,
            "reports/briefing_issued.html",
            {
                "campaign": campaign,
                "briefing": briefing,
                "sections": briefing.sections.all(),
                "pdf": bool(briefing.pdf) or libreoffice() is not None,
            },
        )
    draft = draft_briefing(request.user, campaign, briefing_period(briefing))
    highlights = [h for heading in Heading for h in draft.highlights(heading)]
    texts = {s.heading: s.text for s in briefing.sections.all()}
    form = BriefingForm(
        request.POST or None,
        highlights=highlights,
        initial={
            "issuer": briefing.issuer,
            "issue_date": briefing.issue_date,
            "chosen": briefing.chosen,
            **texts,
        },
    )
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "redraft":
                services.briefing_redraft(signed_in_user(request), briefing)
                messages.success(request, _("已按最新数据重新起草各栏目。"))
                return redirect("reports:briefing", briefing_id=briefing.pk)
            if form.is_valid():
                services.briefing_save(
                    briefing,
                    texts=form.texts(),
                    chosen=form.cleaned_data["chosen"],
                    issuer=form.cleaned_data["issuer"],
                    issue_date=form.cleaned_data["issue_date"],
                )
                if action == "issue":
                    issued = services.briefing_issue(signed_in_user(request), briefing)
                    messages.success(
                        request, _("已签发第 %(n)d 期，此后不再改变。") % {"n": issued.number}
                    )
                else:
                    messages.success(request, _("已保存。"))
                return redirect("reports:briefing", briefing_id=briefing.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("reports:briefing", briefing_id=briefing.pk)
    sections = [
        {
            "field": form[heading.value],
            "charts": [chart.title for chart in draft.charts(heading) if drawable(chart.data)],
            "highlights": heading == Heading.PRACTICE,
        }
        for heading in Heading
    ]
    return render(
        request,
        "reports/briefing.html",
        {"campaign": campaign, "briefing": briefing, "form": form, "sections": sections},
    )


@login_required
@require_GET
def briefing_docx(request: HttpRequest, briefing_id: int) -> HttpResponse:
    """An issued briefing's stored document; a draft's, made from it as it reads now."""
    briefing = access_briefing(request.user, briefing_id)
    if briefing.issued:
        with briefing.docx.open("rb") as handle:
            content = handle.read()
    else:
        content = services.briefing_draft_document(signed_in_user(request), briefing)
    return docx_response(content, services.briefing_download_name(briefing, "docx"))


@login_required
@require_GET
def briefing_pdf(request: HttpRequest, briefing_id: int) -> HttpResponse:
    briefing = access_briefing(request.user, briefing_id)
    if not briefing.issued:
        raise Http404
    content = services.briefing_pdf(briefing)
    if content is None:
        messages.error(request, _("本机没有安装 LibreOffice，无法生成 PDF，请下载 Word 文件。"))
        return redirect("reports:briefing", briefing_id=briefing.pk)
    return pdf_response(content, services.briefing_download_name(briefing, "pdf"))
