"""Supervision's part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    Ledger,
    Panel,
    PanelData,
    Series,
    register_ledger,
    register_panel,
)
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
