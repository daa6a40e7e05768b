"""JSON records → evaluator calls, for ``epb evaluate KIND`` (see :mod:`epb.standards.cli`).

Each ``*_record`` function takes one decoded JSON object (floats already ``Decimal``) and returns
a JSON-ready dict, or raises ``ValueError`` with a message for the ``{"error": ...}`` line.
Fields are checked strictly: an unknown field, a wrong type or a value out of range is an error,
never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from epb.standards import aqi, drinking, gb3095, noise, trophic, water, water_bodies

__all__ = [
    "aqi_record",
    "drinking_record",
    "gb3095_record",
    "lake_record",
    "noise_record",
    "river_record",
    "tli_record",
    "water_record",
]


def _only(record: Mapping[str, Any], allowed: set[str], what: str = "field") -> None:
    unknown = [key for key in record if key not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}; expected some of: {', '.join(sorted(allowed))}")


def _opt_bool(record: Mapping[str, Any], key: str) -> bool | None:
    value = record.get(key)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false")
    return value


def _opt_str(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key}: expected a string")
    return value


def _object(record: Mapping[str, Any], key: str, *, required: bool = True) -> dict[str, Any]:
    value = record.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{key}: expected an object")
    return value


def _values(record: Mapping[str, Any], key: str = "values") -> dict[str, Any]:
    """Item values; ``null`` means "not measured" and is left out."""
    values = _object(record, key)
    present = {code: v for code, v in values.items() if v is not None}
    if not present:
        raise ValueError(f"{key}: no item values given")
    return present


def _number(record: Mapping[str, Any], key: str) -> Any:
    """A JSON number (or absent/null); strings and booleans are wrong types here."""
    value = record.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | Decimal)):
        raise ValueError(f"{key}: expected a number")
    return value


def _list(record: Mapping[str, Any], key: str) -> list[Any]:
    value = record.get(key)
    if not isinstance(value, list) or not value:
        raise ValueError(f"{key}: expected a non-empty list")
    return value


AQI_FIELDS = {"version", "date", "period", "round_concentrations", "realtime_o3_8h", "missing_practice"}


def aqi_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"version": "2012"|"2026" or "date": "YYYY-MM-DD", "period": "24h"|"1h",
       "SO2": 12, "NO2": 40, "PM10": 80, "CO": 0.8, "O3": 150, "O3_8h": 120, "PM2_5": 55}
      ug/m3, CO in mg/m3, numbers or numeric strings; any pollutant may be absent, null, "NA",
      "-" or "" (missing) or "/" (not monitored). period defaults to "24h". version or date is
      required; with both they must agree.
      Options: "round_concentrations": bool (default: 2026 yes, 2012 no), "realtime_o3_8h": bool
      (2012 real-time only), "SO2_24h" (2012 real-time, used when SO2 1 h > 800),
      "missing_practice": "cnemc" (withhold the AQI of incomplete data as CNEMC publishes).
    output: {"aqi": int|null, "level": 1-6|null, "category": "优"|"良"|...|null,
       "primary_pollutants": [...], "iaqi": {pollutant: int|null}, "version", "period", "color",
       "level_zh", "exceeding_pollutants" (2012; null in 2026), "missing", "withheld", ...}"""
    fields = {k: v for k, v in record.items() if k in AQI_FIELDS}
    allowed = set(aqi.pollutants()) | {"SO2_24h"}
    _only({k: v for k, v in record.items() if k not in AQI_FIELDS}, allowed, "pollutant")
    period = record.get("period", "24h")
    if not isinstance(period, str):
        raise ValueError("period: expected '24h' or '1h'")
    version = fields.get("version")
    if version is not None and not isinstance(version, str | int):
        raise ValueError("version: expected '2012' or '2026'")
    result = aqi.aqi(
        {k: v for k, v in record.items() if k in allowed},
        period,
        version,
        date=_opt_str(record, "date"),
        round_concentrations=_opt_bool(record, "round_concentrations"),
        realtime_o3_8h=bool(_opt_bool(record, "realtime_o3_8h")),
        missing_practice=_opt_str(record, "missing_practice"),
    )
    return result.to_dict()


def water_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"water_body": "river"|"lake", "values": {"COD": 25, "NH3N": "0.02L", ...},
       "target_class": "III", "include_tn": false}
      codes as in GB 3838-2002 tables 1 and 2 (pH DO CODMn COD BOD5 NH3N TP TN Cu Zn F Se As Hg Cd
      Cr6 Pb CN VPhenol Oil LAS S2 FC WT SO4 Cl NO3N Fe Mn) and Chla, SD; a value is a number, a
      numeric string, "<DL" / "DLL" (below detection: half the limit counts), or
      {"value": DL, "below_detection": true}; null = not measured. water_body defaults to "river".
    output: {"class": "I".."V"|"worse_than_V"|null, "item_classes": {...},
       "exceedances": {code: multiple}, "main_pollutants": [...], "meets_target": bool|null, ...}"""
    _only(record, {"water_body", "values", "target_class", "include_tn"})
    result = water.evaluate_section(
        _values(record),
        record.get("water_body", "river"),
        record.get("target_class"),
        include_tn=bool(_opt_bool(record, "include_tn")),
    )
    return result.to_dict()


def river_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"sections": [{code: value, ...}, ...], "water_body": "river", "target_class": "III"}
      >= 5 sections: graded by the shares of section classes; fewer: items averaged first.
    output: {"method", "grade", "color", "shares", "main_pollutants", "exceedance_rates",
       "averaged", "sections"}"""
    _only(record, {"sections", "water_body", "target_class"})
    sections = _list(record, "sections")
    if not all(isinstance(s, dict) for s in sections):
        raise ValueError("sections: expected a list of objects")
    result = water_bodies.evaluate_river(
        [{code: v for code, v in s.items() if v is not None} for s in sections],
        record.get("water_body", "river"),
        target_class=record.get("target_class"),
    )
    return result.to_dict()


