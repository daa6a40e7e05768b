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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from epb.lib.sheets import Row, SheetError, Uncalculated, cell_text, is_blank, parse_decimal
from epb.lib.sheets import parse_date as parse_cell_date
from epb.lib.sheets import parse_time as parse_cell_time
from epb.lib.sheets import read_table as read_rows
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
_EMPTY = {"", "-", "—", "–", "―", "--", "——", "/", "na", "n/a", "null", "未测", "未监测"}
_ND = {"nd", "n.d.", "未检出", "<dl", "低于检出限"}
_DL_ROW = re.compile(r"^检出限")


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


def read_table(content: bytes, filename: str, kind: str = "water") -> list[Row]:
    """The numbered non-blank rows of an .xlsx (the first sheet with a header of ``kind``) or .csv."""
    table = read_rows(
        content, filename, limit=MAX_ROWS, accept=lambda head: _header_at(head, kind) is not None
    )
    return table.rows


# -- cells -------------------------------------------------------------------------------------


def _text(cell: Any) -> str:
    """A cell as text where no value is read from it (headers, markers): a formula reads as itself."""
    return str(cell) if isinstance(cell, Uncalculated) else cell_text(cell)


_MONTH_PATTERN = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?$")


def parse_day(cell: Any) -> tuple[date, time | None, bool]:
    """A date cell: (day, time of day or None, whether only a month was given)."""
    try:
        day, at = parse_cell_date(cell)
        return day, at, False
    except ValueError:
        if isinstance(cell, Uncalculated):
            raise
    text = cell_text(cell)
    match = _MONTH_PATTERN.match(text)
    if match and 1 <= int(match["m"]) <= 12:
        return date(int(match["y"]), int(match["m"]), 1), None, True
    raise ValueError(f"无法识别的日期“{text}”，请写作 2010-01-05 或 2010-01")


def parse_time(cell: Any) -> time:
    return parse_cell_time(cell)


