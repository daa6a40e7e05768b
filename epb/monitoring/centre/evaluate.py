"""The centre's evaluation of newly stored data, one device at a time.

For the data a batch stored (device, CN, time range — handed over by the batch hook), in order:

1. data again ends an offline episode;
2. the anomaly detectors run over the new samples of the device's live series (realtime when it
   sends them, else minute data) from their saved state, per factor;
3. each new value of a factor with a limit is judged (``discharge_judge.assess``): a provisional
   exceedance (预警) for a finer basis than the limit's, a definitive one for pH (a range, each reading);
4. the complete hours the data touch (and the hour just completed) are recomputed; gas pollutants
   are judged on their valid hourly O2-converted means; a device upload that disagrees with the
   centre's computation is a data-logic anomaly;
5. complete days are recomputed likewise; water pollutants are judged on their valid daily
   flow-weighted means (NH3-N with the day's water temperature);
6. a repeated DataTime carrying different values is an anomaly (the first stays stored).

Everything found is folded into alarm episodes by ``centre.alarms.apply_evidence``. The periodic
tasks complete what no new data triggers: offline devices, hours and days that closed in silence.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from epb.lib.timeutil import beijing_date, to_utc
from epb.monitoring import conf
from epb.monitoring.centre import stats
from epb.monitoring.centre.alarms import Evidence, apply_evidence
from epb.monitoring.centre.context import O2, DeviceContext, Series, is_pollutant
from epb.monitoring.centre.limits import LimitCache
from epb.monitoring.centre.thresholds import enabled_kinds, thresholds_for
from epb.monitoring.choices import AlarmKind, DataKind, StatStatus
from epb.standards import anomalies
from epb.standards.discharge_judge import Assessment, ValueRecord, assess

logger = logging.getLogger("epb.monitoring.evaluate")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
PH = "w01001"
WATER_TEMP = "w01010"
MISMATCH = frozenset({"value_mismatch", "validity_mismatch", "cou_mismatch"})
WorkItem = Sequence[Any]  # [device_id, cn, first ISO time, last ISO time]


def _time(text: str) -> dt.datetime:
    return to_utc(dt.datetime.fromisoformat(text))


def evaluate(
    items: Iterable[WorkItem], repeats: Iterable[Sequence[Any]] = (), *, now: dt.datetime | None = None
) -> int:
    """Evaluate the work handed over by the batch hook; returns the devices evaluated."""
    from epb.monitoring.models import Device

    now = now or timezone.now()
    work: dict[int, dict[int, tuple[dt.datetime, dt.datetime]]] = defaultdict(dict)
    for device_id, cn, first, last in items:
        t0, t1 = _time(first), _time(last)
        known = work[int(device_id)].get(int(cn))
        work[int(device_id)][int(cn)] = (min(t0, known[0]), max(t1, known[1])) if known else (t0, t1)
    again: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for repeat in repeats:
        again[int(repeat[0])].append(repeat)
    ids = set(work) | set(again)
    devices = Device.objects.filter(pk__in=ids, is_active=True, outlet__isnull=False).select_related(
        "outlet__enterprise", "org_unit", "status"
    )
    limits = LimitCache()
    done = 0
    for device in devices:
        try:
            with transaction.atomic():
                evaluate_device(
                    DeviceContext(device, limits), work.get(device.pk, {}), again.get(device.pk, []), now
                )
            done += 1
        except Exception:
            logger.exception("evaluation of device %s failed", device.pk)
    return done


def live_series(ctx: DeviceContext, work: dict[int, Any]) -> int:
    """The series the detectors and the provisional judgement watch: realtime when the device
    sends it (its newest realtime data no older than an hour before its newest minute data),
    else minute data."""
    status = getattr(ctx.device, "status", None)
    realtime_at = getattr(status, "realtime_at", None)
    minute_at = getattr(status, "minute_at", None)
    if DataKind.REALTIME in work and realtime_at is None:
        return DataKind.REALTIME
    if realtime_at is not None and (minute_at is None or realtime_at >= minute_at - HOUR):
        return DataKind.REALTIME
    return DataKind.MINUTE


def active_keys(ctx: DeviceContext) -> set[tuple[str, str]]:
    from epb.monitoring.models import Alarm

    return set(Alarm.objects.filter(device_id=ctx.id, active=True).values_list("factor", "kind"))


def evaluate_device(
    ctx: DeviceContext,
    work: dict[int, tuple[dt.datetime, dt.datetime]],
    repeats: Sequence[Sequence[Any]],
    now: dt.datetime,
) -> None:
    if not ctx.is_source:
        return
    active = active_keys(ctx)
    evidence: list[Evidence] = []
    if ("", AlarmKind.OFFLINE) in active and (DataKind.REALTIME in work or DataKind.MINUTE in work):
        evidence.append(Evidence("", AlarmKind.OFFLINE, now, now, present=False))
    watched = live_series(ctx, work)
    if watched in work:
        t0, t1 = work[watched]
        series = ctx.read(watched, t0, t1 + dt.timedelta(seconds=1))
        evidence += detect(ctx, watched, series, active)
        if conf.provisional_exceedance():
            evidence += judge_values(ctx, watched, series, active)
    hours: set[dt.datetime] = set()
    for cn in (DataKind.REALTIME, DataKind.MINUTE, DataKind.HOUR):
        if cn in work:
            t0, t1 = work[cn]
            h = stats.floor_hour(t0)
            while h <= t1:
                hours.add(h)
                h += HOUR
            previous = stats.floor_hour(t0) - HOUR
            if not _computed_after_end(ctx, previous):
                hours.add(previous)
    days: set[dt.date] = set()
    if hours:
        result = stats.compute_hours(ctx, hours, now)
        evidence += judge_hours(ctx, result, active, now)
        days |= {beijing_date(h) for _c, h in result.rows}
    if DataKind.DAY in work:
        t0, t1 = work[DataKind.DAY]
        day = beijing_date(t0)
        while day <= beijing_date(t1):
            days.add(day)
            day += DAY
    if days:
        rows = stats.compute_days(ctx, days, now)
        evidence += judge_days(ctx, rows, active, now)
    evidence += duplicates(ctx, repeats)
    if evidence:
        apply_evidence(ctx.device, evidence, now=now)


def _computed_after_end(ctx: DeviceContext, hour: dt.datetime) -> bool:
    from epb.monitoring.models import HourlyValue

    stamp = (
        HourlyValue.objects.filter(device_id=ctx.id, start=hour).values_list("computed_at", flat=True).first()
    )
    return stamp is not None and stamp >= hour + HOUR


# ---------------------------------------------------------------------------- anomalies


def _series_name(cn: int) -> Any:
    return {DataKind.REALTIME: "realtime", DataKind.MINUTE: "minute"}.get(DataKind(cn), "hour")


def thresholds(ctx: DeviceContext, code: str, cn: int) -> tuple[anomalies.Thresholds, tuple[Any, ...]]:
    setting = ctx.settings.get(code)
    interval = ctx.rtd_interval if cn == DataKind.REALTIME else ctx.min_interval
    th = thresholds_for(
        code,
        _series_name(cn),
        interval,
        range_upper=setting.range_upper if setting else None,
        rated_flow=setting.rated_flow if setting else None,
        overrides=setting.thresholds if setting else None,
    )
    return th, enabled_kinds(setting.disabled if setting else ())


def detect(ctx: DeviceContext, cn: int, series: Series, active: set[tuple[str, str]]) -> list[Evidence]:
    """Run the detectors from their saved state over the samples newer than it."""
    from epb.monitoring.models import DetectorState

    out: list[Evidence] = []
    for code, samples in series.samples.items():
        row, _created = DetectorState.objects.select_for_update().get_or_create(
            device_id=ctx.id, factor=code, cn=cn, defaults={"state": {}}
        )
        state = anomalies.State.from_dict(row.state) if row.state else None
        newest = state.last_time if state is not None else None
        fresh = [s for s in samples if newest is None or s.time > newest]
        if not fresh:
            continue
        th, kinds = thresholds(ctx, code, cn)
        found = anomalies.detect(fresh, th, state, kinds=kinds)
        row.state = found.state.to_dict()
        row.save(update_fields=["state", "updated_at"])
        open_kinds = set()
        for ep in found.episodes:
            detail = {
                k: v for k, v in ep.detail.items() if isinstance(v, int | float | str | bool) or v is None
            }
            value = ep.detail.get("max") if ep.kind != "jump" else ep.detail.get("to")
            out.append(
                Evidence(
                    code,
                    ep.kind,
                    ep.start,
                    ep.end + (th.interval if ep.kind not in ("jump", "duplicate_time") else dt.timedelta(0)),
                    live=ep.open,
                    value=value if isinstance(value, int | float) else None,
                    detail=detail | {"series": _series_name(cn)},
                )
            )
            if ep.open:
                open_kinds.add(ep.kind)
        last = fresh[-1].time if fresh else None
        for factor, kind in active:
            if factor == code and kind in anomalies.KINDS and kind not in open_kinds and last is not None:
                if kind in (
                    "zero",
                    "negative",
                    "constant",
                    "small_variation",
                    "over_range",
                    "running_while_stopped",
                ):
                    out.append(Evidence(code, kind, last, last, present=False))
    return out


# ---------------------------------------------------------------------------- exceedance


def _context(limits: Any, water_temp: float | None) -> dict[str, Any]:
    context = dict(limits.context)
    if water_temp is not None:
        context["water_temp_c"] = water_temp
    return context


def _evidence(a: Assessment, code: str, start: dt.datetime, end: dt.datetime, live: bool) -> Evidence:
    exc = a.exceedance
    assert exc is not None
    detail = exc.to_dict()
    return Evidence(
        code,
        AlarmKind.EXCEEDANCE,
        start,
        end,
        live=live,
        confirmed=not a.provisional,
        value=exc.value,
        limit_min=exc.limit_min,
        limit_max=exc.limit_max,
        unit=exc.unit,
        multiple=exc.multiple
        if exc.multiple is not None
        else (exc.excess / exc.limit_max if exc.excess and exc.limit_max else None),
        basis=exc.basis,
        detail=detail,
    )


def judge_values(ctx: DeviceContext, cn: int, series: Series, active: set[tuple[str, str]]) -> list[Evidence]:
    """Each valid value of a factor with a limit: a run of exceeding values is one piece of evidence."""
    out: list[Evidence] = []
    interval = ctx.rtd_interval if cn == DataKind.REALTIME else ctx.min_interval
    o2 = {s.time: s.value for s in series.samples.get(O2, []) if s.value is not None}
    temp = {s.time: s.value for s in series.samples.get(WATER_TEMP, []) if s.value is not None}
    for code, samples in series.samples.items():
        if not (is_pollutant(code) or code == PH):
            continue
        run: list[tuple[dt.datetime, Assessment]] = []
        last_ok: dt.datetime | None = None
        for s in sorted(samples, key=lambda x: x.time):
            if s.value is None:
                continue
            limits = ctx.limits.get(ctx.outlet, beijing_date(s.time))
            limit = limits.limit(code)
            if limit is None:
                continue
            record = _record(ctx, code, s, "reading", o2.get(s.time), series, cn)
            a = assess(record, limit, _context(limits, temp.get(s.time)))
            if a.status == "exceeded":
                if run and s.time - run[-1][0] > 3 * interval:
                    out.append(_run_evidence(code, run, interval))
                    run = []
                run.append((s.time, a))
            elif a.status in ("compliant", "approaching"):
                if run:
                    out.append(_run_evidence(code, run, interval))
                    run = []
                last_ok = s.time
        if run:
            out.append(_run_evidence(code, run, interval))
        elif last_ok is not None and (code, AlarmKind.EXCEEDANCE) in active:
            out.append(Evidence(code, AlarmKind.EXCEEDANCE, last_ok, last_ok, present=False))
    return out


def _record(
    ctx: DeviceContext, code: str, s: Any, basis: Any, o2: float | None, series: Series | None, cn: int
) -> ValueRecord:
    marked = series is not None and s.time in series.marked.get(code, ())
    value = s.value
    converted_at = None
    if ctx.kind == "gas" and o2 is None and series is not None:
        zs = series.extra.get(code, {}).get(s.time, {}).get("zs")
        if zs is not None and ctx.reference_o2 is not None:
            value, converted_at = zs, ctx.reference_o2
    return ValueRecord(
        code,
        float(value),
        basis,
        flag=s.flag or None,
        marked=marked,
        o2_measured_pct=o2 if converted_at is None else None,
        o2_converted_at=converted_at,
        start=s.time,
    )


def _run_evidence(code: str, run: list[tuple[dt.datetime, Assessment]], interval: dt.timedelta) -> Evidence:
    worst = max(run, key=lambda item: item[1].value or 0.0)[1]
    return _evidence(worst, code, run[0][0], run[-1][0] + interval, live=True)


def _mismatch(code: str, row: Any, start: dt.datetime, end: dt.datetime, live: bool, period: str) -> Evidence:
    detail = {
        "check": row.crosscheck,
        "detail": row.crosscheck_detail,
        "computed": row.value,
        "period": period,
    }
    return Evidence(
        code, AlarmKind.DATA_MISMATCH, start, end, live=live, value=row.device_value, detail=detail
    )


def judge_hours(
    ctx: DeviceContext, result: stats.HourResult, active: set[tuple[str, str]], now: dt.datetime
) -> list[Evidence]:
    """Gas pollutants on their valid hourly means (O2-converted); device uploads that disagree."""
    out: list[Evidence] = []
    for (code, h), row in sorted(result.rows.items(), key=lambda item: item[0][1]):
        live = h + HOUR > now - HOUR
        if row.crosscheck in MISMATCH:
            out.append(_mismatch(code, row, h, h + HOUR, live, "hour"))
        elif row.crosscheck == "match" and (code, AlarmKind.DATA_MISMATCH) in active:
            out.append(Evidence(code, AlarmKind.DATA_MISMATCH, h, h + HOUR, present=False))
        if ctx.kind != "gas" or not is_pollutant(code) or row.status != StatStatus.VALID or row.value is None:
            continue
        limits = ctx.limits.get(ctx.outlet, beijing_date(h))
        limit = limits.limit(code)
        if limit is None:
            continue
        record = ValueRecord(
            code,
            row.value,
            "hourly_mean",
            marked=(code, h) in result.marked,
            o2_measured_pct=row.o2,
            start=h,
            end=h + HOUR,
        )
        a = assess(record, limit, limits.context)
        if a.status == "exceeded":
            out.append(_evidence(a, code, h, h + HOUR, live))
        elif a.status in ("compliant", "approaching") and (code, AlarmKind.EXCEEDANCE) in active and live:
            out.append(Evidence(code, AlarmKind.EXCEEDANCE, h + HOUR, h + HOUR, present=False))
    return out


def judge_days(
    ctx: DeviceContext, rows: dict[tuple[str, dt.date], Any], active: set[tuple[str, str]], now: dt.datetime
) -> list[Evidence]:
    """Water pollutants on their valid daily flow-weighted means; device day uploads that disagree."""
    out: list[Evidence] = []
    temps = {
        day: r.value for (code, day), r in rows.items() if code == WATER_TEMP and r.status == StatStatus.VALID
    }
    for (code, day), row in sorted(rows.items(), key=lambda item: item[0][1]):
        start = stats.day_start(day)
        live = start + DAY > now - DAY
        if row.crosscheck in MISMATCH:
            out.append(_mismatch(code, row, start, start + DAY, live, "day"))
        if (
            ctx.kind != "water"
            or not is_pollutant(code)
            or row.status != StatStatus.VALID
            or row.value is None
        ):
            continue
        limits = ctx.limits.get(ctx.outlet, day)
        limit = limits.limit(code)
        if limit is None:
            continue
        record = ValueRecord(code, row.value, "daily_mean", start=start, end=start + DAY)
        a = assess(record, limit, _context(limits, temps.get(day)))
        if a.status == "exceeded":
            out.append(_evidence(a, code, start, start + DAY, live))
    return out


def duplicates(ctx: DeviceContext, repeats: Sequence[Sequence[Any]]) -> list[Evidence]:
    """A packet with a DataTime already stored, carrying different values: the first stays."""
    from epb.monitoring.models import Reading

    out: list[Evidence] = []
    for _device_id, cn, when_text, part, data in repeats:
        when = _time(when_text)
        stored = (
            Reading.objects.filter(device_id=ctx.id, cn=cn, data_time=when, part=part)
            .values_list("data", flat=True)
            .first()
        )
        if stored is None or not isinstance(data, dict):
            continue
        for code, item in data.items():
            first = stored.get(code)
            if isinstance(item, dict) and isinstance(first, dict) and first != item:
                name = "Rtd" if int(cn) == DataKind.REALTIME else "Avg"
                value = item.get(name)
                detail = {"cn": int(cn), "first": first.get(name), "value": value, "differs": True}
                number = float(value) if isinstance(value, int | float) else None
                out.append(
                    Evidence(
                        code, AlarmKind.DUPLICATE_TIME, when, when, live=False, value=number, detail=detail
                    )
                )
    return out


# ---------------------------------------------------------------------------- periodic scans


def offline_threshold(device: Any, status: Any, now: dt.datetime, setting: Any = None) -> dt.timedelta:
    """How long a device may be silent: its own setting, else max(MONITORING_OFFLINE_MINUTES,
    3 × realtime interval) while it sends realtime data, else max(15 min, minute interval + 5 min)."""
    if setting is not None and setting.offline_minutes:
        return dt.timedelta(minutes=setting.offline_minutes)
    floor = dt.timedelta(minutes=conf.offline_minutes())
    realtime_at = getattr(status, "realtime_at", None)
    if realtime_at is not None and realtime_at >= now - HOUR:
        return max(floor, 3 * dt.timedelta(seconds=device.rtd_interval))
    return max(floor, dt.timedelta(minutes=15), dt.timedelta(minutes=device.min_interval + 5))


def scan_offline(now: dt.datetime | None = None) -> int:
    """Open an offline episode for every source device silent past its threshold; end those that
    speak again. Returns the devices found offline."""
    from epb.monitoring.models import Alarm, AnomalySetting, Device

    now = now or timezone.now()
    active = set(
        Alarm.objects.filter(kind=AlarmKind.OFFLINE, active=True).values_list("device_id", flat=True)
    )
    settings = {
        s.device_id: s for s in AnomalySetting.objects.filter(factor="", offline_minutes__isnull=False)
    }
    devices = Device.objects.filter(
        is_active=True, outlet__isnull=False, status__last_data_at__isnull=False
    ).select_related("status", "outlet")
    offline = 0
    for device in devices:
        status = device.status
        last = status.last_data_at
        assert last is not None
        limit = offline_threshold(device, status, now, settings.get(device.pk))
        if now - last > limit:
            offline += 1
            evidence = Evidence(
                "",
                AlarmKind.OFFLINE,
                last,
                now,
                detail={"silent_s": (now - last).total_seconds(), "threshold_s": limit.total_seconds()},
            )
            apply_evidence(device, [evidence], now=now)
        elif device.pk in active:
            apply_evidence(device, [Evidence("", AlarmKind.OFFLINE, last, last, present=False)], now=now)
    return offline


def close_periods(now: dt.datetime | None = None) -> dict[str, int]:
    """Compute and judge the hour and the day that closed without data to trigger them."""
    from epb.monitoring.models import DailyValue, Device, HourlyValue

    now = now or timezone.now()
    last_hour = stats.floor_hour(now) - HOUR
    yesterday = beijing_date(now) - DAY
    devices = list(
        Device.objects.filter(
            is_active=True, outlet__isnull=False, status__last_data_at__isnull=False
        ).select_related("outlet__enterprise", "org_unit", "status")
    )
    hours_done = set(
        HourlyValue.objects.filter(start=last_hour).values_list("device_id", flat=True).distinct()
    )
    days_done = set(DailyValue.objects.filter(day=yesterday).values_list("device_id", flat=True).distinct())
    counts = {"hours": 0, "days": 0}
    limits = LimitCache()
    for device in devices:
        if device.pk in hours_done and device.pk in days_done:
            continue
        ctx = DeviceContext(device, limits)
        try:
            with transaction.atomic():
                active = active_keys(ctx)
                evidence: list[Evidence] = []
                if device.pk not in hours_done:
                    result = stats.compute_hours(ctx, [last_hour], now)
                    evidence += judge_hours(ctx, result, active, now)
                    counts["hours"] += 1
                if device.pk not in days_done:
                    rows = stats.compute_days(ctx, [yesterday], now)
                    evidence += judge_days(ctx, rows, active, now)
                    counts["days"] += 1
                if evidence:
                    apply_evidence(device, evidence, now=now)
        except Exception:
            logger.exception("closing the periods of device %s failed", device.pk)
    return counts
