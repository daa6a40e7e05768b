"""Deadlines on cases: one service for every module (complaints, measures, rectification, alarms, approvals).

The arithmetic is ``epb.lib.workdays``; this module stores the spec and the events on a ``Clock``
row, keeps its cached due time and state current, and runs the periodic scan that sends reminders,
flags overdue clocks and escalates. Apps react to their own clocks through ``register_handler``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from epb.core import audit
from epb.core.calendar import workday_calendar
from epb.core.choices import Role
from epb.core.models import Clock, OrgUnit, User
from epb.core.models.clocks import ClockState as StoredState
from epb.lib.workdays import (
    Basis,
    ClockEvent,
    ClockSpec,
    ClockState,
    ClockStatus,
    EventKind,
    Reminder,
    evaluate_clock,
)

# kind prefix → handler(clock, what, state); ``what`` is "reminder:<label>", "overdue" or "escalated".
Handler = Callable[[Clock, str, ClockState], None]
_HANDLERS: dict[str, Handler] = {}


def register_handler(kind_prefix: str, handler: Handler) -> None:
    _HANDLERS[kind_prefix] = handler


def spec_to_json(spec: ClockSpec) -> dict[str, Any]:
    data = asdict(spec)
    data["basis"] = str(spec.basis)
    data["reminders"] = [
        {"days_before": r.days_before, "basis": str(r.basis), "at": r.at.isoformat(), "label": r.label}
        for r in spec.reminders
    ]
    return data


def spec_from_json(data: dict[str, Any]) -> ClockSpec:
    reminders = tuple(
        Reminder(r["days_before"], Basis(r["basis"]), dt.time.fromisoformat(r["at"]), r.get("label", ""))
        for r in data.get("reminders", [])
    )
    return ClockSpec(
        name=data["name"],
        duration=data["duration"],
        basis=Basis(data["basis"]),
        last_day_rule=data.get("last_day_rule", False),
        max_extension=data.get("max_extension", 0),
        reminders=reminders,
        source=data.get("source", ""),
    )


def _events(clock: Clock) -> list[ClockEvent]:
    return [
        ClockEvent(EventKind(e["kind"]), dt.datetime.fromisoformat(e["at"]), e.get("days", 0))
        for e in clock.events
    ]


def state_of(clock: Clock, now: dt.datetime | None = None) -> ClockState:
    return evaluate_clock(
        spec_from_json(clock.spec), _events(clock), now=now or timezone.now(), calendar=workday_calendar()
    )


_STORED = {
    ClockStatus.RUNNING: StoredState.RUNNING,
    ClockStatus.PAUSED: StoredState.PAUSED,
    ClockStatus.MET: StoredState.MET,
    ClockStatus.OVERDUE: StoredState.OVERDUE,
    ClockStatus.COMPLETED_LATE: StoredState.COMPLETED_LATE,
}


def _apply(clock: Clock, state: ClockState) -> None:
    clock.state = _STORED[state.status]
    # While paused there is no due time; keep the last one so ordering by deadline stays sensible.
    if state.due_at is not None:
        clock.due_at = state.due_at
    clock.completed_at = state.stopped_at


def start_clock(
    subject: models.Model,
    spec: ClockSpec,
    *,
    actor: User | None,
    label: str = "",
    org_unit: OrgUnit | None = None,
    owner: User | None = None,
    at: dt.datetime | None = None,
) -> Clock:
    at = at or timezone.now()
    clock = Clock(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        kind=spec.name,
        label=label or spec.name,
        spec=spec_to_json(spec),
        events=[{"kind": "start", "at": at.isoformat()}],
        started_at=at,
        due_at=at,
        org_unit=org_unit,
        owner=owner,
    )
    state = evaluate_clock(spec, _events(clock), now=max(at, timezone.now()), calendar=workday_calendar())
    _apply(clock, state)
    with audit.tracking(clock, actor=actor, action="core.clock.started"):
        clock.save()
    return clock


def _add_event(
    clock: Clock,
    kind: EventKind,
    *,
    actor: User | None,
    at: dt.datetime | None,
    days: int = 0,
    note: str = "",
) -> Clock:
    at = at or timezone.now()
    event: dict[str, Any] = {"kind": str(kind), "at": at.isoformat()}
    if days:
        event["days"] = days
    if actor is not None:
        event["by"] = actor.pk
    if note:
        event["note"] = note
    with transaction.atomic():
        locked = Clock.objects.select_for_update().get(pk=clock.pk)
        candidate = [*locked.events, event]
        spec = spec_from_json(locked.spec)
        # Evaluating first means an impossible event (an extension past the cap, a resume of a
        # running clock) raises before anything is saved.
        probe = [
            ClockEvent(EventKind(e["kind"]), dt.datetime.fromisoformat(e["at"]), e.get("days", 0))
            for e in candidate
        ]
        state = evaluate_clock(spec, probe, now=max(at, timezone.now()), calendar=workday_calendar())
        with audit.tracking(locked, actor=actor, action=f"core.clock.{kind}", note=note):
            locked.events = candidate
            _apply(locked, state)
            locked.save(update_fields=["events", "state", "due_at", "completed_at"])
    return locked


def pause_clock(clock: Clock, *, actor: User | None, reason: str, at: dt.datetime | None = None) -> Clock:
    return _add_event(clock, EventKind.PAUSE, actor=actor, at=at, note=reason)


def resume_clock(clock: Clock, *, actor: User | None, at: dt.datetime | None = None) -> Clock:
    return _add_event(clock, EventKind.RESUME, actor=actor, at=at)


def extend_clock(
    clock: Clock, days: int, *, actor: User | None, reason: str, at: dt.datetime | None = None
) -> Clock:
    return _add_event(clock, EventKind.EXTEND, actor=actor, at=at, days=days, note=reason)


def stop_clock(clock: Clock, *, actor: User | None, at: dt.datetime | None = None) -> Clock:
    return _add_event(clock, EventKind.STOP, actor=actor, at=at)


def cancel_clock(clock: Clock, *, actor: User | None, reason: str) -> Clock:
    return audit.update(
        clock, actor=actor, action="core.clock.cancelled", note=reason, state=StoredState.CANCELLED
    )


def clocks_of(subject: models.Model) -> models.QuerySet[Clock]:
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )


def open_clock(subject: models.Model, kind: str) -> Clock | None:
    return (
        clocks_of(subject)
        .filter(kind=kind)
        .exclude(state__in=[StoredState.MET, StoredState.COMPLETED_LATE, StoredState.CANCELLED])
        .order_by("-started_at")
        .first()
    )


def _escalation_targets(clock: Clock) -> list[User]:
    leaders = list(User.objects.filter(role=Role.LEADERSHIP, is_active=True))
    return ([clock.owner] if clock.owner else []) + leaders


def _notify(clock: Clock, recipients: list[User], title: str, body: str) -> None:
    from epb.core.notify import notify

    subject = clock.subject
    url = subject.get_absolute_url() if subject is not None and hasattr(subject, "get_absolute_url") else ""
    notify(
        [u for u in recipients if u is not None],
        kind=f"clock.{clock.kind}",
        title=title,
        body=body,
        url=url,
        subject=subject if isinstance(subject, models.Model) else None,
    )


def scan_clocks(now: dt.datetime | None = None) -> dict[str, int]:
    """Refresh open clocks, send due reminders once, flag overdue ones once, escalate. Idempotent."""
    now = now or timezone.now()
    counts = {"checked": 0, "reminders": 0, "overdue": 0, "escalated": 0}
    open_states = [StoredState.RUNNING, StoredState.PAUSED, StoredState.OVERDUE]
    for clock in Clock.objects.filter(state__in=open_states).select_related("owner").iterator():
        if clock.started_at > now:
            continue  # recorded with a later effective time; nothing is due yet
        counts["checked"] += 1
        state = state_of(clock, now)
        with transaction.atomic():
            # Claim the row: another worker scanning at the same time skips it.
            locked = Clock.objects.select_for_update().filter(pk=clock.pk, state__in=open_states).first()
            if locked is None:
                continue
            changed = ["state", "due_at", "completed_at"]
            _apply(locked, state)
            for scheduled in state.reminders_due:
                key = f"{scheduled.reminder.days_before}:{scheduled.reminder.basis}"
                if key in locked.reminders_sent:
                    continue
                locked.reminders_sent = [*locked.reminders_sent, key]
                changed.append("reminders_sent")
                label = scheduled.reminder.label or "提醒"
                escalate = scheduled.reminder.days_before < 0
                recipients = (
                    _escalation_targets(locked) if escalate else [locked.owner] if locked.owner else []
                )
                _notify(
                    locked,
                    recipients,
                    f"【{label}】{locked.label}",
                    f"期限：{timezone.localtime(state.due_at):%Y-%m-%d %H:%M}" if state.due_at else "",
                )
                if escalate and locked.escalated_at is None:
                    locked.escalated_at = now
                    changed.append("escalated_at")
                    counts["escalated"] += 1
                counts["reminders"] += 1
                _dispatch(locked, f"reminder:{label}", state)
            if state.status is ClockStatus.OVERDUE and locked.overdue_notified_at is None:
                locked.overdue_notified_at = now
                changed.append("overdue_notified_at")
                counts["overdue"] += 1
                _notify(
                    locked,
                    _escalation_targets(locked),
                    f"【已超期】{locked.label}",
                    f"期限：{timezone.localtime(state.due_at):%Y-%m-%d %H:%M}" if state.due_at else "",
                )
                _dispatch(locked, "overdue", state)
            with audit.system_writes(
                "clock scan: cached state and reminder bookkeeping, derived from events"
            ):
                locked.save(update_fields=sorted(set(changed)))
    return counts


def _dispatch(clock: Clock, what: str, state: ClockState) -> None:
    for prefix, handler in _HANDLERS.items():
        if clock.kind.startswith(prefix):
            handler(clock, what, state)
