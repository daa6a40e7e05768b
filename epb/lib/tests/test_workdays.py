"""The working-day calendar and the clocks, checked against the published holiday schedules.

Schedules used (State Council notices, as chinese_calendar carries them):
2025 National Day + Mid-autumn: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
2026 New Year: 1–3 Jan off, Sun 4 Jan worked.
2026 Spring Festival: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb worked.
2026 Mid-autumn 25–27 Sep off, National Day 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from epb.lib.timeutil import BEIJING, NaiveDatetimeError
from epb.lib.workdays import (
    STATUTORY_CLOCKS,
    Basis,
    ClockError,
    ClockEvent,
    ClockSpec,
    ClockState,
    ClockStatus,
    DayKind,
    DayOverride,
    DaySource,
    EventKind,
    ExtensionCapError,
    Reminder,
    WorkdayCalendar,
    end_of_day,
    evaluate_clock,
)

CAL = WorkdayCalendar()
D = date.fromisoformat
W, C = Basis.WORKING, Basis.CALENDAR


def bj(text: str) -> datetime:
    """An instant written in Beijing time, e.g. ``bj("2026-02-14 09:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


# -- the calendar ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday", "kind", "name", "source", "confirmed"),
    [
        ("2026-02-13", True, DayKind.WORKDAY, None, DaySource.BASE, True),
        ("2026-02-14", True, DayKind.MAKEUP_WORKDAY, "春节", DaySource.BASE, True),
        ("2026-02-15", False, DayKind.HOLIDAY, "春节", DaySource.BASE, True),
        ("2026-02-23", False, DayKind.HOLIDAY, "春节", DaySource.BASE, True),  # a Monday off
        ("2026-02-24", True, DayKind.WORKDAY, None, DaySource.BASE, True),
        ("2026-02-28", True, DayKind.MAKEUP_WORKDAY, "春节", DaySource.BASE, True),
        ("2026-03-01", False, DayKind.WEEKEND, None, DaySource.BASE, True),
        ("2025-09-28", True, DayKind.MAKEUP_WORKDAY, "国庆节", DaySource.BASE, True),
        ("2025-10-06", False, DayKind.HOLIDAY, "中秋", DaySource.BASE, True),
        ("2025-10-08", False, DayKind.HOLIDAY, "国庆节", DaySource.BASE, True),
        ("2025-10-09", True, DayKind.WORKDAY, None, DaySource.BASE, True),
        ("2025-10-11", True, DayKind.MAKEUP_WORKDAY, "国庆节", DaySource.BASE, True),
        ("2026-10-07", False, DayKind.HOLIDAY, "国庆节", DaySource.BASE, True),
        ("2026-10-10", True, DayKind.MAKEUP_WORKDAY, "国庆节", DaySource.BASE, True),
        ("2026-01-04", True, DayKind.MAKEUP_WORKDAY, "元旦", DaySource.BASE, True),
        # Past the package's data: weekends off, flagged unconfirmed.
        ("2027-01-01", True, DayKind.WORKDAY, None, DaySource.FALLBACK, False),
        ("2027-01-02", False, DayKind.WEEKEND, None, DaySource.FALLBACK, False),
    ],
)
def test_base_calendar(
    day: str, workday: bool, kind: DayKind, name: str | None, source: DaySource, confirmed: bool
) -> None:
    info = CAL.day_info(D(day))
    assert (info.is_workday, info.kind, info.name, info.source, info.confirmed) == (
        workday,
        kind,
        name,
        source,
        confirmed,
    )
    assert CAL.is_workday(D(day)) is workday
    assert CAL.holiday_name(D(day)) == name
    assert CAL.is_confirmed(D(day)) is confirmed


OVERRIDES = WorkdayCalendar(
    {
        D("2026-02-16"): DayOverride(True, "应急值守"),  # a holiday worked
        D("2026-03-03"): DayOverride(False, "暴雨停工"),  # a weekday closed
        D("2026-03-07"): True,  # a Saturday worked, no name
        D("2026-02-14"): False,  # a make-up day cancelled
        D("2027-02-11"): DayOverride(False, "春节"),  # next year's schedule, entered by staff
    },
    confirmed_years=[2028],
)


