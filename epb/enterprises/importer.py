"""Reading the registry workbook: four sheets (企业、排放口、许可证照、联系人) into checked rows.

This module only reads and checks: every cell is converted and validated, and every problem is
reported with its sheet, Excel row number, column and a reason in Chinese. It touches no
database; the caller passes in how to resolve a grid unit. ``epb.enterprises.services.import_registry``
does the checks that need the database and writes everything in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from epb.enterprises.choices import (
    ContactRole,
    EnterpriseFlag,
    EnterpriseStatus,
    LicenceKind,
    LicenceStatus,
    OutletKind,
    SourceClass,
)
from epb.enterprises.rules import parse_choice, parse_flags, parse_source_class
from epb.lib.codes import check_mobile, check_uscc
from epb.lib.sheets import (
    SheetError,
    Uncalculated,
    header_key,
    open_workbook,
    parse_date,
    parse_decimal,
)

SHEET_ENTERPRISES = "企业"
SHEET_OUTLETS = "排放口"
SHEET_LICENCES = "许可证照"
SHEET_CONTACTS = "联系人"

# (header, field, required). A "*" in the template marks the required ones.
ENTERPRISE_COLUMNS = [
    ("单位名称", "name", True),
    ("统一社会信用代码", "uscc", True),
    ("所属网格", "grid", False),
    ("地址", "address", False),
    ("经度", "longitude", False),
    ("纬度", "latitude", False),
    ("行业代码", "industry_code", False),
    ("行业", "industry", False),
    ("监管类别", "source_class", True),
    ("生产状态", "status", False),
    ("监管标签", "flags", False),
    ("法定代表人", "legal_representative", False),
    ("环保联系人", "contact_name", False),
    ("联系电话", "contact_phone", False),
]
OUTLET_COLUMNS = [
    ("统一社会信用代码", "uscc", True),
    ("排放口编号", "code", True),
    ("名称", "name", True),
    ("类型", "kind", True),
    ("执行标准", "standard", False),
    ("标准级别", "standard_class", False),
    ("基准氧含量(%)", "reference_o2", False),
    ("经度", "longitude", False),
    ("纬度", "latitude", False),
]
LICENCE_COLUMNS = [
    ("统一社会信用代码", "uscc", True),
    ("证照类型", "kind", True),
    ("证书编号", "number", True),
    ("发证机关", "issuer", False),
    ("发证日期", "issued_on", False),
    ("有效期至", "expires_on", False),
    ("状态", "status", False),
    ("许可事项", "scope", False),
]
CONTACT_COLUMNS = [
    ("统一社会信用代码", "uscc", True),
    ("姓名", "name", True),
    ("身份", "role", False),
    ("职务", "title", False),
    ("电话", "phone", False),
    ("手机", "mobile", False),
    ("电子邮件", "email", False),
]
SHEETS = {
    SHEET_ENTERPRISES: ENTERPRISE_COLUMNS,
    SHEET_OUTLETS: OUTLET_COLUMNS,
    SHEET_LICENCES: LICENCE_COLUMNS,
    SHEET_CONTACTS: CONTACT_COLUMNS,
}
MAX_ROWS = 20000  # per sheet; a larger registry is imported in parts
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # Excel row number (the header is row 1 of the table)
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet} 第{self.row}行" if self.row else self.sheet
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


@dataclass
class ParsedRow:
    sheet: str
    row: int
    values: dict[str, Any]


@dataclass
class ParsedWorkbook:
    enterprises: list[ParsedRow] = field(default_factory=list)
    outlets: list[ParsedRow] = field(default_factory=list)
    licences: list[ParsedRow] = field(default_factory=list)
    contacts: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Headed columns the template does not have ("sheet：header"): not imported, and said so,
    # so that a misspelt optional column is not lost without a word.
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.enterprises) + len(self.outlets) + len(self.licences) + len(self.contacts)


class _Row:
    """Cell conversion for one row, collecting errors instead of raising."""

    def __init__(self, sheet: str, number: int, cells: Mapping[str, Any], errors: list[RowError]) -> None:
        self.sheet, self.line, self.cells, self.errors = sheet, number, cells, errors
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.sheet, self.line, column, message))

    def _calculated(self, column: str) -> bool:
        raw = self.cells.get(column)
        if isinstance(raw, Uncalculated):
            try:
                parse_decimal(raw)
            except ValueError as exc:
                self.fail(column, str(exc))
            return False
        return True

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        if not self._calculated(column):
            return ""
        raw = self.cells.get(column)
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a code typed into a number cell
        value = "" if raw is None else str(raw).strip()
        if required and not value:
            self.fail(column, "必填")
        elif len(value) > max_length:
            self.fail(column, f"过长（最多{max_length}个字符）")
        return value

    def number(self, column: str, low: float, high: float) -> float | None:
        raw = self.cells.get(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            value = float(parse_decimal(raw))
        except ValueError as exc:
            self.fail(column, str(exc))
            return None
        if not low <= value <= high:
            self.fail(column, f"应在 {low} 至 {high} 之间，实际为 {value}")
            return None
        return value

    def decimal(self, column: str, low: Decimal, high: Decimal) -> Decimal | None:
        raw = self.cells.get(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            value = parse_decimal(raw)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None
        if not low <= value <= high:
            self.fail(column, f"应在 {low} 至 {high} 之间，实际为 {raw}")
            return None
        return value.quantize(Decimal("0.1"))

    def date(self, column: str) -> dt.date | None:
        raw = self.cells.get(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return parse_date(raw)[0]
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def choice(
        self, column: str, choices: Iterable[tuple[str, Any]], default: str | None = None
    ) -> str | None:
        value = self.text(column)
        if not value:
            return default
        code = parse_choice(value, choices)
        if code is None:
            allowed = "、".join(str(label) for _, label in choices)
            self.fail(column, f"“{value}”不是可选值（可选：{allowed}）")
        return code

    def uscc(self, column: str = "统一社会信用代码") -> str:
        raw = self.cells.get(column)
        if isinstance(raw, float) and abs(raw) >= 1e15:
            self.fail(column, "以数值格式保存，Excel 已改动15位以后的数字：请将该列设为文本格式后重新填写")
            return ""
        value = self.text(column, required=True, max_length=40)
        if not value:
            return ""
        result = check_uscc(value)
        if not result.valid:
            self.fail(column, result.message)
            return ""
        return result.normalized


def _column_key(header: Any) -> str:
    """A header as compared with the template's: "*" dropped, width, case and spacing folded."""
    return header_key(header).rstrip("*")


