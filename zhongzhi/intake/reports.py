"""Suggestions' part of the reports (`zhongzhi.reports.registry`)."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.intake.access import campaign_suggestions
from zhongzhi.intake.models import Channel
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    Ledger,
    Panel,
    PanelData,
    Series,
    register_ledger,
    register_panel,
)

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

# --- dashboard panels ---------------------------------------------------------------------

DAYS_SHOWN = 30
UNITS_SHOWN = 15


def _by_day(user: AnyUser, campaign: Campaign) -> PanelData:
    """Suggestions a day by channel over the last 30 days of the campaign so far."""
    last = min(clock.today(), campaign.end_date)
    first = max(campaign.start_date, last - datetime.timedelta(days=DAYS_SHOWN - 1))
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    rows = (
        campaign_suggestions(user, campaign)
        .filter(submitted_at__date__gte=first, submitted_at__date__lte=last)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for day, channel, n in rows:
        counts[channel][day] = n
    return PanelData(
        chart="line",
        labels=[f"{day:%m-%d}" for day in days],
        series=[
            Series(label, [counts[value].get(day, 0) for day in days])
            for value, label in Channel.choices
            if value in counts
        ],
    )


def _by_field(user: AnyUser, campaign: Campaign, field: str, none_label: str) -> PanelData:
    rows = (
        campaign_suggestions(user, campaign)
        .values_list(f"{field}__name", f"{field}__order")
        .annotate(n=Count("pk"))
        .order_by(f"{field}__order", f"{field}__name")
    )
    named = [(name, n) for name, _order, n in rows if name]
    missing = sum(n for name, _order, n in rows if not name)
    if missing:
        named.append((none_label, missing))
    return PanelData(
        chart="bar",
        labels=[name for name, _n in named],
        series=[Series(_("意见建议"), [n for _name, n in named])],
    )


def _by_unit(user: AnyUser, campaign: Campaign) -> PanelData:
    rows = list(
        campaign_suggestions(user, campaign)
        .values_list("unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__name")
    )
    waiting = sum(n for name, n in rows if name is None)
    ranked = [(name, n) for name, n in rows if name is not None]
    shown = ranked[:UNITS_SHOWN]
    note = (
        _("另有 %(n)d 个单位未列出。") % {"n": len(ranked) - UNITS_SHOWN}
        if len(ranked) > UNITS_SHOWN
        else ""
    )
    if waiting:
        waiting_note = _("待分派（尚无单位）%(n)d 条。") % {"n": waiting}
        note = f"{note}{waiting_note}"
    return PanelData(
        chart="bar",
        ranked=True,
        labels=[name for name, _n in shown],
        series=[Series(_("意见建议"), [n for _name, n in shown])],
        note=note,
    )


def _new(user: AnyUser, campaign: Campaign) -> PanelData:
    today = clock.today()
    week = today - datetime.timedelta(days=6)
    counts = campaign_suggestions(user, campaign).aggregate(
        today=Count("pk", filter=Q(submitted_at__date=today)),
        week=Count("pk", filter=Q(submitted_at__date__gte=week)),
        total=Count("pk"),
    )
    return PanelData(
        chart="numbers",
        labels=[str(_("今日新增")), str(_("近7天")), str(_("累计"))],
        series=[Series(_("意见建议"), [counts["today"], counts["week"], counts["total"]])],
    )


register_panel(Panel("intake.new", _("意见建议数量"), _new, order=10))
register_panel(
    Panel("intake.by_day", _("每日收到的意见建议（按渠道）"), _by_day, order=20, wide=True)
)
register_panel(
    Panel(
        "intake.by_topic",
        _("按方面"),
        lambda user, campaign: _by_field(user, campaign, "topic", str(_("未确定方面"))),
        order=30,
    )
)
register_panel(
    Panel(
        "intake.by_category",
        _("按群体类别"),
        lambda user, campaign: _by_field(user, campaign, "category", str(_("未注明类别"))),
        order=40,
    )
)
register_panel(Panel("intake.by_unit", _("按单位（前 15 位）"), _by_unit, order=50))
