"""The supervision findings ledger (督导发现问题台账): every finding of the groups the
viewer sees, with its inspection, the unit's measures and where they stand, on the
shared ledger sheet. Read in three queries whatever the number of findings."""

from collections import defaultdict

from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.ledger import LedgerSheet, exported_line, joined, ledger_filename
from zhongzhi.org.access import AnyUser
from zhongzhi.rectification.models import Measure, MeasureState
from zhongzhi.supervision.access import visible_groups
from zhongzhi.supervision.models import Finding, InspectionMethod


def finding_columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6),
        (_("督导组"), 14),
        (_("被检查单位"), 16),
        (_("检查日期"), 12),
        (_("检查方式"), 14),
        (_("问题编号"), 8),
        (_("发现的问题"), 36),
        (_("整改措施"), 36),
        (_("完成时限"), 12),
        (_("整改状态"), 12),
        (_("问题状态"), 10),
    ]


def findings_workbook(user: AnyUser, campaign: Campaign) -> bytes:
    findings = list(
        Finding.objects.filter(
            inspection__campaign=campaign, inspection__group__in=visible_groups(user)
        )
        .select_related("inspection__group", "inspection__unit", "problem")
        .order_by("inspection__group__name", "inspection__date", "pk")
    )
    measures: dict[int, list[Measure]] = defaultdict(list)
    for measure in Measure.objects.filter(problem__in=[f.problem_id for f in findings]).order_by(
        "number"
    ):
        measures[measure.problem_id].append(measure)
    methods = dict(InspectionMethod.choices)
    states = dict(MeasureState.choices)
    sheet = LedgerSheet(
        _("%(campaign)s督导发现问题台账") % {"campaign": campaign.name},
        exported_line(joined([]), len(findings), _("个问题")),
        finding_columns(),
    )
    centred = frozenset({0, 3, 5, 8, 9, 10})
    for number, finding in enumerate(findings, start=1):
        inspection, problem = finding.inspection, finding.problem
        own = measures[problem.pk]
        sheet.append(
            [
                number,
                inspection.group.name,
                inspection.unit.name,
                inspection.date,
                "、".join(str(methods.get(m, m)) for m in inspection.methods),
                problem.number,
                f"{problem.title}\n{problem.description}".strip(),
                "\n".join(f"{problem.number}-{m.number} {m.text}" for m in own),
                min((m.deadline for m in own), default=None),
                "\n".join(str(states.get(m.state, m.state)) for m in own),
                problem.get_status_display(),
            ],
            centred,
        )
    return sheet.save()


def findings_filename(campaign: Campaign) -> str:
    return ledger_filename(campaign.name, _("督导发现问题台账"))
