"""Imports through the service: preview, all or nothing, the report of bad rows, jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.core.attachments import attachments_of
from epb.core.models import AuditEntry
from epb.quality import services
from epb.quality.choices import ImportStatus, Source
from epb.quality.models import AirSample, ImportBatch, NoiseSample, WaterSample
from epb.quality.tests.factories import make_noise_point, make_station, make_water_site
from epb.quality.tests.sheets import csv_bytes, workbook

pytestmark = pytest.mark.django_db

HEADER = ["断面编码", "断面名称", "采样日期", "氨氮", "总磷"]


@pytest.fixture
def sites(tree: Any) -> dict[str, Any]:
    return {
        "a": make_water_site(tree.town_a1, code="A1", name="甲断面"),
        "b": make_water_site(tree.town_b1, code="B1", name="乙断面"),
    }


def test_one_bad_row_imports_nothing_and_reports_the_row(sites: dict[str, Any], dept_staff: Any) -> None:
    rows = [["A1", "甲断面", f"2010-{m:02d}-05", "0.5", "0.1"] for m in range(1, 13)]
    rows[6][3] = "0.5O"  # a letter O typed for a zero, in row 9 of the sheet
    batch = services.import_results(
        actor=dept_staff, kind="water", file_name="2010.xlsx", content=workbook(HEADER, rows)
    )
    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == [{"row": 8, "column": "氨氮", "reason": "无法识别的数值“0.5O”"}]
    assert not WaterSample.objects.exists()
    assert attachments_of(batch).count() == 1  # the file is kept as evidence all the same
    with pytest.raises(ValidationError):
        services.commit_import(batch, actor=dept_staff)
    assert not WaterSample.objects.exists()


def test_preview_then_commit_with_one_audit_entry(sites: dict[str, Any], dept_staff: Any) -> None:
    content = csv_bytes(
        HEADER, [["A1", "甲断面", "2010-01-05", "0.5", "<0.01"], ["B1", "", "2010-01-05", "1.2", ""]]
    )
    batch = services.upload_import(actor=dept_staff, kind="water", file_name="一月.csv", content=content)
    assert batch.status == ImportStatus.PENDING and batch.rows == 2 and batch.summary["sites"] == 2
    assert not WaterSample.objects.exists()  # a preview writes no result
    services.commit_import(batch, actor=dept_staff)
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.replaced) == (ImportStatus.COMMITTED, 2, 0)
    sample = WaterSample.objects.get(site=sites["a"])
    assert (sample.values, sample.source, sample.batch_id) == (
        {"NH3N": "0.5", "TP": "<0.01"},
        Source.IMPORT,
        batch.pk,
    )
    assert (
        AuditEntry.objects.filter(action="quality.importbatch.committed", object_id=str(batch.pk)).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="quality.importbatch.created").count() == 1


def test_a_file_is_imported_once_and_a_new_sheet_replaces_what_it_covers(
    sites: dict[str, Any], dept_staff: Any
) -> None:
    first = csv_bytes(HEADER, [["A1", "", "2010-01-05", "0.5", "0.1"]])
    services.import_results(actor=dept_staff, kind="water", file_name="a.csv", content=first)
    with pytest.raises(ValidationError, match="不能重复导入"):
        services.upload_import(actor=dept_staff, kind="water", file_name="again.csv", content=first)
    corrected = csv_bytes(HEADER, [["A1", "", "2010-01-05", "0.45", "0.1"]])
    batch = services.upload_import(actor=dept_staff, kind="water", file_name="b.csv", content=corrected)
    assert batch.replaced == 1  # the preview says what it will overwrite
    services.commit_import(batch, actor=dept_staff)
    assert WaterSample.objects.get().values["NH3N"] == "0.45"
    assert WaterSample.objects.get().batch_id == batch.pk


def test_a_district_imports_only_its_own_sites(sites: dict[str, Any], district_officer: Any) -> None:
    content = csv_bytes(
        HEADER, [["A1", "", "2010-01-05", "0.5", "0.1"], ["B1", "", "2010-01-05", "0.5", "0.1"]]
    )
    batch = services.import_results(actor=district_officer, kind="water", file_name="x.csv", content=content)
    assert batch.status == ImportStatus.REJECTED
    assert batch.errors[0]["row"] == 3 and "B1" in batch.errors[0]["reason"]
    assert not WaterSample.objects.exists()


@pytest.mark.parametrize("who", ["grid_officer", "enterprise_user", "public_user"])
def test_only_bureau_staff_import(sites: dict[str, Any], who: str, request: Any) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.upload_import(actor=user, kind="water", file_name="x.csv", content=b"x")


def test_site_names_must_match_codes_and_be_unique(sites: dict[str, Any], tree: Any, dept_staff: Any) -> None:
    make_water_site(tree.town_a2, code="A2", name="甲断面")  # a second site of the same name
    content = csv_bytes(
        HEADER, [["A1", "乙断面", "2010-01-05", "0.5", ""], ["", "甲断面", "2010-01-05", "0.5", ""]]
    )
    batch = services.upload_import(actor=dept_staff, kind="water", file_name="x.csv", content=content)
    reasons = [e["reason"] for e in batch.errors]
    assert "不符" in reasons[0] and "多个" in reasons[1]


def test_an_unreadable_file_is_refused_with_its_reason(sites: dict[str, Any], dept_staff: Any) -> None:
    with pytest.raises(ValidationError, match="表头"):
        services.upload_import(actor=dept_staff, kind="water", file_name="x.csv", content=b"a,b\n1,2\n")
    assert not ImportBatch.objects.exists()


def test_a_batch_that_went_stale_is_rejected_at_commit(sites: dict[str, Any], dept_staff: Any) -> None:
    batch = services.upload_import(
        actor=dept_staff,
        kind="water",
        file_name="x.csv",
        content=csv_bytes(HEADER, [["A1", "", "2010-01-05", "0.5", ""]]),
    )
    services.save_site(type(sites["a"]), actor=dept_staff, instance=sites["a"], is_active=False)
    with pytest.raises(ValidationError, match="已停用"):
        services.commit_import(batch, actor=dept_staff)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED and not WaterSample.objects.exists()


def test_air_daily_and_hourly_and_noise_imports(tree: Any, dept_staff: Any) -> None:
    make_station(tree.town_a1, code="AQ1", name="市监测站")
    make_noise_point(tree.town_a1, code="N1", name="红梅公园")
    air = workbook(
        ["站点编码", "日期", "时间", "PM2.5", "PM10", "臭氧8小时"],
        [["AQ1", "2026-05-01", None, 35, 60, 120], ["AQ1", "2026-05-01", "08:00", 40, 70, None]],
    )
    assert (
        services.import_results(actor=dept_staff, kind="air", file_name="air.xlsx", content=air).status
        == "committed"
    )
    assert sorted(AirSample.objects.values_list("period", flat=True)) == ["day", "hour"]
    noise = csv_bytes(
        ["点位编码", "监测日期", "昼间等效声级", "夜间等效声级"], [["N1", "2026-03-12", "52.1", "43.0"]]
    )
    services.import_results(actor=dept_staff, kind="noise", file_name="noise.csv", content=noise)
    assert NoiseSample.objects.get().values == {"Ld": "52.1", "Ln": "43.0"}


def test_cancel_a_pending_batch(sites: dict[str, Any], dept_staff: Any) -> None:
    batch = services.upload_import(
        actor=dept_staff,
        kind="water",
        file_name="x.csv",
        content=csv_bytes(HEADER, [["A1", "", "2010-01-05", "0.5", ""]]),
    )
    services.cancel_import(batch, actor=dept_staff)
    assert batch.status == ImportStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.commit_import(batch, actor=dept_staff)


def test_the_example_file_in_the_docs_imports_cleanly(tree: Any, dept_staff: Any) -> None:
    from pathlib import Path

    for code, name in (("CZ-TH01", "钟楼闸"), ("CZ-TH08", "百渎港桥"), ("CZ-RK02", "太滆运河百渎口")):
        make_water_site(tree.town_b1, code=code, name=name)
    example = Path(__file__).resolve().parents[1] / "examples" / "water-results.csv"
    batch = services.import_results(
        actor=dept_staff, kind="water", file_name=example.name, content=example.read_bytes()
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert batch.created == 4


@pytest.mark.parametrize(
    ("kind", "header", "rows"),
    [
        # the same site by code in one row and by name in another
        (
            "water",
            HEADER,
            [["A1", "", "2010-01-05", "0.5", "0.1"], ["", "甲断面", "2010-01-05", "0.6", "0.1"]],
        ),
        # the code typed in another case
        ("water", HEADER, [["A1", "", "2010-01-05", "0.5", "0.1"], ["a1", "", "2010-01-05", "0.6", "0.1"]]),
        # a noise point twice on one day, at two times (noise results are per day)
        (
            "noise",
            ["点位编码", "监测日期", "昼间", "夜间"],
            [["N1", "2010-03-12 10:00", "52.1", "43"], ["N1", "2010-03-12 22:00", "53", "44"]],
        ),
    ],
    ids=["code-and-name", "code-case", "noise-times"],
)
def test_two_rows_for_one_result_are_reported_not_a_database_error(
    tree: Any, sites: dict[str, Any], dept_staff: Any, kind: str, header: list[str], rows: list[list[Any]]
) -> None:
    make_noise_point(tree.town_a1, code="N1", name="红梅公园")
    batch = services.import_results(
        actor=dept_staff, kind=kind, file_name="dup.xlsx", content=workbook(header, rows)
    )
    assert batch.status == ImportStatus.REJECTED
    assert [(e["row"], "重复" in e["reason"]) for e in batch.errors] == [(3, True)]
    assert not WaterSample.objects.exists() and not NoiseSample.objects.exists()
