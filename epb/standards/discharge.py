"""Discharge and emission limits as data, and the exceedance (超标) judgement on top of them.

The limits live in ``data/discharge_limits.json``: one entry per standard (GB 18918, GB 4287,
GB 21900, GB 8978, DB32/1072, GB 13223, GB 13271, ultra-low …), each with classes or tables,
their periods of application (new / existing sources, dates) and per-factor rows. A row may hold
conditions on the outlet's context (water temperature, build date, discharge route, region, unit
type …); a factor's rows together make a :class:`Limit`, which picks its row per context.

    limits = limits_for("GB18918", "1A", date(2026, 5, 1))
    limits["w21003"].resolve({"water_temp_c": 10.5}).row.max     # → 8 (≤ 12 °C: bracketed value)

* when a condition cannot be decided (temperature missing …) the stricter row applies and the
  result names the unknown keys (``assumed``);
* per-outlet overrides (permit limits) replace the standard's rows while in force; where a national
  and a local standard both apply, :func:`strictest` keeps the stricter row per factor and context.

The judgement of values against these limits is in ``discharge_judge`` (:func:`judge` here
delegates to it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from epb.standards import factors

if TYPE_CHECKING:
    from epb.standards.discharge_judge import Exceedance, ValueRecord

__all__ = [
    "Basis",
    "Context",
    "Limit",
    "LimitOverride",
    "LimitRow",
    "NotInForce",
    "Period",
    "Resolved",
    "apply_overrides",
    "class_for",
    "evaluate_when",
    "judge",
    "limits_for",
    "standard_info",
    "standards",
    "strictest",
]

Basis = Literal["reading", "hourly_mean", "running_daily_mean", "daily_mean"]
RowKind = Literal["max", "range", "not_detected", "removal"]
Context = Mapping[str, Any]


class NotInForce(ValueError):
    """The class or table asked for does not apply on that date (or to that kind of source)."""


# -- conditions -------------------------------------------------------------------------------


def _scalar(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _test(key: str, value: Any, test: Mapping[str, Any]) -> bool:
    value = _scalar(value)
    for op, arg in test.items():
        try:
            if op == "eq":
                ok = value == arg
            elif op == "in":
                ok = value in arg
            elif op == "not_in":
                ok = value not in arg
            elif op == "gt":
                ok = value > arg
            elif op == "ge":
                ok = value >= arg
            elif op == "lt":
                ok = value < arg
            elif op == "le":
                ok = value <= arg
            else:
                raise ValueError(f"unknown condition test {op!r}")
        except TypeError as exc:
            raise ValueError(f"context key {key!r}: {value!r} cannot be compared with {arg!r}") from exc
        if not ok:
            return False
    return True


def evaluate_when(when: Mapping[str, Any], context: Context) -> bool | None:
    """Three-valued: True / False, or None when a key the decision needs is missing from context."""
    result: bool | None = True
    for key, test in when.items():
        r: bool | None
        if key == "any_of":
            parts = [evaluate_when(w, context) for w in test]
            r = True if True in parts else (False if all(p is False for p in parts) else None)
        else:
            value = context.get(key)
            r = None if value is None else _test(key, value, test)
        if r is False:
            return False
        if r is None:
            result = None
    return result


def _missing_keys(when: Mapping[str, Any], context: Context) -> set[str]:
    keys: set[str] = set()
    for key, test in when.items():
        if key == "any_of":
            for w in test:
                keys |= _missing_keys(w, context)
        elif context.get(key) is None:
            keys.add(key)
    return keys


# -- data types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A period of application: which sources (new / existing / any), from–to (inclusive), when."""

    sources: Literal["new", "existing", "any"] = "any"
    start: dt.date | None = None
    end: dt.date | None = None
    when: Mapping[str, Any] = field(default_factory=dict)

    def covers(self, on: dt.date, source_age: str | None, context: Context) -> bool:
        if source_age is not None and self.sources not in ("any", source_age):
            return False
        if (self.start and on < self.start) or (self.end and on > self.end):
            return False
        # An undecidable condition (capacity unknown …) counts as in force: the stricter reading.
        return evaluate_when(self.when, context) is not False


