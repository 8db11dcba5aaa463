"""Tables in and out of the triage command line: CSV, Excel (xlsx) and JSON Lines.

``read_table`` reads a whole file into a ``Table`` (header + rows of cell values) and
``write_table`` writes rows with the format chosen by the file's extension. Everything a
user can get wrong (missing file, unknown extension, empty file, broken encoding, a
broken xlsx or JSON line, a missing column) raises ``TableError`` whose message is meant
for the user as it is: Chinese, with the English term where it helps.

Text files are decoded as UTF-8 (UTF-8-SIG when they start with a byte-order mark,
UTF-16 with its mark, as Excel's "Unicode text" writes), else GB18030 (what Chinese
Windows writes); ``Table.encoding`` says which was used. CSV follows RFC 4180: a quoted
field may hold commas, quotes and line breaks.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import math
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "READ_FORMATS",
    "WRITE_FORMATS",
    "Table",
    "TableError",
    "as_int",
    "as_text",
    "as_time",
    "read_table",
    "write_table",
]

READ_FORMATS: Final = (".csv", ".tsv", ".xlsx", ".xlsm", ".jsonl", ".ndjson", ".json")
WRITE_FORMATS: Final = (".jsonl", ".xlsx", ".csv")
CHINA_TIME: Final = datetime.timezone(datetime.timedelta(hours=8), "CST")
_XLSX_MAX_CHARS: Final = 32_767
_XLSX_ILLEGAL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LIST_SEPARATOR: Final = "、"


class TableError(Exception):
    """A problem with an input or output file, worded for the person who gave it."""


@dataclass(slots=True)
class Table:
    """A file read whole: column names and rows of cell values (``None`` when empty)."""

    path: Path
    columns: list[str]
    rows: list[list[Any]]
    encoding: str | None = None  # for text formats: the encoding that decoded the file

    def require(self, *names: str | None) -> None:
        """Raise ``TableError`` naming the missing columns and the ones that exist."""
        missing = [n for n in names if n is not None and n not in self.columns]
        if missing:
            existing = "、".join(self.columns) or "（无）"
            raise TableError(
                f"{self.path} 中没有列 (column) {'、'.join(missing)}。已有的列：{existing}"
            )

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] if index < len(row) else None for row in self.rows]


# --- reading ---------------------------------------------------------------------------


def read_table(path: str | os.PathLike[str]) -> Table:
    """Read a CSV/TSV, xlsx or JSON Lines (or JSON array) file by its extension."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in READ_FORMATS:
        raise TableError(
            f"不支持的文件类型 (unknown extension) “{file.suffix or '无扩展名'}”：{file}。"
            f"可读取 {'、'.join(READ_FORMATS)}（.xls 请在 Excel 中另存为 .xlsx）"
        )
    if not file.exists():
        raise TableError(f"找不到文件 (file not found)：{file}")
    if not file.is_file():
        raise TableError(f"不是文件 (not a file)：{file}")
    try:
        size = file.stat().st_size
    except OSError as error:
        raise TableError(f"无法读取文件 (cannot read)：{file}：{error.strerror}") from error
    if size == 0:
        raise TableError(f"文件是空的 (empty file)：{file}")
    if suffix in {".xlsx", ".xlsm"}:
        table = _read_xlsx(file)
    else:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise TableError(f"无法读取文件 (cannot read)：{file}：{error.strerror}") from error
        text, encoding = decode_bytes(data, file)
        if suffix in {".csv", ".tsv"}:
            table = _read_csv(file, text, "\t" if suffix == ".tsv" else None)
        else:
            table = _read_json(file, text)
        table.encoding = encoding
    if not table.columns:
        raise TableError(f"文件是空的 (empty file)：{file}")
    if not table.rows:
        raise TableError(
            f"文件只有表头、没有数据行 (no data rows)：{file}。表头：{'、'.join(table.columns)}"
        )
    return table


