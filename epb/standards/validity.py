"""Validity of online monitoring data: flags, hourly / daily / monthly values, cross-checks.

Sources (discharge-and-validity.md §3, hj212.md §3.6): HJ 212-2017 Table 8 and the 2005 flag set;
HJ 75-2017 / HJ 76-2017 App. B for flue gas (hour valid with ≥ 45 valid minutes, day with ≥ 20
valid hours, month with ≥ 25 valid days, February 23); HJ 212 App. D for minimum counts (≥ 12 valid
instantaneous values per minute; water 1–6 values per hour); HJ 356-2019 for water (flow-weighted
daily mean ``C = Σ(C_i × Q_i) / ΣQ_i`` with ≥ 75 % of the expected readings — a recollection, so
a setting). Every threshold is a field of :class:`ValiditySettings` with its default documented.

A series is a sequence of ``(time, value, flag)`` (:class:`Sample`); times are aware datetimes and
a period is ``[start, end)``, labelled by its start as HJ 212 DataTime is. Within a period each
sample falls in a slot of the series' interval; a repeated timestamp (same slot) keeps the first.
Results carry openaq-style coverage (expected / observed / valid counts and percents) and the
reasons a value is invalid. Conversions (O2 折算, dry, standard state) are in ``flue_gas``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from epb.lib.timeutil import beijing_date, month_bounds, require_aware
from epb.standards.flue_gas import DEFAULT_O2_CAP_PCT, convert_o2

__all__ = [
    "DEFAULT_FLAGS",
    "Aggregate",
    "Coverage",
    "CrossCheck",
    "FlagRule",
    "Sample",
    "ValiditySettings",
    "classify",
    "compare_values",
    "cross_check",
    "check_converted",
    "daily_gas",
    "daily_water",
    "flag_rule",
    "flow_weighted_mean",
    "hourly_from_realtime",
    "hourly_gas",
    "hourly_water",
    "monthly_gas",
]

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
Status = Literal["valid", "stopped", "invalid"]
SlotStatus = Literal["valid", "stopped", "invalid", "missing"]


class Sample(NamedTuple):
    time: dt.datetime
    value: float | None
    flag: str | None = None


@dataclass(frozen=True)
class FlagRule:
    """What one HJ 212 data flag means for statistics."""

    code: str
    meaning_zh: str
    meaning_en: str
    versions: tuple[str, ...]
    valid: bool  # a measurement: counts for means, capture and judgement
    transmitted: bool  # counts as received for the transmission rate (数据传输率)
    stopped: bool = False  # source stopped: outside both sides of the capture rate
    substituted: bool = False  # a set value: may feed loads, never judgement
    over_range: bool = False  # the value is ≥ the instrument range: evidence, not a measurement


def _f(code: str, zh: str, en: str, versions: str, valid: bool, transmitted: bool, **kw: bool) -> FlagRule:
    return FlagRule(code, zh, en, tuple(versions.split()), valid, transmitted, **kw)


# HJ 212-2017 Table 8 and the 2005 set (hj212.md §3.6; discharge-and-validity.md §3.1). B and P are
# treated as missing data (no value reached the logger), not as received-but-invalid: a setting.
DEFAULT_FLAGS: Mapping[str, FlagRule] = {
    "N": _f("N", "正常", "normal", "2005 2017", True, True),
    "F": _f("F", "停运", "source or instrument stopped", "2005 2017", False, True, stopped=True),
    "M": _f("M", "维护", "maintenance", "2005 2017", False, True),
    "S": _f("S", "手工输入设定值", "manually entered set value", "2005 2017", False, True, substituted=True),
    "D": _f("D", "故障", "instrument fault", "2005 2017", False, True),
    "C": _f("C", "校准/校验", "calibration (2005: check)", "2005 2017", False, True),
    "T": _f("T", "超测定上限", "above the measuring upper limit", "2005 2017", False, True, over_range=True),
    "B": _f("B", "通讯异常", "instrument–logger communication fault", "2017", False, False),
    "P": _f("P", "电源故障", "power failure", "2005", False, False),
}


@dataclass(frozen=True)
class ValiditySettings:
    """Every threshold of the validity rules. Defaults and their sources: docs/monitoring-rules.md."""

    flags: Mapping[str, FlagRule] = field(default_factory=lambda: dict(DEFAULT_FLAGS))
    missing_flag: str = "N"  # a value sent without a flag (common in 2005 packets) counts as this
    # None: every negative value is invalid; else values in [-tol, 0) become detection_limit
    negative_tolerance: float | None = None
    detection_limit: float = 0.0
    # flue gas (HJ 75 / HJ 76 App. B; HJ 212 App. D)
    min_valid_minutes: int = 45
    minute_interval: dt.timedelta = dt.timedelta(minutes=1)
    realtime_min_per_minute: int = 12  # capped by how many values the realtime interval allows
    min_valid_hours: int = 20
    min_valid_days: int = 25
    min_valid_days_february: int = 23
    # water (HJ 212 App. D; HJ 356-2019 recollection)
    water_interval: dt.timedelta = dt.timedelta(minutes=10)  # spacing of the water minute series
    water_min_valid_per_hour: int = 1
    water_cycle: dt.timedelta = dt.timedelta(hours=1)  # analyzer cycle: one reading per cycle
    water_min_fraction: float = 0.75  # valid readings / readings expected while discharging
    zero_flow_as_stop: bool = True  # a slot with zero volume is no discharge: out of the count
    arithmetic_fallback: bool = True  # no flow data at all: arithmetic mean, labelled so


def flag_rule(code: str | None, settings: ValiditySettings | None = None) -> FlagRule:
    """The rule for a flag letter; a missing flag counts as ``missing_flag``; an unknown letter
    (devices invent them) is received but invalid."""
    flags = settings.flags if settings else DEFAULT_FLAGS
    if not code:
        code = settings.missing_flag if settings else "N"
    rule = flags.get(code.strip().upper())
    return rule or FlagRule(code, "未知标记", "unknown flag", (), valid=False, transmitted=True)


def classify(sample: Sample, settings: ValiditySettings) -> tuple[SlotStatus, float | None, str | None]:
    """(status, value to use, reason when not valid) for one sample."""
    rule = flag_rule(sample.flag, settings)
    if rule.stopped:
        return "stopped", None, f"flag {rule.code}"
    if not rule.transmitted:
        return "missing", None, f"flag {rule.code}"
    if not rule.valid:
        return "invalid", None, f"flag {rule.code}"
    v = sample.value
    if v is None or math.isnan(v):
        return "invalid", None, "no value"
    if v < 0:
        tol = settings.negative_tolerance
        if tol is not None and v >= -tol:
            return "valid", settings.detection_limit, None  # within zero drift → detection limit
        return "invalid", None, "negative value"
    return "valid", v, None


@dataclass(frozen=True)
class Coverage:
    expected: int  # slots in the period
    observed: int  # slots with a received sample
    valid: int  # slots with a valid value
    stopped: int = 0  # slots with the source stopped (or no discharge)
    flags: Mapping[str, int] = field(default_factory=dict)  # received samples per flag letter

    @property
    def percent_observed(self) -> float:
        return 100.0 * self.observed / self.expected if self.expected else 0.0

    @property
    def percent_valid(self) -> float:
        return 100.0 * self.valid / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class Aggregate:
    start: dt.datetime
    end: dt.datetime
    value: float | None  # mean of the valid values (given even when the period is not valid)
    status: Status
    coverage: Coverage
    minimum: float | None = None
    maximum: float | None = None
    method: Literal["arithmetic", "flow_weighted"] = "arithmetic"
    reasons: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    @property
    def flag(self) -> str:
        """HJ 212 convention for an aggregate: N valid, F stopped, D otherwise."""
        return {"valid": "N", "stopped": "F", "invalid": "D"}[self.status]

    def as_sample(self) -> Sample:
        """This period as one value of the next level's series (hours → day, days → month)."""
        return Sample(self.start, self.value, self.flag)