@pytest.mark.parametrize(
    ("day", "workday", "kind", "name", "source", "confirmed"),
    [
        ("2026-02-16", True, DayKind.WORKDAY, "应急值守", DaySource.OVERRIDE, True),
        ("2026-03-03", False, DayKind.HOLIDAY, "暴雨停工", DaySource.OVERRIDE, True),
        ("2026-03-07", True, DayKind.MAKEUP_WORKDAY, None, DaySource.OVERRIDE, True),
        ("2026-02-14", False, DayKind.WEEKEND, None, DaySource.OVERRIDE, True),
        ("2027-02-11", False, DayKind.HOLIDAY, "春节", DaySource.OVERRIDE, True),
        ("2027-02-12", True, DayKind.WORKDAY, None, DaySource.FALLBACK, False),
        ("2028-01-01", False, DayKind.WEEKEND, None, DaySource.FALLBACK, True),  # year confirmed
        ("2026-02-17", False, DayKind.HOLIDAY, "春节", DaySource.BASE, True),  # untouched days
    ],
)
def test_overrides_win_over_the_base(
    day: str, workday: bool, kind: DayKind, name: str | None, source: DaySource, confirmed: bool
) -> None:
    info = OVERRIDES.day_info(D(day))
    assert (info.is_workday, info.kind, info.name, info.source, info.confirmed) == (
        workday,
        kind,
        name,
        source,
        confirmed,
    )


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({datetime(2026, 1, 1, tzinfo=UTC): True}, "keys must be dates"),
        ({"2026-01-01": True}, "keys must be dates"),
        ({D("2026-01-01"): "yes"}, "must be a bool or DayOverride"),
    ],
)
def test_bad_overrides_are_rejected(overrides: dict[object, object], error: str) -> None:
    with pytest.raises(TypeError, match=error):
        WorkdayCalendar(overrides)  # type: ignore[arg-type]


def test_calendar_methods_refuse_datetimes() -> None:
    with pytest.raises(TypeError, match="beijing_date"):
        CAL.is_workday(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(TypeError, match="beijing_date"):
        CAL.add(datetime(2026, 1, 1, tzinfo=UTC), 1, C)


@pytest.mark.parametrize(
    ("day", "inclusive", "following", "preceding"),
    [
        ("2026-02-13", False, "2026-02-14", "2026-02-12"),
        ("2026-02-14", False, "2026-02-24", "2026-02-13"),  # over the whole Spring Festival
        ("2026-02-14", True, "2026-02-14", "2026-02-14"),
        ("2026-02-20", True, "2026-02-24", "2026-02-14"),
        ("2025-09-30", False, "2025-10-09", "2025-09-29"),
        ("2025-12-31", False, "2026-01-04", "2025-12-30"),  # a Sunday make-up day across the year
    ],
)
def test_next_and_previous_workday(day: str, inclusive: bool, following: str, preceding: str) -> None:
    assert CAL.next_workday(D(day), inclusive=inclusive) == D(following)
    assert CAL.previous_workday(D(day), inclusive=inclusive) == D(preceding)


@pytest.mark.parametrize(
    ("start", "n", "basis", "rule", "expected"),
    [
        ("2026-02-10", 5, C, False, "2026-02-15"),  # lands on the first day of Spring Festival
        ("2026-02-10", 5, C, True, "2026-02-24"),  # ... and moves to the first working day after it
        ("2026-02-13", 15, C, True, "2026-02-28"),  # a Saturday, but a make-up working day: stays
        ("2026-02-14", 15, C, True, "2026-03-02"),  # an ordinary Sunday moves to Monday
        ("2026-09-24", 7, C, True, "2026-10-08"),  # National Day 2026
        ("2025-12-17", 15, C, True, "2026-01-04"),  # across the year onto a Sunday make-up day
        ("2026-02-12", 1, W, False, "2026-02-13"),
        ("2026-02-12", 2, W, False, "2026-02-14"),  # the Saturday make-up day counts
        ("2026-02-12", 3, W, False, "2026-02-24"),
        ("2026-02-12", 5, W, True, "2026-02-26"),  # the rule changes nothing for working days
        ("2025-09-26", 1, W, False, "2025-09-28"),
        ("2025-09-26", 4, W, False, "2025-10-09"),
        ("2025-09-26", 6, W, False, "2025-10-11"),
        ("2026-09-30", 1, W, False, "2026-10-08"),
        ("2025-12-31", 1, W, False, "2026-01-04"),
        ("2026-12-31", 1, W, False, "2027-01-01"),  # fallback: unconfirmed, a weekday counts
        ("2026-02-24", -1, W, False, "2026-02-14"),
        ("2026-02-24", -3, W, False, "2026-02-12"),
        ("2026-02-24", -10, C, True, "2026-02-14"),  # no rule when counting backwards
        ("2026-02-15", 0, W, True, "2026-02-15"),
    ],
)
def test_add(start: str, n: int, basis: Basis, rule: bool, expected: str) -> None:
    assert CAL.add(D(start), n, basis, last_day_rule=rule) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "basis", "expected"),
    [
        ("2026-02-13", "2026-02-24", W, 2),  # 14 Feb (make-up) and 24 Feb
        ("2026-02-13", "2026-02-24", C, 11),
        ("2026-02-24", "2026-02-13", W, -2),
        ("2026-02-14", "2026-02-23", W, 0),  # the day itself is not counted; the rest are holidays
        ("2025-09-30", "2025-10-12", W, 3),  # 9, 10 and 11 Oct
        ("2026-01-01", "2026-01-01", C, 0),
    ],
)
def test_count(start: str, end: str, basis: Basis, expected: int) -> None:
    assert CAL.count(D(start), D(end), basis) == expected


