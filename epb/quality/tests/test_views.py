"""The pages and the API: the board and its drill-down, imports, warnings, reports, the public page."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from epb.core import audit
from epb.quality import services
from epb.quality.choices import ImportStatus, Period, SiteKind, TargetKind
from epb.quality.importing import parse_sheet, template_columns
from epb.quality.models import AirSample, EarlyWarning, ImportBatch, ReductionQuota, Target, WaterSample
from epb.quality.tests.factories import at, make_noise_point, make_station, make_water_body, make_water_site
from epb.quality.tests.sheets import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["断面编码", "采样日期", "氨氮", "总磷", "溶解氧"]


@pytest.fixture
def world(tree: Any, dept_staff: Any) -> dict[str, Any]:
    body = make_water_body(name="京杭运河")
    a = make_water_site(
        tree.town_a1, code="A1", name="钟楼闸", water_body=body, taihu_assessment=True, is_public=True
    )
    b = make_water_site(tree.town_b1, code="B1", name="五牧", water_body=body, taihu_assessment=True)
    rows = [[code, f"2010-{m:02d}-06", "0.4", "0.1", "7"] for code in ("A1", "B1") for m in range(1, 13)]
    batch = services.import_results(
        actor=dept_staff, kind="water", file_name="2010.csv", content=csv_bytes(HEADER, rows)
    )
    target = services.save_target(
        actor=None, year=2010, kind=TargetKind.TAIHU_STABLE, name="考核断面稳定达标", required=Decimal(2)
    )
    return {"a": a, "b": b, "batch": batch, "target": target}


def test_the_board_and_its_drill_down(client: Any, world: dict[str, Any], leader: Any) -> None:
    client.force_login(leader)
    html = client.get("/quality/?year=2010").content.decode()
    assert "考核断面稳定达标" in html and "data-echarts" in html and "2 个" in html
    html = client.get(f"/quality/targets/{world['target'].pk}/").content.decode()
    assert f'href="/quality/sites/{world["a"].pk}/?year=2010"' in html
    html = client.get(f"/quality/sites/{world['a'].pk}/?year=2010").content.decode()
    assert f'href="/quality/sites/{world["a"].pk}/2010/5/"' in html and "Ⅱ类" in html
    html = client.get(f"/quality/sites/{world['a'].pk}/2010/5/").content.decode()
    assert f'href="/quality/imports/{world["batch"].pk}/"' in html and "2010.csv" in html


def test_a_district_sees_the_board_of_its_district(
    client: Any, world: dict[str, Any], district_officer: Any
) -> None:
    client.force_login(district_officer)
    html = client.get("/quality/?year=2010").content.decode()
    assert "本辖区口径" in html and "1 个" in html
    assert client.get(f"/quality/sites/{world['b'].pk}/2010/5/").status_code == 404
    assert client.get("/quality/targets/new/").status_code == 403


def test_the_board_works_with_nothing_set(client: Any, district_officer: Any) -> None:
    client.force_login(district_officer)
    response = client.get("/quality/")
    assert response.status_code == 200 and "尚未设定目标任务" in response.content.decode()
    assert client.get("/quality/warnings/").status_code == 200


def test_leadership_edits_a_target_with_its_rule(client: Any, world: dict[str, Any], leader: Any) -> None:
    client.force_login(leader)
    url = f"/quality/targets/{world['target'].pk}/edit/"
    form = {
        "year": 2010,
        "kind": "taihu_stable",
        "name": "考核断面稳定达标",
        "required": "2",
        "sort_order": 0,
        "is_active": "on",
    }
    response = client.post(url, {**form, "rule": "annual_and_months"})
    assert response.status_code == 200 and "最少达标月数" in response.content.decode()
    response = client.post(url, {**form, "rule": "class_then_tli"})  # a lakes' rule
    assert "该规则不适用于此类目标" in response.content.decode()
    response = client.post(url, {**form, "rule": "annual_and_months", "min_months": 10})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.rule, target.min_months) == ("annual_and_months", 10)


def test_upload_preview_and_commit_in_the_browser_flow(
    client: Any, world: dict[str, Any], dept_staff: Any
) -> None:
    client.force_login(dept_staff)
    bad = csv_bytes(HEADER, [["A1", "2011-01-06", "0.4", "0.1", "7"], ["A1", "2011-02-30", "0.4", "x", "7"]])
    response = client.post("/quality/imports/", {"kind": "water", "file": SimpleUploadedFile("bad.csv", bad)})
    batch = ImportBatch.objects.get(file_name="bad.csv")
    assert response.status_code == 302 and response["Location"] == f"/quality/imports/{batch.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "有错误，未导入" in html and "采样日期" in html and "总磷" in html and "确认导入" not in html
    good = csv_bytes(HEADER, [["A1", "2011-01-06", "0.4", "0.1", "7"]])
    response = client.post(
        "/quality/imports/", {"kind": "water", "file": SimpleUploadedFile("good.csv", good)}
    )
    html = client.get(response["Location"]).content.decode()
    assert "确认导入" in html
    batch = ImportBatch.objects.get(file_name="good.csv")
    client.post(f"/quality/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert WaterSample.objects.filter(batch=batch).count() == 1


@pytest.mark.parametrize("kind", ["water", "air", "noise"])
def test_the_template_reads_back(client: Any, dept_staff: Any, kind: str) -> None:
    client.force_login(dept_staff)
    response = client.get(f"/quality/imports/template/{kind}.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book["数据"].iter_rows(values_only=True)]
    assert rows[0] == template_columns(kind)
    result = parse_sheet(rows[:1] + [rows[1][:3] + [rows[1][3]] + ["1"] + [None] * (len(rows[0]) - 5)], kind)
    assert result.items and not [e for e in result.errors if e.row == 1]
    assert "填写说明" in book.sheetnames


def test_warnings_page_acknowledge_and_close(
    client: Any, world: dict[str, Any], district_officer: Any
) -> None:
    site = world["a"]
    services.save_threshold(actor=None, site=site, item="NH3N", upper=Decimal("0.3"))
    services.record_water_sample(
        actor=None, site=site, sampled_at=at(date(2011, 1, 2)), values={"NH3N": "0.4"}
    )
    warning = EarlyWarning.objects.get()
    client.force_login(district_officer)
    assert warning.message in client.get("/quality/warnings/").content.decode()
    client.post(f"/quality/warnings/{warning.pk}/acknowledge/")
    client.post(f"/quality/warnings/{warning.pk}/close/", {"note": "已核实，上游来水影响"})
    warning.refresh_from_db()
    assert warning.status == "closed" and warning.close_note == "已核实，上游来水影响"
    assert "已关闭" in client.get(warning.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("html", "text/html; charset=utf-8"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_reports_in_three_formats(
    client: Any, world: dict[str, Any], leader: Any, fmt: str, content_type: str
) -> None:
    client.force_login(leader)
    response = client.get(f"/quality/reports/monthly_bulletin/?date=2010-05&format={fmt}")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    if fmt == "html":
        assert "水环境质量月报" in response.content.decode()


def test_a_bad_report_date_is_a_message_not_a_crash(client: Any, leader: Any) -> None:
    client.force_login(leader)
    response = client.get("/quality/reports/drinking_daily/?date=2010-02-30", follow=True)
    assert "日期格式" in response.content.decode()
    assert client.get("/quality/reports/nonsense/").status_code == 404


def test_quotas_are_kept_by_city_staff(client: Any, tree: Any, leader: Any, district_officer: Any) -> None:
    client.force_login(leader)
    data = {"year": 2010, "pollutant": "COD", "org_unit": tree.city.pk, "quota": "1000", "achieved": "0"}
    assert client.post("/quality/quotas/?year=2010", data).status_code == 302
    quota = ReductionQuota.objects.get()
    client.post("/quality/quotas/?year=2010", {"quota_id": quota.pk, "month": 6, "achieved": "520"})
    quota.refresh_from_db()
    assert quota.achieved == Decimal("520") and quota.progress == {"6": "520"}
    client.force_login(district_officer)
    assert client.post("/quality/quotas/?year=2010", data).status_code == 403


def test_a_district_places_sites_only_in_its_district(client: Any, tree: Any, district_officer: Any) -> None:
    client.force_login(district_officer)
    body = make_water_body()
    data = {
        "code": "X1",
        "name": "新断面",
        "kind": "river_section",
        "water_body": body.pk,
        "org_unit": tree.town_b1.pk,
        "longitude": "119.9",
        "latitude": "31.7",
        "target_class": "III",
        "sort_order": 0,
    }
    response = client.post("/quality/sites/new/", data)
    assert response.status_code == 200  # town B1 is not offered to district A
    data["org_unit"] = tree.town_a1.pk
    assert client.post("/quality/sites/new/", data).status_code == 302
    response = client.post("/quality/sites/new/", {**data, "code": "X2", "longitude": "200"})
    assert response.status_code == 200 and "200" in response.content.decode()


def test_the_public_page_shows_only_published_results(client: Any, world: dict[str, Any], tree: Any) -> None:
    published = make_station(tree.town_a1, name="市监测站", is_public=True)
    hidden = make_station(tree.town_a1, name="内部试验站")
    day = date.today()
    for station in (published, hidden):
        audit.create(
            AirSample,
            actor=None,
            station=station,
            start=at(day),
            period=Period.DAY,
            source="manual",
            values={"SO2": "8", "NO2": "30", "PM10": "60", "CO": "0.8", "O3_8h": "100", "PM2_5": "35"},
        )
    make_noise_point(tree.town_a1, is_public=True)
    html = client.get("/quality/public/").content.decode()
    assert "市监测站" in html and "内部试验站" not in html
    assert "钟楼闸" in html and "五牧" not in html  # 五牧 is not published
    assert "2010年12月" in html
    assert "良" in html and "Good" not in html  # AQI 55, HJ 633's category
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/quality/public/").content.decode()
    assert "Good" in english and ">良<" not in english and " 良" not in english


def test_api(client: Any, world: dict[str, Any], district_officer: Any, leader: Any) -> None:
    client.force_login(district_officer)
    sites = client.get("/api/v1/quality/sites").json()
    assert [s["code"] for s in sites] == ["A1"]
    assert client.get(f"/api/v1/quality/sites/{world['b'].pk}").status_code == 404
    samples = client.get(
        f"/api/v1/quality/sites/{world['a'].pk}/samples?start=2010-05-01&end=2010-05-31"
    ).json()
    assert len(samples) == 1 and samples[0]["values"]["NH3N"] == "0.4"
    assert samples[0]["period"]["start"]["local"].startswith("2010-05-06T00:00:00+08:00")
    evaluation = client.get(f"/api/v1/quality/sites/{world['a'].pk}/evaluation?year=2010").json()
    assert evaluation["water_class"] == "II" and evaluation["months"] == 12
    board = client.get("/api/v1/quality/board?year=2010").json()
    assert board[0]["measured"] == 1.0
    report = client.get("/api/v1/quality/reports/monthly_bulletin?day=2010-05-01").json()
    assert report["title"] == "水环境质量月报"
    bad = csv_bytes(HEADER, [["A1", "2012-01-06", "0.4", "oops", "7"]])
    response = client.post(
        "/api/v1/quality/imports",
        {"kind": "water", "commit": "true", "file": SimpleUploadedFile("x.csv", bad)},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["column"] == "总磷"
    client.logout()
    public = client.get("/api/v1/quality/public").json()
    assert [w["site"] for w in public["water"]] == ["钟楼闸"]
    assert client.get("/api/v1/quality/sites").status_code == 401


def test_stations_and_noise_pages(client: Any, tree: Any, dept_staff: Any) -> None:
    station = make_station(tree.town_a1)
    point = make_noise_point(tree.town_a1)
    client.force_login(dept_staff)
    for url in (
        "/quality/stations/",
        station.get_absolute_url(),
        "/quality/noise/",
        point.get_absolute_url(),
        "/quality/sites/?kind=taihu",
        "/quality/thresholds/",
    ):
        assert client.get(url).status_code == 200, url


def test_manual_entry_of_a_result(client: Any, world: dict[str, Any], dept_staff: Any) -> None:
    client.force_login(dept_staff)
    url = f"/quality/sites/{world['a'].pk}/samples/new/"
    response = client.post(url, {"sampled_at": "2011-03-02 09:30", "v_NH3N": "abc"})
    assert response.status_code == 200 and "无法识别" in response.content.decode()
    assert (
        client.post(url, {"sampled_at": "2011-03-02 09:30", "v_NH3N": "0.32", "v_Hg": "<0.00004"}).status_code
        == 302
    )
    sample = WaterSample.objects.get(source="manual")
    assert sample.values == {"NH3N": "0.32", "Hg": "<0.00004"}


def test_sites_of_other_kinds_show_in_the_list(client: Any, tree: Any, leader: Any) -> None:
    make_water_site(tree.town_a1, name="沙河水库水源地", kind=SiteKind.DRINKING_SOURCE)
    client.force_login(leader)
    html = client.get("/quality/sites/?kind=drinking_source").content.decode()
    assert "沙河水库水源地" in html and "data-map" in html


def test_enterprises_and_the_public_have_their_own_pages(
    client: Any, world: dict[str, Any], enterprise_user: Any, public_user: Any
) -> None:
    client.force_login(enterprise_user)
    assert client.get("/quality/").status_code == 403
    assert client.get("/api/v1/quality/board?year=2010").status_code == 403
    client.force_login(public_user)
    assert client.get("/quality/warnings/").status_code == 302  # to the portal


def test_the_city_real_time_aqi_before_the_day_is_complete(client: Any, tree: Any) -> None:
    from django.utils import timezone

    from epb.lib.timeutil import beijing_date

    today = beijing_date(timezone.now())
    for name, pm in (("甲站", "30"), ("乙站", "50")):
        station = make_station(tree.town_a1, name=name, is_public=True)
        audit.create(
            AirSample,
            actor=None,
            station=station,
            start=at(today, 0),
            period=Period.HOUR,
            source="manual",
            values={"PM2_5": pm, "PM10": "40", "SO2": "5", "NO2": "20", "CO": "0.5", "O3": "60"},
        )
    html = client.get("/quality/public/").content.decode()
    assert "00:00 实时" in html
    assert ">60</span>" in html  # PM2.5 40 µg/m³ over two stations: IAQI 60 (HJ 633-2026)


def test_the_target_rules_are_offered_in_the_readers_language(client: Any, leader: Any) -> None:
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    page = client.get("/quality/targets/new/").content.decode()
    assert "On target every month of the year" in page and "全年每月均达标" not in page