def _bare(key: str) -> str:
    """A header key without a trailing unit in brackets: "基准氧含量(%)" → "基准氧含量"."""
    return re.sub(r"\([^()]*\)$", "", key) or key


def _header_names(cells: list[Any], spec: list[tuple[str, str, bool]]) -> list[str]:
    """The template's name for each header cell ("" for a column the template does not have)."""
    known = {_column_key(h): h for h, _f, _r in spec}
    bare = {_bare(k): h for k, h in known.items()}
    names = []
    for cell in cells:
        key = "" if isinstance(cell, Uncalculated) else _column_key(cell)
        names.append(known.get(key) or bare.get(_bare(key), "") if key else "")
    return names


def _cell_rows(
    book: Any, sheet: str, spec: list[tuple[str, str, bool]], errors: list[RowError], ignored: list[str]
) -> list[tuple[int, dict[str, Any]]]:
    rows = book.rows(sheet, limit=MAX_ROWS)
    required = [h for h, _f, r in spec if r]
    # The header is the first row naming every required column; title lines may stand above it.
    header: list[str] | None = None
    best: tuple[int, int, list[str]] = (0, 0, required)  # (columns found, row, missing)
    for number, cells in rows:
        names = _header_names(cells, spec)
        missing = [h for h in required if h not in names]
        if not missing:
            header = names
            ignored += [
                f"{sheet}：{str(cell).strip()}"
                for cell, name in zip(cells, names, strict=False)
                if not name and not isinstance(cell, Uncalculated) and header_key(cell)
            ]
            break
        if len(required) - len(missing) > best[0]:
            best = (len(required) - len(missing), number, missing)
        if number >= 10:
            break
    if header is None:
        where = best[1] if best[0] else 1
        errors.append(RowError(sheet, where, "", f"缺少必填列：{'、'.join(best[2])}"))
        return []
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        errors.append(RowError(sheet, number, "", f"列名重复：{'、'.join(duplicated)}"))
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    try:
        for number, values in rows:  # blank rows are already left out
            out.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
    except SheetError as exc:
        errors.append(RowError(sheet, 0, "", str(exc)))
        return []
    return out


