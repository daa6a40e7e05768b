"""Clocks on cases, end to end through the database, on the Chinese working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epb.core import clocks, services
from epb.core.calendar import invalidate_calendar
from epb.core.models import Clock, Notification
from epb.core.models.clocks import ClockState
from epb.lib.timeutil import BEIJING
from epb.lib.workdays import STATUTORY_CLOCKS, Basis, ClockSpec, ExtensionCapError, Reminder

pytestmark = pytest.mark.django_db


def bj(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _fresh_calendar() -> None:
    invalidate_calendar()


def test_seven_working_days_across_the_2026_spring_festival(tree: Any, enterprise: Any) -> None:
    # 2026: Feb 15–23 off, Feb 14 (Sat) and Feb 28 (Sat) worked.
    spec = STATUTORY_CLOCKS["enforcement.case_opening"]
    clock = clocks.start_clock(enterprise, spec, actor=None, at=bj(2026, 2, 12, 10), org_unit=tree.town_a1)
    # Working days after Feb 12: 13 (Fri), 14 (Sat, make-up), 24, 25, 26, 27, 28 (Sat, make-up).
    state = clocks.state_of(clock, now=bj(2026, 2, 12, 11))
    assert state.due_date == dt.date(2026, 2, 28)
    assert clock.due_at == bj(2026, 3, 1, 0)


def test_a_staff_override_moves_the_deadline(tree: Any, enterprise: Any) -> None:
    spec = ClockSpec("test.override", 2, Basis.WORKING)
    clock = clocks.start_clock(enterprise, spec, actor=None, at=bj(2026, 6, 1, 9))  # a Monday
    assert clocks.state_of(clock, now=bj(2026, 6, 1, 10)).due_date == dt.date(2026, 6, 3)
    services.set_holiday_override(actor=None, date=dt.date(2026, 6, 2), is_workday=False, name="本地停工")
    assert clocks.state_of(clock, now=bj(2026, 6, 1, 10)).due_date == dt.date(2026, 6, 4)


def test_extension_beyond_the_cap_is_refused_and_nothing_changes(tree: Any, enterprise: Any) -> None:
    spec = STATUTORY_CLOCKS["complaint.handle"]
    clock = clocks.start_clock(enterprise, spec, actor=None, at=bj(2026, 4, 1, 9))
    clock = clocks.extend_clock(clock, 20, actor=None, reason="情况复杂", at=bj(2026, 4, 20, 9))
    with pytest.raises(ExtensionCapError):
        clocks.extend_clock(clock, 11, actor=None, reason="再延", at=bj(2026, 4, 21, 9))
    clock.refresh_from_db()
    assert len(clock.events) == 2


def test_scan_reminds_once_flags_overdue_once_and_escalates(
    tree: Any, enterprise: Any, leader: Any, grid_officer: Any
) -> None:
    spec = ClockSpec(
        "test.scan",
        7,
        Basis.WORKING,
        reminders=(Reminder(2, Basis.WORKING, label="即将到期"), Reminder(-1, Basis.WORKING, label="催办")),
    )
    clock = clocks.start_clock(
        enterprise, spec, actor=None, at=bj(2026, 6, 1, 9), owner=grid_officer, org_unit=tree.town_a1
    )
    # Seven working days after Monday 2026-06-01 end with Wednesday 06-10.
    assert clocks.state_of(clock, now=bj(2026, 6, 1, 10)).due_date == dt.date(2026, 6, 10)
    assert clocks.scan_clocks(now=bj(2026, 6, 5, 10))["reminders"] == 0
    first = clocks.scan_clocks(now=bj(2026, 6, 8, 10))
    assert first["reminders"] == 1
    assert clocks.scan_clocks(now=bj(2026, 6, 8, 11))["reminders"] == 0
    assert Notification.objects.filter(recipient=grid_officer, title__contains="即将到期").count() == 1

    late = clocks.scan_clocks(now=bj(2026, 6, 11, 10))
    assert late["overdue"] == 1 and late["escalated"] == 1
    clock.refresh_from_db()
    assert clock.state == ClockState.OVERDUE
    assert clock.escalated_at is not None
    assert Notification.objects.filter(recipient=leader, title__contains="已超期").count() == 1
    assert Notification.objects.filter(recipient=leader, title__contains="催办").count() == 1
    assert clocks.scan_clocks(now=bj(2026, 6, 12, 10)) == {
        "checked": 1,
        "reminders": 0,
        "overdue": 0,
        "escalated": 0,
    }


def test_stop_before_the_deadline_is_met(tree: Any, enterprise: Any) -> None:
    clock = clocks.start_clock(
        enterprise, STATUTORY_CLOCKS["complaint.accept"], actor=None, at=bj(2026, 3, 2, 9)
    )
    clock = clocks.stop_clock(clock, actor=None, at=bj(2026, 3, 5, 9))
    assert clock.state == ClockState.MET
    assert clocks.open_clock(enterprise, "complaint.accept") is None
    assert Clock.objects.filter(pk=clock.pk, completed_at__isnull=False).exists()


def test_pause_then_resume(tree: Any, enterprise: Any) -> None:
    spec = STATUTORY_CLOCKS["enforcement.sealing"]
    clock = clocks.start_clock(enterprise, spec, actor=None, at=bj(2026, 7, 1, 9))
    clock = clocks.pause_clock(clock, actor=None, reason="检测期间", at=bj(2026, 7, 10, 9))
    assert clock.state == ClockState.PAUSED
    clock = clocks.resume_clock(clock, actor=None, at=bj(2026, 7, 15, 9))
    assert clocks.state_of(clock, now=bj(2026, 7, 15, 10)).due_date == dt.date(2026, 8, 5)


def test_scan_skips_clocks_that_start_after_now(tree: Any, enterprise: Any) -> None:
    clocks.start_clock(enterprise, STATUTORY_CLOCKS["complaint.accept"], actor=None, at=bj(2026, 9, 1, 9))
    running = clocks.start_clock(
        enterprise, STATUTORY_CLOCKS["complaint.accept"], actor=None, at=bj(2026, 6, 1, 9)
    )
    assert clocks.scan_clocks(now=bj(2026, 6, 2, 9))["checked"] == 1
    assert running.pk is not None
