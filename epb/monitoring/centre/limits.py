"""An outlet's limits on a date: its standard and class (mapped from the registry or chosen), the
standard's rows in force, and the outlet's own limits (``LimitOverride``) replacing them while in
force. Everything comes from data; nothing here is a figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.utils.translation import gettext_lazy as _

from epb.monitoring import conf
from epb.monitoring.centre.standard_map import StandardChoice, Unmapped, resolve
from epb.standards import discharge
from epb.standards.discharge import Limit

#: How a limit row's judging basis reads on the pages (the standards layer keeps ASCII codes).
BASIS_LABELS = {
    "reading": _("单个读数"),
    "hourly_mean": _("小时均值"),
    "running_daily_mean": _("滑动日均值"),
    "daily_mean": _("日均值"),
}
#: Units as the pages show them; the standards layer keeps ASCII codes ("1" is dimensionless).
_UNIT_SHOWN = {
    "1": _("无量纲"),
    "times": _("倍"),
    "level": _("级"),
    "count/L": _("个/L"),
    "degC": "℃",
    "ug/m3": "μg/m³",
    "mg/m3": "mg/m³",
    "ug/L": "μg/L",
    "m3": "m³",
    "m3/h": "m³/h",
    "m3/s": "m³/s",
    "m3/d": "m³/d",
}


def unit_label(code: str) -> str:
    """A unit code as a reader writes it."""
    return str(_UNIT_SHOWN.get(code, code))


def bound_label(row: discharge.LimitRow) -> str:
    """A standard row's bound: "≤ 50", "6–9", "不得检出", "≥ 90%"."""
    if row.kind == "range" and row.min is not None and row.max is not None:
        return f"{row.min:g}–{row.max:g}"
    if row.kind == "not_detected":
        return str(_("不得检出"))
    if row.kind == "removal" and row.min is not None:
        return f"≥ {row.min:g}%"
    if row.max is not None:
        return f"≤ {row.max:g}"
    return f"≥ {row.min:g}" if row.min is not None else "—"


@dataclass(frozen=True)
class OutletLimits:
    outlet_id: int
    on: dt.date
    limits: dict[str, Limit]
    context: dict[str, Any] = field(default_factory=dict)
    choice: StandardChoice | None = None
    problem: str = ""  # why the standard could not be applied (the overrides still are)

    def limit(self, item: str) -> Limit | None:
        return self.limits.get(item)

    @property
    def standard_label(self) -> str:
        if self.choice is None:
            return ""
        info = discharge.standard_info(self.choice.standard)
        return f"{info.get('number', self.choice.standard)} {self.choice.class_id}"


def override_rows(outlet_id: int) -> list[discharge.LimitOverride]:
    """The outlet's stored limits as the standards layer takes them."""
    from epb.monitoring.models import LimitOverride

    out = []
    for o in LimitOverride.objects.filter(outlet_id=outlet_id).order_by("effective_from", "pk"):
        out.append(
            discharge.LimitOverride(
                item=o.item,
                kind=cast(Any, o.kind),
                max=o.max_value,
                min=o.min_value,
                unit=o.unit or None,
                effective_from=o.effective_from,
                effective_to=o.effective_to,
                basis=cast(Any, o.basis or None),
                reference_o2_pct=o.reference_o2,
                reference=o.reference,
            )
        )
    return out


def outlet_limits(outlet: Any, on: dt.date) -> OutletLimits:
    """The limits that apply to ``outlet`` on ``on`` (Beijing date)."""
    from epb.monitoring.models import OutletStandard

    profile = OutletStandard.objects.filter(outlet_id=outlet.pk).first()
    context: dict[str, Any] = dict(profile.context) if profile else {}
    recorded_age = profile.source_age if profile and profile.source_age else None
    age = cast(Literal["new", "existing"], recorded_age or conf.default_source_age())
    context.setdefault("source_age", age)
    overrides = override_rows(outlet.pk)
    choice: StandardChoice | None = None
    problem = ""
    limits: dict[str, Limit] = {}
    try:
        if profile and profile.standard_id and profile.class_id:
            choice = StandardChoice(profile.standard_id, profile.class_id, "排放口执行标准设置")
        else:
            choice = resolve(
                (profile.standard_id if profile and profile.standard_id else outlet.standard) or "",
                outlet.standard_class or "",
                on,
                source_age=age,
                special=bool(profile and profile.special),
                context=context,
                standard_aliases=conf.standard_aliases(),
                class_aliases=conf.class_aliases(),
            )
        limits = discharge.limits_for(
            choice.standard,
            choice.class_id,
            on,
            source_age=cast(Any, recorded_age),
            context=context,
            overrides=overrides,
        )
    except (Unmapped, KeyError, discharge.NotInForce) as exc:
        problem = str(exc).strip("'\"")
        limits = discharge.apply_overrides({}, overrides, on)
    return OutletLimits(outlet.pk, on, limits, context, choice, problem)


class LimitCache:
    """Outlet limits per (outlet, date) for the length of one evaluation run."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, dt.date], OutletLimits] = {}

    def get(self, outlet: Any, on: dt.date) -> OutletLimits:
        key = (outlet.pk, on)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = outlet_limits(outlet, on)
        return found
