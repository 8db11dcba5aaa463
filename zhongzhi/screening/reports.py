"""Screening's part of the reports (`zhongzhi.reports.registry`): the period's
decisions, counted from the audit log (each decision is one entry, with its time), the
excellent and adopted ideas the office may choose for the briefing, and the units
slowest to sign for their assignments."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongzhi.audit.models import AuditAction, AuditEntry
from zhongzhi.audit.services import target_type
from zhongzhi.campaigns.access import oversees_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.intake.access import campaign_suggestions
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.org.access import AnyUser, visible_unit_ids
from zhongzhi.reports.registry import (
    BriefingPart,
    Heading,
    Highlight,
    Panel,
    PanelData,
    PartDraft,
    Period,
    Series,
    register_briefing_part,
    register_panel,
)
from zhongzhi.screening.models import Assignment, AssignmentState

IDEAS_OFFERED = 30
SUGGESTION = target_type(Suggestion)
DECISIONS = [
    (AuditAction.ASSIGN, _("交办 %(n)d 条")),
    (AuditAction.ACCEPT, _("受理 %(n)d 条")),
    (AuditAction.EXCELLENT, _("评为优秀金点子 %(n)d 条")),
    (AuditAction.ADOPT, _("采纳 %(n)d 条")),
    (AuditAction.NOT_ADOPT, _("不予采纳 %(n)d 条")),
    (AuditAction.ANSWER, _("直接答复 %(n)d 条")),
    (AuditAction.MERGE, _("合并重复 %(n)d 条")),
    (AuditAction.INVALID, _("判为无效 %(n)d 条")),
]


def _decisions(user: AnyUser, campaign: Campaign, period: Period) -> QuerySet[AuditEntry]:
    start, end = period.bounds()
    entries = AuditEntry.objects.filter(campaign=campaign, at__gte=start, at__lt=end)
    if not oversees_campaign(user, campaign):
        entries = entries.filter(
            target_type=SUGGESTION,
            target_id__in=campaign_suggestions(user, campaign).values("pk"),
        )
    return entries


def _screened(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    counts = dict(
        _decisions(user, campaign, period)
        .filter(action__in=[action for action, _text in DECISIONS])
        .values_list("action")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done = [str(text % {"n": counts[action]}) for action, text in DECISIONS if counts.get(action)]
    if not done:
        return PartDraft(paragraphs=[str(_("本期没有新的筛选和交办。"))])
    return PartDraft(paragraphs=[_("本期筛选办理意见建议：%(done)s。") % {"done": "、".join(done)}])


def _ideas(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    """Ideas judged excellent or adopted during the period and still so."""
    decided = (
        _decisions(user, campaign, period)
        .filter(action__in=[AuditAction.EXCELLENT, AuditAction.ADOPT], target_type=SUGGESTION)
        .values("target_id")
    )
    ideas = (
        campaign_suggestions(user, campaign)
        .filter(pk__in=decided, status__in=[SuggestionStatus.EXCELLENT, SuggestionStatus.ADOPTED])
        .select_related("unit")
        .order_by("-plus_ones", "pk")[:IDEAS_OFFERED]
    )
    return PartDraft(
        highlights=[
            Highlight(
                key=f"idea:{idea.pk}",
                kind=idea.get_status_display(),
                title=idea.title or idea.text[:30],
                unit=idea.unit.name if idea.unit else "",
                text=idea.text,
            )
            for idea in ideas
        ]
    )


register_briefing_part(BriefingPart("screening.decisions", Heading.FIGURES, _screened, order=20))
register_briefing_part(BriefingPart("screening.ideas", Heading.PRACTICE, _ideas, order=10))


# --- dashboard panels ---------------------------------------------------------------------

UNITS_SHOWN = 10


def _late_signers(user: AnyUser, campaign: Campaign) -> PanelData:
    """The units slowest to sign for what they were given: signed after the time to
    sign, or still unsigned past it."""
    assignments = Assignment.objects.filter(campaign=campaign)
    if not oversees_campaign(user, campaign):
        assignments = assignments.filter(unit_id__in=visible_unit_ids(user))
    rows = list(
        assignments.filter(
            Q(signed_late=True) | Q(state=AssignmentState.PENDING, sign_deadline__lt=timezone.now())
        )
        .values_list("unit__name")
        .annotate(
            late=Count("pk", filter=Q(signed_late=True)),
            waiting=Count("pk", filter=Q(state=AssignmentState.PENDING)),
            n=Count("pk"),
        )
        .order_by("-n", "unit__name")[:UNITS_SHOWN]
    )
    return PanelData(
        chart="bar",
        ranked=True,
        labels=[name for name, *_counts in rows],
        series=[
            Series(_("超时签收"), [late for _name, late, _w, _n in rows]),
            Series(_("超时未签收"), [waiting for _name, _l, waiting, _n in rows]),
        ],
        note="" if rows else _("没有超时签收的交办。"),
    )


register_panel(Panel("screening.late_signers", _("签收最慢的单位"), _late_signers, order=85))
