"""Activities' part of the reports (`zhongzhi.reports.registry`): the activity ledger,
and for the briefing the period's activities and the plan items none was held for."""

import datetime
from collections import Counter

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.activities.models import Activity
from zhongzhi.activities.selectors import ActivityFilters, campaign_activities, flagged_plan_items
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    BriefingPart,
    Heading,
    Ledger,
    PartDraft,
    Period,
    register_briefing_part,
    register_ledger,
)

register_ledger(
    Ledger(
        key="activities.activities",
        title=_("活动台账"),
        description=_("各单位开展的座谈会、论坛、宣讲等活动，参加人数，以及群体与方面的覆盖情况。"),
        download_url=lambda c: reverse("activities:export", args=[c.pk]),
        list_url=lambda c: reverse("activities:list", args=[c.pk]),
        order=60,
    )
)

ACTIVITIES_NAMED = 3
PLAN_ITEMS_NAMED = 5


def _attended(activity: Activity) -> int:
    return int(activity.attendance_total)  # type: ignore[attr-defined]  # the annotation


def _said(activity: Activity) -> int:
    return int(activity.suggestion_count)  # type: ignore[attr-defined]


def _held(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    activities = list(
        campaign_activities(
            user, campaign, ActivityFilters(date_from=period.start, date_to=period.end)
        )
    )
    if not activities:
        return PartDraft(paragraphs=[str(_("本期没有登记新的活动。"))])
    kinds = Counter(activity.kind.name for activity in activities)
    attendance = sum(_attended(activity) for activity in activities)
    paragraphs = [
        _("本期各单位共开展活动 %(n)d 场（%(kinds)s），参加 %(people)d 人次。")
        % {
            "n": len(activities),
            "kinds": "、".join(
                _("%(kind)s %(n)d 场") % {"kind": kind, "n": n} for kind, n in kinds.most_common()
            ),
            "people": attendance,
        }
    ]
    biggest = sorted(activities, key=lambda a: (-_attended(a), a.held_on))
    for activity in biggest[:ACTIVITIES_NAMED]:
        line = _("%(m)d月%(d)d日，%(unit)s开展“%(name)s”（%(kind)s），%(people)d 人参加") % {
            "m": activity.held_on.month,
            "d": activity.held_on.day,
            "unit": activity.unit.name,
            "name": activity.name,
            "kind": activity.kind.name,
            "people": _attended(activity),
        }
        if _said(activity):
            line += _("，收集意见建议 %(n)d 条") % {"n": _said(activity)}
        paragraphs.append(f"{line}。")
    return PartDraft(paragraphs=paragraphs)


def _not_held(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    late = list(
        flagged_plan_items(campaign, min(clock.today(), period.end + datetime.timedelta(days=1)))
    )
    if not late:
        return PartDraft()
    named = "、".join(f"“{item.title}”" for item in late[:PLAN_ITEMS_NAMED])
    more = _("等") if len(late) > PLAN_ITEMS_NAMED else ""
    return PartDraft(
        paragraphs=[
            _("%(n)d 项工作任务到期仍未开展活动：%(items)s%(more)s。")
            % {"n": len(late), "items": named, "more": more}
        ]
    )


register_briefing_part(BriefingPart("activities.held", Heading.NEWS, _held, order=20))
register_briefing_part(BriefingPart("activities.not_held", Heading.PROBLEMS, _not_held, order=30))
