"""What the dashboards show: each visible outlet's state, counts, the map's layers."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from epb.lib.timeutil import beijing_date, to_beijing
from epb.monitoring import rules
from epb.monitoring.centre.capture import period_days, rates
from epb.monitoring.choices import AlarmKind

STATES: dict[str, tuple[Promise, str]] = {
    "normal": (_("正常"), "#1a7f37"),
    "exceeding": (_("超标"), "#cf222e"),
    "offline": (_("离线"), "#6e7781"),
    "abnormal": (_("异常"), "#d4a72c"),
}


@dataclass
class OutletState:
    outlet: Any
    device: Any
    state: str
    open_alarms: int
    last_data: str
    capture: float | None
    lat: float | None
    lon: float | None

    @property
    def label(self) -> Promise:
        return STATES[self.state][0]

    @property
    def color(self) -> str:
        return STATES[self.state][1]

    @property
    def url(self) -> str:
        return reverse("monitoring:outlet", args=[self.outlet.pk])


def outlet_states(user: Any, *, enterprise: Any = None, now: dt.datetime | None = None) -> list[OutletState]:
    """Every outlet with a monitoring device the user may see, with its state: exceeding (an
    active exceedance), offline (an active offline episode, or silent), abnormal (another active
    anomaly) or normal."""
    from epb.monitoring.models import Alarm, Device

    now = now or timezone.now()
    qs = (
        Device.objects.visible_to(user)
        .filter(outlet__isnull=False, is_active=True)
        .select_related("outlet__enterprise", "status")
        .order_by("outlet__enterprise__name", "outlet__code", "mn")
    )
    if enterprise is not None:
        qs = qs.filter(outlet__enterprise=enterprise)
    devices: list[Any] = list(qs)
    if not devices:
        return []
    active: dict[int, set[str]] = defaultdict(set)
    for device_id, kind in (
        Alarm.objects.visible_to(user)
        .filter(device__in=devices, active=True)
        .values_list("device_id", "kind")
    ):
        active[device_id].add(kind)
    open_counts: dict[int, int] = defaultdict(int)
    for device_id in (
        Alarm.objects.visible_to(user)
        .filter(device__in=devices)
        .exclude(state="closed")
        .values_list("device_id", flat=True)
    ):
        open_counts[device_id] += 1
    first, last = period_days("month", beijing_date(now))
    capture = rates(devices, first, min(last, beijing_date(now)))
    out: list[OutletState] = []
    seen_outlets: set[int] = set()
    for device in devices:
        outlet = device.outlet
        if outlet.pk in seen_outlets:
            continue
        seen_outlets.add(outlet.pk)
        kinds = active.get(device.pk, set())
        status = getattr(device, "status", None)
        seen = getattr(status, "last_data_at", None)
        live = rules.liveness(
            getattr(status, "last_seen_at", None), now, device.rtd_interval, device.min_interval
        )
        if AlarmKind.EXCEEDANCE in kinds:
            state = "exceeding"
        elif AlarmKind.OFFLINE in kinds or live != rules.Liveness.ONLINE:
            state = "offline"
        elif kinds:
            state = "abnormal"
        else:
            state = "normal"
        lat = outlet.latitude if outlet.latitude is not None else outlet.enterprise.latitude
        lon = outlet.longitude if outlet.longitude is not None else outlet.enterprise.longitude
        out.append(
            OutletState(
                outlet,
                device,
                state,
                open_counts.get(device.pk, 0),
                to_beijing(seen).strftime("%m-%d %H:%M:%S") if seen else "",
                capture[device.pk].capture.percent if device.pk in capture else None,
                lat,
                lon,
            )
        )
    return out


def counts(states: list[OutletState]) -> dict[str, int]:
    out = {key: 0 for key in STATES}
    for s in states:
        out[s.state] += 1
    return out


def map_json(states: list[OutletState], user: Any) -> tuple[str, str]:
    """The ``data-map`` JSON (grid polygons, tiles, centre) and the outlets' points for clustering."""
    from epb.core.models import OrgUnit

    units = OrgUnit.objects.visible_to(user).filter(
        Q(level="town") | Q(level="subgrid"), is_active=True, geometry__isnull=False
    )
    config = {
        "center": list(settings.MAP_CENTER),
        "zoom": 10,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "polygons": [{"geometry": u.geometry, "label": u.name, "color": "#57606a"} for u in units],
    }
    points = [
        {
            "lat": s.lat,
            "lon": s.lon,
            "color": s.color,
            "state": s.state,
            "label": f"{s.outlet.enterprise.name} {s.outlet.code} {s.outlet.name}（{s.label}）",
            "url": s.url,
        }
        for s in states
        if s.lat is not None and s.lon is not None
    ]
    dump = json.dumps
    return dump(config, ensure_ascii=False, separators=(",", ":")), dump(
        points, ensure_ascii=False, separators=(",", ":")
    )
