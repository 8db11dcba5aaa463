"""The residents' pages: the campaign's suggestion form (opened from the QR poster,
usually in WeChat's browser), similar suggestions and +1, the receipt page, and the
poster itself. Anonymous, Chinese, and careful with what they show: the receipt page
and the similar-suggestions box never show a name or a phone number.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.core.forms import attach_errors
from zhongzhi.core.ratelimit import count_request
from zhongzhi.intake import posters
from zhongzhi.intake.access import mask_phones_in_text
from zhongzhi.intake.models import Channel, PlusOne, Suggestion, SuggestionStatus
from zhongzhi.intake.public_forms import ReceiptLookupForm, SuggestionForm
from zhongzhi.intake.receipt_codes import explain_receipt_code, parse_receipt_code
from zhongzhi.intake.selectors import public_timeline
from zhongzhi.intake.services import (
    NotCollecting,
    check_campaign_collects,
    suggestion_plus_one,
    suggestion_submit,
)
from zhongzhi.rectification.forms_ratings import PublicRatingForm
from zhongzhi.rectification.selectors_ratings import receipt_rating
from zhongzhi.rectification.services.ratings import (
    RatingRefused,
    ReceiptNotFound,
    rating_submit,
    suggestion_by_receipt,
)

BROWSER_COOKIE = "zz_browser"
BROWSER_COOKIE_AGE = 2 * 365 * 24 * 3600
# (requests, seconds) per client address; override with ZHONGZHI_PUBLIC_RATE_LIMITS.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "submit": (20, 60),
    "plus_one": (60, 60),
    "similar": (120, 60),
    "receipt": (60, 60),
    "rate": (10, 60),
    "poster": (30, 60),
}
SIMILAR_MIN_LENGTH = 4
SIMILAR_LIMIT = 5
# Suggestions that staff threw out are not offered to residents to +1.
_HIDDEN_STATUSES = [SuggestionStatus.INVALID]
_PLUS_ONE_SIGNER = signing.Signer(salt="zhongzhi.intake.public.plus_one")


# --- helpers -----------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    from zhongzhi.api.ratelimit import client_address  # one rule for proxies

    return client_address(request)


def _over_limit(request: HttpRequest, scope: str) -> bool:
    """Count one request in a fixed window per client address; True past the limit."""
    limits = getattr(settings, "ZHONGZHI_PUBLIC_RATE_LIMITS", {})
    limit, window = limits.get(scope, DEFAULT_LIMITS[scope])
    client = hashlib.sha256(_client_address(request).encode()).hexdigest()[:24]
    allowed, _ends_in = count_request(
        f"public:{scope}:{window}:{client}", limit=limit, window=window
    )
    return not allowed


def _browser_id(request: HttpRequest) -> tuple[str, bool]:
    """The random id of this browser (for +1s), and whether it is new."""
    current = request.COOKIES.get(BROWSER_COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", current):
        return current, False
    return secrets.token_urlsafe(24), True


def _remember_browser(response: HttpResponseBase, browser_id: str, is_new: bool) -> None:
    if is_new:
        response.set_cookie(
            BROWSER_COOKIE,
            browser_id,
            max_age=BROWSER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _campaign_or_none(campaign_id: int) -> Campaign | None:
    return Campaign.objects.select_related("owner_unit").filter(pk=campaign_id).first()


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "intake/public/not_found.html", {"message": message}, status=404)


def _campaign_missing(request: HttpRequest) -> HttpResponse:
    return _not_found(request, _("没有找到这个活动。请确认扫描的二维码或链接是否完整。"))


def _public_suggestions(campaign: Campaign) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(campaign=campaign).exclude(status__in=_HIDDEN_STATUSES)


def plus_one_code(suggestion: Suggestion) -> str:
    """The id of a suggestion in its +1 address: signed, and not its receipt code, which
    stays the resident's key to the receipt page."""
    return _PLUS_ONE_SIGNER.sign(str(suggestion.pk))


def _suggestion_by_plus_one_code(campaign: Campaign, code: str) -> Suggestion | None:
    try:
        pk = int(_PLUS_ONE_SIGNER.unsign(code))
    except (signing.BadSignature, ValueError):
        return None
    return _public_suggestions(campaign).filter(pk=pk).first()


def mask_phones(text: str) -> str:
    """Phone numbers inside a suggestion's text, masked before others see it."""
    return mask_phones_in_text(text)


