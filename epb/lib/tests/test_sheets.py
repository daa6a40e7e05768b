"""Files and cells as bureau staff keep them: Excel's habits, Chinese Windows encodings, mistakes."""

from __future__ import annotations

import codecs
import io
import time as clock
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.styles import Font

from epb.lib.sheets import (
    SheetError,
    Uncalculated,
    cell_text,
    header_key,
    open_workbook,
    parse_date,
    parse_decimal,
    parse_time,
    read_csv,
    read_table,
)

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


def xlsx(book: OpenpyxlWorkbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_of(*rows: list[Any]) -> bytes:
    book = OpenpyxlWorkbook()
    for row in rows:
        book.active.append(row)
    return xlsx(book)


@pytest.mark.parametrize(
    ("cell", "day", "at"),
    [
        (datetime(2026, 10, 5, 9, 30), date(2026, 10, 5), time(9, 30)),
        (datetime(2026, 10, 5), date(2026, 10, 5), None),
        (date(2026, 10, 5), date(2026, 10, 5), None),
        (46300, date(2026, 10, 5), None),  # an Excel serial in a General cell
        (46300.5, date(2026, 10, 5), time(12)),
        ("2026-10-05", date(2026, 10, 5), None),
        ("2026/10/5", date(2026, 10, 5), None),
        ("2026.10.05", date(2026, 10, 5), None),
        ("2026年10月5日", date(2026, 10, 5), None),
        ("２０２６年１０月５日", date(2026, 10, 5), None),
        ("20261005", date(2026, 10, 5), None),
        ("2026-10-05 09:30", date(2026, 10, 5), time(9, 30)),
        ("2026-10-05T09:30:00", date(2026, 10, 5), time(9, 30)),
        ("2026年10月5日 9时", date(2026, 10, 5), time(9)),
        ("2026年10月5日9时30分", date(2026, 10, 5), time(9, 30)),
    ],
)
def test_dates(cell: Any, day: date, at: time | None) -> None:
    assert parse_date(cell) == (day, at)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("2026-02-30", "不存在"),
        ("1234", "无法识别"),
        (1234, "无法识别"),  # a number too small to be a date of this century
        ("2026-10-1512", "无法识别"),
        ("十月五日", "无法识别"),
        (Uncalculated("=TODAY()"), "没有计算结果"),
    ],
)
def test_bad_dates(cell: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "at"),
    [
        ("9:30", time(9, 30)),
        ("09:30:15", time(9, 30, 15)),
        ("9时", time(9)),
        ("9点", time(9)),
        (9, time(9)),
        (0.5, time(12)),
    ],
)
def test_times(cell: Any, at: time) -> None:
    assert parse_time(cell) == at


@pytest.mark.parametrize("cell", ["24", "25:00", "9:75", "上午"])
def test_bad_times(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_time(cell)


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (0.1, Decimal("0.1")),
        (12, Decimal(12)),
        ("0.52", Decimal("0.52")),
        (" 0.52 ", Decimal("0.52")),
        ("1,234.5", Decimal("1234.5")),
        ("12,345,678", Decimal(12345678)),
        ("１２.５", Decimal("12.5")),
        ("1.2E-3", Decimal("0.0012")),
    ],
)
def test_decimals(cell: Any, number: Decimal) -> None:
    assert parse_decimal(cell) == number


@pytest.mark.parametrize("cell", ["0,5", "1,23", "约0.5", "NaN", "inf", True, "", Uncalculated("=A1")])
def test_bad_decimals(cell: Any) -> None:
    with pytest.raises(ValueError):
        parse_decimal(cell)


def test_text_and_headers() -> None:
    assert cell_text(12.0) == "12"
    assert cell_text("ＣＺ－ＴＨ０１ ") == "CZ-TH01"
    assert cell_text(None) == ""
    assert header_key(" 氨氮（ mg/L ）") == header_key("氨氮(mg/l)")
    with pytest.raises(ValueError, match="没有计算结果"):
        cell_text(Uncalculated("=B2"))


# -- files ---------------------------------------------------------------------------------------


def test_rows_keep_their_excel_numbers_and_blank_rows_are_left_out() -> None:
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["2026年10月常州市地表水监测结果"])
    sheet.merge_cells("A1:D1")
    sheet.append(["编码", "日期"])
    sheet.append(["A", 1])
    sheet.append([None, "  "])
    sheet.append(["B", 2])
    table = read_table(xlsx(book), "x.xlsx", limit=10)
    assert [n for n, _cells in table.rows] == [1, 2, 3, 5]
    assert table.rows[3][1] == ["B", 2]


