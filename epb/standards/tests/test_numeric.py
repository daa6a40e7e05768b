"""Decimal conversion, rounding and below-detection values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from epb.standards import numeric as M


@pytest.mark.parametrize(
    ("raw", "value", "limit"),
    [
        ("<0.01", "0.005", "0.01"),
        ("< 0.02 ", "0.01", "0.02"),
        ("0.01L", "0.005", "0.01"),
        ("0.01 L", "0.005", "0.01"),
        ("ND(0.004)", "0.002", "0.004"),
        ({"value": "0.04", "below_detection": True}, "0.02", "0.04"),
        ({"value": 3, "below_detection": False}, "3", None),
        ({"value": 3}, "3", None),
        ("1.5", "1.5", None),
        (0.1, "0.1", None),
        (7, "7", None),
        (Decimal("2.50"), "2.50", None),
    ],
)
def test_parse_measurement(raw: object, value: str, limit: str | None) -> None:
    m = M.parse_measurement(raw)
    assert m.value == Decimal(value)
    assert m.detection_limit == (None if limit is None else Decimal(limit))
    assert m.below_detection is (limit is not None)
    assert M.parse_measurement(m) is m


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "not a number"),
        ("<", "not a number"),
        ("<-1", "negative"),
        (-0.5, "negative"),
        (True, "expected a number"),
        (None, "expected a number"),
        ("nan", "not a finite number"),
        ("Infinity", "not a finite number"),
        ({"value": 1, "flag": "<"}, "below_detection"),
        ({"below_detection": True}, "below_detection"),
        ({"value": 1, "below_detection": "yes"}, "true or false"),
    ],
)
def test_parse_errors(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        M.parse_measurement(raw)


def test_measurement_helper_and_factor() -> None:
    assert M.measurement("0.01", below_detection=True).value == Decimal("0.005")
    assert M.below_detection_value(Decimal("0.01"), Decimal("0.25")) == Decimal("0.0025")


@pytest.mark.parametrize(
    ("value", "places", "even", "up"),
    [
        ("2.25", 1, "2.2", "2.3"),
        ("2.35", 1, "2.4", "2.4"),
        ("60.5", 0, "60", "61"),
        ("61.5", 0, "62", "62"),
        ("60.51", 0, "61", "61"),
        ("-0.5", 0, "-0", "-1"),
    ],
)
def test_rounding(value: str, places: int, even: str, up: str) -> None:
    assert M.round_half_even(Decimal(value), places) == Decimal(even)
    assert M.round_half_up(Decimal(value), places) == Decimal(up)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("100"), 100), (Decimal("100.0000001"), 101), (Fraction(301, 3), 101), (Fraction(300, 3), 100)],
)
def test_ceil_int(value: Decimal | Fraction, expected: int) -> None:
    assert M.ceil_int(value) == expected


def test_mean() -> None:
    assert M.mean([Decimal(1), Decimal(2)]) == Decimal("1.5")
    with pytest.raises(ValueError, match="no values"):
        M.mean([])
