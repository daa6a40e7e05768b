"""Reading the spreadsheets bureau staff upload, and the cells in them. Pure: bytes in, rows out.

Every importer reads its files and cells here, so that a sheet saved by Excel on a Chinese
Windows desktop means the same thing to all of them:

* **Files**: ``.xlsx``/``.xlsm`` (recognised by content, whatever the name), ``.csv``/``.txt`` in
  UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode 文本") or GBK/GB18030, with
  ``,``, ``;`` or tab between cells. An old ``.xls``, a password-protected workbook, an empty
  file or a file that is not a spreadsheet is refused with a reason staff can act on
  (:class:`SheetError`).
* **Rows** keep the number Excel shows; blank rows are left out, so a sheet formatted down to
  row 1 048 576 costs nothing, and the row limit counts only rows with data.
* **Formulas** that were never calculated (a workbook written by a program and not opened in
  Excel) have no value: the cell reads as :class:`Uncalculated` and every cell parser refuses it,
  instead of taking it for an empty cell.
* **Cells**: :func:`cell_text` (full-width folded, ``12.0`` → ``"12"``), :func:`parse_decimal`
  (``"1,234.5"``, ``"１２.５"``), :func:`parse_date` (Excel dates and serial numbers, ``2026-10-05``,
  ``2026/10/5``, ``2026.10.05``, ``2026年10月5日``, ``20261005``, with an optional time),
  :func:`parse_time`, and :func:`header_key` to compare column headers.

Messages are Chinese sentences for the person who uploaded the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "Row",
    "SheetError",
    "Table",
    "Uncalculated",
    "Workbook",
    "cell_text",
    "decode_text",
    "header_key",
    "is_blank",
    "open_workbook",
    "parse_date",
    "parse_decimal",
    "parse_time",
    "read_csv",
    "read_table",
]

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # compound file: .xls, .doc, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ZIP = b"PK\x03\x04"


class SheetError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Uncalculated:
    """A formula cell without a calculated value."""

    formula: str

    def __str__(self) -> str:
        return self.formula


UNCALCULATED_MESSAGE = "公式“{}”没有计算结果：请在 Excel 中打开并保存该文件，或将公式粘贴为数值后再导入"


# A row as the sheet shows it: its number (1-based, as Excel and a text editor number it) and cells.
Row = tuple[int, list[Any]]


@dataclass
class Table:
    """The non-blank rows of one sheet (or of a CSV file)."""

    name: str
    rows: list[Row] = field(default_factory=list)


def is_blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


MAX_COLUMNS = 1000  # columns read from a sheet (a monitoring sheet has a few dozen)

# Rows above the data (a title, the header, a row of units or detection limits) are not counted
# against an importer's limit: up to this many of them.
_ABOVE_DATA = 20


def _too_many(limit: int) -> SheetError:
    return SheetError(f"文件超过 {limit} 行数据，请分批导入")


# -- workbooks ---------------------------------------------------------------------------------


def _check_signature(content: bytes) -> None:
    if not content:
        raise SheetError("文件是空的")
    if content.startswith(_OLE2):
        if _ENCRYPTED in content:
            raise SheetError("文件设有打开密码，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再导入")
        raise SheetError("这是旧版 Excel 97-2003（.xls）文件，不支持：请在 Excel 中另存为 .xlsx 后再导入")
    if not content.startswith(_ZIP):
        raise SheetError("文件不是 Excel 工作簿（.xlsx）：请确认文件类型，或在 Excel 中另存为 .xlsx 后再导入")


class Workbook:
    """An .xlsx/.xlsm workbook opened for reading (use as a context manager)."""

    def __init__(self, content: bytes) -> None:
        from openpyxl import load_workbook

        _check_signature(content)
        self._content = content
        try:
            self._book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl and zipfile raise many kinds for a damaged file
            raise SheetError(
                "文件已损坏或不是 Excel 工作簿，无法读取：请在 Excel 中打开并另存为 .xlsx 后再导入"
            ) from None
        self._formulas: Any = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()
        if self._formulas is not None:
            self._formulas.close()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheetnames)

    def _has_formulas(self, sheet: Any) -> bool:
        path = getattr(sheet, "_worksheet_path", None)
        if not path:
            return True
        try:
            with zipfile.ZipFile(io.BytesIO(self._content)) as archive, archive.open(path) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                        return True
                    tail = chunk[-3:]
        except (KeyError, zipfile.BadZipFile):
            return True
        return False

    def rows(self, name: str, *, limit: int, head: int | None = None) -> Iterator[Row]:
        """The non-blank rows of sheet ``name``; more than ``limit`` of them is a :class:`SheetError`.

        ``head`` stops after that many non-blank rows, or at row 200 (to look for a header cheaply)."""
        sheet = self._book[name]
        # A sheet formatted across every column reports 16 384 of them: read no further than a
        # table can reach, and drop the empty cells at the end of each row.
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        values = sheet.iter_rows(values_only=True, max_col=width)
        formulas: Iterator[Any] | None = None
        if self._has_formulas(sheet):
            if self._formulas is None:
                from openpyxl import load_workbook

                self._formulas = load_workbook(io.BytesIO(self._content), read_only=True, data_only=False)
            formulas = self._formulas[name].iter_rows(values_only=True, max_col=width)
        blank: Any = None
        count = 0
        for number, cells in enumerate(values, start=1):
            raw = next(formulas, None) if formulas is not None else None
            if head is not None and number > 200:
                return
            if cells is blank:  # openpyxl repeats one tuple for the rows a sheet leaves out
                continue
            row = list(cells)
            if raw is not None:
                for col, cell in enumerate(row):
                    if (
                        cell is None
                        and col < len(raw)
                        and isinstance(raw[col], str)
                        and raw[col].startswith("=")
                    ):
                        row[col] = Uncalculated(raw[col])
            if is_blank(row):
                blank = cells
                continue
            while row[-1] is None:
                row.pop()
            count += 1
            if count > limit + _ABOVE_DATA:
                raise _too_many(limit)
            yield number, row
            if head is not None and count >= head:
                return


def open_workbook(content: bytes) -> Workbook:
    return Workbook(content)


# -- text files ----------------------------------------------------------------------------------


def decode_text(content: bytes) -> str:
    """A text file as Windows tools save it: UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030."""
    return _decode(content)


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV")


def read_csv(content: bytes, *, limit: int) -> Table:
    """The non-blank rows of a CSV (or tab-separated text) file."""
    if not content.strip():
        raise SheetError("文件是空的")
    if content.startswith((_ZIP, _OLE2)):
        raise SheetError("文件是 Excel 工作簿而不是 CSV：请把扩展名改为 .xlsx，或在 Excel 中另存为 CSV")
    text = _decode(content)
    if "\x00" in text:
        raise SheetError("文件不是文本格式的 CSV：请在 Excel 中另存为 CSV 后再导入")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    table = Table("")
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        if is_blank(cells):
            continue
        if len(table.rows) >= limit + _ABOVE_DATA:
            raise _too_many(limit)
        table.rows.append((number, list(cells)))
    return table


def read_table(
    content: bytes, filename: str, *, limit: int, accept: Callable[[list[Row]], bool] | None = None
) -> Table:
    """The rows of a one-table file: a CSV, or the first sheet of a workbook that ``accept`` takes.

    ``accept`` is shown each sheet's first 20 non-blank rows (a title, a header …); without it,
    or when no sheet is accepted, the first sheet with data is read (and its header is then
    reported missing by the caller)."""
    name = filename.lower()
    if not content.startswith((_ZIP, _OLE2)) and name.endswith((".csv", ".txt")):
        return read_csv(content, limit=limit)
    if name.endswith(".xls") and not content.startswith(_ZIP):
        raise SheetError("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    if not content.startswith((_ZIP, _OLE2)) and not name.endswith((".xlsx", ".xlsm")):
        raise SheetError("只能导入 .xlsx 或 .csv 文件")
    with Workbook(content) as book:
        chosen = None
        for sheet in book.sheet_names:
            head = list(book.rows(sheet, limit=limit, head=20))
            if not head:
                continue
            if accept is None or accept(head):
                chosen = sheet
                break
            if chosen is None:
                chosen = sheet
        if chosen is None:
            raise SheetError("工作簿中没有数据")
        return Table(chosen, list(book.rows(chosen, limit=limit)))


# -- cells ---------------------------------------------------------------------------------------


def _refuse_uncalculated(cell: Any) -> None:
    if isinstance(cell, Uncalculated):
        raise ValueError(UNCALCULATED_MESSAGE.format(cell.formula))


def cell_text(cell: Any) -> str:
    """A cell as text: full-width letters, digits and brackets folded, ``12.0`` as ``"12"``."""
    _refuse_uncalculated(cell)
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    return unicodedata.normalize("NFKC", str(cell)).strip()


def header_key(text: Any) -> str:
    """A column header folded for comparison: width, case and spacing ("氨氮（ mg/L ）" = "氨氮(mg/l)")."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().lower()
    return re.sub(r"\s+", "", folded)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_decimal(cell: Any) -> Decimal:
    """A number cell or numeric text as a ``Decimal``: ``"1,234.5"``, ``"１２.５"``, ``" 0.5 "``.

    Raises ``ValueError`` (a Chinese message) for anything else, including ``"0,5"``."""
    _refuse_uncalculated(cell)
    if isinstance(cell, bool):
        raise ValueError(f"应为数值，实际为“{cell}”")
    if isinstance(cell, Decimal):
        number = cell
    elif isinstance(cell, int | float):
        number = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
    else:
        text = cell_text(cell).replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"应为数值，实际为“{cell_text(cell)}”") from None
    if not number.is_finite():
        raise ValueError(f"应为数值，实际为“{cell}”")
    return number


