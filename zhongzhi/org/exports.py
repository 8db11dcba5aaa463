"""The unit ledger (单位清单) as xlsx, in the import template's columns."""

import io
from collections.abc import Iterable

from openpyxl import Workbook

from zhongzhi.campaigns.exports import HEADER_FILL, HEADER_FONT
from zhongzhi.org.models import Unit


def units_workbook(units: Iterable[Unit]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "单位"
    sheet.append(["单位编码", "单位名称", "简称", "类型", "上级单位编码"])
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for unit in units:
        parent_code = unit.parent.code if unit.parent else ""
        sheet.append([unit.code, unit.name, unit.short_name, unit.get_kind_display(), parent_code])
    for column, width in zip("ABCDE", [18, 28, 14, 10, 18], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
