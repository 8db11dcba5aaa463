"""Supervision's part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.reports.registry import Ledger, register_ledger

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
