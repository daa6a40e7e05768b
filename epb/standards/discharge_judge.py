"""Exceedance (超标) judgement of monitored values against discharge limits.

Rules (discharge-and-validity.md §1, §4):

* water is judged on valid daily means, pH on each valid reading (a range); gas on valid hourly
  means of the O2-converted (折算) dry standard concentration. A value on a finer basis than the
  limit's (an hourly value against a daily limit, a running daily mean) gives a *provisional*
  result; a coarser one is not judged;
* invalid, substituted (S) or marked (标记) values are never judged;
* a value equal to the limit complies ("超过即视为超标"); pH 6 and 9 comply with 6–9;
* 超标倍数 (multiple) = (C − L) / L for maximum limits; "not detectable" rows compare with the
  detection limit; GB 18918 class 3 removal rows need the influent in context;
* units are converted (HJ 212 sends Hg, Cd, Cr6+, As, Pb in µg/L), gas values to the row's O2.

    limits = limits_for("GB18918", "1A", date(2026, 5, 1))
    judge(ValueRecord("w21003", 6.2, "daily_mean"), limits["w21003"], {"water_temp_c": 14.0})
    # → Exceedance(limit_max=5, multiple≈0.24, direction="above")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from epb.standards import factors
from epb.standards.discharge import (
    Basis,
    Context,
    Limit,
    LimitOverride,
    LimitRow,
    apply_overrides,
    limits_for,
    strictest,
)
from epb.standards.flue_gas import convert_o2, rescale_o2
from epb.standards.validity import flag_rule

__all__ = [
    "Assessment",
    "Exceedance",
    "JudgeSettings",
    "ValueRecord",
    "assess",
    "evaluate_record",
    "judge",
    "judge_values",
]

Status = Literal["compliant", "approaching", "exceeded", "not_judged", "no_limit"]
Direction = Literal["above", "below", "detected"]

_BASIS_RANK = {"reading": 0, "hourly_mean": 1, "running_daily_mean": 2, "daily_mean": 3}


@dataclass(frozen=True)
class ValueRecord:
    """A value to judge. ``basis`` says what it is: a reading, an hourly or a (running) daily mean.

    Gas values are compared O2-converted: give ``o2_converted_at`` (the reference O2 the value was
    converted to) or ``o2_measured_pct`` (the value is then the measured dry standard concentration).
    ``unit`` None means the factor's HJ 212 default unit (µg/L for Hg, Cd, Cr6+, As, Pb)."""

    item: str
    value: float
    basis: Basis
    unit: str | None = None
    valid: bool = True
    substituted: bool = False
    marked: bool = False
    flag: str | None = None
    o2_converted_at: float | None = None
    o2_measured_pct: float | None = None
    detection_limit: float | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True)
class JudgeSettings:
    """Not normative; defaults documented in docs/monitoring-rules.md."""

    prealarm_ratio: float | None = 0.9  # "approaching" at ≥ 90 % of a max limit; None turns it off
    rel_tolerance: float = 1e-9  # float noise: a value within this of the limit equals it (complies)
    o2_cap_pct: float = 19.0  # measured O2 at or above this is not converted (see flue_gas)


@dataclass(frozen=True)
class Exceedance:
    item: str
    value: float  # compared value in the limit's unit (removal: percent removed)
    unit: str
    direction: Direction
    limit_min: float | None
    limit_max: float | None
    excess: float | None  # how far beyond the bound (value − max, or min − value)
    multiple: float | None  # 超标倍数 (C − L) / L, max limits only
    ratio: float | None  # C / L, max limits only
    basis: Basis
    provisional: bool  # judged on a finer basis than the limit's (e.g. running daily mean)
    assumed: tuple[str, ...]
    row: LimitRow
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "value": self.value,
            "unit": self.unit,
            "direction": self.direction,
            "limit_min": self.limit_min,
            "limit_max": self.limit_max,
            "excess": self.excess,
            "multiple": self.multiple,
            "ratio": self.ratio,
            "basis": self.basis,
            "provisional": self.provisional,
            "assumed": list(self.assumed),
            "limit": self.row.to_dict(),
        }


