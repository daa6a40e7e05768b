"""End-to-end load on ``epb receiver``: acknowledged packets/s into the database, ack latency.

Run: ``.venv/bin/python bench/receiver_load.py`` (SQLite, a fresh temporary database) or
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/receiver_load.py``
(PostgreSQL: a fresh database ``epb_bench_<pid>`` is created next to the one named, and dropped).

The script migrates the fresh database, registers the simulated fleet, starts ``epb receiver``
as a subprocess and drives it from this process (uvloop, one TCP connection per device, each
device waiting for its 9014 before the next packet, as data loggers do). Two scenarios:

- ``throughput``: ``--connections`` devices (default 2000) send as fast as the answers come;
  acknowledged packets/s and ack latency.
- ``fleet``: ``--fleet`` devices (default 10 000) connect and stay connected while the fleet
  sends ``--fleet-rate`` packets/s in total (default 2000: 50 000 devices every 25 s); ack
  latency p50/p99 and the receiver's memory.

Afterwards the readings in the database are counted and must equal the packets acknowledged.
Targets (on the 2-core machine of docs/performance.md): ≥ 10 000 acknowledged packets/s into
SQLite and into PostgreSQL; 10 000 connections held with p99 ack latency < 200 ms at 2000/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from epb.hj212 import crc16  # noqa: E402 - after the path set-up, so the script runs standalone

START = datetime(2025, 1, 1, tzinfo=UTC)
WATER = ("w01018", "w21003", "w21011", "w21001", "w01001", "w00000")


def frame(mn: str, n: int, base: tuple[float, ...]) -> tuple[bytes, bytes]:
    """The n-th realtime upload of a device (QN, frame); the same bytes ``build_upload`` makes."""
    when = START + timedelta(seconds=30 * n)
    local = when + timedelta(hours=8)
    stamp = local.strftime("%Y%m%d%H%M%S")
    qn = stamp + "000"
    wiggle = (n * 7919 % 1000) / 1000.0
    values = ";".join(
        f"{code}-Rtd={round(b * (0.9 + 0.2 * wiggle), 2)},{code}-Flag=N"
        for code, b in zip(WATER, base, strict=True)
    )
    data = f"QN={qn};ST=32;CN=2011;PW=123456;MN={mn};Flag=5;CP=&&DataTime={stamp};{values}&&".encode()
    return qn.encode(), b"##%04d%b%04X\r\n" % (len(data), data, crc16(data))


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    acked: int = 0
    sent: int = 0
    connected: int = 0
    lost: int = 0
    measuring: bool = False
    stopping: bool = False


class DeviceConnection(asyncio.Protocol):
    def __init__(self, load: Load, mn: str, index: int, chain: bool, first: int) -> None:
        self.load, self.mn, self.chain = load, mn, chain
        self.n = first
        self.base = (30.0 + index % 17, 1.5, 0.3, 10.0, 7.2, 80.0 + index % 50)
        self.outstanding: dict[bytes, float] = {}
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.load.connected += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.load.connected -= 1
        if not self.load.stopping:
            self.load.lost += 1
        self.transport = None

    def send(self) -> None:
        if self.transport is None or self.load.stopping:
            return
        qn, data = frame(self.mn, self.n, self.base)
        self.n += 1
        self.outstanding[qn] = time.perf_counter()
        self.transport.write(data)
        self.load.sent += 1

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.buffer += data
        load = self.load
        while True:
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            answer, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            at = answer.find(b"QN=")
            sent = self.outstanding.pop(answer[at + 3 : at + 20], None) if at >= 0 else None
            if sent is None or b"CN=9014" not in answer:
                continue
            load.acked += 1
            if load.measuring:
                load.latencies.append(now - sent)
            if self.chain:
                self.send()


def _factory(load: Load, mn: str, index: int, chain: bool, first: int) -> Callable[[], DeviceConnection]:
    return lambda: DeviceConnection(load, mn, index, chain, first)


async def connect_all(
    load: Load, mns: list[str], port: int, chain: bool, first: int
) -> list[DeviceConnection]:
    """Connect every device; each numbers its packets from ``first`` (distinct DataTimes per run)."""
    loop = asyncio.get_running_loop()
    conns: list[DeviceConnection] = []
    for i in range(0, len(mns), 500):
        results = await asyncio.gather(
            *[
                loop.create_connection(_factory(load, mn, j, chain, first), "127.0.0.1", port)
                for j, mn in enumerate(mns[i : i + 500], start=i)
            ]
        )
        conns += [protocol for _transport, protocol in results]
    return conns


async def drain(load: Load, conns: list[DeviceConnection], timeout: float = 30.0) -> None:
    load.stopping = True
    deadline = time.monotonic() + timeout
    while any(c.outstanding for c in conns) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def throughput(
    mns: list[str], port: int, seconds: float, pid: int, warmup: float = 2.0
) -> dict[str, float]:
    load = Load()
    conns = await connect_all(load, mns, port, chain=True, first=0)
    for conn in conns:
        conn.send()
    await asyncio.sleep(warmup)
    load.measuring = True
    acked0, t0, cpu0, own0 = load.acked, time.perf_counter(), cpu_seconds(pid), time.process_time()
    await asyncio.sleep(seconds)
    acked1, t1, cpu1, own1 = load.acked, time.perf_counter(), cpu_seconds(pid), time.process_time()
    load.measuring = False
    await drain(load, conns)
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    unanswered = sum(len(c.outstanding) for c in conns)
    return {
        "connections": len(conns),
        "acked_per_s": (acked1 - acked0) / (t1 - t0),
        "p50_ms": 1000 * percentile(load.latencies, 0.50),
        "p99_ms": 1000 * percentile(load.latencies, 0.99),
        "acked_total": load.acked,
        "receiver_cpu": (sum(cpu1) - sum(cpu0)) / (t1 - t0),
        "receiver_us": 1e6 * (sum(cpu1) - sum(cpu0)) / max(1, acked1 - acked0),
        "receiver_sys_us": 1e6 * (cpu1[1] - cpu0[1]) / max(1, acked1 - acked0),
        "client_cpu": (own1 - own0) / (t1 - t0),
        "unanswered": unanswered,
        "lost_connections": load.lost,
    }


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def fleet(mns: list[str], port: int, seconds: float, rate: float, pid: int) -> dict[str, float]:
    load = Load()
    t_connect = time.perf_counter()
    conns = await connect_all(load, mns, port, chain=False, first=2_000_000)
    connect_s = time.perf_counter() - t_connect
    await asyncio.sleep(1.0)
    held_before = load.connected
    load.measuring = True
    tick = 0.01
    per_tick = rate * tick
    credit = 0.0
    index = 0
    t0 = time.perf_counter()
    next_tick = t0
    acked0 = load.acked
    while time.perf_counter() - t0 < seconds:
        credit += per_tick
        while credit >= 1.0:
            conns[index % len(conns)].send()
            index += 1
            credit -= 1.0
        next_tick += tick
        await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))
    elapsed = time.perf_counter() - t0
    await drain(load, conns)
    load.measuring = False
    rss = rss_kib(pid)
    held = load.connected
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    return {
        "connections": len(conns),
        "connect_s": connect_s,
        "held": min(held_before, held),
        "sent_per_s": index / elapsed,
        "acked_per_s": (load.acked - acked0) / elapsed,
        "p50_ms": 1000 * percentile(load.latencies, 0.50),
        "p99_ms": 1000 * percentile(load.latencies, 0.99),
        "max_ms": 1000 * max(load.latencies, default=float("nan")),
        "acked_total": load.acked,
        "receiver_rss_mib": rss / 1024,
        "lost_connections": load.lost,
    }


# ---------------------------------------------------------------------------- set-up


def fresh_database(workdir: Path) -> tuple[dict[str, str], str, str | None]:
    """Environment for a fresh database; (env, label, postgres database to drop)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(EPB_VAR_DIR=str(workdir), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        return env, f"SQLite (WAL) {workdir / 'epb.sqlite3'}", None
    import psycopg

    base, _, _name = url.rpartition("/")
    name = f"epb_bench_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = f"{base}/{name}"
    return env, f"PostgreSQL {base}/{name}", name


def drop_database(name: str) -> None:
    import psycopg

    base = os.environ["DATABASE_URL"].rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare(env: dict[str, str], count: int) -> list[str]:
    """Migrate the fresh database and register ``count`` devices; returns their MNs."""
    os.environ.update(env)
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    from epb.cli import setup_django

    setup_django()
    from django.core.management import call_command

    from epb.monitoring.fleet import register_fleet
    from epb.monitoring.simulator import FleetDevice

    call_command("migrate", verbosity=0)
    devices = [FleetDevice(mn=f"BENCH{i:07d}", pw="123456", st="32") for i in range(count)]
    register_fleet(devices, reason="receiver load benchmark")
    return [d.mn for d in devices]


def count_readings() -> int:
    from epb.monitoring.models import Reading

    return Reading.objects.count()


def start_writers(env: dict[str, str], count: int) -> list[subprocess.Popen[str]]:
    """Scaled mode: ``count`` ``epb writer`` processes consuming the stream into the database."""
    writers = []
    for _ in range(count):
        proc = subprocess.Popen(
            [sys.executable, "-m", "epb.cli", "writer"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        if "consuming" not in proc.stdout.readline():
            raise SystemExit("a writer did not start")
        writers.append(proc)
    return writers


def delete_stream(name: str) -> None:
    import nats

    async def run() -> None:
        nc = await nats.connect(os.environ.get("NATS_URL", "nats://127.0.0.1:4222"))
        try:
            await nc.jetstream().delete_stream(name)
        finally:
            await nc.close()

    asyncio.run(run())


def start_receiver(env: dict[str, str], connections: int) -> tuple[subprocess.Popen[str], int]:
    env = dict(env, HJ212_MAX_CONN_PER_IP=str(connections + 100), HJ212_IDLE_TIMEOUT="3600")
    proc = subprocess.Popen(
        [sys.executable, "-m", "epb.cli", "receiver", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"the receiver did not start: {line!r}")
    return proc, int(line.split("listening on ")[1].split()[0].rsplit(":", 1)[1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=["throughput", "fleet", "both"], default="both")
    parser.add_argument("--connections", type=int, default=2000, help="throughput: devices")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per scenario")
    parser.add_argument("--fleet", type=int, default=10000, help="fleet: devices (connections held)")
    parser.add_argument("--fleet-rate", type=float, default=2000.0, help="fleet: packets/s in total")
    parser.add_argument("--sink", choices=["embedded", "nats"], default="embedded", help="nats: scaled mode")
    parser.add_argument("--writers", type=int, default=2, help="nats: epb writer processes")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    needed = max(args.connections, args.fleet if args.scenario != "throughput" else 0)
    if hard < needed + 100:
        raise SystemExit(f"RLIMIT_NOFILE hard limit {hard} is too low for {needed} connections")
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass

    with tempfile.TemporaryDirectory(prefix="epb-bench-") as tmp:
        env, label, pg_name = fresh_database(Path(tmp))
        try:
            t = time.perf_counter()
            mns = prepare(env, needed)
            print(f"database: {label}")
            print(f"set-up: migrated and registered {len(mns)} devices in {time.perf_counter() - t:.1f} s")
            writers: list[subprocess.Popen[str]] = []
            stream = ""
            if args.sink == "nats":
                stream = f"EPB_BENCH_{os.getpid()}"
                env.update(
                    HJ212_SINK="nats", HJ212_NATS_STREAM=stream, HJ212_NATS_SUBJECT=f"epb.bench.{os.getpid()}"
                )
                writers = start_writers(env, args.writers)
                print(f"scaled mode: NATS JetStream stream {stream}, {args.writers} writers")
            proc, port = start_receiver(env, needed)
            acked = 0
            try:
                if args.scenario in ("throughput", "both"):
                    r = asyncio.run(throughput(mns[: args.connections], port, args.seconds, proc.pid))
                    acked += int(r["acked_total"])
                    print(
                        f"throughput: {r['connections']:.0f} connections, "
                        f"{r['acked_per_s']:,.0f} acknowledged packets/s, "
                        f"ack latency p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
                        f"{r['unanswered']:.0f} unanswered, {r['lost_connections']:.0f} connections lost; "
                        f"receiver {r['receiver_cpu']:.2f} cores ({r['receiver_us']:.0f} µs CPU per packet, "
                        f"{r['receiver_sys_us']:.0f} of them in the kernel), "
                        f"load client {r['client_cpu']:.2f} cores"
                    )
                if args.scenario in ("fleet", "both"):
                    r = asyncio.run(fleet(mns[: args.fleet], port, args.seconds, args.fleet_rate, proc.pid))
                    acked += int(r["acked_total"])
                    print(
                        f"fleet: {r['held']:.0f} of {r['connections']:.0f} connections held "
                        f"(connected in {r['connect_s']:.1f} s), {r['sent_per_s']:,.0f} packets/s sent, "
                        f"{r['acked_per_s']:,.0f}/s acknowledged, ack latency p50 {r['p50_ms']:.1f} ms, "
                        f"p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.0f} ms; "
                        f"receiver RSS {r['receiver_rss_mib']:.0f} MiB"
                    )
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=60)
            if writers:
                t = time.perf_counter()
                while count_readings() < acked and time.perf_counter() - t < 120:
                    time.sleep(0.5)
                print(
                    f"scaled mode: the writers caught up {time.perf_counter() - t:.1f} s after the load ended"
                )
                for writer in writers:
                    writer.send_signal(signal.SIGTERM)
                    writer.wait(timeout=60)
                delete_stream(stream)
            stored = count_readings()
            verdict = "OK" if stored == acked else "MISMATCH"
            print(f"database: {stored} readings stored, {acked} packets acknowledged: {verdict}")
            return 0 if stored == acked else 1
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                drop_database(pg_name)


if __name__ == "__main__":
    sys.exit(main())
