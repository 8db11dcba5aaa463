"""The public page of a campaign's published answers (/c/<id>/answers/): no login,
mobile-first like the residents' other pages (intake's base template and css). Shows
only what the office published, as it was published: masked text and answer, topic
and dates, never a name, phone or receipt code."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.core.paging import paginate
from zhongzhi.opendata import selectors

PAGE_SIZE = 20


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "intake/public/not_found.html", {"message": message}, status=404)


@require_GET
def answers(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = Campaign.objects.select_related("owner_unit").filter(pk=campaign_id).first()
    if campaign is None:
        return _not_found(request, _("没有找到这个活动。请确认链接是否完整。"))
    topic: Topic | None = None
    asked = request.GET.get("topic", "")
    if asked:
        topic = (
            Topic.objects.filter(campaign=campaign, pk=int(asked)).first()
            if asked.isdigit()
            else None
        )
        if topic is None:
            return _not_found(request, _("这个活动没有这个方面。"))
    page = paginate(selectors.published(campaign, topic=topic), request.GET.get("page"), PAGE_SIZE)
    context = {
        "campaign": campaign,
        "page": page,
        "topic": topic,
        "topics": selectors.published_topics(campaign),
    }
    return render(request, "opendata/public/answers.html", context)
