"""The board and the public page in a real browser: figures shown, charts drawn."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from epb.core import audit
from epb.core.choices import Role
from epb.quality import services
from epb.quality.choices import Period, TargetKind
from epb.quality.models import AirSample
from epb.quality.tests.factories import at, make_station, make_water_body, make_water_site
from epb.quality.tests.sheets import csv_bytes
from epb.testing.browser import log_in
from epb.testing.factories import make_org_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_shows_each_target_with_its_trend(page: Any) -> None:
    tree = make_org_tree()
    make_user(Role.LEADERSHIP, username="juzhang", password="a-long-demo-password")
    staff = make_user(Role.DEPT_STAFF, department=tree.department)
    river = make_water_body(name="太滆运河", inflow_taihu=True)
    make_water_site(tree.town_b1, code="RK2", name="太滆运河百渎口", water_body=river, target_class="IV")
    rows = [["RK2", f"2010-{m:02d}-10", "2.4" if m < 4 else "1.6"] for m in range(1, 13)]
    services.import_results(
        actor=staff,
        kind="water",
        file_name="2010.csv",
        content=csv_bytes(["断面编码", "采样日期", "氨氮"], rows),
    )
    services.save_target(
        actor=None, year=2010, kind=TargetKind.INFLOW, name="入太湖河道消除劣Ⅴ类", required=Decimal(1)
    )

    log_in(page, "juzhang", "a-long-demo-password")
    page.wait_for_url("**/staff/")
    page.goto("/quality/?year=2010")
    card = page.locator("[data-testid=target-inflow]")
    assert card.locator("[data-testid=value]").inner_text() == "1 条"  # (3 × 2.4 + 9 × 1.6) / 12 = 1.8: Ⅴ类
    assert "已完成" in card.inner_text()
    card.locator(".q-chart canvas").first.wait_for()  # ECharts drew the monthly classes
    card.locator("h2 a").click()
    page.wait_for_url("**/quality/targets/*/")
    assert "Ⅴ类" in page.locator("[data-testid=rows]").inner_text()
    page.locator("[data-testid=rows] a", has_text="太滆运河").click()
    page.wait_for_url("**/quality/sites/**")
    assert "劣Ⅴ类" in page.locator("[data-testid=monthly]").inner_text()  # January to March


def test_the_public_page_shows_air_water_and_noise(page: Any) -> None:
    tree = make_org_tree()
    station = make_station(tree.town_a1, name="市监测站", is_public=True)
    yesterday = date.today() - timedelta(days=1)
    audit.create(
        AirSample,
        actor=None,
        station=station,
        start=at(yesterday),
        period=Period.DAY,
        source="manual",
        values={"SO2": "8", "NO2": "35", "PM10": "150", "CO": "0.9", "O3_8h": "120", "PM2_5": "75"},
    )
    site = make_water_site(tree.town_a1, name="钟楼闸", is_public=True)
    services.record_water_sample(
        actor=None, site=site, sampled_at=at(yesterday), values={"NH3N": "0.4", "TP": "0.1", "DO": "7"}
    )
    page.goto("/quality/public/")
    air = page.locator("[data-testid=air]").inner_text()
    assert "市监测站" in air and "114" in air and "轻度污染" in air  # HJ 633-2026 check figure
    assert "Ⅱ类" in page.locator("[data-testid=water]").inner_text()
    page.locator(".q-chart canvas").first.wait_for()


def test_the_board_fits_a_phone(page: Any) -> None:
    make_org_tree()
    make_user(Role.LEADERSHIP, username="juzhang", password="a-long-demo-password")
    services.save_target(
        actor=None,
        year=2010,
        kind=TargetKind.INFLOW,
        name="3条入太湖河道年均值（按月均值计算）消除劣Ⅴ类",
        required=Decimal(3),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "juzhang", "a-long-demo-password")
    page.wait_for_url("**/staff/")
    page.goto("/quality/?year=2010")
    page.locator("[data-testid=target-inflow]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
