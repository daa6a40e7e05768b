"""Excel import: all rows or none, with every bad row reported by sheet, row, column and reason."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from epb.core.models import AuditEntry
from epb.enterprises import services
from epb.enterprises.demo import synthetic_uscc
from epb.enterprises.importer import SHEETS, template_workbook
from epb.enterprises.models import Contact, Enterprise, Licence, Outlet
from epb.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db

A = synthetic_uscc(900001)
B = synthetic_uscc(900002)


def workbook(**sheets: list[list[Any]]) -> io.BytesIO:
    """A workbook with the template's headers and the given rows, keyed by sheet name."""
    book = Workbook()
    book.remove(book.active)
    for name, spec in SHEETS.items():
        rows = sheets.get(name)
        if rows is None:
            continue
        sheet = book.create_sheet(name)
        sheet.append([header + ("*" if required else "") for header, _f, required in spec])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def good(tree: Any) -> io.BytesIO:
    return workbook(
        企业=[
            [
                "常州示范印染有限公司",
                A,
                tree.town_a1.name,
                "茶山路1号",
                None,
                None,
                "1713",
                "棉印染",
                "重点源",
                "生产",
                "印染、纺织",
                "张三",
                "李四",
                "0519-1",
            ],
            # no grid: placed by its coordinates (inside 青龙街道's square)
            [
                "常州示范电镀厂",
                B,
                None,
                "",
                120.02,
                31.77,
                "3360",
                "电镀",
                "一般源",
                None,
                "电镀、涉重金属",
                "",
                "",
                "",
            ],
        ],
        排放口=[
            [A, "DW001", "废水总排口", "废水", "GB4287-2012", "direct", None, None, None],
            [B, "DA001", "酸雾排口", "废气", "GB21900-2008", "table2", "3.5", None, None],
        ],
        许可证照=[
            [
                A,
                "排污许可证",
                "91320400TEST0001P",
                "常州市环保局",
                dt.date(2024, 1, 1),
                "2029-12-31",
                "有效",
                "COD",
            ]
        ],
        联系人=[[A, "李四", "环保专员", "科长", "", "13800138000", "li@example.org"]],
    )


def test_the_template_has_every_sheet_with_required_columns_marked() -> None:
    book = load_workbook(io.BytesIO(template_workbook()))
    assert book.sheetnames == ["填表说明", *SHEETS]
    headers = [c.value for c in book["企业"][1]]
    assert "统一社会信用代码*" in headers and "地址" in headers


def test_a_clean_workbook_is_imported_with_an_audit_trail(tree: Any, district_officer: Any) -> None:
    report = services.import_registry(good(tree), actor=district_officer, filename="registry.xlsx")
    assert report.ok, report.errors
    assert dict(report.created) == {"企业": 2, "排放口": 2, "许可证照": 1, "联系人": 1}
    first = Enterprise.objects.get(uscc=A)
    assert first.grid == tree.town_a1 and first.flags == ["dyeing", "textile"] and first.source_class == "key"
    second = Enterprise.objects.get(uscc=B)
    assert second.grid == tree.town_a2  # located from its coordinates
    assert Outlet.objects.get(enterprise=second).reference_o2 is not None
    assert Licence.objects.get().expires_on == dt.date(2029, 12, 31)
    assert Contact.objects.get().mobile == "13800138000"
    assert AuditEntry.objects.filter(action="enterprises.enterprise.imported").count() == 2
    summary = AuditEntry.objects.get(action="enterprises.import.completed")
    assert summary.note == "registry.xlsx" and summary.extra["created"]["企业"] == 2


