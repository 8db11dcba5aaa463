"""Essays' part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.essays.access import sees_essays
from zhongzhi.essays.selectors import campaign_assignments, completion_by_unit, excellent_essays
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    BriefingPart,
    Heading,
    Highlight,
    Ledger,
    PartDraft,
    Period,
    register_briefing_part,
    register_ledger,
)

register_ledger(
    Ledger(
        key="essays.essays",
        title=_("心得体会台账"),
        description=_("应交心得体会的人员、所在单位、截止日期、提交和评优情况。"),
        download_url=lambda c: reverse("essays:export", args=[c.pk]),
        list_url=lambda c: reverse("essays:overview", args=[c.pk]),
        offered_to=sees_essays,
        order=70,
    )
)

UNITS_NAMED = 5


def _handed_in(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    total = completion_by_unit(user, campaign).total
    if not total.due:
        return PartDraft()
    in_period = (
        campaign_assignments(user, campaign, status="submitted")
        .filter(essay__submitted_on__gte=period.start, essay__submitted_on__lte=period.end)
        .count()
    )
    return PartDraft(
        paragraphs=[
            _(
                "心得体会本期提交 %(new)d 篇，累计应交 %(due)d 篇、已交 %(handed_in)d 篇"
                "（%(rate)d%%），评为优秀 %(excellent)d 篇。"
            )
            % {
                "new": in_period,
                "due": total.due,
                "handed_in": total.handed_in,
                "rate": total.rate,
                "excellent": total.excellent,
            }
        ]
    )


def _behind(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    behind = sorted(
        (row for row in completion_by_unit(user, campaign).rows if row.overdue),
        key=lambda row: (-row.overdue, row.unit_name),
    )
    if not behind:
        return PartDraft()
    named = "、".join(
        _("%(unit)s（%(n)d 人）") % {"unit": row.unit_name, "n": row.overdue}
        for row in behind[:UNITS_NAMED]
    )
    return PartDraft(
        paragraphs=[
            _("心得体会逾期未交 %(n)d 人，主要在%(units)s。")
            % {"n": sum(row.overdue for row in behind), "units": named}
        ]
    )


def _excellent(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    return PartDraft(
        highlights=[
            Highlight(
                key=f"essay:{assignment.pk}",
                kind=_("优秀心得体会"),
                title=assignment.essay.title,
                unit=assignment.unit.name,
                text=assignment.essay.text,
            )
            for assignment in excellent_essays(user, campaign)
        ]
    )


register_briefing_part(BriefingPart("essays.handed_in", Heading.NEWS, _handed_in, order=40))
register_briefing_part(BriefingPart("essays.excellent", Heading.PRACTICE, _excellent, order=20))
register_briefing_part(BriefingPart("essays.behind", Heading.PROBLEMS, _behind, order=40))
