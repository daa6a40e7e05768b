"""Editing what the centre judges by: an outlet's standard and limits, permitted totals,
anomaly thresholds and status marks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.lib.timeutil import beijing_date
from epb.monitoring import services
from epb.monitoring.centre import config
from epb.monitoring.centre.forms import (
    AnomalySettingForm,
    LimitOverrideForm,
    MarkForm,
    OutletStandardForm,
    PermittedTotalForm,
)
from epb.monitoring.centre.limits import outlet_limits
from epb.monitoring.models import AnomalySetting, Device, LimitOverride, Mark, OutletStandard, PermittedTotal


def _errors(form: Any, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _require_operator(request: HttpRequest) -> None:
    if not services.is_operator(request.user):
        raise PermissionDenied(_("只有环保部门监控人员可以修改判定依据"))


@staff_required
def outlet_limits_view(request: HttpRequest, pk: int) -> HttpResponse:
    from epb.enterprises.models import Outlet

    outlet = get_visible_or_404(Outlet.objects.select_related("enterprise"), request.user, pk=pk)
    profile = OutletStandard.objects.filter(outlet=outlet).first()
    override_form = LimitOverrideForm(
        medium=outlet.kind, initial={"effective_from": beijing_date(timezone.now())}
    )
    initial: dict[str, Any] = {}
    if profile is not None:
        initial = {
            "standard_id": profile.standard_id,
            "class_id": profile.class_id,
            "source_age": profile.source_age,
            "special": profile.special,
            "context": json.dumps(profile.context, ensure_ascii=False) if profile.context else "",
            "note": profile.note,
        }
    standard_form = OutletStandardForm(initial=initial)
    if request.method == "POST":
        _require_operator(request)
        user: Any = request.user
        if request.POST.get("form") == "override":
            override_form = LimitOverrideForm(request.POST, medium=outlet.kind)
            if override_form.is_valid():
                try:
                    config.add_override(outlet, actor=user, **override_form.cleaned_data)
                    messages.success(request, _("排放口限值已登记"))
                    return redirect("monitoring:outlet_limits", pk=outlet.pk)
                except (ValidationError, PermissionDenied) as exc:
                    _errors(override_form, exc)
        else:
            standard_form = OutletStandardForm(request.POST)
            if standard_form.is_valid():
                try:
                    config.set_outlet_standard(outlet, actor=user, **standard_form.cleaned_data)
                    messages.success(request, _("执行标准设置已保存"))
                    return redirect("monitoring:outlet_limits", pk=outlet.pk)
                except (ValidationError, PermissionDenied) as exc:
                    _errors(standard_form, exc)
    return render(
        request,
        "monitoring/outlet_limits.html",
        {
            "outlet": outlet,
            "limits": outlet_limits(outlet, beijing_date(timezone.now())),
            "overrides": LimitOverride.objects.visible_to(request.user).filter(outlet=outlet),
            "override_form": override_form,
            "standard_form": standard_form,
            "can_operate": services.is_operator(request.user),
        },
    )


@require_POST
@staff_required
def override_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_operator(request)
    override = get_visible_or_404(LimitOverride.objects.select_related("outlet"), request.user, pk=pk)
    try:
        on = dt.date.fromisoformat(request.POST.get("on", ""))
        config.end_override(override, actor=request.user, on=on, note=request.POST.get("note", ""))
        messages.success(request, _("限值已设定失效日期"))
    except ValueError:
        messages.error(request, _("请填写失效日期（YYYY-MM-DD）"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("monitoring:outlet_limits", pk=override.outlet_id)


@staff_required
def permitted_totals(request: HttpRequest, pk: int) -> HttpResponse:
    from epb.enterprises.models import Enterprise

    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    form = PermittedTotalForm(initial={"year": beijing_date(timezone.now()).year})
    if request.method == "POST":
        _require_operator(request)
        form = PermittedTotalForm(request.POST)
        if form.is_valid():
            try:
                config.save_permitted_total(enterprise, actor=request.user, **form.cleaned_data)
                messages.success(request, _("许可排放量已保存"))
                return redirect("monitoring:permitted_totals", pk=enterprise.pk)
            except (ValidationError, PermissionDenied) as exc:
                _errors(form, exc)
    from epb.monitoring.centre.capture import permit_use

    return render(
        request,
        "monitoring/permitted_totals.html",
        {
            "enterprise": enterprise,
            "totals": PermittedTotal.objects.visible_to(request.user)
            .filter(enterprise=enterprise)
            .order_by("-year", "item"),
            "usage": permit_use(enterprise, beijing_date(timezone.now())),
            "form": form,
            "can_operate": services.is_operator(request.user),
        },
    )


@staff_required
def device_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_visible_or_404(Device.objects.select_related("outlet"), request.user, pk=pk)
    medium = device.outlet.kind if device.outlet else None
    form = AnomalySettingForm(medium=medium)
    mark_form = MarkForm(medium=medium)
    if request.method == "POST":
        user: Any = request.user
        if request.POST.get("form") == "mark":
            mark_form = MarkForm(request.POST, medium=medium)
            if mark_form.is_valid():
                try:
                    config.add_mark(device, actor=user, **mark_form.cleaned_data)
                    messages.success(request, _("状态标记已登记，相关时段将重新统计"))
                    return redirect("monitoring:device_thresholds", pk=device.pk)
                except (ValidationError, PermissionDenied) as exc:
                    _errors(mark_form, exc)
        else:
            _require_operator(request)
            form = AnomalySettingForm(request.POST, medium=medium)
            if form.is_valid():
                data = dict(form.cleaned_data)
                try:
                    config.save_anomaly_setting(device, actor=user, **data)
                    messages.success(request, _("异常判定阈值已保存"))
                    return redirect("monitoring:device_thresholds", pk=device.pk)
                except (ValidationError, PermissionDenied) as exc:
                    _errors(form, exc)
    return render(
        request,
        "monitoring/device_thresholds.html",
        {
            "device": device,
            "settings": AnomalySetting.objects.visible_to(request.user).filter(device=device),
            "marks": Mark.objects.visible_to(request.user).filter(device=device)[:50],
            "form": form,
            "mark_form": mark_form,
            "can_operate": services.is_operator(request.user),
        },
    )
