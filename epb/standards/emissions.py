"""Capture and transmission rates, emission loads, permitted annual totals, substitution for loads.

Definitions (discharge-and-validity.md §3.3–§3.4, §5):

* HJ 75 valid data capture rate (有效数据捕集率), per device, over hours (CEMS) or analyzer cycles
  (water): ``α = (T − T_stop − T_invalid) / (T − T_stop) × 100 %``; a slot with no data while the
  source operates is invalid. Month and quarter are sums of the parts (Σ numerator / Σ denominator).
* National-platform rates: 数据传输率 = received / expected; 数据有效率 = valid / (received − stopped);
  数据传输有效率 = 传输率 × 有效率. Expected = period / reporting interval.
* Loads: water ``kg = mg/L × m³ × 10⁻³``; gas ``kg = mg/m³ × m³ × 10⁻⁶`` with the *measured* dry
  standard concentration and dry standard volume (the O2-converted value is for compliance only).
* Substituted amounts feed loads and capture statistics, never exceedance; they stay marked.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from epb.lib.timeutil import beijing_date, day_bounds, month_bounds, quarter_bounds, year_bounds
from epb.standards import factors
from epb.standards.validity import (
    Aggregate,
    CrossCheck,
    Sample,
    ValiditySettings,
    classify,
    compare_values,
    flag_rule,
)

__all__ = [
    "CaptureRate",
    "LoadItem",
    "PeriodLoad",
    "PermitUsage",
    "Substitution",
    "SubstitutionSettings",
    "TransmissionRate",
    "capture_rate",
    "check_cou",
    "gas_load_kg",
    "hj75_substitute",
    "hourly_loads",
    "loads_by_period",
    "period_bounds",
    "permit_usage",
    "transmission_rate",
    "volume_m3",
    "water_load_kg",
    "water_substitute",
]

HOUR = dt.timedelta(hours=1)
Period = Literal["day", "month", "quarter", "year"]
SlotStatus = Literal["valid", "stopped", "invalid", "missing"]


def period_bounds(period: Period, on: dt.date | dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The Beijing day / month / quarter / year containing ``on``, as aware UTC ``[start, end)``."""
    return {"day": day_bounds, "month": month_bounds, "quarter": quarter_bounds, "year": year_bounds}[period](
        on
    )