def lake_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"points": [{code: value or [values over time], ...}, ...], "target_class": "III",
       "include_tn": false, "tli_method": "mean_concentrations"|"mean_of_points",
       "uncertain_upper_inclusive": bool}
    output: the water fields for the lake means, plus "points", "means" and "tli"."""
    _only(record, {"points", "target_class", "include_tn", "tli_method", "uncertain_upper_inclusive"})
    points = _list(record, "points")
    if not all(isinstance(p, dict) for p in points):
        raise ValueError("points: expected a list of objects")
    method = record.get("tli_method", "mean_concentrations")
    result = water_bodies.evaluate_lake(
        [{code: v for code, v in p.items() if v is not None} for p in points],
        record.get("target_class"),
        include_tn=bool(_opt_bool(record, "include_tn")),
        tli_method=method,
        uncertain_upper_inclusive=_opt_bool(record, "uncertain_upper_inclusive"),
    )
    return result.to_dict()


def tli_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"values": {"Chla": 10, "TP": 0.1, "TN": 1.5, "SD": 0.5, "CODMn": 5},
       "uncertain_upper_inclusive": bool}
      Chla mg/m3, TP/TN/CODMn mg/L, SD m; any non-empty subset (weights renormalised).
    output: {"tli": 54.92, "grade": "轻度富营养", "grade_en", "eutrophic", "components", "weights"}"""
    _only(record, {"values", "uncertain_upper_inclusive"})
    result = trophic.tli_from_values(
        _values(record), uncertain_upper_inclusive=_opt_bool(record, "uncertain_upper_inclusive")
    )
    return result.to_dict()


def drinking_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"values": {code: value, ...}, "water_body": "river"|"lake", "extra_limits": {code: limit}}
      table 1 items against class III, table 2 items against their limits, extra_limits (table 3
      items) as given.
    output: {"compliant": bool, "failing_items": [...], plus the water fields}"""
    _only(record, {"values", "water_body", "extra_limits"})
    result = drinking.drinking_water_compliance(
        _values(record),
        record.get("water_body", "river"),
        extra_limits=_object(record, "extra_limits", required=False),
    )
    return result.to_dict()


def noise_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"zone": "0"|"1"|"2"|"3"|"4a"|"4b", "period": "day"|"night", "leq": 55.3,
       "lmax": 70.1, "railway_background": false}
      leq in dB(A), judged after rounding to 0.1 dB; equal to the limit complies. lmax (optional)
      is judged at night only: at most 15 dB(A) over the limit. railway_background: zone 4b beside
      an existing railway trunk line, no train passing (70/55).
    output: {"limit": 45.0, "exceeds": bool, "exceedance_db": 1.2 (0 when it complies),
       "leq_exceeds", "lmax_limit", "lmax_exceeds", "lmax_exceedance_db", "zone", "period"}"""
    _only(record, {"zone", "period", "leq", "lmax", "railway_background"})
    for key in ("zone", "period", "leq"):
        if key not in record:
            raise ValueError(f"{key}: required")
    result = noise.assess_noise(
        record["zone"],
        record["period"],
        _number(record, "leq"),
        _number(record, "lmax"),
        railway_background=bool(_opt_bool(record, "railway_background")),
    )
    return result.to_dict()


def gb3095_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """{"pollutant": "PM2_5", "period": "annual"|"quarterly"|"24h"|"8h"|"1h", "zone_class": 1|2,
       "edition": "2012"|"2026" or "date": "YYYY-MM-DD", "phase": "transition"|"final", "value": 62}
    output: {"limit", "unit", "standard", "phase", "source", and with value: "exceeds",
       "exceedance_multiple"}"""
    _only(record, {"pollutant", "period", "zone_class", "edition", "date", "phase", "value"})
    pollutant, period = _opt_str(record, "pollutant"), _opt_str(record, "period")
    if pollutant is None or period is None:
        raise ValueError("pollutant and period are required")
    limit = gb3095.gb3095_limit(
        pollutant,
        period,
        record.get("zone_class", 2),
        record.get("edition"),
        date=_opt_str(record, "date"),
        phase=_opt_str(record, "phase"),
    )
    out = limit.to_dict()
    value = _number(record, "value")
    if value is not None:
        multiple = limit.exceedance_multiple(value)
        out["exceeds"] = multiple is not None
        out["exceedance_multiple"] = None if multiple is None else float(multiple)
    return out