def test_any_bad_row_means_nothing_is_written(tree: Any, district_officer: Any) -> None:
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    bad_code = A[:-1] + ("0" if A[-1] != "0" else "1")
    data = workbook(
        企业=[
            ["甲公司", A, tree.town_a1.name, "", None, None, "", "", "重点源", "", "", "", "", ""],
            ["乙公司", bad_code, tree.town_a1.name, "", None, None, "", "", "一般源", "", "", "", "", ""],
            ["", B, "不存在街道", "", 200, 31, "", "", "特殊", "", "火箭", "", "", ""],
            ["丙公司", A, tree.town_a1.name, "", None, None, "", "", "一般源", "", "", "", "", ""],
        ],
        许可证照=[
            [A, "排污许可证", "P-1", "", "2025-01-01", "2024-01-01", "", ""],
            [A, "驾驶证", "P-2", "", "2025-13-01", None, "", ""],
        ],
        联系人=[[synthetic_uscc(123456), "王五", "", "", "", "12345", "not-an-email"]],
    )
    report = services.import_registry(data, actor=district_officer)
    assert not report.ok
    found = {(e.sheet, e.row, e.column) for e in report.errors}
    assert ("企业", 3, "统一社会信用代码") in found  # check digit
    assert ("企业", 4, "单位名称") in found
    assert ("企业", 4, "所属网格") in found
    assert ("企业", 4, "经度") in found
    assert ("企业", 4, "监管类别") in found
    assert ("企业", 4, "监管标签") in found
    assert ("企业", 5, "统一社会信用代码") in found  # duplicate of row 2
    assert ("许可证照", 2, "有效期至") in found
    assert ("许可证照", 3, "证照类型") in found and ("许可证照", 3, "发证日期") in found
    assert ("联系人", 2, "手机") in found and ("联系人", 2, "电子邮件") in found
    assert any("校验码" in e.message for e in report.errors)
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before
    rows = [e.row for e in report.errors if e.sheet == "企业"]
    assert rows == sorted(rows)


def test_rows_referring_to_unknown_enterprises_are_refused(tree: Any, district_officer: Any) -> None:
    data = workbook(排放口=[[synthetic_uscc(777), "DW001", "排口", "废水", "", "", None, None, None]])
    report = services.import_registry(data, actor=district_officer)
    assert [(e.sheet, e.row) for e in report.errors] == [("排放口", 2)]


def test_a_district_imports_only_within_its_jurisdiction(
    tree: Any, district_officer: Any, other_district_officer: Any, grid_officer: Any
) -> None:
    theirs = make_enterprise(tree.town_b1)
    data = workbook(
        企业=[
            ["越界公司", A, tree.town_b1.name, "", None, None, "", "", "一般源", "", "", "", "", ""],
            [theirs.name, theirs.uscc, "", "新地址", None, None, "", "", "一般源", "", "", "", "", ""],
        ]
    )
    report = services.import_registry(data, actor=district_officer)
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "辖区" in messages[(2, "所属网格")]
    assert "其他辖区" in messages[(3, "统一社会信用代码")]
    with pytest.raises(PermissionDenied):
        services.import_registry(good(tree), actor=grid_officer)


def test_reimport_updates_and_leaves_empty_cells_alone(tree: Any, district_officer: Any) -> None:
    services.import_registry(good(tree), actor=district_officer)
    data = workbook(
        企业=[["常州示范印染有限公司", A, "", "", None, None, "", "", "一般源", "", "", "", "", ""]],
        许可证照=[[A, "排污许可证", "91320400TEST0001P", "", "2024-01-01", "2031-06-30", "", ""]],
    )
    report = services.import_registry(data, actor=district_officer)
    assert report.ok and dict(report.updated) == {"企业": 1, "许可证照": 1}
    enterprise = Enterprise.objects.get(uscc=A)
    assert enterprise.source_class == "general" and enterprise.address == "茶山路1号"
    assert Licence.objects.get().expires_on == dt.date(2031, 6, 30)


@pytest.mark.parametrize("payload", [b"not a spreadsheet", b"PK\x03\x04broken zip"])
def test_a_file_that_is_not_a_workbook_gets_a_clear_error(
    tree: Any, district_officer: Any, payload: bytes
) -> None:
    report = services.import_registry(io.BytesIO(payload), actor=district_officer)
    assert not report.ok and "Excel" in report.errors[0].message


