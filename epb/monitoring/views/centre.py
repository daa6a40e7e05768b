"""The monitoring centre's dashboard (the city map of outlets and their states) and the outlet page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.lib.timeutil import beijing_date
from epb.monitoring import services
from epb.monitoring.centre import capture, charts, dashboard
from epb.monitoring.centre.alarms import case_url
from epb.monitoring.centre.context import is_pollutant
from epb.monitoring.centre.limits import BASIS_LABELS, bound_label, outlet_limits, unit_label
from epb.monitoring.choices import AlarmState
from epb.monitoring.models import Alarm, Device, DeviceStatus, LimitOverride, OutletStandard, PermittedTotal
from epb.standards import factors


@staff_required
def centre(request: HttpRequest) -> HttpResponse:
    """The city (or district, or enterprise) view: outlets on the map coloured by state, counts,
    and the alarms that wait for someone."""
    states = dashboard.outlet_states(request.user)
    map_config, points = dashboard.map_json(states, request.user)
    waiting = (
        Alarm.objects.visible_to(request.user)
        .exclude(state=AlarmState.CLOSED)
        .select_related("outlet__enterprise", "device")
        .order_by("-active", "-started_at")[:15]
    )
    is_enterprise = getattr(request.user, "role", None) == "enterprise"
    return render(
        request,
        "monitoring/centre.html",
        {
            "states": states,
            "counts": dashboard.counts(states),
            "legend": [(key, label, color) for key, (label, color) in dashboard.STATES.items()],
            "map_config": map_config,
            "points": points,
            "waiting": waiting,
            "active_alarms": Alarm.objects.visible_to(request.user).filter(active=True).count(),
            "is_enterprise": is_enterprise,
            "can_operate": services.is_operator(request.user),
        },
    )


def _device_of(outlet: Any, user: Any) -> Device:
    device = (
        Device.objects.visible_to(user)
        .filter(outlet=outlet)
        .select_related("status")
        .order_by("-is_active", "pk")
        .first()
    )
    if device is None:
        raise Http404
    return device


@staff_required
def outlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from epb.enterprises.models import Outlet

    outlet = get_visible_or_404(Outlet.objects.select_related("enterprise"), request.user, pk=pk)
    device = _device_of(outlet, request.user)
    now = timezone.now()
    today = beijing_date(now)
    limits = outlet_limits(outlet, today)
    status = DeviceStatus.objects.filter(device=device).first()
    from epb.monitoring.centre.context import DeviceContext
    from epb.monitoring.centre.stats import known_factors

    codes = sorted(
        known_factors(DeviceContext(device)) | set(limits.limits), key=lambda c: (not is_pollutant(c), c)
    )
    codes = [c for c in codes if factors.factor(c) is not None]
    code = request.GET.get("factor") or next(
        (c for c in codes if c in limits.limits), codes[0] if codes else ""
    )
    if code and code not in codes:
        raise Http404
    gas = outlet.kind == "gas"
    charts_out = {}
    if code:
        charts_out = {
            "realtime": charts.realtime_chart(device, code, limits, now),
            "hourly": charts.hourly_chart(device, code, limits, now, gas=gas),
            "daily": charts.daily_chart(device, code, limits, today, gas=gas),
        }
    limit_rows = []
    for item, limit in sorted(limits.limits.items()):
        resolved = limit.resolve(limits.context)
        if resolved is None:
            continue
        row = resolved.row
        known = factors.factor(item)
        limit_rows.append(
            {
                "item": item,
                "name": row.name_zh or (known.name_zh if known else item),
                "bound": bound_label(row),
                "unit": unit_label(row.unit),
                "basis": BASIS_LABELS.get(row.basis, row.basis),
                "o2": row.reference_o2_pct,
                "source": row.reference
                if row.standard == "override"
                else f"{row.standard} {row.class_id} {row.table}",
                "override": row.standard == "override",
                "assumed": resolved.assumed,
            }
        )
    month = capture.period_days("month", today)
    quarter = capture.period_days("quarter", today)
    rate_month = capture.rates([device], month[0], today)[device.pk]
    rate_quarter = capture.rates([device], quarter[0], today)[device.pk]
    year_loads = capture.loads([device.pk], dt.date(today.year, 1, 1), today)
    month_loads = capture.loads([device.pk], month[0], today)
    alarms = (
        Alarm.objects.visible_to(request.user).filter(outlet=outlet).order_by("-active", "-started_at")[:20]
    )
    return render(
        request,
        "monitoring/outlet.html",
        {
            "outlet": outlet,
            "device": device,
            "status": status,
            "limits": limits,
            "limit_rows": limit_rows,
            "profile": OutletStandard.objects.filter(outlet=outlet).first(),
            "overrides": LimitOverride.objects.visible_to(request.user).filter(outlet=outlet),
            "codes": [(c, factors.factor(c).name_zh) for c in codes],  # type: ignore[union-attr]
            "code": code,
            "factor": factors.factor(code) if code else None,
            "factor_unit": unit_label(factors.factor(code).unit) if code else "",  # type: ignore[union-attr]
            "charts": charts_out,
            "rate_month": rate_month,
            "rate_quarter": rate_quarter,
            "month_loads": sorted(month_loads.values(), key=lambda x: x.factor),
            "year_loads": sorted(year_loads.values(), key=lambda x: x.factor),
            "permits": capture.permit_use(outlet.enterprise, today),
            "totals": PermittedTotal.objects.visible_to(request.user).filter(
                enterprise=outlet.enterprise, year=today.year
            ),
            "alarms": alarms,
            "case_url": case_url,
            "can_operate": services.is_operator(request.user),
        },
    )
