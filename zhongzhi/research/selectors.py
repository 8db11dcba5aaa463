"""Research topics' reads: a campaign's topics as the viewer may see them, with their
state counts, and the ledger's rows."""

from django.db.models import Count, Q, QuerySet

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.access import AnyUser
from zhongzhi.research.access import visible_topics
from zhongzhi.research.models import ResearchTopic, TopicState


def campaign_topics(user: AnyUser, campaign: Campaign, state: str = "") -> QuerySet[ResearchTopic]:
    topics = (
        visible_topics(user)
        .filter(campaign=campaign)
        .select_related("unit", "lead")
        .annotate(
            milestone_count=Count("milestones"),
            milestones_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
            milestones_late=Count(
                "milestones",
                filter=Q(milestones__done_at__isnull=True, milestones__due_date__lt=clock.today()),
            ),
        )
        .order_by("number")
    )
    return topics.filter(state=state) if state in TopicState.values else topics


def state_counts(user: AnyUser, campaign: Campaign) -> dict[str, int]:
    rows = (
        visible_topics(user)
        .filter(campaign=campaign)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict(rows)
    return {value: counts.get(value, 0) for value in TopicState.values}
