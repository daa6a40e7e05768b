"""The storage side alone: ``store_batch`` speed, bytes per reading, and series queries over a year.

Run: ``.venv/bin/python bench/receiver_storage.py`` (SQLite, a fresh temporary database) or
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/receiver_storage.py``
(PostgreSQL, a fresh database created and dropped). About a minute.

1. ``store_batch`` on decoded packets in batches of ``--batch`` (what one group commit holds
   under load): packets/s and µs per packet, evidence (raw frame) included — no sockets.
2. Bytes on disk per reading and per raw frame, indexes included, for realtime (2011) and
   hour (2061) packets of a water outlet (6 factors).
3. A year of hour data for ``--year-devices`` outlets, then the queries the monitoring centre
   runs: one factor's hourly series of one outlet for a month, daily means of a year, and the
   latest readings of every device.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from receiver_load import drop_database, fresh_database, prepare  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)
WATER = {"w01018": 30.0, "w21003": 1.5, "w21011": 0.3, "w21001": 10.0, "w01001": 7.2, "w00000": 80.0}


def packets(mns: list[str], per_device: int, cn: str, start: datetime, step: timedelta) -> list[Any]:
    from epb.hj212 import CpValue, Packet, build_upload, decode_frame, make_qn
    from epb.monitoring.ingest import Inbound

    out: list[Any] = []
    for n in range(per_device):
        when = start + step * n
        for i, mn in enumerate(mns):
            wiggle = ((n * 7919 + i * 104729) % 1000) / 1000.0
            values: dict[str, dict[str, CpValue]]
            if cn == "2011":
                values = {
                    c: {"Rtd": round(v * (0.9 + 0.2 * wiggle), 2), "Flag": "N"} for c, v in WATER.items()
                }
            else:
                values = {
                    c: {
                        "Cou": round(v * 3.6 * wiggle, 3),
                        "Min": round(v * 0.8, 2),
                        "Avg": round(v * (0.9 + 0.2 * wiggle), 2),
                        "Max": round(v * 1.2, 2),
                        "Flag": "N",
                    }
                    for c, v in WATER.items()
                }
            frame = build_upload(
                cn=cn, mn=mn, st="32", pw="123456", qn=make_qn(when), data_time=when, values=values
            )
            packet = decode_frame(frame)
            assert isinstance(packet, Packet)
            out.append(Inbound(when.timestamp() + 2, "10.1.2.3:40000", packet))
    return out


def store_all(records: list[Any], batch: int) -> float:
    from epb.monitoring.ingest import Directory, store_batch

    directory = Directory()
    directory.refresh()
    t = time.perf_counter()
    for i in range(0, len(records), batch):
        store_batch(records[i : i + batch], directory)
    return time.perf_counter() - t


def sizes() -> dict[str, int]:
    """Bytes on disk of the readings and of the raw frames, indexes included."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute(
                "SELECT CASE WHEN name LIKE '%%rawframe%%' OR name LIKE 'monitoring_raw_%%' THEN 'raw' "
                "WHEN name LIKE '%%reading%%' THEN 'reading' ELSE 'other' END, sum(pgsize) "
                "FROM dbstat GROUP BY 1"
            )
            return {k: int(v) for k, v in cursor.fetchall()}
        out = {}
        for key, table in (("reading", "monitoring_reading"), ("raw", "monitoring_rawframe")):
            cursor.execute("VACUUM ANALYZE " + table)
            cursor.execute(
                "SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
                [table],
            )
            out[key] = int(cursor.fetchone()[0])
        return out


def timed(fn: object, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        runs.append(time.perf_counter() - t)
    return 1000 * statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--packets", type=int, default=60000, help="realtime packets for the speed run")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--year-devices", type=int, default=50, help="outlets with a year of hour data")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="epb-bench-") as tmp:
        env, label, pg_name = fresh_database(Path(tmp))
        try:
            mns = prepare(env, max(args.devices, args.year_devices))
            from django.db import connection
            from django.db.models import Avg, FloatField
            from django.db.models.fields.json import KeyTextTransform
            from django.db.models.functions import Cast, TruncDay

            from epb.monitoring.models import Device, DeviceStatus, Reading
            from epb.monitoring.readings import latest_readings

            print(f"database: {label}")
            realtime = packets(
                mns[: args.devices], args.packets // args.devices, "2011", START, timedelta(seconds=30)
            )
            before = sizes()
            seconds = store_all(realtime, args.batch)
            after = sizes()
            n = len(realtime)
            print(
                f"store_batch: {n} realtime packets in batches of {args.batch}: "
                f"{n / seconds:,.0f} packets/s, {1e6 * seconds / n:.0f} µs per packet "
                "(reading + raw frame + status)"
            )
            per_reading = (after["reading"] - before.get("reading", 0)) / n
            per_raw = (after["raw"] - before.get("raw", 0)) / n
            print(f"bytes per realtime reading: {per_reading:.0f}; per raw frame: {per_raw:.0f}")

            year = packets(mns[: args.year_devices], 24 * 365, "2061", START, timedelta(hours=1))
            before = sizes()
            seconds = store_all(year, 2000)
            after = sizes()
            n = len(year)
            print(
                f"a year of hour data for {args.year_devices} outlets: {n} readings stored in "
                f"{seconds:.0f} s; bytes per hour reading: {(after['reading'] - before['reading']) / n:.0f}"
            )
            device = Device.objects.get(mn=mns[0])
            month = (START + timedelta(days=180), START + timedelta(days=211))

            def month_series() -> list[tuple[datetime, str]]:
                return list(
                    Reading.objects.filter(
                        device=device, cn=2061, data_time__gte=month[0], data_time__lt=month[1]
                    )
                    .annotate(cod=KeyTextTransform("Avg", KeyTextTransform("w01018", "data")))
                    .order_by("data_time")
                    .values_list("data_time", "cod")
                )

            def daily_means() -> list[object]:
                return list(
                    Reading.objects.filter(device=device, cn=2061)
                    .annotate(day=TruncDay("data_time"))
                    .values("day")
                    .annotate(
                        cod=Avg(
                            Cast(KeyTextTransform("Avg", KeyTextTransform("w01018", "data")), FloatField())
                        )
                    )
                    .order_by("day")
                )

            def latest() -> object:
                return latest_readings(DeviceStatus.objects.filter(device__mn__in=mns[: args.year_devices]))

            assert len(month_series()) == 31 * 24
            assert len(daily_means()) >= 365
            print(
                f"queries over {Reading.objects.count()} readings ({connection.vendor}): "
                f"one outlet's hourly COD for a month {timed(month_series):.1f} ms, "
                f"its daily COD means for a year {timed(daily_means):.1f} ms, "
                f"latest readings of {args.year_devices} outlets {timed(latest):.1f} ms"
            )
            return 0
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                drop_database(pg_name)


if __name__ == "__main__":
    sys.exit(main())
