"""A dashboard panel's numbers as xlsx: the table under its chart, on the ledger sheet."""

from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.core.ledger import LedgerSheet, ledger_filename
from zhongzhi.reports.selectors import ShownPanel


def panel_workbook(campaign: Campaign, shown: ShownPanel) -> bytes:
    columns = [(_("项目"), 24)] + [(str(s.name), 14) for s in shown.data.series]
    sheet = LedgerSheet(
        f"{campaign.name} · {shown.panel.title}",
        _("统计日期：%(day)s　　%(note)s")
        % {"day": f"{clock.today():%Y-%m-%d}", "note": shown.data.note},
        columns,
    )
    centred = frozenset(range(1, len(columns)))
    for label, values in shown.rows:
        sheet.append([label, *values], centred)
    return sheet.save()


def panel_filename(campaign: Campaign, shown: ShownPanel) -> str:
    return ledger_filename(campaign.name, str(shown.panel.title))
