"""HJ 212 factor (pollutant and parameter) codes: 2017 code ↔ 2005 code ↔ name ↔ unit ↔ kind.

The table is data (``data/factors.json``, from HJ 212-2017 App. B.1/B.2); this module only looks
it up and converts between the units devices use. Units are ASCII codes: ``mg/L``, ``ug/L``,
``ng/L``, ``mg/m3``, ``L/s``, ``m3/s``, ``m3/h``, ``m3``, ``kg``, ``g``, ``degC``, ``%``, ``kPa``,
``1`` (dimensionless), ``times`` (dilution factor), ``count/L``, ``level`` (Ringelmann).

    >>> factor("011").code, factor("w01018").name_en
    ('w01018', 'COD (CODcr)')
    >>> convert(250.0, "ug/L", "mg/L")
    0.25
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

__all__ = [
    "Factor",
    "UnitError",
    "all_factors",
    "convert",
    "factor",
    "normalise_unit",
    "to_2005",
    "to_2017",
]

Kind = Literal["water", "gas", "param"]
Medium = Literal["water", "gas"]


class UnitError(ValueError):
    """Two units that cannot be converted into each other (or an unknown unit)."""


@dataclass(frozen=True)
class Factor:
    code: str  # HJ 212-2017 code, e.g. "w01018"
    code_2005: str | None  # HJ/T 212-2005 code, e.g. "011"; None when 2005 had none
    name_zh: str
    name_en: str
    unit: str  # default transmission unit of Rtd/Avg/Min/Max
    cou_unit: str | None  # unit of -Cou (amount in the interval)
    kind: Kind  # water / gas pollutant or indicator, or a process parameter
    medium: Medium
    data_type: str | None  # HJ 212 field type, e.g. "N5.1"
    note: str | None = None


@cache
def _table() -> tuple[dict[str, Factor], dict[str, Factor]]:
    text = resources.files("epb.standards").joinpath("data", "factors.json").read_text(encoding="utf-8")
    raw: dict[str, Any] = json.loads(text)
    by_2017: dict[str, Factor] = {}
    by_2005: dict[str, Factor] = {}
    for row in raw["factors"]:
        f = Factor(**row)
        by_2017[f.code] = f
        if f.code_2005:
            by_2005[f.code_2005] = f
    return by_2017, by_2005


def factor(code: str) -> Factor | None:
    """The factor for a 2017 code (``w01018``) or a 2005 code (``011``, ``B01``); None if unknown.

    2017 codes are matched case-insensitively; 2005 codes as given (``S01`` and ``s01`` both work).
    """
    by_2017, by_2005 = _table()
    key = code.strip()
    return by_2017.get(key.lower()) or by_2005.get(key) or by_2005.get(key.upper())


def to_2017(code: str) -> str:
    """The 2017 code for any known code; an unknown code is returned unchanged (devices invent codes)."""
    f = factor(code)
    return f.code if f else code


def to_2005(code: str) -> str | None:
    """The 2005 code of a factor, or None when 2005 had no code for it (or the code is unknown)."""
    f = factor(code)
    return f.code_2005 if f else None


def all_factors(kind: Kind | None = None, medium: Medium | None = None) -> list[Factor]:
    """Every factor in the table, optionally only one kind or medium, in table order."""
    by_2017, _ = _table()
    return [
        f
        for f in by_2017.values()
        if (kind is None or f.kind == kind) and (medium is None or f.medium == medium)
    ]


# Unit families and the factor to each family's base unit. Physics, not a standard's figure.
_UNITS: dict[str, tuple[str, float]] = {
    "mg/L": ("conc_water", 1.0),
    "ug/L": ("conc_water", 1e-3),
    "ng/L": ("conc_water", 1e-6),
    "mg/m3": ("conc_gas", 1.0),
    "ug/m3": ("conc_gas", 1e-3),
    "ng/m3": ("conc_gas", 1e-6),
    "m3/h": ("flow", 1.0),
    "L/s": ("flow", 3.6),
    "m3/s": ("flow", 3600.0),
    "m3/d": ("flow", 1 / 24),
    "m3": ("volume", 1.0),
    "L": ("volume", 1e-3),
    "kg": ("mass", 1.0),
    "g": ("mass", 1e-3),
    "mg": ("mass", 1e-6),
    "t": ("mass", 1e3),
    "kPa": ("pressure", 1e3),
    "Pa": ("pressure", 1.0),
}

_ALIASES = {
    "µg/l": "ug/L",
    "μg/l": "ug/L",
    "mg/m³": "mg/m3",
    "µg/m3": "ug/m3",
    "μg/m3": "ug/m3",
    "m³/h": "m3/h",
    "m³/s": "m3/s",
    "m³/d": "m3/d",
    "m³": "m3",
    "l/s": "L/s",
    "l": "L",
    "°c": "degC",
    "℃": "degC",
    "无量纲": "1",
    "dimensionless": "1",
    "倍": "times",
    "个/l": "count/L",
    "级": "level",
    "吨": "t",
    "千克": "kg",
}


def normalise_unit(unit: str) -> str:
    """A unit spelled as devices and documents spell it, as the module's ASCII code."""
    u = unit.strip()
    if u in _UNITS:
        return u
    low = u.lower().replace("³", "3")
    for code in _UNITS:
        if code.lower() == low:
            return code
    return _ALIASES.get(u.lower(), _ALIASES.get(low, u))


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``; raises UnitError if they don't convert."""
    a, b = normalise_unit(from_unit), normalise_unit(to_unit)
    if a == b:
        return value
    if a not in _UNITS or b not in _UNITS or _UNITS[a][0] != _UNITS[b][0]:
        raise UnitError(f"cannot convert {from_unit!r} to {to_unit!r}")
    return value * _UNITS[a][1] / _UNITS[b][1]
