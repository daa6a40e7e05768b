"""Hourly and daily statistics of a device, computed from its readings by the validity rules.

* hour, flue gas: ``validity.hourly_gas`` on the minute data (≥ 45 valid minutes; with 10-minute
  data 5 valid values), or ``hourly_from_realtime`` when the hour has no minute data;
* hour, water: ``validity.hourly_water``, flow-weighted for pollutants with the flow's volumes;
* a device that sent no finer data for an hour: its own hourly upload (2061) stands, by its flag;
* O2 conversion (折算) of gas pollutants with the hour's O2 at the outlet's reference O2;
* day: ``daily_gas`` (≥ 20 valid hours) or, for water, ``daily_water`` (flow-weighted over the
  hourly values and volumes, HJ 356); the day's capture (HJ 75 α over hours) and transmission
  counts (received / expected slots of the device's interval) per factor;
* the device's own hour and day uploads are cross-checked (``validity.cross_check``; Cou with
  ``emissions.check_cou``) and the result kept on the row;
* loads: water ``mg/L × m³ × 10⁻³``, gas measured ``mg/m³ × m³ × 10⁻⁶``, from the centre's
  concentration and volume (the device's Cou is the cross-check).

Rows are upserted by key, so recomputing a period (late or resent data) replaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from epb.lib.timeutil import beijing_date, beijing_midnight
from epb.monitoring import conf
from epb.monitoring.centre.context import O2, DeviceContext, Series, is_pollutant
from epb.monitoring.choices import DataKind, StatStatus
from epb.standards import emissions, factors
from epb.standards.flue_gas import convert_o2
from epb.standards.validity import (
    Aggregate,
    Sample,
    cross_check,
    daily_gas,
    daily_water,
    flag_rule,
    hourly_from_realtime,
    hourly_gas,
    hourly_water,
)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
HOUR_FIELDS = [
    "value", "converted", "minimum", "maximum", "status", "source", "method", "expected", "observed",
    "valid", "stopped", "flags", "reasons", "o2", "volume", "load_kg", "device_value", "device_flag",
    "device_cou", "crosscheck", "crosscheck_detail", "computed_at",
]  # fmt: skip
DAY_FIELDS = [
    *HOUR_FIELDS,
    "capture_total", "capture_stopped", "capture_invalid",
    "tx_expected", "tx_received", "tx_valid", "tx_stopped",
]  # fmt: skip


def floor_hour(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


@dataclass
class HourResult:
    """The hours computed for a device: the rows, and which (factor, hour) held marked samples."""

    rows: dict[tuple[str, dt.datetime], Any]
    marked: set[tuple[str, dt.datetime]]


def _runs(hours: list[dt.datetime], step: dt.timedelta) -> list[tuple[dt.datetime, dt.datetime]]:
    """Contiguous runs of sorted period starts as [start, end) windows."""
    runs: list[tuple[dt.datetime, dt.datetime]] = []
    for h in hours:
        if runs and runs[-1][1] == h:
            runs[-1] = (runs[-1][0], h + step)
        else:
            runs.append((h, h + step))
    return runs


def _merge(target: Series, more: Series) -> None:
    for code, items in more.samples.items():
        target.samples[code].extend(items)
    for code, cou in more.cou.items():
        target.cou[code].update(cou)
    for code, times in more.marked.items():
        target.marked[code] |= times
    for code, extra in more.extra.items():
        target.extra[code].update(extra)


def _in(samples: Iterable[Sample], start: dt.datetime, end: dt.datetime) -> list[Sample]:
    return [s for s in samples if start <= s.time < end]


def known_factors(ctx: DeviceContext) -> set[str]:
    """The factors a device reports: those of its newest realtime, minute and hour packets."""
    from epb.monitoring import readings
    from epb.monitoring.models import DeviceStatus

    status = DeviceStatus.objects.filter(device_id=ctx.id).first()
    if status is None:
        return set()
    latest = readings.latest_readings([status]).get(ctx.id, {})
    return {code for data in latest.values() for code, item in data.items() if isinstance(item, dict)}


def _volumes(ctx: DeviceContext, series: Series, interval: dt.timedelta) -> list[Sample]:
    """m³ per slot of the flow: the readings' Cou where sent, else the mean flow × the slot."""
    code = ctx.flow_code
    unit = factors.factor(code).unit if factors.factor(code) else "L/s"  # type: ignore[union-attr]
    out = []
    for s in series.samples.get(code, []):
        cou = series.cou.get(code, {}).get(s.time)
        if cou is not None:
            out.append(Sample(s.time, cou, s.flag))
        elif s.value is not None:
            out.append(Sample(s.time, emissions.volume_m3(s.value, unit, interval), s.flag))
    return out


