"""Reading sheets as the bureau keeps them: headers, units, detection limits, encodings, errors."""

from __future__ import annotations

import codecs
import io
from datetime import date, datetime, time
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from epb.quality.importing import SheetError, parse_file, parse_sheet
from epb.quality.tests.sheets import csv_bytes, workbook

LIMITS = {"NH3N": "0.025"}


def _parse(rows: list[list[Any]], kind: str = "water") -> Any:
    return parse_sheet(rows, kind, detection_limits=LIMITS)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("氨氮", "NH3N"),
        ("NH3-N", "NH3N"),
        ("nh3n", "NH3N"),
        ("氨氮（mg/L）", "NH3N"),
        ("氨氮 (mg/l)", "NH3N"),
        ("铬（六价）", "Cr6"),
        ("六价铬", "Cr6"),
        ("高锰酸盐指数", "CODMn"),
        ("pH值", "pH"),
        ("叶绿素a", "Chla"),
    ],
)
def test_item_columns_by_code_or_chinese_name(header: str, code: str) -> None:
    result = _parse([["断面编码", "采样日期", header], ["A1", "2010-01-05", "0.5"]])
    assert result.ok, result.errors
    assert list(result.rows[0].values) == [code]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        (0.52, "0.52"),
        ("0.52", "0.52"),
        ("<0.01", "<0.01"),
        ("＜0.01", "<0.01"),
        ("0.01L", "<0.01"),
        ("ND(0.01)", "<0.01"),
        ("ND", "<0.025"),  # the configured detection limit
        ("未检出", "<0.025"),
        ("", None),
        ("-", None),
        ("/", None),
        (None, None),
    ],
)
def test_values(cell: Any, stored: str | None) -> None:
    result = _parse([["断面编码", "采样日期", "氨氮", "总磷"], ["A1", "2010-01-05", cell, "0.1"]])
    assert result.ok, result.errors
    assert result.rows[0].values.get("NH3N") == stored


def test_units_in_the_header_are_converted() -> None:
    result = _parse(
        [["断面编码", "采样日期", "汞（μg/L）", "透明度(cm)"], ["A1", "2010-01-05", "0.05", "45"]]
    )
    assert result.rows[0].values == {"Hg": "0.00005", "SD": "0.45"}
    bad = _parse([["断面编码", "采样日期", "氨氮（mg/m3）"], ["A1", "2010-01-05", "0.5"]])
    assert bad.errors[0].row == 1 and "单位" in bad.errors[0].reason


def test_detection_limit_row_under_the_header() -> None:
    rows = [
        ["断面编码", "采样日期", "总磷", "汞（μg/L）"],
        ["检出限", "", "0.01", "0.04"],
        ["A1", "2010-01-05", "ND", "ND"],
    ]
    result = parse_sheet(rows, "water")
    assert result.ok, result.errors
    assert result.rows[0].values == {"TP": "<0.01", "Hg": "<0.00004"}
    assert result.rows[0].row == 3


def test_a_bare_nd_without_a_detection_limit_is_an_error() -> None:
    result = parse_sheet([["断面编码", "采样日期", "总磷"], ["A1", "2010-01-05", "ND"]], "water")
    assert [(e.row, e.column) for e in result.errors] == [(2, "总磷")]
    assert "检出限" in result.errors[0].reason


@pytest.mark.parametrize(
    ("cell", "day", "at", "monthly"),
    [
        (datetime(2010, 1, 5, 9, 30), date(2010, 1, 5), time(9, 30), False),
        (date(2010, 1, 5), date(2010, 1, 5), None, False),
        ("2010/1/5", date(2010, 1, 5), None, False),
        ("2010.01.05", date(2010, 1, 5), None, False),
        ("2010年1月5日", date(2010, 1, 5), None, False),
        ("20100105", date(2010, 1, 5), None, False),
        ("2010-01-05 08:00", date(2010, 1, 5), time(8), False),
        ("2010-01", date(2010, 1, 1), None, True),
        ("2010年3月", date(2010, 3, 1), None, True),
    ],
)
def test_dates(cell: Any, day: date, at: time | None, monthly: bool) -> None:
    row = _parse([["断面编码", "采样日期", "氨氮"], ["A1", cell, "0.5"]]).rows[0]
    assert (row.day, row.at, row.monthly) == (day, at, monthly)


