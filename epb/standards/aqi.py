"""Air quality index by HJ 633-2012 and HJ 633-2026, chosen by version or by date.

Everything that differs between the editions is data (``data/hj633.json``): breakpoints, the
indicators of the daily (``"24h"``) and real-time (``"1h"``) reports, the rounding of
concentrations before the lookup (2026: GB/T 8170, integers, CO one decimal; 2012: none unless
asked), the rules above the last breakpoint (SO2 1 h and O3 8 h above 800), the AQI range,
primary and non-attainment pollutants, categories and colours, and the 2026 missing-data rule.

IAQI arithmetic is exact (``Fraction``) and rounded up, so a result that is an integer in exact
arithmetic is never pushed one higher by a binary or decimal remainder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from epb.standards.numeric import ceil_int, round_half_even, to_decimal
from epb.standards.tables import load, parse_date, to_dec

__all__ = [
    "AqiCategory",
    "AqiResult",
    "IaqiResult",
    "aqi",
    "aqi_category",
    "edition_for",
    "iaqi",
    "normalise_version",
    "select_edition",
]

PERIODS = ("24h", "1h")
AqiValue = Decimal | int | float | str | None


def _data() -> dict[str, Any]:
    return load("hj633")


def _edition(version: str) -> dict[str, Any]:
    edition: dict[str, Any] = _data()["editions"][version]
    return edition


def pollutants() -> tuple[str, ...]:
    """The input keys: ``SO2 NO2 PM10 CO O3 O3_8h PM2_5`` (CO in mg/m³, the rest µg/m³)."""
    return tuple(_data()["pollutants"])


def normalise_version(version: object) -> str:
    """``"2012"``/``"2026"``, also given as ``2026`` or ``"HJ 633-2026"``."""
    text = str(version).strip() if isinstance(version, str | int) and not isinstance(version, bool) else ""
    text = text.removeprefix("HJ 633-").removeprefix("HJ633-")
    if text not in _data()["editions"]:
        raise ValueError(f"unknown AQI version {version!r}; expected one of {', '.join(_data()['editions'])}")
    return text


def edition_for(day: dt.date) -> str:
    """The edition that applies on ``day`` (HJ 633-2026 from 2026-03-01)."""
    chosen = None
    for version, edition in _data()["editions"].items():
        if parse_date(edition["applies_from"]) <= day:
            chosen = version
    if chosen is None:
        raise ValueError(f"no HJ 633 edition applies on {day.isoformat()}")
    return chosen


def select_edition(version: object = None, date: dt.date | str | None = None) -> str:
    """Pick the edition from ``version`` or ``date``. Neither is an error (results must not change
    silently with the calendar); both must agree."""
    by_date = None
    if date is not None:
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise ValueError(f"date: expected YYYY-MM-DD, got {date!r}") from None
        by_date = edition_for(date)
    if version is None:
        if by_date is None:
            raise ValueError("give the AQI version ('2012' or '2026') or the date of the data")
        return by_date
    chosen = normalise_version(version)
    if by_date is not None and by_date != chosen:
        raise ValueError(f"version {chosen} does not apply on {date}; HJ 633-{by_date} does")
    return chosen


@dataclass(frozen=True)
class AqiCategory:
    level: int
    level_zh: str
    category: str
    color: str
    color_zh: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]


def aqi_category(value: int, version: str) -> AqiCategory:
    """Level, category and colour of an AQI value (values below the range take level 1)."""
    for row in _edition(normalise_version(version))["categories"]["levels"]:
        if row["max"] is None or value <= row["max"]:
            return AqiCategory(
                level=row["level"],
                level_zh=row["level_zh"],
                category=row["category"],
                color=row["color"],
                color_zh=row["color_zh"],
                rgb=tuple(row["rgb"]),
                cmyk=tuple(row["cmyk"]),
            )
    raise ValueError(f"AQI {value} is above the range of HJ 633-{version}")


@dataclass(frozen=True)
class IaqiResult:
    """One pollutant's sub-index. ``rule`` names any special rule that decided it:
    ``beyond_index`` (above the last breakpoint, capped), ``fixed_above_top`` (2026: SO2 1 h or
    O3 8 h above 800), ``from_24h`` / ``needs_24h`` (2012: SO2 1 h above 800), ``from_1h``
    (2012: O3 8 h above 800, the O3 1-h sub-index stands in)."""

    pollutant: str
    concentration: Decimal
    used: Decimal
    table: str
    iaqi: int | None
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "concentration": float(self.concentration),
            "used": float(self.used),
            "table": self.table,
            "iaqi": self.iaqi,
            "rule": self.rule,
        }


def _round_concentration(version: str, pollutant: str, value: Decimal, enabled: bool | None) -> Decimal:
    spec = _edition(version)["concentration_rounding"]
    if not (spec["default"] if enabled is None else enabled):
        return value
    places = spec["places"].get(pollutant.removesuffix("_24h"), spec["default_places"])
    return round_half_even(value, int(places))


def _interpolate(table: dict[str, Any], levels: list[int], value: Decimal) -> int | None:
    """Ceiling of the linear interpolation, or ``None`` above the last breakpoint."""
    bps = [Fraction(to_dec(b)) for b in table["bp"] if b is not None]
    c = Fraction(value)
    for i in range(len(bps) - 1):
        lo, hi = bps[i], bps[i + 1]
        if c <= hi:
            exact = Fraction(levels[i + 1] - levels[i]) * (c - lo) / (hi - lo) + levels[i]
            return ceil_int(exact)
    return None


def _iaqi(
    version: str,
    pollutant: str,
    table_name: str,
    value: Decimal,
    round_concentrations: bool | None,
    aux: Mapping[str, Decimal],
) -> IaqiResult:
    edition = _edition(version)
    table = edition["tables"][table_name]
    levels = edition["iaqi_levels"]
    used = _round_concentration(version, pollutant, value, round_concentrations)
    found = _interpolate(table, levels, used)
    if found is not None:
        return IaqiResult(pollutant, value, used, table_name, found)
    above = table.get("above_top")
    if above is None:
        cap = edition["beyond_top"]
        return IaqiResult(pollutant, value, used, table_name, int(cap["iaqi"]), "beyond_index")
    if above["rule"] == "fixed":
        return IaqiResult(pollutant, value, used, table_name, int(above["iaqi"]), "fixed_above_top")
    if above["rule"] == "use_table":
        other = aux.get(above["input"])
        if other is None:
            return IaqiResult(pollutant, value, used, table_name, None, "needs_24h")
        sub = _iaqi(version, above["input"], above["table"], other, round_concentrations, {})
        return IaqiResult(pollutant, value, used, table_name, sub.iaqi, "from_24h")
    if above["rule"] == "use_input":
        return IaqiResult(pollutant, value, used, table_name, None, "from_1h")
    raise AssertionError(f"data/hj633.json: unknown above_top rule {above['rule']!r}")  # pragma: no cover


def iaqi(
    pollutant: str,
    concentration: Decimal | int | float | str,
    period: str = "24h",
    version: object = None,
    *,
    date: dt.date | str | None = None,
    round_concentrations: bool | None = None,
) -> IaqiResult:
    """The sub-index of one pollutant as it enters the AQI of ``period``."""
    result = aqi(
        {pollutant: concentration}, period, version, date=date, round_concentrations=round_concentrations
    )
    if pollutant not in result.iaqi:
        raise ValueError(f"{pollutant} is not an indicator of the {period} report in HJ 633-{result.version}")
    return result.iaqi[pollutant]


@dataclass(frozen=True)
class AqiResult:
    version: str
    period: str
    aqi: int | None
    category: AqiCategory | None
    primary_pollutants: tuple[str, ...]
    exceeding_pollutants: tuple[str, ...] | None  # None: the edition has no such concept (2026)
    iaqi: Mapping[str, IaqiResult]
    computed_aqi: int | None = None  # before the 2026 missing-data rule withheld it
    missing: tuple[str, ...] = ()
    not_monitored: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def level(self) -> int | None:
        return None if self.category is None else self.category.level

    @property
    def withheld(self) -> bool:
        return self.aqi is None and self.computed_aqi is not None

    def to_dict(self) -> dict[str, Any]:
        cat = self.category
        return {
            "aqi": self.aqi,
            "level": None if cat is None else cat.level,
            "category": None if cat is None else cat.category,
            "primary_pollutants": list(self.primary_pollutants),
            "iaqi": {p: r.iaqi for p, r in self.iaqi.items()},
            "version": self.version,
            "standard": _edition(self.version)["standard"],
            "period": self.period,
            "level_zh": None if cat is None else cat.level_zh,
            "color": None if cat is None else cat.color,
            "color_zh": None if cat is None else cat.color_zh,
            "exceeding_pollutants": None
            if self.exceeding_pollutants is None
            else list(self.exceeding_pollutants),
            "computed_aqi": self.computed_aqi,
            "withheld": self.withheld,
            "missing": list(self.missing),
            "not_monitored": list(self.not_monitored),
            "ignored": list(self.ignored),
            "beyond_index": [p for p, r in self.iaqi.items() if r.rule == "beyond_index"],
            "rules": {p: r.rule for p, r in self.iaqi.items() if r.rule is not None},
            "used_concentrations": {p: float(r.used) for p, r in self.iaqi.items()},
            "notes": list(self.notes),
        }


def _state(name: str, raw: AqiValue) -> Decimal | str:
    """A concentration (a number or a numeric string), or the marker "NA" (missing; also null and
    the dashes of ``missing_also``) or "/" (not in the monitoring plan)."""
    markers = _data()["markers"]
    text = raw.strip() if isinstance(raw, str) else None
    if raw is None or text == markers["missing"] or text in markers["missing_also"]:
        return str(markers["missing"])
    if text == markers["not_monitored"]:
        return str(markers["not_monitored"])
    try:
        value = to_decimal(raw, name=name)
    except ValueError:
        raise ValueError(f"{name}: expected a number, null, 'NA' or '/', got {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name}: negative concentration {value}")
    return value


def aqi(
    concentrations: Mapping[str, AqiValue],
    period: str = "24h",
    version: object = None,
    *,
    date: dt.date | str | None = None,
    round_concentrations: bool | None = None,
    realtime_o3_8h: bool = False,
    missing_practice: str | None = None,
) -> AqiResult:
    """The AQI of one report.

    ``concentrations``: ``SO2 NO2 PM10 CO O3 O3_8h PM2_5`` (µg/m³, CO mg/m³); a value may be a
    number, ``None``/``"NA"`` (missing) or ``"/"`` (not in the monitoring plan). For a 2012
    real-time report, ``SO2_24h`` may be added: it is used only when SO2 1 h exceeds 800.
    ``period``: ``"24h"`` (daily report) or ``"1h"`` (real-time report). Pollutants that are not
    indicators of the period (O3 1 h in a 2026 daily report, O3 8 h in a real-time report) are
    listed as ``ignored``; ``realtime_o3_8h`` brings O3 8 h into a 2012 real-time report.
    ``missing_practice``: ``None`` applies the edition's own missing-data rule (2012: the AQI
    from the others; 2026: §5.3); ``"cnemc"`` withholds the AQI as CNEMC's real-time
    publications do (``missing_practices`` in ``data/hj633.json``).
    """
    version = select_edition(version, date)
    edition = _edition(version)
    if period not in edition["indicators"]:
        raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    indicators: dict[str, str] = dict(edition["indicators"][period])
    if realtime_o3_8h:
        indicators.update(edition["optional_indicators"].get(period, {}))

    markers = _data()["markers"]
    allowed = set(pollutants()) | set(_data()["units"])
    states: dict[str, Decimal | str] = {}
    for name, raw in concentrations.items():
        if name not in allowed:
            raise ValueError(f"unknown pollutant {name!r}; expected one of {', '.join(pollutants())}")
        states[name] = _state(name, raw)
    aux = {k: v for k, v in states.items() if k not in pollutants() and isinstance(v, Decimal)}
    ignored = tuple(
        name
        for name, v in states.items()
        if name in pollutants() and name not in indicators and isinstance(v, Decimal)
    )

    results: dict[str, IaqiResult] = {}
    missing: list[str] = []
    not_monitored: list[str] = []
    for name, table_name in indicators.items():
        state = states.get(name, markers["missing"])
        if isinstance(state, Decimal):
            results[name] = _iaqi(version, name, table_name, state, round_concentrations, aux)
        elif state == markers["not_monitored"]:
            not_monitored.append(name)
        else:
            missing.append(name)

    notes: list[str] = []
    for name, r in results.items():
        if r.rule == "from_1h" and "O3" not in results:
            notes.append(
                f"{name} above the top breakpoint: its sub-index comes from O3 1 h, which is missing"
            )
        if r.rule == "needs_24h":
            notes.append(f"{name} above the top breakpoint: its sub-index comes from the 24-h mean (SO2_24h)")

    values = [r.iaqi for r in results.values() if r.iaqi is not None]
    low, _high = edition["aqi_range"]
    computed = max(max(values), int(low)) if values else None
    shown = computed
    rule = edition["missing_data"]
    if missing_practice is not None:
        practices = edition.get("missing_practices", {})
        if missing_practice not in practices:
            raise ValueError(
                f"unknown missing_practice {missing_practice!r}; expected one of {', '.join(practices)}"
            )
        practice = practices[missing_practice]
        counted = [m for m in missing if m not in practice["not_counted"].get(period, [])]
        blocking = [m for m in missing if m in practice["always_withheld"]]
        if computed is not None and blocking:
            shown = None
            notes.append(f"{', '.join(blocking)} missing: AQI not published ({missing_practice})")
        elif computed is not None and counted and computed <= int(practice["publish_above"]):
            shown = None
            notes.append(
                f"{', '.join(counted)} missing and AQI {computed} <= {practice['publish_above']}: "
                f"AQI not published ({missing_practice})"
            )
    elif computed is not None and missing and rule is not None and computed <= int(rule["publish_above"]):
        shown = None
        notes.append(
            f"{', '.join(missing)} missing and AQI {computed} <= {rule['publish_above']}: AQI not published"
        )

    primary: tuple[str, ...] = ()
    if shown is not None and shown > int(edition["primary_pollutant_above"]):
        primary = tuple(name for name, r in results.items() if r.iaqi == shown)
    exceeding: tuple[str, ...] | None = None
    if edition["exceeding_above"] is not None:
        limit = int(edition["exceeding_above"])
        exceeding = tuple(name for name, r in results.items() if r.iaqi is not None and r.iaqi > limit)
    return AqiResult(
        version=version,
        period=period,
        aqi=shown,
        category=None if shown is None else aqi_category(shown, version),
        primary_pollutants=primary,
        exceeding_pollutants=exceeding,
        iaqi=results,
        computed_aqi=computed,
        missing=tuple(missing),
        not_monitored=tuple(not_monitored),
        ignored=ignored,
        notes=tuple(notes),
    )
