"""HJ 633-2012 and HJ 633-2026: breakpoints, rounding, special rules, levels, missing data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from epb.standards import aqi as A
from epb.standards.tables import load

LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]

# Typed from HJ 633-2012 / HJ 633-2026 table 1 (docs: quality-standards §3.5), independently of
# the data file, which test_tables_match_the_standard checks against these.
BP = {
    "SO2_24h": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "SO2_1h": [0, 150, 500, 650, 800],
    "NO2_24h": [0, 40, 80, 180, 280, 565, 750, 940],
    "NO2_1h": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "PM10_24h_2012": [0, 50, 150, 250, 350, 420, 500, 600],
    "PM10_24h_2026": [0, 50, 120, 250, 350, 420, 500, 600],
    "CO_24h": [0, 2, 4, 14, 24, 36, 48, 60],
    "CO_1h": [0, 5, 10, 35, 60, 90, 120, 150],
    "O3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "O3_8h": [0, 100, 160, 215, 265, 800],
    "PM25_24h_2012": [0, 35, 75, 115, 150, 250, 350, 500],
    "PM25_24h_2026": [0, 35, 60, 115, 150, 250, 350, 500],
}

# Which table each input uses, per edition and report period.
USES = {
    ("2012", "24h"): {
        "SO2": "SO2_24h", "NO2": "NO2_24h", "PM10": "PM10_24h_2012", "CO": "CO_24h",
        "O3": "O3_1h", "O3_8h": "O3_8h", "PM2_5": "PM25_24h_2012",
    },
    ("2012", "1h"): {
        "SO2": "SO2_1h", "NO2": "NO2_1h", "PM10": "PM10_24h_2012", "CO": "CO_1h",
        "O3": "O3_1h", "PM2_5": "PM25_24h_2012",
    },
    ("2026", "24h"): {
        "SO2": "SO2_24h", "NO2": "NO2_24h", "PM10": "PM10_24h_2026", "CO": "CO_24h",
        "O3_8h": "O3_8h", "PM2_5": "PM25_24h_2026",
    },
    ("2026", "1h"): {
        "SO2": "SO2_1h", "NO2": "NO2_1h", "PM10": "PM10_24h_2026", "CO": "CO_1h",
        "O3": "O3_1h", "PM2_5": "PM25_24h_2026",
    },
}  # fmt: skip


def _iaqi(pollutant: str, value: Any, period: str, version: str, **kw: Any) -> int | None:
    return A.aqi({pollutant: value}, period, version, **kw).iaqi[pollutant].iaqi


def test_tables_match_the_standard() -> None:
    for version in ("2012", "2026"):
        tables = load("hj633")["editions"][version]["tables"]
        assert load("hj633")["editions"][version]["iaqi_levels"] == LEVELS
        for name, table in tables.items():
            golden = BP.get(name) or BP[f"{name}_{version}"]
            bps = [b for b in table["bp"] if b is not None]
            assert bps == golden, (version, name)
            assert table["source"].startswith(f"HJ 633-{version}")


def test_every_edition_names_its_effective_date() -> None:
    editions = load("hj633")["editions"]
    assert editions["2012"]["effective"] == "2016-01-01"
    assert editions["2026"]["effective"] == "2026-03-01"
    assert editions["2026"]["applies_from"] == "2026-03-01"


def _edges() -> list[tuple[str, str, str, str, int, int]]:
    out = []
    for (version, period), uses in USES.items():
        for pollutant, table in uses.items():
            for i, node in enumerate(BP[table][1:], start=1):
                out.append((version, period, pollutant, table, node, LEVELS[i]))
    return out


@pytest.mark.parametrize(("version", "period", "pollutant", "table", "node", "level"), _edges())
def test_both_sides_of_every_breakpoint(
    version: str, period: str, pollutant: str, table: str, node: int, level: int
) -> None:
    co = pollutant == "CO"
    at = _iaqi(pollutant, node, period, version)
    assert at == level
    if version == "2012":
        # No rounding of concentrations: a hair below gives the node's level (ceiling), a hair
        # above one more.
        tiny = Decimal("0.001")
        assert _iaqi(pollutant, node - tiny, period, version) == level
        if node != BP[table][-1]:
            assert _iaqi(pollutant, node + tiny, period, version) == level + 1
    else:
        # GB/T 8170 rounding first (integers; CO one decimal): within half a unit the node's
        # level, past it the neighbouring value.
        near, far = (Decimal("0.04"), Decimal("0.06")) if co else (Decimal("0.4"), Decimal("0.6"))
        assert _iaqi(pollutant, node + near, period, version) == level
        assert _iaqi(pollutant, node - near, period, version) == level
        below = _iaqi(pollutant, node - far, period, version)
        assert below is not None and below <= level
        if node != BP[table][-1]:
            above = _iaqi(pollutant, node + far, period, version)
            assert above is not None and above > level


@pytest.mark.parametrize(
    ("version", "period", "pollutant", "value", "expected"),
    [
        # HJ 633-2012, by hand: IAQI = (IH - IL) / (BH - BL) * (C - BL) + IL, rounded up.
        ("2012", "24h", "PM2_5", 40, 57),  # 56.25: a half-even implementation gives 56
        ("2012", "24h", "PM2_5", 36, 52),  # 51.25
        ("2012", "24h", "PM2_5", 75, 100),
        ("2012", "24h", "PM2_5", 76, 102),  # 101.25
        ("2012", "24h", "CO", "2.5", 63),  # not truncated to 2 mg/m3
        ("2012", "24h", "CO", "3.5", 88),
        ("2012", "24h", "SO2", 100, 75),  # the 24-h column, not the 1-h one
        ("2012", "24h", "PM10", 150, 100),
        ("2012", "24h", "PM10", 151, 101),
        ("2012", "24h", "O3_8h", 161, 101),
        ("2012", "24h", "O3", 201, 101),
        ("2012", "24h", "NO2", 81, 101),
        ("2012", "24h", "PM2_5", "60.11", 82),
        ("2012", "1h", "SO2", 151, 51),
        ("2012", "1h", "CO", "10.1", 101),
        ("2012", "1h", "PM2_5", 75, 100),  # real-time PM on the 24-h breakpoints
        ("2012", "1h", "O3", 160, 50),
        # HJ 633-2026
        ("2026", "24h", "PM2_5", 75, 114),
        ("2026", "24h", "PM10", 150, 112),
        ("2026", "24h", "PM10", 120, 100),
        ("2026", "24h", "PM10", 121, 101),
        ("2026", "24h", "SO2", 100, 75),
        ("2026", "24h", "PM2_5", "60.4", 100),  # rounded to 60 first
        ("2026", "24h", "PM2_5", "60.6", 101),
        ("2026", "24h", "PM2_5", "60.5", 100),  # half-even: 60
        ("2026", "24h", "PM2_5", "61.5", 102),  # half-even: 62
        ("2026", "24h", "PM2_5", "60.11", 100),
        ("2026", "24h", "CO", "2.25", 55),  # 2.2
        ("2026", "24h", "CO", "2.35", 60),  # 2.4
        ("2026", "24h", "CO", "2.251", 58),  # 2.3
        ("2026", "1h", "PM2_5", 60, 100),
        ("2026", "1h", "O3", 200, 100),
        ("2026", "1h", "CO", "10.04", 100),
        ("2026", "1h", "SO2", 799, 200),  # 199.67 rounded up
    ],
)
def test_hand_computed_values(
    version: str, period: str, pollutant: str, value: object, expected: int
) -> None:
    assert _iaqi(pollutant, value, period, version) == expected


def test_rounding_of_concentrations_is_a_setting() -> None:
    assert _iaqi("PM2_5", "60.11", "24h", "2026", round_concentrations=False) == 101
    assert _iaqi("PM2_5", "35.4", "24h", "2012") == 51
    assert _iaqi("PM2_5", "35.4", "24h", "2012", round_concentrations=True) == 50
    result = A.aqi({"CO": "2.25"}, "24h", "2026")
    assert result.iaqi["CO"].used == Decimal("2.2")
    assert result.iaqi["CO"].concentration == Decimal("2.25")


def test_float_input_is_read_as_written() -> None:
    # 60.5 as a binary float is exactly 60.5, but 2.35 is 2.34999…; the repr is used.
    assert _iaqi("CO", 2.35, "24h", "2026") == 60
    assert _iaqi("PM2_5", 0.1 + 0.2, "24h", "2026") == 0


@pytest.mark.parametrize(
    ("version", "period", "inputs", "pollutant", "expected", "rule"),
    [
        ("2012", "1h", {"SO2": 800}, "SO2", 200, None),
        ("2012", "1h", {"SO2": 801}, "SO2", None, "needs_24h"),
        ("2012", "1h", {"SO2": 801, "SO2_24h": 100}, "SO2", 75, "from_24h"),
        ("2012", "1h", {"SO2": 1000, "SO2_24h": 2621}, "SO2", 500, "from_24h"),
        ("2026", "1h", {"SO2": 800}, "SO2", 200, None),
        ("2026", "1h", {"SO2": 801}, "SO2", 200, "fixed_above_top"),
        ("2026", "1h", {"SO2": "800.4"}, "SO2", 200, None),
        ("2012", "24h", {"O3_8h": 800}, "O3_8h", 300, None),
        ("2012", "24h", {"O3_8h": 801, "O3": 900}, "O3_8h", None, "from_1h"),
        ("2026", "24h", {"O3_8h": 801}, "O3_8h", 300, "fixed_above_top"),
        ("2012", "24h", {"PM2_5": 501}, "PM2_5", 500, "beyond_index"),
        ("2026", "24h", {"PM2_5": 501}, "PM2_5", 500, "beyond_index"),
        ("2026", "24h", {"PM2_5": "500.4"}, "PM2_5", 500, None),
        ("2012", "24h", {"CO": "60.1"}, "CO", 500, "beyond_index"),
        ("2012", "1h", {"O3": 1201}, "O3", 500, "beyond_index"),
        ("2026", "1h", {"NO2": 3841}, "NO2", 500, "beyond_index"),
        ("2026", "1h", {"PM10": 601}, "PM10", 500, "beyond_index"),
    ],
)
def test_rules_above_the_top_breakpoint(
    version: str,
    period: str,
    inputs: dict[str, object],
    pollutant: str,
    expected: int | None,
    rule: str | None,
) -> None:
    result = A.aqi(inputs, period, version)  # type: ignore[arg-type]
    assert result.iaqi[pollutant].iaqi == expected
    assert result.iaqi[pollutant].rule == rule


def test_2012_o3_8h_above_800_takes_the_1h_index() -> None:
    result = A.aqi({"O3_8h": 900, "O3": 900, "PM2_5": 40}, "24h", "2012")
    assert result.aqi == 350  # O3 1 h 900: 300 + 100 * 100 / 200
    assert result.primary_pollutants == ("O3",)
    alone = A.aqi({"O3_8h": 900}, "24h", "2012")
    assert alone.aqi is None
    assert any("O3 1 h" in note for note in alone.notes)


def test_2012_so2_above_800_without_24h_mean_is_noted() -> None:
    result = A.aqi({"SO2": 900, "PM2_5": 40}, "1h", "2012")
    assert result.aqi == 57
    assert any("SO2_24h" in note for note in result.notes)


@pytest.mark.parametrize(
    ("version", "value", "level", "category", "color"),
    [
        ("2012", 0, 1, "优", "#00E400"),
        ("2012", 50, 1, "优", "#00E400"),
        ("2012", 51, 2, "良", "#FFFF00"),
        ("2012", 100, 2, "良", "#FFFF00"),
        ("2012", 101, 3, "轻度污染", "#FF7E00"),
        ("2012", 150, 3, "轻度污染", "#FF7E00"),
        ("2012", 151, 4, "中度污染", "#FF0000"),
        ("2012", 200, 4, "中度污染", "#FF0000"),
        ("2012", 201, 5, "重度污染", "#99004C"),
        ("2012", 300, 5, "重度污染", "#99004C"),
        ("2012", 301, 6, "严重污染", "#7E0023"),
        ("2012", 500, 6, "严重污染", "#7E0023"),
        ("2012", 501, 6, "严重污染", "#7E0023"),
        ("2026", 1, 1, "优", "#00E400"),
        ("2026", 50, 1, "优", "#00E400"),
        ("2026", 51, 2, "良", "#FFFF00"),
        ("2026", 100, 2, "良", "#FFFF00"),
        ("2026", 101, 3, "轻度污染", "#FF7E00"),
        ("2026", 150, 3, "轻度污染", "#FF7E00"),
        ("2026", 151, 4, "中度污染", "#FF0000"),
        ("2026", 200, 4, "中度污染", "#FF0000"),
        ("2026", 201, 5, "重度污染", "#99004C"),
        ("2026", 300, 5, "重度污染", "#99004C"),
        ("2026", 301, 6, "严重污染", "#7E0023"),
        ("2026", 500, 6, "严重污染", "#7E0023"),
    ],
)
def test_levels_categories_colours(version: str, value: int, level: int, category: str, color: str) -> None:
    cat = A.aqi_category(value, version)
    assert (cat.level, cat.category, cat.color) == (level, category, color)


def test_category_beyond_the_2026_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="above the range"):
        A.aqi_category(501, "2026")


def test_aqi_is_the_maximum_and_primary_pollutants_tie() -> None:
    result = A.aqi({"SO2": 100, "NO2": 60, "PM10": 75, "CO": "3", "O3_8h": 130, "PM2_5": 45}, "24h", "2026")
    assert result.aqi == 75
    assert result.primary_pollutants == ("SO2", "NO2", "CO", "O3_8h")
    assert result.to_dict()["iaqi"] == {"SO2": 75, "NO2": 75, "PM10": 68, "CO": 75, "O3_8h": 75, "PM2_5": 70}


@pytest.mark.parametrize(
    ("inputs", "version", "primary"),
    [
        ({"PM2_5": 35}, "2012", ()),  # AQI 50: no primary pollutant
        ({"PM2_5": 36}, "2012", ("PM2_5",)),  # 52
        ({"PM2_5": 36, "PM10": 50}, "2012", ("PM2_5",)),
        ({"PM2_5": 75, "PM10": 150}, "2012", ("PM10", "PM2_5")),  # both 100
    ],
)
def test_primary_pollutant_only_above_50(
    inputs: dict[str, int], version: str, primary: tuple[str, ...]
) -> None:
    assert A.aqi(inputs, "24h", version).primary_pollutants == primary


def test_exceeding_pollutants_exist_in_2012_only() -> None:
    result = A.aqi({"PM2_5": 76, "PM10": 150, "SO2": 10}, "24h", "2012")
    assert result.exceeding_pollutants == ("PM2_5",)  # 102 > 100; PM10 at 100 does not exceed
    assert A.aqi({"PM2_5": 76}, "24h", "2026").exceeding_pollutants is None
    assert A.aqi({"PM2_5": 76}, "24h", "2026").to_dict()["exceeding_pollutants"] is None


FULL_2026 = {"SO2": 5, "NO2": 10, "PM10": 20, "CO": "0.4", "O3_8h": 60, "PM2_5": 15}


@pytest.mark.parametrize(
    ("inputs", "period", "aqi", "computed"),
    [
        (FULL_2026, "24h", 30, 30),  # O3 8 h 60: 30
        ({**FULL_2026, "CO": None}, "24h", None, 30),  # missing, AQI <= 100: not published
        ({**FULL_2026, "CO": "NA"}, "24h", None, 30),
        ({**FULL_2026, "CO": "/"}, "24h", 30, 30),  # not in the monitoring plan: published
        ({k: v for k, v in FULL_2026.items() if k != "CO"}, "24h", None, 30),
        ({**FULL_2026, "CO": None, "PM2_5": 75}, "24h", 114, 114),  # above 100: published
        ({"PM2_5": 60, "SO2": None}, "24h", None, 100),  # exactly 100: not published
        ({"PM2_5": 61}, "24h", 101, 101),
        (
            {"SO2": 5, "NO2": 10, "PM10": 20, "CO": "0.4", "O3": 60, "PM2_5": 15},
            "1h",
            22,
            22,
        ),  # PM2.5 15: 21.4 rounded up
        ({"SO2": 5, "NO2": 10, "PM10": 20, "CO": "0.4", "O3": 60}, "1h", None, 20),
        ({}, "24h", None, None),
    ],
)
def test_2026_missing_data_rule(
    inputs: dict[str, object], period: str, aqi: int | None, computed: int | None
) -> None:
    result = A.aqi(inputs, period, "2026")  # type: ignore[arg-type]
    assert result.aqi == aqi
    assert result.computed_aqi == computed
    out = result.to_dict()
    assert result.level == out["level"]
    if aqi is None:
        assert out["level"] is None and out["category"] is None and out["primary_pollutants"] == []
    assert out["withheld"] == (aqi is None and computed is not None)


def test_2012_publishes_from_what_is_there() -> None:
    result = A.aqi({"PM2_5": 35}, "24h", "2012")
    assert result.aqi == 50
    assert set(result.missing) == {"SO2", "NO2", "PM10", "CO", "O3", "O3_8h"}


def test_2026_aqi_starts_at_1() -> None:
    zero = dict.fromkeys(FULL_2026, 0)
    assert A.aqi(zero, "24h", "2026").aqi == 1
    assert A.aqi(zero, "24h", "2012").aqi == 0
    assert A.aqi({"PM2_5": "0.4"}, "24h", "2026").iaqi["PM2_5"].iaqi == 0


def test_indicators_outside_the_period_are_ignored() -> None:
    daily = A.aqi({"O3": 400, "PM2_5": 30}, "24h", "2026")
    assert daily.ignored == ("O3",) and "O3" not in daily.iaqi
    assert daily.aqi is None  # the 2026 daily report has no O3 1 h; the rest are missing
    realtime = A.aqi({"O3_8h": 400, "PM2_5": 30}, "1h", "2012")
    assert realtime.ignored == ("O3_8h",)
    assert realtime.aqi == 43
    opted = A.aqi({"O3_8h": 400, "PM2_5": 30}, "1h", "2012", realtime_o3_8h=True)
    assert opted.ignored == () and opted.aqi == 226  # 200 + 100 * 135 / 535
    assert A.aqi({"O3_8h": 400}, "1h", "2026", realtime_o3_8h=True).ignored == ("O3_8h",)
    assert A.aqi({"O3": "/"}, "24h", "2026").ignored == ()


@pytest.mark.parametrize(
    ("version", "date", "expected"),
    [
        (None, dt.date(2026, 2, 28), "2012"),
        (None, dt.date(2026, 3, 1), "2026"),
        (None, "2026-03-01", "2026"),
        (None, "2012-02-29", "2012"),
        (None, "2020-06-30", "2012"),
        ("2012", None, "2012"),
        ("HJ 633-2026", None, "2026"),
        (2026, None, "2026"),
        ("2026", "2026-11-01", "2026"),
    ],
)
def test_edition_by_version_or_date(version: object, date: object, expected: str) -> None:
    assert A.select_edition(version, date) == expected  # type: ignore[arg-type]
    assert A.aqi({"PM2_5": 75}, "24h", version, date=date).version == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("version", "date", "message"),
    [
        (None, None, "give the AQI version"),
        ("2012", "2026-03-01", "does not apply"),
        ("2026", "2026-02-28", "does not apply"),
        ("2030", None, "unknown AQI version"),
        (True, None, "unknown AQI version"),
        (None, "2012-02-28", "no HJ 633 edition"),
        (None, "01/03/2026", "YYYY-MM-DD"),
    ],
)
def test_edition_errors(version: object, date: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        A.select_edition(version, date)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("inputs", "period", "message"),
    [
        ({"PM25": 1}, "24h", "unknown pollutant"),
        ({"PM2_5": -1}, "24h", "negative"),
        ({"PM2_5": True}, "24h", "expected a number"),
        ({"PM2_5": "abc"}, "24h", "expected a number"),
        ({"PM2_5": "NaN"}, "24h", "expected a number"),
        ({"PM2_5": [1]}, "24h", "expected a number"),
        ({"PM2_5": 1}, "8h", "unknown period"),
    ],
)
def test_bad_input(inputs: dict[str, object], period: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        A.aqi(inputs, period, "2026")  # type: ignore[arg-type]


def test_single_iaqi() -> None:
    r = A.iaqi("PM2_5", 75, "24h", "2026")
    assert (r.iaqi, r.table, r.used) == (114, "PM25_24h", Decimal(75))
    assert r.to_dict() == {
        "concentration": 75.0,
        "used": 75.0,
        "table": "PM25_24h",
        "iaqi": 114,
        "rule": None,
    }
    assert A.iaqi("CO", "3.5", date="2025-01-01").iaqi == 88
    with pytest.raises(ValueError, match="not an indicator"):
        A.iaqi("O3", 100, "24h", "2026")


def test_to_dict_has_the_contract_fields() -> None:
    out = A.aqi({"PM2_5": 75, "PM10": 150}, "24h", "2026").to_dict()
    assert out["aqi"] == 114 and isinstance(out["aqi"], int)
    assert (out["level"], out["category"], out["primary_pollutants"]) == (3, "轻度污染", ["PM2_5"])
    assert out["iaqi"] == {"PM10": 112, "PM2_5": 114}
    assert (out["version"], out["standard"], out["color"], out["level_zh"]) == (
        "2026",
        "HJ 633-2026",
        "#FF7E00",
        "三级",
    )
    assert A.aqi({"PM2_5": 600}, "24h", "2026").to_dict()["beyond_index"] == ["PM2_5"]