@pytest.mark.parametrize("basis", [W, C])
@pytest.mark.parametrize("start", ["2025-09-20", "2026-02-10", "2026-12-20"])
def test_count_inverts_add(start: str, basis: Basis) -> None:
    for n in range(-25, 26):
        assert CAL.count(D(start), CAL.add(D(start), n, basis), basis) == n


def test_unconfirmed_days_and_confirmed_years() -> None:
    assert CAL.unconfirmed_days(D("2026-12-30"), D("2027-01-02")) == [D("2027-01-01"), D("2027-01-02")]
    assert WorkdayCalendar(confirmed_years={2027}).unconfirmed_days(D("2026-12-30"), D("2027-01-02")) == []


@pytest.mark.parametrize(
    ("day", "instant"),
    [
        ("2026-02-24", datetime(2026, 2, 24, 16, 0, tzinfo=UTC)),
        ("2025-12-31", datetime(2025, 12, 31, 16, 0, tzinfo=UTC)),
    ],
)
def test_a_day_ends_at_24_00_beijing(day: str, instant: datetime) -> None:
    assert end_of_day(D(day)) == instant
    assert end_of_day(D(day)) == bj(f"{day} 00:00") + timedelta(days=1)


# -- clocks ------------------------------------------------------------------------------------

HANDLE = ClockSpec(
    "handle",
    60,
    C,
    last_day_rule=True,
    max_extension=30,
    reminders=(
        Reminder(3, W, label="即将到期"),
        Reminder(1, W, label="即将到期"),
        Reminder(-1, W, label="催办"),
        Reminder(-3, W, label="督办"),
    ),
)
HANDLE_NO_RULE = ClockSpec("handle-no-rule", 60, C, max_extension=30)
SEAL = ClockSpec("seal", 30, C, max_extension=30)
OPEN_CASE = ClockSpec("open-case", 7, W)
THREE_WORKDAYS = ClockSpec("three", 3, W)
FIFTEEN_DAYS = ClockSpec("fifteen", 15, C, last_day_rule=True)


def ev(kind: str, at: str, days: int = 0) -> ClockEvent:
    return ClockEvent(EventKind(kind), bj(at), days)


def state(spec: ClockSpec, events: list[ClockEvent], now: str, calendar: WorkdayCalendar = CAL) -> ClockState:
    return evaluate_clock(spec, events, now=bj(now), calendar=calendar)


@pytest.mark.parametrize(
    ("spec", "start", "due"),
    [
        (HANDLE, "2026-08-02 10:00", "2026-10-08"),  # day 60 = 1 Oct, moved past National Day
        (HANDLE_NO_RULE, "2026-08-02 10:00", "2026-10-01"),
        (HANDLE, "2026-08-01 23:59", "2026-09-30"),  # the Beijing date decides, not UTC's
        (HANDLE, "2026-08-01 16:30", "2026-09-30"),
        (OPEN_CASE, "2026-02-11 16:00", "2026-02-27"),  # 12, 13, 14 (make-up), 24, 25, 26, 27
        (OPEN_CASE, "2026-02-15 09:00", "2026-03-03"),  # started on a holiday: 24 Feb is day 1, 28 is 5
        (SEAL, "2026-01-20 11:00", "2026-02-19"),  # no last-day rule: ends inside the holiday
    ],
)
def test_due_date_of_a_running_clock(spec: ClockSpec, start: str, due: str) -> None:
    s = state(spec, [ev("start", start)], start)
    assert s.status is ClockStatus.RUNNING
    assert s.due_date == D(due)
    assert s.due_at == end_of_day(D(due))
    assert s.due_at is not None and s.due_at.tzinfo is UTC
    assert s.remaining == CAL.count(D(start[:10]), D(due), spec.basis)


