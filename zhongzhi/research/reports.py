"""Research topics' part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.reports.registry import Ledger, register_ledger

register_ledger(
    Ledger(
        key="research.topics",
        title=_("调研课题台账"),
        description=_("申报的课题、负责人、进度节点、立项和结题评定情况。"),
        download_url=lambda c: reverse("research:ledger", args=[c.pk]),
        list_url=lambda c: reverse("research:topics", args=[c.pk]),
        order=60,
    )
)
