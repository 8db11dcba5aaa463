"""The ledger sheet every app's 台账 is written on: a title row, a line saying which
filters made it, one header row (frozen, with an autofilter and repeated on every
printed page), bordered rows, and print settings for A4 landscape, one page wide.

Written in openpyxl's write-only mode, so that 10,000 rows take a few seconds.
"""

import io
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from zhongzhi.core import clock

HEADER_FILL = PatternFill("solid", fgColor="C0392B")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ROW = 3  # title, filter summary, header
A4 = "9"  # openpyxl's PAPERSIZE_A4, which its write-only sheet does not carry

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
_TITLE_FONT = Font(bold=True, size=16)
_TITLE_ALIGNMENT = Alignment(horizontal="center", vertical="center")


class LedgerSheet:
    """A write-only ledger sheet: title, filter line, header, then bordered rows."""

    def __init__(self, title: str, summary: str, columns: Sequence[tuple[str, int]]):
        self.workbook = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.workbook.create_sheet(title[:31])
        self.width = len(columns)
        self.rows = 0
        last = get_column_letter(self.width)
        sheet = self.sheet
        for index, (_header, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        for side in ("left", "right"):
            setattr(sheet.page_margins, side, 0.4)
        sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.merged_cells.add(f"A2:{last}2")
        sheet.row_dimensions[1].height = 30
        title_cell = WriteOnlyCell(sheet, value=title)
        title_cell.font, title_cell.alignment = _TITLE_FONT, _TITLE_ALIGNMENT
        sheet.append([title_cell])
        summary_cell = WriteOnlyCell(sheet, value=summary)
        summary_cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.append([summary_cell])
        header = []
        for text, _width in columns:
            cell = WriteOnlyCell(sheet, value=text)
            cell.fill, cell.font, cell.border, cell.alignment = (
                HEADER_FILL,
                HEADER_FONT,
                _BORDER,
                _CENTRE,
            )
            header.append(cell)
        sheet.append(header)

    def _style(self, alignment: Alignment) -> StyleArray:
        """A body cell's style, registered with the workbook once: setting border and
        alignment on each cell hashes them again, three quarters of the time of a sheet."""
        model = WriteOnlyCell(self.sheet)
        model.border, model.alignment = _BORDER, alignment
        return model._style

    def append(self, values: Iterable[Any], centred: frozenset[int] = frozenset()) -> None:
        if not hasattr(self, "_styles"):
            self._styles = (self._style(_WRAP), self._style(_CENTRE))
        wrap, centre = self._styles
        row = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(self.sheet)
            cell._style = copy(centre if index in centred else wrap)
            cell.value = value  # after the style: a date sets its number format
            # Text stays text: "=HYPERLINK(...)" typed into a form must not become a formula.
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            row.append(cell)
        self.sheet.append(row)
        self.rows += 1

    def save(self) -> bytes:
        last = get_column_letter(self.width)
        self.sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(self.rows, 1)}"
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def exported_line(filters_text: str, count: int, noun: str) -> str:
    return _("筛选条件：%(filters)s　　共 %(count)d %(noun)s　　导出日期：%(day)s") % {
        "filters": filters_text,
        "count": count,
        "noun": noun,
        "day": f"{clock.today():%Y-%m-%d}",
    }


def joined(parts: Iterable[str]) -> str:
    return "；".join(part for part in parts if part) or _("无（全部）")


def ledger_filename(campaign_name: str, noun: str) -> str:
    return f"{campaign_name}-{noun}-{clock.today():%Y%m%d}.xlsx"
