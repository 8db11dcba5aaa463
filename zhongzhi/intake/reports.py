"""Suggestions' part of the reports (`zhongzhi.reports.registry`)."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.core import clock
from zhongzhi.intake.access import campaign_suggestions
from zhongzhi.intake.models import Channel, Suggestion
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    BriefingPart,
    Chart,
    Heading,
    Ledger,
    Panel,
    PanelData,
    PartDraft,
    Period,
    Series,
    register_briefing_part,
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


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the platform's time zone. Days are compared as ranges of
    `submitted_at` (its index), never by casting every row to a date: SQLite casts in
    Python, seconds for a campaign of 151,681."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _by_day(user: AnyUser, campaign: Campaign) -> PanelData:
    """Suggestions a day by channel over the last 30 days of the campaign so far."""
    last = min(clock.today(), campaign.end_date)
    first = max(campaign.start_date, last - datetime.timedelta(days=DAYS_SHOWN - 1))
    return _daily(user, campaign, first, last)


def _daily(
    user: AnyUser, campaign: Campaign, first: datetime.date, last: datetime.date
) -> PanelData:
    """Suggestions a day by channel from `first` to `last`."""
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    bounds = [_day_start(day) for day in [*days, last + datetime.timedelta(days=1)]]
    # One small query a day, each a range of the (campaign, submitted_at, channel) index:
    # cheaper than one pass with a count per day for every row (0.8 s at 151,681).
    scope = campaign_suggestions(user, campaign)
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for n in range(len(days)):
        rows = (
            scope.filter(submitted_at__gte=bounds[n], submitted_at__lt=bounds[n + 1])
            .values_list("channel")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for channel, count in rows:
            counts[channel][n] = count
    return PanelData(
        chart="line",
        labels=[f"{day:%m-%d}" for day in days],
        series=[
            Series(label, counts[value]) for value, label in Channel.choices if value in counts
        ],
    )


def _in_period(user: AnyUser, campaign: Campaign, period: Period | None) -> QuerySet[Suggestion]:
    scope = campaign_suggestions(user, campaign)
    if period is None:
        return scope
    start, end = period.bounds()
    return scope.filter(submitted_at__gte=start, submitted_at__lt=end)


def _by_field(
    user: AnyUser,
    campaign: Campaign,
    model: type[Topic | ParticipantCategory],
    field: str,
    none_label: str,
    period: Period | None = None,
) -> PanelData:
    """Counted by the key alone (no join over every suggestion), named afterwards."""
    counts = dict(
        _in_period(user, campaign, period).values_list(field).annotate(n=Count("pk")).order_by()
    )
    named = [
        (item.name, counts[item.pk])
        for item in model.objects.filter(campaign=campaign).order_by("order", "name")
        if counts.get(item.pk)
    ]
    if counts.get(None):
        named.append((none_label, counts[None]))
    return PanelData(
        chart="bar",
        labels=[name for name, _n in named],
        series=[Series(_("意见建议"), [n for _name, n in named])],
    )


def _by_unit(user: AnyUser, campaign: Campaign, period: Period | None = None) -> PanelData:
    rows = list(
        _in_period(user, campaign, period)
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
    today = _day_start(clock.today())
    tomorrow = today + datetime.timedelta(days=1)
    week = today - datetime.timedelta(days=6)
    counts = campaign_suggestions(user, campaign).aggregate(
        today=Count("pk", filter=Q(submitted_at__gte=today, submitted_at__lt=tomorrow)),
        week=Count("pk", filter=Q(submitted_at__gte=week, submitted_at__lt=tomorrow)),
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
        lambda user, campaign: _by_field(user, campaign, Topic, "topic", str(_("未确定方面"))),
        order=30,
    )
)
register_panel(
    Panel(
        "intake.by_category",
        _("按群体类别"),
        lambda user, campaign: _by_field(
            user, campaign, ParticipantCategory, "category", str(_("未注明类别"))
        ),
        order=40,
    )
)
register_panel(Panel("intake.by_unit", _("按单位（前 15 位）"), _by_unit, order=50))


# --- briefing -----------------------------------------------------------------------------


def _received(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    """数据统计: what came in during the period, by channel, topic and unit, and the total
    so far; counted by the same functions as the dashboard's panels."""
    in_period = _in_period(user, campaign, period)
    by_channel = dict(in_period.values_list("channel").annotate(n=Count("pk")).order_by())
    received = sum(by_channel.values())
    total = campaign_suggestions(user, campaign).filter(submitted_at__lt=period.bounds()[1]).count()
    figures = {"period": period.label, "n": received, "total": total}
    if received:
        channels = "、".join(
            _("%(channel)s %(n)d 条") % {"channel": label, "n": by_channel[value]}
            for value, label in Channel.choices
            if by_channel.get(value)
        )
        opening = _(
            "本期（%(period)s）共收到意见建议 %(n)d 条，其中%(channels)s。"
            "活动开展以来累计收到 %(total)d 条。"
        ) % {**figures, "channels": channels}
    else:
        opening = (
            _("本期（%(period)s）没有收到新的意见建议，活动开展以来累计收到 %(total)d 条。")
            % figures
        )
    draft = PartDraft(paragraphs=[opening])
    if not received:
        return draft
    units = _by_unit(user, campaign, period)
    if units.labels:
        top = "、".join(
            _("%(unit)s（%(n)d 条）") % {"unit": name, "n": n}
            for name, n in zip(units.labels[:5], units.series[0].values[:5], strict=True)
        )
        draft.paragraphs.append(_("收到意见建议较多的单位：%(units)s。") % {"units": top})
    first = max(period.start, campaign.start_date)
    last = min(period.end, campaign.end_date)
    if first < last:
        draft.charts.append(Chart(_("每日收到的意见建议"), _daily(user, campaign, first, last)))
    draft.charts.append(
        Chart(
            _("意见建议按方面分布"),
            _by_field(user, campaign, Topic, "topic", str(_("未确定方面")), period),
        )
    )
    return draft


register_briefing_part(BriefingPart("intake.received", Heading.FIGURES, _received, order=10))