GridResolver = Callable[[str], tuple[int | None, str]]
Locator = Callable[[float, float], int | None]


def parse_workbook(data: IO[bytes] | bytes, *, resolve_grid: GridResolver, locate: Locator) -> ParsedWorkbook:
    """Read and check a workbook. ``resolve_grid(text)`` → (unit id, error message)."""
    parsed = ParsedWorkbook()
    content = data if isinstance(data, bytes) else data.read()
    try:
        book = open_workbook(content)
    except SheetError as exc:
        parsed.errors.append(RowError("", 0, "", str(exc)))
        return parsed
    try:
        # Sheets are found by name, as the template names them (spacing and width aside).
        names = {header_key(n): n for n in book.sheet_names}
        present = {name: names[header_key(name)] for name in SHEETS if header_key(name) in names}
        if not present:
            parsed.errors.append(
                RowError("", 0, "", f"找不到工作表（应有：{'、'.join(SHEETS)}；请使用下载的模板）")
            )
            return parsed
        for name, spec in SHEETS.items():
            if name not in present:
                continue
            for number, cells in _cell_rows(book, present[name], spec, parsed.errors, parsed.ignored_columns):
                row = _Row(name, number, cells, parsed.errors)
                values = _READERS[name](row, resolve_grid, locate)
                if row.ok:
                    getattr(parsed, _TARGET[name]).append(ParsedRow(name, number, values))
    except SheetError as exc:
        parsed.errors.append(RowError("", 0, "", str(exc)))
    finally:
        book.close()
    _check_duplicates(parsed)
    return parsed


def _read_enterprise(row: _Row, resolve_grid: GridResolver, locate: Locator) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": row.text("单位名称", required=True),
        "uscc": row.uscc(),
        "address": row.text("地址", max_length=300),
        "industry_code": row.text("行业代码", max_length=8),
        "industry": row.text("行业", max_length=100),
        "legal_representative": row.text("法定代表人", max_length=50),
        "contact_name": row.text("环保联系人", max_length=50),
        "contact_phone": row.text("联系电话", max_length=30),
    }
    if values["industry_code"] and not values["industry_code"].isdigit():
        row.fail("行业代码", "应为 GB/T 4754 行业代码（数字）")
    longitude = row.number("经度", -180, 180)
    latitude = row.number("纬度", -90, 90)
    if (longitude is None) != (latitude is None):
        row.fail("经度" if longitude is None else "纬度", "经度和纬度须同时填写")
    values["longitude"], values["latitude"] = longitude, latitude
    source_class = parse_source_class(row.text("监管类别", required=True))
    if source_class is None and row.cells.get("监管类别") not in (None, ""):
        row.fail("监管类别", "应为“重点源”或“一般源”")
    values["source_class"] = source_class
    values["status"] = row.choice("生产状态", EnterpriseStatus.choices, default=None)
    flags_text = row.text("监管标签", max_length=300)
    flags, unknown = parse_flags(flags_text)
    if unknown:
        allowed = "、".join(str(label) for _, label in EnterpriseFlag.choices)
        row.fail("监管标签", f"不认识的标签：{'、'.join(unknown)}（可选：{allowed}）")
    values["flags"] = flags if flags_text else None
    grid_text = row.text("所属网格", max_length=100)
    if grid_text:
        grid_id, message = resolve_grid(grid_text)
        if grid_id is None:
            row.fail("所属网格", message)
        values["grid_id"] = grid_id
    elif longitude is not None and latitude is not None:
        grid_id = locate(longitude, latitude)
        if grid_id is None:
            row.fail("所属网格", "未填写，且按经纬度找不到所在网格")
        values["grid_id"] = grid_id
    else:
        values["grid_id"] = None  # allowed only when the enterprise already exists
    return values


