"""Comprehensive trophic level index (总站生字〔2001〕090号)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from epb.standards import trophic as T
from epb.standards.tables import load

# r with chlorophyll a and TLI(j) = 10 (a + b ln C), from the rule, independent of the data file.
COEF = {
    "Chla": (1.0, 2.5, 1.086),
    "TP": (0.84, 9.436, 1.624),
    "TN": (0.82, 5.453, 1.694),
    "SD": (-0.83, 5.118, -1.94),
    "CODMn": (0.83, 0.109, 2.661),
}


def _float_tli(values: dict[str, float]) -> float:
    r2 = {k: COEF[k][0] ** 2 for k in values}
    total = sum(r2.values())
    return sum(r2[k] / total * 10 * (COEF[k][1] + COEF[k][2] * math.log(v)) for k, v in values.items())


def test_published_sample() -> None:
    r = T.tli(chla=10, tp="0.1", tn="1.5", sd="0.5", codmn=5)
    assert r.value == Decimal("54.92")
    assert (r.grade, r.grade_en, r.eutrophic) == ("轻度富营养", "light eutrophic", True)
    assert sum(r.weights.values()) == pytest.approx(Decimal(1))
    out = r.to_dict()
    assert out["weights"] == {"Chla": 0.2663, "TP": 0.1879, "TN": 0.179, "SD": 0.1834, "CODMn": 0.1834}
    assert out["components"]["Chla"] == 50.01


@pytest.mark.parametrize(
    "values",
    [
        {"Chla": 10.0, "TP": 0.1},
        {"TP": 0.05, "TN": 1.0, "CODMn": 4.0},
        {"SD": 2.0},
        {"Chla": 2.0, "TP": 0.02, "TN": 0.4, "SD": 3.0, "CODMn": 2.0},
    ],
)
def test_weights_renormalise_over_the_parameters_given(values: dict[str, float]) -> None:
    r = T.tli_from_values(values)
    assert float(r.raw) == pytest.approx(_float_tli(values), abs=1e-9)


def test_data_matches_the_rule() -> None:
    params = load("tli")["parameters"]
    for code, (r, a, b) in COEF.items():
        assert (float(params[code]["r"]), float(params[code]["a"]), float(params[code]["b"])) == (r, a, b)
    assert load("tli")["source"].startswith("中国环境监测总站")


@pytest.mark.parametrize(
    ("value", "grade", "half_open"),
    [
        ("29.99", "贫营养", "贫营养"),
        ("30", "中营养", "中营养"),
        ("50", "中营养", "轻度富营养"),
        ("50.01", "轻度富营养", "轻度富营养"),
        ("60", "轻度富营养", "中度富营养"),
        ("60.01", "中度富营养", "中度富营养"),
        ("70", "中度富营养", "重度富营养"),
        ("70.01", "重度富营养", "重度富营养"),
    ],
)
def test_grade_boundaries(value: str, grade: str, half_open: str) -> None:
    assert T.trophic_grade(Decimal(value))["name_zh"] == grade
    assert T.trophic_grade(Decimal(value), uncertain_upper_inclusive=False)["name_zh"] == half_open
    assert T.trophic_grade(Decimal(value), uncertain_upper_inclusive=True)["name_zh"] == grade


def test_mean_tli() -> None:
    a, b = T.tli(chla=2), T.tli(chla=50)
    m = T.mean_tli([a, b])
    assert m.raw == (a.raw + b.raw) / 2
    assert m.components == {} and m.grade == T.trophic_grade(m.value)["name_zh"]
    with pytest.raises(ValueError, match="no TLI"):
        T.mean_tli([])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "at least one"),
        ({"Chla": 0}, "greater than 0"),
        ({"SD": -1}, "negative"),
        ({"Turbidity": 3}, "unknown trophic parameter"),
    ],
)
def test_errors(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        T.tli_from_values(values)  # type: ignore[arg-type]
