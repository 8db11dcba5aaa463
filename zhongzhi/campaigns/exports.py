"""Excel ledgers of campaign setup (工作任务清单)."""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment

from zhongzhi.campaigns.models import Campaign, PlanItem
from zhongzhi.core.ledger import HEADER_FILL, HEADER_FONT


def plan_items_workbook(campaign: Campaign, plan_items: Sequence[PlanItem]) -> bytes:
    """The plan items the caller may see, one row each, as the office's task list."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "工作任务"
    headers = [
        "序号",
        "阶段",
        "任务",
        "类型",
        "牵头单位",
        "开始日期",
        "完成时限",
        "状态",
        "进展说明",
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for number, item in enumerate(plan_items, start=1):
        sheet.append(
            [
                number,
                item.stage.name if item.stage else "",
                item.title,
                item.get_kind_display(),
                "、".join(unit.display_name for unit in item.lead_units.all()),
                item.start_date,
                item.end_date,
                item.get_status_display(),
                item.status_note,
            ]
        )
    for column, width in zip("ABCDEFGHI", [6, 14, 40, 10, 24, 12, 12, 10, 30], strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
