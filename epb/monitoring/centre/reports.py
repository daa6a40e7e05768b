"""Daily and monthly reports of the centre — capture and transmission rates, exceedances, loads —
as one document (``epb.lib.documents``) for the web page and Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _

from epb.lib.documents import Column, ColumnKind, Document, Heading, Paragraph, Table, to_xlsx
from epb.monitoring.centre import capture
from epb.monitoring.choices import AlarmKind
from epb.standards import factors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(doc: Document, filename: str) -> HttpResponse:
    response = HttpResponse(to_xlsx(doc), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _pct(value: float | None) -> float | None:
    return value / 100.0 if value is not None else None


def period_label(period: str, first: dt.date, last: dt.date) -> str:
    if period == "day":
        return first.isoformat()
    return f"{first.isoformat()} — {last.isoformat()}"


def capture_table(devices: list[Any], first: dt.date, last: dt.date) -> Table:
    rates = capture.rates(devices, first, last)
    rows = []
    for device in devices:
        r = rates[device.pk]
        outlet = device.outlet
        rows.append(
            [
                outlet.enterprise.name if outlet else "",
                f"{outlet.code} {outlet.name}" if outlet else device.name,
                device.mn,
                r.capture.total,
                r.capture.stopped,
                r.capture.invalid,
                _pct(r.capture.percent),
                r.transmission.expected,
                r.transmission.received,
                _pct(r.transmission.transmission_pct),
                _pct(r.transmission.validity_pct),
                _pct(r.transmission.effective_pct),
            ]
        )
    return Table(
        [
            Column(_("企业")),
            Column(_("排放口")),
            Column(_("设备编码 MN")),
            Column(_("应有时段"), ColumnKind.INTEGER),
            Column(_("停运时段"), ColumnKind.INTEGER),
            Column(_("无效时段"), ColumnKind.INTEGER),
            Column(_("有效数据捕集率"), ColumnKind.PERCENT),
            Column(_("应传数"), ColumnKind.INTEGER),
            Column(_("实传数"), ColumnKind.INTEGER),
            Column(_("数据传输率"), ColumnKind.PERCENT),
            Column(_("数据有效率"), ColumnKind.PERCENT),
            Column(_("传输有效率"), ColumnKind.PERCENT),
        ],
        rows,
        caption=_("有效数据捕集率与传输率"),
    )


def exceedance_table(alarms: list[Any]) -> Table:
    rows = []
    for a in alarms:
        known = factors.factor(a.factor)
        rows.append(
            [
                a.outlet.enterprise.name if a.outlet else "",
                f"{a.outlet.code} {a.outlet.name}" if a.outlet else a.device.mn,
                known.name_zh if known else a.factor,
                a.started_at,
                a.ended_at,
                a.value,
                a.limit_max,
                a.unit,
                a.multiple,
                _("确认") if a.confirmed else _("预警"),
                a.get_state_display(),
            ]
        )
    return Table(
        [
            Column(_("企业")),
            Column(_("排放口")),
            Column(_("因子")),
            Column(_("开始时间"), ColumnKind.DATETIME),
            Column(_("结束时间"), ColumnKind.DATETIME),
            Column(_("最大值"), ColumnKind.DECIMAL, decimals=3),
            Column(_("限值"), ColumnKind.DECIMAL, decimals=3),
            Column(_("单位")),
            Column(_("超标倍数"), ColumnKind.DECIMAL, decimals=2),
            Column(_("判定")),
            Column(_("处理状态")),
        ],
        rows,
        caption=_("超标记录"),
    )


def loads_table(devices: list[Any], first: dt.date, last: dt.date) -> Table:
    rows = []
    for device in devices:
        for item in sorted(capture.loads([device.pk], first, last).values(), key=lambda x: x.factor):
            known = factors.factor(item.factor)
            rows.append(
                [
                    device.outlet.enterprise.name if device.outlet else "",
                    f"{device.outlet.code}" if device.outlet else device.mn,
                    known.name_zh if known else item.factor,
                    item.kg,
                    item.device_cou_kg,
                    item.difference_pct / 100.0 if item.difference_pct is not None else None,
                ]
            )
    return Table(
        [
            Column(_("企业")),
            Column(_("排放口")),
            Column(_("污染物")),
            Column(_("排放量（中心计算）"), ColumnKind.DECIMAL, decimals=3, unit="kg"),
            Column(_("排放量（设备 Cou）"), ColumnKind.DECIMAL, decimals=3, unit="kg"),
            Column(_("差异"), ColumnKind.PERCENT),
        ],
        rows,
        caption=_("污染物排放量"),
    )


def report_document(
    devices: list[Any], alarms: list[Any], period: str, first: dt.date, last: dt.date
) -> Document:
    title = _("污染源在线监控日报") if period == "day" else _("污染源在线监控月报")
    return Document(
        title,
        [
            Paragraph(
                _(
                    "统计期：%(p)s（北京时间）。有效数据捕集率按 HJ 75 "
                    "α =（T − T停运 − T无效）/（T − T停运）计；"
                    "数据传输率、有效率按应传时段计。"
                )
                % {"p": period_label(period, first, last)}
            ),
            Heading(_("一、有效数据捕集率与传输率")),
            capture_table(devices, first, last),
            Heading(_("二、超标记录")),
            exceedance_table(alarms),
            Heading(_("三、污染物排放量")),
            loads_table(devices, first, last),
        ],
    )


def alarm_document(alarms: list[Any]) -> Document:
    rows = []
    for a in alarms:
        known = factors.factor(a.factor) if a.factor else None
        rows.append(
            [
                a.get_kind_display() if a.kind != AlarmKind.EXCEEDANCE or a.confirmed else _("超标（预警）"),
                a.outlet.enterprise.name if a.outlet else "",
                f"{a.outlet.code} {a.outlet.name}" if a.outlet else a.device.mn,
                known.name_zh if known else a.factor,
                a.started_at,
                a.ended_at,
                a.value,
                a.get_state_display(),
            ]
        )
    table = Table(
        [
            Column(_("类型")),
            Column(_("企业")),
            Column(_("排放口")),
            Column(_("因子")),
            Column(_("开始时间"), ColumnKind.DATETIME),
            Column(_("结束时间"), ColumnKind.DATETIME),
            Column(_("值"), ColumnKind.DECIMAL, decimals=3),
            Column(_("处理状态")),
        ],
        rows,
        caption=_("报警"),
    )
    return Document(_("在线监控报警"), [table])
