"""Who runs a campaign's open data: its office (and superusers), as for essays'
`runs_essays`. Everyone else gets the same 404 as for a campaign that does not exist;
the public page needs no login and shows only what was published."""

from django.db.models import Q
from django.http import Http404

from zhongzhi.campaigns.access import access_campaign, can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.models import Suggestion
from zhongzhi.opendata.selectors import publishable_suggestions
from zhongzhi.org.access import AnyUser


def runs_open_data(user: AnyUser, campaign: Campaign) -> bool:
    """Exports the campaign's open data and chooses what the public page shows."""
    return can_manage_campaign(user, campaign)


def access_open_data_campaign(user: AnyUser, campaign_id: int) -> Campaign:
    campaign = access_campaign(user, campaign_id)
    if not runs_open_data(user, campaign):
        raise Http404
    return campaign


def access_publishable(user: AnyUser, campaign: Campaign, suggestion_id: int) -> Suggestion:
    """An answered suggestion of the campaign the office may publish (or unpublish)."""
    if not runs_open_data(user, campaign):
        raise Http404
    found = publishable_suggestions(campaign).filter(pk=suggestion_id).first()
    if found is None:
        raise Http404
    return found


def access_published(user: AnyUser, campaign: Campaign, suggestion_id: int) -> Suggestion:
    """A suggestion of the campaign to withdraw from the public page: one the office may
    publish, or one still published whose answer has been reopened since."""
    if not runs_open_data(user, campaign):
        raise Http404
    found = (
        Suggestion.objects.filter(campaign=campaign, pk=suggestion_id)
        .filter(
            Q(pk__in=publishable_suggestions(campaign).values("pk")) | Q(publication__isnull=False)
        )
        .first()
    )
    if found is None:
        raise Http404
    return found
