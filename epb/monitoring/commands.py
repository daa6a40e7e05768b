"""The receiver's side of the command queue: claim, send, resend, answers, time-outs.

Runs in the gateway's storage thread (never on the event loop). Every state change is a
compare-and-set ``UPDATE … WHERE state = <expected>`` — so two receivers, or a receiver and
the web, can never both move one command — followed by an audit entry in the same
transaction. The rules themselves (which answer moves which state, when to resend) are pure
functions in ``rules.py``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from epb.core import audit
from epb.hj212 import (
    Target,
    Version,
    make_qn,
    request_history,
    set_time,
    start_realtime,
    stop_realtime,
)
from epb.monitoring import rules
from epb.monitoring.choices import HISTORY_COMMANDS, CommandKind, CommandState, FrameOutcome
from epb.monitoring.models import Command, Device, RawFrame

logger = logging.getLogger("epb.monitoring.commands")

RECEIVER_LABEL = "HJ 212 接收服务"
_WAITING = (CommandState.PENDING, CommandState.SENT, CommandState.ACCEPTED)


def timeouts() -> rules.CommandTimeouts:
    """Command time limits; the defaults follow HJ 212-2017 Table 1 (settings may override)."""
    base = rules.CommandTimeouts()
    return rules.CommandTimeouts(
        answer=timedelta(
            seconds=getattr(settings, "HJ212_COMMAND_ANSWER_SECONDS", base.answer.total_seconds())
        ),
        attempts=int(getattr(settings, "HJ212_COMMAND_ATTEMPTS", base.attempts)),
        execute=timedelta(
            seconds=getattr(settings, "HJ212_COMMAND_EXECUTE_SECONDS", base.execute.total_seconds())
        ),
        history=timedelta(
            seconds=getattr(settings, "HJ212_COMMAND_HISTORY_SECONDS", base.history.total_seconds())
        ),
        pending=timedelta(
            seconds=getattr(settings, "HJ212_COMMAND_PENDING_SECONDS", base.pending.total_seconds())
        ),
    )


def new_qn(device_id: int, when: datetime) -> str:
    """A QN (request time in Beijing time, with milliseconds) unused for this device."""
    used = set(
        Command.objects.filter(device_id=device_id, qn__startswith=make_qn(when)[:14]).values_list(
            "qn", flat=True
        )
    )
    step = timedelta(milliseconds=1)
    qn = make_qn(when)
    while qn in used:
        when += step
        qn = make_qn(when)
    return qn


def _move(
    command: Command,
    expected: str,
    *,
    action: str,
    actor_label: str = RECEIVER_LABEL,
    log_note: str = "",
    **changes: Any,
) -> bool:
    """Compare-and-set the command from ``expected`` to ``changes``; log it when it moved."""
    with transaction.atomic():
        moved = Command.objects.filter(pk=command.pk, state=expected).update(**changes)
        if not moved:
            return False
        before = audit.snapshot(command)
        for name, value in changes.items():
            setattr(command, name, value)
        after = audit.snapshot(command)
        audit.log(
            action, command, actor=None, actor_label=actor_label, before=before, after=after, note=log_note
        )
    return True


def record_answer(device_id: int, cn: str, qn: str, rtn: int | None, when: datetime) -> bool:
    """Apply a device's 9011 / 9012 / 9013 to the command it answers; False if it changed nothing."""
    command = Command.objects.filter(device_id=device_id, qn=qn).first()
    if command is None:
        return False
    step = rules.answer_transition(command.kind, command.state, cn, rtn)
    if step is None:
        return False
    changes: dict[str, Any] = {"state": step.state}
    if cn == "9011":
        changes.update(answered_at=when, qn_rtn=rtn)
    elif cn == "9012":
        changes.update(exe_rtn=rtn)
    if step.state in (CommandState.DONE, CommandState.REJECTED, CommandState.FAILED):
        changes["finished_at"] = when
    if step.note:
        changes["note"] = step.note[:200]
    return _move(command, command.state, action=f"monitoring.command.{step.state}", **changes)


def request_time_calibration(device_id: int) -> Command | None:
    """A device sent 1013: queue a 1012 for it, unless one is already on its way."""
    if Command.objects.filter(device_id=device_id, kind=CommandKind.SET_TIME, state__in=_WAITING).exists():
        return None
    now = datetime.now().astimezone()
    return audit.create(
        Command,
        actor=None,
        actor_label=RECEIVER_LABEL,
        device_id=device_id,
        kind=CommandKind.SET_TIME,
        qn=new_qn(device_id, now),
        note="设备请求校时（1013）",
    )