@dataclass(frozen=True)
class Assessment:
    item: str
    status: Status
    value: float | None = None  # the compared value (limit's unit, O2-converted)
    row: LimitRow | None = None
    exceedance: Exceedance | None = None
    provisional: bool = False
    assumed: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def _basis_verdict(rec: Basis, row: Basis) -> bool | None:
    """True: definitive; False: provisional; None: cannot be judged on this basis."""
    if row == "reading":  # pH: each reading (an analyzer's hourly value is a reading)
        return True if _BASIS_RANK[rec] <= _BASIS_RANK["hourly_mean"] else None
    if rec == row:
        return True
    return False if _BASIS_RANK[rec] < _BASIS_RANK[row] else None


def assess(
    record: ValueRecord,
    limit: Limit | None,
    context: Context | None = None,
    settings: JudgeSettings = JudgeSettings(),
) -> Assessment:
    """The full verdict on one value: compliant / approaching / exceeded, or why it was not judged."""
    ctx = context or {}
    item = factors.to_2017(record.item)
    if limit is None:
        return Assessment(item, "no_limit", reasons=("no limit for this item",))
    reasons = []
    if not record.valid:
        reasons.append("invalid value")
    if record.substituted:
        reasons.append("substituted value")
    if record.marked:
        reasons.append("inside a marked period")
    rule = flag_rule(record.flag) if record.flag is not None else None
    if rule is not None and rule.over_range:
        reasons.append(
            f"flag {record.flag}: at or above the instrument range (over-range alarm; review the range)"
        )
    elif rule is not None and not rule.valid:
        reasons.append(f"flag {record.flag} is not valid")
    if reasons:
        return Assessment(item, "not_judged", reasons=tuple(reasons))
    resolved = limit.resolve(ctx)
    if resolved is None:
        return Assessment(item, "no_limit", reasons=("no row applies to this outlet's context",))
    row, assumed = resolved.row, resolved.assumed
    definitive = _basis_verdict(record.basis, row.basis)
    if definitive is None:
        why = f"{record.basis} value cannot be judged against a {row.basis} limit"
        return Assessment(item, "not_judged", row=row, assumed=assumed, reasons=(why,))
    value, why = _comparable(record, row, item, ctx, settings)
    if value is None:
        return Assessment(item, "not_judged", row=row, assumed=assumed, reasons=(why,))
    if row.kind == "not_detected" and record.detection_limit is None:
        assumed = (*assumed, "detection_limit")
    exc = _compare(value, row, record, settings)
    provisional = not definitive
    if exc is not None:
        exc = replace(exc, provisional=provisional, assumed=assumed)
        return Assessment(item, "exceeded", value, row, exc, provisional, assumed)
    near = (
        settings.prealarm_ratio is not None
        and row.kind == "max"
        and row.max is not None
        and row.max > 0
        and value >= settings.prealarm_ratio * row.max
    )
    return Assessment(item, "approaching" if near else "compliant", value, row, None, provisional, assumed)


def judge(
    value_record: ValueRecord,
    limit: Limit | None,
    context: Context | None = None,
    settings: JudgeSettings = JudgeSettings(),
) -> Exceedance | None:
    """The exceedance, or None (compliant, or not judged: see :func:`assess` for why)."""
    return assess(value_record, limit, context, settings).exceedance