def _aggregate(
    ctx: DeviceContext, code: str, samples: list[Sample], h: dt.datetime, source: str, series: Series
) -> Aggregate:
    vs = ctx.validity()
    if ctx.kind == "gas":
        if source == "minute":
            return hourly_gas(samples, h, replace(vs, minute_interval=ctx.min_interval))
        return hourly_from_realtime(samples, h, ctx.rtd_interval, vs)
    interval = ctx.min_interval if source == "minute" else ctx.rtd_interval
    water = replace(vs, water_interval=interval)
    if is_pollutant(code):
        volumes = _in(_volumes(ctx, series, interval), h, h + HOUR)
        if volumes:
            return hourly_water(samples, h, water, volumes=volumes)
    return hourly_water(samples, h, water)


def _device_upload(series: Series, code: str, when: dt.datetime) -> Sample | None:
    for s in series.samples.get(code, []):
        if s.time == when:
            return s
    return None


def _status_of_flag(flag: str | None, value: float | None) -> str:
    rule = flag_rule(flag)
    if rule.stopped:
        return StatStatus.STOPPED
    return StatStatus.VALID if rule.valid and value is not None and value >= 0 else StatStatus.INVALID


def _reference_o2(ctx: DeviceContext, code: str, on: dt.date) -> float | None:
    if ctx.reference_o2 is not None:
        return ctx.reference_o2
    limit = ctx.limits.get(ctx.outlet, on).limit(code)
    return limit.rows[0].reference_o2_pct if limit is not None else None


def convert(
    ctx: DeviceContext, code: str, value: float | None, o2: float | None, on: dt.date
) -> float | None:
    if ctx.kind != "gas" or value is None or o2 is None or not is_pollutant(code):
        return None
    ref = _reference_o2(ctx, code, on)
    if ref is None:
        return None
    return convert_o2(value, o2, ref).value


def compute_hours(
    ctx: DeviceContext, hours: Iterable[dt.datetime], now: dt.datetime | None = None
) -> HourResult:
    """Compute (and store) the device's complete hours among ``hours`` (hour starts, aware)."""
    from epb.monitoring.models import HourlyValue

    now = now or timezone.now()
    wanted = sorted({floor_hour(h) for h in hours if floor_hour(h) + HOUR <= now})
    result = HourResult({}, set())
    if not wanted or not ctx.is_source:
        return result
    source_setting = conf.hourly_source()
    minute, realtime, uploads = Series(), Series(), Series()
    for start, end in _runs(wanted, HOUR):
        if source_setting != "realtime":
            _merge(minute, ctx.read(DataKind.MINUTE, start, end))
        _merge(uploads, ctx.read(DataKind.HOUR, start, end))
    minute_hours = {floor_hour(t) for t in minute.times()}
    need_realtime = [h for h in wanted if source_setting == "realtime" or h not in minute_hours]
    if source_setting != "minute":
        for start, end in _runs(need_realtime, HOUR):
            _merge(realtime, ctx.read(DataKind.REALTIME, start, end))
    codes = set(minute.samples) | set(realtime.samples) | set(uploads.samples) | known_factors(ctx)
    stamp = timezone.now()
    rows: dict[tuple[str, dt.datetime], Any] = {}
    tolerance = conf.cross_check_tolerance()
    realtime_hours = {floor_hour(t) for t in realtime.times()}
    usual = _usual_source(ctx, source_setting)
    for h in wanted:
        if h in minute_hours and source_setting != "realtime":
            source = "minute"
        elif h in realtime_hours:
            source = "realtime"
        else:
            source = usual  # no data at all: counted against the series the device normally sends
        series = minute if source == "minute" else realtime
        aggs: dict[str, Aggregate] = {}
        for code in sorted(codes):
            samples = _in(series.samples.get(code, []), h, h + HOUR)
            agg = _aggregate(ctx, code, samples, h, source, series)
            aggs[code] = agg
            upload = _device_upload(uploads, code, h)
            row: Any = HourlyValue(device_id=ctx.id, factor=code, start=h, computed_at=stamp)
            _fill(row, agg, source)
            if upload is not None:
                row.device_value, row.device_flag = upload.value, (upload.flag or "")[:4]
                row.device_cou = uploads.cou.get(code, {}).get(h)
                if agg.coverage.observed == 0:
                    _from_device(row, upload)
                else:
                    check = cross_check(upload, agg, rel_tol=tolerance, settings=ctx.validity())
                    row.crosscheck, row.crosscheck_detail = check.kind, check.detail[:300]
            elif agg.valid:
                row.crosscheck = "missing_upload" if uploads.samples else ""
            if any(h <= t < h + HOUR for t in series.marked.get(code, ())):
                result.marked.add((code, h))
            rows[(code, h)] = row
        _hour_o2_and_loads(ctx, rows, h, aggs)
    if rows:
        HourlyValue.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["device", "factor", "start"],
            update_fields=HOUR_FIELDS,
        )
    result.rows = rows
    return result


