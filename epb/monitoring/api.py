"""The monitoring API under /api/v1/monitoring/: devices, status, latest values, readings,
quarantine, commands. Every read goes through ``visible_to``; every write through ``services``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from epb.core.models import OrgUnit
from epb.core.schemas import DbInt, Id, Offset
from epb.core.visibility import get_visible_or_404
from epb.lib.timeutil import BEIJING, parse_beijing
from epb.monitoring import readings, rules, services
from epb.monitoring.models import Command, Device, DeviceStatus, QuarantineEntry, Reading
from epb.monitoring.schemas import (
    CommandIn,
    CommandOut,
    DeviceDetailOut,
    DeviceIn,
    DeviceOut,
    DevicePatch,
    LatestValueOut,
    QuarantineOut,
    ReadingOut,
    ReplayOut,
    StatusOut,
)

router = Router(tags=["monitoring"])


def _status(device: Device) -> DeviceStatus:
    status = getattr(device, "status", None)
    return status if isinstance(status, DeviceStatus) else DeviceStatus(device=device)


def device_out(device: Device, *, detail: bool = False) -> dict[str, Any]:
    status = _status(device)
    out: dict[str, Any] = {
        "id": device.pk,
        "mn": device.mn,
        "name": device.name,
        "system": device.system,
        "outlet_id": device.outlet_id,
        "org_unit_id": device.org_unit_id,
        "is_active": device.is_active,
        "state": rules.liveness(
            status.last_seen_at, timezone.now(), device.rtd_interval, device.min_interval
        ).value,
        "last_seen_at": status.last_seen_at,
        "last_data_at": status.last_data_at,
    }
    if detail:
        out |= {name: getattr(device, name) for name in services.PROFILE_FIELDS if name != "name"}
        out["sm4_key"] = device.masked_key
    return out


def _aware(value: datetime | None) -> datetime | None:
    """A time without an offset is Beijing time (the convention of the whole platform)."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        return value.replace(tzinfo=BEIJING)
    return value


def time_param(text: str | None, default: datetime) -> datetime:
    """A time query parameter in Beijing time (``2026-06-01T08:00``), or ``default`` when absent."""
    if not text:
        return default
    try:
        return parse_beijing(text)
    except ValueError as exc:
        raise ValidationError({"time": str(exc)}) from None


@router.get("/devices", response=list[DeviceOut])
def list_devices(
    request: HttpRequest,
    q: str = "",
    system: str = "",
    enterprise_id: Id | None = None,
    state: str = "",
    limit: int = 200,
    offset: Offset = 0,
) -> object:
    qs = Device.objects.visible_to(request.user).select_related("status")
    if q:
        qs = qs.filter(Q(mn__icontains=q) | Q(name__icontains=q))
    if system:
        qs = qs.filter(system=system)
    if enterprise_id is not None:
        qs = qs.filter(outlet__enterprise_id=enterprise_id)
    window = slice(max(0, offset), max(0, offset) + max(1, min(limit, 1000)))
    if not state:
        return [device_out(d) for d in qs.order_by("mn")[window]]
    # Liveness depends on each device's intervals, so it is judged here, not in SQL.
    return [row for row in (device_out(d) for d in qs.order_by("mn")) if row["state"] == state][window]


@router.post("/devices", response={201: DeviceDetailOut})
def register_device(request: HttpRequest, payload: DeviceIn) -> object:
    from epb.enterprises.models import Outlet

    data = payload.dict()
    outlet_id, org_unit_id = data.pop("outlet_id"), data.pop("org_unit_id")
    outlet = get_visible_or_404(Outlet, request.user, pk=outlet_id) if outlet_id is not None else None
    org_unit = get_visible_or_404(OrgUnit, request.user, pk=org_unit_id) if org_unit_id is not None else None
    device = services.register_device(actor=request.user, outlet=outlet, org_unit=org_unit, **data)  # type: ignore[arg-type]
    return Status(201, device_out(Device.objects.select_related("status").get(pk=device.pk), detail=True))


@router.get("/devices/{device_id}", response=DeviceDetailOut)
def get_device(request: HttpRequest, device_id: Id) -> object:
    return device_out(
        get_visible_or_404(Device.objects.select_related("status"), request.user, pk=device_id), detail=True
    )


@router.patch("/devices/{device_id}", response=DeviceDetailOut)
def update_device(request: HttpRequest, device_id: Id, payload: DevicePatch) -> object:
    device = get_visible_or_404(Device, request.user, pk=device_id)
    changes = payload.dict(exclude_unset=True)
    # Omit a field to keep it; no field of a device may be emptied to null.
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls:
        raise ValidationError({name: "不能为 null / may not be null" for name in nulls})
    services.update_device(device, actor=request.user, **changes)  # type: ignore[arg-type]
    return device_out(Device.objects.select_related("status").get(pk=device.pk), detail=True)


