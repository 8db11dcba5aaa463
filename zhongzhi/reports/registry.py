"""What every app reports, in one registry: its ledgers (台账) now; its figures for
the dashboards and its sections of the briefing as they come.

An app declares its part in its own ``reports.py``::

    from zhongzhi.reports.registry import Ledger, register_ledger

    register_ledger(Ledger(key="research.topics", title=_("调研课题台账"), ...))

`reports.apps` imports every installed app's ``reports`` module at start-up; the
ledger page iterates over `ledgers()`. The export itself stays with the app (its
view scopes the rows to the viewer, takes the list's filters and runs a background
job when the ledger is large).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser


def _everyone(user: AnyUser, campaign: Campaign) -> bool:
    return True


@dataclass(frozen=True)
class Ledger:
    key: str  # "<app>.<what>", stable: pages and tests refer to it
    title: str | Promise
    description: str | Promise
    # The app's export of the whole campaign as the viewer sees it (an xlsx, or a
    # job page for a large one); its list page, where the rows can be filtered first.
    download_url: Callable[[Campaign], str]
    list_url: Callable[[Campaign], str] | None = None
    # Whether this viewer is offered the ledger at all (the export checks again).
    offered_to: Callable[[AnyUser, Campaign], bool] = field(default=_everyone)
    order: int = 100
    # The buttons' words when the export is not an Excel ledger (the open data's zip).
    download_label: str | Promise = ""
    list_label: str | Promise = ""


_LEDGERS: dict[str, Ledger] = {}


def register_ledger(ledger: Ledger) -> Ledger:
    if ledger.key in _LEDGERS:
        raise ValueError(f"ledger {ledger.key!r} is registered twice")
    _LEDGERS[ledger.key] = ledger
    return ledger


def ledgers() -> list[Ledger]:
    return sorted(_LEDGERS.values(), key=lambda ledger: (ledger.order, ledger.key))


# --- dashboard panels ---------------------------------------------------------------------


@dataclass
class Series:
    name: str | Promise
    values: list[int]


@dataclass
class PanelData:
    """What a panel shows: a chart of `labels` × `series`, whose numbers the page also
    gives as a table (and as xlsx)."""

    chart: str  # "bar" (horizontal when `ranked`), "line", "funnel", "numbers"
    labels: list[str]
    series: list[Series]
    ranked: bool = False
    note: str | Promise = ""


@dataclass(frozen=True)
class Panel:
    key: str  # "<app>.<what>"
    title: str | Promise
    # The panel's figures for this viewer: counted in their scope, from the app's own
    # scoped querysets; the dashboard caches them for a minute.
    build: Callable[[AnyUser, Campaign], PanelData]
    order: int = 100
    wide: bool = False


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    if panel.key in _PANELS:
        raise ValueError(f"panel {panel.key!r} is registered twice")
    _PANELS[panel.key] = panel
    return panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def panel(key: str) -> Panel | None:
    return _PANELS.get(key)
