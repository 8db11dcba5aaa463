"""Open data's part of the reports (`zhongzhi.reports.registry`): its export on the
ledger page, for the office, beside the page where it chooses what to publish."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.opendata.access import runs_open_data
from zhongzhi.reports.registry import Ledger, register_ledger

register_ledger(
    Ledger(
        key="opendata.export",
        title=_("公开数据"),
        description=_(
            "全部意见建议及办理结果，去除个人信息，CSV 和 JSON 附数据字典（zip），可对外公开。"
        ),
        download_url=lambda c: reverse("opendata:export", args=[c.pk]),
        list_url=lambda c: reverse("opendata:office", args=[c.pk]),
        offered_to=runs_open_data,
        order=90,
        download_label=_("导出公开数据（zip）"),
        list_label=_("选择公开的答复"),
    )
)
