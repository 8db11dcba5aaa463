"""Essays' part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.essays.access import sees_essays
from zhongzhi.reports.registry import Ledger, register_ledger

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
