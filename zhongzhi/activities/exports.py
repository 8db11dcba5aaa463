"""The activity ledger (活动台账) as xlsx: one row per activity the caller sees, with
its attendance by participant category and the number of suggestions it produced, and
a second sheet with the coverage matrix. No personal data (there is none to leak: an
activity names its host, not its participants)."""

import io
from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment

from zhongzhi.activities.models import Activity, ActivityAttendance
from zhongzhi.activities.selectors import CoverageMatrix
from zhongzhi.campaigns.exports import HEADER_FILL, HEADER_FONT
from zhongzhi.campaigns.models import Campaign, ParticipantCategory


def activities_workbook(
    campaign: Campaign,
    activities: Sequence[Activity],
    categories: Sequence[ParticipantCategory],
    matrix: CoverageMatrix,
) -> bytes:
    ids = [a.pk for a in activities]
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for activity_id, category_id, count in ActivityAttendance.objects.filter(
        activity__in=ids
    ).values_list("activity_id", "category_id", "count"):
        counts[activity_id][category_id] = count
    topics: dict[int, list[str]] = defaultdict(list)
    for activity_id, name in Activity.topics.through.objects.filter(activity__in=ids).values_list(
        "activity_id", "topic__name"
    ):
        topics[activity_id].append(name)

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = _("活动台账")
    headers = [
        _("序号"),
        _("日期"),
        _("活动类型"),
        _("活动名称"),
        _("组织单位"),
        _("地点"),
        _("主持人"),
        _("阶段"),
        _("工作任务"),
        _("讨论的方面"),
        *[c.name for c in categories],
        _("参加人数合计"),
        _("征集建议数"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for number, a in enumerate(activities, start=1):
        by_category = counts.get(a.pk, {})
        sheet.append(
            [
                number,
                a.held_on,
                a.kind.name,
                a.name,
                a.unit.name,
                a.place,
                a.host,
                a.stage.name if a.stage else "",
                a.plan_item.title if a.plan_item else "",
                "、".join(topics.get(a.pk, [])),
                *[by_category.get(c.pk, 0) for c in categories],
                sum(by_category.values()),
                getattr(a, "suggestion_count", 0),
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        row[1].number_format = "yyyy-mm-dd"
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["D"].width = 36
    sheet.column_dimensions["E"].width = 16
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions

    grid = workbook.create_sheet(_("覆盖情况"))
    grid.append([_("群体类别 \\ 方面"), *[t.name for t in matrix.topics]])
    for cell in grid[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for matrix_row in matrix.rows:
        grid.append(
            [
                matrix_row.category.name,
                *[
                    _("空白") if cell.empty else f"{cell.suggestions} / {cell.activities}"
                    for cell in matrix_row.cells
                ],
            ]
        )
    grid.append([_("单元格为“建议数 / 活动数”。")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