@dataclass(frozen=True)
class LimitRow:
    """One limit figure with its conditions and its origin (standard, class, table)."""

    item: str  # HJ 212-2017 factor code, or a slug for items with no code ("animal_vegetable_oil")
    kind: RowKind
    unit: str
    min: float | None = None
    max: float | None = None
    basis: Basis = "daily_mean"
    when: Mapping[str, Any] = field(default_factory=dict)
    name_zh: str = ""
    point: str | None = None  # wwtp_outlet | total | workshop | stack; None = any outlet
    reference_o2_pct: float | None = None
    standard: str = ""  # standard number, or "override"
    class_id: str = ""
    table: str = ""
    confidence: str = ""
    reference: str = ""  # permit or decision behind an override
    note: str | None = None
    in_force: tuple[Period, ...] = ()

    @property
    def origin(self) -> tuple[str, str, str]:
        return (self.standard, self.class_id, self.reference)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind,
            "min": self.min,
            "max": self.max,
            "unit": self.unit,
            "basis": self.basis,
            "reference_o2_pct": self.reference_o2_pct,
            "standard": self.standard,
            "class": self.class_id,
            "table": self.table,
            "confidence": self.confidence,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Resolved:
    row: LimitRow
    assumed: tuple[str, ...] = ()  # context keys that were unknown; the stricter row was taken


def _strictness(row: LimitRow, unit: str) -> tuple[float, float, float]:
    """Sort key: smaller is stricter. Rows of one item are compared in the first row's unit."""

    def conv(v: float | None) -> float:
        if v is None:
            return float("inf")
        try:
            return factors.convert(v, row.unit, unit)
        except factors.UnitError:
            return v

    if row.kind == "not_detected":
        return (0, 0.0, 0.0)
    if row.kind == "max":
        return (1, conv(row.max), 0.0)
    if row.kind == "range":
        lo, hi = conv(row.min), conv(row.max)
        return (1, hi - lo, -lo)
    return (2, -(row.min or 0.0), 0.0)  # removal: a higher required removal is stricter


@dataclass(frozen=True)
class Limit:
    """Every row for one item (possibly from several standards); :meth:`resolve` picks one."""

    item: str
    rows: tuple[LimitRow, ...]

    @property
    def name_zh(self) -> str:
        return self.rows[0].name_zh

    def resolve(self, context: Context | None = None) -> Resolved | None:
        """The row that applies: per origin the matching (or, if undecidable, strictest) row, then
        the strictest across origins. None when no row applies (every condition false)."""
        ctx = context or {}
        unit = self.rows[0].unit
        picks: list[Resolved] = []
        for origin in dict.fromkeys(r.origin for r in self.rows):
            group = [r for r in self.rows if r.origin == origin]
            verdicts = [(r, evaluate_when(r.when, ctx)) for r in group]
            certain = [r for r, v in verdicts if v is True]
            if certain:
                picks.append(Resolved(min(certain, key=lambda r: _strictness(r, unit))))
                continue
            open_rows = [r for r, v in verdicts if v is None]
            if open_rows:
                row = min(open_rows, key=lambda r: _strictness(r, unit))
                picks.append(Resolved(row, tuple(sorted(_missing_keys(row.when, ctx)))))
        if not picks:
            return None
        return min(picks, key=lambda p: _strictness(p.row, unit))


# -- loading and querying ---------------------------------------------------------------------


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _periods(raw: Iterable[Mapping[str, Any]]) -> tuple[Period, ...]:
    return tuple(
        Period(p["sources"], _date(p.get("from")), _date(p.get("to")), p.get("when", {})) for p in raw
    )


def _row(raw: Mapping[str, Any], std: Mapping[str, Any], class_id: str, table: str) -> LimitRow:
    return LimitRow(
        item=raw["item"],
        kind=raw["kind"],
        unit=raw["unit"],
        min=raw.get("min"),
        max=raw.get("max"),
        basis=raw["basis"],
        when=raw.get("when", {}),
        name_zh=raw["name_zh"],
        point=raw.get("point"),
        reference_o2_pct=raw.get("reference_o2_pct"),
        standard=std["number"],
        class_id=class_id,
        table=table,
        confidence=raw["confidence"],
        note=raw.get("note"),
        in_force=_periods(raw.get("in_force", [])),
    )