def _save(book: Workbook) -> io.BytesIO:
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_workbook_as_staff_keep_it_is_imported(tree: Any, district_officer: Any) -> None:
    """A title above the header, headers respelled and reordered, extra columns, blank rows, a
    sheet formatted down to the last row, codes typed in lower case with spaces, dates as text
    and as Excel serial numbers."""
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("企业")
    sheet.append(["2026年常州市重点污染源名录"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", " 统一社会信用代码 ＊", "单位名称 *", "监管类别*", "所属网格", "备注"])
    sheet.append(
        [
            1,
            f"{A[:6].lower()} {A[6:12].lower()} {A[12:].lower()}",
            "常州示范印染有限公司",
            "重点源",
            tree.town_a1.name,
            "x",
        ]
    )
    sheet.append([])
    sheet.append([2, B, "常州（示范）电镀厂", "一般源", tree.town_a1.name, ""])
    for row in range(6, 400):
        sheet.cell(row, 2).font = Font(bold=True)
    sheet.cell(1048576, 2).font = Font(bold=True)
    outlets = book.create_sheet("排放口 ")
    outlets.append(["统一社会信用代码*", "类型*", "排放口编号*", "名称*", "基准氧含量（%）"])
    outlets.append([B, "废气", "DA001", "酸雾排口", "3.5"])
    licences = book.create_sheet("许可证照")
    licences.append(["统一社会信用代码*", "证照类型*", "证书编号*", "发证日期", "有效期至"])
    licences.append([A, "排污许可证", "P-1", 45292, "2029.12.31"])  # 45292: 2024-01-01
    licences.append([A, "环评批复", "E-1", "2024年1月1日", "2029/12/31"])
    report = services.import_registry(_save(book), actor=district_officer, filename="名录.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert dict(report.created) == {"企业": 2, "排放口": 1, "许可证照": 2}
    assert report.ignored_columns == ["企业：序号", "企业：备注"]  # said, not silently dropped
    assert Enterprise.objects.get(uscc=A).name == "常州示范印染有限公司"
    assert Enterprise.objects.get(uscc=B).name == "常州（示范）电镀厂"  # names are kept as written
    assert Outlet.objects.get().reference_o2 == Decimal("3.5")
    assert {(lic.number, lic.issued_on, lic.expires_on) for lic in Licence.objects.all()} == {
        ("P-1", dt.date(2024, 1, 1), dt.date(2029, 12, 31)),
        ("E-1", dt.date(2024, 1, 1), dt.date(2029, 12, 31)),
    }
    assert AuditEntry.objects.filter(action="enterprises.import.completed").count() == 1


@pytest.mark.parametrize(
    ("sheet", "row", "column", "words"),
    [
        # an 18-digit code typed into a number cell: Excel keeps 15 digits
        (
            "企业",
            ["甲公司", 9.13204000009e17, None, "", None, None, "", "", "重点源"],
            "统一社会信用代码",
            "文本格式",
        ),
        # a formula Excel never calculated is not an empty (left alone) cell
        ("企业", ["甲公司", A, None, "=B1", None, None, "", "", "重点源"], "地址", "没有计算结果"),
        (
            "许可证照",
            [A, "环评批复", "E-1", "", "2024-01-01", "=DATE(2029,12,31)"],
            "有效期至",
            "没有计算结果",
        ),
        ("许可证照", [A, "环评批复", "E-1", "", "2024-01-01", "2029-02-30"], "有效期至", "不存在"),
        ("排放口", [A, "DA001", "排口", "废气", "", "", "3,5"], "基准氧含量(%)", "应为数值"),
    ],
)
def test_bad_cells_are_reported_and_nothing_is_written(
    tree: Any, district_officer: Any, sheet: str, row: list[Any], column: str, words: str
) -> None:
    enterprise = ["甲公司", A, tree.town_a1.name, "", None, None, "", "", "重点源"]
    sheets = {"企业": [row if sheet == "企业" else enterprise]}
    if sheet != "企业":
        sheets[sheet] = [row]
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    report = services.import_registry(workbook(**sheets), actor=district_officer)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [(sheet, 2, column)]
    assert words in report.errors[0].message
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"", "空"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, ".xls"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + "EncryptedPackage".encode("utf-16-le") + b"\0" * 504, "密码"),
        (b"\xef\xbb\xbf\xe5\x8d\x95\xe4\xbd\x8d\xe5\x90\x8d\xe7\xa7\xb0,x\n", "不是 Excel"),  # a CSV
    ],
    ids=["empty", "xls", "password", "csv"],
)
def test_files_staff_upload_by_mistake_say_why(
    tree: Any, district_officer: Any, payload: bytes, words: str
) -> None:
    report = services.import_registry(io.BytesIO(payload), actor=district_officer)
    assert [words in e.message for e in report.errors] == [True]


@pytest.mark.parametrize(("title", "row"), [(False, 1), (True, 2)])
def test_a_missing_required_column_is_named(tree: Any, district_officer: Any, title: bool, row: int) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业"
    if title:
        sheet.append(["2026年常州市重点污染源名录"])
    sheet.append(["单位名称*", "统一社会信用代码*", "所属网格"])
    sheet.append(["甲公司", A, tree.town_a1.name])
    report = services.import_registry(_save(book), actor=district_officer)
    assert [(e.sheet, e.row, e.message) for e in report.errors] == [("企业", row, "缺少必填列：监管类别")]
    assert not Enterprise.objects.exists()