@pytest.mark.parametrize(
    ("now", "status", "remaining", "overdue_by"),
    [
        ("2026-10-08 23:59:59", ClockStatus.RUNNING, 0, None),
        ("2026-10-09 00:00:00", ClockStatus.OVERDUE, -1, timedelta(0)),
        ("2026-10-12 08:00:00", ClockStatus.OVERDUE, -4, timedelta(days=3, hours=8)),
    ],
)
def test_running_clock_at_the_beijing_midnight_boundary(
    now: str, status: ClockStatus, remaining: int, overdue_by: timedelta | None
) -> None:
    s = state(HANDLE, [ev("start", "2026-08-02 10:00")], now)
    assert (s.status, s.remaining, s.overdue_by) == (status, remaining, overdue_by)


@pytest.mark.parametrize(
    ("stop", "status", "overdue_by"),
    [
        ("2026-10-08 23:59:59", ClockStatus.MET, None),
        ("2026-10-09 00:00:00", ClockStatus.COMPLETED_LATE, timedelta(0)),
        ("2026-10-09 10:30:00", ClockStatus.COMPLETED_LATE, timedelta(hours=10, minutes=30)),
    ],
)
def test_stopping_at_the_beijing_midnight_boundary(
    stop: str, status: ClockStatus, overdue_by: timedelta | None
) -> None:
    s = state(HANDLE, [ev("start", "2026-08-02 10:00"), ev("stop", stop)], "2026-12-01 00:00")
    assert (s.status, s.overdue_by, s.remaining, s.reminders) == (status, overdue_by, None, ())
    assert s.stopped_at == bj(stop)


def test_a_working_day_pause_moves_the_deadline_by_the_working_days_it_covered() -> None:
    # 7 working days from Mon 9 Feb 2026: 10, 11, 12, 13, 14, 24, 25 → due 25 Feb.
    events = [ev("start", "2026-02-09 09:00"), ev("pause", "2026-02-12 15:00")]
    paused = state(OPEN_CASE, events, "2026-02-20 10:00")
    # Left after the pause day: 13, 14, 24, 25.
    assert (paused.status, paused.remaining, paused.due_date, paused.due_at) == (
        ClockStatus.PAUSED,
        4,
        None,
        None,
    )
    assert paused.paused_days == 2  # 13 and 14 Feb; the rest of the span is Spring Festival
    assert paused.reminders == ()

    resumed = state(OPEN_CASE, [*events, ev("resume", "2026-02-26 10:00")], "2026-02-26 10:00")
    # (12 Feb, 26 Feb] holds 5 working days (13, 14, 24, 25, 26). The 4 days left run from 26 Feb:
    # 27, Sat 28 (make-up), 2 Mar, 3 Mar. That is 25 Feb moved by 5 working days.
    assert resumed.paused_days == 5
    assert resumed.due_date == D("2026-03-03")
    assert resumed.due_date == CAL.add(D("2026-02-25"), resumed.paused_days, W)
    assert resumed.status is ClockStatus.RUNNING


def test_a_calendar_pause_moves_the_deadline_by_calendar_days() -> None:
    # Sealing from 20 Jan: day 30 = 19 Feb. Testing 1–10 Feb is not counted (9 days).
    events = [
        ev("start", "2026-01-20 11:00"),
        ev("pause", "2026-02-01 09:00"),
        ev("resume", "2026-02-10 17:00"),
    ]
    s = state(SEAL, events, "2026-02-11 09:00")
    assert (s.paused_days, s.due_date) == (9, D("2026-02-28"))


