"""Factories for the monitoring app, and its models' entries in the jurisdiction registry."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from epb.core import audit
from epb.hj212 import CpValue, Version, build_upload, make_qn
from epb.monitoring import services
from epb.monitoring.choices import AlarmKind, FrameOutcome, QuarantineReason
from epb.monitoring.models import (
    Alarm,
    AnomalySetting,
    Command,
    DailyValue,
    DetectorState,
    Device,
    DeviceStatus,
    ForwardTarget,
    HourlyValue,
    LimitOverride,
    Mark,
    OutletStandard,
    PermittedTotal,
    QuarantineEntry,
    RawFrame,
    Reading,
)
from epb.testing.factories import make_outlet
from epb.testing.jurisdiction import Placement, jurisdiction_factory

_mn = itertools.count(1)
T0 = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
WATER = {"w01018": 23.5, "w21003": 1.2, "w21011": 0.21, "w21001": 8.3, "w01001": 7.2, "w00000": 120.0}


def next_mn() -> str:
    return f"0100A890{next(_mn):016X}"


def make_device(outlet: Any = None, **overrides: Any) -> Device:
    fields: dict[str, Any] = {"mn": next_mn(), "pw": "123456", "system": "32", "outlet": outlet}
    fields.update(overrides)
    return services.register_device(actor=None, **fields)


def upload(
    device: Device | str,
    *,
    cn: str = "2011",
    when: datetime = T0,
    pw: str | None = None,
    values: dict[str, float] | None = None,
    ack: bool = True,
    version: Version = Version.V2017,
    **kwargs: Any,
) -> bytes:
    """A device upload frame: realtime values (``Rtd``) for 2011, ``Avg``/``Min``/``Max`` otherwise."""
    mn = device if isinstance(device, str) else device.mn
    password = pw if pw is not None else ("123456" if isinstance(device, str) else device.pw)
    suffix = "Rtd" if cn == "2011" else "Avg"
    data: dict[str, dict[str, CpValue]] = {
        code: ({suffix: v, "Flag": "N"} if cn == "2011" else {"Avg": v, "Min": v, "Max": v, "Flag": "N"})
        for code, v in (values or WATER).items()
    }
    qn = None if version is Version.V2005 else make_qn(when + timedelta(seconds=1))
    return build_upload(
        cn=cn,
        mn=mn,
        st="32",
        pw=password,
        data_time=when,
        values=data,
        qn=qn,
        ack=ack,
        version=version,
        **kwargs,
    )


def _device(p: Placement) -> Device:
    return make_device(make_outlet(p.enterprise))


@jurisdiction_factory(Device)
def a_device(p: Placement) -> Device:
    return _device(p)


@jurisdiction_factory(DeviceStatus)
def a_status(p: Placement) -> DeviceStatus:
    return _device(p).status


@jurisdiction_factory(Reading)
def a_reading(p: Placement) -> Reading:
    device = _device(p)
    return Reading.objects.create(device=device, cn=2011, data_time=T0, received_at=T0, data=WATER)


@jurisdiction_factory(RawFrame)
def a_raw_frame(p: Placement) -> RawFrame:
    device = _device(p)
    return RawFrame.objects.create(
        received_at=T0,
        peer="127.0.0.1",
        mn=device.mn,
        device=device,
        cn=2011,
        outcome=FrameOutcome.DATA,
        raw=b"##",
    )


@jurisdiction_factory(QuarantineEntry)
def a_quarantine_entry(p: Placement) -> QuarantineEntry:
    device = _device(p)
    return QuarantineEntry.objects.create(
        mn=device.mn, device=device, reason=QuarantineReason.WRONG_PW, first_at=T0, last_at=T0, frames=1
    )


@jurisdiction_factory(Command)
def a_command(p: Placement) -> Command:
    return services.create_command(actor=None, device=_device(p), kind="2011")


# ---------------------------------------------------------------------------- the centre


def gas_outlet(enterprise: Any, **overrides: Any) -> Any:
    fields: dict[str, Any] = {"kind": "gas", "standard": "", "standard_class": "", "reference_o2": "6"}
    fields.update(overrides)
    return make_outlet(enterprise, **fields)


def make_alarm(device: Device, **overrides: Any) -> Alarm:
    fields: dict[str, Any] = {
        "device": device,
        "outlet": device.outlet,
        "factor": "w01018",
        "kind": AlarmKind.EXCEEDANCE,
        "started_at": T0,
        "last_evidence_at": T0 + timedelta(hours=1),
        "value": 80.0,
        "limit_max": 50.0,
        "unit": "mg/L",
        "multiple": 0.6,
    }
    fields.update(overrides)
    return audit.create(Alarm, actor=None, **fields)


@jurisdiction_factory(Alarm)
def an_alarm(p: Placement) -> Alarm:
    return make_alarm(_device(p))


@jurisdiction_factory(DetectorState)
def a_detector_state(p: Placement) -> DetectorState:
    return DetectorState.objects.create(device=_device(p), factor="w01018", cn=2011, state={})


@jurisdiction_factory(HourlyValue)
def an_hourly_value(p: Placement) -> HourlyValue:
    return HourlyValue.objects.create(
        device=_device(p), factor="w01018", start=T0, status="valid", source="minute", computed_at=T0
    )


@jurisdiction_factory(DailyValue)
def a_daily_value(p: Placement) -> DailyValue:
    return DailyValue.objects.create(
        device=_device(p), factor="w01018", day=T0.date(), status="valid", source="hour", computed_at=T0
    )


@jurisdiction_factory(OutletStandard)
def an_outlet_standard(p: Placement) -> OutletStandard:
    return audit.create(
        OutletStandard, actor=None, outlet=make_outlet(p.enterprise), standard_id="GB18918", class_id="1A"
    )


@jurisdiction_factory(LimitOverride)
def a_limit_override(p: Placement) -> LimitOverride:
    return audit.create(
        LimitOverride,
        actor=None,
        outlet=make_outlet(p.enterprise),
        item="w01018",
        max_value=40.0,
        effective_from=T0.date(),
        reference="排污许可证 test",
    )


@jurisdiction_factory(PermittedTotal)
def a_permitted_total(p: Placement) -> PermittedTotal:
    return audit.create(
        PermittedTotal,
        actor=None,
        enterprise=p.enterprise,
        item="w01018",
        year=2024,
        tonnes=12,
        reference="test",
    )


@jurisdiction_factory(AnomalySetting)
def an_anomaly_setting(p: Placement) -> AnomalySetting:
    return audit.create(AnomalySetting, actor=None, device=_device(p), factor="", offline_minutes=5.0)


@jurisdiction_factory(Mark)
def a_mark(p: Placement) -> Mark:
    return audit.create(
        Mark,
        actor=None,
        device=_device(p),
        kind="maintenance",
        start=T0,
        end=T0 + timedelta(hours=1),
        reason="维护",
    )


@jurisdiction_factory(ForwardTarget)
def a_forward_target(p: Placement) -> ForwardTarget:
    return audit.create(
        ForwardTarget, actor=None, name="市监控中心", host="127.0.0.1", port=9212, all_devices=True
    )
