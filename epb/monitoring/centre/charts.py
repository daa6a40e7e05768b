"""ECharts options for an outlet's factor: realtime, hourly and daily series with the limit lines
and the invalid or flagged points marked. Times are shown in Beijing time."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.utils.translation import gettext as _

from epb.lib.timeutil import to_beijing
from epb.monitoring import readings
from epb.monitoring.centre.limits import OutletLimits
from epb.monitoring.choices import DataKind, StatStatus
from epb.standards import factors

INVALID_COLOR = "#8c959f"


def _t(when: dt.datetime) -> str:
    return to_beijing(when).strftime("%Y-%m-%d %H:%M:%S")


def limit_lines(limits: OutletLimits, code: str) -> list[dict[str, Any]]:
    """The limit's bounds as ECharts markLine data (the row in force today, for the outlet's context)."""
    limit = limits.limit(code)
    if limit is None:
        return []
    resolved = limit.resolve(limits.context)
    if resolved is None:
        return []
    row = resolved.row
    where = _("排放口限值") if row.standard == "override" else f"{row.standard} {row.class_id}"
    unit_note = ""
    known = factors.factor(code)
    value_max, value_min = row.max, row.min
    if known is not None and row.unit and known.unit != row.unit:
        try:
            value_max = factors.convert(row.max, row.unit, known.unit) if row.max is not None else None
            value_min = factors.convert(row.min, row.unit, known.unit) if row.min is not None else None
        except factors.UnitError:
            unit_note = f" {row.unit}"
    if row.reference_o2_pct is not None:
        unit_note += _("（折算至 %(o2)s%% O₂）") % {"o2": f"{row.reference_o2_pct:g}"}
    lines = []
    for value, label in ((value_max, _("上限")), (value_min, _("下限"))):
        if value is not None and row.kind in ("max", "range"):
            lines.append(
                {
                    "yAxis": value,
                    "name": f"{where} {label} {value:g}{unit_note}",
                    "label": {"formatter": f"{label} {value:g}"},
                }
            )
    return lines


def _nice(x: float) -> float:
    """x rounded up to a number people read on an axis (1, 1.5, 2, 2.5 … × a power of ten)."""
    if x <= 0:
        return 0.0
    step = 10 ** math.floor(math.log10(x))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * step >= x:
            return float(m * step)
    return float(10 * step)


def _values(series: list[dict[str, Any]]) -> list[float]:
    return [p[1] for s in series for p in s["data"] if isinstance(p[1], int | float)]


def _option(title: str, series: list[dict[str, Any]], unit: str, lines: list[dict[str, Any]]) -> str:
    # The unit is in the chart's heading; an axis name would run into the title.
    y_axis: dict[str, Any] = {"type": "value", "scale": True}
    if lines and series:
        series[0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": "#cf222e", "type": "dashed"},
            "data": lines,
        }
        # A mark line does not stretch the axis: the limit must be in view whatever the values.
        values = _values(series) + [line["yAxis"] for line in lines]
        top, bottom = max(values), min(values)
        pad = 0.08 * ((top - bottom) or abs(top) or 1.0)
        y_axis["max"] = _nice(top + pad)
        y_axis["min"] = 0 if bottom >= 0 else -_nice(pad - bottom)
    option = {
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 0},
        "grid": {"top": 48, "left": 55, "right": 80, "bottom": 30},
        "xAxis": {"type": "time"},
        "yAxis": y_axis,
        "series": series,
    }
    return json.dumps(option, ensure_ascii=False, default=str)


def realtime_chart(
    device: Any, code: str, limits: OutletLimits, end: dt.datetime, hours: int = 24
) -> str | None:
    start = end - dt.timedelta(hours=hours)
    cn = DataKind.REALTIME
    rows = readings.series(device, factor=code, start=start, end=end, cn=cn)
    if not rows:
        cn = DataKind.MINUTE
        rows = readings.series(device, factor=code, start=start, end=end, cn=cn)
    if not rows:
        return None
    known = factors.factor(code)
    good = [[_t(t), v] for t, v, flag in rows if isinstance(v, int | float) and (flag or "N") == "N"]
    flagged = [[_t(t), v, flag] for t, v, flag in rows if isinstance(v, int | float) and (flag or "N") != "N"]
    series: list[dict[str, Any]] = [
        {"name": _("监测值"), "type": "line", "showSymbol": False, "data": good, "connectNulls": False},
    ]
    if flagged:
        series.append(
            {
                "name": _("标记数据（无效）"),
                "type": "scatter",
                "symbolSize": 6,
                "itemStyle": {"color": INVALID_COLOR},
                "data": flagged,
            }
        )
    zs = readings.series(
        device,
        factor=code,
        start=start,
        end=end,
        cn=cn,
        field="ZsRtd" if cn == DataKind.REALTIME else "ZsAvg",
    )
    zs_points = [[_t(t), v] for t, v, _f in zs if isinstance(v, int | float)]
    if zs_points:
        series.append({"name": _("折算值（设备）"), "type": "line", "showSymbol": False, "data": zs_points})
        series.insert(0, series.pop())  # limit lines go on the converted values
    label = DataKind(cn).label
    return _option(f"{label} · {hours}h", series, known.unit if known else "", limit_lines(limits, code))


def stat_chart(
    rows: list[Any], code: str, limits: OutletLimits, *, title: str, time_of: Any, gas: bool
) -> str | None:
    if not rows:
        return None
    known = factors.factor(code)
    use_converted = gas and any(r.converted is not None for r in rows)
    valid, invalid = [], []
    for r in rows:
        value = r.converted if use_converted and r.converted is not None else r.value
        point = [time_of(r), value]
        if r.status == StatStatus.VALID and value is not None:
            valid.append(point)
        else:
            invalid.append(
                [time_of(r), value if value is not None else 0, r.get_status_display(), r.reasons[:80]]
            )
    name = _("折算均值") if use_converted else _("均值")
    series: list[dict[str, Any]] = [
        {"name": name, "type": "line", "showSymbol": True, "symbolSize": 4, "data": valid}
    ]
    if invalid:
        series.append(
            {
                "name": _("无效/停运"),
                "type": "scatter",
                "symbol": "triangle",
                "symbolSize": 8,
                "itemStyle": {"color": INVALID_COLOR},
                "data": invalid,
            }
        )
    return _option(title, series, known.unit if known else "", limit_lines(limits, code))


def hourly_chart(
    device: Any, code: str, limits: OutletLimits, end: dt.datetime, days: int = 7, gas: bool = False
) -> str | None:
    from epb.monitoring.models import HourlyValue

    rows = list(
        HourlyValue.objects.filter(
            device=device, factor=code, start__gte=end - dt.timedelta(days=days), start__lt=end
        ).order_by("start")
    )
    return stat_chart(
        rows,
        code,
        limits,
        title=_("小时均值 · %(d)d 天") % {"d": days},
        time_of=lambda r: _t(r.start),
        gas=gas,
    )


def daily_chart(
    device: Any, code: str, limits: OutletLimits, end: dt.date, days: int = 60, gas: bool = False
) -> str | None:
    from epb.monitoring.models import DailyValue

    rows = list(
        DailyValue.objects.filter(
            device=device, factor=code, day__gt=end - dt.timedelta(days=days), day__lte=end
        ).order_by("day")
    )
    return stat_chart(
        rows,
        code,
        limits,
        title=_("日均值 · %(d)d 天") % {"d": days},
        time_of=lambda r: r.day.isoformat(),
        gas=gas,
    )
