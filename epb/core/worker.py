"""``epb worker``: runs queued background tasks and the periodic scheduler in one process."""

from __future__ import annotations

import argparse
import threading


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="epb worker", description="Run background tasks and periodic jobs.")
    parser.add_argument("--no-scheduler", action="store_true", help="only run queued tasks")
    args = parser.parse_args(argv)

    from epb.cli import setup_django

    setup_django()
    from django.core.management import call_command

    from epb.core.periodic import run_scheduler

    stop = threading.Event()
    if not args.no_scheduler:
        threading.Thread(target=run_scheduler, args=(stop,), daemon=True, name="epb-scheduler").start()
    try:
        call_command("db_worker", interval=1, queue_name="*", reload=False)
    finally:
        stop.set()
    return 0