def _comparable(
    rec: ValueRecord, row: LimitRow, item: str, ctx: Context, settings: JudgeSettings
) -> tuple[float | None, str]:
    """The record's value in the row's terms (unit, O2 reference, removal percent), or why not."""
    if row.kind == "removal":
        influent = ctx.get(f"influent_{item}")
        if influent is None or influent <= 0:
            return None, f"removal rule needs influent_{item} in context"
        return (influent - rec.value) / influent * 100.0, ""
    f = factors.factor(item)
    unit = rec.unit or (f.unit if f else row.unit)
    try:
        value = factors.convert(rec.value, unit, row.unit)
    except factors.UnitError as exc:
        return None, str(exc)
    ref = row.reference_o2_pct
    if ref is None:
        return value, ""
    if rec.o2_converted_at is not None:
        return rescale_o2(value, rec.o2_converted_at, ref), ""
    if rec.o2_measured_pct is None:
        return None, f"limit is at {ref} % O2: give o2_converted_at or o2_measured_pct"
    conv = convert_o2(value, rec.o2_measured_pct, ref, cap_pct=settings.o2_cap_pct)
    return conv.value, conv.reason or ""


def _above(value: float, bound: float, tol: float) -> bool:
    return value > bound + tol * max(abs(bound), 1.0)


def _compare(value: float, row: LimitRow, rec: ValueRecord, s: JudgeSettings) -> Exceedance | None:
    def exc(direction: Direction, excess: float | None, mult: float | None = None) -> Exceedance:
        ratio = value / row.max if mult is not None and row.max else None
        return Exceedance(
            row.item, value, row.unit, direction, row.min, row.max, excess, mult, ratio, rec.basis,
            provisional=False, assumed=(), row=row, start=rec.start, end=rec.end,
        )  # fmt: skip

    tol = s.rel_tolerance
    if row.kind == "max" and row.max is not None and _above(value, row.max, tol):
        return exc("above", value - row.max, (value - row.max) / row.max if row.max else None)
    if row.kind == "range":
        if row.max is not None and _above(value, row.max, tol):
            return exc("above", value - row.max)
        if row.min is not None and _above(row.min, value, tol):
            return exc("below", row.min - value)
    if row.kind == "not_detected":
        dl = rec.detection_limit if rec.detection_limit is not None else 0.0
        if _above(value, dl, tol):
            return exc("detected", value - dl)
    if row.kind == "removal" and row.min is not None and not _above(value, row.min, tol):
        return exc("below", row.min - value)  # removal must exceed the figure
    return None


def judge_values(
    limits: Mapping[str, Limit],
    values: Mapping[str, float | ValueRecord],
    context: Context | None = None,
    *,
    basis: Basis | None = None,
    settings: JudgeSettings = JudgeSettings(),
) -> dict[str, Assessment]:
    """Assess several values at once, keyed by 2017 code. A plain number is taken on ``basis``, or,
    when None, on its limit's own basis (a valid daily mean for water, hourly for gas, a reading for pH)."""
    out: dict[str, Assessment] = {}
    for code, v in values.items():
        item = factors.to_2017(code)
        limit = limits.get(item)
        if isinstance(v, ValueRecord):
            rec = v
        else:
            resolved = limit.resolve(context) if limit else None
            own: Basis = resolved.row.basis if resolved else "daily_mean"
            rec = ValueRecord(item, float(v), basis or own)
        out[item] = assess(rec, limit, context, settings)
    return out


# -- `epb evaluate discharge` -----------------------------------------------------------------

_FIELDS = {
    "standard",
    "class",
    "date",
    "values",
    "context",
    "source_age",
    "point",
    "also",
    "overrides",
    "basis",
}
_VALUE_FIELDS = {
    "value", "unit", "basis", "valid", "substituted", "marked", "flag",
    "o2_converted_at", "o2_measured_pct", "detection_limit",
}  # fmt: skip
_OVERRIDE_FIELDS = {
    "item",
    "kind",
    "max",
    "min",
    "unit",
    "from",
    "to",
    "when",
    "basis",
    "reference_o2_pct",
    "reference",
}