def _usual_source(ctx: DeviceContext, setting: str) -> str:
    if setting != "auto":
        return setting
    from epb.monitoring.models import DeviceStatus

    status = DeviceStatus.objects.filter(device_id=ctx.id).only("minute_at").first()
    return "minute" if status is not None and status.minute_at is not None else "realtime"


def _fill(row: Any, agg: Aggregate, source: str) -> None:
    cov = agg.coverage
    row.value = agg.value
    row.minimum, row.maximum = agg.minimum, agg.maximum
    row.status = agg.status
    row.source, row.method = source, agg.method
    row.expected, row.observed, row.valid, row.stopped = cov.expected, cov.observed, cov.valid, cov.stopped
    row.flags = dict(cov.flags)
    row.reasons = "; ".join(agg.reasons)[:2000]


def _from_device(row: Any, upload: Sample) -> None:
    """No minute or realtime data: the device's own hourly value stands, by its flag."""
    row.value = upload.value
    row.minimum = row.maximum = upload.value
    row.status = _status_of_flag(upload.flag, upload.value)
    row.source = "device"
    row.expected, row.observed = 1, 1
    row.valid = 1 if row.status == StatStatus.VALID else 0
    row.stopped = 1 if row.status == StatStatus.STOPPED else 0
    row.flags = {(upload.flag or "N").upper(): 1}
    row.reasons = "no minute or realtime data: the device's own hourly value"
    row.crosscheck = "unverifiable"


def _hour_o2_and_loads(
    ctx: DeviceContext, rows: dict[tuple[str, dt.datetime], Any], h: dt.datetime, aggs: Any
) -> None:
    on = beijing_date(h)
    o2_row = rows.get((O2, h))
    o2 = o2_row.value if o2_row is not None and o2_row.status == StatStatus.VALID else None
    flow = rows.get((ctx.flow_code, h))
    volume = None
    if flow is not None and flow.status == StatStatus.VALID and flow.value is not None:
        known = factors.factor(ctx.flow_code)
        volume = emissions.volume_m3(flow.value, known.unit if known else "L/s", HOUR)
        flow.volume = volume
    tolerance = conf.cou_tolerance()
    for (code, _start), row in [(k, v) for k, v in rows.items() if k[1] == h]:
        if not is_pollutant(code):
            continue
        if ctx.kind == "gas":
            row.o2 = o2
            if row.status == StatStatus.VALID:
                row.converted = convert(ctx, code, row.value, o2, on)
        if row.status == StatStatus.VALID and row.value is not None and volume is not None:
            load = emissions.water_load_kg if ctx.kind == "water" else emissions.gas_load_kg
            row.load_kg = load(row.value, volume)
            if row.device_cou is not None and not row.crosscheck.endswith("mismatch"):
                f = factors.factor(code)
                cou = emissions.check_cou(
                    row.device_cou,
                    row.value,
                    volume,
                    "water" if ctx.kind == "water" else "gas",
                    cou_unit=(f.cou_unit if f and f.cou_unit else "kg"),
                    rel_tol=tolerance,
                    abs_tol=0.005,
                )
                if not cou.ok:
                    row.crosscheck = "cou_mismatch"
                    row.crosscheck_detail = f"Cou {cou.detail}"[:300]


