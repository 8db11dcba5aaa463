"""A panel's figures drawn as a PNG for the Word briefing (matplotlib, no screen): the
same colours as the dashboard's charts, Chinese labels in the CJK font the QR posters
use. Figures are made without pyplot: no backend, no window, nothing shared between
threads."""

import io
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from zhongzhi.intake.posters import find_cjk_font
from zhongzhi.reports.registry import PanelData

COLOURS = ["#c0392b", "#2471a3", "#239b56", "#b9770e", "#7d3c98", "#566573", "#17a589"]
WIDTH_INCHES = 6.3  # 16 cm: the text width of an A4 page with the usual margins
DPI = 200
MAX_BARS = 15


class ChartFontMissing(RuntimeError):
    """No font that can draw Chinese is installed: charts are left out."""


@cache
def _family() -> str:
    path = find_cjk_font()
    if path is None:
        raise ChartFontMissing
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def drawable(data: PanelData) -> bool:
    return data.chart != "numbers" and bool(data.labels) and any(any(s.values) for s in data.series)


def chart_png(data: PanelData) -> bytes:
    """The chart as PNG bytes; `ChartFontMissing` when no Chinese font is installed."""
    with matplotlib.rc_context({"font.family": _family(), "axes.unicode_minus": False}):
        figure = _line(data) if data.chart == "line" else _bars(data)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _line(data: PanelData) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, 2.8))
    axes = figure.subplots()
    for n, series in enumerate(data.series):
        axes.plot(
            data.labels, series.values, label=str(series.name), color=COLOURS[n % len(COLOURS)]
        )
    # At most about ten day labels along the axis.
    step = max(1, len(data.labels) // 10)
    axes.set_xticks(range(0, len(data.labels), step), data.labels[::step])
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _tidy(axes)
    if len(data.series) > 1:
        axes.legend(frameon=False, fontsize=8, ncols=min(4, len(data.series)))
    return figure


def _bars(data: PanelData) -> Figure:
    labels = data.labels[:MAX_BARS]
    height = 0.8 / len(data.series)
    figure = Figure(figsize=(WIDTH_INCHES, 0.5 + 0.32 * len(labels) * len(data.series)))
    axes = figure.subplots()
    for n, series in enumerate(data.series):
        positions = [i + n * height for i in range(len(labels))]
        bars = axes.barh(
            positions,
            series.values[: len(labels)],
            height=height,
            label=str(series.name),
            color=COLOURS[n % len(COLOURS)],
        )
        axes.bar_label(bars, fontsize=7, padding=2)
    axes.set_yticks([i + 0.4 - height / 2 for i in range(len(labels))], labels, fontsize=8)
    axes.invert_yaxis()  # the first (largest) at the top
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 suggestions
    _tidy(axes)
    if len(data.series) > 1:
        axes.legend(frameon=False, fontsize=8, loc="lower right")
    return figure


def _tidy(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=8)
