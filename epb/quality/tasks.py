"""Background work of the quality module. Tasks take ids and call services; they hold no logic."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from epb.quality import conf


@task()
def pull_station_results() -> dict[str, int]:
    """Automatic stations' recent hourly and daily values into results (and their warnings)."""
    from epb.quality.services.stations import pull_station_results as pull

    return pull()


@task()
def daily_check() -> int:
    """日查: after the configured Beijing hour, yesterday's drinking-water reports must be in."""
    from django.utils import timezone

    from epb.lib.timeutil import to_beijing
    from epb.quality.data import beijing_today
    from epb.quality.services import daily_check as check

    if to_beijing(timezone.now()).hour < int(conf.get("DAILY_CHECK_HOUR")):
        return 0
    return len(check(beijing_today() - timedelta(days=1)))


@task()
def check_samples(ids: list[int]) -> int:
    from epb.quality.services import check_samples as check

    return len(check(ids))


# (seconds, task): enqueued by the worker's scheduler (epb.core.periodic).
PERIODIC = [(15 * 60, pull_station_results), (60 * 60, daily_check)]
