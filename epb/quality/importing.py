"""Reading monitoring-result sheets as the bureau's staff keep them. Pure: bytes in, rows out.

A sheet is wide: one row per site and sampling date, one column per item, headed by the item's
code or Chinese name, optionally with its unit ("氨氮（mg/L）", "汞(μg/L)" is converted to mg/L).
Above the header there may be title lines; right under it an optional "检出限" row gives each
column's detection limit, for cells that only say "ND"/"未检出". Values may be numbers, "<0.01",
"0.01L", "ND(0.01)", "ND"; empty, "-", "/" mean not measured. Files: .xlsx, or .csv in UTF-8
(with or without BOM) or GBK/GB18030.

Nothing is decided here about sites or the database: the service resolves site keys and writes.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from epb.quality.items import Item, UnitMismatch, items_of, match_header, normalise_header, unit_factor
from epb.standards.numeric import parse_measurement, to_decimal

MAX_ROWS = 20000

# Key columns per kind: (role, spellings). The first matching column of a role is used.
_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "water": {
        "code": ("断面编码", "点位编码", "断面代码", "编码", "代码", "code", "site_code"),
        "name": ("断面名称", "点位名称", "断面", "点位", "水源地", "水源地名称", "名称", "site", "site_name"),
        "date": ("采样日期", "监测日期", "日期", "date"),
        "time": ("采样时间", "时间", "time"),
    },
    "air": {
        "code": ("站点编码", "点位编码", "编码", "code", "station_code"),
        "name": ("站点名称", "站点", "监测站", "点位", "名称", "station"),
        "date": ("日期", "监测日期", "date"),
        "time": ("时间", "小时", "time", "hour"),
    },
    "noise": {
        "code": ("点位编码", "测点编码", "编码", "code", "point_code"),
        "name": ("点位名称", "测点名称", "点位", "测点", "名称", "point"),
        "date": ("监测日期", "日期", "date"),
    },
}
# Columns a sheet often carries that are not results: read, and ignored without complaint.
_INFORMATIONAL = {
    normalise_header(x)
    for x in (
        "序号",
        "备注",
        "河流",
        "河流名称",
        "所在水体",
        "水体",
        "所在地",
        "辖区",
        "所属区",
        "断面性质",
        "水质类别",
        "水质目标",
        "目标类别",
        "超标项目",
        "超标指标",
        "是否达标",
        "功能区",
        "功能区类别",
        "AQI",
        "首要污染物",
        "空气质量级别",
    )
}
_EMPTY = {"", "-", "—", "--", "/", "na", "n/a", "null", "未测", "未监测"}
_ND = {"nd", "n.d.", "未检出", "<dl", "低于检出限"}
_DL_ROW = re.compile(r"^检出限")


class SheetError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, too large)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as the sheet shows it (1-based)
    column: str  # the column's header, or "" for the row as a whole
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.reason}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    code: str
    name: str
    day: date
    at: time | None  # time of day (Beijing) when the sheet gives one
    monthly: bool  # the sheet gave only a month ("2010-01"): a monthly value
    values: Mapping[str, str]  # code -> "0.52" | "<0.01", in the item's unit

    @property
    def key(self) -> str:
        return self.code or self.name


@dataclass
class ParseResult:
    kind: str
    header_row: int = 0
    items: list[Item] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# -- reading files -------------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> list[list[Any]]:
    """The cells of the first sheet of an .xlsx, or of a .csv, as rows of values."""
    name = filename.lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt")):
        return _read_csv(content)
    if name.endswith(".xls"):
        raise SheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    raise SheetError("只能导入 .xlsx 或 .csv 文件")


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SheetError(f"无法读取该 Excel 文件：{exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 20:
                raise SheetError(f"文件超过 {MAX_ROWS} 行，请分批导入")
        return rows
    finally:
        book.close()


def _read_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence that reaches it
        raise SheetError("无法识别文件编码，请使用 UTF-8 或 GBK")
    try:
        sample = text[:4096]
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    if len(rows) > MAX_ROWS + 20:
        raise SheetError(f"文件超过 {MAX_ROWS} 行，请分批导入")
    return rows


# -- cells -------------------------------------------------------------------------------------


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return unicodedata.normalize("NFKC", str(cell)).strip()


_DATE_PATTERNS = (
    re.compile(
        r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[ T](?P<t>\d{1,2}:\d{2}(?::\d{2})?))?$"
    ),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
_MONTH_PATTERN = re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})月?$")


def parse_day(cell: Any) -> tuple[date, time | None, bool]:
    """A date cell: (day, time of day or None, whether only a month was given)."""
    if isinstance(cell, datetime):
        at = cell.time() if cell.time() != time(0) else None
        return cell.date(), at, False
    if isinstance(cell, date):
        return cell, None, False
    text = _text(cell)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            at = parse_time(parts["t"]) if parts.get("t") else None
            return day, at, False
    match = _MONTH_PATTERN.match(text)
    if match:
        return date(int(match["y"]), int(match["m"]), 1), None, True
    raise ValueError(f"无法识别的日期“{text}”，请写作 2010-01-05 或 2010-01")


def parse_time(cell: Any) -> time:
    if isinstance(cell, time):
        return cell
    if isinstance(cell, datetime):
        return cell.time()
    text = _text(cell).replace("时", ":00").replace("点", ":00")
    if re.fullmatch(r"\d{1,2}", text):
        hour = int(text)
        if hour == 24:  # "24" closes the day in some station exports: hour 23 to 24
            raise ValueError("小时应为 0–23（24时请写作次日0时）")
        return time(hour)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if not match:
        raise ValueError(f"无法识别的时间“{text}”，请写作 08:00")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def canonical_value(cell: Any, item: Item, *, factor: Decimal, detection_limit: str | None) -> str | None:
    """A result cell as stored: "0.52" or "<0.01" in the item's unit; None when not measured.

    ``factor`` converts the column's unit to the item's; ``detection_limit`` (in the item's unit)
    stands in for a bare "ND"."""
    if isinstance(cell, bool):
        raise ValueError("不是数值")
    if isinstance(cell, int | float | Decimal):
        number = to_decimal(cell, name=item.name)
        if number < 0:
            raise ValueError(f"负值 {number}")
        return _plain(number if factor == 1 else (number * factor).normalize())
    text = _text(cell).replace("＜", "<").replace(" ", "")
    if text.lower() in _EMPTY:
        return None
    if text.lower() in _ND:
        if detection_limit is None:
            raise ValueError("未检出但未给出检出限：请写作 ND(0.01)、<0.01 或 0.01L，或在表头下加“检出限”行")
        return f"<{detection_limit}"  # already in the item's unit
    try:
        measured = parse_measurement(text, name=item.name)
    except ValueError:
        try:
            number = to_decimal(text)
        except ValueError:
            raise ValueError(f"无法识别的数值“{_text(cell)}”") from None
        raise ValueError(f"负值 {number}") from None
    if measured.detection_limit is not None:
        limit = measured.detection_limit
        return "<" + _plain(limit if factor == 1 else (limit * factor).normalize())
    return _plain(measured.value if factor == 1 else (measured.value * factor).normalize())


def _plain(number: Decimal) -> str:
    """As written: "43.0" keeps its reported precision (a converted value comes normalised)."""
    return format(number, "f")


def _sanity(item: Item, value: str) -> str | None:
    number = parse_measurement(value).value
    if item.code == "pH" and number > 14:
        return f"pH 值 {value} 超出 0–14"
    if item.unit == "dB(A)" and number > 200:
        return f"声级 {value} dB(A) 不可能"
    return None


# -- the sheet ---------------------------------------------------------------------------------


def _find_header(rows: Sequence[Sequence[Any]], kind: str) -> int:
    keys = _KEYS[kind]
    wanted = {normalise_header(s) for role in ("code", "name") for s in keys[role]}
    dates = {normalise_header(s) for s in keys["date"]}
    for index, row in enumerate(rows[:15]):
        headers = {normalise_header(_text(c)) for c in row}
        if headers & wanted and headers & dates:
            return index
    raise SheetError(
        "找不到表头：表头行应包含“断面编码”或“断面名称”（空气为“站点”、噪声为“点位”）和“采样日期”（或“日期”）"
    )


def parse_sheet(
    rows: Sequence[Sequence[Any]], kind: str, *, detection_limits: Mapping[str, str] | None = None
) -> ParseResult:
    """Parse the cells of a sheet: every bad cell is reported with its row, column and reason."""
    if kind not in _KEYS:
        raise SheetError(f"未知的数据类型 {kind!r}")
    result = ParseResult(kind)
    header_index = _find_header(rows, kind)
    result.header_row = header_index + 1
    header = [_text(c) for c in rows[header_index]]
    roles: dict[str, int] = {}
    columns: dict[int, tuple[Item, Decimal]] = {}
    seen_items: dict[str, str] = {}
    for col, title in enumerate(header):
        key = normalise_header(title)
        if not key:
            continue
        role = next(
            (r for r, names in _KEYS[kind].items() if key in {normalise_header(n) for n in names}), None
        )
        if role is not None and role not in roles:
            roles[role] = col
            continue
        matched = match_header(kind, title)
        if matched is None:
            if key not in _INFORMATIONAL:
                result.ignored_columns.append(title)
            continue
        item, unit = matched
        if item.code in seen_items:
            result.errors.append(
                RowError(result.header_row, title, f"与“{seen_items[item.code]}”列是同一指标")
            )
            continue
        try:
            factor = unit_factor(unit, item)
        except UnitMismatch as exc:
            result.errors.append(RowError(result.header_row, title, str(exc)))
            continue
        seen_items[item.code] = title
        columns[col] = (item, factor)
    if "code" not in roles and "name" not in roles:
        raise SheetError("表头缺少站点列（编码或名称）")
    if "date" not in roles:
        raise SheetError("表头缺少日期列")
    if not columns and not result.errors:
        raise SheetError("表头中没有可识别的监测指标列")
    result.items = [item for item, _ in columns.values()]

    limits = dict(detection_limits or {})
    body = list(rows[header_index + 1 :])
    first = header_index + 2
    if body and any(_DL_ROW.match(_text(c)) for c in body[0][:3]):
        for col, (item, factor) in columns.items():
            cell = body[0][col] if col < len(body[0]) else None
            if _text(cell) in ("", "-", "/"):
                continue
            try:
                limit = to_decimal(_text(cell), name=item.name)
                limits[item.code] = _plain(limit if factor == 1 else (limit * factor).normalize())
            except ValueError:
                result.errors.append(RowError(first, header[col], f"检出限“{_text(cell)}”不是数值"))
        body, first = body[1:], first + 1

    seen: dict[tuple[str, date, time | None], int] = {}
    for offset, row in enumerate(body):
        number = first + offset
        cells = list(row) + [None] * (len(header) - len(row))
        if all(_text(c) == "" for c in cells):
            continue
        parsed = _parse_row(number, cells, header, roles, columns, limits, result)
        if parsed is None:
            continue
        row_key = (parsed.key, parsed.day, parsed.at)
        if row_key in seen:
            result.errors.append(RowError(number, "", f"与第{seen[row_key]}行重复（同一站点、同一时间）"))
            continue
        seen[row_key] = number
        result.rows.append(parsed)
    if not result.rows and not result.errors:
        result.errors.append(RowError(result.header_row, "", "表中没有数据行"))
    return result


def _parse_row(
    number: int,
    cells: list[Any],
    header: list[str],
    roles: dict[str, int],
    columns: dict[int, tuple[Item, Decimal]],
    limits: Mapping[str, str],
    result: ParseResult,
) -> ParsedRow | None:
    errors_before = len(result.errors)
    code = _text(cells[roles["code"]]) if "code" in roles else ""
    name = _text(cells[roles["name"]]) if "name" in roles else ""
    if not code and not name:
        result.errors.append(
            RowError(number, header[roles.get("code", roles.get("name", 0))], "缺少站点编码或名称")
        )
    day: date | None = None
    at: time | None = None
    monthly = False
    try:
        day, at, monthly = parse_day(cells[roles["date"]])
    except ValueError as exc:
        result.errors.append(RowError(number, header[roles["date"]], str(exc)))
    if "time" in roles and _text(cells[roles["time"]]):
        try:
            at = parse_time(cells[roles["time"]])
        except ValueError as exc:
            result.errors.append(RowError(number, header[roles["time"]], str(exc)))
    values: dict[str, str] = {}
    for col, (item, factor) in columns.items():
        try:
            value = canonical_value(cells[col], item, factor=factor, detection_limit=limits.get(item.code))
        except ValueError as exc:
            result.errors.append(RowError(number, header[col], str(exc)))
            continue
        if value is None:
            continue
        problem = _sanity(item, value)
        if problem:
            result.errors.append(RowError(number, header[col], problem))
            continue
        values[item.code] = value
    if not values and len(result.errors) == errors_before:
        result.errors.append(RowError(number, "", "该行没有任何监测值"))
    if len(result.errors) > errors_before or day is None:
        return None
    return ParsedRow(number, code, name, day, at, monthly, values)


def parse_file(
    content: bytes, filename: str, kind: str, *, detection_limits: Mapping[str, str] | None = None
) -> ParseResult:
    return parse_sheet(read_table(content, filename), kind, detection_limits=detection_limits)


def template_columns(kind: str) -> list[str]:
    """The header of the downloadable template: key columns, then every item with its unit."""
    keys = {
        "water": ["断面编码", "断面名称", "采样日期", "采样时间"],
        "air": ["站点编码", "站点名称", "日期", "时间"],
        "noise": ["点位编码", "点位名称", "监测日期"],
    }[kind]
    return keys + [i.label for i in items_of(kind)]