@cache
def _data() -> dict[str, Any]:
    text = (
        resources.files("epb.standards").joinpath("data", "discharge_limits.json").read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def _norm(name: str) -> str:
    return "".join(name.split()).upper()


@cache
def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for sid, std in _data()["standards"].items():
        for name in (sid, std["number"], *std["aliases"]):
            out[_norm(name)] = sid
    return out


def _standard(name: str) -> tuple[str, dict[str, Any]]:
    sid = _aliases().get(_norm(name))
    if sid is None:
        raise KeyError(f"unknown standard {name!r}; known: {', '.join(standards())}")
    return sid, _data()["standards"][sid]


def standards() -> list[str]:
    """The ids of every standard in the data file (``GB18918``, ``GB13223``, ``DB32/1072`` …)."""
    return list(_data()["standards"])


def standard_info(name: str) -> dict[str, Any]:
    """A standard's metadata (number, titles, effective date, notes, class ids) for display and citation."""
    sid, std = _standard(name)
    info = {k: v for k, v in std.items() if k not in ("classes", "common")}
    return {"id": sid, **info, "classes": list(std["classes"])}


def _class(std: Mapping[str, Any], name: str) -> tuple[str, dict[str, Any]]:
    classes: dict[str, Any] = std["classes"]
    if name in classes:
        return name, classes[name]
    key = _norm(name)
    for cid, c in classes.items():
        if key == _norm(cid) or key in (_norm(a) for a in c.get("aliases", [])):
            return cid, c
    known = ", ".join(classes) or "none (values not retrieved)"
    raise KeyError(f"{std['number']} has no class {name!r}; known: {known}")


def limits_for(
    standard: str,
    class_or_table: str,
    on_date: dt.date,
    *,
    source_age: Literal["new", "existing"] | None = None,
    context: Context | None = None,
    point: str | None = None,
    overrides: Iterable[LimitOverride] = (),
) -> dict[str, Limit]:
    """The limits of one class or table in force on ``on_date``, keyed by factor code (or item slug).

    ``source_age`` checks the class's period of application (None: any period will do); ``context``
    decides period conditions (boiler capacity); ``point`` keeps the rows for that monitoring point
    (and the point-less ones); ``overrides`` are the outlet's own limits, which win while in force.
    Raises KeyError for an unknown standard or class, NotInForce when the class does not apply.
    """
    ctx = context or {}
    _sid, std = _standard(standard)
    cid, cls = _class(std, class_or_table)
    if not any(p.covers(on_date, source_age, ctx) for p in _periods(cls["in_force"])):
        who = f"{source_age} sources" if source_age else "any source"
        raise NotInForce(f"{std['number']} {cid} is not in force for {who} on {on_date.isoformat()}")
    raw_rows = [(r, cls["table"]) for r in cls["limits"]]
    common = std.get("common")
    if common and any(p.covers(on_date, source_age, ctx) for p in _periods(common["in_force"])):
        raw_rows += [(r, common["table"]) for r in common["limits"]]
    grouped: dict[str, list[LimitRow]] = {}
    for raw, table in raw_rows:
        row = _row(raw, std, cid, table)
        if row.in_force and not any(p.covers(on_date, source_age, ctx) for p in row.in_force):
            continue
        if point is not None and row.point not in (None, point):
            continue
        grouped.setdefault(row.item, []).append(row)
    limits = {item: Limit(item, tuple(rows)) for item, rows in grouped.items()}
    return apply_overrides(limits, overrides, on_date) if overrides else limits


def class_for(
    standard: str,
    on_date: dt.date,
    *,
    source_age: Literal["new", "existing"],
    variant: str | None = None,
    special: bool = False,
    context: Context | None = None,
) -> str:
    """The class id in force for a source on a date, e.g. GB 4287 existing + direct in 2014 → T1-direct,
    in 2016 → T2-direct; GB 13271 in-use coal boiler → T1-coal. ``variant`` is direct / indirect,
    coal / oil / gas, or a GB 4287 discharge route (``municipal_sewer`` → direct, 2015 amendment).
    ``special`` selects the special-limit table (特别排放限值) of designated areas."""
    ctx = context or {}
    _sid, std = _standard(standard)
    if variant is not None:
        variant = std.get("route_variants", {}).get(variant, variant)
    found = [
        cid
        for cid, c in std["classes"].items()
        if (variant is None or c["variant"] == variant)
        and bool(c["special"]) == special
        and any(p.covers(on_date, source_age, ctx) for p in _periods(c["in_force"]))
    ]
    if len(found) != 1:
        what = "no class" if not found else f"several classes ({', '.join(found)})"
        who = f"{source_age} {variant}" if variant else source_age
        raise NotInForce(f"{std['number']}: {what} for {who} sources on {on_date.isoformat()}")
    return found[0]


def strictest(*limit_sets: Mapping[str, Limit]) -> dict[str, Limit]:
    """Several limit sets merged (national + local standard): every factor keeps all its rows and
    :meth:`Limit.resolve` takes the stricter one for the outlet's context."""
    merged: dict[str, list[LimitRow]] = {}
    for limits in limit_sets:
        for item, limit in limits.items():
            merged.setdefault(item, []).extend(limit.rows)
    return {item: Limit(item, tuple(rows)) for item, rows in merged.items()}


# -- per-outlet overrides ---------------------------------------------------------------------


@dataclass(frozen=True)
class LimitOverride:
    """An outlet's own limit (permit, EIA approval, local special limit), in force from–to (inclusive).

    Unset unit, basis, reference O2 and name are taken from the standard's row for the same item,
    else from the factor table (water → daily mean, pH → reading, gas → hourly mean)."""

    item: str
    kind: RowKind = "max"
    max: float | None = None
    min: float | None = None
    unit: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    when: Mapping[str, Any] = field(default_factory=dict)
    basis: Basis | None = None
    reference_o2_pct: float | None = None
    reference: str = ""
    name_zh: str = ""

    def in_force(self, on: dt.date) -> bool:
        if self.effective_from and on < self.effective_from:
            return False
        return not (self.effective_to and on > self.effective_to)


def _default_basis(item: str) -> Basis:
    f = factors.factor(item)
    if item == "w01001":
        return "reading"
    return "hourly_mean" if f is not None and f.medium == "gas" else "daily_mean"


def apply_overrides(
    limits: Mapping[str, Limit], overrides: Iterable[LimitOverride], on_date: dt.date
) -> dict[str, Limit]:
    """``limits`` with every item that has overrides in force on ``on_date`` replaced by them."""
    out = dict(limits)
    active: dict[str, list[LimitOverride]] = {}
    for o in overrides:
        if o.in_force(on_date):
            active.setdefault(factors.to_2017(o.item), []).append(o)
    for item, group in active.items():
        base = limits[item].rows[0] if item in limits else None
        f = factors.factor(item)
        base_o2 = base.reference_o2_pct if base else None
        rows = []
        for o in group:
            unit = o.unit or (base.unit if base else (f.unit if f else ""))
            rows.append(
                LimitRow(
                    item=item,
                    kind=o.kind,
                    unit=factors.normalise_unit(unit),
                    min=o.min,
                    max=o.max,
                    basis=o.basis or (base.basis if base else _default_basis(item)),
                    when=o.when,
                    name_zh=o.name_zh or (base.name_zh if base else (f.name_zh if f else item)),
                    point=base.point if base else None,
                    reference_o2_pct=base_o2 if o.reference_o2_pct is None else o.reference_o2_pct,
                    standard="override",
                    class_id="",
                    table="",
                    confidence="per outlet",
                    reference=o.reference,
                )
            )
        out[item] = Limit(item, tuple(rows))
    return out


def judge(
    value_record: ValueRecord, limit: Limit | None, context: Context | None = None
) -> Exceedance | None:
    """The exceedance of one value, or None; see ``discharge_judge.judge`` and ``assess`` for the rules."""
    from epb.standards.discharge_judge import judge as _judge  # the judge imports this module

    return _judge(value_record, limit, context)
