"""The gateway's pages: device list, device, registration, quarantine, commands."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.models import AuditEntry
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.hj212 import EXE_RTN, QN_RTN
from epb.lib.timeutil import to_beijing
from epb.monitoring import readings, rules, services
from epb.monitoring.choices import FINAL_COMMAND_STATES, DataKind, FrameOutcome, SystemCode
from epb.monitoring.forms import CommandForm, DeviceForm
from epb.monitoring.models import Command, Device, DeviceStatus, QuarantineEntry, RawFrame
from epb.standards.factors import factor as factor_info


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _liveness(device: Device, now: Any) -> str:
    status = getattr(device, "status", None)
    seen = status.last_seen_at if isinstance(status, DeviceStatus) else None
    return rules.liveness(seen, now, device.rtd_interval, device.min_interval).value


@staff_required
def devices(request: HttpRequest) -> HttpResponse:
    """Every visible device with its liveness and last packet."""
    now = timezone.now()
    qs = Device.objects.visible_to(request.user).select_related("status", "outlet__enterprise", "org_unit")
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(
            Q(mn__icontains=query) | Q(name__icontains=query) | Q(outlet__enterprise__name__icontains=query)
        )
    system = request.GET.get("system", "")
    if system:
        qs = qs.filter(system=system)
    state = request.GET.get("state", "")
    devices = list(qs.order_by("outlet__enterprise__name", "mn"))
    counts = {"online": 0, "offline": 0, "never": 0}
    rows = []
    for device in devices:
        live = _liveness(device, now)
        counts[live] += 1
        if not state or state == live:
            rows.append((device, live))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    quarantined = QuarantineEntry.objects.visible_to(request.user).filter(resolved_at__isnull=True).count()
    pending = Command.objects.visible_to(request.user).exclude(state__in=FINAL_COMMAND_STATES).count()
    return render(
        request,
        "monitoring/devices.html",
        {
            "page": page,
            "counts": counts,
            "total": len(devices),
            "quarantined": quarantined,
            "pending_commands": pending,
            "q": query,
            "system": system,
            "state": state,
            "systems": SystemCode.choices,
            "can_operate": services.is_operator(request.user),
        },
    )


def _chart(device: Device, latest: dict[str, readings.LatestValue]) -> str | None:
    """An ECharts option: the last 24 hours of the device's factors, realtime or hourly."""
    now = timezone.now()
    start = now - timedelta(hours=24)
    kind = DataKind.REALTIME
    codes = sorted(latest)[:6]
    series = []
    for cn in (DataKind.REALTIME, DataKind.MINUTE, DataKind.HOUR):
        series = [
            {
                "name": code,
                "type": "line",
                "showSymbol": False,
                "data": [
                    [to_beijing(t).strftime("%Y-%m-%d %H:%M:%S"), v]
                    for t, v, _flag in readings.series(device, factor=code, start=start, end=now, cn=cn)
                    if isinstance(v, int | float)
                ],
            }
            for code in codes
        ]
        if any(s["data"] for s in series):
            kind = cn
            break
    else:
        return None
    option = {
        "title": {"text": f"{DataKind(kind).label} · 24h", "left": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 26, "left": 0},
        "grid": {"top": 60, "left": 50, "right": 20, "bottom": 30},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "scale": True},
        "series": series,
    }
    return json.dumps(option, ensure_ascii=False, default=str)


def _latest_rows(latest: dict[str, readings.LatestValue]) -> list[dict[str, Any]]:
    rows = []
    for value in sorted(latest.values(), key=lambda v: v.code):
        known = factor_info(value.code)
        rows.append(
            {
                "code": value.code,
                "name": known.name_zh if known else "",
                "unit": known.unit if known else "",
                "value": value.value,
                "flag": value.flag,
                "kind": DataKind(value.cn).label if value.cn in DataKind.values else value.cn,
                "data_time": value.data_time,
            }
        )
    return rows


@staff_required
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_visible_or_404(
        Device.objects.select_related("status", "outlet__enterprise", "org_unit"), request.user, pk=pk
    )
    now = timezone.now()
    latest = readings.latest_values(device)
    status = getattr(device, "status", None)
    commands = (
        Command.objects.visible_to(request.user).filter(device=device).select_related("created_by")[:20]
    )
    return render(
        request,
        "monitoring/device.html",
        {
            "device": device,
            "status": status,
            "state": _liveness(device, now),
            "offline_after": rules.offline_after(device.rtd_interval, device.min_interval),
            "latest": _latest_rows(latest),
            "chart": _chart(device, latest),
            "commands": commands,
            "command_form": CommandForm(),
            "can_operate": services.is_operator(request.user),
        },
    )


