"""Background work of the registry. Tasks hold no logic: they call services."""

from __future__ import annotations

from django_tasks import task


@task()
def warn_expiring_licences() -> int:
    from epb.enterprises.services import warn_expiring_licences as warn

    return warn()


# (seconds, task): the worker's scheduler enqueues each; the service is idempotent.
PERIODIC = [(6 * 3600, warn_expiring_licences)]
