"""Reading, checking and marking the xlsx files of the bulk imports.

Shared by the unit and account imports: the upload is checked as a container
before openpyxl parses it (size, zip bomb, not-an-xlsx), read in read-only mode,
and, when rows are wrong, the user's own workbook comes back with the bad cells
marked and the reasons written beside each row.

Column headers are a file format, not interface text: they stay in Chinese in every
language so that a file filled in one language imports in another.
"""

import io
import logging
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000
# Blank rows count towards this one, so a sheet of a million formatted empty rows
# is refused instead of being walked.
MAX_SCANNED_ROWS = 100_000
MAX_COLUMNS = 50
# A 10 MB xlsx of text unpacks to well under this; a zip bomb does not.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000
HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 100

ERROR_COLUMN = "错误说明"
INSTRUCTIONS_SHEET = "说明"
MARK_AUTHOR = "众智导入检查"

Progress = Callable[[int, int], None]

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
_ERROR_FONT = Font(color="9C0006")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


class WorkbookError(Exception):
    """The upload cannot be read as an import workbook. `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowError(NamedTuple):
    row: int  # the row number Excel shows
    column: str  # the column header, e.g. "单位编码"
    message: str


@dataclass
class ImportResult:
    ok: bool
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    # When not ok: the uploaded workbook with bad cells marked and a 错误说明 column.
    marked_workbook: bytes | None = None
    # Account import only, when ok: the one-time passwords. Show or send it once.
    credentials_workbook: bytes | None = None


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the column must be in the header row (not: every cell filled)
    width: int
    text: bool = False  # formatted as text in the template, so Excel keeps "001" and mobiles
    hint: str = ""


@dataclass
class Sheet:
    """The data rows of an upload, as trimmed text keyed by column name."""

    title: str
    header_row: int
    columns: dict[str, int]  # column name -> 1-based column index
    rows: list[tuple[int, dict[str, str]]]  # (Excel row number, values)
    last_column: int  # rightmost column with anything in it


class ErrorList:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self._seen: set[tuple[int, str]] = set()

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))
        self._seen.add((row, column))

    def has(self, row: int, column: str) -> bool:
        return (row, column) in self._seen

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self, columns: Sequence[Column]) -> list[RowError]:
        order = {column.name: index for index, column in enumerate(columns)}
        return sorted(self.errors, key=lambda e: (e.row, order.get(e.column, len(order))))


# --- Values -------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code or mobile typed as a number comes back as 13800138000.0
    return str(value).replace("\u200b", "").replace("\ufeff", "").strip()


def normalise_code(text: str) -> str:
    """Full-width letters and digits (ＱＤ－０１) to ASCII; for codes, mobiles, login names."""
    return unicodedata.normalize("NFKC", text).strip()


def choice_lookup(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """Accept a choice by value ("district"), label ("区/县") or part of the label ("区").

    Labels count in every language of the UI: a file filled in by a Chinese-speaking
    colleague imports the same whoever uploads it.
    """
    lookup: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices:
                text = normalise_code(str(label)).casefold()
                lookup[value.casefold()] = value
                lookup.setdefault(text, value)
                for part in text.split("/"):
                    lookup.setdefault(part.strip(), value)
    return lookup


def lookup_choice(lookup: dict[str, str], raw: str) -> str:
    """The choice value for what a user typed, or "" when it is not a known choice."""
    return lookup.get(normalise_code(raw).casefold(), "") if raw else ""


def in_chunks[T](values: Iterable[str], query: Callable[[list[str]], Iterable[T]]) -> list[T]:
    """Run `query` on slices of `values`, staying below the database's parameter limit."""
    items = sorted(set(values))
    found: list[T] = []
    for start in range(0, len(items), 500):
        found.extend(query(items[start : start + 500]))
    return found


# --- Reading ------------------------------------------------------------------


def read_upload(workbook: bytes | IO[bytes]) -> bytes:
    limit: int = settings.ZHONGZHI_MAX_UPLOAD_BYTES
    if isinstance(workbook, bytes | bytearray | memoryview):
        data = bytes(workbook)
    else:
        if workbook.seekable():
            workbook.seek(0)
        data = workbook.read(limit + 1)
        if not isinstance(data, bytes):
            raise WorkbookError(_("无法读取上传的文件。"))
    if not data:
        raise WorkbookError(_("文件是空的，请选择填好的 Excel 文件（.xlsx）。"))
    if len(data) > limit:
        raise WorkbookError(
            _("文件太大（超过 %(mb)s MB），请分成几个文件上传。")
            % {"mb": f"{limit / 1024 / 1024:g}"}
        )
    return data


