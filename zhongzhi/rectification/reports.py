"""Rectification's part of the reports (`zhongzhi.reports.registry`)."""

from functools import partial

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongzhi.campaigns.access import oversees_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.access import campaign_suggestions
from zhongzhi.intake.models import SuggestionStatus
from zhongzhi.org.access import AnyUser
from zhongzhi.rectification.access import campaign_measures, campaign_problems
from zhongzhi.rectification.models import (
    OPEN_MEASURE_STATES,
    DueState,
    EscalationLevel,
    Evidence,
    EvidenceKind,
    MeasureState,
    ProblemStatus,
    Rating,
    RatingLevel,
)
from zhongzhi.reports.registry import (
    BriefingPart,
    Chart,
    Heading,
    Highlight,
    Ledger,
    Panel,
    PanelData,
    PartDraft,
    Period,
    Picture,
    Series,
    register_briefing_part,
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


# --- briefing -----------------------------------------------------------------------------

CASES_OFFERED = 20


def _figures(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    start, end = period.bounds()
    problems = campaign_problems(user, campaign).aggregate(
        new=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
    )
    measures = campaign_measures(user, campaign).aggregate(
        new=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        verified=Count("pk", filter=Q(verified_at__gte=start, verified_at__lt=end)),
    )
    now = dict(zip(*_now(user, campaign), strict=True))
    ratings = _ratings(user, campaign)
    paragraphs = [
        _(
            "本期新立整改问题 %(problems)d 个、整改措施 %(measures)d 项，核验通过 %(verified)d 项，"
            "销号问题 %(closed)d 个。目前整改中的措施 %(open)d 项，其中即将到期 %(due_soon)d 项、"
            "已逾期 %(overdue)d 项、挂牌督办 %(listed)d 项；累计核验通过 %(all_verified)d 项。"
        )
        % {
            "problems": problems["new"],
            "measures": measures["new"],
            "verified": measures["verified"],
            "closed": problems["closed"],
            "open": now["open"],
            "due_soon": now["due_soon"],
            "overdue": now["overdue"],
            "listed": now["listed"],
            "all_verified": now["verified"],
        }
    ]
    if ratings["all"]:
        paragraphs.append(
            _(
                "群众对答复累计评价 %(all)d 次，其中满意 %(satisfied)d 次、基本满意 %(fairly)d 次、"
                "不满意 %(dissatisfied)d 次，满意率 %(rate)s。"
            )
            % {**ratings, "rate": f"{100 * ratings['satisfied'] / ratings['all']:.1f}%"}
        )
    return PartDraft(
        paragraphs=paragraphs,
        charts=[Chart(_("从收到到评价"), _funnel(user, campaign))],
    )


def _now(user: AnyUser, campaign: Campaign) -> tuple[list[str], list[int]]:
    """The measures panel's figures by key (the same count as the dashboard's)."""
    data = _measures(user, campaign)
    return ["open", "due_soon", "overdue", "listed", "verified"], data.series[0].values


def _ratings(user: AnyUser, campaign: Campaign) -> dict[str, int]:
    ratings = Rating.objects.filter(campaign=campaign)
    if not oversees_campaign(user, campaign):
        ratings = ratings.filter(suggestion__in=campaign_suggestions(user, campaign).values("pk"))
    return ratings.aggregate(
        all=Count("pk"),
        satisfied=Count("pk", filter=Q(level=RatingLevel.SATISFIED)),
        fairly=Count("pk", filter=Q(level=RatingLevel.FAIRLY)),
        dissatisfied=Count("pk", filter=Q(level=RatingLevel.DISSATISFIED)),
    )


def _laggard_units(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    data = _laggards(user, campaign)
    if not data.labels:
        return PartDraft(paragraphs=[str(_("目前没有逾期的整改措施。"))])
    named = "、".join(
        _("%(unit)s（%(n)d 项）") % {"unit": name, "n": n}
        for name, n in zip(data.labels, data.series[0].values, strict=True)
    )
    return PartDraft(
        paragraphs=[_("整改措施逾期较多的单位：%(units)s。") % {"units": named}],
        charts=[Chart(_("逾期整改措施最多的单位"), data)],
    )


def _read(stored: Evidence) -> bytes:
    with (stored.preview or stored.file).open("rb") as handle:
        return handle.read()


def _cases(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    """Problems closed in the period, with the first and last photo of their measures'
    evidence as before and after, for the office to choose as 典型做法."""
    start, end = period.bounds()
    closed = list(
        campaign_problems(user, campaign)
        .filter(status=ProblemStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .select_related("unit")
        .order_by("-closed_at")[:CASES_OFFERED]
    )
    photos: dict[int, list[Evidence]] = {}
    for photo in (
        Evidence.objects.filter(kind=EvidenceKind.IMAGE, update__measure__problem__in=closed)
        .order_by("update__at", "pk")
        .select_related("update__measure")
    ):
        photos.setdefault(photo.update.measure.problem_id, []).append(photo)
    highlights = []
    for problem in closed:
        shown = photos.get(problem.pk, [])
        pictures: tuple[Picture, ...] = ()
        if len(shown) >= 2:
            first, last = shown[0], shown[-1]
            pictures = (
                Picture(_("整改前"), partial(_read, first)),
                Picture(_("整改后"), partial(_read, last)),
            )
        elif shown:
            pictures = (Picture(_("整改后"), partial(_read, shown[0])),)
        highlights.append(
            Highlight(
                key=f"case:{problem.pk}",
                kind=_("整改案例"),
                title=problem.title,
                unit=problem.unit.name,
                text=problem.answer or problem.description,
                pictures=pictures,
            )
        )
    return PartDraft(highlights=highlights)


def _next(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    now = dict(zip(*_now(user, campaign), strict=True))
    paragraphs = []
    if now["overdue"]:
        paragraphs.append(
            _("督促已逾期的 %(overdue)d 项整改措施限期办结，对挂牌督办的 %(listed)d 项跟踪问效。")
            % now
        )
    if now["due_soon"]:
        paragraphs.append(_("提醒责任单位按时完成即将到期的 %(due_soon)d 项整改措施。") % now)
    return PartDraft(paragraphs=paragraphs)


register_briefing_part(BriefingPart("rectification.figures", Heading.FIGURES, _figures, order=30))
register_briefing_part(BriefingPart("rectification.cases", Heading.PRACTICE, _cases, order=30))
register_briefing_part(
    BriefingPart("rectification.laggards", Heading.PROBLEMS, _laggard_units, order=10)
)
register_briefing_part(BriefingPart("rectification.next", Heading.NEXT, _next, order=20))


def _satisfaction(user: AnyUser, campaign: Campaign) -> PanelData:
    """The units whose answers residents rated lowest (the share rated 满意)."""
    ratings = Rating.objects.filter(campaign=campaign, unit__isnull=False)
    if not oversees_campaign(user, campaign):
        ratings = ratings.filter(suggestion__in=campaign_suggestions(user, campaign).values("pk"))
    rows = sorted(
        (
            (100 * satisfied // n, name, n)
            for name, n, satisfied in ratings.values_list("unit__name")
            .annotate(n=Count("pk"), satisfied=Count("pk", filter=Q(level=RatingLevel.SATISFIED)))
            .order_by()
        ),
    )[:LAGGARDS_SHOWN]
    return PanelData(
        chart="bar",
        ranked=True,
        labels=[
            str(_("%(unit)s（%(n)d 次评价）") % {"unit": name, "n": n}) for _rate, name, n in rows
        ],
        series=[Series(_("满意率（%）"), [rate for rate, _name, _n in rows])],
        note="" if rows else _("还没有群众评价。"),
    )


register_panel(Panel("rectification.satisfaction", _("满意率最低的单位"), _satisfaction, order=82))
