"""The HJ 212 receiver: asyncio owns the sockets, one storage thread owns the database.

After healthchecks' smtpd: the event loop accepts thousands of long-lived device connections
and runs one sans-IO ``Decoder`` per connection; every frame it yields goes into the current
batch. A batch is handed to the sink at most ``batch_ms`` after its first frame arrived (or
sooner when it is full): the embedded sink runs ``ingest.store_batch`` in the storage thread,
the NATS sink publishes it to JetStream. Only when the sink has returned — the batch is durable
— are the batch's 9014 / 9013 answers written, so an acknowledged packet is never lost and an
unacknowledged one is resent by its device. A frame that fails its CRC is never answered.

When the sink fails (database or NATS down) the batch is held and retried with back-off, no
answers go out, and frames arriving meanwhile wait behind it up to ``max_pending``; beyond that
they are dropped unanswered (the devices resend them). Memory stays bounded and nothing
acknowledged depends on it. A failure that is not the sink's (a frame the store cannot take)
is isolated by storing the batch frame by frame; the frames that still fail are dropped
unanswered and logged with their bytes.

The same storage thread polls the command queue (about once a second) for the devices
connected here and refreshes the device directory (PW, profiles, SM4 keys).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from epb.hj212 import NEED_DATA, BadFrame, Decoder, Junk, Packet, answer_with
from epb.monitoring import rules
from epb.monitoring.ingest import Directory, Inbound, flush_status

logger = logging.getLogger("epb.monitoring.receiver")


class Sink(Protocol):
    """Where batches go. ``store`` returns once the batch is durable, or raises."""

    async def store(self, batch: list[Inbound]) -> None: ...

    def is_transient(self, exc: BaseException) -> bool: ...

    async def close(self) -> None: ...


@dataclass
class ReceiverConfig:
    host: str = "127.0.0.1"
    port: int = 9212
    idle_timeout: float = 600.0
    max_conn_per_ip: int = 256
    batch_ms: float = 50.0
    max_batch: int = 5000
    max_pending: int = 100_000
    command_poll: float = 1.0
    directory_refresh: float = 5.0
    name: str = "receiver"
    # Answers to vendor codes outside the standard, by the frame's CN (rules.vendor_replies).
    vendor_replies: dict[str, str] = field(default_factory=dict)


@dataclass
class Stats:
    connections: int = 0
    refused: int = 0
    idle_closed: int = 0
    frames: int = 0
    bad_frames: int = 0
    junk_bytes: int = 0
    acked: int = 0
    batches: int = 0
    shed: int = 0
    store_failures: int = 0
    dropped: int = 0
    commands_sent: int = 0
    started: float = field(default_factory=time.monotonic)


class DeviceConnection(asyncio.Protocol):
    """One TCP connection from a data logger."""

    __slots__ = ("decoder", "ip", "last", "mn", "peer", "receiver", "transport")

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.transport: asyncio.Transport | None = None
        self.ip = "?"
        self.peer = "?"
        self.mn: str | None = None
        self.last = 0.0
        self.decoder: Decoder | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.ip = str(peer[0])
            self.peer = f"{peer[0]}:{peer[1]}"[:64]
        if not self.receiver.admit(self):
            self.transport.abort()
            self.transport = None
            return
        directory = self.receiver.directory
        self.decoder = Decoder(key_for=directory.key_for, profile_for=directory.profile_for)
        self.last = time.monotonic()

    def data_received(self, data: bytes) -> None:
        decoder = self.decoder
        if decoder is None:
            return
        decoder.feed(data)
        now = time.time()
        receiver = self.receiver
        while True:
            event = decoder.next_event()
            if event is NEED_DATA:
                return
            if isinstance(event, Packet):
                # Only frames keep a connection alive: a peer sending noise is closed when idle.
                self.last = time.monotonic()
                receiver.take_packet(self, event, now)
            elif isinstance(event, BadFrame):
                receiver.take_bad_frame(self, event, now)
            elif isinstance(event, Junk):
                receiver.stats.junk_bytes += len(event.data)
            else:
                return

    def connection_lost(self, exc: Exception | None) -> None:
        if self.decoder is not None:
            self.receiver.release(self)
        self.transport = None

    def write(self, data: bytes) -> bool:
        transport = self.transport
        if transport is None or transport.is_closing():
            return False
        transport.write(data)
        return True


class Receiver:
    def __init__(
        self,
        config: ReceiverConfig,
        *,
        sink: Sink,
        directory: Directory,
        db: concurrent.futures.Executor,
        dispatch: Callable[[set[str], str, datetime], list[Any]] | None = None,
    ) -> None:
        self.config = config
        self.sink = sink
        self.directory = directory
        self.db = db
        self.dispatch = dispatch
        self.stats = Stats()
        self.connections: set[DeviceConnection] = set()
        self.per_ip: dict[str, int] = {}
        self.by_mn: dict[str, DeviceConnection] = {}
        self._pending: list[Inbound] = []
        self._acks: list[tuple[int, DeviceConnection, bytes]] = []
        self._first = 0.0
        self._wake = asyncio.Event()
        self._full = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False
        self._server: asyncio.Server | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------ connections

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def admit(self, conn: DeviceConnection) -> bool:
        if self._closing:
            return False
        count = self.per_ip.get(conn.ip, 0)
        if count >= self.config.max_conn_per_ip:
            self.stats.refused += 1
            if self.stats.refused <= 10 or self.stats.refused % 1000 == 0:
                logger.warning("refused a connection from %s: %d already open from it", conn.ip, count)
            return False
        self.per_ip[conn.ip] = count + 1
        self.connections.add(conn)
        self.stats.connections += 1
        return True

    def release(self, conn: DeviceConnection) -> None:
        if conn in self.connections:
            self.connections.discard(conn)
            left = self.per_ip.get(conn.ip, 1) - 1
            if left > 0:
                self.per_ip[conn.ip] = left
            else:
                self.per_ip.pop(conn.ip, None)
        if conn.mn is not None and self.by_mn.get(conn.mn) is conn:
            del self.by_mn[conn.mn]

    def _bind(self, conn: DeviceConnection, mn: str) -> None:
        held = self.by_mn.get(mn)
        if held is not conn:
            if held is not None and held.transport is not None:
                logger.warning("MN %s now also talks from %s (was %s)", mn, conn.peer, held.peer)
            self.by_mn[mn] = conn
            if conn.mn is not None and conn.mn != mn and self.by_mn.get(conn.mn) is conn:
                del self.by_mn[conn.mn]
            conn.mn = mn

    # ------------------------------------------------------------------ frames into batches

    def _room(self) -> bool:
        if len(self._pending) < self.config.max_pending:
            return True
        self.stats.shed += 1
        if self.stats.shed <= 10 or self.stats.shed % 10000 == 0:
            logger.warning(
                "%d frames waiting for the store: dropping new ones unanswered", len(self._pending)
            )
        return False

    def _queued(self) -> None:
        if len(self._pending) == 1:
            self._first = time.monotonic()
            self._idle.clear()
            self._wake.set()
        elif len(self._pending) >= self.config.max_batch:
            self._full.set()

    def take_packet(self, conn: DeviceConnection, packet: Packet, now: float) -> None:
        self.stats.frames += 1
        if not self._room():
            return
        if packet.mn and conn.mn != packet.mn:
            # Commands go to the connection a registered device spoke from with its own PW:
            # a stranger using its MN with a wrong PW must not capture them.
            entry = self.directory.get(packet.mn)
            if entry is not None and rules.pw_matches(entry.pw, packet.pw):
                self._bind(conn, packet.mn)
        try:
            replies = self.config.vendor_replies
            reply_cn = replies.get(packet.cn or "") if replies else None
            if reply_cn is not None:  # a site's answer to a vendor code comes first
                answer = answer_with(packet, reply_cn) if packet.needs_ack else None
            else:
                answer = rules.answer_for(packet)
        except Exception:  # a header the builders refuse to echo: store it, answer nothing
            logger.warning("cannot build the answer to a frame from %s", conn.peer, exc_info=True)
            answer = None
        if answer is not None:
            self._acks.append((len(self._pending), conn, answer))
        self._pending.append(Inbound(now, conn.peer, packet))
        self._queued()

    def take_bad_frame(self, conn: DeviceConnection, frame: BadFrame, now: float) -> None:
        self.stats.frames += 1
        self.stats.bad_frames += 1
        if self._room():
            self._pending.append(Inbound(now, conn.peer, frame))
            self._queued()

    # ------------------------------------------------------------------ group commit

    async def _flusher(self) -> None:
        window = self.config.batch_ms / 1000.0
        while True:
            if not self._pending:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            self._idle.clear()
            wait = self._first + window - time.monotonic()
            if wait > 0 and len(self._pending) < self.config.max_batch and not self._closing:
                self._full.clear()
                try:
                    await asyncio.wait_for(self._full.wait(), wait)
                except TimeoutError:
                    pass
                continue
            batch, acks = self._pending, self._acks
            self._pending, self._acks = [], []
            if len(batch) > self.config.max_batch:  # after a hold-up: keep commits bounded
                cut = self.config.max_batch
                self._pending = batch[cut:]
                self._acks = [(i - cut, c, a) for i, c, a in acks if i >= cut]
                batch, acks = batch[:cut], [a for a in acks if a[0] < cut]
                self._first = time.monotonic() - window
            failed = await self._store(batch)
            self._answer(acks, failed)

    async def _store(self, batch: list[Inbound]) -> set[int]:
        """Store a batch; returns the indexes of frames that could not be stored."""
        delay = 0.2
        while True:
            try:
                await self.sink.store(batch)
                self.stats.batches += 1
                return set()
            except Exception as exc:
                if self.sink.is_transient(exc):
                    self.stats.store_failures += 1
                    if self.stats.store_failures <= 5 or self.stats.store_failures % 100 == 0:
                        logger.warning("store failed (%s); holding %d frames, retrying", exc, len(batch))
                    if self._closing and delay >= 5.0:
                        return set(range(len(batch)))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                logger.exception("a batch of %d frames failed: storing them one by one", len(batch))
                return await self._store_each(batch)

    async def _store_each(self, batch: list[Inbound]) -> set[int]:
        failed = set()
        for index, record in enumerate(batch):
            try:
                await self.sink.store([record])
            except Exception:
                failed.add(index)
                raw = getattr(record.event, "raw", b"")
                logger.exception("dropped a frame from %s that cannot be stored: %r", record.peer, raw[:2000])
        self.stats.dropped += len(failed)
        return failed

    def _answer(self, acks: list[tuple[int, DeviceConnection, bytes]], failed: set[int]) -> None:
        by_conn: dict[DeviceConnection, list[bytes]] = {}
        for index, conn, answer in acks:
            if index not in failed:
                replies = by_conn.get(conn)
                if replies is None:
                    by_conn[conn] = [answer]
                else:
                    replies.append(answer)
        for conn, replies in by_conn.items():
            if conn.write(b"".join(replies) if len(replies) > 1 else replies[0]):
                self.stats.acked += len(replies)

    # ------------------------------------------------------------------ housekeeping

    async def _in_db(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.db, fn, *args)

    async def _housekeeping(self) -> None:
        last_refresh = last_poll = last_log = time.monotonic()
        while not self._closing:
            await asyncio.sleep(min(1.0, self.config.command_poll))
            now = time.monotonic()
            idle = self.config.idle_timeout
            for conn in [c for c in self.connections if now - c.last > idle]:
                self.stats.idle_closed += 1
                if conn.transport is not None:
                    conn.transport.close()
            try:
                await self._in_db(flush_status, self.directory)
                if now - last_refresh >= self.config.directory_refresh:
                    last_refresh = now
                    await self._in_db(self.directory.refresh)
                if self.dispatch is not None and now - last_poll >= self.config.command_poll:
                    last_poll = now
                    await self._send_commands()
            except Exception:
                logger.exception("housekeeping failed; retrying")
            if now - last_log >= 60:
                last_log = now
                self.log_stats()

    async def _send_commands(self) -> None:
        assert self.dispatch is not None
        outgoing = await self._in_db(self.dispatch, set(self.by_mn), self.config.name, datetime.now(UTC))
        for item in outgoing:
            conn = self.by_mn.get(item.mn)
            if conn is not None and conn.write(item.frame):
                self.stats.commands_sent += 1

    def log_stats(self) -> None:
        s = self.stats
        logger.info(
            "%d connections, %d frames (%d bad), %d acknowledged in %d batches, %d shed, %d store failures",
            len(self.connections),
            s.frames,
            s.bad_frames,
            s.acked,
            s.batches,
            s.shed,
            s.store_failures,
        )

    # ------------------------------------------------------------------ life cycle

    async def start(self) -> None:
        await self._in_db(self.directory.refresh)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: DeviceConnection(self),
            self.config.host,
            self.config.port,
            backlog=4096,
            reuse_address=True,
        )
        self._tasks = [
            asyncio.create_task(self._flusher(), name="hj212-flusher"),
            asyncio.create_task(self._housekeeping(), name="hj212-housekeeping"),
        ]
        logger.info("HJ 212 receiver %s listening on %s:%d", self.config.name, self.config.host, self.port)

    async def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every frame received so far is stored and answered."""
        self._wake.set()
        self._full.set()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return not self._pending

    async def close(self, timeout: float = 10.0) -> None:
        """Stop accepting, store and answer what arrived, then close every connection."""
        if self._server is not None:
            self._server.close()
        self._closing = True
        await self.drain(timeout)
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await self._in_db(lambda: flush_status(self.directory, everything=True))
        except Exception:
            logger.exception("could not write the last device status")
        await self.sink.close()
        self.log_stats()
