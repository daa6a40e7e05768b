"""Sheets the module writes: the downloadable import templates (the header the importer reads, an
example row, notes) and plain sheets of rows (the demo data goes in through the importer)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

_EXAMPLES = {
    "water": ["CZ-TH01", "示例断面", "2026-01-08", "09:30"],
    "air": ["CZ-AQ01", "示例站点", "2026-01-08", ""],
    "noise": ["CZ-ZS01", "示例点位", "2026-03-12"],
}
_NOTES = {
    "water": [
        "每行一个断面、一次采样；每列一个指标，表头可写指标代码（如 NH3N）或中文名称（如 氨氮）。",
        "表头可注明单位，如“汞（μg/L）”，导入时换算为标准单位（mg/L）；不注明即按模板中的单位。",
        "低于检出限写作 <0.01、0.01L 或 ND(0.01)；只写 ND 或“未检出”时，须在表头下一行写“检出限”并逐列填写。",
        "空白、“-”、“/”表示未监测。日期可写 2026-01-08、2026/1/8 或 2026年1月8日；"
        "只写月份（2026-01）表示月度结果。",
        "表中任何一行有错，整个文件都不导入，并列出错误的行、列和原因。",
    ],
    "air": [
        "每行一个站点一天（日均值）或一个小时（填写时间列，小时值）。浓度单位 μg/m³，一氧化碳 mg/m³。",
        "臭氧（最大1小时）与臭氧（最大8小时滑动平均）分列填写。",
        "表中任何一行有错，整个文件都不导入。",
    ],
    "noise": [
        "每行一个点位一次监测（点次）：昼间等效声级 Ld、夜间等效声级 Ln，单位 dB(A)。",
        "夜间最大声级可选填。表中任何一行有错，整个文件都不导入。",
    ],
}


def template_workbook(kind: str, header: Sequence[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(list(header))
    fill = PatternFill("solid", fgColor="D9E1F2")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    example = _EXAMPLES[kind]
    sheet.append(example + [None] * (len(header) - len(example)))
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(title) * 2)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    for line in _NOTES[kind]:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM, as Excel writes "CSV UTF-8"."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if c is None else c for c in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
