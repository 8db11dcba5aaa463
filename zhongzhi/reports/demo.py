"""The demo's briefings: last week's issued as 第 1 期 (its Word file stored, as the
office's 签发 makes it) and this week's drafted, waiting for the office's edits."""

import datetime

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.models import User
from zhongzhi.reports.models import Briefing
from zhongzhi.reports.registry import Period
from zhongzhi.reports.services import briefing_create, briefing_issue


def reports_demo_create(campaign: Campaign, office: User) -> None:
    if Briefing.objects.filter(campaign=campaign).exists():
        return
    today = min(clock.today(), campaign.end_date)
    this_week = Period(max(campaign.start_date, today - datetime.timedelta(days=6)), today)
    last_end = this_week.start - datetime.timedelta(days=1)
    if last_end >= campaign.start_date:
        last_week = Period(
            max(campaign.start_date, last_end - datetime.timedelta(days=6)), last_end
        )
        briefing_issue(office, briefing_create(office, campaign, last_week, issue_date=last_end))
    briefing_create(office, campaign, this_week)
