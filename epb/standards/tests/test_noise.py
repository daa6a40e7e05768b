"""GB 3096-2008 zone limits and HJ 640-2012 compliance rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from epb.standards import noise as N

# GB 3096-2008 表1, typed from the standard.
LIMITS = {"0": (50, 40), "1": (55, 45), "2": (60, 50), "3": (65, 55), "4a": (70, 55), "4b": (70, 60)}


def _cases() -> list[tuple[str, str, int]]:
    return [
        (zone, period, pair[i]) for zone, pair in LIMITS.items() for i, period in enumerate(("day", "night"))
    ]


@pytest.mark.parametrize(("zone", "period", "limit"), _cases())
def test_limits_and_both_sides(zone: str, period: str, limit: int) -> None:
    assert N.noise_limit(zone, period) == limit
    at = N.assess_noise(zone, period, limit)
    assert not at.exceeds and at.exceedance_db == 0
    above = N.assess_noise(zone, period, Decimal(limit) + Decimal("0.1"))
    assert above.exceeds and above.exceedance_db == Decimal("0.1")
    below = N.assess_noise(zone, period, Decimal(limit) - Decimal("0.1"))
    assert not below.exceeds


@pytest.mark.parametrize(("zone", "expected"), [(0, "0"), (3, "3"), ("4A", "4a"), (" 4b ", "4b")])
def test_zone_forms(zone: object, expected: str) -> None:
    assert N.normalise_zone(zone) == expected


@pytest.mark.parametrize("zone", ["4", 4, "5", True, None, "a"])
def test_unknown_zones(zone: object) -> None:
    with pytest.raises(ValueError, match="unknown noise zone"):
        N.noise_limit(zone, "day")


def test_rounding_to_a_tenth_before_judging() -> None:
    assert not N.assess_noise("1", "day", "55.04").exceeds
    assert N.assess_noise("1", "day", "55.05").judged == Decimal("55.0")  # half-even
    assert N.assess_noise("1", "day", "55.06").exceeds
    raw = N.assess_noise("1", "day", "55.04", places=None)
    assert raw.exceeds and raw.exceedance_db == Decimal("0.04")


@pytest.mark.parametrize(
    ("zone", "leq", "lmax", "lmax_exceeds", "exceeds"),
    [
        ("1", 44, 60, False, False),  # night limit 45: Lmax up to 60
        ("1", 44, "60.1", True, True),
        ("1", 46, 50, False, True),
        ("4b", 50, 75, False, False),
        ("4b", 50, 76, True, True),
    ],
)
def test_night_lmax(zone: str, leq: object, lmax: object, lmax_exceeds: bool, exceeds: bool) -> None:
    r = N.assess_noise(zone, "night", leq, lmax)  # type: ignore[arg-type]
    assert r.lmax_exceeds is lmax_exceeds
    assert r.exceeds is exceeds
    assert r.lmax_limit == N.noise_limit(zone, "night") + 15


def test_daytime_lmax_is_not_judged() -> None:
    r = N.assess_noise("1", "day", 50, 90)
    assert r.lmax == 90 and r.lmax_limit is None and r.lmax_exceeds is None
    assert not r.exceeds


def test_railway_background() -> None:
    assert N.noise_limit("4b", "night", railway_background=True) == 55
    assert N.noise_limit("4b", "day", railway_background=True) == 70
    assert N.assess_noise("4b", "night", 58, railway_background=True).exceeds
    assert not N.assess_noise("4b", "night", 58).exceeds
    with pytest.raises(ValueError, match="zone 4b only"):
        N.noise_limit("4a", "night", railway_background=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "evening", 50), "unknown period"),
        (("1", "day", -1), "negative"),
        (("1", "day", True), "number"),
    ],
)
def test_errors(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        N.assess_noise(*args)  # type: ignore[arg-type]


def test_to_dict() -> None:
    out = N.assess_noise("1", "night", "46.2", 62).to_dict()
    assert out == {
        "limit": 45.0,
        "exceeds": True,
        "exceedance_db": 1.2,
        "zone": "1",
        "period": "night",
        "leq": 46.2,
        "leq_exceeds": True,
        "lmax": 62.0,
        "lmax_limit": 60.0,
        "lmax_exceeds": True,
        "lmax_exceedance_db": 2.0,
        "unit": "dB(A)",
    }


def test_energy_average() -> None:
    assert N.energy_average([60, 60]) == Decimal(60)
    # 60 and 70 dB: 10 lg((10^6 + 10^7) / 2) = 67.40 dB, not 65
    assert round(N.energy_average([60, 70]), 2) == Decimal("67.40")
    with pytest.raises(ValueError, match="no levels"):
        N.energy_average([])


def test_day_and_night_levels() -> None:
    hourly = {h: (60 if 6 <= h < 22 else 50) for h in range(24)}
    levels = N.day_night_levels(hourly)
    assert levels["day"] == Decimal(60) and levels["night"] == Decimal(50)
    partial = N.day_night_levels({7: 60, 8: 70})
    assert partial["night"] is None and round(partial["day"] or 0, 2) == Decimal("67.40")
    with pytest.raises(ValueError, match="expected 0-23"):
        N.day_night_levels({24: 50})


def test_zone_compliance_rates() -> None:
    points: list[Any] = [
        ("1", "day", 54),
        ("1", "day", 56),
        ("1", "night", 45),
        ("2", "day", 60),
        ("4a", "night", 56),
        N.assess_noise("4a", "night", 54, 80),  # Lmax is not part of the rate
    ]
    rates = N.zone_compliance_rate(points)
    assert rates.by_zone["1"]["day"].rate == Decimal("50.0")
    assert rates.by_zone["1"]["night"].rate == Decimal("100.0")
    assert "night" not in rates.by_zone["2"]
    assert rates.by_zone["4a"]["night"].rate == Decimal("50.0")
    assert (rates.overall["day"].monitored, rates.overall["day"].compliant) == (3, 2)
    assert rates.overall["day"].rate == Decimal("66.7")
    assert rates.to_dict()["overall"]["night"] == {"monitored": 3, "compliant": 2, "rate": 66.7}
    assert list(rates.by_zone) == ["1", "2", "4a"]
    empty = N.zone_compliance_rate([])
    assert empty.overall["day"].rate is None and empty.to_dict()["overall"]["day"]["rate"] is None


@pytest.mark.parametrize(
    ("kind", "period", "level", "grade"),
    [
        ("regional", "day", "50.0", "一级"),
        ("regional", "day", "50.1", "二级"),
        ("regional", "day", "65.0", "四级"),
        ("regional", "day", "65.1", "五级"),
        ("regional", "night", "40.0", "一级"),
        ("regional", "night", "55.1", "五级"),
        ("road_traffic", "day", "68.0", "一级"),
        ("road_traffic", "day", "74.1", "五级"),
        ("road_traffic", "night", "60.0", "二级"),
    ],
)
def test_hj640_grades(kind: str, period: str, level: str, grade: str) -> None:
    assert N.hj640_grade(kind, period, level)["grade"] == grade


def test_hj640_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown noise grading"):
        N.hj640_grade("status", "day", 50)
