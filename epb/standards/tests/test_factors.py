"""Factor code table (HJ 212-2017 App. B.1/B.2) and unit conversions."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from epb.standards import factors


@pytest.mark.parametrize(
    ("code", "code_2017", "code_2005", "unit", "kind", "medium"),
    [
        ("w01018", "w01018", "011", "mg/L", "water", "water"),
        ("011", "w01018", "011", "mg/L", "water", "water"),
        ("w21003", "w21003", "060", "mg/L", "water", "water"),
        ("060", "w21003", "060", "mg/L", "water", "water"),
        ("w21011", "w21011", "101", "mg/L", "water", "water"),
        ("w00000", "w00000", "B01", "L/s", "param", "water"),
        ("B01", "w00000", "B01", "L/s", "param", "water"),
        ("a21026", "a21026", "02", "mg/m3", "gas", "gas"),
        ("02", "a21026", "02", "mg/m3", "gas", "gas"),
        ("a21002", "a21002", "03", "mg/m3", "gas", "gas"),
        ("a34013", "a34013", "01", "mg/m3", "gas", "gas"),
        ("a19001", "a19001", "S01", "%", "param", "gas"),
        ("s01", "a19001", "S01", "%", "param", "gas"),
        ("a01011", "a01011", "S02", "m/s", "param", "gas"),
        ("a00000", "a00000", "B02", "m3/s", "param", "gas"),
        ("a01012", "a01012", "S03", "degC", "param", "gas"),
        ("a01013", "a01013", "S08", "kPa", "param", "gas"),
        ("a01014", "a01014", "S05", "%", "param", "gas"),
        ("W20111", "w20111", "020", "ug/L", "water", "water"),
        ("w01010", "w01010", None, "degC", "param", "water"),
        ("a24088", "a24088", None, "mg/m3", "gas", "gas"),
    ],
)
def test_factor_lookup_both_code_sets(
    code: str, code_2017: str, code_2005: str | None, unit: str, kind: str, medium: str
) -> None:
    f = factors.factor(code)
    assert f is not None
    assert (f.code, f.code_2005, f.unit, f.kind, f.medium) == (code_2017, code_2005, unit, kind, medium)
    assert factors.to_2017(code) == code_2017
    assert factors.to_2005(code) == code_2005


@pytest.mark.parametrize("code", ["x99999", "999", "", "w0101"])
def test_unknown_codes_pass_through(code: str) -> None:
    assert factors.factor(code) is None
    assert factors.to_2017(code) == code
    assert factors.to_2005(code) is None


def test_names_and_cou_units() -> None:
    cod = factors.factor("w01018")
    hg = factors.factor("w20111")
    assert cod is not None and hg is not None
    assert (cod.name_zh, cod.cou_unit) == ("化学需氧量", "kg")
    assert (hg.name_zh, hg.cou_unit) == ("总汞", "g")


def test_table_is_consistent() -> None:
    raw = json.loads(resources.files("epb.standards").joinpath("data", "factors.json").read_text("utf-8"))
    codes = [r["code"] for r in raw["factors"]]
    old = [r["code_2005"] for r in raw["factors"] if r["code_2005"]]
    assert len(codes) == len(set(codes))
    assert len(old) == len(set(old))
    assert all(r["kind"] in {"water", "gas", "param"} for r in raw["factors"])
    assert all(r["code"][0] == r["medium"][0].replace("g", "a") for r in raw["factors"])
    assert len(factors.all_factors()) == len(codes)
    assert {f.code for f in factors.all_factors(kind="param", medium="gas")} >= {
        "a00000", "a01011", "a01012", "a01013", "a01014", "a19001",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        (250.0, "ug/L", "mg/L", 0.25),
        (250.0, "µg/L", "mg/L", 0.25),
        (0.05, "mg/L", "ug/L", 50.0),
        (1.0, "L/s", "m3/h", 3.6),
        (5.331, "m3/s", "m3/h", 19191.6),
        (2.0, "m³/h", "m3/h", 2.0),
        (1500.0, "kg", "t", 1.5),
        (12.0, "g", "kg", 0.012),
        (101.325, "kPa", "Pa", 101325.0),
        (7.1, "无量纲", "1", 7.1),
    ],
)
def test_convert(value: float, src: str, dst: str, expected: float) -> None:
    assert factors.convert(value, src, dst) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("src", "dst"), [("mg/L", "mg/m3"), ("kg", "m3"), ("mg/L", "furlong"), ("times", "1")]
)
def test_convert_refuses_other_families(src: str, dst: str) -> None:
    with pytest.raises(factors.UnitError):
        factors.convert(1.0, src, dst)
