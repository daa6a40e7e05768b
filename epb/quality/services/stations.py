"""Automatic stations: hourly and daily values pulled from the monitoring app's HJ 212 readings.

A site linked to a ``monitoring.Device`` (ST 21 surface water, 22 air, 23 noise) gets a result
per daily reading (water, noise) or per hourly and daily reading (air), marked as coming from the
station with the reading it came from. The pull looks back a few days and updates what changed,
so late (resent) packets are taken in and a repeated run writes nothing new; one audit entry
records each run that wrote something.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from epb.core import audit
from epb.lib.timeutil import beijing_date, to_beijing
from epb.quality import rules
from epb.quality.choices import Period, Source
from epb.quality.models import AirSample, AirStation, NoisePoint, NoiseSample, WaterSample, WaterSite

# HJ 212 CN of the readings taken, and the period of the result each becomes.
HOUR, DAY = 2061, 2031
PULLED = {"water": {DAY: Period.DAY}, "air": {HOUR: Period.HOUR, DAY: Period.DAY}, "noise": {DAY: Period.DAY}}
LOOKBACK = timedelta(days=3)


def _readings(device_id: int, cns: list[int], since: datetime) -> dict[tuple[int, datetime], dict[str, Any]]:
    """Readings of a device, the parts of a split packet merged into one."""
    from epb.monitoring.models import Reading

    merged: dict[tuple[int, datetime], dict[str, Any]] = defaultdict(dict)
    rows = Reading.objects.filter(device_id=device_id, cn__in=cns, data_time__gte=since).order_by(
        "data_time", "part"
    )
    for cn, data_time, data in rows.values_list("cn", "data_time", "data"):
        merged[(cn, data_time)].update(data or {})
    return merged


def _pull_site(kind: str, site: Any, since: datetime) -> tuple[list[Any], int]:
    """New and changed results of one site; returns (created or changed results, unchanged count)."""
    periods = PULLED[kind]
    written: list[Any] = []
    unchanged = 0
    for (cn, data_time), data in sorted(_readings(site.device_id, list(periods), since).items()):
        converted = rules.station_values(kind, data)
        if not converted.values:
            continue
        period = periods[cn]
        label = "日数据" if cn == DAY else "小时数据"
        ref = f"{site.device.mn} {label} {to_beijing(data_time):%Y-%m-%d %H:%M}"
        coverage = {"skipped": converted.skipped} if converted.skipped else {}
        if kind == "water":
            key: dict[str, Any] = {"site": site, "sampled_at": data_time, "period": period}
            model: type[models.Model] = WaterSample
        elif kind == "air":
            key, model = {"station": site, "start": data_time, "period": period}, AirSample
        else:
            key, model = {"point": site, "measured_on": beijing_date(data_time)}, NoiseSample
        existing: Any = model._default_manager.filter(source=Source.STATION, **key).first()
        if existing is None:
            written.append(
                model(
                    source=Source.STATION, source_ref=ref, values=converted.values, coverage=coverage, **key
                )
            )
        elif existing.values != converted.values:
            existing.values, existing.source_ref, existing.coverage = converted.values, ref, coverage
            existing.save(update_fields=["values", "source_ref", "coverage"])
            written.append(existing)
        else:
            unchanged += 1
    return written, unchanged


def pull_station_results(*, now: datetime | None = None, lookback: timedelta = LOOKBACK) -> dict[str, int]:
    """Pull the recent readings of every linked, active station into results."""
    since = (now or timezone.now()) - lookback
    counts = {"water": 0, "air": 0, "noise": 0, "unchanged": 0}
    new_water: list[int] = []
    sites: list[tuple[str, type[models.Model]]] = [
        ("water", WaterSite),
        ("air", AirStation),
        ("noise", NoisePoint),
    ]
    with transaction.atomic():
        with audit.system_writes("quality station pull: one summary entry per run"):
            for kind, model in sites:
                linked = model._default_manager.filter(device__isnull=False, is_active=True)
                site: Any
                for site in linked.select_related("device"):
                    written, unchanged = _pull_site(kind, site, since)
                    counts["unchanged"] += unchanged
                    fresh = [r for r in written if r.pk is None]
                    if fresh:
                        type(fresh[0]).objects.bulk_create(fresh)
                    counts[kind] += len(written)
                    if kind == "water" and written:
                        times = [r.sampled_at for r in written]
                        new_water += WaterSample.objects.filter(
                            site=site, source=Source.STATION, sampled_at__in=times
                        ).values_list("pk", flat=True)
        if counts["water"] or counts["air"] or counts["noise"]:
            audit.log("quality.station.pulled", None, actor=None, extra={k: v for k, v in counts.items()})
        if new_water:
            from epb.quality.services.warnings import check_samples

            check_samples(sorted(set(new_water)))
    return counts
