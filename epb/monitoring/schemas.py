"""API schemas of the monitoring gateway. Times are ISO 8601 with their offset (stored in UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class DeviceOut(Schema):
    id: int
    mn: str
    name: str
    system: str
    outlet_id: int | None
    org_unit_id: int | None
    is_active: bool
    state: str  # online / offline / never
    last_seen_at: datetime | None
    last_data_at: datetime | None


class DeviceDetailOut(DeviceOut):
    version: str
    crc_variants: list[str]
    accept_lowercase_crc: bool
    accept_length_mismatch: bool
    encoding: str
    flow_unit: str
    sm4_key: str  # masked: only the last four characters are ever shown
    rtd_interval: int
    min_interval: int
    note: str


class DeviceIn(Schema):
    mn: str
    pw: str
    system: str
    outlet_id: int | None = None
    org_unit_id: int | None = None
    name: str = ""
    version: str = ""
    crc_variants: list[str] = ["hj212"]
    accept_lowercase_crc: bool = True
    accept_length_mismatch: bool = False
    encoding: str = "utf-8"
    flow_unit: str = ""
    sm4_key: str = ""
    rtd_interval: int = 30
    min_interval: int = 10
    note: str = ""


class DevicePatch(Schema):
    pw: str | None = None
    name: str | None = None
    is_active: bool | None = None
    version: str | None = None
    crc_variants: list[str] | None = None
    accept_lowercase_crc: bool | None = None
    accept_length_mismatch: bool | None = None
    encoding: str | None = None
    flow_unit: str | None = None
    sm4_key: str | None = None
    rtd_interval: int | None = None
    min_interval: int | None = None
    note: str | None = None


class StatusOut(Schema):
    device_id: int
    state: str
    offline_after_s: int
    last_seen_at: datetime | None
    last_peer: str
    last_data_at: datetime | None
    last_cn: int | None
    frames: int
    rejected: int
    realtime_at: datetime | None
    minute_at: datetime | None
    hour_at: datetime | None
    day_at: datetime | None


class LatestValueOut(Schema):
    code: str
    value: float | str | None
    flag: str | None
    cn: int
    data_time: datetime


class ReadingOut(Schema):
    cn: int
    data_time: datetime
    part: int
    received_at: datetime
    resent: bool
    data: dict[str, dict[str, Any]]


class QuarantineOut(Schema):
    id: int
    mn: str
    device_id: int | None
    reason: str
    first_at: datetime
    last_at: datetime
    frames: int
    last_peer: str
    last_st: str
    last_cn: str
    last_pw: str
    resolved_at: datetime | None


class ReplayOut(Schema):
    replayed: int
    remaining: int


class CommandIn(Schema):
    device_id: int
    kind: str
    begin_time: datetime | None = None
    end_time: datetime | None = None


class CommandOut(Schema):
    id: int
    device_id: int
    kind: str
    qn: str
    state: str
    begin_time: datetime | None
    end_time: datetime | None
    created_at: datetime
    created_by_id: int | None
    claimed_by: str
    attempts: int
    sent_at: datetime | None
    answered_at: datetime | None
    qn_rtn: int | None
    finished_at: datetime | None
    exe_rtn: int | None
    note: str