@router.get("/devices/{device_id}/status", response=StatusOut)
def device_status(request: HttpRequest, device_id: Id) -> object:
    device = get_visible_or_404(Device.objects.select_related("status"), request.user, pk=device_id)
    status = _status(device)
    now = timezone.now()
    return {
        "device_id": device.pk,
        "state": rules.liveness(status.last_seen_at, now, device.rtd_interval, device.min_interval).value,
        "offline_after_s": int(rules.offline_after(device.rtd_interval, device.min_interval).total_seconds()),
        **{
            name: getattr(status, name)
            for name in (
                "last_seen_at",
                "last_peer",
                "last_data_at",
                "last_cn",
                "frames",
                "rejected",
                "realtime_at",
                "minute_at",
                "hour_at",
                "day_at",
            )
        },
    }


@router.get("/devices/{device_id}/latest", response=list[LatestValueOut])
def latest_values(request: HttpRequest, device_id: Id) -> object:
    device = get_visible_or_404(Device, request.user, pk=device_id)
    return [vars(v) for v in sorted(readings.latest_values(device).values(), key=lambda v: v.code)]


@router.get("/devices/{device_id}/readings", response=list[ReadingOut])
def device_readings(
    request: HttpRequest,
    device_id: Id,
    cn: DbInt | None = None,
    start: str | None = Query(
        None, description="ISO 8601 or yyyyMMddHHmmss; without an offset: Beijing time"
    ),
    end: str | None = None,
    limit: int = 1000,
) -> object:
    device = get_visible_or_404(Device, request.user, pk=device_id)
    now = timezone.now()
    until = time_param(end, now)
    since = time_param(start, until - timedelta(days=1))
    if until < since:
        raise ValidationError({"end": "截止时间不能早于起始时间"})
    qs = Reading.objects.visible_to(request.user).filter(
        device=device, data_time__gte=since, data_time__lt=until
    )
    if cn is not None:
        qs = qs.filter(cn=cn)
    return qs.order_by("data_time", "cn", "part")[: max(1, min(limit, 10000))]


@router.get("/quarantine", response=list[QuarantineOut])
def quarantine(
    request: HttpRequest, include_resolved: bool = False, limit: int = 200, offset: Offset = 0
) -> object:
    qs = QuarantineEntry.objects.visible_to(request.user)
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return qs[max(0, offset) : max(0, offset) + max(1, min(limit, 1000))]


@router.post("/quarantine/{entry_id}/replay", response=ReplayOut)
def replay(request: HttpRequest, entry_id: Id) -> object:
    entry = get_visible_or_404(QuarantineEntry, request.user, pk=entry_id)
    return vars(services.replay_quarantine(entry, actor=request.user))  # type: ignore[arg-type]


@router.get("/commands", response=list[CommandOut])
def list_commands(
    request: HttpRequest, device_id: Id | None = None, state: str = "", limit: int = 100, offset: Offset = 0
) -> object:
    qs = Command.objects.visible_to(request.user)
    if device_id is not None:
        qs = qs.filter(device_id=device_id)
    if state:
        qs = qs.filter(state=state)
    return qs[max(0, offset) : max(0, offset) + max(1, min(limit, 1000))]


@router.post("/commands", response={201: CommandOut})
def create_command(request: HttpRequest, payload: CommandIn) -> object:
    device = get_visible_or_404(Device, request.user, pk=payload.device_id)
    command = services.create_command(
        actor=request.user,  # type: ignore[arg-type]
        device=device,
        kind=payload.kind,
        begin_time=_aware(payload.begin_time),
        end_time=_aware(payload.end_time),
    )
    return Status(201, command)


@router.get("/commands/{command_id}", response=CommandOut)
def get_command(request: HttpRequest, command_id: Id) -> object:
    return get_visible_or_404(Command, request.user, pk=command_id)


@router.post("/commands/{command_id}/cancel", response=CommandOut)
def cancel_command(request: HttpRequest, command_id: Id) -> object:
    command = get_visible_or_404(Command.objects.select_related("device"), request.user, pk=command_id)
    if not services.cancel_command(command, actor=request.user):  # type: ignore[arg-type]
        raise ValidationError({"state": "命令已发出，不能撤销"})
    command.refresh_from_db()
    return command


# The monitoring centre's endpoints (alarms, statistics, limits, rates) register on this router.
from epb.monitoring import api_centre  # noqa: E402, F401
