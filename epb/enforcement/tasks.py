"""Background work of the enforcement app. Tasks hold no logic: they call services.

Legal and rectification deadlines are core clocks, scanned by ``epb.core.tasks.scan_clocks``;
inspection tasks have due dates, and this reminds their owners.
"""

from __future__ import annotations

from django_tasks import task


@task()
def remind_tasks() -> int:
    from epb.enforcement.services.plans import remind_tasks as remind

    return remind()


# (seconds, task): enqueued by the worker's scheduler; the service is idempotent.
PERIODIC = [(6 * 3600, remind_tasks)]
