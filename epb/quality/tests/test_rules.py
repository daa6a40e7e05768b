"""The board's rules, table by table: aggregation, "stably", "≥10 % better", lakes, rivers,
drinking water, noise, air, stations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from epb.quality import rules
from epb.quality.rules import Reading
from epb.standards.numeric import Measurement

D = Decimal


def m(value: str, dl: str | None = None) -> Measurement:
    return Measurement(D(value), None if dl is None else D(dl))


# -- aggregation ---------------------------------------------------------------------------------


def test_monthly_means_group_by_beijing_month_and_count_below_detection_as_half() -> None:
    readings = [
        Reading(date(2010, 1, 4), {"NH3N": "0.4", "TP": "<0.02"}),
        Reading(date(2010, 1, 20), {"NH3N": "0.6", "TP": "0.05"}),
        Reading(date(2010, 2, 3), {"NH3N": "1.0", "TP": ""}),
    ]
    monthly = rules.monthly_means(readings)
    assert monthly[(2010, 1)]["NH3N"].value == D("0.5")
    assert monthly[(2010, 1)]["TP"].value == D("0.03")  # (0.01 + 0.05) / 2
    assert monthly[(2010, 1)]["TP"].detection_limit is None  # not every value was below detection
    assert "TP" not in monthly[(2010, 2)]  # an empty cell is not a zero


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("NH3N", D("2.0")),  # preferred item: the station's values alone when the month has them
        ("COD", D("20")),  # not preferred: the manual value
        ("TP", D("0.3")),  # not preferred and no manual value: the station's
    ],
)
def test_station_values_come_first_for_the_2020_items(code: str, expected: Decimal) -> None:
    readings = [
        Reading(date(2010, 5, 1), {"NH3N": "1.0", "COD": "20"}, "import"),
        Reading(date(2010, 5, 2), {"NH3N": "2.0", "COD": "40", "TP": "0.3"}, "station"),
    ]
    monthly = rules.monthly_means(readings, auto_preferred=("NH3N",))
    assert monthly[(2010, 5)][code].value == expected


def test_annual_mean_is_the_mean_of_monthly_means_not_of_samples() -> None:
    readings = [Reading(date(2010, 1, d), {"NH3N": "0.5"}) for d in (1, 2, 3, 4)]
    readings += [Reading(date(2010, m_, 1), {"NH3N": "2.2"}) for m_ in range(2, 13)]
    monthly = rules.monthly_means(readings)
    assert rules.annual_means(monthly)["NH3N"].value == (D("0.5") + 11 * D("2.2")) / 12
    assert rules.sample_means(readings)["NH3N"].value == (4 * D("0.5") + 11 * D("2.2")) / 15
    assert rules.annual_means(monthly, rules.months_of_year(2010, 1))["NH3N"].value == D("0.5")


def test_evaluate_ignores_items_outside_the_class_evaluation() -> None:
    result = rules.evaluate({"NH3N": m("1.2"), "ALGAE": m("3000")}, "river", "III")
    assert result is not None and result.water_class == "IV" and result.meets_target is False
    assert rules.evaluate({"ALGAE": m("3000")}, "river") is None


@pytest.mark.parametrize(
    ("n", "d", "places", "expected"),
    [(27, 30, 1, D("90.0")), (2, 3, 1, D("66.7")), (1, 8, 2, D("12.50")), (0, 0, 1, None)],
)
def test_percent(n: int, d: int, places: int, expected: Decimal | None) -> None:
    assert rules.percent(n, d, places) == expected


# -- stably on target ---------------------------------------------------------------------------

YEAR = rules.months_of_year(2010)


@pytest.mark.parametrize(
    ("classes", "rule", "min_months", "annual", "stable", "reason"),
    [
        ({mm: "II" for mm in YEAR}, "all_months", None, "II", True, ""),
        ({**{mm: "II" for mm in YEAR}, (2010, 7): "IV"}, "all_months", None, "III", False, "未达标月份：7月"),
        ({mm: "III" for mm in YEAR[:11]}, "all_months", None, "III", False, "缺测月份：12月"),
        (
            {**{mm: "II" for mm in YEAR}, (2010, 7): "IV"},
            "annual_and_months",
            11,
            "III",
            True,
            "未达标月份：7月",
        ),
        (
            {**{mm: "II" for mm in YEAR}, (2010, 7): "IV"},
            "annual_and_months",
            12,
            "III",
            False,
            "未达标月份：7月",
        ),
        ({mm: "III" for mm in YEAR}, "annual_and_months", 10, "IV", False, "年均值未达标"),
        ({}, "all_months", None, None, None, "无监测数据"),
    ],
)
def test_stable_on_target(
    classes: dict[rules.Month, str],
    rule: str,
    min_months: int | None,
    annual: str | None,
    stable: bool | None,
    reason: str,
) -> None:
    verdict = rules.stable_on_target(
        classes, "III", YEAR, rule=rule, min_months=min_months, annual_class=annual
    )
    assert verdict.stable is stable
    assert reason in verdict.reason


def test_stable_rule_needs_its_setting() -> None:
    with pytest.raises(ValueError, match="minimum"):
        rules.stable_on_target({(2010, 1): "II"}, "III", YEAR[:1], rule="annual_and_months")
    with pytest.raises(ValueError, match="unknown"):
        rules.stable_on_target({(2010, 1): "II"}, "III", YEAR[:1], rule="mostly")


# -- improvement --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "before", "after", "expected"),
    [
        ("NH3N", "2.0", "1.8", D("0.1")),
        ("NH3N", "2.0", "1.801", D("0.0995")),
        ("NH3N", "2.0", "2.2", D("-0.1")),
        ("DO", "4.0", "4.4", D("0.1")),  # dissolved oxygen improves upwards
        ("NH3N", "0", "0.5", None),
    ],
)
def test_improvement_of(code: str, before: str, after: str, expected: Decimal | None) -> None:
    assert rules.improvement_of(code, D(before), D(after)) == expected


def test_ph_has_no_direction_of_improvement() -> None:
    with pytest.raises(ValueError, match="pH"):
        rules.improvement_of("pH", D(7), D(8))


BASE = {"NH3N": m("2.0"), "TP": m("0.1"), "CODMn": m("5"), "DO": m("6")}


@pytest.mark.parametrize(
    ("current", "met", "improvement"),
    [
        ({**BASE, "NH3N": m("1.8")}, True, D("0.1")),  # exactly 10 %: enough
        ({**BASE, "NH3N": m("1.801")}, False, D("0.0995")),  # just under
        ({**BASE, "NH3N": m("1.0"), "TP": m("0.2")}, True, D("0.5")),  # TP was within class III: not judged
    ],
)
def test_improvement_on_the_items_that_exceeded_the_target(
    current: dict[str, Measurement], met: bool, improvement: Decimal
) -> None:
    verdict = rules.improvement_verdict(
        BASE, current, target_class="III", water_body="river", threshold=D(10)
    )
    assert [c.code for c in verdict.items] == ["NH3N"]
    assert (verdict.met, verdict.improvement) == (met, improvement)


def test_every_exceeding_item_must_improve_and_the_worst_decides() -> None:
    before = {"NH3N": m("2.0"), "TP": m("0.5"), "DO": m("4")}
    after = {"NH3N": m("1.0"), "TP": m("0.46"), "DO": m("4.4")}
    verdict = rules.improvement_verdict(
        before, after, target_class="III", water_body="river", threshold=D(10)
    )
    assert {c.code: c.improvement for c in verdict.items} == {
        "DO": D("0.1"),
        "NH3N": D("0.5"),
        "TP": D("0.08"),
    }
    assert verdict.met is False and verdict.improvement == D("0.08")


def test_configured_items_override_the_default() -> None:
    verdict = rules.improvement_verdict(
        BASE, {**BASE, "TP": m("0.08")}, target_class="III", water_body="river", threshold=D(10), items=["TP"]
    )
    assert verdict.met is True and verdict.improvement == D("0.2")


def test_composite_index_basis() -> None:
    before = {"NH3N": m("2.0"), "CODMn": m("6")}  # (2.0/1.0 + 6/6) / 2 = 1.5
    after = {"NH3N": m("1.7"), "CODMn": m("5.4")}  # (1.7 + 0.9) / 2 = 1.3
    verdict = rules.improvement_verdict(
        before, after, target_class="III", water_body="river", threshold=D(10), basis="composite_index"
    )
    assert verdict.composite == (D("1.5"), D("1.3"))
    assert verdict.improvement == (D("1.5") - D("1.3")) / D("1.5") and verdict.met is True


def test_no_exceeding_item_falls_back_to_the_composite_index() -> None:
    before = {"NH3N": m("0.9"), "CODMn": m("5")}
    after = {"NH3N": m("0.5"), "CODMn": m("4")}
    verdict = rules.improvement_verdict(
        before, after, target_class="III", water_body="river", threshold=D(10)
    )
    assert verdict.basis == "composite_index" and verdict.met is True and "综合污染指数" in verdict.note


@pytest.mark.parametrize(
    ("before", "after", "note"),
    [({}, BASE, "基准年"), (BASE, {}, "本年度"), (BASE, {"TP": m("0.1")}, "缺少")],
)
def test_improvement_without_data_is_not_judged(
    before: dict[str, Measurement], after: dict[str, Measurement], note: str
) -> None:
    verdict = rules.improvement_verdict(
        before, after, target_class="III", water_body="river", threshold=D(10)
    )
    assert verdict.met is None and note in verdict.note


# -- inflow rivers, lakes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sections", "method", "free", "klass"),
    [
        ([{"NH3N": m("1.9")}], "river_mean", True, "V"),
        ([{"NH3N": m("2.1")}], "river_mean", False, "worse_than_V"),
        ([{"NH3N": m("2.4")}, {"NH3N": m("1.4")}], "river_mean", True, "V"),  # averaged: 1.9
        ([{"NH3N": m("2.4")}, {"NH3N": m("1.4")}], "each_section", False, "worse_than_V"),
        ([{"NH3N": m("1.0")}] * 4 + [{"NH3N": m("2.5")}], "river_mean", False, "worse_than_V"),  # 5: shares
        ([{"NH3N": m("1.0")}] * 5, "river_mean", True, "III"),
        ([{}], "river_mean", None, None),
    ],
)
def test_inflow_verdict(
    sections: list[dict[str, Measurement]], method: str, free: bool | None, klass: str | None
) -> None:
    verdict = rules.inflow_verdict(sections, method=method)
    assert (verdict.free_of_worse_than_v, verdict.water_class) == (free, klass)


LAKE_2009 = [{"TP": m("0.12"), "TN": m("2.0"), "Chla": m("20"), "CODMn": m("5"), "SD": m("0.4")}]


@pytest.mark.parametrize(
    ("after", "basis", "improved"),
    [
        ([{**LAKE_2009[0], "TP": m("0.09")}], "class_then_tli", True),  # V → IV
        ([{**LAKE_2009[0], "TP": m("0.11")}], "class_then_tli", True),  # same class, lower TLI
        ([{**LAKE_2009[0], "TP": m("0.11")}], "class", False),
        ([{**LAKE_2009[0], "TP": m("0.11")}], "tli", True),
        ([{**LAKE_2009[0], "TP": m("0.13")}], "class_then_tli", False),
        ([{**LAKE_2009[0], "TP": m("0.21"), "Chla": m("5")}], "class_then_tli", False),  # worse class
        ([{**LAKE_2009[0], "TP": m("0.21"), "Chla": m("5")}], "tli", True),
    ],
)
def test_lake_verdict(after: list[dict[str, Measurement]], basis: str, improved: bool) -> None:
    verdict = rules.lake_verdict(rules.lake_result(LAKE_2009), rules.lake_result(after), basis=basis)
    assert verdict.improved is improved


def test_lake_without_data_is_not_judged() -> None:
    assert rules.lake_result([{}]) is None
    assert rules.lake_verdict(None, rules.lake_result(LAKE_2009)).improved is None


# -- drinking water, noise ------------------------------------------------------------------------

GOOD = {"DO": m("7"), "NH3N": m("0.2"), "TP": m("0.05")}


def test_drinking_every_month_and_annual_mean_rules() -> None:
    monthly = {(2010, mm): GOOD for mm in range(1, 13)}
    monthly[(2010, 3)] = {**GOOD, "NH3N": m("1.5")}  # class IV in March
    every = rules.drinking_verdict(monthly, "river")
    assert (every.compliant, every.failing_months, every.failing_items) == (False, ((2010, 3),), ("NH3N",))
    assert (every.months_evaluated, every.months_compliant) == (12, 11)
    annual = rules.drinking_verdict(monthly, "river", rule="annual_mean")
    assert annual.compliant is True  # (11 × 0.2 + 1.5) / 12 = 0.31
    assert rules.drinking_verdict({}, "river").compliant is None


def test_drinking_supplementary_items_count() -> None:
    assert rules.drinking_compliant({"Fe": "0.42", "NH3N": "0.2"}, "lake") == (False, ("Fe",))
    assert rules.drinking_compliant({"ALGAE": "10"}, "lake") is None


def test_noise_rates_day_and_night_apart() -> None:
    points = [
        rules.NoisePointTime("1", D("54.9"), D("45.0")),
        rules.NoisePointTime("1", D("55.2"), D("44.0")),  # day over 55
        rules.NoisePointTime("4b", D("66"), D("57"), railway_background=True),  # 70/55 beside old railways
    ]
    rates = rules.noise_rates(points)
    assert rates.overall["day"].rate == D("66.7") and rates.overall["night"].rate == D("66.7")
    assert rates.by_zone["4b"]["night"].compliant == 0


# -- wording, thresholds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [
        ("II", "I", "无明显变化"),  # same grade 优
        ("IV", "III", "有所好转"),
        ("worse_than_V", "III", "明显好转"),
        ("III", "V", "明显变差"),
        (None, "III", "—"),
    ],
)
def test_change_wording(before: str | None, after: str | None, text: str) -> None:
    assert rules.change_wording(before, after) == text


@pytest.mark.parametrize(
    ("value", "upper", "lower", "side"),
    [
        ("1.01", D("1"), None, "upper"),
        ("1", D("1"), None, None),
        ("4.9", None, D("5"), "lower"),
        ("<0.02", D("0.01"), None, None),
    ],
)
def test_breach(value: str, upper: Decimal | None, lower: Decimal | None, side: str | None) -> None:
    crossed = rules.breach(value, upper=upper, lower=lower)
    assert (crossed.side if crossed else None) == side


# -- air, stations -------------------------------------------------------------------------------


def test_air_daily_from_hours_follows_gb3095_validity() -> None:
    hours = {h: {"PM2_5": "40", "SO2": "10", "O3": str(60 + h)} for h in range(24)}
    daily = rules.air_daily(hours)
    assert daily["PM2_5"] == D(40) and daily["O3"] == D(83)
    assert daily["O3_8h"] == sum(D(60 + h) for h in range(16, 24)) / 8
    few = {h: {"PM2_5": "40"} for h in range(19)}  # 19 hours: no valid daily mean
    assert "PM2_5" not in rules.air_daily(few)


def test_city_mean_over_stations_that_have_the_pollutant() -> None:
    assert rules.city_mean([{"PM2_5": D(30), "SO2": D(6)}, {"PM2_5": D(50)}]) == {"PM2_5": D(40), "SO2": D(6)}


def test_station_values_take_valid_flags_and_convert_units() -> None:
    data = {
        "w21003": {"Avg": 0.42, "Flag": "N"},
        "w01019": {"Avg": 3.1, "Flag": "D"},  # fault: left out
        "w20111": {"Avg": 0.05, "Flag": "N"},  # mercury in µg/L, stored in mg/L
        "w00000": {"Avg": 12.0, "Flag": "N"},  # flow: not a quality item
        "w21011": {"Avg": -0.1, "Flag": "N"},
    }
    converted = rules.station_values("water", data)
    assert converted.values == {"NH3N": "0.42", "Hg": "0.00005"}
    assert "CODMn" in converted.skipped and "TP" in converted.skipped
