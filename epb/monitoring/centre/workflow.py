"""The handling of an alarm as a table: action → from which states, to which state, by whom.

Pure; ``centre.alarms`` applies it (audit entry, clock, notifications). The enterprise answers
for its own alarms (acknowledges, states the cause and the measures with evidence); the centre
(bureau staff who operate the monitoring) acknowledges too, and closes or sends back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from epb.monitoring.choices import AlarmState


class Party(enum.StrEnum):
    ENTERPRISE = "enterprise"  # a member of the alarm's enterprise
    STAFF = "staff"  # bureau staff who can see the alarm (grid officers included)
    CENTRE = "centre"  # monitoring operators: leadership, divisions, district bureaux


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[AlarmState]
    target: AlarmState
    parties: frozenset[Party]
    needs_note: bool = False


STEPS: dict[str, Step] = {
    s.action: s
    for s in (
        Step(
            "acknowledge",
            frozenset({AlarmState.RAISED}),
            AlarmState.ACKNOWLEDGED,
            frozenset({Party.ENTERPRISE, Party.STAFF, Party.CENTRE}),
        ),
        Step(
            "handle",
            frozenset({AlarmState.RAISED, AlarmState.ACKNOWLEDGED}),
            AlarmState.HANDLED,
            frozenset({Party.ENTERPRISE}),
            needs_note=True,
        ),
        Step(
            "close",
            frozenset({AlarmState.RAISED, AlarmState.ACKNOWLEDGED, AlarmState.HANDLED}),
            AlarmState.CLOSED,
            frozenset({Party.CENTRE}),
        ),
        Step(
            "reopen",
            frozenset({AlarmState.HANDLED, AlarmState.CLOSED}),
            AlarmState.ACKNOWLEDGED,
            frozenset({Party.CENTRE}),
            needs_note=True,
        ),
    )
}


def allowed(action: str, state: str, parties: set[Party]) -> bool:
    step = STEPS.get(action)
    return step is not None and state in step.sources and bool(step.parties & parties)


def actions_for(state: str, parties: set[Party]) -> list[str]:
    return [name for name in STEPS if allowed(name, state, parties)]


def why_not(action: str, state: str, parties: set[Party]) -> str:
    """A clear reason an action is refused ("" when it is allowed)."""
    step = STEPS.get(action)
    if step is None:
        return f"未知操作 {action}"
    if not step.parties & parties:
        who = {
            "handle": "只有企业可以填报处理情况",
            "close": "只有监控中心可以核销",
            "reopen": "只有监控中心可以退回",
        }
        return who.get(action, "无权执行此操作")
    if state not in step.sources:
        return f"当前状态（{AlarmState(state).label}）不能执行此操作"
    return ""
