"""Demo data of the quality module: Changzhou's monitoring network and plausible results.

The network: the 11 provincial Taihu assessment sections (省级太湖考核断面), the 3 inflow rivers
of Wujin (漕桥河、太滆运河、殷村港), the lakes 竺山湖 and 滆湖 with their points, three drinking-water
sources, two clean-water rivers, six national air stations and ten functional-zone noise
points, each in its district and town with WGS-84 coordinates. Results go in the way the
monitoring station's staff put them in: monthly sheets imported through the import service
(monthly water results since January of the year before last, daily drinking-water and
clean-water checks for the last month, daily air values since last May, hourly values for
yesterday and today, quarterly noise point-times), so every figure on the board drills down to
an import batch. The "1190" targets are set for last year and this year. Idempotent.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from epb.core.models import OrgUnit, User
from epb.lib.timeutil import BEIJING
from epb.quality import services
from epb.quality.choices import TargetKind
from epb.quality.data import beijing_today
from epb.quality.importing import template_columns
from epb.quality.models import AirStation, NoisePoint, ReductionQuota, Target, WaterBody, WaterSite
from epb.quality.templates_xlsx import csv_bytes, workbook_bytes

# name, kind, basin, inflow Taihu, clean-water river, district
BODIES = [
    ("京杭运河", "river", "太湖流域", False, False, "钟楼区"),
    ("丹金溧漕河", "river", "太湖流域", False, False, "金坛区"),
    ("南溪河", "river", "太湖流域", False, False, "溧阳市"),
    ("南河", "river", "太湖流域", False, False, "溧阳市"),
    ("武宜运河", "river", "太湖流域", False, False, "武进区"),
    ("百渎港", "river", "太湖流域", False, False, "武进区"),
    ("雅浦港", "river", "太湖流域", False, False, "武进区"),
    ("北塘河", "river", "太湖流域", False, False, "天宁区"),
    ("漕桥河", "river", "太湖流域", True, False, "武进区"),
    ("太滆运河", "river", "太湖流域", True, False, "武进区"),
    ("殷村港", "river", "太湖流域", True, False, "武进区"),
    ("竺山湖", "lake", "太湖流域", False, False, "武进区"),
    ("滆湖", "lake", "太湖流域", False, False, "武进区"),
    ("长江", "river", "长江流域", False, False, "新北区"),
    ("沙河水库", "reservoir", "太湖流域", False, False, "溧阳市"),
    ("大溪水库", "reservoir", "太湖流域", False, False, "溧阳市"),
    ("德胜河", "river", "长江流域", False, True, "新北区"),
    ("澡港河", "river", "长江流域", False, True, "新北区"),
]

# Profiles: typical concentrations of the item set a site is sampled for (mg/L; Chla mg/m³; SD m).
RIVER_III = {"DO": 7.0, "CODMn": 4.6, "COD": 16.0, "BOD5": 3.0, "NH3N": 0.62, "TP": 0.15}
RIVER_IV = {"DO": 7.0, "CODMn": 5.6, "COD": 21.0, "BOD5": 3.8, "NH3N": 1.05, "TP": 0.22}
LAKE = {"DO": 7.8, "CODMn": 5.0, "NH3N": 0.32, "TP": 0.07, "TN": 1.9, "Chla": 22.0, "SD": 0.45}
SOURCE = {
    "DO": 8.1,
    "CODMn": 2.6,
    "NH3N": 0.14,
    "TP": 0.035,
    "SO4": 42.0,
    "Cl": 28.0,
    "NO3N": 1.6,
    "Fe": 0.08,
    "Mn": 0.03,
}

# code, name, body, kind, town, lon, lat, target, profile, scale (this site vs its profile), flags
SITES: list[tuple[str, str, str, str, str, float, float, str, dict[str, float], float, dict[str, Any]]] = [
    (
        "CZ-TH01",
        "钟楼闸",
        "京杭运河",
        "river_section",
        "五星街道",
        119.9196,
        31.7734,
        "IV",
        RIVER_IV,
        0.86,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH02",
        "连江桥",
        "京杭运河",
        "river_section",
        "郑陆镇",
        120.0375,
        31.8088,
        "IV",
        RIVER_IV,
        0.9,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH03",
        "五牧",
        "京杭运河",
        "river_section",
        "横林镇",
        120.0968,
        31.6788,
        "IV",
        RIVER_IV,
        0.93,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH04",
        "丹金闸",
        "丹金溧漕河",
        "river_section",
        "金城镇",
        119.5672,
        31.7412,
        "III",
        RIVER_III,
        0.8,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH05",
        "上黄",
        "南溪河",
        "river_section",
        "上黄镇",
        119.5466,
        31.4302,
        "III",
        RIVER_III,
        0.75,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH06",
        "平桥",
        "南河",
        "river_section",
        "溧城镇",
        119.4873,
        31.4157,
        "III",
        RIVER_III,
        0.82,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH07",
        "王母观",
        "滆湖",
        "lake_point",
        "湟里镇",
        119.8094,
        31.6163,
        "IV",
        LAKE,
        0.9,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH08",
        "百渎港桥",
        "百渎港",
        "river_section",
        "雪堰镇",
        120.0021,
        31.5168,
        "III",
        RIVER_III,
        0.85,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH09",
        "雅浦港桥",
        "雅浦港",
        "river_section",
        "雪堰镇",
        120.0243,
        31.5275,
        "III",
        RIVER_III,
        0.97,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH10",
        "坊前",
        "武宜运河",
        "river_section",
        "南夏墅街道",
        119.9508,
        31.6477,
        "III",
        RIVER_IV,
        1.7,
        {"taihu_assessment": True},
    ),
    (
        "CZ-TH11",
        "东方红桥",
        "北塘河",
        "river_section",
        "青龙街道",
        120.0012,
        31.7879,
        "III",
        RIVER_IV,
        1.75,
        {"taihu_assessment": True},
    ),
    (
        "CZ-RK01",
        "漕桥河裕巷桥",
        "漕桥河",
        "river_section",
        "前黄镇",
        119.9852,
        31.5691,
        "IV",
        RIVER_IV,
        1.5,
        {},
    ),
    (
        "CZ-RK02",
        "太滆运河百渎口",
        "太滆运河",
        "river_section",
        "前黄镇",
        119.9743,
        31.5522,
        "IV",
        RIVER_IV,
        1.88,
        {},
    ),
    (
        "CZ-RK03",
        "殷村港入湖口",
        "殷村港",
        "river_section",
        "雪堰镇",
        120.0105,
        31.5369,
        "IV",
        RIVER_IV,
        1.2,
        {},
    ),
    (
        "CZ-ZS01",
        "竺山湖心",
        "竺山湖",
        "lake_point",
        "雪堰镇",
        120.0382,
        31.4785,
        "IV",
        LAKE,
        1.35,
        {"algae_watch": True},
    ),
    (
        "CZ-ZS02",
        "竺山湖北",
        "竺山湖",
        "lake_point",
        "雪堰镇",
        120.0297,
        31.4961,
        "IV",
        LAKE,
        1.45,
        {"algae_watch": True},
    ),
    ("CZ-GH01", "滆湖北", "滆湖", "lake_point", "嘉泽镇", 119.8016, 31.6547, "IV", LAKE, 1.2, {}),
    ("CZ-GH02", "滆湖中", "滆湖", "lake_point", "湟里镇", 119.8121, 31.6315, "IV", LAKE, 1.15, {}),
    (
        "CZ-SY01",
        "长江魏村水源地",
        "长江",
        "drinking_source",
        "魏村街道",
        119.9662,
        31.9431,
        "II",
        SOURCE,
        1.0,
        {"intake_volume": Decimal("60.00")},
    ),
    (
        "CZ-SY02",
        "沙河水库水源地",
        "沙河水库",
        "drinking_source",
        "天目湖镇",
        119.4312,
        31.2645,
        "II",
        SOURCE,
        0.8,
        {"intake_volume": Decimal("12.00")},
    ),
    (
        "CZ-SY03",
        "大溪水库水源地",
        "大溪水库",
        "drinking_source",
        "戴埠镇",
        119.4867,
        31.2833,
        "II",
        SOURCE,
        0.9,
        {"intake_volume": Decimal("10.00")},
    ),
    (
        "CZ-QS01",
        "德胜河魏村枢纽",
        "德胜河",
        "river_section",
        "魏村街道",
        119.9718,
        31.9307,
        "III",
        RIVER_III,
        0.9,
        {},
    ),
    (
        "CZ-QS02",
        "德胜河孟河桥",
        "德胜河",
        "river_section",
        "孟河镇",
        119.8939,
        31.9052,
        "III",
        RIVER_III,
        1.05,
        {},
    ),
    (
        "CZ-QS03",
        "澡港河新龙桥",
        "澡港河",
        "river_section",
        "三井街道",
        119.9697,
        31.8314,
        "III",
        RIVER_III,
        1.12,
        {},
    ),
]
DAILY = ("CZ-SY01", "CZ-SY02", "CZ-SY03", "CZ-QS01", "CZ-QS02", "CZ-QS03")

# code, name, town, lon, lat
STATIONS = [
    ("CZ-AQ01", "潞城", "青龙街道", 120.0441, 31.7865),
    ("CZ-AQ02", "市监测站", "南大街街道", 119.9563, 31.7797),
    ("CZ-AQ03", "武进监测站", "湖塘镇", 119.9587, 31.7063),
    ("CZ-AQ04", "城建学校", "五星街道", 119.9228, 31.7692),
    ("CZ-AQ05", "安家", "西夏墅镇", 119.8467, 31.8776),
    ("CZ-AQ06", "刘国钧学院", "龙虎塘街道", 119.9953, 31.8537),
]

# code, name, town, zone, lon, lat, railway background, (Ld, Ln) typical
NOISE = [
    ("CZ-ZS-1A", "红梅公园", "红梅街道", "1", 119.9791, 31.7874, False, (52.1, 43.0)),
    ("CZ-ZS-1B", "常州大学（白云校区）", "兰陵街道", "1", 119.9622, 31.7559, False, (53.4, 44.1)),
    ("CZ-ZS-2A", "南大街", "南大街街道", "2", 119.9480, 31.7746, False, (57.8, 48.2)),
    ("CZ-ZS-2B", "湖塘商业区", "湖塘镇", "2", 119.9571, 31.6998, False, (57.1, 47.6)),
    ("CZ-ZS-3A", "新北高新区", "春江街道", "3", 119.9523, 31.8911, False, (61.5, 52.0)),
    ("CZ-ZS-3B", "武进高新区", "南夏墅街道", "3", 119.9344, 31.6611, False, (60.2, 51.4)),
    ("CZ-ZS-4A", "延陵西路", "荷花池街道", "4a", 119.9407, 31.7784, False, (66.8, 53.2)),
    ("CZ-ZS-4B", "常澄路", "雕庄街道", "4a", 120.0080, 31.7833, False, (67.2, 53.6)),
    ("CZ-ZS-4C", "京沪铁路戚墅堰段", "横林镇", "4b", 120.0598, 31.7336, False, (66.0, 57.5)),
    ("CZ-ZS-4D", "沪宁铁路钟楼段", "五星街道", "4b", 119.9213, 31.7801, True, (65.2, 53.0)),
]


def _units() -> dict[str, OrgUnit]:
    return {u.name: u for u in OrgUnit.objects.all()}


def _actor() -> User | None:
    return (
        User.objects.filter(username="jiance").first()
        or User.objects.filter(is_superuser=True, is_active=True).first()
    )


def load(stdout: Any) -> None:
    if WaterBody.objects.filter(name="竺山湖").exists():
        return
    units = _units()
    if "湖塘镇" not in units:
        stdout.write("  quality: no demo org tree, skipped\n")
        return
    actor = _actor()
    if actor is None:
        stdout.write("  quality: no demo user to import with, skipped\n")
        return
    today = beijing_today()
    _network(units)
    _targets(today)
    _thresholds()
    rng = random.Random(20100101)
    batches = _water(actor, today, rng) + _air(actor, today, rng) + _noise(actor, today, rng)
    stdout.write(
        f"  quality: {WaterSite.objects.count()} water sites, {AirStation.objects.count()} air stations, "
        f"{NoisePoint.objects.count()} noise points, {batches} imports\n"
    )


def _network(units: dict[str, OrgUnit]) -> None:
    bodies = {}
    for order, (name, kind, basin, inflow, clean, district) in enumerate(BODIES):
        bodies[name] = services.save_water_body(
            actor=None,
            name=name,
            kind=kind,
            basin=basin,
            inflow_taihu=inflow,
            clean_water=clean,
            org_unit=units[district],
            sort_order=order,
        )
    for order, (code, name, body, kind, town, lon, lat, target, _p, _s, flags) in enumerate(SITES):
        services.save_site(
            WaterSite,
            actor=None,
            code=code,
            name=name,
            kind=kind,
            water_body=bodies[body],
            org_unit=units[town],
            longitude=lon,
            latitude=lat,
            target_class=target,
            sort_order=order,
            **flags,
        )
    for order, (code, name, town, lon, lat) in enumerate(STATIONS):
        services.save_site(
            AirStation,
            actor=None,
            code=code,
            name=name,
            org_unit=units[town],
            longitude=lon,
            latitude=lat,
            sort_order=order,
        )
    for order, (code, name, town, zone, lon, lat, railway, _levels) in enumerate(NOISE):
        services.save_site(
            NoisePoint,
            actor=None,
            code=code,
            name=name,
            org_unit=units[town],
            zone=zone,
            longitude=lon,
            latitude=lat,
            railway_background=railway,
            sort_order=order,
        )


def _targets(today: date) -> None:
    sites = {s.code: s for s in WaterSite.objects.all()}
    stable = [sites[f"CZ-TH{n:02d}"] for n in range(1, 10)]
    improve = [sites["CZ-TH10"], sites["CZ-TH11"]]
    source = "2010年工作计划 一.1（“1190”目标）"
    city = OrgUnit.objects.get(code="320400")
    for year in (today.year - 1, today.year):
        rows: list[tuple[str, str, int, dict[str, Any]]] = [
            (TargetKind.DRINKING, "全市集中式饮用水源地水质达标率", 100, {}),
            (TargetKind.REDUCTION, "完成省下达的年度主要污染物减排任务", 100, {}),
            (TargetKind.TAIHU_STABLE, "11个省级太湖考核断面中9个稳定达标", 9, {"sites": stable}),
            (
                TargetKind.TAIHU_IMPROVE,
                "另2个考核断面年均值较上年下降10%以上",
                2,
                {"sites": improve, "threshold": Decimal(10), "baseline_year": year - 1},
            ),
            (TargetKind.INFLOW, "3条入太湖河道年均值（按月均值计算）消除劣Ⅴ类", 3, {}),
            (TargetKind.LAKE, "竺山湖、滆湖水质有所改善", 2, {"baseline_year": year - 1}),
            (TargetKind.NOISE, "环境噪声功能区达标率", 100, {}),
        ]
        for order, (kind, name, required, extra) in enumerate(rows):
            services.save_target(
                actor=None,
                year=year,
                kind=kind,
                name=name,
                required=Decimal(required),
                source=source,
                sort_order=order,
                **extra,
            )
        for pollutant, quota, done in (
            ("COD", "1850", 1.04),
            ("NH3N", "210", 1.02),
            ("SO2", "3200", 1.08),
            ("NOx", "4100", 0.97),
        ):
            achieved = Decimal(quota) * Decimal(str(done)) if year < today.year else Decimal(0)
            q = services.save_quota(
                actor=None,
                year=year,
                pollutant=pollutant,
                org_unit=city,
                quota=Decimal(quota),
                achieved=achieved.quantize(Decimal("0.01")),
                source=f"省下达{year}年度减排计划",
            )
            last = 12 if year < today.year else max(today.month - 1, 1)
            for month in range(1, last + 1):
                share = Decimal(str(min(done * month / 12 * (1.05 if month < 12 else 1), done)))
                services.record_quota_progress(
                    q, actor=None, month=month, achieved=(Decimal(quota) * share).quantize(Decimal("0.01"))
                )
    assert Target.objects.exists() and ReductionQuota.objects.exists()


def _thresholds() -> None:
    sites = {s.code: s for s in WaterSite.objects.all()}
    demo = "演示阈值，可在“预警阈值”中修改"
    for code in ("CZ-SY01", "CZ-SY02", "CZ-SY03"):
        services.save_threshold(
            actor=None,
            site=sites[code],
            item="NH3N",
            upper=Decimal("0.5"),
            level="yellow",
            source=f"Ⅱ类限值；{demo}",
        )
        services.save_threshold(
            actor=None,
            site=sites[code],
            item="DO",
            lower=Decimal("6"),
            level="yellow",
            source=f"Ⅱ类限值；{demo}",
        )
    for code in ("CZ-QS01", "CZ-QS02", "CZ-QS03"):
        services.save_threshold(
            actor=None,
            site=sites[code],
            item="NH3N",
            upper=Decimal("1.0"),
            level="orange",
            source=f"Ⅲ类限值；{demo}",
        )
    for code in ("CZ-ZS01", "CZ-ZS02"):
        services.save_threshold(
            actor=None,
            site=sites[code],
            item="ALGAE",
            upper=Decimal("2000"),
            kind="algae",
            level="yellow",
            source=f"蓝藻密度；{demo}",
        )
        services.save_threshold(
            actor=None,
            site=sites[code],
            item="Chla",
            upper=Decimal("40"),
            kind="algae",
            level="orange",
            source=f"叶绿素a；{demo}",
        )


# -- results -------------------------------------------------------------------------------------


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _season(month: int) -> float:
    """1 in winter, peaking in summer: nutrients and algae up, oxygen down."""
    return 0.5 - 0.5 * math.cos((month - 1) / 12 * 2 * math.pi)


def _water_values(
    code: str, profile: dict[str, float], scale: float, day: date, rng: random.Random
) -> dict[str, Any]:
    year_index = day.year - 2024
    trend = 0.94**year_index  # the network improves about 6 % a year
    if code == "CZ-TH10":
        trend = 0.82**year_index  # on track for the ≥10 % target
    if code == "CZ-TH11":
        trend = 0.95**year_index  # not quite
    if code == "CZ-RK02":
        trend = 1.0
    warm = _season(day.month)
    out: dict[str, Any] = {}
    for item, base in profile.items():
        noise = rng.uniform(0.88, 1.12)
        if item == "DO":
            value = base * (1.12 - 0.25 * warm) * rng.uniform(0.95, 1.05)
        elif item == "SD":
            value = base * (1.1 - 0.3 * warm) * noise / scale**0.5
        elif item in ("Chla",):
            value = base * (0.4 + 1.6 * warm) * scale * trend * noise
        elif item in ("NH3N",):
            value = base * (1.25 - 0.45 * warm) * scale * trend * noise
        elif item in ("TP", "TN"):
            value = base * (0.85 + 0.35 * warm) * scale * trend * noise
        elif item in ("SO4", "Cl", "NO3N", "Fe", "Mn"):
            value = base * noise
        else:
            value = base * (0.95 + 0.1 * warm) * scale**0.6 * trend * noise
        places = 3 if item in ("TP", "Fe", "Mn") else 2 if item != "COD" else 1
        out[item] = round(value, places)
    if code == "CZ-TH09" and day.year == beijing_today().year and day.month == 7:
        out["NH3N"] = 1.16  # one class-IV month: 雅浦港桥 misses "stably" this year
    if profile is LAKE:
        out["ALGAE"] = round(max(40.0, 3200 * warm**3 * scale * trend * rng.uniform(0.6, 1.3)))
    out["pH"] = round(rng.uniform(7.2, 8.1), 2)
    if day.day <= 12:  # the monthly full analysis: metals, mostly below detection
        out.update(
            {
                "Hg": "<0.00004",
                "Cd": "0.0001L",
                "Pb": "ND(0.001)",
                "Cr6": "<0.004",
                "CN": "<0.004",
                "As": round(rng.uniform(0.0008, 0.002), 4),
            }
        )
    return out


def _import(actor: User, kind: str, name: str, rows: Sequence[Sequence[Any]]) -> int:
    header = template_columns(kind)
    content = csv_bytes(header, rows) if name.endswith(".csv") else workbook_bytes(header, rows)
    batch = services.import_results(actor=actor, kind=kind, file_name=name, content=content)
    if batch.errors:  # pragma: no cover - the demo sheets are generated to be clean
        raise RuntimeError(f"demo import {name} failed: {batch.errors[:3]}")
    return 1


def _row(kind: str, key: Sequence[Any], values: dict[str, Any]) -> list[Any]:
    from epb.quality.items import items_of

    return [*key, *[values.get(i.code, "") for i in items_of(kind)]]


def _water(actor: User, today: date, rng: random.Random) -> int:
    count = 0
    last_full = today.replace(day=1) - timedelta(days=1)
    daily_from = today - timedelta(days=31)
    for year, month in _months(date(today.year - 2, 1, 1), last_full):
        rows = []
        for code, name, _b, _k, _t, _lon, _lat, _target, profile, scale, _f in SITES:
            day = date(year, month, 8 + rng.randint(0, 4))
            if code in DAILY and day >= daily_from:
                continue
            rows.append(
                _row(
                    "water",
                    [code, name, day.isoformat(), "09:30"],
                    _water_values(code, profile, scale, day, rng),
                )
            )
        if rows:
            count += _import(actor, "water", f"{year}年{month}月地表水监测结果.xlsx", rows)
    # 日查日报 and 一日一报: the daily checks of the sources and the clean-water rivers.
    daily_sites = [s for s in SITES if s[0] in DAILY]
    day = daily_from
    while day < today:
        rows = []
        for code, name, _b, _k, _t, _lon, _lat, _target, profile, scale, _f in daily_sites:
            values = _water_values(code, profile, scale, day, rng)
            if code == "CZ-QS03" and day == today - timedelta(days=3):
                values["NH3N"] = 1.32  # a clean-water section over its line: a warning to show
            rows.append(_row("water", [code, name, day.isoformat(), "08:00"], values))
        if day == today - timedelta(days=1):
            rows = [r for r in rows if r[0] != "CZ-SY03"]  # 大溪水库 did not report yesterday
        count += _import(actor, "water", f"{day.isoformat()}水源地及清水河道日报.csv", rows)
        day += timedelta(days=1)
    services.daily_check(today - timedelta(days=1))
    return count


def _air_day(station: int, day: date, rng: random.Random) -> dict[str, Any]:
    winter = 1 - _season(day.month)
    pm25 = max(8, rng.gauss(28 + 38 * winter, 14) * (1 + 0.05 * station))
    return {
        "SO2": round(max(3, rng.gauss(8, 2))),
        "NO2": round(max(8, rng.gauss(28 + 14 * winter, 8))),
        "PM10": round(pm25 * rng.uniform(1.4, 1.8)),
        "CO": round(max(0.3, rng.gauss(0.7 + 0.3 * winter, 0.15)), 1),
        "O3": round(max(30, rng.gauss(150 - 70 * winter, 30))),
        "O3_8h": round(max(25, rng.gauss(125 - 60 * winter, 25))),
        "PM2_5": round(pm25),
    }


def _air(actor: User, today: date, rng: random.Random) -> int:
    count = 0
    first = date(today.year - 1, 5, 1)
    for year, month in _months(first, today - timedelta(days=2)):
        rows = []
        day = date(year, month, 1)
        while day.month == month and day < today - timedelta(days=1):
            for n, (code, name, *_rest) in enumerate(STATIONS):
                rows.append(_row("air", [code, name, day.isoformat(), ""], _air_day(n, day, rng)))
            day += timedelta(days=1)
        if rows:
            count += _import(actor, "air", f"{year}年{month}月空气自动站日均值.csv", rows)
    now_hour = datetime.now(BEIJING).hour
    for day, hours in ((today - timedelta(days=1), range(24)), (today, range(now_hour))):
        rows = []
        for n, (code, name, *_rest) in enumerate(STATIONS):
            base = _air_day(n, day, rng)
            for hour in hours:
                diurnal = 1 + 0.25 * math.sin((hour - 8) / 24 * 2 * math.pi)
                values = {
                    p: round(v * diurnal * rng.uniform(0.85, 1.15), 1 if p == "CO" else 0)
                    for p, v in base.items()
                    if p != "O3_8h"
                }
                rows.append(_row("air", [code, name, day.isoformat(), f"{hour:02d}:00"], values))
        if rows:
            count += _import(actor, "air", f"{day.isoformat()}空气自动站小时值.csv", rows)
    return count


def _noise(actor: User, today: date, rng: random.Random) -> int:
    count = 0
    for year in (today.year - 1, today.year):
        for quarter in range(4):
            day = date(year, quarter * 3 + 2, 12)
            if day >= today:
                break
            rows = []
            for code, name, _town, _zone, _lon, _lat, _rail, (ld, ln) in NOISE:
                rows.append(
                    _row(
                        "noise",
                        [code, name, day.isoformat()],
                        {"Ld": round(rng.gauss(ld, 1.3), 1), "Ln": round(rng.gauss(ln, 1.2), 1)},
                    )
                )
            count += _import(actor, "noise", f"{year}年第{quarter + 1}季度功能区噪声.xlsx", rows)
    return count
