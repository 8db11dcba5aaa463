"""Rectification's part of the reports (`zhongzhi.reports.registry`)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.access import campaign_suggestions
from zhongzhi.intake.models import SuggestionStatus
from zhongzhi.org.access import AnyUser
from zhongzhi.rectification.access import campaign_measures
from zhongzhi.rectification.models import (
    OPEN_MEASURE_STATES,
    DueState,
    EscalationLevel,
    MeasureState,
    ProblemStatus,
)
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

# --- dashboard panels ---------------------------------------------------------------------

LAGGARDS_SHOWN = 10
VALID = (
    SuggestionStatus.ACCEPTED,
    SuggestionStatus.EXCELLENT,
    SuggestionStatus.ADOPTED,
    SuggestionStatus.NOT_ADOPTED,
    SuggestionStatus.ANSWERED,
)


def _funnel(user: AnyUser, campaign: Campaign) -> PanelData:
    """From received to rated: each step counts the suggestions that got that far."""
    suggestions = campaign_suggestions(user, campaign)
    counts = suggestions.aggregate(
        received=Count("pk"),
        valid=Count("pk", filter=Q(status__in=VALID)),
        excellent=Count(
            "pk", filter=Q(status__in=(SuggestionStatus.EXCELLENT, SuggestionStatus.ADOPTED))
        ),
        adopted=Count("pk", filter=Q(status=SuggestionStatus.ADOPTED)),
        problems=Count("problem_link"),
        closed=Count("pk", filter=Q(problem_link__problem__status=ProblemStatus.CLOSED)),
        rated=Count("rating"),
    )
    steps = [
        ("received", _("收到")),
        ("valid", _("受理")),
        ("excellent", _("优秀或采纳")),
        ("adopted", _("采纳")),
        ("problems", _("立为问题整改")),
        ("closed", _("整改销号")),
        ("rated", _("群众评价")),
    ]
    return PanelData(
        chart="funnel",
        ranked=True,
        labels=[str(label) for _key, label in steps],
        series=[Series(_("意见建议"), [counts[key] for key, _label in steps])],
    )


def _measures(user: AnyUser, campaign: Campaign) -> PanelData:
    measures = campaign_measures(user, campaign)
    open_ = Q(state__in=OPEN_MEASURE_STATES)
    counts = measures.aggregate(
        open=Count("pk", filter=open_),
        due_soon=Count("pk", filter=open_ & Q(due_state=DueState.DUE_SOON)),
        overdue=Count("pk", filter=open_ & Q(due_state=DueState.OVERDUE)),
        listed=Count("pk", filter=open_ & Q(escalation=EscalationLevel.LIST)),
        verified=Count("pk", filter=Q(state=MeasureState.VERIFIED)),
    )
    steps = [
        ("open", _("整改中")),
        ("due_soon", _("即将到期")),
        ("overdue", _("已逾期")),
        ("listed", _("挂牌督办")),
        ("verified", _("已核验")),
    ]
    return PanelData(
        chart="numbers",
        labels=[str(label) for _key, label in steps],
        series=[Series(_("整改措施"), [counts[key] for key, _label in steps])],
    )


def _laggards(user: AnyUser, campaign: Campaign) -> PanelData:
    rows = list(
        campaign_measures(user, campaign)
        .filter(state__in=OPEN_MEASURE_STATES, due_state=DueState.OVERDUE)
        .values_list("owner_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_unit__name")[:LAGGARDS_SHOWN]
    )
    return PanelData(
        chart="bar",
        ranked=True,
        labels=[name for name, _n in rows],
        series=[Series(_("逾期整改措施"), [n for _name, n in rows])],
        note="" if rows else _("没有逾期的整改措施。"),
    )


register_panel(Panel("rectification.funnel", _("从收到到评价"), _funnel, order=60))
register_panel(Panel("rectification.measures", _("整改措施"), _measures, order=70))
register_panel(Panel("rectification.laggards", _("逾期最多的单位"), _laggards, order=80))
