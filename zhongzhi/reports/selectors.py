"""Reads of the reports pages: the ledgers a viewer is offered, the dashboard's panels
(counted in the viewer's scope and kept for a minute), and the briefing drafted from
every registered part."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser, user_memberships
from zhongzhi.reports.models import Briefing
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
    briefing_parts,
    ledgers,
    panels,
)
from zhongzhi.reports.word import BriefingContent, SectionContent

# The dashboard's figures may be this many seconds old (issue 16: "stale by at most a
# minute"); the page says when they were counted.
FIGURES_TTL = 60


def ledgers_for(user: AnyUser, campaign: Campaign) -> list[Ledger]:
    """The registered ledgers this viewer is offered for the campaign, in order."""
    return [ledger for ledger in ledgers() if ledger.offered_to(user, campaign)]


def scope_key(user: AnyUser) -> str:
    """Users with the same roles in the same units see the same figures: the cache is
    shared by them, never across scopes."""
    if user.is_superuser:
        return "all"
    return ",".join(sorted(f"{m.role}:{m.unit_id}" for m in user_memberships(user))) or "none"


@dataclass
class ShownPanel:
    panel: Panel
    data: PanelData

    @property
    def chart_data(self) -> dict[str, object]:
        """What dashboard.js draws (through `json_script`)."""
        return {
            "labels": self.data.labels,
            "series": [{"name": str(s.name), "values": s.values} for s in self.data.series],
            "ranked": self.data.ranked,
        }

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        """The table under the chart: one row per label, one column per series."""
        return [
            (label, [series.values[i] for series in self.data.series])
            for i, label in enumerate(self.data.labels)
        ]


def panel_data(user: AnyUser, campaign: Campaign, panel: Panel) -> PanelData:
    # Labels are words in the viewer's language: kept per language too.
    key = f"reports:panel:{panel.key}:{campaign.pk}:{get_language()}:{scope_key(user)}"
    data = cache.get(key)
    if data is None:
        data = panel.build(user, campaign)
        cache.set(key, data, FIGURES_TTL)
    return data


def dashboard(user: AnyUser, campaign: Campaign) -> list[ShownPanel]:
    return [ShownPanel(p, panel_data(user, campaign, p)) for p in panels()]


# --- the briefing -------------------------------------------------------------------------


@dataclass
class BriefingDraft:
    """Every registered part drafted from the period's data."""

    period: Period
    parts: list[tuple[BriefingPart, PartDraft]]

    def text(self, heading: Heading) -> str:
        """The heading's drafted text, a paragraph a line, as the office edits it."""
        return "\n".join(
            str(paragraph)
            for part, draft in self.parts
            if part.heading == heading
            for paragraph in draft.paragraphs
        )

    def charts(self, heading: Heading) -> list[Chart]:
        return [
            chart for part, draft in self.parts if part.heading == heading for chart in draft.charts
        ]

    def highlights(self, heading: Heading) -> list[Highlight]:
        return [
            item
            for part, draft in self.parts
            if part.heading == heading
            for item in draft.highlights
        ]


def draft_briefing(user: AnyUser, campaign: Campaign, period: Period) -> BriefingDraft:
    return BriefingDraft(
        period, [(part, part.draft(user, campaign, period)) for part in briefing_parts()]
    )


def briefing_period(briefing: Briefing) -> Period:
    return Period(briefing.period_start, briefing.period_end)


def date_label(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def briefing_content(
    user: AnyUser, briefing: Briefing, draft: BriefingDraft | None = None
) -> BriefingContent:
    """What the document says: the office's texts, the period's charts counted now, the
    highlights the office chose."""
    period = briefing_period(briefing)
    draft = draft or draft_briefing(user, briefing.campaign, period)
    texts = {section.heading: section.text for section in briefing.sections.all()}
    return _content(
        briefing.campaign,
        briefing.number,
        briefing.issuer,
        briefing.issue_date,
        draft,
        texts,
        set(briefing.chosen),
    )


def draft_content(
    user: AnyUser, campaign: Campaign, period: Period, issuer: str, issue_date: datetime.date
) -> BriefingContent:
    """The document as drafted from the data alone, every highlight in."""
    draft = draft_briefing(user, campaign, period)
    texts = {heading.value: draft.text(heading) for heading in Heading}
    return _content(campaign, None, issuer, issue_date, draft, texts, None)


def _content(
    campaign: Campaign,
    number: int | None,
    issuer: str,
    issue_date: datetime.date,
    draft: BriefingDraft,
    texts: dict[str, str],
    chosen: set[str] | None,
) -> BriefingContent:
    return BriefingContent(
        campaign_name=campaign.name,
        number=number,
        issuer=issuer,
        issue_date_label=date_label(issue_date),
        period=draft.period,
        sections=[
            SectionContent(
                heading=str(heading.label),
                paragraphs=[
                    line.strip() for line in texts.get(heading, "").splitlines() if line.strip()
                ],
                charts=draft.charts(heading),
                highlights=[
                    h for h in draft.highlights(heading) if chosen is None or h.key in chosen
                ],
            )
            for heading in Heading
        ],
    )