# Spellings of the below-detection notations, folded to the ones ``parse_measurement`` reads:
# "0.01l" and "<0.01L" (both conventions at once) → "0.01L" / "<0.01"; "nd(0.01)" → "ND(0.01)".
_LOWER_L = re.compile(r"^(?P<n>[0-9.]+)l$")
_BOTH = re.compile(r"^<(?P<n>[0-9.]+)L$", re.IGNORECASE)
_ND_LIMIT = re.compile(r"^(?:nd|未检出)\((?P<n>[^)]+)\)$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _fold_value(text: str) -> str:
    text = text.replace("＜", "<").replace("﹤", "<").replace(" ", "")
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    if match := _BOTH.match(text):
        return "<" + match["n"]
    if match := _LOWER_L.match(text):
        return match["n"] + "L"
    if match := _ND_LIMIT.match(text):
        return f"ND({match['n']})"
    return text


def canonical_value(cell: Any, item: Item, *, factor: Decimal, detection_limit: str | None) -> str | None:
    """A result cell as stored: "0.52" or "<0.01" in the item's unit; None when not measured.

    ``factor`` converts the column's unit to the item's; ``detection_limit`` (in the item's unit)
    stands in for a bare "ND"."""
    if isinstance(cell, bool):
        raise ValueError("不是数值")
    text = cell_text(cell)  # refuses a formula without a value
    if isinstance(cell, int | float | Decimal):
        number = to_decimal(cell, name=item.name)
        if number < 0:
            raise ValueError(f"负值 {number}")
        return _plain(number if factor == 1 else (number * factor).normalize())
    text = _fold_value(text)
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


def _header_at(rows: Sequence[Row], kind: str) -> int | None:
    """The index of the header among the first rows: it names a site column and a date column."""
    keys = _KEYS[kind]
    wanted = {normalise_header(s) for role in ("code", "name") for s in keys[role]}
    dates = {normalise_header(s) for s in keys["date"]}
    for index, (_number, row) in enumerate(rows[:15]):
        headers = {normalise_header(_text(c)) for c in row}
        if headers & wanted and headers & dates:
            return index
    return None


def _find_header(rows: Sequence[Row], kind: str) -> int:
    index = _header_at(rows, kind)
    if index is None:
        raise SheetError(
            "找不到表头：表头行应包含“断面编码”或“断面名称”（空气为“站点”、噪声为“点位”）和“采样日期”（或“日期”）"
        )
    return index


_UNIT = re.compile(r"^(?:[a-zμµ]+|万?个)/[a-z]+\^?3?$")


def _is_unit(text: str) -> bool:
    key = normalise_header(text).strip("()")
    return key in {"无量纲", "℃", "°c", "db(a)", "db", "dba", "m", "cm"} or bool(_UNIT.match(key))


def _sub_header(
    header: list[str], below: Sequence[Any], kind: str, key_columns: set[int]
) -> list[str] | None:
    """A second header row under a merged one ("监测项目" over 氨氮, 总磷 …; or a row of units):
    the combined header, or None when the row below is data."""
    cells = [_text(c) for c in below] + [""] * (len(header) - len(below))
    if any(cells[col] for col in key_columns if col < len(cells)) or not any(cells):
        return None
    combined = list(header) + [""] * (len(cells) - len(header))
    recognised = False
    for col, text in enumerate(cells):
        if not text:
            continue
        if match_header(kind, text) is not None:
            combined[col], recognised = text, True
        elif _is_unit(text) and combined[col]:
            combined[col], recognised = f"{combined[col]}({text.strip('()（）')})", True
        else:
            return None
    return combined if recognised else None


def _key_columns(header: Sequence[str], kind: str) -> dict[str, int]:
    roles: dict[str, int] = {}
    for col, title in enumerate(header):
        key = normalise_header(title)
        for role, names in _KEYS[kind].items():
            if key and role not in roles and key in {normalise_header(n) for n in names}:
                roles[role] = col
    return roles


def parse_sheet(
    rows: Sequence[Sequence[Any]] | Sequence[Row],
    kind: str,
    *,
    detection_limits: Mapping[str, str] | None = None,
) -> ParseResult:
    """Parse the cells of a sheet: every bad cell is reported with its row, column and reason.

    ``rows`` are numbered rows (:func:`read_table`), or plain rows numbered from 1."""
    if kind not in _KEYS:
        raise SheetError(f"未知的数据类型 {kind!r}")
    numbered = _numbered(rows)
    result = ParseResult(kind)
    header_index = _find_header(numbered, kind)
    result.header_row = numbered[header_index][0]
    header = [_text(c) for c in numbered[header_index][1]]
    body_start = header_index + 1
    key_columns = set(_key_columns(header, kind).values())
    for _ in range(2):  # item names under a merged "监测项目", then a row of units
        if body_start >= len(numbered):
            break
        combined = _sub_header(header, numbered[body_start][1], kind, key_columns)
        if combined is None:
            break
        header, body_start = combined, body_start + 1
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
    body = numbered[body_start:]
    if body and any(_DL_ROW.match(_text(c)) for c in body[0][1][:3]):
        dl_number, dl_cells = body[0]
        for col, (item, factor) in columns.items():
            cell = dl_cells[col] if col < len(dl_cells) else None
            if _text(cell) in ("", "-", "/"):
                continue
            try:
                limit = parse_decimal(cell)
                if limit <= 0:
                    raise ValueError
                limits[item.code] = _plain(limit if factor == 1 else (limit * factor).normalize())
            except ValueError:
                result.errors.append(RowError(dl_number, header[col], f"检出限“{_text(cell)}”不是正数"))
        body = body[1:]

    seen: dict[tuple[str, date, time | None], int] = {}
    for number, row in body:
        cells = list(row) + [None] * (len(header) - len(row))
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
    keys = {"code": "", "name": ""}
    for role in keys:
        if role in roles:
            try:
                keys[role] = cell_text(cells[roles[role]])
            except ValueError as exc:
                result.errors.append(RowError(number, header[roles[role]], str(exc)))
    code, name = keys["code"], keys["name"]
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
    if "time" in roles and not is_blank([cells[roles["time"]]]):
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
    return parse_sheet(read_table(content, filename, kind), kind, detection_limits=detection_limits)


def _numbered(rows: Sequence[Sequence[Any]] | Sequence[Row]) -> list[Row]:
    """Rows with their numbers, blank ones left out: numbered rows as they are, plain ones from 1."""
    if (
        rows
        and isinstance(rows[0], tuple)
        and len(rows[0]) == 2
        and isinstance(rows[0][0], int)
        and isinstance(rows[0][1], list)
    ):
        return [(n, cells) for n, cells in rows if not is_blank(cells)]
    return [(n, list(cells)) for n, cells in enumerate(rows, start=1) if not is_blank(cells)]


def template_columns(kind: str) -> list[str]:
    """The header of the downloadable template: key columns, then every item with its unit."""
    keys = {
        "water": ["断面编码", "断面名称", "采样日期", "采样时间"],
        "air": ["站点编码", "站点名称", "日期", "时间"],
        "noise": ["点位编码", "点位名称", "监测日期"],
    }[kind]
    return keys + [i.label for i in items_of(kind)]
