"""The monitoring app's pages: the centre (dashboard, outlets, alarms, reports, what it judges by)
and the gateway (devices, commands, quarantine)."""

from epb.monitoring.views.alarms import alarm_action, alarm_detail, alarm_list
from epb.monitoring.views.centre import centre, outlet_detail
from epb.monitoring.views.config import device_thresholds, outlet_limits_view, override_end, permitted_totals
from epb.monitoring.views.devices import (
    command_cancel,
    command_create,
    command_detail,
    device_detail,
    device_edit,
    device_frames,
    device_register,
    devices,
    quarantine,
    quarantine_entry,
    quarantine_replay,
)
from epb.monitoring.views.reports import report

__all__ = [
    "alarm_action",
    "alarm_detail",
    "alarm_list",
    "centre",
    "command_cancel",
    "command_create",
    "command_detail",
    "device_detail",
    "device_edit",
    "device_frames",
    "device_register",
    "device_thresholds",
    "devices",
    "outlet_detail",
    "outlet_limits_view",
    "override_end",
    "permitted_totals",
    "quarantine",
    "quarantine_entry",
    "quarantine_replay",
    "report",
]
