"""Staff pages of ratings (满意度): a campaign's ratings with counts by level and the
满意率, filtered by answering unit (its subtree) and level; the second looks (回访) with
a form to record each one's result. Scoped by ``rectification.access``: the office and
leaders see the campaign, coordinators their subtree; a campaign the user does not see
is 404. Thin: parse, check access, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongzhi.campaigns.access import access_campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.paging import paginate
from zhongzhi.rectification.access import access_second_look, changeable_second_looks
from zhongzhi.rectification.forms_ratings import RatingFilterForm, SecondLookForm
from zhongzhi.rectification.models import SecondLookState
from zhongzhi.rectification.selectors_ratings import rating_counts, rating_list, second_look_list
from zhongzhi.rectification.services.ratings import second_look_done

PAGE_SIZE = 50


@login_required
@require_GET
def rating_list_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    form = RatingFilterForm(request.GET, user=request.user, campaign=campaign)
    filters = form.filters()
    page = paginate(rating_list(request.user, filters), request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "rectification/ratings.html",
        {
            "campaign": campaign,
            "form": form,
            "counts": rating_counts(request.user, filters),
            "page": page,
            "open_second_looks": second_look_list(request.user, campaign).count(),
        },
    )


@login_required
@require_GET
def second_look_list_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, campaign_id)
    done = request.GET.get("state") == SecondLookState.DONE
    state = SecondLookState.DONE if done else SecondLookState.OPEN
    looks = second_look_list(request.user, campaign, state=state)
    page = paginate(looks, request.GET.get("page"), PAGE_SIZE)
    rows = list(page.object_list)
    recordable = set(
        changeable_second_looks(request.user)
        .filter(pk__in=[look.pk for look in rows], state=SecondLookState.OPEN)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "rectification/ratings_second_looks.html",
        {
            "campaign": campaign,
            "done": done,
            "page": page,
            "rows": [(look, look.pk in recordable) for look in rows],
            "form": SecondLookForm(),
            "open_second_looks": page.paginator.count
            if not done
            else second_look_list(request.user, campaign).count(),
        },
    )


@login_required
@require_POST
def second_look_record(request: HttpRequest, second_look_id: int) -> HttpResponse:
    second_look = access_second_look(request.user, second_look_id)
    form = SecondLookForm(request.POST)
    form.is_valid()  # it only parses: the service checks
    try:
        second_look_done(
            second_look=second_look,
            actor=signed_in_user(request),
            result=form.cleaned_data.get("result", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已记录回访情况（%(code)s），群众的回执页上会显示。")
            % {"code": second_look.rating.suggestion.receipt_code_display},
        )
    url = reverse("rectification_ratings:second_looks", args=[second_look.rating.campaign_id])
    return redirect(url)