def _slot_index(t: dt.datetime, start: dt.datetime, end: dt.datetime, interval: dt.timedelta) -> int | None:
    if not start <= t < end:
        return None
    return (t - start) // interval


def _first_per_slot(
    samples: Iterable[Sample], start: dt.datetime, end: dt.datetime, interval: dt.timedelta
) -> dict[int, Sample]:
    slots: dict[int, Sample] = {}
    for s in samples:
        i = _slot_index(s[0], start, end, interval)
        if i is not None and i not in slots:
            slots[i] = Sample(*s)
    return slots


def _n_slots(start: dt.datetime, end: dt.datetime, interval: dt.timedelta) -> int:
    return max(1, -((start - end) // interval))  # ceil((end − start) / interval)


def _aggregate(
    samples: Iterable[Sample],
    start: dt.datetime,
    end: dt.datetime,
    interval: dt.timedelta,
    min_valid: int,
    settings: ValiditySettings,
    unit_name: str,
) -> Aggregate:
    """Arithmetic mean over slots; valid with ≥ ``min_valid`` valid slots. A period that would
    have been valid but for stop time (valid + stopped ≥ min_valid) is a stopped period."""
    require_aware(start, "period start")
    slots = _first_per_slot(samples, start, end, interval)
    flags: Counter[str] = Counter()
    values: list[float] = []
    stopped = observed = 0
    for s in slots.values():
        st, value, _why = classify(s, settings)
        flags[(s.flag or settings.missing_flag).upper()] += 1
        if st == "missing":
            continue
        observed += 1
        if st == "stopped":
            stopped += 1
        elif st == "valid" and value is not None:
            values.append(value)
    n = len(values)
    cov = Coverage(_n_slots(start, end, interval), observed, n, stopped, dict(flags))
    mean = sum(values) / n if n else None
    lo, hi = (min(values), max(values)) if values else (None, None)
    if n >= min_valid:
        return Aggregate(start, end, mean, "valid", cov, lo, hi)
    reasons = [f"{n} valid {unit_name} < {min_valid}"]
    bad = {k: v for k, v in flags.items() if k != "N"}
    if bad:
        reasons.append("flags " + ", ".join(f"{k}×{v}" for k, v in sorted(bad.items())))
    status: Status = "stopped" if stopped and n + stopped >= min_valid else "invalid"
    return Aggregate(start, end, mean, status, cov, lo, hi, reasons=tuple(reasons))


def _ceil_div(a: dt.timedelta, b: dt.timedelta) -> int:
    return -(-a // b)


def hourly_gas(
    samples: Iterable[Sample], hour_start: dt.datetime, settings: ValiditySettings | None = None
) -> Aggregate:
    """CEMS hourly value from minute data: arithmetic mean of the valid minutes, valid with
    ≥ ``min_valid_minutes`` (45) valid minutes. With a coarser minute series (MinInterval 10 min)
    each value covers its interval, so 45 minutes need 5 valid 10-minute values."""
    s = settings or ValiditySettings()
    need = _ceil_div(dt.timedelta(minutes=s.min_valid_minutes), s.minute_interval)
    agg = _aggregate(samples, hour_start, hour_start + HOUR, s.minute_interval, need, s, "values")
    if not agg.valid:
        minutes = agg.coverage.valid * s.minute_interval // dt.timedelta(minutes=1)
        head = f"{minutes} valid minutes < {s.min_valid_minutes}"
        return replace(agg, reasons=(head, *agg.reasons[1:]))
    return agg


def hourly_from_realtime(
    samples: Iterable[Sample],
    hour_start: dt.datetime,
    rtd_interval: dt.timedelta,
    settings: ValiditySettings | None = None,
) -> Aggregate:
    """CEMS hourly value from realtime (2011) data: minutes first (valid with
    ≥ min(``realtime_min_per_minute``, values the interval allows) valid values), then the hour.
    A realtime interval of a minute or more makes each value cover its interval, as minute data."""
    s = settings or ValiditySettings()
    if rtd_interval >= dt.timedelta(minutes=1):
        return hourly_gas(samples, hour_start, replace(s, minute_interval=rtd_interval))
    per_minute = max(1, dt.timedelta(minutes=1) // rtd_interval)
    need = min(s.realtime_min_per_minute, per_minute)
    by_minute: dict[int, list[Sample]] = {}
    for smp in samples:
        i = _slot_index(smp[0], hour_start, hour_start + HOUR, dt.timedelta(minutes=1))
        if i is not None:
            by_minute.setdefault(i, []).append(Sample(*smp))
    minutes = []
    for i, group in sorted(by_minute.items()):
        m_start = hour_start + dt.timedelta(minutes=i)
        m = _aggregate(group, m_start, m_start + dt.timedelta(minutes=1), rtd_interval, need, s, "values")
        if m.coverage.observed:
            minutes.append(m.as_sample())
    one_minute = replace(s, minute_interval=dt.timedelta(minutes=1))
    return hourly_gas(minutes, hour_start, one_minute)


def daily_gas(
    hours: Iterable[Sample], day_start: dt.datetime, settings: ValiditySettings | None = None
) -> Aggregate:
    """CEMS daily value: arithmetic mean of the valid hourly values, valid with ≥ ``min_valid_hours`` (20).

    ``hours`` are hourly values with flags (the device's 2061 uploads, or :meth:`Aggregate.as_sample`)."""
    s = settings or ValiditySettings()
    return _aggregate(hours, day_start, day_start + DAY, HOUR, s.min_valid_hours, s, "hours")


def monthly_gas(
    days: Iterable[Sample], month: dt.date | dt.datetime, settings: ValiditySettings | None = None
) -> Aggregate:
    """CEMS monthly value: mean of the valid daily values, valid with ≥ 25 valid days (February 23).

    ``month`` is any date or instant in the (Beijing) month; ``days`` are daily values with flags."""
    s = settings or ValiditySettings()
    start, end = month_bounds(month)
    need = s.min_valid_days_february if beijing_date(start).month == 2 else s.min_valid_days
    return _aggregate(days, start, end, DAY, need, s, "days")


def hourly_water(
    samples: Iterable[Sample],
    hour_start: dt.datetime,
    settings: ValiditySettings | None = None,
    volumes: Sequence[Sample] | None = None,
) -> Aggregate:
    """Water hourly value from the minute series (10-minute values by default) or analyzer readings:
    valid with ≥ ``water_min_valid_per_hour`` (1) valid values; flow-weighted when ``volumes``
    (m³ per slot) are given, else the arithmetic mean."""
    s = settings or ValiditySettings()
    end = hour_start + HOUR
    if volumes is not None:
        fw = replace(s, water_cycle=s.water_interval)
        return flow_weighted_mean(samples, volumes, hour_start, end, fw, min_valid=s.water_min_valid_per_hour)
    return _aggregate(samples, hour_start, end, s.water_interval, s.water_min_valid_per_hour, s, "values")


def daily_water(
    readings: Iterable[Sample],
    volumes: Iterable[Sample],
    day_start: dt.datetime,
    settings: ValiditySettings | None = None,
) -> Aggregate:
    """Water daily mean (HJ 356): flow-weighted over the day's readings, one per analyzer cycle."""
    return flow_weighted_mean(readings, volumes, day_start, day_start + DAY, settings)


def flow_weighted_mean(
    readings: Iterable[Sample],
    volumes: Iterable[Sample],
    start: dt.datetime,
    end: dt.datetime,
    settings: ValiditySettings | None = None,
    *,
    min_valid: int | None = None,
) -> Aggregate:
    """``C = Σ(C_i × Q_i) / ΣQ_i`` over ``[start, end)`` in slots of ``water_cycle``.

    ``readings`` are concentrations (first per slot); ``volumes`` are volumes in m³ (e.g. the hourly
    w00000 Cou) summed per slot over their valid samples. A slot whose reading is stopped, or whose
    volume is zero (``zero_flow_as_stop``), is out of the count; the period is valid with
    ≥ ``water_min_fraction`` of the remaining slots (or ``min_valid``) holding a valid, weighted
    reading. With no volume at all the arithmetic mean is used if ``arithmetic_fallback``."""
    s = settings or ValiditySettings()
    require_aware(start, "period start")
    slot = s.water_cycle
    read = _first_per_slot(readings, start, end, slot)
    vol: dict[int, float] = {}
    for v in volumes:
        i = _slot_index(v[0], start, end, slot)
        status, value, _ = classify(Sample(*v), s)
        if i is not None and status == "valid" and value is not None:
            vol[i] = vol.get(i, 0.0) + value
    flags: Counter[str] = Counter()
    weighted: list[tuple[float, float]] = []
    unweighted: list[float] = []
    observed = 0
    # Slots without discharge leave the count whether or not a reading came in.
    off = {i for i, q in vol.items() if q == 0.0} if s.zero_flow_as_stop else set()
    for i, r in read.items():
        status, value, _ = classify(r, s)
        flags[(r.flag or s.missing_flag).upper()] += 1
        if status == "missing":
            continue
        observed += 1
        if status == "stopped" or i in off:
            off.add(i)
        elif status == "valid" and value is not None:
            if i in vol:
                weighted.append((value, vol[i]))
            else:
                unweighted.append(value)
    expected = _n_slots(start, end, slot)
    reasons: list[str] = []
    method: Literal["arithmetic", "flow_weighted"] = "flow_weighted"
    if vol or not s.arithmetic_fallback:
        used = [c for c, _ in weighted]
        mean = sum(c * q for c, q in weighted) / sum(q for _, q in weighted) if weighted else None
        if unweighted:
            reasons.append(f"{len(unweighted)} valid readings without flow left out")
    else:
        used, method = unweighted, "arithmetic"
        mean = sum(used) / len(used) if used else None
        reasons.append("no flow data: arithmetic mean")
    n, base = len(used), expected - len(off)
    need = min_valid if min_valid is not None else max(1, math.ceil(s.water_min_fraction * base - 1e-9))
    cov = Coverage(expected, observed, n, len(off), dict(flags))
    lo, hi = (min(used), max(used)) if used else (None, None)
    if base <= 0:
        reasons.append("no discharge in the period")
        return Aggregate(start, end, mean, "stopped", cov, lo, hi, method, tuple(reasons))
    if n >= need:
        return Aggregate(start, end, mean, "valid", cov, lo, hi, method, tuple(reasons))
    reasons.insert(0, f"{n} valid readings < {need} ({s.water_min_fraction:.0%} of {base} while discharging)")
    bad = {k: v for k, v in flags.items() if k != "N"}
    if bad:
        reasons.append("flags " + ", ".join(f"{k}×{v}" for k, v in sorted(bad.items())))
    return Aggregate(start, end, mean, "invalid", cov, lo, hi, method, tuple(reasons))


# -- cross-checks of device uploads against the centre's computation --------------------------


@dataclass(frozen=True)
class CrossCheck:
    ok: bool
    kind: Literal["match", "value_mismatch", "validity_mismatch", "missing_upload", "unverifiable"]
    device: float | None = None
    computed: float | None = None
    difference: float | None = None  # device − computed
    relative: float | None = None  # difference / |computed|
    detail: str = ""


def compare_values(device: float, computed: float, rel_tol: float, abs_tol: float = 1e-9) -> CrossCheck:
    """Device value vs the centre's: a match within max(abs_tol, rel_tol × |computed|)."""
    diff = device - computed
    rel = diff / abs(computed) if computed else None
    if abs(diff) <= max(abs_tol, rel_tol * abs(computed)):
        return CrossCheck(True, "match", device, computed, diff, rel)
    detail = f"device {device:g} vs computed {computed:g} (tolerance {rel_tol:.0%})"
    return CrossCheck(False, "value_mismatch", device, computed, diff, rel, detail)


def cross_check(
    device: Sample | None,
    computed: Aggregate,
    *,
    rel_tol: float = 0.05,
    abs_tol: float = 1e-9,
    settings: ValiditySettings | None = None,
) -> CrossCheck:
    """The device's own hour or day upload (value + flag) against the centre's computation from the
    finer data. A mismatch (value beyond tolerance, valid vs invalid, or an upload missing for a
    valid computed period) is itself an anomaly (数据逻辑异常). Default tolerance ±5 %."""
    s = settings or ValiditySettings()
    comp = computed.value if computed.valid else None
    if device is None:
        if computed.valid:
            why = "no device upload for a valid computed period"
            return CrossCheck(False, "missing_upload", None, comp, detail=why)
        return CrossCheck(True, "match")
    dev_value = device[1]
    if computed.coverage.observed == 0:
        return CrossCheck(True, "unverifiable", dev_value, None, detail="no finer data to check against")
    rule = flag_rule(device[2], s)
    dev_valid = rule.valid and dev_value is not None
    if rule.stopped and computed.status == "stopped":
        return CrossCheck(True, "match", dev_value, comp)
    if dev_valid != computed.valid:
        said = "valid" if dev_valid else f"invalid (flag {rule.code})"
        detail = f"device says {said}, computed {computed.status}: " + "; ".join(computed.reasons)
        return CrossCheck(False, "validity_mismatch", dev_value, comp, detail=detail.rstrip(": "))
    if not dev_valid or dev_value is None or comp is None:
        return CrossCheck(True, "match", dev_value, comp)
    return compare_values(dev_value, comp, rel_tol, abs_tol)


def check_converted(
    device_converted: float,
    measured: float,
    o2_measured_pct: float,
    o2_ref_pct: float,
    *,
    rel_tol: float = 0.02,
    cap_pct: float = DEFAULT_O2_CAP_PCT,
) -> CrossCheck:
    """A device's ZsRtd/ZsAvg against the conversion recomputed from its measured value and O2 (±2 %)."""
    conv = convert_o2(measured, o2_measured_pct, o2_ref_pct, cap_pct=cap_pct)
    if conv.value is None:
        return CrossCheck(True, "unverifiable", device_converted, None, detail=conv.reason or "")
    return compare_values(device_converted, conv.value, rel_tol)
