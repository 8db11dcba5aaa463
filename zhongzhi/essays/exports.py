"""The essay ledger (心得体会台账) as xlsx: one row per writer on the list the viewer
may see, with their unit, due date, state, title, hand-in time, late and excellent.
A title row, a frozen header with an autofilter, A4 landscape one page wide; every
read in one query."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from zhongzhi.campaigns.exports import HEADER_FILL, HEADER_FONT
from zhongzhi.campaigns.models import Campaign
from zhongzhi.essays.selectors import campaign_assignments
from zhongzhi.org.access import AnyUser

COLUMNS = [
    ("序号", 6),
    ("单位", 18),
    ("撰写人", 12),
    ("登录名", 14),
    ("截止日期", 12),
    ("状态", 10),
    ("题目", 36),
    ("形式", 10),
    ("提交时间", 18),
    ("逾期提交", 10),
    ("优秀", 8),
]


def essay_ledger_workbook(user: AnyUser, campaign: Campaign) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new Workbook always has a sheet
    ws.title = "心得体会台账"
    ws.append([_("%(campaign)s 心得体会台账") % {"campaign": campaign.name}])
    ws.append([_("导出时间：%(at)s") % {"at": f"{timezone.localtime():%Y-%m-%d %H:%M}"}])
    ws.append([name for name, _width in COLUMNS])
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(3, index)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        ws.column_dimensions[get_column_letter(index)].width = width
    yes, no = _("是"), _("否")
    for number, a in enumerate(campaign_assignments(user, campaign), start=1):
        essay = getattr(a, "essay", None)
        submitted = essay is not None and essay.submitted
        form = ""
        if essay is not None:
            form = "、".join(
                part
                for part, present in (
                    (_("在线撰写"), bool(getattr(a, "has_text", False))),
                    (_("文件"), bool(essay.file)),
                )
                if present
            )
        ws.append(
            [
                number,
                a.unit.name,
                a.writer.full_name or a.writer.username,
                a.writer.username,
                a.due_date,
                _("已提交") if submitted else (_("草稿") if essay else _("未提交")),
                essay.title if submitted and essay else "",
                form if submitted else "",
                timezone.localtime(essay.submitted_at).replace(tzinfo=None)
                if submitted and essay and essay.submitted_at
                else None,
                (yes if essay.late else no) if submitted and essay else "",
                yes if submitted and essay and essay.excellent else "",
            ]
        )
        ws.cell(ws.max_row, 5).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 9).number_format = "yyyy-mm-dd hh:mm"
        ws.cell(ws.max_row, 7).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 3)}"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
