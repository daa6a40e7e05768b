"""Writes of what the centre judges by: outlet standards, outlet limits, permitted totals, anomaly
thresholds and status marks. Keyword-only ``actor``; every write is audited; a person must be a
monitoring operator (marks: also the enterprise itself) who can see the record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import Role
from epb.monitoring.centre.standard_map import Unmapped, standard_id
from epb.monitoring.models import AnomalySetting, Device, LimitOverride, Mark, OutletStandard, PermittedTotal
from epb.standards import discharge, factors

CONTEXT_KEYS = frozenset(
    {
        "plant_built",
        "discharge_route",
        "region",
        "unit_type",
        "fuel",
        "capacity_t_h",
        "nox_200_eligible",
        "influent_w01018",
        "influent_w01017",
    }
)


def _operator(actor: Any, obj: Any = None, model: Any = None) -> None:
    from epb.monitoring.services import is_operator

    if actor is None:
        return
    if not is_operator(actor):
        raise PermissionDenied(_("只有环保部门监控人员可以修改判定依据"))
    if (
        obj is not None
        and model is not None
        and not model.objects.visible_to(actor).filter(pk=obj.pk).exists()
    ):
        raise PermissionDenied(_("不在您的管辖范围内"))


def _outlet_visible(actor: Any, outlet: Any) -> None:
    from epb.enterprises.models import Outlet

    _operator(actor, outlet, Outlet)


def _factor(code: str) -> str:
    known = factors.factor(code.strip())
    if known is None:
        raise ValidationError({"item": _("未知的监测因子 %(code)s") % {"code": code}})
    return known.code


def add_override(outlet: Any, *, actor: Any, **fields: Any) -> LimitOverride:
    """Record an outlet's own limit (permit, local special limit) with its effective dates."""
    _outlet_visible(actor, outlet)
    fields["item"] = _factor(fields.get("item", ""))
    if fields.get("unit"):
        try:
            fields["unit"] = factors.normalise_unit(fields["unit"])
        except factors.UnitError as exc:
            raise ValidationError({"unit": str(exc)}) from None
    return audit.create(LimitOverride, actor=actor, outlet=outlet, created_by=actor, **fields)


def end_override(override: LimitOverride, *, actor: Any, on: dt.date, note: str = "") -> LimitOverride:
    """Limits are never deleted (past judgements cite them): one ends on a date."""
    _outlet_visible(actor, override.outlet)
    if on < override.effective_from:
        raise ValidationError({"effective_to": _("失效日期不能早于生效日期")})
    return audit.update(
        override, actor=actor, action="monitoring.limitoverride.ended", note=note, effective_to=on
    )


def set_outlet_standard(outlet: Any, *, actor: Any, **fields: Any) -> OutletStandard:
    """How the centre reads the outlet's standard: explicit ids, source age, special limits, context."""
    _outlet_visible(actor, outlet)
    sid = (fields.get("standard_id") or "").strip()
    cid = (fields.get("class_id") or "").strip()
    if sid:
        try:
            sid = standard_id(sid)
        except Unmapped as exc:
            raise ValidationError({"standard_id": str(exc)}) from None
        classes = discharge.standard_info(sid)["classes"]
        if cid and cid not in classes:
            raise ValidationError({"class_id": _("可选级别：%(c)s") % {"c": "、".join(classes) or "—"}})
    elif cid:
        raise ValidationError({"standard_id": _("指定级别须同时指定标准")})
    context = fields.get("context") or {}
    if not isinstance(context, dict) or set(context) - CONTEXT_KEYS:
        raise ValidationError(
            {"context": _("判定条件只能包含：%(k)s") % {"k": "、".join(sorted(CONTEXT_KEYS))}}
        )
    values: dict[str, Any] = {
        "standard_id": sid,
        "class_id": cid,
        "source_age": fields.get("source_age") or "",
        "special": bool(fields.get("special")),
        "context": context,
        "note": fields.get("note", "")[:200],
    }
    existing = OutletStandard.objects.filter(outlet=outlet).first()
    if existing is None:
        return audit.create(OutletStandard, actor=actor, outlet=outlet, **values)
    return audit.update(existing, actor=actor, **values)


