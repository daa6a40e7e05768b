"""Background tasks of the centre. They take ids and call services; they hold no logic."""

from __future__ import annotations

from django_tasks import task

from epb.complaints.models import Complaint


@task()
def detect_repeats(complaint_id: int) -> int:
    """Link a new case to earlier ones about the same matter (run after the intake commits)."""
    from epb.complaints.services import detect_repeats as detect

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return 0
    return len(detect(complaint))


@task()
def daily_reports() -> int:
    """Write the sensitive periods' daily reports for every finished day that has none."""
    from epb.complaints.services import generate_daily_reports

    return generate_daily_reports()


# (seconds, task): enqueued by the worker's scheduler. Idempotent, so an hourly run is enough to
# have yesterday's report shortly after midnight.
PERIODIC = [(3600, daily_reports)]