# ---------------------------------------------------------------------------- days


def day_start(day: dt.date) -> dt.datetime:
    return beijing_midnight(day)


def hour_sample(row: Any) -> Sample:
    flag = {StatStatus.VALID: "N", StatStatus.STOPPED: "F"}.get(row.status, "D")
    return Sample(row.start, row.value, flag)


def compute_days(
    ctx: DeviceContext, days: Iterable[dt.date], now: dt.datetime | None = None
) -> dict[tuple[str, dt.date], Any]:
    """Compute (and store) the device's complete Beijing days among ``days``; missing hours first."""
    from epb.monitoring.models import DailyValue, HourlyValue

    now = now or timezone.now()
    out: dict[tuple[str, dt.date], Any] = {}
    if not ctx.is_source:
        return out
    for day in sorted({d for d in days if day_start(d) + DAY <= now}):
        start, end = day_start(day), day_start(day) + DAY
        have = {
            (f, s)
            for f, s in HourlyValue.objects.filter(
                device_id=ctx.id, start__gte=start, start__lt=end
            ).values_list("factor", "start")
        }
        hours = [start + HOUR * i for i in range(24)]
        missing = [h for h in hours if not any(s == h for _f, s in have)]
        if missing:
            compute_hours(ctx, missing, now)
        rows = list(
            HourlyValue.objects.filter(device_id=ctx.id, start__gte=start, start__lt=end).order_by("start")
        )
        by_factor: dict[str, list[Any]] = {}
        for hour_row in rows:
            by_factor.setdefault(hour_row.factor, []).append(hour_row)
        uploads = ctx.read(DataKind.DAY, start, end)
        flow_rows = by_factor.get(ctx.flow_code, [])
        volumes = [Sample(r.start, r.volume, "N") for r in flow_rows if r.volume is not None]
        vs = ctx.validity()
        stamp = timezone.now()
        tolerance = conf.cross_check_tolerance()
        for code, items in by_factor.items():
            samples = [hour_sample(r) for r in items]
            if ctx.kind == "gas":
                agg = daily_gas(samples, start, vs)
            else:
                water = replace(vs, water_cycle=HOUR)
                agg = daily_water(samples, volumes if is_pollutant(code) else [], start, water)
            row: Any = DailyValue(device_id=ctx.id, factor=code, day=day, computed_at=stamp)
            _fill(row, agg, "hour")
            converted = [
                r.converted for r in items if r.status == StatStatus.VALID and r.converted is not None
            ]
            row.converted = sum(converted) / len(converted) if converted and agg.valid else None
            o2 = [r.o2 for r in items if r.o2 is not None]
            row.o2 = sum(o2) / len(o2) if o2 else None
            loads = [r.load_kg for r in items if r.load_kg is not None]
            row.load_kg = sum(loads) if loads else None
            vols = [r.volume for r in items if r.volume is not None]
            row.volume = sum(vols) if vols else None
            rate = emissions.capture_rate([(r.start, r.status) for r in items], start, end, HOUR)
            row.capture_total, row.capture_stopped, row.capture_invalid = (
                rate.total,
                rate.stopped,
                rate.invalid,
            )
            row.tx_expected = sum(r.expected for r in items) + sum(
                _expected_slots(ctx) for _ in range(24 - len(items))
            )
            row.tx_received = sum(r.observed for r in items)
            row.tx_valid = sum(r.valid for r in items)
            row.tx_stopped = sum(r.stopped for r in items)
            upload = _device_upload(uploads, code, start)
            if upload is not None:
                row.device_value, row.device_flag = upload.value, (upload.flag or "")[:4]
                row.device_cou = uploads.cou.get(code, {}).get(start)
                check = cross_check(upload, agg, rel_tol=tolerance, settings=vs)
                row.crosscheck, row.crosscheck_detail = check.kind, check.detail[:300]
            out[(code, day)] = row
        if out:
            DailyValue.objects.bulk_create(
                [r for (c, d), r in out.items() if d == day],
                update_conflicts=True,
                unique_fields=["device", "factor", "day"],
                update_fields=DAY_FIELDS,
            )
    return out


def _expected_slots(ctx: DeviceContext) -> int:
    return max(1, HOUR // ctx.min_interval)