def _n_slots(start: dt.datetime, end: dt.datetime, slot: dt.timedelta) -> int:
    return -((start - end) // slot)


# -- rates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptureRate:
    """HJ 75 α = (T − T_stop − T_invalid) / (T − T_stop) × 100 %."""

    total: int  # T: slots in the period
    stopped: int  # T_stop: source stopped
    invalid: int  # T_invalid: invalid or missing while operating

    @property
    def valid(self) -> int:
        return self.total - self.stopped - self.invalid

    @property
    def percent(self) -> float | None:
        """None when the source was stopped throughout (nothing to capture)."""
        operating = self.total - self.stopped
        return 100.0 * self.valid / operating if operating > 0 else None

    def __add__(self, other: CaptureRate) -> CaptureRate:
        return CaptureRate(
            self.total + other.total, self.stopped + other.stopped, self.invalid + other.invalid
        )


def capture_rate(
    slots: Iterable[Aggregate | tuple[dt.datetime, SlotStatus]],
    start: dt.datetime,
    end: dt.datetime,
    slot: dt.timedelta = HOUR,
) -> CaptureRate:
    """α over ``[start, end)`` from per-slot statuses (hourly :class:`Aggregate` s, or ``(time, status)``
    with status valid / stopped / invalid / missing). Slots with nothing count as invalid; a slot
    given twice keeps the first. For water, ``slot`` is the analyzer cycle."""
    seen: dict[int, str] = {}
    for item in slots:
        t, status = (item.start, item.status) if isinstance(item, Aggregate) else item
        if start <= t < end:
            seen.setdefault((t - start) // slot, status)
    total = _n_slots(start, end, slot)
    stopped = sum(1 for s in seen.values() if s == "stopped")
    valid = sum(1 for s in seen.values() if s == "valid")
    return CaptureRate(total, stopped, total - stopped - valid)


@dataclass(frozen=True)
class TransmissionRate:
    expected: int
    received: int  # slots with a packet value that counts as transmitted (not B / P)
    valid: int
    stopped: int

    @property
    def transmission_pct(self) -> float:
        """数据传输率 = received / expected."""
        return 100.0 * self.received / self.expected if self.expected else 0.0

    @property
    def validity_pct(self) -> float | None:
        """数据有效率 = valid / (received − stopped); None when nothing was received while operating."""
        base = self.received - self.stopped
        return 100.0 * self.valid / base if base > 0 else None

    @property
    def effective_pct(self) -> float | None:
        """数据传输有效率 = 传输率 × 有效率."""
        v = self.validity_pct
        return self.transmission_pct * v / 100.0 if v is not None else None

    def __add__(self, other: TransmissionRate) -> TransmissionRate:
        return TransmissionRate(
            self.expected + other.expected,
            self.received + other.received,
            self.valid + other.valid,
            self.stopped + other.stopped,
        )


def transmission_rate(
    samples: Iterable[Sample | tuple[dt.datetime, float | None, str | None]],
    start: dt.datetime,
    end: dt.datetime,
    interval: dt.timedelta,
    settings: ValiditySettings | None = None,
) -> TransmissionRate:
    """Rates of one factor's series over ``[start, end)`` with one value expected per ``interval``
    (daily integrity of realtime data: hours × 3600 / reporting interval). Repeated or extra
    values in one slot count once, so the rate never passes 100 %."""
    s = settings or ValiditySettings()
    received: dict[int, SlotStatus] = {}
    for x in samples:
        smp = Sample(*x)
        if not start <= smp.time < end:
            continue
        i = (smp.time - start) // interval
        status, _, _ = classify(smp, s)
        if status != "missing" and i not in received:
            received[i] = status
    statuses = list(received.values())
    return TransmissionRate(
        _n_slots(start, end, interval), len(statuses), statuses.count("valid"), statuses.count("stopped")
    )


# -- loads ------------------------------------------------------------------------------------


def water_load_kg(concentration_mg_l: float, volume_m3: float) -> float:
    """kg = mg/L × m³ × 10⁻³."""
    return concentration_mg_l * volume_m3 * 1e-3


def gas_load_kg(concentration_mg_m3: float, volume_m3: float) -> float:
    """kg = mg/m³ × m³ × 10⁻⁶ (measured dry standard concentration, dry standard volume)."""
    return concentration_mg_m3 * volume_m3 * 1e-6


def volume_m3(mean_flow: float, unit: str, duration: dt.timedelta) -> float:
    """The volume of a mean flow over a duration (L/s × 3.6 = m³/h; m³/s × 3600 = m³/h)."""
    return factors.convert(mean_flow, unit, "m3/h") * duration / HOUR


@dataclass(frozen=True)
class LoadItem:
    time: dt.datetime
    kg: float
    substituted: bool = False


def hourly_loads(
    concentrations: Iterable[Sample | tuple[dt.datetime, float | None, str | None]],
    volumes: Iterable[Sample | tuple[dt.datetime, float | None, str | None]],
    medium: Literal["water", "gas"],
    settings: ValiditySettings | None = None,
) -> list[LoadItem]:
    """Per-hour loads from hourly concentrations (mg/L or measured mg/m³) and volumes (m³ in the hour),
    matched by time. Valid pairs give loads; a set value (flag S) on either side gives a load marked
    substituted; other hours give nothing (substitute them with :func:`hj75_substitute` /
    :func:`water_substitute` and add the item)."""
    s = settings or ValiditySettings()
    vol: dict[dt.datetime, tuple[float, bool]] = {}
    for x in volumes:
        v = Sample(*x)
        usable = _usable(v, s)
        if usable is not None:
            vol.setdefault(v.time, usable)
    load = water_load_kg if medium == "water" else gas_load_kg
    out: list[LoadItem] = []
    for x in concentrations:
        c = Sample(*x)
        conc = _usable(c, s)
        if conc is None or c.time not in vol:
            continue
        q, q_sub = vol[c.time]
        out.append(LoadItem(c.time, load(conc[0], q), conc[1] or q_sub))
    return sorted(out, key=lambda i: i.time)


def _usable(smp: Sample, s: ValiditySettings) -> tuple[float, bool] | None:
    status, value, _ = classify(smp, s)
    if status == "valid" and value is not None:
        return value, False
    if flag_rule(smp.flag, s).substituted and smp.value is not None and smp.value >= 0:
        return smp.value, True
    return None


@dataclass(frozen=True)
class PeriodLoad:
    start: dt.datetime
    end: dt.datetime
    kg: float
    items: int
    substituted_items: int
    substituted_kg: float

    @property
    def tonnes(self) -> float:
        return self.kg / 1000.0


def loads_by_period(items: Iterable[LoadItem], period: Period) -> list[PeriodLoad]:
    """Σ loads per Beijing day / month / quarter / year, in time order."""
    groups: dict[tuple[dt.datetime, dt.datetime], list[LoadItem]] = {}
    for item in items:
        groups.setdefault(period_bounds(period, item.time), []).append(item)
    out = []
    for (start, end), group in sorted(groups.items()):
        sub = [i for i in group if i.substituted]
        out.append(
            PeriodLoad(start, end, sum(i.kg for i in group), len(group), len(sub), sum(i.kg for i in sub))
        )
    return out


@dataclass(frozen=True)
class PermitUsage:
    """Use of the permitted annual total (许可排放量), with a straight-line projection to year end."""

    year: int
    permitted_t: float
    used_t: float
    days_elapsed: int
    days_in_year: int

    @property
    def percent_used(self) -> float:
        return 100.0 * self.used_t / self.permitted_t if self.permitted_t else float("inf")

    @property
    def projected_t(self) -> float:
        return self.used_t * self.days_in_year / self.days_elapsed

    @property
    def projected_percent(self) -> float:
        return 100.0 * self.projected_t / self.permitted_t if self.permitted_t else float("inf")

    @property
    def exceeded(self) -> bool:
        return self.used_t > self.permitted_t

    @property
    def projected_to_exceed(self) -> bool:
        return self.projected_t > self.permitted_t


def permit_usage(used_kg: float, permitted_t: float, as_of: dt.date | dt.datetime) -> PermitUsage:
    """``used_kg`` emitted from 1 January to ``as_of`` (inclusive, Beijing date) against ``permitted_t``."""
    day = beijing_date(as_of) if isinstance(as_of, dt.datetime) else as_of
    jan1 = dt.date(day.year, 1, 1)
    days_in_year = (dt.date(day.year + 1, 1, 1) - jan1).days
    return PermitUsage(day.year, permitted_t, used_kg / 1000.0, (day - jan1).days + 1, days_in_year)


def check_cou(
    device_cou: float,
    avg: float,
    volume: float,
    medium: Literal["water", "gas"],
    *,
    cou_unit: str = "kg",
    rel_tol: float = 0.05,
    abs_tol: float = 0.0,
) -> CrossCheck:
    """A device's ``-Cou`` (amount in the interval) against Avg × volume (±5 %): a mismatch is 数据逻辑异常.
    ``avg`` is mg/L (water) or measured mg/m³ (gas), ``volume`` m³; ``cou_unit`` kg or g (metals).
    ``abs_tol`` absorbs the rounding of small amounts (half the last digit the device sends)."""
    kg = water_load_kg(avg, volume) if medium == "water" else gas_load_kg(avg, volume)
    return compare_values(device_cou, factors.convert(kg, "kg", cou_unit), rel_tol, abs_tol)


# -- substitution for loads -------------------------------------------------------------------


@dataclass(frozen=True)
class SubstitutionSettings:
    """HJ 75-2017 substitution table as seen in a deployed implementation (verify before use)."""

    alpha_high_pct: float = 90.0
    alpha_low_pct: float = 75.0
    short_gap_hours: int = 24
    window_short_hours: int = 180
    window_long_hours: int = 720
    window_low_hours: int = 2160
    # Maintenance gaps ≤ 24 h at α ≥ 90 %: the implementation takes the 180-h maximum; a recollection
    # of the standard takes the mean of the valid hours before and after. Conflict: a setting.
    maintenance_short: Literal["max_window", "mean_before_after"] = "max_window"


@dataclass(frozen=True)
class Substitution:
    value: float | None  # hourly amount to use for each invalid hour; None: handle by hand
    method: str
    window_hours: int | None = None


def hj75_substitute(
    alpha_pct: float,
    cause: Literal["out_of_control", "maintenance"],
    gap_hours: int,
    history: Sequence[float],
    *,
    before: float | None = None,
    after: float | None = None,
    settings: SubstitutionSettings = SubstitutionSettings(),
) -> Substitution:
    """The substitute hourly SO2 / NOx / particulate amount for an invalid gap (HJ 75-2017 table).

    ``alpha_pct`` is the quarter's capture rate; ``history`` the valid hourly amounts, oldest first,
    before the last calibration (out of control, 失控) or before the gap (maintenance and other
    missing data); ``before`` / ``after`` the valid hours next to the gap. α < 75 % is not covered."""
    s = settings
    if alpha_pct < s.alpha_low_pct:
        return Substitution(None, f"capture rate {alpha_pct:g} % < {s.alpha_low_pct:g} %: manual handling")
    short = gap_hours <= s.short_gap_hours
    if alpha_pct < s.alpha_high_pct:
        window = s.window_low_hours
    elif short and cause == "maintenance" and s.maintenance_short == "mean_before_after":
        if before is None or after is None:
            return Substitution(None, "mean of the hours before and after needs both")
        return Substitution((before + after) / 2.0, "mean of the valid hours before and after the gap")
    else:
        window = s.window_short_hours if short else s.window_long_hours
    recent = list(history)[-window:]
    if not recent:
        return Substitution(None, "no valid hours to substitute from", window)
    return Substitution(max(recent), f"maximum of the last {window} valid hours", window)


def water_substitute(history: Sequence[float], gap_hours: int, *, median: bool = False) -> float | None:
    """The value for each hour of an N-hour water gap: the mean (pH: median) of the N valid hourly
    values immediately before it (a deployed reading of HJ 356 §8; verify). Fewer than N: those there are."""
    recent = list(history)[-gap_hours:] if gap_hours > 0 else []
    if not recent:
        return None
    return statistics.median(recent) if median else sum(recent) / len(recent)