def test_a_sheet_formatted_to_the_last_excel_row_is_read_quickly() -> None:
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["编码", "日期"])
    sheet.append(["A", 1])
    for row in range(3, 300):
        sheet.cell(row, 1).font = Font(bold=True)
    sheet.cell(1048576, 16384).font = Font(bold=True)  # "A1:XFD1048576"
    content = xlsx(book)
    started = clock.monotonic()
    table = read_table(content, "x.xlsx", limit=10)  # the formatted rows do not count as data
    assert table.rows == [(1, ["编码", "日期"]), (2, ["A", 1])]
    assert clock.monotonic() - started < 20


def test_the_row_limit_counts_rows_with_data() -> None:
    content = sheet_of(["编码"], *[[f"S{i}"] for i in range(40)])
    assert len(read_table(content, "x.xlsx", limit=40).rows) == 41
    with pytest.raises(SheetError, match="超过 10 行"):
        read_table(content, "x.xlsx", limit=10)


def test_formulas_without_a_calculated_value_are_not_empty_cells() -> None:
    content = sheet_of(["编码", "值", "备注"], ["A", "=0.2+0.3", None])
    (_header, (_number, cells)) = read_table(content, "x.xlsx", limit=10).rows
    assert cells == ["A", Uncalculated("=0.2+0.3")]


def test_the_first_sheet_that_the_caller_accepts_is_read() -> None:
    book = OpenpyxlWorkbook()
    book.active.title = "说明"
    book.active.append(["本表由监测站填报"])
    data = book.create_sheet("数据")
    data.append(["编码", "日期"])
    data.append(["A", "2026-10-05"])
    table = read_table(xlsx(book), "x.xlsx", limit=10, accept=lambda head: head[0][1][0] == "编码")
    assert table.name == "数据"
    assert table.rows[1] == (2, ["A", "2026-10-05"])


ROWS = [["编码", "名称", "值"], ["A", "钟楼闸", "1,234"], ["B", "百渎港桥", "<0.01"]]


def _csv(encoding: str, delimiter: str = ",", bom: bytes = b"") -> bytes:
    text = "\r\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in row) for row in ROWS) + "\r\n"
    return bom + text.encode(encoding)


@pytest.mark.parametrize(
    "content",
    [
        _csv("utf-8"),
        _csv("utf-8-sig"),
        _csv("gbk"),
        _csv("gb18030"),
        _csv("utf-8", ";"),
        _csv("utf-16-le", "\t", codecs.BOM_UTF16_LE),  # Excel's "Unicode 文本"
    ],
    ids=["utf8", "bom", "gbk", "gb18030", "semicolon", "utf16-tab"],
)
def test_csv_as_excel_saves_it(content: bytes) -> None:
    table = read_csv(content, limit=10)
    assert [cells for _n, cells in table.rows] == ROWS


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "x.xlsx", "空"),
        (b"", "x.csv", "空"),
        (b"\r\n  \r\n", "x.csv", "空"),
        (b"<html>hello</html>", "x.xlsx", "不是 Excel 工作簿"),
        (OLE2 + b"\0" * 504, "x.xls", ".xls"),
        (OLE2 + b"\0" * 504, "x.xlsx", ".xls"),  # an old workbook renamed
        (OLE2 + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 200, "x.xlsx", "密码"),
        (b"PK\x03\x04broken", "x.xlsx", "损坏"),
        (b"PK\x03\x04broken", "x.csv", "Excel 工作簿"),
        (b"a,b\n1,2\n", "x.pdf", ".xlsx 或 .csv"),
    ],
)
def test_files_that_cannot_be_read_say_why(content: bytes, name: str, words: str) -> None:
    with pytest.raises(SheetError, match=words):
        read_table(content, name, limit=10)


def test_a_workbook_named_csv_or_xlsm_is_read_as_a_workbook() -> None:
    content = sheet_of(["编码"], ["A"])
    for name in ("x.xlsm", "x.csv", "download"):
        assert read_table(content, name, limit=10).rows[1] == (2, ["A"])


def test_named_sheets_of_a_workbook() -> None:
    book = OpenpyxlWorkbook()
    book.active.title = "企业"
    book.active.append(["名称"])
    book.active.append(["甲"])
    with open_workbook(xlsx(book)) as opened:
        assert opened.sheet_names == ["企业"]
        assert list(opened.rows("企业", limit=10)) == [(1, ["名称"]), (2, ["甲"])]