def test_every_bad_cell_is_reported_with_row_column_and_reason() -> None:
    rows: list[list[Any]] = [
        ["常州市地表水监测结果（2010年1月）"],  # a title line above the header
        ["序号", "断面编码", "断面名称", "采样日期", "溶解氧", "氨氮", "备注", "天气"],
        [1, "A1", "甲", "2010-01-05", "7.1", "0.5", "", "晴"],
        [2, "A2", "乙", "2010-13-05", "7.1", "abc", "", ""],
        [3, "A3", "丙", "2010-01-05", "-1", "0.5", "", ""],
        [4, "", "", "2010-01-05", "7.0", "0.4", "", ""],
        [5, "A1", "甲", "2010-01-05", "7.0", "0.4", "", ""],
        [6, "A4", "丁", "2010-01-05", "", "", "", ""],
        [7, "A5", "戊", "2010-01-05", "15", "", "", ""],
    ]
    result = _parse(rows)
    found = [(e.row, e.column) for e in result.errors]
    assert found == [(4, "采样日期"), (4, "氨氮"), (5, "溶解氧"), (6, "断面编码"), (7, ""), (8, "")]
    assert "负值" in result.errors[2].reason and "重复" in result.errors[4].reason
    assert "没有任何监测值" in result.errors[5].reason
    assert [r.key for r in result.rows] == ["A1", "A5"]
    assert result.ignored_columns == ["天气"]  # 序号、备注 are expected; 天气 is reported
    assert result.header_row == 2


def test_ph_out_of_range_is_an_error() -> None:
    result = _parse([["断面编码", "采样日期", "pH"], ["A1", "2010-01-05", "15"]])
    assert result.errors and "pH" in result.errors[0].reason


def test_the_same_item_twice_is_an_error() -> None:
    result = _parse([["断面编码", "采样日期", "氨氮", "NH3-N"], ["A1", "2010-01-05", "0.5", "0.6"]])
    assert result.errors[0].row == 1 and "同一指标" in result.errors[0].reason


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk(encoding: str) -> None:
    content = csv_bytes(
        ["断面名称", "采样日期", "氨氮", "总磷"], [["钟楼闸", "2010-01-05", "0.52", "0.01L"]], encoding
    )
    result = parse_file(content, "结果.csv", "water")
    assert result.ok and result.rows[0].name == "钟楼闸"
    assert result.rows[0].values == {"NH3N": "0.52", "TP": "<0.01"}


def test_xlsx() -> None:
    content = workbook(["断面编码", "采样日期", "氨氮"], [["A1", datetime(2010, 1, 5), 0.52]], title="标题")
    result = parse_file(content, "结果.xlsx", "water")
    assert result.ok and result.rows[0].values == {"NH3N": "0.52"}


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"anything", "old.xls", ".xlsx"),
        (b"anything", "notes.docx", ".xlsx 或 .csv"),
        (b"PK\x03\x04broken", "broken.xlsx", "无法读取"),
        ("名称,氨氮\n甲,1\n".encode(), "a.csv", "表头"),
        ("断面编码,采样日期,天气\nA1,2010-01-05,晴\n".encode(), "a.csv", "监测指标"),
    ],
)
def test_unreadable_files(content: bytes, name: str, words: str) -> None:
    with pytest.raises(SheetError, match=words):
        parse_file(content, name, "water")


def test_air_and_noise_sheets() -> None:
    air = parse_sheet(
        [
            ["站点", "日期", "时间", "PM2.5", "臭氧8小时", "一氧化碳"],
            ["市监测站", "2010-05-01", "8", "35", "120", "0.8"],
        ],
        "air",
    )
    assert (
        air.ok
        and air.rows[0].at == time(8)
        and air.rows[0].values == {"PM2_5": "35", "O3_8h": "120", "CO": "0.8"}
    )
    noise = parse_sheet(
        [["点位", "监测日期", "昼间", "夜间"], ["红梅公园", "2010-03-12", "52.1", "300"]], "noise"
    )
    assert noise.errors[0].column == "夜间"


# -- files as the monitoring station sends them ---------------------------------------------------


def _book(*rows: list[Any], second_sheet: bool = False) -> Workbook:
    book = Workbook()
    sheet = book.active
    if second_sheet:
        sheet.title = "说明"
        sheet.append(["本表数据由市环境监测站提供"])
        sheet = book.create_sheet("数据")
    for row in rows:
        sheet.append(row)
    return book


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_formatted_down_to_the_last_excel_row_is_not_too_large() -> None:
    book = _book(["断面编码", "采样日期", "氨氮"], ["A1", "2026-10-05", "0.5"])
    for row in range(3, 500):
        book.active.cell(row, 1).font = Font(bold=True)
    book.active.cell(1048576, 3).font = Font(bold=True)
    result = parse_file(_bytes(book), "结果.xlsx", "water")
    assert result.ok, result.errors
    assert [(r.row, r.values) for r in result.rows] == [(2, {"NH3N": "0.5"})]


