from epb.monitoring.models.commands import Command
from epb.monitoring.models.data import IngestBatch, QuarantineEntry, RawFrame, Reading
from epb.monitoring.models.registry import Device, DeviceStatus

__all__ = ["Command", "Device", "DeviceStatus", "IngestBatch", "QuarantineEntry", "RawFrame", "Reading"]