def _check_container(data: bytes) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: an old .xls, or an xlsx protected with a password (encrypted xlsx is OLE2 too).
        raise WorkbookError(
            _(
                "这是旧版 Excel（.xls）文件或设置了打开密码的工作簿。"
                "请在 Excel 或 WPS 中“另存为” .xlsx 格式（不设密码）后再上传。"
            )
        )
    not_xlsx = _(
        "文件不是 Excel 工作簿（.xlsx）。如果是 .xls、.et、.csv 或 .ods 文件，"
        "请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传。"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise WorkbookError(not_xlsx) from None
    with archive:
        members = archive.infolist()
        if "[Content_Types].xml" not in {member.filename for member in members}:
            raise WorkbookError(not_xlsx)
        # zipfile refuses to inflate a member past its declared size, so the sum of
        # declared sizes bounds what openpyxl can unpack.
        if (
            len(members) > MAX_ZIP_MEMBERS
            or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES
        ):
            raise WorkbookError(_("文件解压后过大，无法导入。请只保留需要导入的工作表和数据。"))


def _header_key(value: Any) -> str:
    return cell_text(value).rstrip("*＊").strip()


def read_sheet(data: bytes, *, columns: Sequence[Column], preferred_title: str) -> Sheet:
    """The data rows of the import sheet. Raises WorkbookError for anything unreadable."""
    _check_container(data)
    raw: list[tuple[Any, ...]] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (extensions, some validations).
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = [ws for ws in book.worksheets if ws.title != INSTRUCTIONS_SHEET]
                chosen = next((ws for ws in sheets if ws.title == preferred_title), None)
                chosen = chosen or (sheets[0] if sheets else None)
                if chosen is None:
                    raise WorkbookError(_("工作簿中没有可导入的工作表。"))
                title = chosen.title
                filled = 0
                for values in chosen.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                    raw.append(values)
                    if any(cell_text(v) for v in values):
                        filled += 1
                    if filled > MAX_ROWS + 1 or len(raw) > MAX_SCANNED_ROWS:
                        raise WorkbookError(
                            _("表格行数过多，一次最多导入 %(n)s 行，请分成几个文件上传。")
                            % {"n": f"{MAX_ROWS:,}"}
                        )
            finally:
                book.close()
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        logger.info("unreadable import workbook: %r", exc)
        raise WorkbookError(
            _("无法读取该 Excel 文件，可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。")
        ) from exc
    return _rows_from_raw(title, raw, columns)


def _rows_from_raw(title: str, raw: list[tuple[Any, ...]], columns: Sequence[Column]) -> Sheet:
    if not any(cell_text(v) for values in raw for v in values):
        raise WorkbookError(_("表格是空的，请按模板填写后再上传。"))
    known = {column.name for column in columns}
    header_row = next(
        (
            index
            for index, values in enumerate(raw[:HEADER_SEARCH_ROWS], start=1)
            if known & {_header_key(v) for v in values}
        ),
        None,
    )
    all_names = "、".join(column.name for column in columns)
    if header_row is None:
        raise WorkbookError(
            _("找不到表头行。第一行应是列名：%(names)s。请使用下载的模板填写。")
            % {"names": all_names}
        )
    found: dict[str, int] = {}
    for index, value in enumerate(raw[header_row - 1], start=1):
        key = _header_key(value)
        if key and key not in found:
            found[key] = index
    missing = [c.name for c in columns if c.required and c.name not in found]
    if missing:
        raise WorkbookError(
            _("表头缺少必需的列：%(missing)s。列名应为：%(names)s。")
            % {"missing": "、".join(missing), "names": all_names}
        )
    wanted = {name: index for name, index in found.items() if name in known}
    last_column = max(found.values())
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(raw[header_row:], start=header_row + 1):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        used = [index for index, text in enumerate(texts, start=1) if text]
        last_column = max(last_column, used[-1])
        rows.append((number, {name: texts[index - 1] for name, index in wanted.items()}))
    if not rows:
        raise WorkbookError(_("表格中只有表头，没有数据行。请填写后再上传。"))
    if len(rows) > MAX_ROWS:
        raise WorkbookError(
            _("表格行数过多，一次最多导入 %(n)s 行，请分成几个文件上传。") % {"n": f"{MAX_ROWS:,}"}
        )
    return Sheet(
        title=title, header_row=header_row, columns=found, rows=rows, last_column=last_column
    )


# --- Marking the errors in the user's workbook ----------------------------------


def mark_workbook(data: bytes, sheet: Sheet, errors: list[RowError]) -> bytes | None:
    """The uploaded workbook with each bad cell filled red and commented, and the
    reasons in a 错误说明 column. A workbook marked before (a re-upload) is cleaned first."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data))
        ws = book[sheet.title]
        error_column = sheet.columns.get(ERROR_COLUMN) or sheet.last_column + 1
        _clear_old_marks(ws, sheet, error_column)
        header = ws.cell(sheet.header_row, error_column, ERROR_COLUMN)
        header.font, header.fill = Font(bold=True, color="9C0006"), _ERROR_FILL
        ws.column_dimensions[get_column_letter(error_column)].width = 60

        by_cell: dict[tuple[int, str], list[str]] = {}
        by_row: dict[int, list[str]] = {}
        for error in errors:
            by_cell.setdefault((error.row, error.column), []).append(error.message)
            by_row.setdefault(error.row, []).append(f"{error.column}：{error.message}")
        for (row, column), messages in by_cell.items():
            index = sheet.columns.get(column)
            if index is None:
                continue  # an optional column the file does not have; the reason is still written
            cell = ws.cell(row, index)
            cell.fill = _ERROR_FILL
            cell.comment = Comment("\n".join(messages), MARK_AUTHOR, width=300, height=120)
        for row, messages in by_row.items():
            cell = ws.cell(row, error_column, "；".join(messages))
            cell.font, cell.alignment = _ERROR_FONT, _WRAP
        book.active = book.worksheets.index(ws)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    except Exception:  # the errors list is still returned; the marked copy is a convenience
        logger.exception("could not mark the import workbook")
        return None


def _clear_old_marks(ws: Worksheet, sheet: Sheet, error_column: int) -> None:
    last_row = max((number for number, _values in sheet.rows), default=sheet.header_row)
    for row in ws.iter_rows(min_row=sheet.header_row + 1, max_row=last_row):
        for cell in row:
            if cell.comment is not None and cell.comment.author == MARK_AUTHOR:
                cell.comment = None
                cell.fill = PatternFill()
            if cell.column == error_column:
                cell.value = None


# --- Writing ------------------------------------------------------------------


def write_table(
    ws: Worksheet,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]] = (),
    *,
    start_row: int = 1,
    freeze: bool = True,
) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(start_row, index, column.name)
        cell.font = _REQUIRED_FONT if column.required else _BOLD
        cell.fill = _HEADER_FILL
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(
            ws.column_dimensions[letter].width or 0, column.width
        )
        if column.text and start_row == 1:
            ws.column_dimensions[letter].number_format = "@"
    for offset, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            cell = ws.cell(start_row + offset, index, value)
            if columns[index - 1].text:
                cell.number_format = "@"
    if freeze:
        ws.freeze_panes = ws.cell(start_row + 1, 1)


def add_dropdown(ws: Worksheet, column_index: int, options: Sequence[str], prompt: str) -> None:
    letter = get_column_letter(column_index)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(options) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("请从列表中选择"),
        error=_("请从下拉列表中选择：%(options)s") % {"options": "、".join(options)},
        showInputMessage=True,
        promptTitle=_("请选择"),
        prompt=prompt,
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.add_data_validation(validation)


def write_instructions(
    book: Workbook,
    lines: Sequence[str],
    columns: Sequence[Column],
    example: Sequence[Sequence[str]],
) -> None:
    ws = book.create_sheet(INSTRUCTIONS_SHEET)
    ws.column_dimensions["A"].width = 24
    ws.cell(1, 1, _("填写说明")).font = Font(bold=True, size=14)
    row = 3
    for line in lines:
        ws.cell(row, 1, line)
        row += 1
    row += 1
    ws.cell(row, 1, _("各列说明（红色列名为必填）")).font = _BOLD
    for column in columns:
        row += 1
        ws.cell(row, 1, column.name).font = _REQUIRED_FONT if column.required else _BOLD
        ws.cell(row, 2, column.hint)
    row += 2
    ws.cell(row, 1, _("示例（请在第一个工作表中填写，不要填在这里）")).font = _BOLD
    write_table(ws, columns, example, start_row=row + 1, freeze=False)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(
            ws.column_dimensions[letter].width or 0, column.width
        )
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width or 0, 40)


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
