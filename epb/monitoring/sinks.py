"""Where the receiver's batches go: straight into the database, or into NATS JetStream."""

from __future__ import annotations

import asyncio
import concurrent.futures

from django.db import InterfaceError, OperationalError, connection

from epb.monitoring.ingest import Directory, Inbound, store_batch


def _store(batch: list[Inbound], directory: Directory) -> None:
    try:
        store_batch(batch, directory)
    except (OperationalError, InterfaceError):
        # The connection may be gone (server restart, network): reconnect on the next try.
        connection.close()
        raise


class EmbeddedSink:
    """Embedded mode: the batch is committed by the receiver's own storage thread."""

    def __init__(self, db: concurrent.futures.Executor, directory: Directory) -> None:
        self.db = db
        self.directory = directory

    async def store(self, batch: list[Inbound]) -> None:
        await asyncio.get_running_loop().run_in_executor(self.db, _store, batch, self.directory)

    def is_transient(self, exc: BaseException) -> bool:
        """The database is unreachable, locked or restarting: hold the batch and retry."""
        return isinstance(exc, OperationalError | InterfaceError)

    async def close(self) -> None:
        return None
