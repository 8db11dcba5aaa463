"""Who sees and makes the briefings: the campaign office drafts, edits and issues them;
everyone who sees the campaign reads the issued ones (a briefing is sent round)."""

from django.db.models import QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import access_campaign, can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.models import Briefing, BriefingState


def makes_briefings(user: AnyUser, campaign: Campaign) -> bool:
    return can_manage_campaign(user, campaign)


def campaign_briefings(user: AnyUser, campaign: Campaign) -> QuerySet[Briefing]:
    briefings = Briefing.objects.filter(campaign=campaign)
    if not makes_briefings(user, campaign):
        briefings = briefings.filter(state=BriefingState.ISSUED)
    return briefings


def access_briefing(user: AnyUser, briefing_id: int, *, for_change: bool = False) -> Briefing:
    """The briefing, or 404: a draft for anyone but its office, any briefing of a
    campaign the user does not see."""
    briefing = (
        Briefing.objects.select_related("campaign__owner_unit").filter(pk=briefing_id).first()
    )
    if briefing is None:
        raise Http404
    access_campaign(user, briefing.campaign_id)
    office = makes_briefings(user, briefing.campaign)
    if (for_change or not briefing.issued) and not office:
        raise Http404
    return briefing
