"""The campaign's own part of the reports (`zhongzhi.reports.registry`)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.access import visible_plan_items
from zhongzhi.campaigns.models import Campaign, PlanItem, PlanItemStatus, Stage
from zhongzhi.campaigns.selectors import current_stage
from zhongzhi.core import clock
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    BriefingPart,
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
        key="campaigns.plan_items",
        title=_("工作任务清单"),
        description=_("实施方案的工作任务、牵头单位、时限和进展。"),
        download_url=lambda c: reverse("campaigns:plan_items_export", args=[c.pk]),
        order=10,
    )
)


# --- briefing -----------------------------------------------------------------------------

NEXT_DAYS = 14
NEXT_ITEMS = 6


def _stage(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    stage = current_stage(
        list(Stage.objects.filter(campaign=campaign).order_by("order")), period.end
    )
    if stage is None:
        return PartDraft()
    counts = (
        visible_plan_items(user, campaign)
        .filter(stage=stage)
        .aggregate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=PlanItemStatus.DONE)),
            doing=Count("pk", filter=Q(status=PlanItemStatus.IN_PROGRESS)),
            delayed=Count("pk", filter=Q(status=PlanItemStatus.DELAYED)),
        )
    )
    # A stage's name may carry its own quotes (“7+11”征集意见): then none are added.
    name = stage.name if "“" in stage.name else f"“{stage.name}”"
    line = _("活动目前处于%(stage)s阶段（%(period)s）。") % {
        "stage": name,
        "period": Period(stage.start_date, stage.end_date).label,
    }
    if counts["n"]:
        line += (
            _(
                "本阶段 %(n)d 项工作任务中，已完成 %(done)d 项、进行中 %(doing)d 项、"
                "滞后 %(delayed)d 项。"
            )
            % counts
        )
    return PartDraft(paragraphs=[line])


def _lead(item: PlanItem) -> str:
    return "、".join(unit.name for unit in item.lead_units.all()) or item.lead_note


def _next(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    """The plan items under way or starting in the two weeks after the period."""
    start = period.end + datetime.timedelta(days=1)
    until = start + datetime.timedelta(days=NEXT_DAYS)
    items = list(
        visible_plan_items(user, campaign)
        .exclude(status=PlanItemStatus.DONE)
        .filter(Q(start_date__isnull=True) | Q(start_date__lt=until))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .prefetch_related("lead_units")
        .order_by("end_date", "order", "pk")[:NEXT_ITEMS]
    )
    if not items:
        return PartDraft()
    paragraphs = [str(_("按照实施方案，下一步重点做好以下工作："))]
    for n, item in enumerate(items, start=1):
        line = f"{n}. {item.title}"
        details = []
        if lead := _lead(item):
            details.append(_("牵头单位：%(units)s") % {"units": lead})
        if item.end_date:
            details.append(
                _("%(m)d月%(d)d日前完成") % {"m": item.end_date.month, "d": item.end_date.day}
            )
        if details:
            line += f"（{'，'.join(str(d) for d in details)}）"
        paragraphs.append(f"{line}。")
    return PartDraft(paragraphs=paragraphs)


register_briefing_part(BriefingPart("campaigns.stage", Heading.NEWS, _stage, order=10))
register_briefing_part(BriefingPart("campaigns.next", Heading.NEXT, _next, order=10))


def _stage_panel(user: AnyUser, campaign: Campaign) -> PanelData:
    """The current stage's plan items by status."""
    stages = list(Stage.objects.filter(campaign=campaign).order_by("order"))
    stage = current_stage(stages, clock.today())
    if stage is None:
        return PanelData(chart="numbers", labels=[], series=[], note=_("当前不在任何阶段内。"))
    counts = dict(
        visible_plan_items(user, campaign)
        .filter(stage=stage)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return PanelData(
        chart="numbers",
        labels=[str(label) for _value, label in PlanItemStatus.choices],
        series=[
            Series(_("工作任务"), [counts.get(value, 0) for value, _l in PlanItemStatus.choices])
        ],
        note=_("当前阶段：%(stage)s") % {"stage": stage.name},
    )


register_panel(Panel("campaigns.stage", _("当前阶段工作任务"), _stage_panel, order=15))