def test_pause_and_resume_on_the_same_day_move_nothing() -> None:
    events = [
        ev("start", "2026-02-09 09:00"),
        ev("pause", "2026-02-12 09:00"),
        ev("resume", "2026-02-12 17:00"),
    ]
    s = state(OPEN_CASE, events, "2026-02-13 09:00")
    assert (s.paused_days, s.due_date) == (0, D("2026-02-25"))


def test_resuming_with_nothing_left_on_a_rest_day_ends_on_the_next_working_day() -> None:
    # 3 working days from Wed 11 Feb: 12, 13, 14 (make-up Saturday). Paused on the due day itself.
    events = [ev("start", "2026-02-11 09:00"), ev("pause", "2026-02-14 10:00")]
    assert state(THREE_WORKDAYS, events, "2026-02-14 11:00").remaining == 0
    s = state(THREE_WORKDAYS, [*events, ev("resume", "2026-02-15 10:00")], "2026-02-16 10:00")
    assert (s.status, s.due_date) == (ClockStatus.RUNNING, D("2026-02-24"))


def test_a_pause_in_the_holiday_grace_resumes_with_nothing_left() -> None:
    # 15 days from 16 Sep 2026: day 15 = 1 Oct, moved to 8 Oct. Paused on 5 Oct, inside the grace.
    events = [
        ev("start", "2026-09-16 09:00"),
        ev("pause", "2026-10-05 09:00"),
        ev("resume", "2026-10-20 09:00"),
    ]
    s = state(FIFTEEN_DAYS, events, "2026-10-20 12:00")
    assert (s.status, s.due_date, s.remaining) == (ClockStatus.RUNNING, D("2026-10-20"), 0)


def test_stopping_a_paused_clock_meets_it() -> None:
    events = [
        ev("start", "2026-02-09 09:00"),
        ev("pause", "2026-02-12 15:00"),
        ev("stop", "2026-02-26 10:00"),
    ]
    s = state(OPEN_CASE, events, "2026-03-10 09:00")
    assert (s.status, s.due_date, s.paused_days, s.overdue_by) == (ClockStatus.MET, D("2026-03-03"), 5, None)


def test_a_breach_is_final() -> None:
    # Sealing from 1 Mar: last day 31 Mar. Paused only on 2 Apr, after the breach.
    events = [ev("start", "2026-03-01 10:00"), ev("pause", "2026-04-02 10:00")]
    paused_after = state(SEAL, events, "2026-04-03 10:00")
    assert (paused_after.status, paused_after.due_date) == (ClockStatus.OVERDUE, D("2026-03-31"))
    events.append(ev("resume", "2026-04-05 10:00"))
    s = state(SEAL, events, "2026-04-10 10:00")
    assert (s.status, s.due_date, s.remaining) == (ClockStatus.OVERDUE, D("2026-03-31"), -10)
    assert s.overdue_by == bj("2026-04-10 10:00") - bj("2026-04-01 00:00")
    with pytest.raises(ClockError, match="ran out at the end of 2026-03-31"):
        state(SEAL, [*events, ev("extend", "2026-04-06 10:00", 10)], "2026-04-10 10:00")
    done = state(SEAL, [*events, ev("stop", "2026-04-12 10:00")], "2026-04-13 10:00")
    assert (done.status, done.overdue_by) == (ClockStatus.COMPLETED_LATE, timedelta(days=11, hours=10))


@pytest.mark.parametrize(
    ("spec", "extensions", "due"),
    [
        # 60 days from 2 Aug 2026 = 1 Oct (holiday); +30 counts from 1 Oct, not from the moved day:
        # day 90 = 31 Oct (Saturday) → Mon 2 Nov.
        (HANDLE, [30], "2026-11-02"),
        (HANDLE, [10, 20], "2026-11-02"),
        (HANDLE, [10], "2026-10-12"),  # day 70 = Sun 11 Oct → Mon 12 Oct
        (HANDLE_NO_RULE, [30], "2026-10-31"),
        (SEAL, [30], "2026-10-01"),  # sealing 30 + 30 from 2 Aug: day 60 is not moved
    ],
)
def test_extensions_add_to_the_period(spec: ClockSpec, extensions: list[int], due: str) -> None:
    events = [ev("start", "2026-08-02 10:00")]
    events += [ev("extend", f"2026-08-{10 + i:02d} 10:00", days) for i, days in enumerate(extensions)]
    s = state(spec, events, "2026-08-20 10:00")
    assert s.due_date == D(due)
    assert s.extension_days == sum(extensions)
    assert s.extension_left == spec.max_extension - sum(extensions)


