"""The unit ledger (单位清单) as xlsx, in the import template's columns, so that an
exported ledger (with its places) imports again."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from zhongzhi.core.ledger import HEADER_FILL, HEADER_FONT
from zhongzhi.org.imports.units import SHEET_TITLE, UNIT_COLUMNS, unit_row
from zhongzhi.org.models import Unit


def units_workbook(units: Iterable[Unit]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = SHEET_TITLE
    sheet.append([column.name for column in UNIT_COLUMNS])
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for unit in units:
        sheet.append(unit_row(unit))
    for index, column in enumerate(UNIT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
