"""``epb writer``: scaled mode — consume the receivers' batches from NATS JetStream into the database.

Run as many as the database can take; they share one durable pull consumer, so each message
goes to one of them, and a message is acknowledged to JetStream only after its transaction
committed. See ``epb.monitoring.bus``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import logging
import signal
import time
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction

from epb.monitoring.ingest import Directory, flush_status, store_batch

logger = logging.getLogger("epb.monitoring.writer")


def store_message(payload: bytes, stream: str, seq: int, directory: Directory) -> bool:
    """Store one message in one transaction; False if this message was stored before."""
    from epb.monitoring import bus
    from epb.monitoring.models import IngestBatch

    batch = bus.decode(payload, directory)
    try:
        with transaction.atomic():
            IngestBatch.objects.create(stream=stream, seq=seq, frames=len(batch))
            store_batch(batch, directory)
    except IntegrityError:
        if IngestBatch.objects.filter(stream=stream, seq=seq).exists():
            return False  # delivered twice: the first delivery committed
        raise
    except (OperationalError, InterfaceError):
        connection.close()
        raise
    return True


async def consume(
    *,
    db: concurrent.futures.Executor,
    directory: Directory,
    stop: asyncio.Event,
    url: str | None = None,
    durable: str = "epb-writer",
    batch: int = 20,
) -> int:
    """Consume until ``stop``; returns the number of messages stored."""
    import nats
    from django.conf import settings

    from epb.monitoring import bus

    loop = asyncio.get_running_loop()
    nc = await nats.connect(url or settings.NATS_URL, name="epb writer", max_reconnect_attempts=-1)
    stored = 0
    try:
        js = nc.jetstream()
        await bus.ensure_stream(js)
        sub = await js.pull_subscribe(bus.subject_name(), durable=durable, stream=bus.stream_name())
        last_refresh = 0.0
        while not stop.is_set():
            if time.monotonic() - last_refresh > 5:
                await loop.run_in_executor(db, directory.refresh)
                last_refresh = time.monotonic()
            await loop.run_in_executor(db, flush_status, directory)
            try:
                messages = await sub.fetch(batch, timeout=0.5)
            except TimeoutError:
                # Nothing to fetch. nats-py raises its own TimeoutError, and asyncio's plain one
                # when the deadline passes inside fetch(); both are this built-in's subclasses.
                continue
            for message in messages:
                seq = message.metadata.sequence.stream
                try:
                    if await loop.run_in_executor(
                        db, store_message, message.data, bus.stream_name(), seq, directory
                    ):
                        stored += 1
                except (OperationalError, InterfaceError) as exc:
                    logger.warning("database unavailable (%s): message %d will be redelivered", exc, seq)
                    await message.nak(delay=2)
                    await asyncio.sleep(1)
                    continue
                except Exception:
                    logger.exception("message %d cannot be stored; left for redelivery", seq)
                    await message.nak(delay=30)
                    continue
                await message.ack()
        await loop.run_in_executor(db, lambda: flush_status(directory, everything=True))
    finally:
        try:
            await nc.flush(timeout=2)  # the acks
        finally:
            await nc.close()
    return stored


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="epb writer", description=__doc__)
    parser.add_argument("--durable", default="epb-writer", help="name of the shared JetStream consumer")
    parser.add_argument("--batch", type=int, default=20, help="messages fetched at a time")
    args = parser.parse_args(argv)

    from epb.cli import setup_django

    setup_django()
    from epb.monitoring import partitions

    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass

    async def run() -> int:
        loop = asyncio.get_running_loop()
        db = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="epb-db")
        try:
            await loop.run_in_executor(db, partitions.ensure_partitions)
        except Exception:
            logger.exception("could not check the monthly partitions; the periodic task will")
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        from epb.monitoring.receiver_cli import tune_gc

        tune_gc()
        print("epb writer: consuming", flush=True)
        stored: Any = await consume(
            db=db, directory=Directory(), stop=stop, durable=args.durable, batch=args.batch
        )
        db.shutdown(wait=True)
        print(f"epb writer: stopped after storing {stored} messages", flush=True)
        return 0

    return asyncio.run(run())
