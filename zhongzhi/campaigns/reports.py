"""The campaign's own part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.reports.registry import Ledger, register_ledger

register_ledger(
    Ledger(
        key="campaigns.plan_items",
        title=_("工作任务清单"),
        description=_("实施方案的工作任务、牵头单位、时限和进展。"),
        download_url=lambda c: reverse("campaigns:plan_items_export", args=[c.pk]),
        order=10,
    )
)
