"""Supervision's part of the reports (`zhongzhi.reports.registry`)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    BriefingPart,
    Heading,
    Ledger,
    Panel,
    PanelData,
    PartDraft,
    Period,
    Series,
    register_briefing_part,
    register_ledger,
    register_panel,
)
from zhongzhi.supervision.models import Finding, Inspection
from zhongzhi.supervision.selectors import campaign_groups, group_coverage

register_ledger(
    Ledger(
        key="supervision.findings",
        title=_("督导发现问题台账"),
        description=_("各督导组检查发现的问题、整改措施、完成时限和整改情况。"),
        download_url=lambda c: reverse("supervision:findings_ledger", args=[c.pk]),
        list_url=lambda c: reverse("supervision:overview", args=[c.pk]),
        order=50,
    )
)


def _coverage(user: AnyUser, campaign: Campaign) -> PanelData:
    rows = group_coverage(list(campaign_groups(user, campaign)))
    return PanelData(
        chart="bar",
        labels=[row.group.name for row in rows],
        series=[
            Series(_("督导单位"), [row.units for row in rows]),
            Series(_("已检查单位"), [row.units_inspected for row in rows]),
            Series(_("发现问题（未销号）"), [row.findings_open for row in rows]),
        ],
        note="" if rows else _("还没有督导组。"),
    )


register_panel(Panel("supervision.coverage", _("督导组覆盖情况"), _coverage, order=90))


def _inspected(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    groups = list(campaign_groups(user, campaign))
    if not groups:
        return PartDraft()
    inspections = Inspection.objects.filter(
        group__in=groups, date__gte=period.start, date__lte=period.end
    )
    counts = inspections.aggregate(n=Count("pk"), units=Count("unit", distinct=True))
    found = Finding.objects.filter(inspection__in=inspections).count()
    if not counts["n"]:
        return PartDraft(paragraphs=[str(_("本期督导组没有登记新的督导检查。"))])
    return PartDraft(
        paragraphs=[
            _(
                "%(groups)d 个督导组本期督导检查 %(n)d 次，覆盖 %(units)d 个单位，"
                "发现问题 %(found)d 个。"
            )
            % {"groups": len(groups), "n": counts["n"], "units": counts["units"], "found": found}
        ]
    )


def _open_findings(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    rows = group_coverage(list(campaign_groups(user, campaign)))
    open_ = sum(row.findings_open for row in rows)
    overdue = sum(row.overdue_measures for row in rows)
    never = [row.group.name for row in rows if row.units and not row.inspections]
    paragraphs = []
    if open_:
        paragraphs.append(
            _("督导发现的问题中，尚未销号 %(open)d 个，相关整改措施逾期 %(overdue)d 项。")
            % {"open": open_, "overdue": overdue}
        )
    if never:
        paragraphs.append(_("%(groups)s尚未开展督导检查。") % {"groups": "、".join(never)})
    return PartDraft(paragraphs=paragraphs)


register_briefing_part(BriefingPart("supervision.inspected", Heading.NEWS, _inspected, order=30))
register_briefing_part(
    BriefingPart("supervision.open_findings", Heading.PROBLEMS, _open_findings, order=20)
)
