"""Alarm episodes from evidence, and their handling (every write of an ``Alarm``).

Evidence is what the evaluation found for one (device, factor, kind) over ``[start, end)``: the
condition present (an exceeding value, a constant run, silence) or absent (a compliant value,
data again). Present evidence continues the episode it overlaps (or that ended less than
``MONITORING_ALARM_MERGE_MINUTES`` before it, unless closed), else opens one; absent evidence
after an active episode ends it. At most one episode per key is active (a partial unique
constraint), so evidence arriving again and again — resent packets, a recomputed hour, two
workers — updates one row. A new episode is notified once (compare-and-set on
``notified_at``) and gets its handling clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import OrgLevel, Role
from epb.core.models import User
from epb.lib.timeutil import to_beijing
from epb.lib.workdays import Basis, ClockSpec, Reminder
from epb.monitoring import conf
from epb.monitoring.centre.workflow import STEPS, Party, why_not
from epb.monitoring.choices import AlarmKind, AlarmState
from epb.monitoring.models import Alarm, Device

logger = logging.getLogger("epb.monitoring.alarms")
CLOCK_KIND = "monitoring.alarm.handle"


@dataclass(frozen=True)
class Evidence:
    factor: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    present: bool = True
    live: bool = True  # the newest judgement of this key: may make the episode active
    confirmed: bool = True  # exceedance: judged on the limit's own basis (not provisional)
    value: float | None = None
    limit_min: float | None = None
    limit_max: float | None = None
    unit: str = ""
    multiple: float | None = None
    basis: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.factor, self.kind)


def _severity(value: float | None, multiple: float | None) -> float:
    if multiple is not None:
        return multiple
    return abs(value) if value is not None else float("-inf")


def _end_of(alarm: Alarm) -> dt.datetime:
    return (
        alarm.last_evidence_at
        if alarm.active or alarm.ended_at is None
        else max(alarm.ended_at, alarm.last_evidence_at)
    )


def apply_evidence(
    device: Device, evidence: Iterable[Evidence], *, now: dt.datetime | None = None
) -> list[Alarm]:
    """Fold evidence into the device's alarm episodes; returns the episodes opened."""
    now = now or timezone.now()
    grouped: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for e in evidence:
        grouped[e.key].append(e)
    opened: list[Alarm] = []
    for (factor, kind), items in grouped.items():
        for attempt in range(3):
            try:
                opened += _apply_key(device, factor, kind, items, now)
                break
            except IntegrityError:  # another worker opened the active episode first: read it, merge
                if attempt == 2:
                    logger.exception("could not apply %s %s evidence for device %s", kind, factor, device.pk)
    return opened


def _apply_key(
    device: Device, factor: str, kind: str, items: list[Evidence], now: dt.datetime
) -> list[Alarm]:
    merge = conf.alarm_merge()
    opened: list[Alarm] = []
    with transaction.atomic():
        low = min(e.start for e in items) - merge
        episodes = list(
            Alarm.objects.select_for_update()
            .filter(device=device, factor=factor, kind=kind)
            .filter(Q(active=True) | Q(last_evidence_at__gte=low) | Q(ended_at__gte=low))
            .order_by("started_at", "pk")
        )
        for e in sorted(items, key=lambda x: (x.start, not x.present)):
            if e.present:
                alarm, new = _present(device, episodes, e, merge, now)
                if new:
                    episodes.append(alarm)
                    opened.append(alarm)
            else:
                _absent(episodes, e)
        for alarm in opened:
            _after_open(alarm.pk)
    return opened


