"""ECharts options for the board and the reports, as plain data (epb.js draws ``data-echarts``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Display colours of the 2011 method's grades (蓝/绿/黄/橙/红) and of the board's statuses.
GRADE_COLORS = {
    "blue": "#1e88e5",
    "green": "#2e9d4f",
    "yellow": "#f2c200",
    "orange": "#f08a00",
    "red": "#d93025",
}
CLASS_LABELS = ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"]
MONTHS = [f"{m}月" for m in range(1, 13)]


def _base(title: str, categories: Sequence[str]) -> dict[str, Any]:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 56, "right": 64, "top": 48, "bottom": 56},
        "xAxis": {"type": "category", "data": list(categories)},
    }


def line(
    title: str,
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    categories: Sequence[str] = MONTHS,
    unit: str = "",
    target: float | None = None,
    target_label: str = "目标",
    dashed: Sequence[str] = (),
    y_min: float | None = None,
    y_max: float | None = None,
) -> dict[str, Any]:
    option = _base(title, categories)
    y_axis: dict[str, Any] = {"type": "value", "name": unit}
    if y_min is not None:
        y_axis["min"] = y_min
    if y_max is not None:
        y_axis["max"] = y_max
    option["yAxis"] = y_axis
    option["series"] = []
    for name, values in series:
        entry: dict[str, Any] = {"name": name, "type": "line", "data": list(values), "connectNulls": False}
        if name in dashed:
            entry["lineStyle"] = {"type": "dashed"}
        option["series"].append(entry)
    if target is not None and option["series"]:
        option["series"][0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": "#d93025"},
            "label": {"formatter": target_label},
            "data": [{"yAxis": target}],
        }
    return option


def bar(
    title: str,
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    categories: Sequence[str] = MONTHS,
    unit: str = "",
    target: float | None = None,
    target_label: str = "目标",
) -> dict[str, Any]:
    option = line(title, series, categories=categories, unit=unit, target=target, target_label=target_label)
    for entry in option["series"]:
        entry["type"] = "bar"
    return option


def classes(
    title: str, series: Sequence[tuple[str, Sequence[int | None]]], *, target: int | None = None
) -> dict[str, Any]:
    """Monthly water classes: the y axis reads Ⅰ类 … 劣Ⅴ类 (values are class numbers 1–6)."""
    option = _base(title, MONTHS)
    option["yAxis"] = {"type": "category", "data": CLASS_LABELS, "inverse": True}
    option["series"] = [
        {
            "name": name,
            "type": "line",
            "data": [None if v is None else v - 1 for v in values],
            "step": "middle",
        }
        for name, values in series
    ]
    if target is not None and option["series"]:
        option["series"][0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": "#d93025"},
            "label": {"formatter": "劣Ⅴ类" if target == 6 else "目标"},
            "data": [{"yAxis": target - 1}],
        }
    return option


CLASS_COLORS = ["#1e88e5", "#1e88e5", "#2e9d4f", "#f2c200", "#f08a00", "#d93025"]


def class_pie(title: str, counts: dict[str, int]) -> dict[str, Any]:
    """How many sections are in each class (``counts`` keyed by CLASS_LABELS), in the grade colours."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {"name": label, "value": counts.get(label, 0), "itemStyle": {"color": color}}
                    for label, color in zip(CLASS_LABELS, CLASS_COLORS, strict=True)
                    if counts.get(label)
                ],
            }
        ],
    }
