"""``epb simulate``: a fleet of HJ 212 data loggers (数采仪) talking to a receiver.

Each simulated logger keeps one TCP connection, uploads realtime data (2011) at ``--rate``
packets per second, and minute (2051), hour (2061) and day (2031) data at their boundaries on
the wall clock, with Avg/Min/Max/Cou computed from the same underlying series (water
concentrations flow-weighted, gas ones arithmetic; Cou in kg, flow Cou in m³). Values follow
a daily pattern with smooth noise around plausible levels for the kind of outlet or station.

Like a real logger it asks for an answer (Flag A), waits ``--ack-timeout`` for the 9014, resends
up to ``--retries`` times, keeps what was never answered and uploads it after reconnecting (with
RF=1 on 2025 devices). It answers the centre's commands: 1012 (9011 + 9012), 2011 / 2012, and
history requests 2031 / 2051 / 2061 (9011, the records, 9012).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta

from epb.hj212 import (
    NEED_DATA,
    CpValue,
    Decoder,
    Packet,
    Values,
    Version,
    build_packet,
    build_upload,
    execution_result,
    make_flag,
    make_qn,
    notice_ack,
    request_answer,
)

BEIJING_OFFSET = 8 * 3600
SAMPLE = 30.0  # seconds between the underlying samples that realtime values and aggregates share


# ------------------------------------------------------------------------------ the values


@dataclass(frozen=True)
class FleetDevice:
    """What the simulator needs to impersonate one device (``fleet.from_registry`` reads them)."""

    mn: str
    pw: str
    st: str
    version: str = ""  # "" (2017), "2005", "2017", "2025"
    sm4_key: str = ""
    standard: str = ""
    reference_o2: float | None = None
    flow_unit: str = ""  # what the device sends flow in, when not the HJ 212 default


@dataclass(frozen=True)
class FactorModel:
    code: str
    code_2005: str
    base: float  # typical level
    amp: float  # daily swing, as a fraction of the level
    noise: float  # short-term variation, as a fraction of the level
    decimals: int
    role: str = "conc"  # conc (a pollutant: Cou, exceedances), flow, or param


WATER_SOURCE = (
    FactorModel("w01018", "011", 30.0, 0.15, 0.08, 1),
    FactorModel("w21003", "060", 1.5, 0.2, 0.1, 2),
    FactorModel("w21011", "101", 0.3, 0.15, 0.1, 3),
    FactorModel("w21001", "065", 10.0, 0.15, 0.08, 2),
    FactorModel("w01001", "001", 7.2, 0.02, 0.01, 2, "param"),
    FactorModel("w00000", "B01", 80.0, 0.3, 0.05, 2, "flow"),  # L/s
)
GAS_SOURCE = (
    FactorModel("a21026", "02", 25.0, 0.2, 0.1, 2),
    FactorModel("a21002", "03", 60.0, 0.15, 0.08, 1),
    FactorModel("a34013", "01", 8.0, 0.2, 0.12, 2),
    FactorModel("a19001", "S01", 9.0, 0.05, 0.03, 1, "param"),  # O2 %
    FactorModel("a01012", "S03", 80.0, 0.1, 0.02, 1, "param"),  # °C
    FactorModel("a00000", "B02", 40.0, 0.25, 0.04, 2, "flow"),  # m3/s
)
SURFACE_WATER = (
    FactorModel("w01001", "001", 7.6, 0.03, 0.01, 2, "param"),
    FactorModel("w01009", "", 7.0, 0.15, 0.05, 2, "param"),
    FactorModel("w01019", "", 4.0, 0.1, 0.08, 2),
    FactorModel("w21003", "060", 0.5, 0.15, 0.1, 3),
    FactorModel("w21011", "101", 0.1, 0.15, 0.1, 3),
    FactorModel("w01010", "", 18.0, 0.05, 0.01, 1, "param"),
)
AIR_QUALITY = (
    FactorModel("a21026", "", 8.0, 0.3, 0.15, 0),
    FactorModel("a21004", "", 30.0, 0.35, 0.15, 0),
    FactorModel("a34002", "", 60.0, 0.3, 0.15, 0),
    FactorModel("a34004", "", 35.0, 0.3, 0.15, 0),
    FactorModel("a21005", "", 0.8, 0.25, 0.1, 2),
)
NOISE = (FactorModel("LA", "", 55.0, 0.12, 0.05, 1, "param"),)
FACTORS: dict[str, tuple[FactorModel, ...]] = {"32": WATER_SOURCE, "52": WATER_SOURCE, "31": GAS_SOURCE}
FACTORS["51"] = GAS_SOURCE
FACTORS |= {"21": SURFACE_WATER, "22": AIR_QUALITY, "23": NOISE}


@dataclass
class Faults:
    """Injected faults, each a probability (``--faults exceed=0.05,offline=0.02,…``)."""

    exceed: float = 0.0  # share of 10-minute windows in which pollutants run 2–3× high
    offline: float = 0.0  # share of 10-minute windows in which a logger is disconnected
    constant: float = 0.0  # share of loggers with one pollutant stuck at a constant value
    badcrc: float = 0.0  # share of frames whose first transmission has a corrupt CRC
    split: float = 0.0  # share of minute/hour/day uploads sent as two split packets
    resend: float = 0.0  # share of answered uploads sent once more anyway
    v2005: float = 0.0  # share of invented loggers speaking HJ/T 212-2005 (no answers)
    flags: float = 0.0  # share of uploads with one factor flagged M, C or D

    @classmethod
    def parse(cls, spec: str) -> Faults:
        if spec in ("", "none"):
            return cls()
        if spec == "default":
            return cls(exceed=0.02, flags=0.01)
        names = {f.name for f in fields(cls)}
        values: dict[str, float] = {}
        for part in spec.split(","):
            name, sep, text = part.strip().partition("=")
            if name not in names or not sep:
                raise ValueError(
                    f"unknown fault {part!r}; known: {', '.join(sorted(names))} (name=probability)"
                )
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"fault {name}: {text!r} is not a number") from None
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"fault {name}: {value} is not a probability between 0 and 1")
            values[name] = value
        return cls(**values)


# The registry's fleet (``epb demo``) shows the centre at work: now and then an exceedance, a
# flagged value, a logger offline for ten minutes, and one logger in twenty stuck on a value.
REGISTRY_FAULTS = "exceed=0.02,flags=0.01,offline=0.01,constant=0.05"


def fraction(*keys: int) -> float:
    """A deterministic pseudo-random number in [0, 1) for the given integers."""
    h = 2166136261
    for key in keys:
        h = ((h ^ (key & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
        h ^= h >> 13
        h = (h * 0x5BD1E995) & 0xFFFFFFFF
        h ^= h >> 15
    return h / 4294967296.0


class Model:
    """The underlying series of one simulated logger: deterministic in (MN, time)."""

    def __init__(self, device: FleetDevice, faults: Faults, *, old: bool = False) -> None:
        self.device = device
        self.faults = faults
        self.seed = int.from_bytes(device.mn.encode()[-8:].rjust(8, b"\0"), "big") & 0x7FFFFFFF
        self.factors = FACTORS.get(device.st, WATER_SOURCE)
        self.old = old
        self.gas = self.factors is GAS_SOURCE
        self.water = self.factors is WATER_SOURCE
        self.reference_o2 = device.reference_o2 if device.reference_o2 is not None else 6.0
        self.stuck = next((f.code for f in self.factors if f.role == "conc"), None)
        if fraction(self.seed, 7) >= faults.constant:
            self.stuck = None
        self.scale = 0.6 + 0.8 * fraction(self.seed, 11)  # outlets differ in size
        # Ultra-low-emission units (超低排放) run their pollutants at about half the usual level.
        standard = device.standard.upper().replace("_", "").replace("-", "")
        self.clean = 0.5 if "ULTRALOW" in standard or "超低" in device.standard else 1.0
        # A logger configured for m³/h sends flow rates 3600× the m³/s default (Cou stays m³).
        self.flow_factor = 3600.0 if device.flow_unit == "m3/h" and self.gas else 1.0

    def code(self, factor: FactorModel) -> str:
        return factor.code_2005 if self.old and factor.code_2005 else factor.code

    def exceeding(self, t: float) -> bool:
        return self.faults.exceed > 0 and fraction(self.seed, int(t // 600), 1) < self.faults.exceed

    def offline(self, t: float) -> bool:
        return self.faults.offline > 0 and fraction(self.seed, int(t // 600), 2) < self.faults.offline

    def value(self, factor: FactorModel, t: float) -> float:
        if factor.code == self.stuck:
            return round(factor.base, factor.decimals)
        hour = ((t + BEIJING_OFFSET) % 86400) / 3600
        daily = 1 + factor.amp * math.sin(2 * math.pi * (hour - 8) / 24)
        phase = (self.seed % 997) / 97.0
        wiggle = (
            0.6 * math.sin(t / 173.0 + phase) + 0.3 * math.sin(t / 37.0 + 2 * phase) + 0.1 * math.sin(t / 7.3)
        )
        level = factor.base * (self.scale if factor.role != "param" else 1.0)
        if factor.role == "conc":
            level *= self.clean
        value = level * daily * (1 + factor.noise * wiggle)
        if factor.role == "conc" and self.exceeding(t):
            value *= 2.0 + fraction(self.seed, int(t // 600), 3)
        return max(0.0, value)

    def flag(self, t: float, salt: int) -> tuple[str | None, str]:
        """(factor code, flag) for an upload at ``t``: one factor flagged M/C/D now and then."""
        if self.faults.flags and fraction(self.seed, int(t), salt, 4) < self.faults.flags:
            index = int(fraction(self.seed, int(t), 5) * len(self.factors))
            return self.factors[index].code, "MCD"[int(fraction(self.seed, int(t), 6) * 3)]
        return None, "N"

    def _zs(self, value: float, o2: float) -> float:
        return value * (21 - self.reference_o2) / max(0.5, 21 - o2)

    def realtime(self, t: float) -> dict[str, dict[str, CpValue]]:
        flagged, flag = self.flag(t, 1)
        o2 = self.value(self.factors[3], t) if self.gas else 21.0
        out: dict[str, dict[str, CpValue]] = {}
        for f in self.factors:
            v = self.value(f, t)
            shown = v * self.flow_factor if f.role == "flow" else v
            item: dict[str, CpValue] = {"Rtd": round(shown, f.decimals)}
            if self.gas and f.role == "conc":
                item["ZsRtd"] = round(self._zs(v, o2), f.decimals)
            item["Flag"] = flag if f.code == flagged else "N"
            out[self.code(f)] = item
        return out

    def aggregate(self, start: float, seconds: float) -> dict[str, dict[str, CpValue]]:
        """Avg/Min/Max/Cou over ``[start, start + seconds)`` from the same samples as realtime."""
        step = SAMPLE if seconds <= 3600 else 300.0
        times = [start + step * i for i in range(max(1, int(seconds // step)))]
        flow_factor = next((f for f in self.factors if f.role == "flow"), None)
        flows = [self.value(flow_factor, t) for t in times] if flow_factor else [1.0] * len(times)
        flagged, flag = self.flag(start, 2)
        out: dict[str, dict[str, CpValue]] = {}
        for f in self.factors:
            samples = [self.value(f, t) for t in times]
            if self.water and f.role == "conc" and sum(flows) > 0:
                avg = sum(c * q for c, q in zip(samples, flows, strict=True)) / sum(flows)  # flow-weighted
            else:
                avg = sum(samples) / len(samples)
            item: dict[str, CpValue] = {}
            if f.role == "conc" and flow_factor is not None:
                # water: mg/L × L/s × s → kg (1e-6); gas: mg/m³ × m³/s × s → kg (1e-6)
                item["Cou"] = round(sum(c * q * step for c, q in zip(samples, flows, strict=True)) * 1e-6, 3)
            elif f.role == "flow":
                per_second = 1e-3 if self.water else 1.0  # L/s → m³/s for water
                item["Cou"] = round(sum(q * step * per_second for q in samples), 2)
            scale = self.flow_factor if f.role == "flow" else 1.0
            item |= {
                "Min": round(min(samples) * scale, f.decimals),
                "Avg": round(avg * scale, f.decimals),
                "Max": round(max(samples) * scale, f.decimals),
                "Flag": flag if f.code == flagged else "N",
            }
            out[self.code(f)] = item
        return out


# ------------------------------------------------------------------------------ a logger


@dataclass
class Options:
    rate: float = 1 / 30
    ack_timeout: float = 5.0
    retries: int = 3
    min_interval: int = 10  # minutes
    history: int = 0  # hours of hour data (and days of day data) uploaded after the first connect
    heartbeat: float = 120.0  # seconds, 2025 devices only
    faults: Faults = field(default_factory=Faults)


@dataclass
class FleetStats:
    connected: int = 0
    sent: int = 0
    acked: int = 0
    retries: int = 0
    unanswered: int = 0
    corrupted: int = 0
    duplicates: int = 0
    commands: int = 0

    def line(self) -> str:
        return (
            f"connected {self.connected}, sent {self.sent}, acknowledged {self.acked}, "
            f"retries {self.retries}, waiting to resend {self.unanswered}, bad CRC sent {self.corrupted}, "
            f"duplicates {self.duplicates}, commands answered {self.commands}"
        )


class Logger:
    """One simulated data logger and its connection."""

    def __init__(
        self, device: FleetDevice, options: Options, stats: FleetStats, host: str, port: int
    ) -> None:
        self.device = device
        self.options = options
        self.stats = stats
        self.host, self.port = host, port
        faults = options.faults
        self.version = Version(device.version) if device.version else Version.V2017
        self.model = Model(device, faults, old=self.version is Version.V2005)
        self.key = bytes.fromhex(device.sm4_key) if device.sm4_key else None
        self.writer: asyncio.StreamWriter | None = None
        self.waiting: dict[str, asyncio.Future[None]] = {}
        self.backlog: list[tuple[str, bytes]] = []  # (qn, frame) never answered
        self.realtime_on = True
        self.last_qn = 0.0
        self.sent_history = False
        self.lock = asyncio.Lock()

    # -------------------------------------------------------------- frames

    def _qn(self) -> str:
        now = max(time.time(), self.last_qn + 0.001)
        self.last_qn = now
        return make_qn(datetime.fromtimestamp(now, UTC))

    def _uploads(
        self, cn: str, when: float, values: Values, *, resent: bool = False
    ) -> list[tuple[str, bytes]]:
        """The frame(s) of one upload, as (QN, bytes); QN is "" for 2005 frames (no answer)."""
        data_time = datetime.fromtimestamp(when, UTC)
        old = self.version is Version.V2005
        parts: list[Values] = [values]
        faults = self.options.faults
        if (
            cn != "2011"
            and faults.split
            and fraction(self.model.seed, int(when), 8) < faults.split
            and len(values) > 1
        ):
            codes = list(values)
            half = len(codes) // 2
            parts = [{c: values[c] for c in codes[:half]}, {c: values[c] for c in codes[half:]}]
        out = []
        for number, part in enumerate(parts, start=1):
            qn = "" if old else self._qn()
            split = len(parts) > 1
            frame = build_upload(
                cn=cn,
                mn=self.device.mn,
                st=self.device.st,
                pw=self.device.pw,
                data_time=data_time,
                values=part,
                version=self.version,
                qn=qn or None,
                ack=not old,
                rf=resent and self.version is Version.V2025,
                sm4_key=self.key,
                pnum=len(parts) if split else None,
                pno=number if split else None,
            )
            out.append((qn, frame))
        return out

    # -------------------------------------------------------------- sending

    async def _send(self, qn: str, frame: bytes) -> bool:
        """Send one frame; with a QN, wait for its answer and resend like a logger does."""
        writer = self.writer
        if writer is None:
            self.backlog.append((qn, frame))
            return False
        if not qn:
            writer.write(frame)
            self.stats.sent += 1
            await writer.drain()
            return True
        faults = self.options.faults
        for attempt in range(self.options.retries + 1):
            data = frame
            if (
                attempt == 0
                and faults.badcrc
                and fraction(self.model.seed, zlib.crc32(qn.encode()), 9) < faults.badcrc
            ):
                data = frame[:-6] + (b"0000" if frame[-6:-2] != b"0000" else b"FFFF") + frame[-2:]
                self.stats.corrupted += 1
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.waiting[qn] = future
            writer.write(data)
            self.stats.sent += 1
            if attempt:
                self.stats.retries += 1
            try:
                await writer.drain()
                await asyncio.wait_for(future, self.options.ack_timeout)
            except TimeoutError:
                continue
            except (ConnectionError, OSError):
                break
            finally:
                self.waiting.pop(qn, None)
            self.stats.acked += 1
            if faults.resend and fraction(self.model.seed, zlib.crc32(qn.encode()), 10) < faults.resend:
                writer.write(frame)  # a duplicate the centre must store once
                self.stats.duplicates += 1
            return True
        self.backlog.append((qn, frame))
        self.stats.unanswered += 1
        return False

    async def upload(self, cn: str, when: float, values: Values, *, resent: bool = False) -> None:
        async with self.lock:
            for qn, frame in self._uploads(cn, when, values, resent=resent):
                await self._send(qn, frame)

    async def _flush_backlog(self) -> None:
        backlog, self.backlog = self.backlog, []
        self.stats.unanswered -= len(backlog)
        async with self.lock:
            for qn, frame in backlog:
                await self._send(qn, frame)

    # -------------------------------------------------------------- the centre's frames

    async def _reader(self, reader: asyncio.StreamReader) -> None:
        decoder = Decoder(key_for=lambda mn: self.key)
        while True:
            data = await reader.read(65536)
            if not data:
                return
            decoder.feed(data)
            while True:
                event = decoder.next_event()
                if event is NEED_DATA:
                    break
                if not isinstance(event, Packet):
                    continue
                if event.cn in ("9014", "9013") and event.qn in self.waiting:
                    future = self.waiting[event.qn]
                    if not future.done():
                        future.set_result(None)
                elif event.cn in ("1012", "2011", "2012", "2031", "2051", "2061"):
                    asyncio.create_task(self._command(event))

    async def _command(self, request: Packet) -> None:
        writer = self.writer
        if writer is None:
            return
        if request.cn == "2012":
            writer.write(notice_ack(request))
            self.realtime_on = False
            self.stats.commands += 1
            return
        writer.write(request_answer(request, 1))
        if request.cn == "2011":
            self.realtime_on = True
        elif request.cn in ("2031", "2051", "2061") and request.begin_time and request.end_time:
            step = {"2031": 86400.0, "2051": self.options.min_interval * 60.0, "2061": 3600.0}[request.cn]
            t = math.ceil(request.begin_time.timestamp() / step) * step
            end = request.end_time.timestamp()
            while t <= end and t < time.time():
                await self.upload(request.cn, t, self.model.aggregate(t, step), resent=True)
                t += step
        if request.cn != "2011":
            writer.write(execution_result(request, 1))
        self.stats.commands += 1

    # -------------------------------------------------------------- the life of a logger

    async def _history(self) -> None:
        hours = self.options.history
        if not hours or self.sent_history:
            return
        self.sent_history = True
        now = time.time()
        top = now - now % 3600
        for i in range(hours, 0, -1):
            t = top - 3600 * i
            await self.upload("2061", t, self.model.aggregate(t, 3600))
        midnight = now - (now + BEIJING_OFFSET) % 86400
        for i in range(max(1, hours // 24), 0, -1):
            t = midnight - 86400 * i
            await self.upload("2031", t, self.model.aggregate(t, 86400))

    async def run(self, stop: asyncio.Event, start_delay: float) -> None:
        await asyncio.sleep(start_delay)
        backoff = 1.0
        while not stop.is_set():
            if self.model.offline(time.time()):
                await asyncio.sleep(600 - time.time() % 600 + 0.5)
                continue
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            self.writer = writer
            self.stats.connected += 1
            reading = asyncio.create_task(self._reader(reader))
            try:
                await self._flush_backlog()
                await self._history()
                await self._loop(stop, reading)
            except (ConnectionError, OSError):
                pass
            finally:
                self.stats.connected -= 1
                self.writer = None
                reading.cancel()
                writer.close()
                for future in self.waiting.values():
                    future.cancel()

    async def _loop(self, stop: asyncio.Event, reading: asyncio.Task[None]) -> None:
        period = 1.0 / self.options.rate if self.options.rate > 0 else 3600.0
        minute = self.options.min_interval * 60.0
        now = time.time()
        next_rt = now + fraction(self.model.seed, 12) * min(period, 30.0)
        next_min = now - now % minute + minute
        next_hour = now - now % 3600 + 3600
        next_day = now - (now + BEIJING_OFFSET) % 86400 + 86400
        next_beat = now + self.options.heartbeat
        while not stop.is_set() and not reading.done():
            now = time.time()
            if self.model.offline(now):
                return  # the link drops; packets due meanwhile are caught up by history requests
            if now >= next_min:
                await self.upload("2051", next_min - minute, self.model.aggregate(next_min - minute, minute))
                next_min += minute
            elif now >= next_hour:
                await self.upload("2061", next_hour - 3600, self.model.aggregate(next_hour - 3600, 3600))
                next_hour += 3600
            elif now >= next_day:
                await self.upload("2031", next_day - 86400, self.model.aggregate(next_day - 86400, 86400))
                next_day += 86400
            elif now >= next_rt:
                if self.realtime_on:
                    await self.upload("2011", float(int(now)), self.model.realtime(now))
                next_rt += period
                if next_rt < now:
                    next_rt = now + period  # fell behind: skip rather than burst
            elif self.version is Version.V2025 and now >= next_beat:
                await self._heartbeat()
                next_beat = now + self.options.heartbeat
            else:
                wake = min(next_rt, next_min, next_hour, next_day)
                try:
                    await asyncio.wait_for(asyncio.shield(stop.wait()), max(0.01, wake - time.time()))
                except TimeoutError:
                    pass
            if self.backlog and now % 60 < 1:
                await self._flush_backlog()

    async def _heartbeat(self) -> None:
        qn = self._qn()
        frame = build_packet(
            qn=qn,
            st=self.device.st,
            cn="9015",
            pw=self.device.pw,
            mn=self.device.mn,
            flag=make_flag(Version.V2025, ack=True),
        )
        async with self.lock:
            await self._send(qn, frame)


# ------------------------------------------------------------------------------ the fleet


def invented_fleet(count: int, faults: Faults, seed: int = 1) -> list[FleetDevice]:
    """``count`` loggers with invented MNs: 70 % water outlets, 30 % gas, some on 2005."""
    out = []
    for i in range(count):
        gas = fraction(seed, i, 20) < 0.3
        old = fraction(seed, i, 21) < faults.v2005
        mn = f"SIM{seed % 1000:03d}{i:07d}" if old else f"0101{seed % 10000:04X}A0{i:014X}"
        out.append(FleetDevice(mn=mn, pw="123456", st="31" if gas else "32", version="2005" if old else ""))
    return out


async def run_fleet(
    devices: Sequence[FleetDevice],
    options: Options,
    host: str,
    port: int,
    duration: float | None,
    stop: asyncio.Event | None = None,
) -> FleetStats:
    stats = FleetStats()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    spread = min(5.0, 1.0 / options.rate if options.rate > 0 else 5.0)
    loggers = [Logger(d, options, stats, host, port) for d in devices]
    tasks = [asyncio.create_task(lg.run(stop, spread * fraction(lg.model.seed, 13))) for lg in loggers]
    started = last_report = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        left = 10.0 if duration is None else min(10.0, max(0.0, started + duration - now))
        try:
            await asyncio.wait_for(stop.wait(), left)
        except TimeoutError:
            pass
        if time.monotonic() - last_report >= 10.0:
            last_report = time.monotonic()
            print(f"epb simulate: {stats.line()}", flush=True)
        if duration is not None and time.monotonic() - started >= duration:
            stop.set()
    await asyncio.wait(tasks, timeout=options.ack_timeout + 2)
    for task in tasks:
        task.cancel()
    return stats


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="epb simulate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "faults (--faults name=probability,…; 'none' for none, 'default' = exceed=0.02,flags=0.01):\n"
            "  exceed    share of 10-minute windows in which pollutants run 2–3× their level\n"
            "  offline   share of 10-minute windows in which a logger drops its connection\n"
            "  constant  share of loggers with one pollutant stuck at a constant value\n"
            "  badcrc    share of frames first sent with a corrupt CRC (unanswered, then resent)\n"
            "  split     share of minute/hour/day uploads split into two packets (PNUM/PNO)\n"
            "  resend    share of answered uploads sent once more (the centre stores them once)\n"
            "  v2005     share of invented loggers speaking HJ/T 212-2005 (no QN, no answers)\n"
            "  flags     share of uploads with one factor flagged M, C or D\n"
            "\nexample: epb simulate --devices 200 --rate 0.1 --faults exceed=0.05,offline=0.02,badcrc=0.01"
        ),
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9212)
    parser.add_argument(
        "--devices", type=int, default=20, help="number of loggers (from the registry: at most)"
    )
    parser.add_argument(
        "--rate", type=float, default=1 / 30, help="realtime uploads per second per logger (at most 1)"
    )
    parser.add_argument(
        "--faults",
        default=None,
        help=f"faults to inject (see below; default: none, with --from-registry {REGISTRY_FAULTS})",
    )
    parser.add_argument("--from-registry", action="store_true", help="impersonate the registered devices")
    parser.add_argument("--register", action="store_true", help="register the invented loggers first")
    parser.add_argument(
        "--history", type=int, default=None, help="hours of hour data to upload on connecting"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds to run (default: until stopped)"
    )
    parser.add_argument("--ack-timeout", type=float, default=5.0, help="seconds to wait for a 9014")
    parser.add_argument("--retries", type=int, default=3, help="resends before keeping a packet for later")
    parser.add_argument("--seed", type=int, default=1, help="varies the invented MNs and values")
    return parser


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        faults = Faults.parse(
            args.faults if args.faults is not None else REGISTRY_FAULTS if args.from_registry else "none"
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.devices < 1 or not 0 <= args.rate <= 1:
        parser.error("--devices must be at least 1, --rate between 0 and 1 (DataTime has whole seconds)")
    if args.from_registry or args.register:
        from epb.cli import setup_django

        setup_django()
    if args.from_registry:
        from epb.monitoring.fleet import from_registry

        devices = from_registry(args.devices)
        if not devices:
            print("epb simulate: no active devices in the registry (run `epb load_demo`)", file=sys.stderr)
            return 1
    else:
        devices = invented_fleet(args.devices, faults, args.seed)
        if args.register:
            from epb.monitoring.fleet import register_fleet

            print(f"epb simulate: registered {register_fleet(devices)} new devices", flush=True)
    history = args.history if args.history is not None else (24 if args.from_registry else 0)
    options = Options(
        rate=args.rate, ack_timeout=args.ack_timeout, retries=args.retries, history=history, faults=faults
    )
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    print(
        f"epb simulate: {len(devices)} loggers → {args.host}:{args.port}, {args.rate:g} realtime/s each",
        flush=True,
    )
    stats = asyncio.run(run_fleet(devices, options, args.host, args.port, args.duration))
    print(f"epb simulate: done: {stats.line()}", flush=True)
    return 0


def realtime_frame(
    device: FleetDevice, n: int, *, start: datetime, interval: float = 30.0
) -> tuple[str, bytes]:
    """The ``n``-th realtime upload of a logger (QN, frame): what the load benchmark sends."""
    when = start + timedelta(seconds=interval * n)
    model = Model(device, Faults())
    qn = make_qn(when)
    frame = build_upload(
        cn="2011",
        mn=device.mn,
        st=device.st,
        pw=device.pw,
        qn=qn,
        data_time=when,
        values=model.realtime(when.timestamp()),
        ack=True,
    )
    return qn, frame