def _num(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{what} must be a number")
    return float(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check_fields(obj: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ValueError(f"unknown field(s) in {what}: {', '.join(unknown)}")


def _record(code: str, raw: Any, basis: Basis | None) -> float | ValueRecord:
    if not isinstance(raw, dict):
        value = _num(raw, code)
        if value < 0:
            raise ValueError(f"{code}: negative value (invalid data, not judged)")
        return value
    _check_fields(raw, _VALUE_FIELDS, code)
    raw = _plain(raw)
    b = raw.get("basis") or basis
    if b is None:
        raise ValueError(f"{code}: give a basis (reading, hourly_mean, running_daily_mean, daily_mean)")
    if b not in _BASIS_RANK:
        raise ValueError(f"{code}: unknown basis {b!r}")
    fields = {k: v for k, v in raw.items() if k not in ("value", "basis")}
    return ValueRecord(factors.to_2017(code), _num(raw.get("value"), f"{code}.value"), b, **fields)


def _override(raw: Any) -> LimitOverride:
    if not isinstance(raw, dict) or "item" not in raw:
        raise ValueError("each override must be an object with an item")
    _check_fields(raw, _OVERRIDE_FIELDS, "override")
    raw = _plain(raw)
    day = dt.date.fromisoformat
    extra = {
        k: raw[k]
        for k in ("kind", "max", "min", "unit", "when", "basis", "reference_o2_pct", "reference")
        if k in raw
    }
    return LimitOverride(
        raw["item"],
        effective_from=day(raw["from"]) if raw.get("from") else None,
        effective_to=day(raw["to"]) if raw.get("to") else None,
        **extra,
    )


def evaluate_record(obj: dict[str, Any]) -> dict[str, Any]:
    """{"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": 45, "w21003": {"value": 6, "basis": "daily_mean"}}, "context": {"water_temp_c": 14}, optional "source_age", "point", "basis", "also": [{"standard", "class"}] (stricter of several standards), "overrides": [{"item", "max" | "min", "kind", "unit", "from", "to", "reference"}]}"""  # noqa: E501
    _check_fields(obj, _FIELDS, "input")
    for key in ("standard", "class", "date"):
        if not isinstance(obj.get(key), str):
            raise ValueError(f"{key} is required (a string)")
    values = obj.get("values")
    if not isinstance(values, dict) or not values:
        raise ValueError("values must be an object of factor code → value")
    context = _plain(obj.get("context") or {})
    if not isinstance(context, dict):
        raise ValueError("context must be an object")
    on = dt.date.fromisoformat(obj["date"])
    basis = obj.get("basis")
    if basis is not None and basis not in _BASIS_RANK:
        raise ValueError(f"unknown basis {basis!r}")
    kw: dict[str, Any] = {"source_age": obj.get("source_age"), "context": context, "point": obj.get("point")}
    limits = limits_for(obj["standard"], obj["class"], on, **kw)
    first = next(iter(limits.values()), None)
    for extra in obj.get("also") or []:
        if not isinstance(extra, dict) or not {"standard", "class"} <= set(extra):
            raise ValueError("each entry of also needs standard and class")
        limits = strictest(limits, limits_for(extra["standard"], extra["class"], on, **kw))
    overrides = [_override(o) for o in obj.get("overrides") or []]
    if overrides:
        limits = apply_overrides(limits, overrides, on)
    records: dict[str, float | ValueRecord] = {}
    for code, raw in values.items():
        item = factors.to_2017(code)
        if item not in limits and factors.factor(code) is None:
            raise ValueError(f"unknown factor {code!r}")
        records[item] = _record(code, raw, basis)
    results = judge_values(limits, records, context, basis=basis)
    row0 = first.rows[0] if first else None
    return {
        "standard": row0.standard if row0 else obj["standard"],
        "class": row0.class_id if row0 else obj["class"],
        "date": on.isoformat(),
        "exceedances": [a.exceedance.to_dict() for a in results.values() if a.exceedance],
        "results": {
            item: {
                "status": a.status,
                "value": a.value,
                "limit": a.row.to_dict() if a.row else None,
                "provisional": a.provisional,
                "assumed": list(a.assumed),
                "reasons": list(a.reasons),
            }
            for item, a in results.items()
        },
    }
