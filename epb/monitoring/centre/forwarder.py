"""Forwarding a district centre's frames to the city centre (辖市区监控中心与市监控中心联网).

The ingest path queues every data frame of a forwarded device as a ``ForwardItem`` in the same
transaction that stores it. One forwarder per active ``ForwardTarget`` keeps a TCP connection to
the upstream receiver and sends the queued frames as they were received (the device's own MN, PW,
QN and CRC), oldest first; an item is deleted only when the upstream has answered its 9014 — that
is, once it is durable upstream — and resent otherwise (after a reconnect, or after
``MONITORING_FORWARD_ACK_SECONDS``). Upstream stores a frame sent twice once (same MN, CN,
DataTime). Frames that ask for no answer (HJ/T 212-2005 loggers) are taken as delivered once an
answered frame sent after them on the same connection has been answered, or after a second on
a connection that stayed open.

The forwarder runs inside ``epb receiver`` (``MONITORING_FORWARD_IN_RECEIVER``), or alone with
``epb hj212_forward``. Its database work runs in a thread of its own, never in the receiver's
storage thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from epb.hj212 import Decoder, Packet
from epb.monitoring import conf

logger = logging.getLogger("epb.monitoring.forwarder")
_HEADER = re.compile(rb"(QN|MN|Flag)=([^;&]*);")
CHUNK = 200


@dataclass(frozen=True)
class Item:
    id: int
    raw: bytes
    key: tuple[str, str] | None  # (MN, QN) when the frame asks for an answer


def answer_key(raw: bytes) -> tuple[str, str] | None:
    """(MN, QN) of a frame that asks for an answer (Flag bit A), from its clear-text header."""
    head = raw[6 : raw.find(b"CP=")] if b"CP=" in raw else raw[6:]
    fields = {name.decode(): value.decode("ascii", "replace") for name, value in _HEADER.findall(head)}
    flag = fields.get("Flag", "")
    if not flag.isdigit() or not int(flag) & 1 or not fields.get("QN") or not fields.get("MN"):
        return None
    return fields["MN"], fields["QN"]


def _pending(target_id: int, limit: int = CHUNK) -> list[Item]:
    from epb.monitoring.models import ForwardItem

    rows = ForwardItem.objects.filter(target_id=target_id).order_by("id").values_list("id", "raw")[:limit]
    return [Item(pk, bytes(raw), answer_key(bytes(raw))) for pk, raw in rows]


def _done(target_id: int, ids: list[int]) -> None:
    from epb.monitoring.models import ForwardItem, ForwardTarget

    if not ids:
        return
    ForwardItem.objects.filter(target_id=target_id, id__in=ids).delete()
    ForwardTarget.objects.filter(pk=target_id).update(
        forwarded=F("forwarded") + len(ids), last_ok_at=timezone.now(), last_error=""
    )


def _retry(target_id: int, ids: list[int], error: str) -> None:
    from epb.monitoring.models import ForwardItem, ForwardTarget

    if ids:
        ForwardItem.objects.filter(id__in=ids).update(attempts=F("attempts") + 1)
    ForwardTarget.objects.filter(pk=target_id).update(last_error=error[:300])


def _in_thread(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    finally:
        connection.close_if_unusable_or_obsolete()


class Forwarder:
    """Sends one target's queue upstream until stopped."""

    def __init__(self, target_id: int, host: str, port: int, db: concurrent.futures.Executor) -> None:
        self.target_id, self.host, self.port, self.db = target_id, host, port, db
        self.answered: set[tuple[str, str]] = set()
        self.arrived = asyncio.Event()
        self.sent = 0

    async def _db(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.db, _in_thread, fn, *args)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        decoder = Decoder()
        while True:
            data = await reader.read(65536)
            if not data:
                return
            decoder.feed(data)
            for event in decoder.events():
                if isinstance(event, Packet) and event.cn in ("9014", "9013") and event.qn and event.mn:
                    self.answered.add((event.mn, event.qn))
                    self.arrived.set()

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), 10)
            except (OSError, TimeoutError) as exc:
                await self._db(_retry, self.target_id, [], f"connect {self.host}:{self.port}: {exc}")
                await _sleep(stop, backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            reading = asyncio.create_task(self._read(reader))
            try:
                await self._send_loop(stop, writer, reading)
            except (ConnectionError, OSError) as exc:
                logger.warning("forwarding to %s:%d: %s", self.host, self.port, exc)
            finally:
                reading.cancel()
                writer.close()

    async def _send_loop(
        self, stop: asyncio.Event, writer: asyncio.StreamWriter, reading: asyncio.Task[None]
    ) -> None:
        wait = conf.forward_ack_seconds()
        while not stop.is_set() and not reading.done():
            items = await self._db(_pending, self.target_id)
            if not items:
                await _sleep(stop, 0.5)
                continue
            self.answered.clear()
            writer.write(
                b"".join(item.raw if item.raw.endswith(b"\r\n") else item.raw + b"\r\n" for item in items)
            )
            await writer.drain()
            self.sent += len(items)
            keys = {item.key for item in items if item.key is not None}
            deadline = time.monotonic() + (wait if keys else 1.0)
            while time.monotonic() < deadline and not keys <= self.answered and not reading.done():
                self.arrived.clear()
                try:
                    await asyncio.wait_for(self.arrived.wait(), max(0.01, deadline - time.monotonic()))
                except TimeoutError:
                    break
            if reading.done():
                raise ConnectionError("the upstream closed the connection")
            done, missing = self._settle(items)
            await self._db(_done, self.target_id, done)
            if missing:
                await self._db(
                    _retry, self.target_id, missing, f"{len(missing)} frames unanswered within {wait:g} s"
                )
                raise ConnectionError(f"{len(missing)} frames unanswered: reconnecting to resend")

    def _settle(self, items: list[Item]) -> tuple[list[int], list[int]]:
        """Answered items are done, and unanswerable ones sent before the last answered one."""
        last_answered = max((i for i, item in enumerate(items) if item.key in self.answered), default=-1)
        any_keys = any(item.key is not None for item in items)
        done: list[int] = []
        missing: list[int] = []
        for i, item in enumerate(items):
            if item.key is not None:
                (done if item.key in self.answered else missing).append(item.id)
            elif i < last_answered or not any_keys:
                done.append(item.id)
            else:
                missing.append(item.id)
        return done, missing


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


def _targets() -> list[tuple[int, str, int]]:
    from epb.monitoring.models import ForwardTarget

    return list(ForwardTarget.objects.filter(is_active=True).values_list("pk", "host", "port"))


async def run_forwarders(
    stop: asyncio.Event, db: concurrent.futures.Executor | None = None, poll: float = 5.0
) -> None:
    """Keep one forwarder running per active target (targets are re-read every ``poll`` seconds)."""
    own = db is None
    executor = db or concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="epb-forward")
    running: dict[tuple[int, str, int], tuple[asyncio.Task[None], asyncio.Event]] = {}
    loop = asyncio.get_running_loop()
    try:
        while not stop.is_set():
            try:
                wanted = set(await loop.run_in_executor(executor, _in_thread, _targets))
            except Exception:
                logger.exception("could not read the forwarding targets")
                wanted = set(running)
            for key in set(running) - wanted:
                task, halt = running.pop(key)
                halt.set()
                task.cancel()
            for key in wanted - set(running):
                halt = asyncio.Event()
                forwarder = Forwarder(key[0], key[1], key[2], executor)
                running[key] = (asyncio.create_task(forwarder.run(halt)), halt)
            await _sleep(stop, poll)
    finally:
        for task, halt in running.values():
            halt.set()
            task.cancel()
        await asyncio.gather(*(t for t, _h in running.values()), return_exceptions=True)
        if own:
            executor.shutdown(wait=False)
