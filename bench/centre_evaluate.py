"""The monitoring centre's evaluation: how many devices' data it keeps up with.

Run: ``.venv/bin/python bench/centre_evaluate.py`` (SQLite, a fresh temporary database) or
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/centre_evaluate.py``
(PostgreSQL, a fresh database created and dropped). About a minute.

``--devices`` gas outlets (GB 13223 coal, 6 % O2; the simulator's value model) get an hour of
realtime data (every 30 s) and minute data (every 10 min), stored through ``store_batch``
without the hook. Then, as the worker would:

1. the live evaluation: the hand-over's items for 30 s of realtime data per device (one packet
   each, as a 5-second hand-over of a fleet reporting every 30 s carries), evaluated per device —
   detectors from saved state, provisional judgement, alarms — in devices/s;
2. the hour closing: every device's hour computed from its minute data, judged, in devices/s;
3. the day closing: the daily values (24 hours each, missing hours computed) in devices/s.

Figures to compare with the fleet: a city of 1 000 outlets reporting realtime every 30 s needs
about 33 device evaluations a second, and its hour and day closings once an hour and a day.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from receiver_load import drop_database, fresh_database  # noqa: E402

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 08:00 Beijing


def prepare(env: dict[str, str], count: int) -> list[Any]:
    import os

    os.environ.update(env)
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    from epb.cli import setup_django

    setup_django()
    from django.core.management import call_command

    from epb.monitoring.fleet import register_fleet
    from epb.monitoring.models import Device
    from epb.monitoring.simulator import FleetDevice

    call_command("migrate", verbosity=0)
    fleet = [
        FleetDevice(mn=f"EVAL{i:07d}", pw="123456", st="31", standard="GB13223-2011", reference_o2=6.0)
        for i in range(count)
    ]
    register_fleet(fleet, reason="centre evaluation benchmark")
    from epb.core.audit import system_writes
    from epb.enterprises.models import Outlet

    with system_writes("benchmark outlets"):
        Outlet.objects.filter(devices__mn__startswith="EVAL").update(standard_class="coal", reference_o2=6)
    return list(Device.objects.filter(mn__startswith="EVAL").select_related("outlet"))


def store(devices: list[Any]) -> int:
    from epb.hj212 import Packet, build_upload, decode_frame, make_qn
    from epb.monitoring.ingest import Directory, Inbound, store_batch
    from epb.monitoring.simulator import Faults, FleetDevice, Model

    directory = Directory()
    directory.refresh()
    stored = 0
    for device in devices:
        model = Model(FleetDevice(device.mn, device.pw, "31", reference_o2=6.0), Faults())
        records = []
        for n in range(120):
            t = START.timestamp() + 30 * n
            when = datetime.fromtimestamp(t, UTC)
            frame = build_upload(
                cn="2011",
                mn=device.mn,
                st="31",
                pw=device.pw,
                qn=make_qn(when),
                data_time=when,
                values=model.realtime(t),
            )
            packet = decode_frame(frame)
            assert isinstance(packet, Packet)
            records.append(Inbound(t + 1, "bench", packet))
        for n in range(6):
            t = START.timestamp() + 600 * n
            when = datetime.fromtimestamp(t, UTC)
            frame = build_upload(
                cn="2051",
                mn=device.mn,
                st="31",
                pw=device.pw,
                qn=make_qn(when),
                data_time=when,
                values=model.aggregate(t, 600),
            )
            packet = decode_frame(frame)
            assert isinstance(packet, Packet)
            records.append(Inbound(t + 601, "bench", packet))
        store_batch(records, directory)
        stored += len(records)
    return stored


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="epb-bench-") as tmp:
        env, label, pg_name = fresh_database(Path(tmp))
        try:
            devices = prepare(env, args.devices)
            import time_machine

            from epb.monitoring.centre.evaluate import close_periods, evaluate

            print(f"database: {label}")
            t = time.perf_counter()
            packets = store(devices)
            took = time.perf_counter() - t
            print(f"stored {packets} packets ({args.devices} devices × an hour) in {took:.1f} s")
            # 1. live: the first 59 minutes evaluated in 30-s hand-overs would be 118 rounds; one
            # round over every device with one new packet each is what the worker does per 5 s.
            now = START + timedelta(minutes=59, seconds=45)
            warm = [
                [d.pk, 2011, START.isoformat(), (START + timedelta(minutes=59)).isoformat()] for d in devices
            ]
            with time_machine.travel(now, tick=False):
                evaluate(warm, now=now)  # detectors' state, limits, the previous hour
                last = START + timedelta(minutes=59, seconds=30)
                items = [[d.pk, 2011, last.isoformat(), last.isoformat()] for d in devices]
                t = time.perf_counter()
                evaluate(items, now=now)
                live = time.perf_counter() - t
            per = 1000 * live / args.devices
            print(f"live evaluation: {args.devices / live:,.0f} devices/s ({per:.1f} ms per device)")
            # 2. the hour closes with no new data: computed and judged.
            after_hour = START + timedelta(hours=1, minutes=1)
            with time_machine.travel(after_hour, tick=False):
                t = time.perf_counter()
                close_periods(after_hour)
                hour = time.perf_counter() - t
            print(f"hour closing (incl. the day before): {args.devices / hour:,.0f} devices/s")
            # 3. the day closes.
            next_day = START + timedelta(days=1, minutes=1)
            with time_machine.travel(next_day, tick=False):
                t = time.perf_counter()
                counts = close_periods(next_day)
                day = time.perf_counter() - t
            print(
                f"day closing: {counts['days']} devices in {day:.1f} s, {args.devices / day:,.1f} devices/s"
            )
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                drop_database(pg_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