@pytest.mark.parametrize(
    ("spec", "extensions"),
    [
        (HANDLE, [31]),
        (HANDLE, [20, 11]),
        (SEAL, [30, 1]),
        (OPEN_CASE, [1]),  # no extension allowed at all
    ],
)
def test_extension_beyond_the_cap_is_refused(spec: ClockSpec, extensions: list[int]) -> None:
    events = [ev("start", "2026-03-02 10:00")]
    events += [ev("extend", f"2026-03-{3 + i:02d} 10:00", days) for i, days in enumerate(extensions)]
    with pytest.raises(ExtensionCapError, match=f"at most {spec.max_extension}"):
        state(spec, events, "2026-03-20 10:00")


def test_an_extension_while_paused_adds_to_the_days_left() -> None:
    events = [
        ev("start", "2026-03-02 10:00"),  # sealing: day 30 = 1 Apr
        ev("pause", "2026-03-11 10:00"),  # 21 days left
        ev("extend", "2026-03-12 10:00", 30),
    ]
    assert state(SEAL, events, "2026-03-13 10:00").remaining == 51
    s = state(SEAL, [*events, ev("resume", "2026-03-21 10:00")], "2026-03-22 10:00")
    assert s.due_date == D("2026-03-21") + timedelta(days=51)


def test_reminders_and_escalations() -> None:
    # Due 8 Oct 2026. Working days before: 30 Sep (1), 29 Sep, 28 Sep (3); after: 9 Oct (1),
    # Sat 10 Oct (make-up, 2), 12 Oct (3).
    start = [ev("start", "2026-08-02 10:00")]
    expected = [
        bj("2026-09-28 09:00"),
        bj("2026-09-30 09:00"),
        bj("2026-10-09 09:00"),
        bj("2026-10-12 09:00"),
    ]
    at_due = state(HANDLE, start, "2026-09-30 09:00")
    assert [r.at for r in at_due.reminders] == expected
    assert [r.reminder.label for r in at_due.reminders_due] == ["即将到期", "即将到期"]
    late = state(HANDLE, start, "2026-10-09 09:00")
    assert [r.reminder.label for r in late.reminders_due] == ["即将到期", "即将到期", "催办"]
    assert all(r.at.tzinfo is UTC for r in late.reminders)
    early = state(HANDLE, start, "2026-09-28 08:59")
    assert early.reminders_due == ()


def test_reminder_time_of_day_is_beijing_time() -> None:
    spec = ClockSpec("r", 5, W, reminders=(Reminder(0, W, at=time(17, 30)),))
    s = state(spec, [ev("start", "2026-03-02 09:00")], "2026-03-02 09:00")
    assert s.reminders[0].at == bj("2026-03-09 17:30")


def test_events_after_now_are_ignored_so_history_can_be_replayed() -> None:
    events = [ev("start", "2026-08-02 10:00"), ev("stop", "2026-10-09 10:00")]
    assert state(HANDLE, events, "2026-09-01 00:00").status is ClockStatus.RUNNING
    assert state(HANDLE, events, "2026-10-09 09:00").status is ClockStatus.OVERDUE
    assert state(HANDLE, events, "2026-10-09 10:00").status is ClockStatus.COMPLETED_LATE


def test_overrides_move_clock_deadlines() -> None:
    closed = WorkdayCalendar({D("2026-02-24"): DayOverride(False, "延长休假")})
    s = state(OPEN_CASE, [ev("start", "2026-02-09 09:00")], "2026-02-09 09:00", closed)
    assert s.due_date == D("2026-02-26")


def test_a_clock_reaching_into_an_unscheduled_year_says_so() -> None:
    events = [ev("start", "2026-12-01 09:00")]
    # Day 60 = Sat 30 Jan 2027 by the fallback rule → Mon 1 Feb.
    s = state(HANDLE, events, "2026-12-01 09:00")
    assert (s.due_date, s.calendar_confirmed) == (D("2027-02-01"), False)
    entered = WorkdayCalendar({D("2027-02-01"): DayOverride(False, "春节")}, confirmed_years=[2027])
    s = state(HANDLE, events, "2026-12-01 09:00", entered)
    assert (s.due_date, s.calendar_confirmed) == (D("2027-02-02"), True)
    paused = state(HANDLE, [*events, ev("pause", "2026-12-20 09:00")], "2027-01-05 09:00")
    assert (paused.status, paused.calendar_confirmed) == (ClockStatus.PAUSED, False)
    assert state(HANDLE, [ev("start", "2026-03-01 09:00")], "2026-03-01 09:00").calendar_confirmed