def _read_outlet(row: _Row, resolve_grid: GridResolver, locate: Locator) -> dict[str, Any]:
    values: dict[str, Any] = {
        "uscc": row.uscc(),
        "code": row.text("排放口编号", required=True, max_length=32),
        "name": row.text("名称", required=True, max_length=100),
        "kind": row.choice("类型", OutletKind.choices),
        "standard": row.text("执行标准", max_length=64),
        "standard_class": row.text("标准级别", max_length=32),
        "reference_o2": row.decimal("基准氧含量(%)", Decimal(0), Decimal(21)),
    }
    if values["kind"] is None and row.ok:
        row.fail("类型", "必填")
    longitude = row.number("经度", -180, 180)
    latitude = row.number("纬度", -90, 90)
    if (longitude is None) != (latitude is None):
        row.fail("经度" if longitude is None else "纬度", "经度和纬度须同时填写")
    values["longitude"], values["latitude"] = longitude, latitude
    if values["kind"] == OutletKind.WATER and values["reference_o2"] is not None:
        row.fail("基准氧含量(%)", "废水排放口不填基准氧含量")
    return values


def _read_licence(row: _Row, resolve_grid: GridResolver, locate: Locator) -> dict[str, Any]:
    values: dict[str, Any] = {
        "uscc": row.uscc(),
        "kind": row.choice("证照类型", LicenceKind.choices),
        "number": row.text("证书编号", required=True, max_length=64),
        "issuer": row.text("发证机关", max_length=100),
        "issued_on": row.date("发证日期"),
        "expires_on": row.date("有效期至"),
        "status": row.choice("状态", LicenceStatus.choices, default=LicenceStatus.VALID),
        "scope": row.text("许可事项", max_length=2000),
    }
    if values["kind"] is None and row.ok:
        row.fail("证照类型", "必填")
    if values["issued_on"] and values["expires_on"] and values["expires_on"] < values["issued_on"]:
        row.fail("有效期至", "不能早于发证日期")
    if values["kind"] == LicenceKind.DISCHARGE_PERMIT and row.ok and values["expires_on"] is None:
        row.fail("有效期至", "排污许可证须填写有效期")
    return values


def _read_contact(row: _Row, resolve_grid: GridResolver, locate: Locator) -> dict[str, Any]:
    values: dict[str, Any] = {
        "uscc": row.uscc(),
        "name": row.text("姓名", required=True, max_length=50),
        "role": row.choice("身份", ContactRole.choices, default=ContactRole.OFFICER),
        "title": row.text("职务", max_length=50),
        "phone": row.text("电话", max_length=30),
        "mobile": row.text("手机", max_length=20),
        "email": row.text("电子邮件", max_length=254),
    }
    if values["mobile"]:
        check = check_mobile(values["mobile"])
        if not check.valid:
            row.fail("手机", check.message)
        else:
            values["mobile"] = check.normalized
    if values["email"] and not _EMAIL.match(values["email"]):
        row.fail("电子邮件", "格式不正确")
    return values


_READERS: dict[str, Callable[[_Row, GridResolver, Locator], dict[str, Any]]] = {
    SHEET_ENTERPRISES: _read_enterprise,
    SHEET_OUTLETS: _read_outlet,
    SHEET_LICENCES: _read_licence,
    SHEET_CONTACTS: _read_contact,
}
_TARGET = {
    SHEET_ENTERPRISES: "enterprises",
    SHEET_OUTLETS: "outlets",
    SHEET_LICENCES: "licences",
    SHEET_CONTACTS: "contacts",
}


