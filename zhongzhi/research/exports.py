"""The research topic ledger (课题台账): a campaign's topics as the viewer sees them, one
row each, with their milestones, state and grade, on the shared ledger sheet."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.core.ledger import LedgerSheet, exported_line, joined, ledger_filename
from zhongzhi.org.access import AnyUser
from zhongzhi.research.models import Milestone, TopicState
from zhongzhi.research.selectors import campaign_topics


def topic_columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6),
        (_("课题编号"), 8),
        (_("课题名称"), 28),
        (_("申报单位"), 16),
        (_("课题负责人"), 12),
        (_("课题组成员"), 18),
        (_("研究的问题"), 36),
        (_("预期成果"), 24),
        (_("进度节点"), 30),
        (_("申报时间"), 12),
        (_("立项时间"), 12),
        (_("状态"), 10),
        (_("结题评定"), 10),
        (_("评定意见"), 24),
    ]


def _milestone_lines(milestones: list[Milestone]) -> str:
    today = clock.today()
    lines = []
    for m in milestones:
        if m.done_at:
            mark = _("已完成 %(day)s") % {"day": f"{m.done_at:%Y-%m-%d}"}
        elif m.due_date < today:
            mark = _("逾期未完成")
        else:
            mark = _("未完成")
        lines.append(f"{m.due_date:%Y-%m-%d} {m.title}（{mark}）")
    return "\n".join(lines)


def topics_workbook(user: AnyUser, campaign: Campaign, state: str = "") -> bytes:
    topics = list(campaign_topics(user, campaign, state))
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(topic__in=[t.pk for t in topics]).order_by("due_date", "pk"):
        milestones[m.topic_id].append(m)
    state_label = dict(TopicState.choices).get(state, "")
    summary = joined([_("状态：%(v)s") % {"v": state_label} if state_label else ""])
    sheet = LedgerSheet(
        _("%(campaign)s调研课题台账") % {"campaign": campaign.name},
        exported_line(summary, len(topics), _("项课题")),
        topic_columns(),
    )
    centred = frozenset({0, 1, 4, 9, 10, 11, 12})
    for number, t in enumerate(topics, start=1):
        sheet.append(
            [
                number,
                t.number,
                t.title,
                t.unit.name,
                t.lead.full_name or t.lead.username,
                t.members,
                t.question,
                t.expected_result,
                _milestone_lines(milestones[t.pk]),
                timezone.localdate(t.applied_at),
                timezone.localdate(t.decided_at)
                if t.decided_at and t.state != TopicState.RETURNED
                else None,
                t.get_state_display(),
                t.get_grade_display(),
                t.grade_note,
            ],
            centred,
        )
    return sheet.save()


def topics_filename(campaign: Campaign) -> str:
    return ledger_filename(campaign.name, _("调研课题台账"))
