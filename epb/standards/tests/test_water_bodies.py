"""Rivers, basins and lakes by the 2011 method."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from epb.standards import water_bodies as B
from epb.standards.tables import load

GOOD, IV, V, BAD = "III", "IV", "V", "worse_than_V"


def _classes(good: int, bad: int, total: int) -> list[str]:
    return [GOOD] * good + [BAD] * bad + [IV] * (total - good - bad)


@pytest.mark.parametrize(
    ("good", "bad", "total", "grade", "color"),
    [
        (9, 0, 10, "优", "blue"),  # G = 90 %
        (10, 0, 10, "优", "blue"),
        (17, 0, 19, "良好", "green"),  # 89.5 %
        (15, 0, 20, "良好", "green"),  # 75 %
        (15, 5, 20, "良好", "green"),  # D does not matter while G >= 75 %
        (14, 0, 20, "轻度污染", "yellow"),  # 70 %
        (74, 19, 100, "轻度污染", "yellow"),  # D 19 %
        (74, 20, 100, "中度污染", "orange"),  # D 20 %
        (50, 39, 100, "中度污染", "orange"),
        (50, 40, 100, "重度污染", "red"),  # D 40 %
        (6, 4, 10, "重度污染", "red"),  # G 60 %, D 40 %: the uncertain point, D decides
        (0, 5, 5, "重度污染", "red"),
        (27, 0, 30, "优", "blue"),  # exactly 90 % (0.9 * 100 is not 90 in binary floats)
        (0, 3, 15, "中度污染", "orange"),  # exactly 20 %
        (1, 1, 6, "轻度污染", "yellow"),  # D 16.7 %
    ],
)
def test_river_grade(good: int, bad: int, total: int, grade: str, color: str) -> None:
    result = B.grade_river(_classes(good, bad, total))
    assert (result.grade, result.color) == (grade, color)
    assert result.good_share == Fraction(good, total)
    assert result.bad_share == Fraction(bad, total)


def test_uncertain_heavy_row_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    classes = _classes(6, 4, 10)
    assert B.grade_river(classes).grade == "重度污染"
    assert B.grade_river(classes, heavy_good_below=60).grade == "中度污染"
    assert B.grade_river(_classes(5, 5, 10), heavy_good_below=60).grade == "重度污染"
    monkeypatch.setitem(load("water_2011")["river_grading"], "heavy_good_below", 60)
    assert B.grade_river(classes).grade == "中度污染"


def test_river_grade_dict_and_errors() -> None:
    out = B.grade_river(["I", "II", "III", "IV", BAD, BAD]).to_dict()
    assert out == {
        "sections": 6,
        "class_counts": {"I": 1, "II": 1, "III": 1, "IV": 1, BAD: 2},
        "good_percent": 50.0,
        "worse_than_v_percent": 33.3,
        "grade": "中度污染",
        "color": "orange",
    }
    with pytest.raises(ValueError, match="at least 5"):
        B.grade_river(["I"] * 4)
    assert B.grade_river(["I"] * 4, min_sections=4).grade == "优"
    with pytest.raises(ValueError, match="unknown water class"):
        B.grade_river(["I"] * 4 + ["VI"])


SECTIONS: list[dict[str, Any]] = [
    {"COD": 25, "NH3N": "2.5", "TP": "0.1"},  # worse than V: NH3N, COD over III
    {"COD": 25, "NH3N": "0.5"},  # IV: COD
    {"COD": 10, "TP": "0.35"},  # V: TP
    {"COD": 10, "NH3N": "0.2"},  # II
    {"COD": 10, "NH3N": "1.2"},  # IV: NH3N
]


def test_river_with_five_sections_is_graded_by_shares() -> None:
    r = B.evaluate_river(SECTIONS)
    assert r.method == "class_share"
    assert r.shares is not None and r.shares.good_share == Fraction(1, 5)
    assert r.grade == "中度污染"  # G 20 %, D 20 %
    assert r.main_pollutants == ("COD", "NH3N", "TP")
    assert r.exceedance_rates == {"COD": Fraction(2, 5), "NH3N": Fraction(2, 5), "TP": Fraction(1, 5)}
    out = r.to_dict()
    assert out["exceedance_rates"] == {"COD": 40.0, "NH3N": 40.0, "TP": 20.0}
    assert len(out["sections"]) == 5 and out["averaged"] is None


def test_good_rivers_have_no_main_pollutants() -> None:
    r = B.evaluate_river([{"COD": 10}] * 4 + [{"COD": 25}])
    assert r.grade == "良好"
    assert r.main_pollutants == ()
    assert B.river_main_pollutants([]) == {}


def test_river_with_fewer_sections_is_averaged() -> None:
    r = B.evaluate_river([{"COD": 25, "NH3N": "2.5"}, {"COD": 15, "NH3N": "0.5"}, {"COD": 45}])
    assert r.method == "section_mean"
    assert r.averaged is not None
    assert r.averaged.items["COD"].value == Decimal("85") / 3  # 28.3: IV
    assert r.averaged.items["NH3N"].value == Decimal("1.5")  # averaged over the sections that have it
    assert r.averaged.water_class == "IV"
    assert (r.grade, r.color) == ("轻度污染", "yellow")
    assert r.main_pollutants == ("NH3N", "COD")
    assert r.to_dict()["shares"] is None


def test_river_errors() -> None:
    with pytest.raises(ValueError, match="at least one section"):
        B.evaluate_river([])
    with pytest.raises(ValueError, match="section 2 has none"):
        B.evaluate_river([{"COD": 10}, {"COD": 10}, {"WT": 10}, {"COD": 10}, {"COD": 10}])
    nothing = B.evaluate_river([{"WT": 10}])
    assert nothing.grade is None and nothing.color is None


def test_average_values_keeps_below_detection_only_if_all_were() -> None:
    means = B.average_values([{"Hg": "<0.0001"}, {"Hg": "<0.00004"}, {"Cd": "0.002"}])
    assert means["Hg"].value == Decimal("0.000035")
    assert means["Hg"].detection_limit == Decimal("0.0001")
    mixed = B.average_values([{"Hg": "<0.0001"}, {"Hg": "0.0001"}])
    assert mixed["Hg"].detection_limit is None
    assert mixed["Hg"].value == Decimal("0.000075")


def test_lake_means_over_time_then_points() -> None:
    points: list[dict[str, Any]] = [
        {"TP": ["0.04", "0.06"], "TN": "1.2", "CODMn": [4, 6], "Chla": 10, "SD": "0.5"},
        {"TP": "0.1", "TN": "1.8"},
    ]
    r = B.evaluate_lake(points, target_class="III")
    assert r.means["TP"].value == Decimal("0.075")  # (0.05 + 0.1) / 2, not (0.04 + 0.06 + 0.1) / 3
    assert r.means["CODMn"].value == Decimal(5)
    assert r.section.items["TP"].water_class == "IV"  # lake column
    assert r.section.water_class == "IV"
    assert r.section.meets_target is False
    assert r.section.reference_items["TN"].water_class == "IV"  # reference only
    assert r.tli is not None and r.tli.grade == "轻度富营养"
    out = r.to_dict()
    assert out["points"] == 2 and out["class"] == "IV" and out["tli"]["tli"] == float(r.tli.value)


def test_lake_tli_by_point() -> None:
    points: list[dict[str, Any]] = [{"Chla": 10, "TP": "0.1"}, {"Chla": 40, "TP": "0.2"}, {"COD": 10}]
    by_mean = B.evaluate_lake(points)
    by_point = B.evaluate_lake(points, tli_method="mean_of_points")
    assert by_mean.tli is not None and by_point.tli is not None
    assert by_mean.tli.value != by_point.tli.value
    assert by_point.tli_method == "mean_of_points"
    assert B.evaluate_lake([{"COD": 10}]).tli is None
    assert B.evaluate_lake([{"COD": 10}], tli_method="mean_of_points").tli is None


def test_lake_with_tn_in_the_class() -> None:
    r = B.evaluate_lake([{"TN": "1.8", "TP": "0.01"}], include_tn=True)
    assert r.section.water_class == "V"


@pytest.mark.parametrize(
    ("points", "kwargs", "message"),
    [
        ([], {}, "at least one point"),
        ([{"TP": []}], {}, "empty list"),
        ([{"TP": "0.1"}], {"tli_method": "median"}, "unknown tli_method"),
        ([{"TP": "0"}], {}, "greater than 0"),
    ],
)
def test_lake_errors(points: list[dict[str, object]], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        B.evaluate_lake(points, **kwargs)  # type: ignore[arg-type]
