"""Flue-gas conversions: O2 折算 with its cap, dry / standard state, flow, ppm."""

from __future__ import annotations

import pytest

from epb.standards import flue_gas as fg


@pytest.mark.parametrize(
    ("c", "o2", "ref", "cap", "expected"),
    [
        (100.0, 9.0, 6.0, 19.0, 125.0),  # 100 × 15 / 12
        (100.0, 6.0, 6.0, 19.0, 100.0),
        (100.0, 3.0, 6.0, 19.0, 100.0 * 15 / 18),  # below the reference: converted down
        (100.0, 12.0, 9.0, 19.0, 100.0 * 12 / 9),  # GB 13271 coal
        (40.0, 16.0, 15.0, 19.0, 40.0 * 6 / 5),  # gas turbine
        (100.0, 18.9, 6.0, 19.0, 100.0 * 15 / 2.1),  # just under the cap
        (100.0, 19.5, 6.0, 20.0, 1000.0),  # a higher cap set by the operator
        (100.0, 0.0, 3.5, 19.0, 100.0 * 17.5 / 21),
    ],
)
def test_convert_o2(c: float, o2: float, ref: float, cap: float, expected: float) -> None:
    conv = fg.convert_o2(c, o2, ref, cap_pct=cap)
    assert conv.value == pytest.approx(expected)
    assert conv.factor == pytest.approx((21 - ref) / (21 - o2))
    assert conv.reason is None


@pytest.mark.parametrize(("o2", "word"), [(19.0, "cap"), (20.5, "cap"), (21.0, "outside"), (-0.1, "outside")])
def test_convert_o2_refuses_implausible_oxygen(o2: float, word: str) -> None:
    conv = fg.convert_o2(100.0, o2, 6.0)
    assert conv.value is None and conv.factor is None
    assert conv.reason is not None and word in conv.reason


def test_excess_air_form_is_the_same_conversion() -> None:
    alpha, alpha_ref = fg.excess_air_coefficient(9.0), fg.excess_air_coefficient(6.0)
    assert alpha_ref == pytest.approx(1.4)
    assert 100.0 * alpha / alpha_ref == pytest.approx(fg.convert_o2(100.0, 9.0, 6.0).value)
    with pytest.raises(ValueError):
        fg.excess_air_coefficient(21.0)


@pytest.mark.parametrize(
    ("c", "src", "dst", "expected"), [(187.5, 6, 9, 150.0), (150.0, 9, 6, 187.5), (50, 6, 6, 50)]
)
def test_rescale_o2(c: float, src: float, dst: float, expected: float) -> None:
    assert fg.rescale_o2(c, src, dst) == pytest.approx(expected)


def test_wet_to_dry() -> None:
    assert fg.wet_to_dry(90.0, 0.1) == pytest.approx(100.0)
    assert fg.wet_to_dry(90.0, 0.0) == 90.0
    with pytest.raises(ValueError):
        fg.wet_to_dry(90.0, 1.0)


@pytest.mark.parametrize(
    ("c", "t", "ps", "ba", "expected"),
    [
        (100.0, 0.0, 0.0, 101325.0, 100.0),
        (100.0, 273.0, 0.0, 101325.0, 200.0),  # twice the absolute temperature
        (100.0, 0.0, -50662.5, 101325.0, 200.0),  # half the absolute pressure
        (100.0, 120.0, -300.0, 100300.0, 100.0 * 101325 / 100000 * 393 / 273),
    ],
)
def test_working_to_standard(c: float, t: float, ps: float, ba: float, expected: float) -> None:
    assert fg.working_to_standard(c, t, ps, ba) == pytest.approx(expected)


def test_standard_dry_flow_hand_computed() -> None:
    # 100 000 m³/h at 100 °C, B_a + P_s = 101 325 Pa, 8 % moisture: × 273/373 × 1 × 0.92
    q = fg.standard_dry_flow(100_000.0, 100.0, -500.0, 101_825.0, 0.08)
    assert q == pytest.approx(67_335.12, abs=0.01)
    with pytest.raises(ValueError):
        fg.standard_dry_flow(1.0, 20.0, 0.0, 101325.0, 1.2)


def test_flow_from_velocity() -> None:
    assert fg.flow_from_velocity(2.0, 10.0, 0.9) == pytest.approx(64_800.0)
    assert fg.flow_from_velocity(1.5, 12.0) == pytest.approx(64_800.0)


@pytest.mark.parametrize(
    ("ppm", "gas", "expected"),
    [(100.0, "SO2", 285.98), (100.0, "NO", 133.97), (100.0, "NO2", 205.40)],
)
def test_ppm_to_mg_m3(ppm: float, gas: str, expected: float) -> None:
    assert fg.ppm_to_mg_m3(ppm, fg.MOLAR_MASS[gas]) == pytest.approx(expected, abs=0.01)


def test_nox_as_no2() -> None:
    assert fg.nox_as_no2(30.0, 5.0) == pytest.approx(51.0)
    assert fg.nox_as_no2(60.0) == pytest.approx(92.0)
