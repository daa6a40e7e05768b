"""kill -9 of ``epb receiver`` under load loses no acknowledged packet.

The receiver runs as a real subprocess on a file database (the migrated test database copied
to a temporary SQLite file; on PostgreSQL runs, the test database itself), driven by devices
that record every 9014 they get. It is killed with SIGKILL mid-load and restarted; the devices
resend what was not acknowledged (and some of what was). Then every acknowledged packet must
be in the database exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
from django.db import connection

from epb.hj212 import CpValue, Decoder, Packet, build_upload, make_qn
from epb.monitoring.tests.factories import make_device
from epb.testing.factories import make_outlet

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
START = datetime(2025, 1, 1, tzinfo=UTC)
Key = tuple[str, datetime]

# Sessions of the receivers these tests start (and kill) carry this name on PostgreSQL.
SUBPROCESS_APP = "epb-test-subprocess"


def frame_for(mn: str, pw: str, n: int) -> tuple[Key, bytes]:
    when = START + timedelta(seconds=30 * n)
    values: dict[str, dict[str, CpValue]] = {
        "w01018": {"Rtd": 20.0 + n % 7, "Flag": "N"},
        "w21003": {"Rtd": 1.5, "Flag": "N"},
    }
    frame = build_upload(
        cn="2011", mn=mn, st="32", pw=pw, qn=make_qn(when), data_time=when, values=values, ack=True
    )
    return (mn, when), frame


class Logger:
    """A data logger that sends realtime packets one by one and waits for each 9014."""

    def __init__(self, mn: str, pw: str) -> None:
        self.mn, self.pw = mn, pw
        self.next = 0
        self.acked: list[Key] = []
        self.unacked: list[int] = []  # sent, never answered: resent after the restart

    async def run(self, port: int, stop: asyncio.Event, numbers: list[int] | None = None) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        decoder = Decoder()
        queue = list(numbers) if numbers is not None else None
        try:
            while not stop.is_set():
                if queue is not None:
                    if not queue:
                        break
                    n = queue.pop(0)
                else:
                    n = self.next
                    self.next += 1
                key, frame = frame_for(self.mn, self.pw, n)
                writer.write(frame)
                await writer.drain()
                if not await self._answer(reader, decoder, key):
                    self.unacked.append(n)
                    return
                self.acked.append(key)
                if n in self.unacked:
                    self.unacked.remove(n)
        except (ConnectionError, OSError):
            if queue is not None:
                self.unacked += [n for n in queue if n not in self.unacked]
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader, decoder: Decoder, key: Key) -> bool:
        qn = make_qn(key[1])
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for event in decoder.events():
                if isinstance(event, Packet) and event.cn == "9014" and event.qn == qn:
                    return True
            try:
                data = await asyncio.wait_for(reader.read(4096), deadline - time.monotonic())
            except (TimeoutError, ConnectionError):
                return False
            if not data:
                return False
            decoder.feed(data)
        return False


def start_receiver(env: dict[str, str], log: IO[str]) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "epb.cli",
            "receiver",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--batch-ms",
            "20",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise AssertionError(f"the receiver did not start: {line!r}")
    return proc, int(line.split("listening on ")[1].split()[0].rsplit(":", 1)[1])


def database_for_subprocess(tmp_path: Path) -> tuple[dict[str, str], Any]:
    """Environment for the receiver and a function listing (MN, DataTime) of the stored readings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        PGAPPNAME=SUBPROCESS_APP,
        PYTHONUNBUFFERED="1",
        EPB_VAR_DIR=str(tmp_path),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if connection.vendor == "sqlite":
        path = tmp_path / "epb.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()

        def stored() -> list[Key]:
            with sqlite3.connect(path) as db:
                rows = db.execute(
                    "SELECT d.mn, r.data_time FROM monitoring_reading r "
                    "JOIN monitoring_device d ON d.id = r.device_id"
                ).fetchall()
            return [(mn, datetime.fromisoformat(t).replace(tzinfo=UTC)) for mn, t in rows]

        return env, stored

    s = connection.settings_dict
    env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    if s.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{s['PASSWORD']}@", 1)

    def stored_pg() -> list[Key]:
        from epb.monitoring.models import Reading

        return [(mn, t.astimezone(UTC)) for mn, t in Reading.objects.values_list("device__mn", "data_time")]

    return env, stored_pg


def test_kill_9_under_load_loses_no_acknowledged_packet(tmp_path: Path, enterprise: Any) -> None:
    devices = [make_device(make_outlet(enterprise)) for _ in range(20)]
    loggers = [Logger(d.mn, d.pw) for d in devices]
    env, stored = database_for_subprocess(tmp_path)
    with open(tmp_path / "receiver.log", "w") as log:
        acked = drive(env, log, loggers)

    counts = Counter(stored())
    missing = [key for key in acked if counts[key] == 0]
    assert not missing, f"{len(missing)} acknowledged packets are not in the database: {missing[:5]}"
    assert all(counts[key] == 1 for key in acked)
    assert max(counts.values()) == 1


def drive(env: dict[str, str], log: IO[str], loggers: list[Logger]) -> set[Key]:
    """Load, kill -9, restart, resend; returns every (MN, DataTime) that was acknowledged."""
    receiver, port = start_receiver(env, log)
    try:

        async def load_then_kill() -> None:
            stop = asyncio.Event()
            tasks = [asyncio.create_task(lg.run(port, stop)) for lg in loggers]
            deadline = time.monotonic() + 10
            while sum(len(lg.acked) for lg in loggers) < 300 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            os.kill(receiver.pid, signal.SIGKILL)  # mid-load: packets in flight, a batch half-built
            await asyncio.wait_for(asyncio.gather(*tasks), 10)

        asyncio.run(load_then_kill())
    finally:
        receiver.kill()
        receiver.wait()
    acked_before = {key for lg in loggers for key in lg.acked}
    assert len(acked_before) >= 300
    assert sum(len(lg.unacked) for lg in loggers) > 0  # the kill did cut packets in flight

    receiver, port = start_receiver(env, log)
    try:

        async def resend() -> None:
            stop = asyncio.Event()
            # Each logger resends what went unanswered, plus its last acknowledged packet
            # (a resend the gateway must store only once), then two new packets.
            await asyncio.gather(
                *[
                    lg.run(port, stop, [*lg.unacked, lg.next - 2, lg.next, lg.next + 1])
                    for lg in loggers
                    if lg.next >= 2
                ]
            )

        asyncio.run(resend())
    finally:
        receiver.send_signal(signal.SIGTERM)
        assert receiver.wait(timeout=15) == 0
    acked = {key for lg in loggers for key in lg.acked}
    assert all(not lg.unacked for lg in loggers)
    return acked
