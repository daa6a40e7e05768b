"""How the centre reacts when the shared clock scan fires on one of its clocks."""

from __future__ import annotations

from django.utils.translation import gettext as _

from epb.complaints.choices import EventKind
from epb.complaints.models import Complaint, ReviewRequest
from epb.complaints.services.common import event
from epb.core import audit
from epb.core.models import Clock


def clock_fired(clock: Clock, what: str) -> None:
    subject = clock.subject
    if isinstance(subject, ReviewRequest):
        complaint: Complaint | None = subject.complaint
    elif isinstance(subject, Complaint):
        complaint = subject
    else:
        return  # a listed-supervision clock: the core scan's notices are all it needs
    if complaint is None:
        return
    if what == "overdue":
        if not complaint.is_overdue:
            audit.update(complaint, actor=None, action="complaints.complaint.overdue", is_overdue=True)
        event(complaint, EventKind.CLOCK, actor=None, text=_("已超期：%(label)s") % {"label": clock.label})
    elif what.startswith("reminder:"):
        label = what.split(":", 1)[1]
        event(complaint, EventKind.CLOCK, actor=None, text=f"{label}：{clock.label}")
