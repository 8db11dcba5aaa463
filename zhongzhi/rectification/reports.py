"""Rectification's part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.reports.registry import Ledger, register_ledger

register_ledger(
    Ledger(
        key="rectification.problems",
        title=_("问题清单"),
        description=_("查摆出的问题及其来源、责任单位、整改措施和销号情况。"),
        download_url=lambda c: reverse("rectification_ledgers:problems", args=[c.pk]),
        list_url=lambda c: reverse("rectification:problems", args=[c.pk]),
        order=30,
    )
)
register_ledger(
    Ledger(
        key="rectification.measures",
        title=_("整改措施清单"),
        description=_("每项整改措施的责任单位、责任人、完成时限、进展、督办和核验情况。"),
        download_url=lambda c: reverse("rectification_ledgers:measures", args=[c.pk]),
        list_url=lambda c: reverse("rectification:measures", args=[c.pk]),
        order=40,
    )
)
