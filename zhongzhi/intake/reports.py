"""Suggestions' part of the reports (`zhongzhi.reports.registry`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.reports.registry import Ledger, register_ledger

register_ledger(
    Ledger(
        key="intake.suggestions",
        title=_("意见建议台账"),
        description=_("收到的意见建议及其渠道、方面、群体类别、涉及单位、筛选和办理情况。"),
        download_url=lambda c: f"{reverse('intake:export')}?campaign={c.pk}",
        list_url=lambda c: f"{reverse('intake:list')}?campaign={c.pk}",
        order=20,
    )
)