# Excel's serial day numbers: day 1 is 1900-01-01, counted from 1899-12-30 (Excel's 1900 leap-year
# bug makes the two agree from March 1900). Only serials of 1950–2099 are taken as dates, so that
# a stray number in a date column is refused rather than read as a date of long ago.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = (18264, 73050)  # 1950-01-01, 2099-12-31
_DATE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?(?:(?:\s+|T|(?<=日))(?P<t>\d.*))?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def parse_date(cell: Any) -> tuple[date, time | None]:
    """A date cell: (day, time of day or None). Raises ``ValueError`` with a Chinese message."""
    _refuse_uncalculated(cell)
    if isinstance(cell, datetime):
        return cell.date(), (cell.time() if cell.time() != time(0) else None)
    if isinstance(cell, date):
        return cell, None
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        number = float(cell)
        if _SERIALS[0] <= number <= _SERIALS[1]:
            days = int(number)
            seconds = round((number - days) * 86400)  # to the second: a float carries noise
            days, seconds = days + seconds // 86400, seconds % 86400
            at = time(seconds // 3600, seconds // 60 % 60, seconds % 60) if seconds else None
            return _EXCEL_EPOCH + timedelta(days=days), at
    text = cell_text(cell)
    for pattern in (_DATE, _COMPACT):
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            try:
                day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
            at = parse_time(parts["t"]) if parts.get("t") else None
            return day, at
    raise ValueError(f"无法识别的日期“{text}”，请写作 2026-10-05")


def parse_time(cell: Any) -> time:
    """A time cell: an Excel time, ``9:30``, ``09:30:00``, ``9时``/``9点``, ``9``."""
    _refuse_uncalculated(cell)
    if isinstance(cell, datetime):
        return cell.time()
    if isinstance(cell, time):
        return cell
    if isinstance(cell, float) and 0 <= cell < 1:  # a time typed into a General cell: a day's fraction
        seconds = round(cell * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    text = re.sub(r"\s+", "", cell_text(cell))
    text = re.sub(r"^(\d{1,2})[时點点](?:(\d{1,2})分)?(?:整)?$", lambda m: f"{m[1]}:{m[2] or '00'}", text)
    if re.fullmatch(r"\d{1,2}", text):
        text += ":00"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if not match:
        raise ValueError(f"无法识别的时间“{text}”，请写作 08:00")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24 and minute == 0 and second == 0:  # "24" closes the day in some station exports
        raise ValueError("小时应为 0–23（24时请写作次日0时）")
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"时间“{text}”不存在")
    return time(hour, minute, second)
