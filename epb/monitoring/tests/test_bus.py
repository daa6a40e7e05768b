"""Scaled mode: batches through NATS JetStream (the real server at 127.0.0.1:4222) into the database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from epb.hj212 import BadFrame, Decoder, Packet
from epb.monitoring import bus
from epb.monitoring.ingest import Directory, Inbound
from epb.monitoring.models import IngestBatch, RawFrame, Reading
from epb.monitoring.receiver import Receiver, ReceiverConfig
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.helpers import Device, storage_thread
from epb.monitoring.writer import consume, store_message
from epb.testing.factories import make_outlet

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(enterprise: Any) -> Any:
    return make_device(make_outlet(enterprise))


def inbound(*frames: bytes) -> list[Inbound]:
    decoder = Decoder()
    for frame in frames:
        decoder.feed(frame)
    return [
        Inbound(T0.timestamp(), "10.0.0.9:5000", e)
        for e in decoder.events()
        if isinstance(e, Packet | BadFrame)
    ]


def corrupt(frame: bytes) -> bytes:
    return frame[:-6] + (b"0000" if frame[-6:-2] != b"0000" else b"1111") + b"\r\n"


def test_a_batch_survives_the_trip_through_a_message(device: Any) -> None:
    batch = inbound(upload(device), corrupt(upload(device, when=T0 + timedelta(minutes=1))))
    directory = Directory()
    back = bus.decode(bus.encode(batch, "r1"), directory)
    assert [type(r.event) for r in back] == [Packet, BadFrame]
    assert back[0].event.raw == batch[0].event.raw and back[0].peer == "10.0.0.9:5000"
    assert isinstance(back[1].event, BadFrame) and back[1].event.error.code.value == "bad_crc"


def test_large_batches_are_split_under_the_payload_limit(device: Any) -> None:
    batch = inbound(*[upload(device, when=T0 + timedelta(seconds=30 * i)) for i in range(50)])
    parts = bus.chunks(batch, 4000)
    assert sum(len(p) for p in parts) == 50 and len(parts) > 1
    assert all(len(bus.encode(p, "r")) <= 4000 for p in parts)


def test_a_message_delivered_twice_is_stored_once(device: Any) -> None:
    payload = bus.encode(inbound(upload(device)), "r1")
    directory = Directory()
    assert store_message(payload, "S", 7, directory)
    assert not store_message(payload, "S", 7, directory)
    assert Reading.objects.count() == 1 and RawFrame.objects.count() == 1
    assert IngestBatch.objects.get().frames == 1


@pytest.fixture
def nats_names(settings: Any) -> Iterator[tuple[str, str]]:
    token = uuid.uuid4().hex[:12]
    settings.HJ212_NATS_STREAM = f"EPBTEST_{token}"
    settings.HJ212_NATS_SUBJECT = f"epbtest.{token}.batches"
    yield settings.HJ212_NATS_STREAM, settings.HJ212_NATS_SUBJECT

    async def remove() -> None:
        import nats

        nc = await nats.connect("nats://127.0.0.1:4222")
        try:
            await nc.jetstream().delete_stream(settings.HJ212_NATS_STREAM)
        finally:
            await nc.close()

    asyncio.run(remove())


@pytest.mark.slow
def test_receivers_publish_and_writers_store_through_jetstream(
    device: Any, nats_names: tuple[str, str]
) -> None:
    frames = [upload(device, when=T0 + timedelta(seconds=30 * i)) for i in range(20)]
    frames.append(frames[3])  # a resend: stored once, answered again

    with storage_thread() as db:

        async def main() -> None:
            directory = Directory()
            sink = await bus.NatsSink.connect("test-receiver-1", url="nats://127.0.0.1:4222")
            receiver = Receiver(
                ReceiverConfig(port=0, batch_ms=5, name="test-receiver-1"),
                sink=sink,
                directory=directory,
                db=db,
            )
            await receiver.start()
            dev = await Device.connect(receiver.port)
            for frame in frames:
                await dev.send(frame)
            answers = [await dev.receive() for _ in frames]
            assert all(a is not None and a.cn == "9014" for a in answers)  # durable in the stream
            await dev.close()
            await receiver.close()

            stop = asyncio.Event()
            writer = asyncio.create_task(
                consume(db=db, directory=Directory(), stop=stop, url="nats://127.0.0.1:4222", durable="test")
            )
            for _ in range(100):
                await asyncio.sleep(0.05)
                stored = await asyncio.get_running_loop().run_in_executor(db, Reading.objects.count)
                if stored == 20:
                    break
            stop.set()
            assert await writer >= 1

        asyncio.run(main())

    assert Reading.objects.filter(device=device).count() == 20
    assert RawFrame.objects.filter(device=device).count() == 21
    assert IngestBatch.objects.filter(stream=nats_names[0]).exists()


@pytest.mark.slow
def test_an_idle_writer_outlives_every_kind_of_fetch_time_out(
    device: Any, nats_names: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """fetch() says "nothing yet" with nats' TimeoutError or, when its deadline passes part-way,
    with asyncio's plain one; neither may end the writer."""
    from nats.errors import TimeoutError as NatsTimeoutError
    from nats.js.client import JetStreamContext

    real_fetch = JetStreamContext.PullSubscription.fetch
    idle = [NatsTimeoutError(), TimeoutError()]  # asyncio.TimeoutError is TimeoutError

    async def fetch(self: Any, *args: Any, **kwargs: Any) -> Any:
        if idle:
            raise idle.pop(0)
        return await real_fetch(self, *args, **kwargs)

    monkeypatch.setattr(JetStreamContext.PullSubscription, "fetch", fetch)
    payload = bus.encode(inbound(upload(device)), "r1")

    with storage_thread() as db:

        async def main() -> int:
            import nats

            nc = await nats.connect("nats://127.0.0.1:4222")
            js = nc.jetstream()
            await bus.ensure_stream(js)
            await js.publish(bus.subject_name(), payload)
            await nc.close()
            stop = asyncio.Event()
            writer = asyncio.create_task(
                consume(db=db, directory=Directory(), stop=stop, url="nats://127.0.0.1:4222", durable="idle")
            )
            for _ in range(100):
                await asyncio.sleep(0.05)
                if await asyncio.get_running_loop().run_in_executor(db, Reading.objects.count):
                    break
            stop.set()
            return await writer

        assert asyncio.run(main()) == 1
    assert not idle  # both time-outs were met
    assert Reading.objects.filter(device=device).count() == 1
