"""Background tasks of the monitoring app. They take ids (or nothing) and call services."""

from __future__ import annotations

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


# (seconds, task): enqueued by the worker's scheduler (epb.core.periodic).
PERIODIC = [(24 * 3600, purge_raw_frames), (6 * 3600, ensure_partitions), (600, sync_device_placement)]
