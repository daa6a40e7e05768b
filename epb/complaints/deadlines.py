"""The centre's clocks: which spec each duty runs on, and how the app reacts to the shared scan.

Statutory clocks come from ``epb.lib.workdays.STATUTORY_CLOCKS`` with their legal basis; the few
local commitments below are marked [U] and can be changed with ``COMPLAINTS_CLOCK_OVERRIDES``.
All of them count on the one working-day calendar (holidays, 调休 make-up days, staff overrides).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from epb.complaints.conf import setting
from epb.core.models import Clock
from epb.lib.workdays import STATUTORY_CLOCKS, Basis, ClockSpec, ClockState, Reminder

ACCEPT = "complaint.accept"
HANDLE = "complaint.handle"
REHANDLE = "complaint.rehandle"
CONSULT = "complaint.consult"
CALLBACK = "complaint.callback"
REVIEW_REQUEST = "complaint.review_request"
REVIEW_DECISION = "complaint.review_decision"
SUPERVISION = "complaint.supervision"

#: Clocks that measure the handling of a case (one of them runs while a case is being handled).
HANDLING = (HANDLE, REHANDLE, CONSULT)

_SOON = (Reminder(3, Basis.WORKING, label="即将到期"), Reminder(1, Basis.WORKING, label="明日到期"))
_LATE = (Reminder(-1, Basis.WORKING, label="催办"), Reminder(-3, Basis.WORKING, label="督办"))

LOCAL_CLOCKS: dict[str, ClockSpec] = {
    spec.name: spec
    for spec in (
        ClockSpec(
            CONSULT,
            5,
            Basis.WORKING,
            reminders=(Reminder(1, Basis.WORKING, label="明日到期"), *_LATE),
            source="咨询答复时限：本局服务承诺，非法定期限 [U]",
        ),
        ClockSpec(
            REHANDLE,
            15,
            Basis.CALENDAR,
            last_day_rule=True,
            max_extension=15,
            reminders=_SOON + _LATE,
            source="回访不满意或复查复核决定重新办理后的办理时限：本局规定 [U]",
        ),
        ClockSpec(
            CALLBACK,
            5,
            Basis.WORKING,
            reminders=(Reminder(1, Basis.WORKING, label="回访即将到期"),),
            source="工作方案（2010）“落实回访制度”；回访时限为本局规定 [U]",
        ),
    )
}


def clock_spec(name: str) -> ClockSpec:
    """The spec for ``name``, with any override from ``COMPLAINTS_CLOCK_OVERRIDES`` applied."""
    base = LOCAL_CLOCKS.get(name) or STATUTORY_CLOCKS[name]
    override: dict[str, Any] = dict(setting("COMPLAINTS_CLOCK_OVERRIDES").get(name, {}))
    if not override:
        return base
    if "basis" in override:
        override["basis"] = Basis(override["basis"])
    return dataclasses.replace(base, **override)


def supervision_spec(days: int) -> ClockSpec:
    """A listed case runs to its own deadline (generally ≤ 1 year; Anhui 2021: 6 months, and an
    extension is asked for a month before). Extensions are the supervising body's decision."""
    return ClockSpec(
        SUPERVISION,
        max(1, days),
        Basis.CALENDAR,
        last_day_rule=False,
        max_extension=366,
        reminders=(
            Reminder(30, Basis.CALENDAR, label="申请延期提醒"),
            Reminder(7, Basis.CALENDAR, label="即将到期"),
            Reminder(-1, Basis.WORKING, label="催办"),
        ),
        source="《环境违法案件挂牌督办管理办法》（环办〔2009〕117号）；期限按挂牌时确定 [S]",
    )


def on_clock(clock: Clock, what: str, state: ClockState) -> None:
    """Reactions to the shared scan: put reminders and 催办/督办 on the case's timeline and flag
    an overdue case, so lists and bulletins can count it."""
    from epb.complaints.services import deadlines as react

    react.clock_fired(clock, what)
