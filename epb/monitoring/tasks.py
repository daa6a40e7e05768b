"""Background tasks of the monitoring app. They take ids (or nothing) and call services."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def purge_raw_frames() -> int:
    """Delete raw frames older than HJ212_RAW_RETENTION_DAYS (PostgreSQL: drop whole months)."""
    from epb.monitoring.services import purge_raw_frames as purge

    return purge()


@task()
def ensure_partitions() -> list[str]:
    """Keep the next months' partitions of the time-series tables ready (PostgreSQL)."""
    from epb.monitoring.partitions import ensure_partitions as ensure

    return ensure()


@task()
def sync_device_placement() -> int:
    """Keep each source device's org unit equal to its enterprise's grid."""
    from epb.monitoring.services import sync_device_placement as sync

    return sync()


@task()
def evaluate(items: list[list[Any]], repeats: list[list[Any]] | None = None) -> int:
    """Statistics, anomalies, exceedances and alarms for data the ingest path stored.

    ``items`` are ``[device_id, cn, first DataTime, last DataTime]`` (ISO); ``repeats`` are packets
    whose DataTime was seen before (``[device_id, cn, DataTime, part, data]``)."""
    from epb.monitoring.centre.evaluate import evaluate as run

    return run(items, repeats or [])


@task()
def scan_offline() -> int:
    """Offline episodes of devices silent past their threshold (and their end)."""
    from epb.monitoring.centre.evaluate import scan_offline as scan

    return scan()


@task()
def close_periods() -> dict[str, int]:
    """Compute and judge the hour and the day that closed without new data."""
    from epb.monitoring.centre.evaluate import close_periods as close

    return close()


# (seconds, task): enqueued by the worker's scheduler (epb.core.periodic).
PERIODIC = [
    (24 * 3600, purge_raw_frames),
    (6 * 3600, ensure_partitions),
    (600, sync_device_placement),
    (60, scan_offline),
    (60, close_periods),
]
