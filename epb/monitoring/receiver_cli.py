"""``epb receiver --host H --port P``: run the HJ 212 receiver until SIGTERM or Ctrl-C.

Defaults come from the HJ212_* settings; ``HJ212_SINK=nats`` (or ``--sink nats``) publishes the
batches to NATS JetStream for ``epb writer`` instead of writing them to the database here.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import gc
import logging
import os
import resource
import signal
import socket
import sys

logger = logging.getLogger("epb.monitoring.receiver")


def raise_open_files_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit: one descriptor per device connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def tune_gc() -> None:
    """Keep the cyclic garbage collector off the hot path.

    Frames, packets and batches hold no reference cycles: reference counting frees them. With
    thousands of connections alive, the collector's frequent passes over them cost more than a
    tenth of the event loop's time. What exists after start-up is frozen (never scanned again)
    and collections are made rare.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def install_uvloop() -> bool:
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


def build_parser() -> argparse.ArgumentParser:
    from django.conf import settings

    parser = argparse.ArgumentParser(prog="epb receiver", description=__doc__)
    parser.add_argument("--host", default=settings.HJ212_HOST, help="address to listen on")
    parser.add_argument("--port", type=int, default=settings.HJ212_PORT, help="TCP port (0: any free port)")
    parser.add_argument(
        "--name", default="", help="this receiver's name in the command queue (default host:port:pid)"
    )
    parser.add_argument("--idle-timeout", type=float, default=settings.HJ212_IDLE_TIMEOUT, help="seconds")
    parser.add_argument("--max-conn-per-ip", type=int, default=settings.HJ212_MAX_CONN_PER_IP)
    parser.add_argument("--batch-ms", type=float, default=settings.HJ212_BATCH_MS, help="group-commit window")
    parser.add_argument("--sink", choices=["embedded", "nats"], default=settings.HJ212_SINK)
    parser.add_argument(
        "--no-forward",
        action="store_true",
        help="do not forward frames to upstream centres from this process",
    )
    return parser


async def serve(args: argparse.Namespace) -> int:
    from django.conf import settings

    from epb.monitoring import commands, conf, partitions, rules
    from epb.monitoring.ingest import Directory
    from epb.monitoring.receiver import Receiver, ReceiverConfig, Sink
    from epb.monitoring.sinks import EmbeddedSink

    try:
        vendor_replies = rules.vendor_replies(settings.HJ212_VENDOR_REPLIES)
    except ValueError as exc:
        print(f"epb receiver: {exc}", file=sys.stderr)
        return 2
    loop = asyncio.get_running_loop()
    db = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="epb-db")
    directory = Directory()
    try:
        await loop.run_in_executor(db, partitions.ensure_partitions)
    except Exception:
        logger.exception("could not check the monthly partitions; the periodic task will")
    name = args.name or f"{socket.gethostname()}:{args.port}:{os.getpid()}"
    sink: Sink
    if args.sink == "nats":
        from epb.monitoring.bus import NatsSink

        sink = await NatsSink.connect(name)
    else:
        sink = EmbeddedSink(db, directory)
    config = ReceiverConfig(
        host=args.host,
        port=args.port,
        idle_timeout=args.idle_timeout,
        max_conn_per_ip=args.max_conn_per_ip,
        batch_ms=args.batch_ms,
        name=name,
        vendor_replies=vendor_replies,
    )
    receiver = Receiver(config, sink=sink, directory=directory, db=db, dispatch=commands.dispatch)
    await receiver.start()
    tune_gc()
    print(f"epb receiver: listening on {args.host}:{receiver.port} ({args.sink} sink)", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    forwarding = None
    if not args.no_forward and conf.forward_in_receiver():
        from epb.monitoring.centre.forwarder import run_forwarders

        # Upstream forwarding (district → city) in its own thread: never the storage thread.
        forwarding = asyncio.create_task(run_forwarders(stop), name="hj212-forwarders")
    await stop.wait()
    logger.info("stopping: storing and answering what has arrived")
    await receiver.close()
    if forwarding is not None:
        await asyncio.gather(forwarding, return_exceptions=True)
    db.shutdown(wait=True)
    return 0


def main(argv: list[str]) -> int:
    from epb.cli import setup_django

    setup_django()
    args = build_parser().parse_args(argv)
    limit = raise_open_files_limit()
    if limit < 4096:
        print(f"epb receiver: only {limit} open files allowed; raise `ulimit -n`", file=sys.stderr)
    install_uvloop()
    return asyncio.run(serve(args))
