"""What a paper-form (意见表) import gives back to the unit that typed it in: the
sheet with each row's receipt code (回执号) and the link to follow it, and printable
slips, one per suggestion, to hand to the people who wrote them.

Both are made when asked, from the job's `batch` (`paper_form.PaperFormResult`), so
they work at any time after the import, and again after a re-upload of the same
file. The uploaded file is deleted when its job ends (it holds names and phone
numbers), so the sheet is rebuilt, in the template's columns, from what was saved.
"""

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.models import Job, JobState
from zhongzhi.intake import posters
from zhongzhi.intake.models import Suggestion
from zhongzhi.intake.paper_form import (
    ANONYMOUS,
    CATEGORY,
    CHANNEL,
    COLUMNS,
    DATE,
    NAME,
    PHONE,
    RECEIPT_CODE,
    SHEET_TITLE,
    TEXT,
    TITLE,
    TOPIC,
    UNIT,
    access_entry_campaign,
)
from zhongzhi.intake.tasks import PAPER_FORM_JOB
from zhongzhi.org.access import AnyUser
from zhongzhi.org.imports.workbook import Column, workbook_bytes, write_table

RECEIPT_LINK = "查询链接"
NUMBER = "编号"  # staff's number (the receipt code is the resident's)
RECEIPT_COLUMNS = (
    Column(RECEIPT_CODE, False, 13, text=True),
    Column(RECEIPT_LINK, False, 46),
    Column(NUMBER, False, 8),
)

# The address of a suggestion's receipt page from its code (absolute: it is printed).
ReceiptUrl = Callable[[str], str]


def access_import_job(user: AnyUser, job_id: int) -> tuple[Job, Campaign]:
    """A successful 意见表 import the user started, and its campaign; 404 for any
    other job, someone else's included."""
    job = Job.objects.filter(
        pk=job_id, owner_id=user.pk, kind=PAPER_FORM_JOB, state=JobState.SUCCEEDED
    ).first()
    if job is None or not job.result.get("batch"):
        raise Http404
    return job, access_entry_campaign(user, job.result["campaign_id"])


def receipts_workbook(suggestions: Sequence[Suggestion], receipt_url: ReceiptUrl) -> bytes:
    """The 意见表 as imported, one row per suggestion, with 回执号, 查询链接 and 编号 added."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    columns = [*COLUMNS, *RECEIPT_COLUMNS]
    rows = [
        [_row_values(suggestion, receipt_url)[column.name] for column in columns]
        for suggestion in suggestions
    ]
    write_table(sheet, columns, rows)
    link_column = columns.index(RECEIPT_COLUMNS[1]) + 1
    for number in range(2, len(rows) + 2):
        cell = sheet.cell(number, link_column)
        cell.hyperlink, cell.style = cell.value, "Hyperlink"
    return workbook_bytes(book)


def _row_values(suggestion: Suggestion, receipt_url: ReceiptUrl) -> dict[str, str | int]:
    return {
        TITLE: suggestion.title,
        TEXT: suggestion.text,
        TOPIC: suggestion.topic.name if suggestion.topic else "",
        CATEGORY: suggestion.category.name if suggestion.category else "",
        UNIT: suggestion.unit.name if suggestion.unit else "",
        CHANNEL: suggestion.get_channel_display(),
        NAME: suggestion.submitter_name,
        PHONE: suggestion.submitter_phone,
        ANONYMOUS: "是" if suggestion.anonymous else "否",
        DATE: timezone.localdate(suggestion.submitted_at).isoformat(),
        RECEIPT_CODE: suggestion.receipt_code_display,
        RECEIPT_LINK: receipt_url(suggestion.receipt_code),
        NUMBER: suggestion.number,
    }


@dataclass(frozen=True)
class ReceiptSlip:
    code: str  # as printed: ABCD-2345Y
    first_line: str
    url: str
    qr: str  # a data: URI of a PNG, one pixel per module


def receipt_slips(suggestions: Iterable[Suggestion], receipt_url: ReceiptUrl) -> list[ReceiptSlip]:
    slips = []
    for suggestion in suggestions:
        url = receipt_url(suggestion.receipt_code)
        png = base64.b64encode(posters.qr_png(url)).decode()
        lines = (line.strip() for line in suggestion.text.splitlines())
        slips.append(
            ReceiptSlip(
                code=suggestion.receipt_code_display,
                first_line=next((line for line in lines if line), ""),
                url=url,
                qr=f"data:image/png;base64,{png}",
            )
        )
    return slips
