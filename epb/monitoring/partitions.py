"""Monthly range partitions of the time-series tables on PostgreSQL (no-ops on SQLite).

``monitoring_reading`` is partitioned by ``data_time``, ``monitoring_rawframe`` by
``received_at`` and the centre's ``monitoring_hourlyvalue`` by ``start``, one partition per
Beijing-time month (``<table>_yYYYYmMM``) plus a DEFAULT
partition that catches anything else (a device whose clock says 2000-01-01). The initial
migration creates the months around its own run; ``ensure_partitions`` — run by a periodic task,
and when the receiver and the writers start — keeps ``ahead`` months ready, and gives any month
that reached the DEFAULT partition its own partition, moving its rows there.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from django.db import connection, transaction

from epb.lib.timeutil import beijing_date, now_utc
from epb.monitoring import rules

logger = logging.getLogger("epb.monitoring.partitions")

TABLES = {
    "monitoring_reading": "data_time",
    "monitoring_rawframe": "received_at",
    "monitoring_hourlyvalue": "start",
}
_NAME = re.compile(r"_y(\d{4})m(\d{2})$")


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def existing_partitions(table: str) -> dict[str, date]:
    """Monthly partitions of ``table``: name → first day of its month."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [table],
        )
        names = [row[0] for row in cursor.fetchall()]
    out = {}
    for name in names:
        match = _NAME.search(name)
        if match:
            out[name] = date(int(match.group(1)), int(match.group(2)), 1)
    return out


def _months_in_default(table: str, column: str) -> set[date]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', {column} AT TIME ZONE 'Asia/Shanghai') "  # noqa: S608
            f"FROM {table}_default"
        )
        return {row[0].date() for row in cursor.fetchall()}


def _create(table: str, column: str, month: date) -> str:
    name = rules.partition_name(table, month)
    lo, hi = rules.partition_bounds(month)
    bounds = f"FROM ('{lo.isoformat()}') TO ('{hi.isoformat()}')"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table}_default WHERE {column} >= %s AND {column} < %s",  # noqa: S608
            [lo, hi],
        )
        stray = cursor.fetchone()[0]
        if not stray:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} FOR VALUES {bounds}")
            return name
        # Rows of this month went to DEFAULT: move them into the new month before attaching it.
        cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {table}_default WHERE {column} >= %s AND {column} < %s "  # noqa: S608
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved",
            [lo, hi],
        )
        cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES {bounds}")
        logger.info("moved %d rows of %s from the default partition into %s", stray, table, name)
    return name


def ensure_partitions(now: datetime | None = None, *, back: int = 1, ahead: int = 3) -> list[str]:
    """Create the monthly partitions from ``back`` months ago to ``ahead`` months on; returns new ones."""
    if not is_partitioned():
        return []
    today = beijing_date(now or now_utc())
    created = []
    for table, column in TABLES.items():
        have = set(existing_partitions(table).values())
        wanted = set(rules.month_starts(today, back=back, ahead=ahead)) | _months_in_default(table, column)
        for month in sorted(wanted - have):
            created.append(_create(table, column, month))
    return created


def drop_raw_partitions_before(cutoff: datetime) -> list[str]:
    """Drop raw-frame partitions whose whole month ended before ``cutoff`` (retention)."""
    if not is_partitioned():
        return []
    dropped = []
    for name, month in sorted(existing_partitions("monitoring_rawframe").items()):
        if rules.partition_bounds(month)[1] <= cutoff:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {name}")
            dropped.append(name)
    return dropped