# --- the form ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def suggestion_form(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign_or_none(campaign_id)
    if campaign is None:
        return _campaign_missing(request)
    try:
        check_campaign_collects(campaign, clock.today())
    except NotCollecting as closed:
        context = {"campaign": campaign, "message": closed.message}
        status = 403 if request.method == "POST" else 200
        return render(request, "intake/public/closed.html", context, status=status)
    browser_id, new_browser = _browser_id(request)
    status = 200
    if request.method == "POST":
        form = SuggestionForm(request.POST, campaign=campaign)
        if _over_limit(request, "submit"):
            form.add_error(None, _("提交太频繁了，请休息一分钟后再提交。您填写的内容还在。"))
            status = 429
        elif form.is_valid():
            try:
                suggestion, _created = suggestion_submit(
                    campaign=campaign,
                    text=form.cleaned_data["text"],
                    topic=form.cleaned_data["topic"],
                    submitter_phone=form.cleaned_data["submitter_phone"],
                    channel=Channel.ONLINE,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                url = reverse("public:receipt", args=[suggestion.receipt_code])
                return redirect(f"{url}?new=1")
    else:
        form = SuggestionForm(campaign=campaign)
    form.fields["text"].widget.attrs.update(
        {
            "hx-get": reverse("public:similar", args=[campaign.pk]),
            "hx-trigger": "keyup changed delay:500ms, input changed delay:500ms",
            "hx-target": "#similar",
            "hx-sync": "this:replace",
        }
    )
    context = {"campaign": campaign, "form": form, "has_topics": campaign.topics.exists()}
    response = render(request, "intake/public/form.html", context, status=status)
    _remember_browser(response, browser_id, new_browser)
    return response


@never_cache
@require_GET
def similar(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The htmx partial under the text box: up to five similar suggestions to +1."""
    campaign = _campaign_or_none(campaign_id)
    if campaign is None:
        return _campaign_missing(request)
    text = request.GET.get("text", "")[:5000]
    items: list[dict[str, object]] = []
    if len(text.strip()) >= SIMILAR_MIN_LENGTH and not _over_limit(request, "similar"):
        # Imported when first needed: the triage stack (numpy, the index) loads only
        # once a resident types, not for every page of the site.
        from zhongzhi.analysis.similarity import similar_suggestions

        found = similar_suggestions(campaign=campaign, text=text, limit=SIMILAR_LIMIT + 3)
        # Fetched again: only this campaign's, none that staff threw out, with topics.
        shown = (
            _public_suggestions(campaign)
            .select_related("topic")
            .defer("submitter_name", "submitter_phone")
        )
        fresh = shown.in_bulk([match.suggestion.pk for match in found])
        found = [match for match in found if match.suggestion.pk in fresh][:SIMILAR_LIMIT]
        browser_id, _new = _browser_id(request)
        already = set(
            PlusOne.objects.filter(
                browser_id=browser_id, suggestion_id__in=[match.suggestion.pk for match in found]
            ).values_list("suggestion_id", flat=True)
        )
        items = []
        for match in found:
            suggestion = fresh[match.suggestion.pk]
            items.append(
                {
                    "suggestion": suggestion,
                    "text": mask_phones(suggestion.text),
                    "code": plus_one_code(suggestion),
                    "is_duplicate": match.is_duplicate,
                    "same_place": match.same_place,
                    "plussed": suggestion.pk in already,
                }
            )
    return render(
        request, "intake/public/partials/similar.html", {"campaign": campaign, "items": items}
    )


@require_POST
def plus_one(request: HttpRequest, campaign_id: int, code: str) -> HttpResponse:
    campaign = _campaign_or_none(campaign_id)
    if campaign is None:
        return _campaign_missing(request)
    suggestion = _suggestion_by_plus_one_code(campaign, code)
    if suggestion is None:
        return _not_found(request, _("没有找到这条建议。"))
    browser_id, new_browser = _browser_id(request)
    from_htmx = request.headers.get("HX-Request") == "true"
    status = 200
    try:
        check_campaign_collects(campaign, clock.today())
    except NotCollecting as closed:
        # htmx swaps in 2xx answers only: the box under the button says why.
        counted, message, status = False, closed.message, 200 if from_htmx else 403
    else:
        counted, message = _plus_one_counted(request, suggestion, browser_id)
    suggestion.refresh_from_db(fields=["plus_ones"])
    context = {
        "campaign": campaign,
        "suggestion": suggestion,
        "code": code,
        "done": True,
        "counted": counted,
        "message": message,
    }
    if from_htmx:
        response = render(request, "intake/public/partials/plus_one.html", context, status=status)
    else:
        response = render(request, "intake/public/plus_one_done.html", context, status=status)
    _remember_browser(response, browser_id, new_browser)
    return response


def _plus_one_counted(
    request: HttpRequest, suggestion: Suggestion, browser_id: str
) -> tuple[bool, str]:
    if _over_limit(request, "plus_one"):
        return False, _("操作太频繁了，请稍后再试。")
    counted = suggestion_plus_one(suggestion=suggestion, browser_id=browser_id)
    return counted, _("已附议，谢谢！") if counted else _("您已经附议过这条建议。")


# --- receipts ----------------------------------------------------------------------


@never_cache
@require_GET
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    form = ReceiptLookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("public:receipt", code=form.cleaned_data["code"])
    status = 400 if form.is_bound else 200
    return render(request, "intake/public/receipt_lookup.html", {"form": form}, status=status)


def _receipt_not_found(request: HttpRequest, code: str, message: str = "") -> HttpResponse:
    context = {
        "form": ReceiptLookupForm(initial={"code": code}),
        "error": message
        or explain_receipt_code(code)
        or _("没有找到这个回执号，请核对后重新输入。"),
    }
    return render(request, "intake/public/receipt_lookup.html", context, status=404)


def _receipt_page(
    request: HttpRequest,
    suggestion: Suggestion,
    *,
    rating_form: PublicRatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # Only when the status changed and what it became: staff notes and names stay inside.
    timeline = public_timeline(suggestion)
    return render(
        request,
        "intake/public/receipt.html",
        {
            "suggestion": suggestion,
            # A merged suggestion is answered with the one it was merged into.
            "handled": suggestion.merged_into or suggestion,
            "campaign": suggestion.campaign,
            "text": mask_phones(suggestion.text),
            "timeline": timeline,
            "is_new": request.GET.get("new") == "1",
            # Each receipt rates its own suggestion, merged or not (services.ratings).
            "rating_state": receipt_rating(suggestion),
            "rating_form": rating_form or PublicRatingForm(),
        },
        status=status,
    )


@never_cache
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    if _over_limit(request, "receipt"):
        context = {"form": ReceiptLookupForm(), "error": _("查询太频繁了，请一分钟后再试。")}
        return render(request, "intake/public/receipt_lookup.html", context, status=429)
    receipt_code = parse_receipt_code(code)
    suggestion = (
        Suggestion.objects.select_related(
            "campaign", "campaign__owner_unit", "topic", "merged_into"
        )
        .filter(receipt_code=receipt_code)
        .first()
        if receipt_code
        else None
    )
    if suggestion is None:
        return _receipt_not_found(request, code)
    if receipt_code != code:
        return redirect("public:receipt", code=receipt_code)
    return _receipt_page(request, suggestion)


@never_cache
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """The resident's rating of the answer, from the receipt page: redirected back to it
    with a message, or the page again with what was wrong (the comment kept)."""
    over_limit = _over_limit(request, "rate")
    try:
        suggestion = suggestion_by_receipt(code)
    except ReceiptNotFound as missing:
        return _receipt_not_found(request, code, missing.message)
    form = PublicRatingForm(request.POST)
    if over_limit:
        form.is_valid()
        form.add_error(None, _("操作太频繁了，请一分钟后再试。您填写的内容还在。"))
        return _receipt_page(request, suggestion, rating_form=form, status=429)
    form.is_valid()  # it only parses: the service checks
    try:
        rating_submit(
            receipt_code=suggestion.receipt_code,
            level=form.cleaned_data.get("level", ""),
            comment=form.cleaned_data.get("comment", ""),
        )
    except RatingRefused as refused:
        messages.info(request, refused.message)
    except ValidationError as error:
        attach_errors(form, error)
        return _receipt_page(request, suggestion, rating_form=form, status=400)
    else:
        messages.success(request, _("感谢您的评价！"))
    url = reverse("public:receipt", args=[suggestion.receipt_code])
    return redirect(f"{url}#rating")


# --- posters -----------------------------------------------------------------------


def _poster_content(request: HttpRequest, campaign: Campaign) -> posters.PosterContent:
    return posters.PosterContent(
        theme=campaign.theme,
        slogan=campaign.slogan,
        campaign_name=campaign.name,
        owner_name=campaign.owner_unit.name,
        url=request.build_absolute_uri(reverse("public:form", args=[campaign.pk])),
    )


def _poster(request: HttpRequest, campaign_id: int, kind: str) -> HttpResponse:
    campaign = _campaign_or_none(campaign_id)
    if campaign is None:
        return _campaign_missing(request)
    if _over_limit(request, "poster"):
        return HttpResponse(
            _("下载太频繁了，请一分钟后再试。"),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    content = _poster_content(request, campaign)
    try:
        if kind == "pdf":
            data, content_type = posters.poster_pdf(content), "application/pdf"
        else:
            data, content_type = posters.poster_png(content), "image/png"
    except posters.PosterFontMissing as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="zhongzhi-poster-{campaign.pk}.{kind}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def poster_png(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _poster(request, campaign_id, "png")


@require_GET
def poster_pdf(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _poster(request, campaign_id, "pdf")