def save_permitted_total(
    enterprise: Any, *, actor: Any, item: str, year: int, tonnes: Decimal, reference: str, note: str = ""
) -> PermittedTotal:
    from epb.enterprises.models import Enterprise

    _operator(actor, enterprise, Enterprise)
    code = _factor(item)
    existing = PermittedTotal.objects.filter(enterprise=enterprise, item=code, year=year).first()
    values: dict[str, Any] = {"tonnes": Decimal(tonnes), "reference": reference, "note": note}
    if existing is not None:
        return audit.update(existing, actor=actor, **values)
    return audit.create(PermittedTotal, actor=actor, enterprise=enterprise, item=code, year=year, **values)


def save_anomaly_setting(device: Device, *, actor: Any, factor: str = "", **fields: Any) -> AnomalySetting:
    _operator(actor, device, Device)
    code = _factor(factor) if factor else ""
    existing = AnomalySetting.objects.filter(device=device, factor=code).first()
    if existing is not None:
        return audit.update(existing, actor=actor, **fields)
    return audit.create(AnomalySetting, actor=actor, device=device, factor=code, **fields)


def add_mark(
    device: Device,
    *,
    actor: Any,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    factor: str = "",
) -> Mark:
    """Mark a period (停运, 故障, 维护 …). The enterprise marks its own devices; operators any they see.
    The hours and days of the period are recomputed by the next evaluation of that time."""
    if actor is not None:
        visible = Device.objects.visible_to(actor).filter(pk=device.pk).exists()
        from epb.monitoring.services import is_operator

        member = getattr(actor, "role", None) == Role.ENTERPRISE and visible
        if not visible or not (is_operator(actor) or member):
            raise PermissionDenied(_("无权标记该设备"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写标记原因")})
    code = _factor(factor) if factor else ""
    with transaction.atomic():
        mark = audit.create(
            Mark,
            actor=actor,
            device=device,
            factor=code,
            kind=kind,
            start=start,
            end=end,
            reason=reason.strip(),
            created_by=actor,
        )
    transaction.on_commit(lambda: _recompute(device.pk, start, end))
    return mark


def _recompute(device_id: int, start: dt.datetime, end: dt.datetime) -> None:
    from epb.monitoring.tasks import evaluate

    evaluate.enqueue([[device_id, 2061, start.isoformat(), end.isoformat()]], [])


def add_forward_target(
    *,
    actor: Any,
    name: str,
    host: str,
    port: int,
    all_devices: bool = False,
    device_ids: list[int] | None = None,
    is_active: bool = True,
) -> Any:
    """An upstream centre to forward to. The city's configuration: city-wide staff only."""
    from epb.core.visibility import jurisdiction_q
    from epb.monitoring.models import ForwardTarget

    if actor is not None and (
        not getattr(actor, "is_staff_member", False)
        or jurisdiction_q(ForwardTarget.jurisdiction, actor) is not None
    ):
        raise PermissionDenied(_("只有市局可以设置数据转发"))
    if not 0 < port < 65536 or not host.strip():
        raise ValidationError({"port": _("请填写上级接收服务的地址和端口（1–65535）")})
    ids = list(device_ids or [])
    devices = list(Device.objects.filter(pk__in=ids))
    if len(devices) != len(set(ids)):
        raise ValidationError({"device_ids": _("设备不存在")})
    with transaction.atomic():
        target = audit.create(
            ForwardTarget,
            actor=actor,
            name=name,
            host=host.strip(),
            port=port,
            all_devices=all_devices,
            is_active=is_active,
        )
        target.devices.set(devices)
    return target