def _present(
    device: Device, episodes: list[Alarm], e: Evidence, merge: dt.timedelta, now: dt.datetime
) -> tuple[Alarm, bool]:
    active = next((a for a in episodes if a.active), None)
    for alarm in reversed(episodes):
        if alarm.state == AlarmState.CLOSED and not alarm.active:
            continue
        if e.start <= _end_of(alarm) + merge and e.end >= alarm.started_at - merge:
            _extend(alarm, e, can_activate=active is None or active is alarm)
            return alarm, False
    if e.live and active is not None:
        _deactivate(active, active.last_evidence_at)
        active = None
    alarm = audit.create(
        Alarm,
        actor=None,
        action="monitoring.alarm.raised",
        actor_label="monitoring",
        device=device,
        outlet=device.outlet,
        factor=e.factor,
        kind=e.kind,
        started_at=e.start,
        last_evidence_at=e.end,
        ended_at=None if e.live else e.end,
        active=e.live,
        confirmed=e.confirmed,
        value=e.value,
        limit_min=e.limit_min,
        limit_max=e.limit_max,
        unit=e.unit[:16],
        multiple=e.multiple,
        basis=e.basis,
        detail=e.detail,
    )
    return alarm, True


def _extend(alarm: Alarm, e: Evidence, *, can_activate: bool) -> None:
    changed = {"last_evidence_at", "evidence"}
    alarm.evidence += 1
    if e.start < alarm.started_at:
        alarm.started_at = e.start
        changed.add("started_at")
    if e.end > alarm.last_evidence_at:
        alarm.last_evidence_at = e.end
    if _severity(e.value, e.multiple) > _severity(alarm.value, alarm.multiple):
        alarm.value, alarm.multiple = e.value, e.multiple
        alarm.limit_min, alarm.limit_max, alarm.unit = e.limit_min, e.limit_max, e.unit[:16]
        alarm.basis, alarm.detail = e.basis, e.detail
        changed |= {"value", "multiple", "limit_min", "limit_max", "unit", "basis", "detail"}
    if not alarm.active and e.live and can_activate and (alarm.ended_at is None or e.end > alarm.ended_at):
        with audit.tracking(alarm, actor=None, action="monitoring.alarm.recurred", actor_label="monitoring"):
            alarm.active, alarm.ended_at = True, None
            _confirm(alarm, e)
            alarm.save()
        return
    if e.confirmed and not alarm.confirmed:
        with audit.tracking(alarm, actor=None, action="monitoring.alarm.confirmed", actor_label="monitoring"):
            _confirm(alarm, e)
            alarm.save()
        return
    if not alarm.active and alarm.ended_at is not None and e.end > alarm.ended_at:
        alarm.ended_at = e.end
        changed.add("ended_at")
    with audit.system_writes("alarm evidence bookkeeping: the episode's extent and worst value"):
        alarm.save(update_fields=sorted(changed))


def _confirm(alarm: Alarm, e: Evidence) -> None:
    if e.confirmed:
        alarm.confirmed = True
        if e.basis:
            alarm.basis = e.basis


def _absent(episodes: list[Alarm], e: Evidence) -> None:
    for alarm in episodes:
        if alarm.active and alarm.last_evidence_at <= e.start + dt.timedelta(seconds=1):
            ended = e.start if alarm.kind == AlarmKind.OFFLINE else alarm.last_evidence_at
            _deactivate(alarm, ended)


def _deactivate(alarm: Alarm, ended_at: dt.datetime) -> None:
    with audit.tracking(alarm, actor=None, action="monitoring.alarm.cleared", actor_label="monitoring"):
        alarm.active = False
        alarm.ended_at = max(ended_at, alarm.started_at)
        alarm.save()


# ---------------------------------------------------------------------------- after opening


def handle_spec() -> ClockSpec:
    return ClockSpec(
        CLOCK_KIND,
        conf.alarm_handle_days(),
        Basis.WORKING,
        reminders=(Reminder(1, Basis.WORKING, label="明日到期"), Reminder(-1, Basis.WORKING, label="督办")),
        source="监控中心规定：企业收到报警后在规定工作日内说明原因和整改措施（MONITORING_ALARM_HANDLE_DAYS）",
    )


def recipients(alarm: Alarm) -> list[User]:
    """The enterprise's accounts and the grid officers responsible for the outlet's grid."""
    users: list[User] = []
    outlet = alarm.outlet
    if outlet is not None:
        users += list(outlet.enterprise.members.filter(is_active=True))
    grid = alarm.device.org_unit
    if grid is not None:
        ids = [int(p) for p in grid.path.strip("/").split("/") if p]
        users += list(
            User.objects.filter(
                role=Role.GRID_OFFICER,
                is_active=True,
                org_unit_id__in=ids,
                org_unit__level__in=[OrgLevel.TOWN, OrgLevel.SUBGRID],
            )
        )
    return users


