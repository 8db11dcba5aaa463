"""What every app reports, in one registry: its ledgers (台账), its figures for the
dashboards (panels) and its parts of the Word briefing (工作简报).

An app declares its part in its own ``reports.py``::

    from zhongzhi.reports.registry import Ledger, register_ledger

    register_ledger(Ledger(key="research.topics", title=_("调研课题台账"), ...))

`reports.apps` imports every installed app's ``reports`` module at start-up; the
ledger page iterates over `ledgers()`. The export itself stays with the app (its
view scopes the rows to the viewer, takes the list's filters and runs a background
job when the ledger is large).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


# --- briefing parts -----------------------------------------------------------------------


class Heading(models.TextChoices):
    """The usual sections of a 工作简报, in their order."""

    NEWS = "news", _("工作动态")
    FIGURES = "figures", _("数据统计")
    HOT = "hot", _("热点问题")
    PRACTICE = "practice", _("典型做法")
    PROBLEMS = "problems", _("存在问题")
    NEXT = "next", _("下步打算")


@dataclass(frozen=True)
class Period:
    """The days a briefing covers, both included."""

    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[midnight of the first day, midnight after the last) in the platform's time
        zone: compared as a range of a timestamp's index, never a cast per row."""
        after = self.end + datetime.timedelta(days=1)
        return (
            timezone.make_aware(datetime.datetime.combine(self.start, datetime.time())),
            timezone.make_aware(datetime.datetime.combine(after, datetime.time())),
        )

    @property
    def label(self) -> str:
        return _("%(m1)d月%(d1)d日至%(m2)d月%(d2)d日") % {
            "m1": self.start.month,
            "d1": self.start.day,
            "m2": self.end.month,
            "d2": self.end.day,
        }


@dataclass(frozen=True)
class Chart:
    title: str | Promise
    data: PanelData


@dataclass(frozen=True)
class Picture:
    caption: str | Promise  # 整改前 / 整改后 …
    read: Callable[[], bytes]


@dataclass(frozen=True)
class Highlight:
    """Something the office may choose for 典型做法: an excellent idea, an excellent
    essay, a closed case with its before and after."""

    key: str  # "<kind>:<id>", stable: the office's choice is kept by it
    kind: str | Promise
    title: str
    unit: str
    text: str
    pictures: tuple[Picture, ...] = ()


@dataclass
class PartDraft:
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)


@dataclass(frozen=True)
class BriefingPart:
    key: str  # "<app>.<what>"
    heading: Heading
    # The part drafted from the data of the period, as this author sees the campaign.
    draft: Callable[[AnyUser, Campaign, Period], PartDraft]
    order: int = 100


_PARTS: dict[str, BriefingPart] = {}


def register_briefing_part(part: BriefingPart) -> BriefingPart:
    if part.key in _PARTS:
        raise ValueError(f"briefing part {part.key!r} is registered twice")
    _PARTS[part.key] = part
    return part


def briefing_parts() -> list[BriefingPart]:
    headings = list(Heading)
    return sorted(_PARTS.values(), key=lambda p: (headings.index(p.heading), p.order, p.key))
