"""The monitoring centre's API under /api/v1/monitoring/: alarms and their handling, hourly and
daily statistics with coverage, an outlet's limits, capture rates, loads and permitted totals,
forwarding targets. Reads through ``visible_to``; writes through the centre's services.

Statistics carry their period (``start`` of the hour or the Beijing ``day``), coverage counts
(expected / observed / valid / stopped), status and reasons, openaq-style."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema, Status

from epb.core.schemas import Id, Offset
from epb.core.visibility import get_visible_or_404
from epb.lib.timeutil import beijing_date
from epb.monitoring.api import router, time_param
from epb.monitoring.centre import alarms as alarm_service
from epb.monitoring.centre import capture, config
from epb.monitoring.centre.limits import outlet_limits
from epb.monitoring.models import (
    Alarm,
    DailyValue,
    Device,
    ForwardTarget,
    HourlyValue,
    LimitOverride,
    PermittedTotal,
)


class AlarmOut(Schema):
    id: int
    kind: str
    title: str
    device_id: int
    outlet_id: int | None
    factor: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    last_evidence_at: dt.datetime
    active: bool
    confirmed: bool
    value: float | None
    limit_min: float | None
    limit_max: float | None
    unit: str
    multiple: float | None
    basis: str
    state: str
    acknowledged_at: dt.datetime | None
    handled_at: dt.datetime | None
    cause: str
    measures: str
    closed_at: dt.datetime | None
    close_note: str
    detail: dict[str, Any]


class HandleIn(Schema):
    cause: str
    measures: str


class AlarmNoteIn(Schema):
    note: str = ""


class StatOut(Schema):
    factor: str
    start: dt.datetime | None = None
    day: dt.date | None = None
    value: float | None
    converted: float | None
    minimum: float | None
    maximum: float | None
    status: str
    source: str
    method: str
    expected: int
    observed: int
    valid: int
    stopped: int
    flags: dict[str, int]
    reasons: str
    load_kg: float | None
    volume: float | None
    device_value: float | None
    device_flag: str
    crosscheck: str
    crosscheck_detail: str


class LimitOut(Schema):
    item: str
    kind: str
    min: float | None
    max: float | None
    unit: str
    basis: str
    reference_o2_pct: float | None
    standard: str
    class_id: str
    reference: str
    assumed: list[str]


class OutletLimitsOut(Schema):
    outlet_id: int
    date: dt.date
    standard: str
    class_id: str
    how: str
    problem: str
    limits: list[LimitOut]


class OverrideIn(Schema):
    item: str
    kind: str = "max"
    min_value: float | None = None
    max_value: float | None = None
    unit: str = ""
    basis: str = ""
    reference_o2: float | None = None
    effective_from: dt.date
    effective_to: dt.date | None = None
    reference: str
    note: str = ""


class OverrideOut(OverrideIn):
    id: int
    outlet_id: int


class RateOut(Schema):
    device_id: int
    first: dt.date
    last: dt.date
    hours: int
    stopped_hours: int
    invalid_hours: int
    capture_pct: float | None
    expected: int
    received: int
    transmission_pct: float
    validity_pct: float | None
    effective_pct: float | None


class LoadOut(Schema):
    factor: str
    kg: float
    device_cou_kg: float | None
    days: int


class TotalIn(Schema):
    item: str
    year: int
    tonnes: Decimal
    reference: str
    note: str = ""


class TotalOut(TotalIn):
    id: int
    enterprise_id: int
    used_t: float | None = None
    percent_used: float | None = None
    projected_t: float | None = None


class ForwardTargetIn(Schema):
    name: str
    host: str
    port: int
    all_devices: bool = False
    device_ids: list[int] = []
    is_active: bool = True


class ForwardTargetOut(Schema):
    id: int
    name: str
    host: str
    port: int
    all_devices: bool
    device_ids: list[int]
    is_active: bool
    forwarded: int
    queued: int
    last_ok_at: dt.datetime | None
    last_error: str


def _alarm(a: Alarm) -> dict[str, Any]:
    out = {name: getattr(a, name) for name in AlarmOut.model_fields if hasattr(a, name)}
    out["title"] = a.title
    return out


def _date(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"date": f"{text!r} 不是 YYYY-MM-DD 日期"}) from None


@router.get("/alarms", response=list[AlarmOut])
def list_alarms(
    request: HttpRequest,
    kind: str = "",
    state: str = "",
    area: Id | None = None,
    enterprise: str = "",
    factor: str = "",
    since: str = "",
    until: str = "",
    active: bool = False,
    confirmed: bool = False,
    limit: int = 200,
    offset: Offset = 0,
) -> object:
    from epb.monitoring.views.alarms import filtered

    data = {
        "kind": kind,
        "state": state,
        "area": str(area) if area else "",
        "enterprise": enterprise,
        "factor": factor,
        "since": since,
        "until": until,
    }
    if active:
        data["active"] = "on"
    if confirmed:
        data["confirmed"] = "on"
    qs, form = filtered(request.user, data)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    window = slice(max(0, offset), max(0, offset) + max(1, min(limit, 1000)))
    return [_alarm(a) for a in qs.order_by("-started_at", "-pk")[window]]


@router.get("/alarms/{alarm_id}", response=AlarmOut)
def get_alarm(request: HttpRequest, alarm_id: Id) -> object:
    return _alarm(get_visible_or_404(Alarm, request.user, pk=alarm_id))


def _act(request: HttpRequest, alarm_id: Id, action: str, **kwargs: Any) -> dict[str, Any]:
    alarm = get_visible_or_404(
        Alarm.objects.select_related("outlet__enterprise", "device__org_unit"), request.user, pk=alarm_id
    )
    fn: Any = {
        "acknowledge": alarm_service.acknowledge,
        "handle": alarm_service.handle,
        "close": alarm_service.close,
        "reopen": alarm_service.reopen,
    }[action]
    fn(alarm, actor=request.user, **kwargs)
    alarm.refresh_from_db()
    return _alarm(alarm)


@router.post("/alarms/{alarm_id}/acknowledge", response=AlarmOut)
def acknowledge_alarm(request: HttpRequest, alarm_id: Id) -> object:
    return _act(request, alarm_id, "acknowledge")


@router.post("/alarms/{alarm_id}/handle", response=AlarmOut)
def handle_alarm(request: HttpRequest, alarm_id: Id, payload: HandleIn) -> object:
    return _act(request, alarm_id, "handle", cause=payload.cause, measures=payload.measures)


@router.post("/alarms/{alarm_id}/close", response=AlarmOut)
def close_alarm(request: HttpRequest, alarm_id: Id, payload: AlarmNoteIn) -> object:
    return _act(request, alarm_id, "close", note=payload.note)


@router.post("/alarms/{alarm_id}/reopen", response=AlarmOut)
def reopen_alarm(request: HttpRequest, alarm_id: Id, payload: AlarmNoteIn) -> object:
    return _act(request, alarm_id, "reopen", note=payload.note)


def _outlet(request: HttpRequest, outlet_id: Id) -> Any:
    from epb.enterprises.models import Outlet

    return get_visible_or_404(Outlet, request.user, pk=outlet_id)


def _stat(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name, None) for name in StatOut.model_fields}


@router.get("/outlets/{outlet_id}/hourly", response=list[StatOut])
def outlet_hourly(
    request: HttpRequest, outlet_id: Id, factor: str = "", start: str = "", end: str = "", limit: int = 2000
) -> object:
    outlet = _outlet(request, outlet_id)
    until = time_param(end, timezone.now())
    since = time_param(start, until - dt.timedelta(days=1))
    qs = HourlyValue.objects.visible_to(request.user).filter(
        device__outlet=outlet, start__gte=since, start__lt=until
    )
    if factor:
        qs = qs.filter(factor=factor)
    return [_stat(r) for r in qs.order_by("start", "factor")[: max(1, min(limit, 20000))]]


@router.get("/outlets/{outlet_id}/daily", response=list[StatOut])
def outlet_daily(
    request: HttpRequest, outlet_id: Id, factor: str = "", first: str = "", last: str = "", limit: int = 2000
) -> object:
    outlet = _outlet(request, outlet_id)
    to = _date(last, beijing_date(timezone.now()))
    since = _date(first, to - dt.timedelta(days=30))
    qs = DailyValue.objects.visible_to(request.user).filter(
        device__outlet=outlet, day__gte=since, day__lte=to
    )
    if factor:
        qs = qs.filter(factor=factor)
    return [_stat(r) for r in qs.order_by("day", "factor")[: max(1, min(limit, 20000))]]


@router.get("/outlets/{outlet_id}/limits", response=OutletLimitsOut)
def outlet_limit_list(request: HttpRequest, outlet_id: Id, date: str = "") -> object:
    outlet = _outlet(request, outlet_id)
    on = _date(date, beijing_date(timezone.now()))
    judged = outlet_limits(outlet, on)
    rows = []
    for item, limit in sorted(judged.limits.items()):
        resolved = limit.resolve(judged.context)
        if resolved is None:
            continue
        r = resolved.row
        rows.append(
            {
                "item": item,
                "kind": r.kind,
                "min": r.min,
                "max": r.max,
                "unit": r.unit,
                "basis": r.basis,
                "reference_o2_pct": r.reference_o2_pct,
                "standard": r.standard,
                "class_id": r.class_id,
                "reference": r.reference,
                "assumed": list(resolved.assumed),
            }
        )
    return {
        "outlet_id": outlet.pk,
        "date": on,
        "standard": judged.choice.standard if judged.choice else "",
        "class_id": judged.choice.class_id if judged.choice else "",
        "how": judged.choice.how if judged.choice else "",
        "problem": judged.problem,
        "limits": rows,
    }


def _override(o: LimitOverride) -> dict[str, Any]:
    return {name: getattr(o, name) for name in OverrideOut.model_fields}


@router.get("/outlets/{outlet_id}/overrides", response=list[OverrideOut])
def list_overrides(request: HttpRequest, outlet_id: Id) -> object:
    outlet = _outlet(request, outlet_id)
    return [_override(o) for o in LimitOverride.objects.visible_to(request.user).filter(outlet=outlet)]


@router.post("/outlets/{outlet_id}/overrides", response={201: OverrideOut})
def add_override(request: HttpRequest, outlet_id: Id, payload: OverrideIn) -> object:
    outlet = _outlet(request, outlet_id)
    override = config.add_override(outlet, actor=request.user, **payload.dict())
    return Status(201, _override(override))


@router.get("/capture", response=list[RateOut])
def capture_rates(
    request: HttpRequest,
    period: str = "month",
    date: str = "",
    device_id: Id | None = None,
    enterprise_id: Id | None = None,
) -> object:
    if period not in ("day", "month", "quarter", "year"):
        raise ValidationError({"period": "period 须为 day、month、quarter 或 year"})
    today = beijing_date(timezone.now())
    on = _date(date, today)
    first, last = capture.period_days(period, on)  # type: ignore[arg-type]
    last = min(last, today)
    qs = Device.objects.visible_to(request.user).filter(outlet__isnull=False)
    if device_id is not None:
        qs = qs.filter(pk=device_id)
    if enterprise_id is not None:
        qs = qs.filter(outlet__enterprise_id=enterprise_id)
    devices = list(qs.order_by("pk")[:5000])
    rates = capture.rates(devices, first, last) if last >= first else {}
    out = []
    for device in devices:
        r = rates.get(device.pk)
        if r is None:
            continue
        out.append(
            {
                "device_id": device.pk,
                "first": first,
                "last": last,
                "hours": r.capture.total,
                "stopped_hours": r.capture.stopped,
                "invalid_hours": r.capture.invalid,
                "capture_pct": r.capture.percent,
                "expected": r.transmission.expected,
                "received": r.transmission.received,
                "transmission_pct": r.transmission.transmission_pct,
                "validity_pct": r.transmission.validity_pct,
                "effective_pct": r.transmission.effective_pct,
            }
        )
    return out


@router.get("/outlets/{outlet_id}/loads", response=list[LoadOut])
def outlet_loads(request: HttpRequest, outlet_id: Id, period: str = "month", date: str = "") -> object:
    outlet = _outlet(request, outlet_id)
    if period not in ("day", "month", "quarter", "year"):
        raise ValidationError({"period": "period 须为 day、month、quarter 或 year"})
    first, last = capture.period_days(period, _date(date, beijing_date(timezone.now())))  # type: ignore[arg-type]
    devices = Device.objects.visible_to(request.user).filter(outlet=outlet).values_list("pk", flat=True)
    return [
        vars(item) for item in sorted(capture.loads(devices, first, last).values(), key=lambda x: x.factor)
    ]


def _total(t: PermittedTotal, usage: Any = None) -> dict[str, Any]:
    out = {name: getattr(t, name) for name in TotalIn.model_fields} | {
        "id": t.pk,
        "enterprise_id": t.enterprise_id,
    }
    if usage is not None:
        out |= {"used_t": usage.used_t, "percent_used": usage.percent_used, "projected_t": usage.projected_t}
    return out


@router.get("/enterprises/{enterprise_id}/permitted-totals", response=list[TotalOut])
def list_totals(request: HttpRequest, enterprise_id: Id) -> object:
    from epb.enterprises.models import Enterprise

    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    today = beijing_date(timezone.now())
    usage = {u.item: u.usage for u in capture.permit_use(enterprise, today)}
    totals = (
        PermittedTotal.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .order_by("-year", "item")
    )
    return [_total(t, usage.get(t.item) if t.year == today.year else None) for t in totals]


@router.post("/enterprises/{enterprise_id}/permitted-totals", response={201: TotalOut})
def save_total(request: HttpRequest, enterprise_id: Id, payload: TotalIn) -> object:
    from epb.enterprises.models import Enterprise

    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    total = config.save_permitted_total(enterprise, actor=request.user, **payload.dict())
    return Status(201, _total(total))


def _target(t: ForwardTarget) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "host": t.host,
        "port": t.port,
        "all_devices": t.all_devices,
        "device_ids": list(t.devices.values_list("pk", flat=True)),
        "is_active": t.is_active,
        "forwarded": t.forwarded,
        "queued": t.queue.count(),
        "last_ok_at": t.last_ok_at,
        "last_error": t.last_error,
    }


@router.get("/forward-targets", response=list[ForwardTargetOut])
def list_targets(request: HttpRequest) -> object:
    return [_target(t) for t in ForwardTarget.objects.visible_to(request.user)]


@router.post("/forward-targets", response={201: ForwardTargetOut})
def add_target(request: HttpRequest, payload: ForwardTargetIn) -> object:
    """Forward the accepted frames of some (or all) devices to an upstream centre (city staff)."""
    target = config.add_forward_target(actor=request.user, **payload.dict())
    return Status(201, _target(target))


@router.get("/forward-targets/{target_id}", response=ForwardTargetOut)
def get_target(request: HttpRequest, target_id: Id) -> object:
    return _target(get_visible_or_404(ForwardTarget, request.user, pk=target_id))
