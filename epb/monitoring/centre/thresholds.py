"""Anomaly thresholds of a device and factor: ``anomalies.defaults_for`` plus the stored overrides.

Pure: takes the override values, returns ``epb.standards.anomalies.Thresholds``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from typing import Any, Literal

from epb.standards import anomalies

_DURATIONS = frozenset(
    {
        "interval",
        "offline_after",
        "max_gap",
        "zero_min_duration",
        "constant_min_duration",
        "small_variation_window",
        "jump_max_interval",
        "duplicate_horizon",
    }
)
_FIELDS = {f.name for f in fields(anomalies.Thresholds)}
# Fields the centre sets itself from the device (its interval) or from the setting's own columns.
_FIXED = frozenset({"interval", "range_upper"})


def threshold_errors(overrides: Any, disabled: Any) -> dict[str, str]:
    """Why stored overrides cannot be used (field → message), or nothing."""
    errors: dict[str, str] = {}
    if not isinstance(overrides, Mapping):
        return {"thresholds": "须为 字段 → 数值 的对象"}
    for name, value in overrides.items():
        if name not in _FIELDS or name in _FIXED:
            errors["thresholds"] = f"未知或不可设置的阈值：{name}"
        elif value is not None and (isinstance(value, bool) and name != "constant_include_zero"):
            errors["thresholds"] = f"{name} 须为数值"
        elif value is not None and not isinstance(value, bool | int | float):
            errors["thresholds"] = f"{name} 须为数值"
        elif isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            errors["thresholds"] = f"{name} 不能为负"
    kinds = set(anomalies.KINDS)
    if not isinstance(disabled, list) or any(k not in kinds for k in disabled):
        errors["disabled"] = "不报警类型须为以下之一：" + "、".join(anomalies.KINDS)
    return errors


def thresholds_for(
    factor: str,
    series: Literal["realtime", "minute", "hour"],
    interval: dt.timedelta,
    *,
    range_upper: float | None = None,
    rated_flow: float | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> anomalies.Thresholds:
    """The defaults for the factor and series, with the device's interval and the stored overrides
    (durations given in minutes)."""
    th = anomalies.defaults_for(
        factor, series, interval=interval, range_upper=range_upper, rated_flow=rated_flow
    )
    changes: dict[str, Any] = {}
    for name, value in (overrides or {}).items():
        if name not in _FIELDS or name in _FIXED:
            continue
        if name in _DURATIONS and value is not None:
            value = dt.timedelta(minutes=float(value))
        changes[name] = value
    return replace(th, **changes) if changes else th


def enabled_kinds(disabled: Iterable[str]) -> tuple[anomalies.Kind, ...]:
    off = set(disabled)
    return tuple(k for k in anomalies.KINDS if k not in off and k != "offline")