def describe(alarm: Alarm) -> str:
    start = to_beijing(alarm.started_at).strftime("%Y-%m-%d %H:%M")
    where = str(alarm.outlet) if alarm.outlet is not None else alarm.device.mn
    parts = [f"{where}：{alarm.title}，{start} 起"]
    if alarm.value is not None:
        parts.append(f"值 {alarm.value:.4g}{alarm.unit}")
    if alarm.limit_max is not None or alarm.limit_min is not None:
        bound = (
            f"{alarm.limit_min:g}–{alarm.limit_max:g}"
            if alarm.limit_min is not None and alarm.limit_max is not None
            else f"{alarm.limit_max if alarm.limit_max is not None else alarm.limit_min:g}"
        )
        parts.append(f"限值 {bound}{alarm.unit}")
    if alarm.multiple is not None:
        parts.append(f"超标 {alarm.multiple:.2f} 倍")
    return "，".join(parts)


def _after_open(pk: int) -> None:
    """Notify once (claimed by compare-and-set) and start the handling clock."""
    from epb.core.clocks import open_clock, start_clock
    from epb.core.notify import notify

    alarm = Alarm.objects.select_related("device__org_unit", "outlet__enterprise").filter(pk=pk).first()
    if alarm is None:
        return
    kinds = conf.notify_kinds()
    with transaction.atomic():
        claimed = Alarm.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=timezone.now())
        if claimed and (kinds is None or alarm.kind in kinds):
            notify(
                recipients(alarm),
                kind=f"monitoring.alarm.{alarm.kind}",
                title=f"【在线监控报警】{alarm.title}",
                body=describe(alarm),
                url=alarm.get_absolute_url(),
                subject=alarm,
            )
        if claimed and open_clock(alarm, CLOCK_KIND) is None and alarm.state != AlarmState.CLOSED:
            start_clock(
                alarm,
                handle_spec(),
                actor=None,
                label=f"报警处理：{alarm.title}"[:100],
                org_unit=alarm.device.org_unit,
                at=max(alarm.created_at, alarm.started_at),
            )


def on_clock(clock: Any, what: str, state: Any) -> None:
    """Overdue handling escalates: the grid's and the district's officers are told (督办)."""
    if what != "overdue" and not what.startswith("reminder:督办"):
        return
    alarm = Alarm.objects.select_related("device__org_unit").filter(pk=clock.subject_id).first()
    if alarm is None or alarm.state in (AlarmState.HANDLED, AlarmState.CLOSED) or alarm.escalated_at:
        return
    from epb.core.notify import notify

    audit.update(
        alarm,
        actor=None,
        action="monitoring.alarm.escalated",
        actor_label="monitoring",
        note="处理超期，升级督办",
        escalated_at=timezone.now(),
    )
    grid = alarm.device.org_unit
    ids = [int(p) for p in grid.path.strip("/").split("/") if p] if grid is not None else []
    officers = User.objects.filter(
        is_active=True, org_unit_id__in=ids, role__in=[Role.GRID_OFFICER, Role.DISTRICT_STAFF]
    )
    notify(
        list(officers),
        kind="monitoring.alarm.escalated",
        title=f"【督办】报警处理超期：{alarm.title}",
        body=describe(alarm),
        url=alarm.get_absolute_url(),
        subject=alarm,
    )


# ---------------------------------------------------------------------------- handling


def parties(user: Any, alarm: Alarm) -> set[Party]:
    """Who ``user`` is for this alarm (nothing if they cannot see it)."""
    from epb.monitoring.services import is_operator

    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    if not Alarm.objects.visible_to(user).filter(pk=alarm.pk).exists():
        return set()
    out: set[Party] = set()
    if (
        getattr(user, "role", None) == Role.ENTERPRISE
        and alarm.outlet is not None
        and alarm.outlet.enterprise.members.filter(pk=user.pk).exists()
    ):
        out.add(Party.ENTERPRISE)
    if getattr(user, "is_staff_member", False):
        out.add(Party.STAFF)
    if is_operator(user):
        out.add(Party.CENTRE)
    return out


