"""A closed round's ranked list as Excel (for the office) and as a Word list (for the
leaders). Both read the figures stored at closing, so they say what the page says.

No personal data: ideas are named by receipt code, title, text and unit, never by
their submitter.
"""

import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from zhongzhi.campaigns.exports import HEADER_FILL, HEADER_FONT
from zhongzhi.core.word import set_font
from zhongzhi.selection.models import RoundEntry, SelectionRound

WORD_TEXT_LIMIT = 300  # characters of an idea's text in the leaders' list


def rank_label(entry: RoundEntry) -> str:
    if entry.rank is None:
        return _("未评分")
    if entry.tied:
        return _("并列第 %(rank)d") % {"rank": entry.rank}
    return str(entry.rank)


def filename(selection_round: SelectionRound, extension: str) -> str:
    return f"{selection_round.name}-{_('评选结果')}-{timezone.localdate():%Y%m%d}.{extension}"


def _closed_on(selection_round: SelectionRound) -> str:
    when = selection_round.closed_at or timezone.now()
    day = timezone.localtime(when).date()
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- Excel ----------------------------------------------------------------------------


def _as_text(cell: Cell) -> None:
    # Text stays text: "=HYPERLINK(...)" typed by a resident must not become a formula.
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def results_workbook(selection_round: SelectionRound, entries: Sequence[RoundEntry]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = _("评选结果")
    columns = [
        (_("名次"), 7),
        (_("并列"), 6),
        (_("回执号"), 13),
        (_("标题"), 24),
        (_("内容"), 60),
        (_("单位"), 16),
        (_("平均分"), 9),
        (_("标准差"), 9),
        (_("评分数"), 8),
        (_("入选"), 6),
    ]
    sheet.append([title for title, _width in columns])
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        header = sheet.cell(row=1, column=index)
        header.fill, header.font = HEADER_FILL, HEADER_FONT
    sheet.freeze_panes = "A2"
    yes = _("是")
    for entry in entries:
        suggestion = entry.suggestion
        sheet.append(
            [
                entry.rank,
                yes if entry.tied else None,
                suggestion.receipt_code_display,
                suggestion.title or None,
                suggestion.text,
                suggestion.unit.name if suggestion.unit else None,
                _figure(entry.mean),
                _figure(entry.spread),
                entry.score_count,
                yes if entry.chosen else None,
            ]
        )
        for cell in sheet[sheet.max_row]:
            _as_text(cell)
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column == 5)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{sheet.max_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Word -----------------------------------------------------------------------------


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= WORD_TEXT_LIMIT else text[:WORD_TEXT_LIMIT] + "…"


def results_document(selection_round: SelectionRound, entries: Sequence[RoundEntry]) -> bytes:
    document = Document()
    set_font(document.styles["Normal"], size=10.5)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(title.add_run(_("%(name)s 金点子评选结果") % {"name": selection_round.name}), 18, True)
    campaign = selection_round.campaign
    chosen = sum(1 for entry in entries if entry.chosen)
    lines = [
        _("活动：%(campaign)s") % {"campaign": campaign.name},
        _("评选范围：%(scope)s")
        % {"scope": selection_round.unit.name if selection_round.unit else _("整个活动")},
        _("评选结束：%(date)s") % {"date": _closed_on(selection_round)},
        _("参评 %(entries)d 条，入选 %(chosen)d 条（名额 %(top_n)d）")
        % {"entries": len(entries), "chosen": chosen, "top_n": selection_round.top_n},
        _("平均分为各评审人各评分项得分（1–5 分）的平均，标准差表示评分的离散程度。"),
    ]
    for line in lines:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        set_font(paragraph.add_run(line))

    headers = [
        _("名次"),
        _("回执号"),
        _("金点子"),
        _("单位"),
        _("平均分"),
        _("标准差"),
        _("入选"),
    ]
    widths = [Cm(2.2), Cm(2.8), Cm(12.5), Cm(3.5), Cm(1.8), Cm(1.8), Cm(1.4)]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        set_font(cell.paragraphs[0].add_run(text), bold=True)
    yes = _("是")
    for entry in entries:
        suggestion = entry.suggestion
        cells = table.add_row().cells
        mean = "—" if entry.mean is None else f"{entry.mean:.2f}"
        spread = "—" if entry.spread is None else f"{entry.spread:.2f}"
        values = [
            rank_label(entry),
            suggestion.receipt_code_display,
            None,
            suggestion.unit.name if suggestion.unit else "—",
            mean,
            spread,
            yes if entry.chosen else "",
        ]
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            if value is not None:
                set_font(cell.paragraphs[0].add_run(value), bold=entry.chosen or None)
        idea = cells[2].paragraphs[0]
        if suggestion.title:
            set_font(idea.add_run(suggestion.title), bold=True)
            idea = cells[2].add_paragraph()
        set_font(idea.add_run(_short(suggestion.text)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
