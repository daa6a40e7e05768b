from epb.monitoring.models.alarms import Alarm, DetectorState
from epb.monitoring.models.commands import Command
from epb.monitoring.models.data import IngestBatch, QuarantineEntry, RawFrame, Reading
from epb.monitoring.models.forwarding import ForwardItem, ForwardTarget
from epb.monitoring.models.limits import AnomalySetting, LimitOverride, Mark, OutletStandard, PermittedTotal
from epb.monitoring.models.registry import Device, DeviceStatus
from epb.monitoring.models.stats import DailyValue, HourlyValue

__all__ = [
    "Alarm",
    "AnomalySetting",
    "Command",
    "DailyValue",
    "DetectorState",
    "Device",
    "DeviceStatus",
    "ForwardItem",
    "ForwardTarget",
    "HourlyValue",
    "IngestBatch",
    "LimitOverride",
    "Mark",
    "OutletStandard",
    "PermittedTotal",
    "QuarantineEntry",
    "RawFrame",
    "Reading",
]
