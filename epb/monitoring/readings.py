"""Reading the stored data: latest readings and values, and one factor's series.

Every query here is an index range scan on the readings' key (device, cn, data_time, part), so
its cost depends on the rows asked for, not on how many years the table holds. Callers pass
querysets already filtered by ``visible_to(user)`` where a person is asking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from epb.monitoring.choices import DataKind
from epb.monitoring.models import Device, DeviceStatus, Reading

# DeviceStatus column holding the newest DataTime of each kind.
KIND_COLUMNS = (
    (DataKind.REALTIME, "realtime_at"),
    (DataKind.MINUTE, "minute_at"),
    (DataKind.HOUR, "hour_at"),
    (DataKind.DAY, "day_at"),
)
# The field that carries the value of each kind: Rtd for realtime, Avg for the aggregates.
VALUE_FIELD = {DataKind.REALTIME: "Rtd", DataKind.MINUTE: "Avg", DataKind.HOUR: "Avg", DataKind.DAY: "Avg"}


def latest_readings(
    statuses: Iterable[DeviceStatus], chunk: int = 200
) -> dict[int, dict[int, dict[str, Any]]]:
    """device id → {cn → the newest reading's ``data`` of that kind, split parts merged}.

    One probe per device and kind, found through ``DeviceStatus`` (kept current per batch).
    """
    wanted = [
        (status.device_id, int(cn), when)
        for status in statuses
        for cn, column in KIND_COLUMNS
        if (when := getattr(status, column)) is not None
    ]
    out: dict[int, dict[int, dict[str, Any]]] = {}
    times: dict[tuple[int, int], datetime] = {}
    for i in range(0, len(wanted), chunk):
        condition = Q(pk__in=[])
        for device_id, cn, when in wanted[i : i + chunk]:
            condition |= Q(device_id=device_id, cn=cn, data_time=when)
        for device_id, cn, when, data in (
            Reading.objects.filter(condition)
            .order_by("part")
            .values_list("device_id", "cn", "data_time", "data")
        ):
            out.setdefault(device_id, {}).setdefault(cn, {}).update(data)
            times[(device_id, cn)] = when
    for (device_id, cn), when in times.items():
        out[device_id][cn]["_data_time"] = when
    return out


@dataclass(frozen=True)
class LatestValue:
    code: str
    value: float | str | None
    flag: str | None
    cn: int
    data_time: datetime


def latest_values(device: Device) -> dict[str, LatestValue]:
    """Per factor, its newest value of any kind (realtime first when times tie)."""
    status = DeviceStatus.objects.filter(device=device).first()
    if status is None:
        return {}
    readings = latest_readings([status]).get(device.pk, {})
    out: dict[str, LatestValue] = {}
    for cn, _column in KIND_COLUMNS:
        data = readings.get(int(cn))
        if not data:
            continue
        when = data["_data_time"]
        for code, fields in data.items():
            if code.startswith("_") or not isinstance(fields, dict):
                continue
            known = out.get(code)
            if known is not None and known.data_time >= when:
                continue
            out[code] = LatestValue(code, fields.get(VALUE_FIELD[cn]), fields.get("Flag"), int(cn), when)
    return out


def series(
    device: Device | int,
    *,
    factor: str,
    start: datetime,
    end: datetime,
    cn: int = DataKind.HOUR,
    field: str | None = None,
) -> list[tuple[datetime, Any, str | None]]:
    """``(data_time, value, flag)`` of one factor of one device in ``[start, end)``, in time order.

    ``field`` defaults to ``Rtd`` for realtime data and ``Avg`` otherwise (``Cou``, ``Min``,
    ``Max``, ``ZsAvg`` … on request). Times when the factor is absent are left out.
    """
    device_id = device.pk if isinstance(device, Device) else device
    name = field or VALUE_FIELD.get(DataKind(cn), "Avg") if cn in DataKind.values else field or "Avg"
    rows = (
        Reading.objects.filter(device_id=device_id, cn=cn, data_time__gte=start, data_time__lt=end)
        .order_by("data_time", "part")
        .values_list("data_time", "data")
    )
    out: list[tuple[datetime, Any, str | None]] = []
    for when, data in rows:
        fields = data.get(factor)
        if fields is not None:
            out.append((when, fields.get(name), fields.get("Flag")))
    return out