def _require(action: str, alarm: Alarm, actor: Any) -> None:
    reason = why_not(action, alarm.state, parties(actor, alarm))
    if reason:
        if "无权" in reason or "只有" in reason:
            raise PermissionDenied(reason)
        raise ValidationError(reason)


def _stop_clock(alarm: Alarm, actor: Any) -> None:
    from epb.core.clocks import open_clock, stop_clock

    clock = open_clock(alarm, CLOCK_KIND)
    if clock is not None:
        stop_clock(clock, actor=actor)


def acknowledge(alarm: Alarm, *, actor: Any) -> Alarm:
    _require("acknowledge", alarm, actor)
    return audit.update(
        alarm,
        actor=actor,
        action="monitoring.alarm.acknowledged",
        state=STEPS["acknowledge"].target,
        acknowledged_at=timezone.now(),
        acknowledged_by=actor,
    )


def handle(
    alarm: Alarm,
    *,
    actor: Any,
    cause: str,
    measures: str,
    files: Sequence[tuple[str, BinaryIO]] = (),
) -> Alarm:
    """The enterprise states the cause and the measures taken, with evidence files."""
    from epb.core.attachments import attach

    _require("handle", alarm, actor)
    cause, measures = cause.strip(), measures.strip()
    errors = {}
    if not cause:
        errors["cause"] = _("请说明报警原因")
    if not measures:
        errors["measures"] = _("请填写已采取的整改措施")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        for name, upload in files:
            attach(alarm, upload, actor=actor, name=name, org_unit=alarm.device.org_unit, note="报警处理证据")
        changes: dict[str, Any] = {
            "state": STEPS["handle"].target,
            "handled_at": now,
            "handled_by": actor,
            "cause": cause,
            "measures": measures,
        }
        if alarm.acknowledged_at is None:
            changes |= {"acknowledged_at": now, "acknowledged_by": actor}
        audit.update(alarm, actor=actor, action="monitoring.alarm.handled", **changes)
        _stop_clock(alarm, actor)
    return alarm


def close(alarm: Alarm, *, actor: Any, note: str = "") -> Alarm:
    _require("close", alarm, actor)
    note = note.strip()
    if alarm.state != AlarmState.HANDLED and not note:
        raise ValidationError({"note": _("企业尚未处理，直接核销须写明理由")})
    with transaction.atomic():
        audit.update(
            alarm,
            actor=actor,
            action="monitoring.alarm.closed",
            state=STEPS["close"].target,
            closed_at=timezone.now(),
            closed_by=actor,
            close_note=note,
        )
        _stop_clock(alarm, actor)
    return alarm


def reopen(alarm: Alarm, *, actor: Any, note: str) -> Alarm:
    """The centre sends the handling back: the enterprise handles again, on a new clock."""
    from epb.core.clocks import start_clock

    _require("reopen", alarm, actor)
    if not note.strip():
        raise ValidationError({"note": _("退回须写明理由")})
    with transaction.atomic():
        audit.update(
            alarm,
            actor=actor,
            action="monitoring.alarm.reopened",
            note=note.strip(),
            state=STEPS["reopen"].target,
            reopened=alarm.reopened + 1,
            closed_at=None,
            closed_by=None,
            close_note=note.strip(),
            escalated_at=None,
        )
        _stop_clock(alarm, actor)
        start_clock(
            alarm,
            handle_spec(),
            actor=actor,
            label=f"报警处理（退回）：{alarm.title}"[:100],
            org_unit=alarm.device.org_unit,
        )
    return alarm


def case_url(alarm: Alarm) -> str | None:
    """The enforcement case form for this alarm (立案), when the enforcement app is installed."""
    from django.urls import NoReverseMatch, reverse

    try:
        return f"{reverse('enforcement:case_create')}?source=monitoring.alarm:{alarm.pk}"
    except NoReverseMatch:
        return None
