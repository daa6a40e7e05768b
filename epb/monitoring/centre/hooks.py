"""What the monitoring centre hangs on the layers below it (called from ``apps.ready``): the
evaluation behind the ingest path, the enterprise page's exceedance history and online-monitoring
section, and the reaction to overdue alarm handling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _


def exceedances(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, list[str]]:
    """Confirmed exceedance episodes (超标) of the enterprise's outlets, per quarter."""
    from epb.enterprises.history import items_by_quarter
    from epb.monitoring.choices import AlarmKind
    from epb.monitoring.models import Alarm
    from epb.standards.factors import factor

    rows = Alarm.objects.filter(
        outlet__enterprise=enterprise,
        kind=AlarmKind.EXCEEDANCE,
        confirmed=True,
        started_at__gte=start,
        started_at__lt=end,
    ).values_list("started_at", "factor", "multiple", "outlet__code")
    items = []
    for when, code, multiple, outlet in rows:
        known = factor(code)
        text = f"{outlet} {known.name_zh if known else code}"
        if multiple is not None:
            text += f" 超标{multiple:.2f}倍"
        items.append((when, text))
    return items_by_quarter(items)


def section(enterprise: Any, user: Any) -> Any:
    """The enterprise page's 在线监测 block: each monitored outlet, its state and open alarms."""
    from epb.enterprises.sections import Link, Section
    from epb.monitoring.centre.dashboard import outlet_states

    states = outlet_states(user, enterprise=enterprise)
    if not states:
        return None
    rows = []
    for s in states:
        rows.append(
            [
                f"{s.outlet.code} {s.outlet.name}",
                str(s.label),
                s.last_data or "—",
                str(s.open_alarms),
                f"{s.capture:.1f}%" if s.capture is not None else "—",
                Link(str(_("监测数据")), s.url),
            ]
        )
    return Section(
        _("在线监测"),
        [_("排放口"), _("状态"), _("最新数据"), _("未办结报警"), _("本月有效捕集率"), ""],
        rows,
        empty=_("没有在线监测设备。"),
    )


def register() -> None:
    from epb.core.clocks import register_handler
    from epb.enterprises.history import register_history_provider
    from epb.enterprises.sections import register_section
    from epb.monitoring.centre.alarms import CLOCK_KIND, on_clock
    from epb.monitoring.centre.handover import HANDOVER
    from epb.monitoring.ingest import register_batch_hook, register_tick_hook

    register_batch_hook(HANDOVER.on_batch)
    register_tick_hook(HANDOVER.tick)
    register_history_provider("exceedances", _("在线监测超标"), exceedances, order=10, status="violation")
    register_section("monitoring_online", section, order=20)
    register_handler(CLOCK_KIND, on_clock)
