"""Triage's part of the reports (`zhongzhi.reports.registry`): the hot issues as they
stand, each with its representative suggestion."""

from django.utils.translation import gettext_lazy as _

from zhongzhi.analysis.selectors import HotIssueRow, hot_issue_list
from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import (
    BriefingPart,
    Chart,
    Heading,
    Panel,
    PanelData,
    PartDraft,
    Period,
    Series,
    register_briefing_part,
    register_panel,
)

ISSUES_SHOWN = 5
ISSUES_CHARTED = 10
QUOTE_LENGTH = 120


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def _hot(user: AnyUser, campaign: Campaign, period: Period) -> PartDraft:
    rows = hot_issue_list(user, campaign, limit=ISSUES_CHARTED)
    if not rows:
        return PartDraft(
            paragraphs=[str(_("还没有热点问题：分流运行后按群众反映的集中程度生成。"))]
        )
    paragraphs = [str(_("目前群众反映较集中的问题有："))]
    for n, row in enumerate(rows[:ISSUES_SHOWN], start=1):
        issue = row.issue
        line = _("%(n)d. %(label)s：%(size)d 条意见建议，附议 %(likes)d 次") % {
            "n": n,
            "label": issue.label,
            "size": row.visible_members,
            "likes": issue.likes,
        }
        if issue.places:
            line += _("，主要涉及%(places)s") % {"places": "、".join(issue.places[:3])}
        line += "。"
        if row.representative is not None:
            line += _("如：“%(text)s”") % {"text": _quote(row.representative.text)}
        paragraphs.append(line)
    return PartDraft(paragraphs=paragraphs, charts=[Chart(_("热点问题"), _chart(rows))])


register_briefing_part(BriefingPart("analysis.hot_issues", Heading.HOT, _hot, order=10))


def _chart(rows: list[HotIssueRow]) -> PanelData:
    return PanelData(
        chart="bar",
        ranked=True,
        labels=[row.issue.label for row in rows],
        series=[Series(_("意见建议"), [row.visible_members for row in rows])],
        note="" if rows else _("分流运行后生成。"),
    )


def _hot_panel(user: AnyUser, campaign: Campaign) -> PanelData:
    return _chart(hot_issue_list(user, campaign, limit=ISSUES_CHARTED))


register_panel(Panel("analysis.hot_issues", _("热点问题（前 10 位）"), _hot_panel, order=55))