@staff_required
def device_frames(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_visible_or_404(Device, request.user, pk=pk)
    qs = RawFrame.objects.visible_to(request.user).filter(mn=device.mn).order_by("-id")
    outcome = request.GET.get("outcome", "")
    if outcome.isdigit():
        qs = qs.filter(outcome=int(outcome))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/frames.html",
        {"device": device, "page": page, "outcomes": FrameOutcome.choices, "outcome": outcome},
    )


def _device_form(request: HttpRequest, device: Device | None) -> HttpResponse:
    if not services.is_operator(request.user):
        raise PermissionDenied(_("只有环保部门工作人员可以登记监测设备"))
    initial = {"mn": request.GET.get("mn", ""), "pw": request.GET.get("pw", "")} if device is None else {}
    form = DeviceForm(request.POST or None, instance=device, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            if device is None:
                device = services.register_device(actor=request.user, **data)  # type: ignore[arg-type]
                messages.success(request, _("设备已登记"))
            else:
                if data.get("outlet") is None and "outlet" in data:
                    data.setdefault("org_unit", form.cleaned_data.get("org_unit"))
                services.update_device(device, actor=request.user, **data)  # type: ignore[arg-type]
                messages.success(request, _("设备已更新"))
            return redirect("monitoring:device", pk=device.pk)
        except ValidationError as exc:
            _attach(form, exc)
    return render(request, "monitoring/device_form.html", {"form": form, "device": device})


@staff_required
def device_register(request: HttpRequest) -> HttpResponse:
    return _device_form(request, None)


@staff_required
def device_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _device_form(request, get_visible_or_404(Device, request.user, pk=pk))


@require_POST
@staff_required
def command_create(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_visible_or_404(Device, request.user, pk=pk)
    form = CommandForm(request.POST)
    if form.is_valid():
        try:
            command = services.create_command(
                actor=request.user,  # type: ignore[arg-type]
                device=device,
                kind=form.cleaned_data["kind"],
                begin_time=form.cleaned_data["begin_time"],
                end_time=form.cleaned_data["end_time"],
            )
            messages.success(request, _("命令已排队，设备在线时发送"))
            return redirect("monitoring:command", pk=command.pk)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("命令参数有误"))
    return redirect("monitoring:device", pk=device.pk)


def _command_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    command = get_visible_or_404(Command.objects.select_related("device", "created_by"), request.user, pk=pk)
    trail = (
        AuditEntry.objects.visible_to(request.user)
        .filter(object_id=str(command.pk), action__startswith="monitoring.command.")
        .order_by("at", "id")
    )
    return {
        "command": command,
        "trail": trail,
        "qn_rtn": QN_RTN.get(command.qn_rtn or 0, ""),
        "exe_rtn": EXE_RTN.get(command.exe_rtn or 0, ""),
        "can_operate": services.is_operator(request.user),
    }


@staff_required
def command_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _command_context(request, pk)
    template = (
        "monitoring/_command_state.html" if request.headers.get("HX-Request") else "monitoring/command.html"
    )
    return render(request, template, context)


@require_POST
@staff_required
def command_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    command = get_visible_or_404(Command.objects.select_related("device"), request.user, pk=pk)
    if services.cancel_command(command, actor=request.user):  # type: ignore[arg-type]
        messages.success(request, _("命令已撤销"))
    else:
        messages.error(request, _("命令已发出，不能撤销"))
    return redirect("monitoring:command", pk=pk)


@staff_required
def quarantine(request: HttpRequest) -> HttpResponse:
    qs = QuarantineEntry.objects.visible_to(request.user).select_related("device")
    show = request.GET.get("show", "open")
    if show != "all":
        qs = qs.filter(resolved_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/quarantine.html",
        {"page": page, "show": show, "can_operate": services.is_operator(request.user)},
    )


@staff_required
def quarantine_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(QuarantineEntry.objects.select_related("device"), request.user, pk=pk)
    frames = (
        RawFrame.objects.visible_to(request.user)
        .filter(mn=entry.mn, outcome=FrameOutcome.QUARANTINED)
        .order_by("-id")[:50]
    )
    registered = Device.objects.filter(mn=entry.mn).first()
    return render(
        request,
        "monitoring/quarantine_entry.html",
        {
            "entry": entry,
            "frames": frames,
            "registered": registered,
            "can_operate": services.is_operator(request.user),
        },
    )


@require_POST
@staff_required
def quarantine_replay(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(QuarantineEntry, request.user, pk=pk)
    try:
        result = services.replay_quarantine(entry, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("已回放 %(n)d 条报文，仍隔离 %(m)d 条") % {"n": result.replayed, "m": result.remaining},
        )
    return redirect("monitoring:quarantine_entry", pk=pk)
