"""Demo data of the monitoring centre. Idempotent: what is there is left alone.

* the permit limits of outlets whose standard the limit data do not hold (GB 30484, GB 27631,
  GB 3544, GB 4915, DB32/4439): the registry keeps its text, the centre judges by these;
* anomaly thresholds: five minutes without data is offline for every source device, and the
  analyzers' ranges (for the 2 %-of-range and over-range checks);
* a permitted annual total per pollutant for every enterprise with monitored outlets;
* two days of hourly uploads from the simulator's own model, and their statistics;
* historical alarms in each state of their handling.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epb.core import audit
from epb.core.models import User
from epb.hj212 import Decoder, Packet, build_upload, make_qn
from epb.lib.timeutil import beijing_date
from epb.monitoring.models import AnomalySetting, Device, DeviceStatus, LimitOverride, PermittedTotal, Reading

PERMIT = "排污许可证载明限值（演示）"
# Outlet standards the limit data do not hold → the permit's limits (demo figures, per factor).
PERMIT_LIMITS: dict[str, dict[str, float | tuple[float, float]]] = {
    "GB30484-2013:water": {
        "w01018": 50.0,
        "w21003": 5.0,
        "w21011": 0.5,
        "w21001": 15.0,
        "w01001": (6.0, 9.0),
    },
    "GB30484-2013:gas": {"a34013": 30.0, "a21026": 100.0, "a21002": 200.0},
    "GB27631-2011:water": {
        "w01018": 400.0,
        "w21003": 30.0,
        "w21011": 3.0,
        "w21001": 50.0,
        "w01001": (6.0, 9.0),
    },
    "GB3544-2008:water": {"w01018": 80.0, "w21003": 8.0, "w21011": 0.8, "w21001": 12.0, "w01001": (6.0, 9.0)},
    "GB4915-2013:gas": {"a34013": 30.0, "a21026": 200.0, "a21002": 400.0},
    "DB32/4439-2022:gas": {"a34013": 20.0, "a21026": 200.0, "a21002": 200.0},
}
RANGES = {
    "w01018": 500.0, "w21003": 50.0, "w21011": 10.0, "w21001": 100.0,
    "a21026": 500.0, "a21002": 500.0, "a34013": 100.0,
}  # fmt: skip
# Permitted tonnes a year per outlet and pollutant (of the size the simulator's outlets emit).
TOTALS = {
    "water": {"w01018": "120", "w21003": "8", "w21011": "1.5", "w21001": "40"},
    "gas": {"a21026": "60", "a21002": "150", "a34013": "20"},
}
HISTORY_HOURS = 48


def load(stdout: Any) -> None:
    devices = list(
        Device.objects.filter(outlet__isnull=False, is_active=True).select_related("outlet__enterprise")
    )
    if not devices:
        return
    limits = _permit_limits(devices)
    thresholds = _thresholds(devices)
    totals = _totals(devices)
    history = _history(devices)
    alarms = _alarms(devices)
    if limits or thresholds or totals or history or alarms:
        stdout.write(
            f"  monitoring centre: {limits} outlet limits, {thresholds} thresholds, "
            f"{totals} permitted totals, {history} hours of history, {alarms} alarms\n"
        )


def _permit_limits(devices: list[Device]) -> int:
    created = 0
    first = dt.date(beijing_date(timezone.now()).year - 1, 1, 1)
    for device in devices:
        outlet = device.outlet
        assert outlet is not None
        table = PERMIT_LIMITS.get(f"{outlet.standard}:{outlet.kind}")
        if not table or LimitOverride.objects.filter(outlet=outlet).exists():
            continue
        for item, bound in table.items():
            low, high = bound if isinstance(bound, tuple) else (None, bound)
            audit.create(
                LimitOverride,
                actor=None,
                outlet=outlet,
                item=item,
                kind="range" if low is not None else "max",
                min_value=low,
                max_value=high,
                reference_o2=float(outlet.reference_o2)
                if outlet.reference_o2 and outlet.kind == "gas"
                else None,
                effective_from=first,
                reference=f"{outlet.enterprise.uscc}001P {PERMIT}",
            )
            created += 1
    return created


def _thresholds(devices: list[Device]) -> int:
    created = 0
    for device in devices:
        if AnomalySetting.objects.filter(device=device).exists():
            continue
        audit.create(
            AnomalySetting,
            actor=None,
            device=device,
            factor="",
            offline_minutes=5.0,
            note="演示：5 分钟无数据即离线",
        )
        medium = device.outlet.kind if device.outlet else ""
        for code, upper in RANGES.items():
            if code.startswith("w" if medium == "water" else "a"):
                audit.create(
                    AnomalySetting, actor=None, device=device, factor=code, range_upper=upper, note="仪器量程"
                )
        created += 1
    return created


def _totals(devices: list[Device]) -> int:
    year = beijing_date(timezone.now()).year
    per: dict[int, dict[str, Decimal]] = {}
    enterprises: dict[int, Any] = {}
    for device in devices:
        outlet = device.outlet
        assert outlet is not None
        enterprises[outlet.enterprise_id] = outlet.enterprise
        for item, tonnes in TOTALS.get(outlet.kind, {}).items():
            bucket = per.setdefault(outlet.enterprise_id, {})
            bucket[item] = bucket.get(item, Decimal(0)) + Decimal(tonnes)
    created = 0
    for enterprise_id, items in per.items():
        enterprise = enterprises[enterprise_id]
        if PermittedTotal.objects.filter(enterprise_id=enterprise_id).exists():
            continue
        for item, amount in items.items():
            audit.create(
                PermittedTotal,
                actor=None,
                enterprise=enterprise,
                item=item,
                year=year,
                tonnes=amount,
                reference=f"{enterprise.uscc}001P",
            )
            created += 1
    return created


def _history(devices: list[Device]) -> int:
    """Hourly uploads (2061) of the last two days from the simulator's model, stored through the
    ingest path, and the hours and days computed from them."""
    from epb.monitoring.centre.context import DeviceContext
    from epb.monitoring.centre.stats import compute_days, compute_hours
    from epb.monitoring.ingest import Directory, Inbound, flush_status, store_batch
    from epb.monitoring.simulator import REGISTRY_FAULTS, Faults, FleetDevice, Model

    if Reading.objects.filter(cn=2061).exists():
        return 0
    now = timezone.now()
    top = now.replace(minute=0, second=0, microsecond=0)
    directory = Directory()
    stored = 0
    for device in devices:
        outlet = device.outlet
        assert outlet is not None
        fleet = FleetDevice(  # as ``epb simulate --from-registry`` sees the device
            device.mn, device.pw, device.system, version=device.version,
            sm4_key=device.sm4_key, flow_unit=device.flow_unit, standard=outlet.standard,
            reference_o2=float(outlet.reference_o2) if outlet.reference_o2 else None,
        )  # fmt: skip
        # The registry fleet's own faults: its history upload on connecting repeats these hours
        # with the same values (a repeat with other values would be an anomaly).
        model = Model(fleet, Faults.parse(REGISTRY_FAULTS))
        decoder = Decoder()  # plain 2017 frames for every device: history as the centre keeps it
        records = []
        for i in range(HISTORY_HOURS, 0, -1):
            start = top - dt.timedelta(hours=i)
            frame = build_upload(
                cn="2061", mn=device.mn, st=device.system, pw=device.pw, data_time=start,
                qn=make_qn(start + dt.timedelta(hours=1)), ack=False,
                values=model.aggregate(start.timestamp(), 3600),
            )  # fmt: skip
            decoder.feed(frame)
            records += [
                Inbound((start + dt.timedelta(hours=1)).timestamp(), "demo", e)
                for e in decoder.events()
                if isinstance(e, Packet)
            ]
        if records:
            store_batch(records, directory)
            stored += len(records)
            flush_status(directory, everything=True)
        ctx = DeviceContext(device)
        compute_hours(ctx, [top - dt.timedelta(hours=i) for i in range(HISTORY_HOURS, 0, -1)], now)
        today = beijing_date(now)
        compute_days(ctx, [today - dt.timedelta(days=2), today - dt.timedelta(days=1)], now)
    # The history came in as a backfill, not from a connection: the devices have not been heard
    # from yet (so they are not offline until they have been online).
    DeviceStatus.objects.filter(device__in=devices).update(last_seen_at=None, last_data_at=None, last_peer="")
    return stored


def _alarms(devices: list[Device]) -> int:
    """One alarm in each state of its handling: on the demo enterprise's outlets (its account
    acknowledges and handles them), and one closed by the centre elsewhere."""
    from epb.monitoring.centre import alarms as service
    from epb.monitoring.centre.alarms import Evidence, apply_evidence
    from epb.monitoring.choices import AlarmKind
    from epb.monitoring.models import Alarm

    if Alarm.objects.filter(detail__demo=True).exists():
        return 0
    now = timezone.now()
    qiye = User.objects.filter(username="qiye").first()
    centre = (
        User.objects.filter(username="jiankong").first() or User.objects.filter(username="juzhang").first()
    )

    def of(kind: str, own: bool) -> Device | None:
        for d in devices:
            outlet = d.outlet
            member = (
                qiye is not None
                and outlet is not None
                and outlet.enterprise.members.filter(pk=qiye.pk).exists()
            )
            if outlet is not None and outlet.kind == kind and member == own:
                return d
        return None

    plan = [
        (of("water", True), "w01018", AlarmKind.EXCEEDANCE, 6, "raised"),
        (of("water", True), "w21003", AlarmKind.EXCEEDANCE, 30, "acknowledged"),
        (of("gas", True), "", AlarmKind.OFFLINE, 54, "handled"),
        (of("water", True), "w21011", AlarmKind.DATA_MISMATCH, 100, "reopened"),
        (of("gas", False), "a21026", AlarmKind.CONSTANT, 80, "closed"),
    ]
    made = 0
    for device, factor, kind, hours_ago, state in plan:
        if device is None:
            continue
        start = now - dt.timedelta(hours=hours_ago)
        end = start + dt.timedelta(hours=1)
        exceeding = kind == AlarmKind.EXCEEDANCE
        evidence = Evidence(
            factor, kind, start, end, live=False,
            value=68.0 if exceeding else None, limit_max=50.0 if exceeding else None,
            multiple=0.36 if exceeding else None,
            basis="daily_mean" if exceeding else "", detail={"demo": True},
        )  # fmt: skip
        opened = apply_evidence(device, [evidence], now=end)
        if not opened:
            continue
        alarm = opened[0]
        if state != "raised" and state != "closed" and qiye is not None:
            service.acknowledge(alarm, actor=qiye)
        if state in ("handled", "reopened") and qiye is not None:
            service.handle(
                alarm, actor=qiye, cause="数采仪断电重启", measures="已加装不间断电源，并检查通讯线路"
            )
        if state == "reopened" and centre is not None:
            service.reopen(alarm, actor=centre, note="请补充运维记录和停电时段的说明")
        if state == "closed" and centre is not None:
            service.close(alarm, actor=centre, note="仪器故障已排除，运维单位已校准")
        made += 1
    return made
