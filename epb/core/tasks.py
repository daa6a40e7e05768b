"""Background tasks of the core app. Tasks take ids and call services; they hold no logic."""

from __future__ import annotations

from django_tasks import task

from epb.core.models import Notification


@task()
def deliver_notifications(ids: list[int]) -> int:
    from epb.core.notify import deliver

    count = 0
    for note in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        deliver(note)
        count += 1
    return count


@task()
def scan_clocks() -> dict[str, int]:
    from epb.core.clocks import scan_clocks as scan

    return scan()


# (seconds, task): enqueued by the worker's scheduler (epb.core.periodic).
PERIODIC = [(300, scan_clocks)]