def decode_bytes(data: bytes, file: Path) -> tuple[str, str]:
    """(text, name of the encoding used); see the module docstring for the order."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding.upper()
        except UnicodeDecodeError as error:
            first_error = first_error or error
    where = f"第 {first_error.start + 1} 字节附近" if first_error else ""
    raise TableError(
        f"无法识别文件编码 (encoding)：{file}。已尝试 UTF-8、UTF-8-SIG、GB18030，{where}"
        "有无法解码的字节。请用 Excel 或记事本“另存为 UTF-8”后再试。"
    )


def _read_csv(file: Path, text: str, delimiter: str | None) -> Table:
    if text.strip("\ufeff \t\r\n") == "":
        raise TableError(f"文件是空的 (empty file)：{file}")
    if delimiter is None:
        head = text.split("\n", 1)[0]
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
    csv.field_size_limit(2**31 - 1)  # a pasted 100,000-character suggestion is one field
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise TableError(f"CSV 格式错误 (malformed CSV)：{file}：{error}") from error
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise TableError(f"文件是空的 (empty file)：{file}")
    columns = _header([cell.strip() for cell in records[0]])
    rows: list[list[Any]] = []
    for record in records[1:]:
        cells: list[Any] = [cell if cell != "" else None for cell in record[: len(columns)]]
        cells.extend([None] * (len(columns) - len(cells)))
        rows.append(cells)
    return Table(file, columns, rows)


def _read_json(file: Path, text: str) -> Table:
    stripped = text.lstrip()
    records: list[Any] = []
    if stripped.startswith("["):  # a JSON array of objects
        try:
            loaded = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise TableError(
                f"JSON 格式错误 (invalid JSON)：{file} 第 {error.lineno} 行：{error.msg}"
            ) from error
        records = [(i + 1, r) for i, r in enumerate(loaded)] if isinstance(loaded, list) else []
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                raise TableError(
                    f"JSON Lines 格式错误 (invalid JSON)：{file} 第 {number} 行：{error.msg}"
                ) from error
    columns: dict[str, None] = {}
    for number, record in records:
        if not isinstance(record, dict):
            raise TableError(f"{file} 第 {number} 行不是 JSON 对象 (object)，应为 {{列名: 值}}")
        for key in record:
            columns.setdefault(str(key), None)
    names = list(columns)
    rows = [[record.get(name) for name in names] for _number, record in records]
    return Table(file, names, rows)


def _read_xlsx(file: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError(
            f"不是有效的 Excel 文件 (xlsx)：{file}（{type(error).__name__}）。"
            "请在 Excel 中另存为 .xlsx 再试。"
        ) from error
    except Exception as error:  # openpyxl raises its own InvalidFileException and others
        raise TableError(f"不是有效的 Excel 文件 (xlsx)：{file}：{error}") from error
    try:
        if not workbook.worksheets:
            raise TableError(f"Excel 文件中没有工作表 (worksheet)：{file}")
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True):
            cells = [None if (v is None or v == "") else v for v in values]
            if not any(c is not None for c in cells):
                continue
            if header is None:
                header = _header([as_text(c).strip() for c in cells])
                continue
            cells = cells[: len(header)]
            cells.extend([None] * (len(header) - len(cells)))
            rows.append(cells)
    finally:
        workbook.close()
    return Table(file, header or [], rows)


def _header(names: list[str]) -> list[str]:
    """Column names: trailing unnamed columns dropped, other blanks named 列N."""
    while names and not names[-1]:
        names.pop()
    return [name or f"列{i + 1}" for i, name in enumerate(names)]


# --- cell values -------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A cell as text: ``None`` -> "", 12.0 -> "12", lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, list | tuple):
        return _LIST_SEPARATOR.join(as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def as_int(value: Any) -> int | None:
    """A count such as "+1"s: 3, 3.0, "3", "1,234" -> int; "" -> 0; junk -> None."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    text = str(value).strip().replace(",", "").replace("，", "")
    if not text:
        return 0
    try:
        return int(float(text))
    except (ValueError, OverflowError):
        return None


_TIME_FORMATS: Final = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)
_EXCEL_EPOCH: Final = datetime.datetime(1899, 12, 30)


def as_time(value: Any) -> datetime.datetime | None:
    """A timestamp from a cell; naive ones are taken as China Standard Time (UTC+8).
    ``None`` when empty or unreadable."""
    if value is None or value == "":
        return None
    moment: datetime.datetime | None = None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 20_000 <= value <= 80_000:  # an Excel serial date
            moment = _EXCEL_EPOCH + datetime.timedelta(days=float(value))
        elif 1e9 <= value <= 1e10:  # Unix seconds
            moment = datetime.datetime.fromtimestamp(float(value), datetime.UTC)
    else:
        text = str(value).strip()
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for fmt in _TIME_FORMATS:
                try:
                    moment = datetime.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA_TIME)


# --- writing ---------------------------------------------------------------------------


def write_table(
    path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write ``rows`` as .jsonl, .xlsx or .csv by the extension, atomically (a temporary
    file renamed into place, so a failed run never leaves half a file)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in WRITE_FORMATS:
        raise TableError(
            f"不支持的输出类型 (unknown extension) “{file.suffix or '无扩展名'}”：{file}。"
            f"可写出 {'、'.join(WRITE_FORMATS)}"
        )
    directory = file.parent if str(file.parent) else Path(".")
    if not directory.is_dir():
        raise TableError(f"输出目录不存在 (directory not found)：{directory}")
    handle, temporary = tempfile.mkstemp(prefix=".triage-", suffix=suffix, dir=directory)
    os.close(handle)
    try:
        if suffix == ".jsonl":
            _write_jsonl(Path(temporary), columns, rows)
        elif suffix == ".csv":
            _write_csv(Path(temporary), columns, rows)
        else:
            _write_xlsx(Path(temporary), columns, rows)
        os.replace(temporary, file)
    except OSError as error:
        raise TableError(f"无法写出文件 (cannot write)：{file}：{error.strerror}") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _write_jsonl(file: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with file.open("w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            out.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _write_csv(file: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # UTF-8 with a byte-order mark: Excel opens it as UTF-8 instead of the ANSI code page.
    with file.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return _LIST_SEPARATOR.join(as_text(v) for v in value)
    return value


def _write_xlsx(file: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("triage")
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(file)


def _xlsx_text(text: str) -> str:
    return _XLSX_ILLEGAL_RE.sub("", text)[:_XLSX_MAX_CHARS]


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the wall-clock time in China Standard Time.
        if value.tzinfo is not None:
            value = value.astimezone(CHINA_TIME).replace(tzinfo=None)
        return value
    text = _xlsx_text(as_text(value))
    if text.startswith("="):
        # openpyxl writes a string starting with "=" as a formula: keep it text.
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def warn(message: str) -> None:
    """A line on stderr (used by the command line for notes such as the encoding)."""
    print(message, file=sys.stderr)
