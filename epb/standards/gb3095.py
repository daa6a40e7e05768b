"""GB 3095 ambient air quality limits by edition (2012, 2026) and phase, and the data-validity
minimums of its table 4 (plus the HJ 663 rule for the O3 daily maximum 8-h value).

Editions are chosen by ``edition`` or by the date of the data; GB 3095-2026 has a transition
phase (2026-03-01 … 2030-12-31) and final limits from 2031-01-01, chosen by ``phase`` or date.
Pollutants: ``SO2 NO2 CO O3 PM10 PM2_5 TSP NOx Pb BaP``; periods: ``annual quarterly 24h 8h 1h``
(``8h`` = O3 daily maximum 8-h mean).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from epb.standards.numeric import to_decimal
from epb.standards.tables import load, parse_date, to_dec

__all__ = [
    "AirLimit",
    "Validity",
    "annual_validity",
    "daily_validity",
    "edition_for",
    "eight_hour_validity",
    "gb3095_limit",
    "hourly_validity",
    "o3_daily_max_8h_validity",
    "phase_for",
    "quarterly_validity",
]


def _data() -> dict[str, Any]:
    return load("gb3095")


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date: expected YYYY-MM-DD, got {value!r}") from None


def normalise_edition(edition: object) -> str:
    text = str(edition).strip() if isinstance(edition, str | int) and not isinstance(edition, bool) else ""
    text = text.removeprefix("GB 3095-").removeprefix("GB3095-")
    if text not in _data()["editions"]:
        raise ValueError(
            f"unknown GB 3095 edition {edition!r}; expected one of {', '.join(_data()['editions'])}"
        )
    return text


def _in_phase(bounds: Mapping[str, Any], day: dt.date) -> bool:
    end = bounds["to"]
    return parse_date(bounds["from"]) <= day and (end is None or day <= parse_date(end))


def edition_for(day: dt.date | str) -> str:
    """The edition in force on ``day``."""
    day = _as_date(day)
    for name, edition in _data()["editions"].items():
        if any(_in_phase(b, day) for b in edition["phases"].values()):
            return str(name)
    raise ValueError(f"no GB 3095 edition applies on {day.isoformat()}")


def phase_for(edition: str, day: dt.date | str) -> str:
    """The phase of ``edition`` on ``day`` (``"single"`` for 2012; ``"transition"``/``"final"``)."""
    day = _as_date(day)
    for name, bounds in _data()["editions"][normalise_edition(edition)]["phases"].items():
        if _in_phase(bounds, day):
            return str(name)
    raise ValueError(f"GB 3095-{normalise_edition(edition)} has no phase on {day.isoformat()}")


@dataclass(frozen=True)
class AirLimit:
    pollutant: str
    period: str
    zone_class: int
    value: Decimal
    unit: str
    edition: str
    phase: str
    source: str

    def exceeded_by(self, concentration: Decimal | int | float | str) -> bool:
        """A concentration exceeds the limit when it is above it (equal complies)."""
        return to_decimal(concentration, name=self.pollutant) > self.value

    def exceedance_multiple(self, concentration: Decimal | int | float | str) -> Decimal | None:
        """(C − S) / S when above the limit, else ``None``."""
        c = to_decimal(concentration, name=self.pollutant)
        return (c - self.value) / self.value if c > self.value else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pollutant": self.pollutant,
            "period": self.period,
            "zone_class": self.zone_class,
            "limit": float(self.value),
            "unit": self.unit,
            "standard": f"GB 3095-{self.edition}",
            "phase": self.phase,
            "source": self.source,
        }


def gb3095_limit(
    pollutant: str,
    period: str,
    zone_class: int | str = 2,
    edition: object = None,
    *,
    date: dt.date | str | None = None,
    phase: str | None = None,
) -> AirLimit:
    """The concentration limit of a pollutant for an averaging period in a zone class (1 or 2).

    ``edition`` or ``date`` chooses the edition; for GB 3095-2026, ``phase`` or ``date`` chooses
    the phase. With both an edition and a date, the date must fall within that edition.
    """
    grades = _data()["zone_grades"]
    if str(zone_class) not in grades or isinstance(zone_class, bool):
        raise ValueError(f"unknown zone class {zone_class!r}; expected 1 or 2")
    if edition is None:
        if date is None:
            raise ValueError("give the GB 3095 edition or the date of the data")
        edition = edition_for(date)
    name = normalise_edition(edition)
    data = _data()["editions"][name]
    phases = data["phases"]
    if phase is None:
        if date is not None:
            phase = phase_for(name, date)
        elif len(phases) == 1:
            phase = next(iter(phases))
        else:
            raise ValueError(f"GB 3095-{name} has phases {', '.join(phases)}: give the phase or the date")
    elif phase not in phases:
        raise ValueError(f"unknown phase {phase!r} of GB 3095-{name}; expected one of {', '.join(phases)}")
    elif date is not None and phase_for(name, date) != phase:
        raise ValueError(f"phase {phase} of GB 3095-{name} does not cover {date}")

    for row in data["limits"]:
        if row["pollutant"] == pollutant and row["period"] == period:
            values = row["phases"][phase] if "phases" in row else row["grades"]
            return AirLimit(
                pollutant=pollutant,
                period=period,
                zone_class=int(grades[str(zone_class)]),
                value=to_dec(values[str(zone_class)]),
                unit=row["unit"],
                edition=name,
                phase=phase,
                source=row["source"],
            )
    known = sorted({(r["pollutant"], r["period"]) for r in data["limits"]})
    if pollutant not in {p for p, _ in known}:
        raise ValueError(f"unknown pollutant {pollutant!r} in GB 3095-{name}")
    periods = ", ".join(per for p, per in known if p == pollutant)
    raise ValueError(f"GB 3095-{name} has no {period!r} limit for {pollutant} (it has: {periods})")


@dataclass(frozen=True)
class Validity:
    valid: bool
    required: int
    actual: int
    statistic: str
    source: str
    failing_months: tuple[int, ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "required": self.required,
            "actual": self.actual,
            "statistic": self.statistic,
            "failing_months": list(self.failing_months),
            "note": self.note,
            "source": self.source,
        }


def _rule(statistic: str, pollutant: str) -> dict[str, Any]:
    for rule in _data()["validity"]["rules"]:
        if rule["statistic"] == statistic and pollutant in rule["pollutants"]:
            return dict(rule)
    raise ValueError(f"GB 3095 table 4 has no {statistic} validity rule for {pollutant!r}")


def _count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: expected a count (a non-negative integer), got {value!r}")
    return value


def _simple(statistic: str, pollutant: str, count: int) -> Validity:
    rule = _rule(statistic, pollutant)
    count = _count(count, rule["unit"])
    required = int(rule["min_count"])
    return Validity(count >= required, required, count, statistic, _data()["validity"]["source"])


def daily_validity(pollutant: str, count: int) -> Validity:
    """Is a daily (24-h) mean valid? ``count``: valid hourly means of the day (SO2, NO2, CO,
    PM10, PM2_5, NOx: at least 20) or sampling hours (TSP, BaP, Pb: 24)."""
    return _simple("24h", pollutant, count)


def hourly_validity(pollutant: str, sampling_minutes: int) -> Validity:
    """Is a 1-h mean valid? At least 45 minutes of sampling in the hour."""
    return _simple("1h", pollutant, sampling_minutes)


def eight_hour_validity(hourly_count: int, pollutant: str = "O3") -> Validity:
    """Is an 8-h mean valid? At least 6 hourly means in the 8 hours."""
    return _simple("8h", pollutant, hourly_count)


def o3_daily_max_8h_validity(
    valid_windows: int,
    daily_max: Decimal | int | float | str | None = None,
    limit: Decimal | int | float | str | None = None,
) -> Validity:
    """Is the O3 daily maximum 8-h value valid? At least 14 valid 8-h means among the windows of
    the day; with fewer, the day still counts when ``daily_max`` already exceeds ``limit``."""
    rule = _data()["validity"]["o3_daily_max_8h"]
    count = _count(valid_windows, "valid_windows")
    required = int(rule["min_valid_windows"])
    valid = count >= required
    note = None
    if not valid and rule["exceedance_keeps_valid"] and daily_max is not None and limit is not None:
        if to_decimal(daily_max, name="daily_max") > to_decimal(limit, name="limit"):
            valid, note = True, "fewer windows than required, but the maximum already exceeds the limit"
    return Validity(valid, required, count, "8h_daily_max", rule["source"], note=note)


def _months(counts: Mapping[int, int], months: range, rule: dict[str, Any]) -> tuple[int, list[int]]:
    for month in counts:
        if month not in months:
            raise ValueError(f"month {month!r} outside {months.start}-{months.stop - 1}")
    failing = []
    total = 0
    for month in months:
        n = _count(counts.get(month, 0), f"month {month}")
        total += n
        minimum = (
            rule.get("min_per_month_february", rule["min_per_month"]) if month == 2 else rule["min_per_month"]
        )
        if n < int(minimum):
            failing.append(month)
    return total, failing


def annual_validity(pollutant: str, daily_counts: Mapping[int, int]) -> Validity:
    """Is an annual mean valid? ``daily_counts``: month (1–12) → valid daily means in it (a month
    left out counts as 0). SO2, NO2, PM10, PM2_5, NOx: ≥ 324 a year and ≥ 27 each month
    (February ≥ 25); TSP, BaP, Pb: ≥ 60 a year and ≥ 5 each month, evenly spread (not checkable
    from counts: the caller's duty)."""
    rule = _rule("annual", pollutant)
    total, failing = _months(daily_counts, range(1, 13), rule)
    required = int(rule["min_per_year"])
    note = "daily values must also be evenly spread" if rule.get("evenly_spread") else None
    return Validity(
        total >= required and not failing,
        required,
        total,
        "annual",
        _data()["validity"]["source"],
        tuple(failing),
        note,
    )


def quarterly_validity(pollutant: str, quarter: int, daily_counts: Mapping[int, int]) -> Validity:
    """Is a quarterly mean valid (Pb)? ≥ 15 daily means in the quarter and ≥ 5 each month.
    ``daily_counts``: month (within ``quarter``, 1–4) → valid daily means."""
    if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter: expected 1-4, got {quarter!r}")
    rule = _rule("quarterly", pollutant)
    first = 3 * (quarter - 1) + 1
    total, failing = _months(daily_counts, range(first, first + 3), rule)
    required = int(rule["min_per_quarter"])
    return Validity(
        total >= required and not failing,
        required,
        total,
        "quarterly",
        _data()["validity"]["source"],
        tuple(failing),
        "daily values must also be evenly spread",
    )
