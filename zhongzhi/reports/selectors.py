"""Reads of the reports pages: the ledgers a viewer is offered, and the dashboard's
panels, counted in the viewer's scope and kept for a minute."""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser, user_memberships
from zhongzhi.reports.registry import Ledger, Panel, PanelData, ledgers, panels

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