@pytest.mark.parametrize(
    ("events", "now", "error"),
    [
        ([], "2026-03-01 09:00", "no events"),
        ([ev("pause", "2026-03-01 09:00")], "2026-03-01 10:00", "must begin with a start"),
        (
            [ev("start", "2026-03-02 09:00"), ev("pause", "2026-03-01 09:00")],
            "2026-03-05 09:00",
            "time order",
        ),
        ([ev("start", "2026-03-02 09:00")], "2026-03-01 09:00", "had not started"),
        (
            [ev("start", "2026-03-02 09:00"), ev("start", "2026-03-03 09:00")],
            "2026-03-05 09:00",
            "already started",
        ),
        (
            [
                ev("start", "2026-03-02 09:00"),
                ev("pause", "2026-03-03 09:00"),
                ev("pause", "2026-03-04 09:00"),
            ],
            "2026-03-05 09:00",
            "already paused",
        ),
        (
            [ev("start", "2026-03-02 09:00"), ev("resume", "2026-03-03 09:00")],
            "2026-03-05 09:00",
            "not paused",
        ),
        (
            [
                ev("start", "2026-03-02 09:00"),
                ev("stop", "2026-03-03 09:00"),
                ev("pause", "2026-03-04 09:00"),
            ],
            "2026-03-05 09:00",
            "was stopped",
        ),
    ],
)
def test_impossible_event_sequences_are_refused(events: list[ClockEvent], now: str, error: str) -> None:
    with pytest.raises(ClockError, match=error):
        state(HANDLE, events, now)


def test_evaluation_needs_an_aware_now() -> None:
    with pytest.raises(NaiveDatetimeError):
        evaluate_clock(HANDLE, [ev("start", "2026-03-02 09:00")], now=datetime(2026, 3, 3), calendar=CAL)


@pytest.mark.parametrize(
    ("kind", "at", "days", "error", "message"),
    [
        ("start", datetime(2026, 3, 1, 9), 0, NaiveDatetimeError, "naive"),
        ("extend", datetime(2026, 3, 1, 9, tzinfo=UTC), 0, ClockError, "at least one day"),
        ("extend", datetime(2026, 3, 1, 9, tzinfo=UTC), -5, ClockError, "at least one day"),
        ("pause", datetime(2026, 3, 1, 9, tzinfo=UTC), 3, ClockError, "only extensions"),
        ("snooze", datetime(2026, 3, 1, 9, tzinfo=UTC), 0, ValueError, "snooze"),
    ],
)
def test_bad_events(kind: str, at: datetime, days: int, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        ClockEvent(kind, at, days)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "", "duration": 5, "basis": C}, "needs a name"),
        ({"name": "x", "duration": 0, "basis": C}, "at least one day"),
        ({"name": "x", "duration": 5, "basis": C, "max_extension": -1}, "cannot be negative"),
        ({"name": "x", "duration": 5, "basis": "fortnights"}, "fortnights"),
    ],
)
def test_bad_specs(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClockSpec(**kwargs)  # type: ignore[arg-type]


def test_spec_accepts_the_basis_as_text() -> None:
    assert ClockSpec("x", 5, "working").basis is Basis.WORKING  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "duration", "basis", "rule", "cap"),
    [
        ("complaint.accept", 15, C, True, 0),
        ("complaint.handle", 60, C, True, 30),
        ("enforcement.case_opening", 7, W, False, 0),
        ("enforcement.sealing", 30, C, False, 30),
        ("enforcement.sealing_release_review", 5, W, False, 0),
    ],
)
def test_statutory_defaults(name: str, duration: int, basis: Basis, rule: bool, cap: int) -> None:
    spec = STATUTORY_CLOCKS[name]
    assert (spec.duration, spec.basis, spec.last_day_rule, spec.max_extension) == (duration, basis, rule, cap)


def test_every_statutory_default_names_its_source() -> None:
    for name, spec in STATUTORY_CLOCKS.items():
        assert spec.name == name
        assert "[" in spec.source and len(spec.source) > 20, name