_FLAG = re.compile(rb";Flag=(\d{1,3})[;,]")
_ACCEPTED = (FrameOutcome.DATA, FrameOutcome.HEARTBEAT, FrameOutcome.INTERACTION, FrameOutcome.OTHER)


def edition(device: Device) -> Version:
    """The edition to speak to a device: its pinned version, else the one of its last frame.

    A 2025 logger (Flag version bits 000010) must get Flag=9 commands, not 2017's Flag=5.
    Any other device, or one that has sent nothing yet, is addressed in 2017 as before.
    """
    if device.version:
        return Version(device.version)
    raw = (
        RawFrame.objects.filter(device=device, outcome__in=_ACCEPTED)
        .order_by("-received_at", "-id")
        .values_list("raw", flat=True)
        .first()
    )
    match = None if raw is None else _FLAG.search(bytes(raw))
    if match is None:
        return Version.V2017
    return Version.V2025 if int(match.group(1)) >> 2 == 2 else Version.V2017


def build_frame(command: Command, device: Device, now: datetime) -> bytes:
    """The bytes of a command for its device (1012 carries the time of sending)."""
    version = edition(device)
    target = Target(device.mn, device.pw, device.system, version)
    kind = command.kind
    if kind == CommandKind.SET_TIME:
        return set_time(target, qn=command.qn, system_time=now)
    if kind == CommandKind.START_REALTIME:
        return start_realtime(target, qn=command.qn)
    if kind == CommandKind.STOP_REALTIME:
        return stop_realtime(target, qn=command.qn)
    if kind in HISTORY_COMMANDS:
        assert command.begin_time is not None and command.end_time is not None
        return request_history(target, cn=kind, qn=command.qn, begin=command.begin_time, end=command.end_time)
    raise ValueError(f"unknown command kind {kind!r}")


@dataclass(frozen=True)
class Outgoing:
    mn: str
    frame: bytes
    command_id: int


def dispatch(connected: Collection[str], receiver: str, now: datetime) -> list[Outgoing]:
    """One round of the queue for a receiver holding connections to the MNs in ``connected``.

    Times out what waited too long (any receiver may), resends its own unanswered commands,
    and claims pending commands for its connected devices. Returns the frames to write.
    """
    limits = timeouts()
    out: list[Outgoing] = []
    waiting = list(
        Command.objects.filter(state__in=_WAITING).select_related("device").order_by("created_at", "id")
    )
    for command in waiting:
        device = command.device
        due = rules.due_action(
            kind=command.kind,
            state=command.state,
            attempts=command.attempts,
            created_at=command.created_at,
            sent_at=command.sent_at,
            answered_at=command.answered_at,
            now=now,
            limits=limits,
        )
        ours = command.claimed_by == receiver and device.mn in connected
        if due is rules.Due.RESEND and not ours:
            # Another receiver's command: it resends while it lives; past every try, time it out.
            stale = command.sent_at is not None and now - command.sent_at >= limits.answer * (
                limits.attempts + 1
            )
            due = rules.Due.TIME_OUT if stale else None
        if due is rules.Due.TIME_OUT:
            note = (
                "设备未连接，命令未能发出" if command.state == CommandState.PENDING else "设备未在时限内应答"
            )
            _move(
                command,
                command.state,
                action="monitoring.command.timed_out",
                state=CommandState.TIMED_OUT,
                finished_at=now,
                note=note,
            )
        elif due is rules.Due.RESEND:
            previous = command.attempts
            moved = (
                Command.objects.filter(pk=command.pk, state=CommandState.SENT, attempts=previous).update(
                    attempts=previous + 1, sent_at=now
                )
                == 1
            )
            if moved:
                audit.log(
                    "monitoring.command.resent",
                    command,
                    actor=None,
                    actor_label=RECEIVER_LABEL,
                    before={"attempts": previous},
                    after={"attempts": previous + 1},
                    note=receiver,
                )
                out.append(Outgoing(device.mn, build_frame(command, device, now), command.pk))
        elif command.state == CommandState.PENDING and device.mn in connected and device.is_active:
            claimed = _move(
                command,
                CommandState.PENDING,
                action="monitoring.command.sent",
                state=CommandState.SENT,
                claimed_by=receiver[:100],
                attempts=1,
                sent_at=now,
            )
            if claimed:
                out.append(Outgoing(device.mn, build_frame(command, device, now), command.pk))
    return out
