"""Scaled mode: receivers publish their batches to NATS JetStream, ``epb writer`` stores them.

A receiver acknowledges its devices only once JetStream has acknowledged every message of the
batch (the frames are durable in the stream); writers consume the stream with one shared
durable pull consumer and store each message in one transaction together with an
``IngestBatch`` row (stream, sequence), so a message delivered twice — a writer died after its
commit, before its ack — is recognised and skipped. Readings are keyed by (device, CN,
DataTime, part) as in embedded mode, so a device's resend is still stored once.

Receivers keep no state of their own (the registry and the command queue are in the database),
so several can run behind one TCP load balancer.

Message: JSON ``{"v": 1, "receiver": name, "frames": [[received, peer, raw, error], …]}`` with
``raw`` the frame's bytes as latin-1 text and ``error`` ``null`` for a good frame or
``[code, message]`` for a rejected one.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from django.conf import settings

from epb.hj212 import BadFrame, ErrorCode, FrameError, Packet, decode_frame
from epb.monitoring.ingest import Directory, Inbound

logger = logging.getLogger("epb.monitoring.bus")


def stream_name() -> str:
    """The JetStream stream: setting ``HJ212_NATS_STREAM``, else the environment variable."""
    return str(
        getattr(settings, "HJ212_NATS_STREAM", None) or os.environ.get("HJ212_NATS_STREAM") or "EPB_HJ212"
    )


def subject_name() -> str:
    return str(
        getattr(settings, "HJ212_NATS_SUBJECT", None)
        or os.environ.get("HJ212_NATS_SUBJECT")
        or "epb.hj212.batches"
    )


def encode(batch: list[Inbound], receiver: str) -> bytes:
    frames: list[list[Any]] = []
    for record in batch:
        event = record.event
        error = [event.error.code.value, event.error.message] if isinstance(event, BadFrame) else None
        frames.append([record.received, record.peer, event.raw.decode("latin-1"), error])
    return json.dumps({"v": 1, "receiver": receiver, "frames": frames}, separators=(",", ":")).encode()


def decode(payload: bytes, directory: Directory) -> list[Inbound]:
    """The frames of a message, decoded again with the registry's profiles and keys."""
    message = json.loads(payload)
    if message.get("v") != 1:
        raise ValueError(f"unknown batch format {message.get('v')!r}")
    out = []
    for received, peer, text, error in message["frames"]:
        raw = text.encode("latin-1")
        event: Packet | BadFrame
        if error is not None:
            event = BadFrame(FrameError(ErrorCode(error[0]), error[1]), raw)
        else:
            try:
                event = decode_frame(raw, profile_for=directory.profile_for, key_for=directory.key_for)
            except FrameError as exc:
                # The registry changed between receiver and writer (a new key, a stricter
                # profile): the frame is kept as evidence, with the reason.
                event = BadFrame(exc, raw)
        out.append(Inbound(float(received), str(peer), event))
    return out


def chunks(batch: list[Inbound], max_bytes: int) -> list[list[Inbound]]:
    """Split a batch into messages that stay under the server's payload limit."""
    out: list[list[Inbound]] = []
    current: list[Inbound] = []
    size = 64
    for record in batch:
        cost = len(record.event.raw) * 2 + 96  # latin-1 in JSON escapes non-ASCII bytes
        if current and size + cost > max_bytes:
            out.append(current)
            current, size = [], 64
        current.append(record)
        size += cost
    if current:
        out.append(current)
    return out


class NatsSink:
    """The receiver's sink in scaled mode: a batch is stored once JetStream acknowledged it."""

    def __init__(self, nc: Any, js: Any, subject: str, receiver: str) -> None:
        self.nc = nc
        self.js = js
        self.subject = subject
        self.receiver = receiver
        self.sequence = 0

    @classmethod
    async def connect(cls, receiver: str = "receiver", *, url: str | None = None) -> NatsSink:
        import nats

        nc = await nats.connect(
            url or settings.NATS_URL, name=f"epb receiver {receiver}", max_reconnect_attempts=-1
        )
        js = nc.jetstream()
        await ensure_stream(js)
        return cls(nc, js, subject_name(), receiver)

    async def store(self, batch: list[Inbound]) -> None:
        limit = int(getattr(self.nc, "max_payload", 1 << 20) * 0.8)
        parts = chunks(batch, limit)
        for number, part in enumerate(parts):
            # The same id on a retry: JetStream drops the duplicate within its window.
            msg_id = f"{self.receiver}:{self.sequence}:{number}"
            await self.js.publish(
                self.subject, encode(part, self.receiver), timeout=10, headers={"Nats-Msg-Id": msg_id}
            )
        self.sequence += 1

    def is_transient(self, exc: BaseException) -> bool:
        import nats.errors

        return isinstance(exc, nats.errors.Error | TimeoutError | ConnectionError | OSError)

    async def close(self) -> None:
        await self.nc.drain()


async def ensure_stream(js: Any) -> None:
    """Create the stream the first time: file storage, work-queue retention (stored once)."""
    from nats.js.api import RetentionPolicy, StorageType, StreamConfig
    from nats.js.errors import NotFoundError

    try:
        await js.stream_info(stream_name())
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream_name(),
                subjects=[subject_name()],
                retention=RetentionPolicy.WORK_QUEUE,
                storage=StorageType.FILE,
                duplicate_window=120.0,
            )
        )
