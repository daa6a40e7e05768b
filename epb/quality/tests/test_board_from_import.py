"""Done when: a year of monthly data for 11 Taihu sections and 3 inflow rivers, imported from a
workbook through the service, produces the target board with hand-computed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from epb.core.models import AuditEntry
from epb.quality import board, services
from epb.quality.choices import ImportStatus, SiteKind, TargetKind
from epb.quality.models import WaterSample
from epb.quality.tests.factories import make_water_body, make_water_site
from epb.quality.tests.sheets import workbook

pytestmark = pytest.mark.django_db

HEADER = ["断面编码", "断面名称", "采样日期", "溶解氧", "高锰酸盐指数", "氨氮（mg/L）", "总磷"]
GOOD = {"DO": 7.2, "CODMn": 3.8, "NH3N": 0.45, "TP": "0.01L"}  # class II everywhere; TP below detection


def _row(site: Any, day: str, values: dict[str, Any]) -> list[Any]:
    return [site.code, site.name, day, values["DO"], values["CODMn"], values["NH3N"], values["TP"]]


@pytest.fixture
def network(tree: Any) -> dict[str, Any]:
    taihu = make_water_body(name="太湖（常州）", kind="lake")
    sections = [
        make_water_site(
            tree.town_b1 if n % 2 else tree.town_a1,
            code=f"TH{n:02d}",
            name=f"考核断面{n}",
            water_body=taihu if n == 1 else make_water_body(name=f"考核河道{n}"),
            kind=SiteKind.LAKE_POINT if n == 1 else SiteKind.RIVER_SECTION,
            taihu_assessment=True,
            target_class="III",
        )
        for n in range(1, 12)
    ]
    rivers = [make_water_body(name=name, inflow_taihu=True) for name in ("漕桥河", "太滆运河", "殷村港")]
    inflow = [
        make_water_site(tree.town_b1, code=f"RK{n}", name=f"{r.name}入湖口", water_body=r, target_class="IV")
        for n, r in enumerate(rivers, start=1)
    ]
    return {"sections": sections, "rivers": rivers, "inflow": inflow}


def _sheet(network: dict[str, Any]) -> bytes:
    sections, inflow = network["sections"], network["inflow"]
    rows: list[list[Any]] = []
    for year in (2009, 2010):
        for month in range(1, 13):
            day = f"{year}-{month:02d}-10"
            for s in sections[:9]:
                values = dict(GOOD)
                if s.code == "TH09" and year == 2010 and month == 7:
                    values["NH3N"] = 1.2  # class IV in July: misses "stably"
                rows.append(_row(s, day, values))
            # TH10 improves by exactly 10 %, TH11 by 9.95 % (NH3N exceeded class III in 2009).
            for s, now in ((sections[9], 1.8), (sections[10], 1.801)):
                rows.append(_row(s, day, {**GOOD, "NH3N": 2.0 if year == 2009 else now}))
            if year == 2010:
                r1, r2, r3 = inflow
                rows.append(_row(r1, day, {**GOOD, "NH3N": 2.5 if month == 8 else 1.5}))
                if month == 1:  # four samples in January pull the mean of all samples down
                    rows += [_row(r2, f"2010-01-{d:02d}", {**GOOD, "NH3N": 0.5}) for d in (4, 11, 18, 25)]
                else:
                    rows.append(_row(r2, day, {**GOOD, "NH3N": 2.2}))
                rows.append(_row(r3, day, {**GOOD, "NH3N": "0.8"}))
    return workbook(HEADER, rows, title="常州市省级太湖考核断面及入湖河道监测结果（2009—2010年）")


@pytest.fixture
def targets(network: dict[str, Any], leader: Any) -> dict[str, Any]:
    sections = network["sections"]
    stable = services.save_target(
        actor=leader,
        year=2010,
        kind=TargetKind.TAIHU_STABLE,
        name="省级太湖考核断面稳定达标",
        required=Decimal(9),
        sites=sections[:9],
    )
    improve = services.save_target(
        actor=leader,
        year=2010,
        kind=TargetKind.TAIHU_IMPROVE,
        name="另2个断面年均值较上年下降10%以上",
        required=Decimal(2),
        threshold=Decimal(10),
        baseline_year=2009,
        sites=sections[9:],
    )
    rivers = services.save_target(
        actor=leader, year=2010, kind=TargetKind.INFLOW, name="3条入太湖河道消除劣Ⅴ类", required=Decimal(3)
    )
    return {"stable": stable, "improve": improve, "inflow": rivers}


def test_a_year_of_monthly_data_produces_the_board(
    network: dict[str, Any], targets: dict[str, Any], dept_staff: Any, leader: Any, settings: Any
) -> None:
    batch = services.import_results(
        actor=dept_staff, kind="water", file_name="2010年断面.xlsx", content=_sheet(network)
    )
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert (
        batch.created == 2 * 12 * 11 + 12 * 2 + 15
    )  # 11 sections two years, R1 and R3, R2 with four in January
    assert WaterSample.objects.filter(batch=batch).count() == batch.created
    entry = AuditEntry.objects.get(action="quality.importbatch.committed")
    assert entry.object_id == str(batch.pk) and entry.extra["created"] == batch.created

    results = {r.target.kind: r for r in board.build_board(2010, leader, today=date(2011, 2, 1))}

    stable = results[TargetKind.TAIHU_STABLE]
    assert (stable.measured, stable.status) == (Decimal(8), "not_met")
    th09 = next(r for r in stable.rows if r.label == "考核断面9")
    assert th09.ok is False and "7月" in th09.cells[4]
    assert th09.cells[2] == "Ⅲ类"  # the annual mean is on target, yet one month was not
    assert all(r.ok for r in stable.rows if r.label != "考核断面9")

    improve = results[TargetKind.TAIHU_IMPROVE]
    by_name = {r.label: r for r in improve.rows}
    assert by_name["考核断面10"].ok is True and by_name["考核断面10"].cells[2] == "10.0%"
    assert (
        by_name["考核断面11"].ok is False and by_name["考核断面11"].cells[2] == "10.0%"
    )  # 9.95 % shown rounded
    assert (improve.measured, improve.status) == (Decimal(1), "not_met")

    inflow = results[TargetKind.INFLOW]
    rows = {r.label: r for r in inflow.rows}
    assert rows["漕桥河"].ok is True and rows["漕桥河"].cells[1] == "Ⅴ类"  # NH3N (11×1.5 + 2.5)/12 = 1.583
    assert rows["太滆运河"].ok is False and rows["太滆运河"].cells[1] == "劣Ⅴ类"  # (0.5 + 11×2.2)/12 = 2.058
    assert rows["殷村港"].ok is True and rows["殷村港"].cells[1] == "Ⅲ类"
    assert (inflow.measured, inflow.status) == (Decimal(2), "not_met")

    # The aggregation path is a setting: the mean of all samples would hide 太滆运河's 劣Ⅴ.
    settings.EPB_QUALITY_ANNUAL_MEAN = "all_samples"
    again = {r.target.kind: r for r in board.build_board(2010, leader, today=date(2011, 2, 1))}
    assert {r.label: r.ok for r in again[TargetKind.INFLOW].rows}[
        "太滆运河"
    ] is True  # (4×0.5 + 11×2.2)/15 = 1.747


def test_a_district_sees_the_board_of_its_own_sections(
    network: dict[str, Any], targets: dict[str, Any], dept_staff: Any, district_officer: Any
) -> None:
    services.import_results(actor=dept_staff, kind="water", file_name="a.xlsx", content=_sheet(network))
    results = {r.target.kind: r for r in board.build_board(2010, district_officer, today=date(2011, 2, 1))}
    stable = results[TargetKind.TAIHU_STABLE]
    # district A holds the even-numbered sections 2, 4, 6, 8 of the nine listed
    assert [r.label for r in stable.rows] == ["考核断面2", "考核断面4", "考核断面6", "考核断面8"]
    assert stable.required == "4 个" and stable.status == "met"
    assert results[TargetKind.INFLOW].rows == []  # the inflow rivers lie in district B


def test_a_year_in_progress_is_judged_on_its_months_so_far(
    network: dict[str, Any], targets: dict[str, Any], dept_staff: Any, leader: Any
) -> None:
    services.import_results(actor=dept_staff, kind="water", file_name="a.xlsx", content=_sheet(network))
    results = {r.target.kind: r for r in board.build_board(2010, leader, today=date(2010, 6, 20))}
    stable = results[TargetKind.TAIHU_STABLE]
    assert (stable.measured, stable.status) == (Decimal(9), "on_track")  # July is still to come
    assert {r.cells[3] for r in stable.rows} == {"6/6"}
    improve = results[TargetKind.TAIHU_IMPROVE]
    assert improve.status == "at_risk" and {r.label: r.ok for r in improve.rows} == {
        "考核断面10": True,
        "考核断面11": False,
    }
    # 太滆运河 so far: (0.5 + 5 × 2.2) / 6 = 1.917, Ⅴ类; its 劣Ⅴ comes with the rest of the year.
    assert results[TargetKind.INFLOW].status == "on_track"
