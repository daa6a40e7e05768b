"""``epb hj212_forward``: forward queued frames to the upstream centres, in a process of its own
(when ``epb receiver`` runs with ``--no-forward`` or ``MONITORING_FORWARD_IN_RECEIVER = False``)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Forward the queued HJ 212 frames to the upstream centres (ForwardTarget) until stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        from epb.monitoring.centre.forwarder import run_forwarders

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            await run_forwarders(stop)

        self.stdout.write("epb hj212_forward: forwarding to the active targets", ending="\n")
        self.stdout.flush()
        asyncio.run(main())
