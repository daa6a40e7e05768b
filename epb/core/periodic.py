"""Periodic jobs: what the worker's scheduler enqueues, and how often.

Each app lists its jobs in ``PERIODIC`` in its ``tasks.py`` as ``(seconds, task)``; the
scheduler enqueues each task when its interval has passed. The tasks themselves are idempotent
(they claim rows with compare-and-set updates), so a duplicate run is harmless.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from typing import Any

from django.apps import apps

logger = logging.getLogger("epb.scheduler")


def periodic_jobs() -> list[tuple[int, Any]]:
    jobs: list[tuple[int, Any]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("epb."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tasks":
                raise
            continue
        jobs.extend(getattr(module, "PERIODIC", []))
    return jobs


def run_scheduler(stop: threading.Event, tick: float = 1.0) -> None:
    jobs = periodic_jobs()
    last: dict[int, float] = {}
    while not stop.is_set():
        now = time.monotonic()
        for index, (interval, job) in enumerate(jobs):
            if now - last.get(index, 0.0) >= interval:
                last[index] = now
                try:
                    job.enqueue()
                except Exception:
                    logger.exception("could not enqueue %s", job)
        stop.wait(tick)
