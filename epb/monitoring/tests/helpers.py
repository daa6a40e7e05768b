"""Test helpers: an in-process receiver on a loopback port, and a minimal device client."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from epb.hj212 import Decoder, Packet
from epb.monitoring import commands
from epb.monitoring.ingest import Directory
from epb.monitoring.receiver import Receiver, ReceiverConfig, Sink
from epb.monitoring.sinks import EmbeddedSink


@contextmanager
def storage_thread() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    """The receiver's storage thread, sharing the test's database connection (and transaction),
    as Django's live server thread does. Enter it from the test's own (sync) thread."""
    conn = connections[DEFAULT_DB_ALIAS]
    conn.inc_thread_sharing()

    def share() -> None:
        connections[DEFAULT_DB_ALIAS] = conn

    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, initializer=share)
    try:
        yield executor
    finally:
        executor.shutdown(wait=True)
        conn.dec_thread_sharing()


@asynccontextmanager
async def running_receiver(
    db: concurrent.futures.Executor, sink: Sink | None = None, **config: Any
) -> AsyncIterator[Receiver]:
    directory = Directory()
    settings: dict[str, Any] = {"port": 0, "batch_ms": 5.0, "command_poll": 0.05, "name": "test-receiver"}
    settings.update(config)
    receiver = Receiver(
        ReceiverConfig(**settings),
        sink=sink or EmbeddedSink(db, directory),
        directory=directory,
        db=db,
        dispatch=commands.dispatch,
    )
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.close(timeout=2)


class Device:
    """A data logger's end of a connection: send frames, read the centre's frames."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.decoder = Decoder()
        self.inbox: list[Packet] = []

    @classmethod
    async def connect(cls, port: int) -> Device:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def receive(self, timeout: float = 2.0) -> Packet | None:
        """The next frame from the centre, or None on time-out or end of stream."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self.inbox += [e for e in self.decoder.events() if isinstance(e, Packet)]
            if self.inbox:
                return self.inbox.pop(0)
            left = deadline - loop.time()
            if left <= 0:
                return None
            try:
                data = await asyncio.wait_for(self.reader.read(65536), left)
            except TimeoutError:
                return None
            if not data:
                return None
            self.decoder.feed(data)

    async def receive_cn(self, cn: str, timeout: float = 3.0) -> Packet | None:
        """The next frame with command code ``cn``; frames of other codes stay in the inbox.

        The centre may push a queued command before it acknowledges the upload that showed the
        device is connected (the acknowledgement waits for the commit), so tests must not rely
        on the order of the two."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        skipped: list[Packet] = []
        try:
            while (left := deadline - loop.time()) > 0:
                packet = await self.receive(timeout=left)
                if packet is None:
                    return None
                if packet.cn == cn:
                    return packet
                skipped.append(packet)
            return None
        finally:
            self.inbox[:0] = skipped

    async def closed(self, timeout: float = 2.0) -> bool:
        try:
            data = await asyncio.wait_for(self.reader.read(65536), timeout)
        except TimeoutError:
            return False
        except ConnectionError:
            return True
        return data == b""

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except ConnectionError:
            pass


def run(scenario: Callable[[Receiver], Awaitable[None]], **config: Any) -> None:
    """Run ``scenario(receiver)`` against an in-process receiver on a free loopback port.

    Database checks inside the scenario go through ``in_db`` (the storage thread, which sees
    the test's transaction); the event loop's own context has no such connection.
    """
    with storage_thread() as db:

        async def main() -> None:
            async with running_receiver(db, **config) as receiver:
                await scenario(receiver)

        asyncio.run(main())


async def in_db(receiver: Receiver, fn: Callable[[], Any]) -> Any:
    return await asyncio.get_running_loop().run_in_executor(receiver.db, fn)
