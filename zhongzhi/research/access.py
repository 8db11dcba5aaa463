"""Who sees and acts on which research topics: the office and leaders of a campaign
see all of its topics; a unit's people see their unit's (and, for a coordinator, the
units below); the unit's coordinators and the topic's lead act for the unit, the
campaign office for the campaign."""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhongzhi.campaigns.access import can_manage_campaign, overseen_campaigns
from zhongzhi.org.access import AnyUser, changeable_units, visible_units
from zhongzhi.research.models import ResearchTopic


def visible_topics(user: AnyUser) -> QuerySet[ResearchTopic]:
    if not user.is_authenticated:
        return ResearchTopic.objects.none()
    if user.is_superuser:
        return ResearchTopic.objects.all()
    return ResearchTopic.objects.filter(
        Q(campaign__in=overseen_campaigns(user)) | Q(unit__in=visible_units(user)) | Q(lead=user)
    )


def access_topic(user: AnyUser, topic_id: int) -> ResearchTopic:
    try:
        return (
            visible_topics(user)
            .select_related("campaign__owner_unit", "unit", "lead")
            .get(pk=topic_id)
        )
    except ResearchTopic.DoesNotExist:
        raise Http404 from None


def acts_for_campaign(user: AnyUser, topic: ResearchTopic) -> bool:
    return can_manage_campaign(user, topic.campaign)


def acts_for_unit(user: AnyUser, topic: ResearchTopic) -> bool:
    if not user.is_authenticated:
        return False
    return topic.lead_id == user.pk or changeable_units(user).filter(pk=topic.unit_id).exists()
