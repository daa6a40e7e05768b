"""Numbers for the evaluators: exact conversion to ``Decimal``, rounding, below-detection values.

Binary floats never enter a comparison with a limit: a float is converted through its shortest
repr (0.1 → Decimal("0.1")), so a value read from JSON or a spreadsheet means what it shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Union

from epb.standards.tables import load, to_dec

__all__ = [
    "Measurement",
    "Number",
    "ValueLike",
    "below_detection_value",
    "ceil_int",
    "mean",
    "measurement",
    "parse_measurement",
    "round_half_even",
    "round_half_up",
    "to_decimal",
]

Number = Decimal | int | float
# Union[] because of the forward reference to Measurement, defined below.
ValueLike = Union[Decimal, int, float, str, "Measurement", Mapping[str, Any]]

# "<0.01", "< 0.01", "0.01L" (the Chinese report convention for "not detected, DL 0.01"), "ND(0.01)".
_BELOW_DL = re.compile(
    r"^\s*(?:<\s*(?P<a>[^<\s].*?)|(?P<b>[0-9.eE+-]+)\s*L|ND\s*\(\s*(?P<c>[^)]+?)\s*\))\s*$"
)


def to_decimal(value: object, *, name: str = "value") -> Decimal:
    """``value`` as a finite ``Decimal``; raises ``ValueError`` for anything else (bools included)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"{name}: expected a number, got {type(value).__name__}")
    try:
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name}: not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{name}: not a finite number: {value!r}")
    return result


def round_half_even(value: Decimal, places: int) -> Decimal:
    """GB/T 8170 rounding (四舍六入五成双) to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ceil_int(value: Decimal | Fraction) -> int:
    """Round up to an integer (HJ 633 进位取整): exact for Fractions and Decimals alike."""
    if isinstance(value, Fraction):
        return math.ceil(value)
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def mean(values: Iterable[Decimal]) -> Decimal:
    items = list(values)
    if not items:
        raise ValueError("mean of no values")
    return sum(items, Decimal(0)) / len(items)


def below_detection_value(detection_limit: Decimal, factor: Decimal | None = None) -> Decimal:
    """The value a below-detection result counts as: half the detection limit (环办监测函〔2020〕82号)."""
    if factor is None:
        factor = to_dec(load("water_2011")["below_detection"]["factor"])
    return detection_limit * factor


@dataclass(frozen=True)
class Measurement:
    """A measured value; when below detection, ``value`` is the substitute and the limit is kept."""

    value: Decimal
    detection_limit: Decimal | None = None

    @property
    def below_detection(self) -> bool:
        return self.detection_limit is not None


def measurement(value: object, *, below_detection: bool = False, name: str = "value") -> Measurement:
    """A value with a below-detection flag; flagged, ``value`` is the detection limit."""
    number = to_decimal(value, name=name)
    if number < 0:
        raise ValueError(f"{name}: negative value {number}")
    if below_detection:
        return Measurement(below_detection_value(number), number)
    return Measurement(number)


def parse_measurement(raw: object, *, name: str = "value") -> Measurement:
    """A number, a numeric string, ``"<DL"``, ``"DL L"``, ``"ND(DL)"``, a ``Measurement``, or
    ``{"value": x, "below_detection": bool}``."""
    if isinstance(raw, Measurement):
        return raw
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"value", "below_detection"}
        if unknown or "value" not in raw:
            raise ValueError(f"{name}: expected {{'value': x, 'below_detection': bool}}")
        flag = raw.get("below_detection", False)
        if not isinstance(flag, bool):
            raise ValueError(f"{name}: below_detection must be true or false")
        return measurement(raw["value"], below_detection=flag, name=name)
    if isinstance(raw, str):
        match = _BELOW_DL.match(raw)
        if match:
            limit = match.group("a") or match.group("b") or match.group("c")
            return measurement(limit.strip(), below_detection=True, name=name)
    return measurement(raw, name=name)