def _check_duplicates(parsed: ParsedWorkbook) -> None:
    def check(rows: list[ParsedRow], key: Callable[[dict[str, Any]], tuple[Any, ...]], column: str) -> None:
        first: dict[tuple[Any, ...], int] = {}
        for row in rows:
            k = key(row.values)
            if k in first:
                parsed.errors.append(RowError(row.sheet, row.row, column, f"与第{first[k]}行重复"))
            else:
                first[k] = row.row

    check(parsed.enterprises, lambda v: (v["uscc"],), "统一社会信用代码")
    check(parsed.outlets, lambda v: (v["uscc"], v["code"]), "排放口编号")
    check(parsed.licences, lambda v: (v["kind"], v["number"]), "证书编号")
    check(parsed.contacts, lambda v: (v["uscc"], v["name"], v["role"]), "姓名")


# -- the template -----------------------------------------------------------------------------

_EXAMPLES: dict[str, list[Any]] = {
    SHEET_ENTERPRISES: [
        "常州示例印染有限公司",
        "91320400MA1XXXXXXX（请填真实代码）",
        "茶山街道",
        "常州市天宁区示例路1号",
        119.98,
        31.78,
        "1713",
        "棉印染精加工",
        "重点源",
        "生产",
        "印染、纺织",
        "张三",
        "李四",
        "0519-88888888",
    ],
    SHEET_OUTLETS: ["（同企业表）", "DW001", "废水总排口", "废水", "GB4287-2012", "direct", None, None, None],
    SHEET_LICENCES: [
        "（同企业表）",
        "排污许可证",
        "91320400XXXXXXXXXX001P",
        "常州市生态环境局",
        "2024-01-01",
        "2029-12-31",
        "有效",
        "化学需氧量、氨氮",
    ],
    SHEET_CONTACTS: ["（同企业表）", "李四", "环保专员", "环保科长", "0519-88888888", "13800000000", ""],
}


def template_workbook() -> bytes:
    """The import template: one sheet per table (required headers marked *), plus 填表说明."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = "填表说明"
    lines = [
        "污染源档案导入模板",
        "",
        "1. 每张表第一行为列名，请勿修改；带 * 的列必填。从第二行起每行一条记录；示例行请删除。",
        "2. 导入是“全部成功或全部不导入”：任一行有误，整个文件都不会写入，并列出每个错误的行号和原因。",
        "3. 已存在的企业（按统一社会信用代码）会被更新；更新时留空的选填项保持原值。",
        "4. 所属网格填镇（街道）名称或区划代码；不填时按经纬度自动定位。经纬度为 WGS-84。",
        "5. 日期写作 YYYY-MM-DD（或使用 Excel 日期格式）。",
        "",
        "监管类别：" + "、".join(str(label) for _, label in SourceClass.choices),
        "生产状态：" + "、".join(str(label) for _, label in EnterpriseStatus.choices),
        "监管标签（可多个，用顿号分隔）：" + "、".join(str(label) for _, label in EnterpriseFlag.choices),
        "排放口类型：" + "、".join(str(label) for _, label in OutletKind.choices),
        "证照类型：" + "、".join(str(label) for _, label in LicenceKind.choices),
        "证照状态：" + "、".join(str(label) for _, label in LicenceStatus.choices),
        "联系人身份：" + "、".join(str(label) for _, label in ContactRole.choices),
    ]
    for number, line in enumerate(lines, start=1):
        guide.cell(number, 1).value = line
    guide.cell(1, 1).font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 110
    fill = PatternFill("solid", fgColor="D9E1F2")
    for name, spec in SHEETS.items():
        sheet = workbook.create_sheet(name)
        for col, (header, _field, required) in enumerate(spec, start=1):
            cell = sheet.cell(1, col)
            cell.value = header + ("*" if required else "")
            cell.font = Font(bold=True)
            cell.fill = fill
            sheet.column_dimensions[cell.column_letter].width = max(12, len(header) * 2 + 4)
            example = _EXAMPLES[name][col - 1]
            sample = sheet.cell(2, col)
            sample.value = example
            sample.number_format = "@" if isinstance(example, str) else "General"
            sample.font = Font(color="888888", italic=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