def test_a_title_a_merged_group_header_and_a_row_of_units() -> None:
    book = _book(
        ["2026年10月常州市地表水监测结果"],
        ["断面名称", "断面编码", "采样日期", "监测项目", None, None],
        [None, None, None, "氨氮", "总磷", "汞"],
        [None, None, None, "mg/L", "（mg/L）", "μg/L"],
        ["钟楼闸", "CZ-TH01", "2026/10/5", "0.52", "0.1", "0.05"],
        [],
        ["百渎港桥", "CZ-TH08", "2026年10月5日", "<0.025", "0.01L", "ND(0.04)"],
    )
    sheet = book.active
    sheet.merge_cells("A1:F1")
    sheet.merge_cells("D2:F2")
    for col in "ABC":
        sheet.merge_cells(f"{col}2:{col}4")
    result = parse_file(_bytes(book), "结果.xlsx", "water")
    assert result.ok, result.errors
    assert [(r.row, r.code, r.values) for r in result.rows] == [
        (5, "CZ-TH01", {"NH3N": "0.52", "TP": "0.1", "Hg": "0.00005"}),
        (7, "CZ-TH08", {"NH3N": "<0.025", "TP": "<0.01", "Hg": "<0.00004"}),
    ]


def test_the_data_may_be_on_another_sheet() -> None:
    content = _bytes(_book(["断面编码", "采样日期", "氨氮"], ["A1", "2026-10-05", "0.5"], second_sheet=True))
    result = parse_file(content, "结果.xlsx", "water")
    assert result.ok and result.rows[0].values == {"NH3N": "0.5"}


def test_a_formula_never_calculated_is_an_error_not_an_empty_cell() -> None:
    content = _bytes(
        _book(
            ["断面编码", "采样日期", "氨氮", "总磷"],
            ["A1", "2026-10-05", "=0.2+0.3", "0.1"],
            ["A2", "=TODAY()", "0.4", ""],
        )
    )
    result = parse_file(content, "结果.xlsx", "water")
    assert [(e.row, e.column) for e in result.errors] == [(2, "氨氮"), (3, "采样日期")]
    assert "没有计算结果" in result.errors[0].reason
    assert not result.rows


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("1,234.5", "1234.5"),
        ("１２.５", "12.5"),
        ("0.01l", "<0.01"),
        ("<0.01L", "<0.01"),
        ("nd(0.01)", "<0.01"),
        ("未检出(0.01)", "<0.01"),
        ("—", None),
        ("－", None),
        ("／", None),
    ],
)
def test_values_as_typed_on_a_chinese_keyboard(cell: str, stored: str | None) -> None:
    result = _parse([["断面编码", "采样日期", "氨氮", "总磷"], ["A1", "2010-01-05", cell, "0.1"]])
    assert result.ok, result.errors
    assert result.rows[0].values.get("NH3N") == stored


@pytest.mark.parametrize("cell", ["0,5", "0.5mg/L", "约0.5", "检出限以下"])
def test_values_that_stay_errors(cell: str) -> None:
    result = _parse([["断面编码", "采样日期", "氨氮"], ["A1", "2010-01-05", cell]])
    assert [(e.row, e.column) for e in result.errors] == [(2, "氨氮")]


@pytest.mark.parametrize(
    ("cell", "day", "at"),
    [
        (46300, date(2026, 10, 5), None),  # an Excel date in a cell formatted as General
        (46300.4375, date(2026, 10, 5), time(10, 30)),
        ("2026年10月5日 9时", date(2026, 10, 5), time(9)),
        ("2026-10-05T09:30:00", date(2026, 10, 5), time(9, 30)),
    ],
)
def test_more_dates(cell: Any, day: date, at: time | None) -> None:
    row = _parse([["断面编码", "采样日期", "氨氮"], ["A1", cell, "0.5"]]).rows[0]
    assert (row.day, row.at, row.monthly) == (day, at, False)


def test_unicode_text_saved_by_excel() -> None:
    text = "断面编码\t采样日期\t氨氮\r\nA1\t2026-10-05\t0.5\r\n"
    result = parse_file(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "结果.txt", "water")
    assert result.ok and result.rows[0].values == {"NH3N": "0.5"}


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "empty.xlsx", "空"),
        (b"", "empty.csv", "空"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "renamed.xlsx", ".xls"),
        (
            bytes.fromhex("D0CF11E0A1B11AE1") + "EncryptedPackage".encode("utf-16-le") + b"\0" * 504,
            "locked.xlsx",
            "密码",
        ),
        (b"<html><body>report</body></html>", "download.xlsx", "不是 Excel"),
    ],
)
def test_files_staff_upload_by_mistake(content: bytes, name: str, words: str) -> None:
    with pytest.raises(SheetError, match=words):
        parse_file(content, name, "water")
