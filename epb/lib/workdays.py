"""The working-day calendar and the arithmetic of legal periods (期间).

Complaints, enforcement measures, rectification, alarms and approvals all count their deadlines
here, on one calendar:

* the base rule is ``chinese_calendar``: public holidays and the 调休 make-up working days that the
  State Council announces each year;
* the bureau's staff can override any day in the app (an extra closure, a late-announced make-up
  day, the next year's schedule before the package knows it); **overrides always win**;
* outside the years the package covers, weekends are rest days and every other day is a working
  day, and such days are flagged *unconfirmed* so the UI can warn that a deadline may move once
  the year's schedule is entered.

Counting rules (the sources are quoted where each rule is applied):

* the day of the event is not counted; a period starts on the next day
  (《民法典》art. 201 "开始的当日不计入，自下一日开始计算");
* a calendar-day period whose last day is a rest day ends on the next working day
  (《民法典》art. 203 "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日"); this is
  a per-clock option, :attr:`ClockSpec.last_day_rule`, because it protects someone who must act
  within a period and must not lengthen a coercive measure such as sealing;
* a period ends at 24:00 of its last day (《民法典》art. 203 para. 2), in Beijing time; deadlines are
  returned as aware UTC datetimes equal to 00:00 +08:00 of the following day, so an act at
  23:59:59 +08:00 on the last day is on time and one at 00:00 +08:00 the next day is late;
* a working-day period (工作日) skips rest days and always ends on a working day.

The clock model (:class:`ClockSpec`, :class:`ClockEvent`, :func:`evaluate_clock`) is pure: the app
stores the events and asks for the state at any instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar

from epb.lib.timeutil import BEIJING, beijing_date, beijing_midnight, require_aware, to_utc

__all__ = [
    "STATUTORY_CLOCKS",
    "Basis",
    "ClockError",
    "ClockEvent",
    "ClockSpec",
    "ClockState",
    "ClockStatus",
    "DayInfo",
    "DayKind",
    "DayOverride",
    "DaySource",
    "EventKind",
    "ExtensionCapError",
    "Reminder",
    "ScheduledReminder",
    "WorkdayCalendar",
    "end_of_day",
    "evaluate_clock",
]


class Basis(StrEnum):
    CALENDAR = "calendar"  # 日 / 自然日
    WORKING = "working"  # 工作日


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a public holiday or a weekday given off in lieu (调休休息)
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day worked in exchange (调休上班)


class DaySource(StrEnum):
    BASE = "base"  # chinese_calendar's published schedule
    OVERRIDE = "override"  # entered by the bureau's staff
    FALLBACK = "fallback"  # no schedule known: weekends off


@dataclass(frozen=True)
class DayOverride:
    is_workday: bool
    name: str = ""


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_workday: bool
    kind: DayKind
    name: str | None
    source: DaySource
    confirmed: bool  # False: the answer is the weekend fallback for a year nobody has confirmed


# chinese_calendar names holidays in English; the UI speaks Chinese.
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@lru_cache(maxsize=16384)
def _base_day(d: date) -> tuple[bool, str | None] | None:
    """(is_workday, holiday name) from the package, or None outside its years.

    Cached because the package rescans its tables on every call, and period arithmetic asks about
    the same few hundred days again and again.
    """
    try:
        rest, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return None
    return (not rest), (_CHINESE_NAMES.get(name, name) if name else None)


def _kind(d: date, is_workday: bool, named: bool) -> DayKind:
    weekend = d.weekday() >= 5
    if is_workday:
        return DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
    if weekend and not named:
        return DayKind.WEEKEND
    return DayKind.HOLIDAY


class WorkdayCalendar:
    """Which days are working days, from the package, the bureau's overrides and a fallback.

    ``overrides`` maps a date to ``True``/``False`` or to a :class:`DayOverride` with a name.
    ``confirmed_years`` lists years outside the package's data whose schedule the staff have
    entered completely as overrides, so their remaining weekend-rule days stop being flagged.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool | DayOverride] | None = None,
        confirmed_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, DayOverride] = {}
        for d, value in (overrides or {}).items():
            if isinstance(d, datetime) or not isinstance(d, date):
                raise TypeError(f"override keys must be dates, got {d!r}")
            if isinstance(value, bool):
                value = DayOverride(value)
            elif not isinstance(value, DayOverride):
                raise TypeError(f"override for {d} must be a bool or DayOverride, got {value!r}")
            self._overrides[d] = value
        self._confirmed_years = frozenset(confirmed_years)

    # -- single days -------------------------------------------------------------------------

    def day_info(self, d: date) -> DayInfo:
        if isinstance(d, datetime):
            raise TypeError("calendar methods take Beijing dates; convert with beijing_date(dt)")
        override = self._overrides.get(d)
        if override is not None:
            name = override.name or None
            kind = _kind(d, override.is_workday, name is not None)
            return DayInfo(d, override.is_workday, kind, name, DaySource.OVERRIDE, True)
        base = _base_day(d)
        if base is not None:
            workday, name = base
            return DayInfo(d, workday, _kind(d, workday, name is not None), name, DaySource.BASE, True)
        workday = d.weekday() < 5
        kind = DayKind.WORKDAY if workday else DayKind.WEEKEND
        return DayInfo(d, workday, kind, None, DaySource.FALLBACK, d.year in self._confirmed_years)

    def is_workday(self, d: date) -> bool:
        return self.day_info(d).is_workday

    def is_confirmed(self, d: date) -> bool:
        return self.day_info(d).confirmed

    def holiday_name(self, d: date) -> str | None:
        """The holiday a day belongs to (``"春节"``), for rest days and make-up working days alike.

        ``day_info(d).kind`` tells the two apart. Plain weekdays and weekends give ``None``.
        """
        return self.day_info(d).name

    def unconfirmed_days(self, start: date, end: date) -> list[date]:
        """Days in ``[start, end]`` answered by the fallback rule alone."""
        return [d for d in _days(start, end) if not self.is_confirmed(d)]

    def next_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day after ``d`` (or ``d`` itself when ``inclusive`` and it is one)."""
        current = d if inclusive else d + timedelta(days=1)
        while not self.is_workday(current):
            current += timedelta(days=1)
        return current

    def previous_workday(self, d: date, *, inclusive: bool = False) -> date:
        current = d if inclusive else d - timedelta(days=1)
        while not self.is_workday(current):
            current -= timedelta(days=1)
        return current

    # -- periods ----------------------------------------------------------------------------

    def add(self, start: date, n: int, basis: Basis, *, last_day_rule: bool = False) -> date:
        """The last day of a period of ``n`` days counted from the day after ``start``.

        ``n`` may be negative (for "3 working days before"), in which case the days are counted
        backwards from the day before ``start``. ``add(start, 0, basis)`` is ``start``.
        ``last_day_rule`` moves a last day that is a rest day to the next working day
        (《民法典》art. 203); it changes nothing for working-day periods, which end on working days.
        """
        if isinstance(start, datetime):
            raise TypeError("calendar methods take Beijing dates; convert with beijing_date(dt)")
        basis = Basis(basis)
        if basis is Basis.CALENDAR:
            end = start + timedelta(days=n)
        else:
            end = start
            step = timedelta(days=1 if n > 0 else -1)
            for _ in range(abs(n)):
                end += step
                while not self.is_workday(end):
                    end += step
        if last_day_rule and n > 0:
            end = self.next_workday(end, inclusive=True)
        return end

    def count(self, start: date, end: date, basis: Basis) -> int:
        """Days of ``basis`` in ``(start, end]``, or minus those in ``[end, start)`` going back.

        The inverse of :meth:`add` in both directions: ``count(s, add(s, n, b), b) == n``.
        """
        basis = Basis(basis)
        if basis is Basis.CALENDAR:
            return (end - start).days
        if end < start:
            return -sum(1 for d in _days(end, start - timedelta(days=1)) if self.is_workday(d))
        return sum(1 for d in _days(start + timedelta(days=1), end) if self.is_workday(d))


def _days(start: date, end: date) -> Iterable[date]:
    current = start
    while current <= end:
        yield current
        current += timedelta(days=1)


def end_of_day(d: date) -> datetime:
    """The instant a period whose last day is ``d`` runs out: 24:00 Beijing time, as aware UTC."""
    return beijing_midnight(d + timedelta(days=1))


# -- the clock model ---------------------------------------------------------------------------


class ClockError(ValueError):
    """The events cannot happen to this clock (wrong order, unknown state, bad values)."""


class ExtensionCapError(ClockError):
    """An extension would take the clock past the maximum its legal basis allows."""


@dataclass(frozen=True)
class Reminder:
    """A warning ``days_before`` the due day, at ``at`` Beijing time on that day.

    A negative ``days_before`` schedules an escalation after the due day (``-1`` = the first day
    of ``basis`` after it), e.g. 催办 then 督办.
    """

    days_before: int
    basis: Basis = Basis.WORKING
    at: time = time(9, 0)
    label: str = ""


@dataclass(frozen=True)
class ClockSpec:
    """A kind of deadline: how long, counted how, and how far it may be extended.

    ``duration`` and ``max_extension`` are counted in ``basis``; ``max_extension`` caps the sum of
    all extensions. ``source`` names the rule the figures come from.
    """

    name: str
    duration: int
    basis: Basis
    last_day_rule: bool = False
    max_extension: int = 0
    reminders: tuple[Reminder, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a clock needs a name")
        if self.duration < 1:
            raise ValueError(f"clock {self.name!r}: duration must be at least one day")
        if self.max_extension < 0:
            raise ValueError(f"clock {self.name!r}: max_extension cannot be negative")
        object.__setattr__(self, "basis", Basis(self.basis))


class EventKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    STOP = "stop"  # the duty was done (accepted, handled, released …)


@dataclass(frozen=True)
class ClockEvent:
    kind: EventKind
    at: datetime
    days: int = 0  # extensions only

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EventKind(self.kind))
        require_aware(self.at, f"{self.kind} event time")
        if self.kind is EventKind.EXTEND and self.days < 1:
            raise ClockError(f"an extension must add at least one day, got {self.days}")
        if self.kind is not EventKind.EXTEND and self.days:
            raise ClockError(f"only extensions carry days, not {self.kind}")


class ClockStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    OVERDUE = "overdue"
    COMPLETED_LATE = "completed_late"


@dataclass(frozen=True)
class ScheduledReminder:
    reminder: Reminder
    at: datetime  # aware UTC
    due: bool  # its time has come (as of the evaluation instant)


@dataclass(frozen=True)
class ClockState:
    spec: ClockSpec
    status: ClockStatus
    started_at: datetime
    due_date: date | None  # the last day (Beijing); None while paused
    due_at: datetime | None  # 24:00 Beijing of due_date, aware UTC; None while paused
    remaining: int | None  # days of the basis after today up to due_date; negative when overdue
    overdue_by: timedelta | None
    paused_days: int  # days of the basis the pauses have taken out of the count
    extension_days: int
    stopped_at: datetime | None
    calendar_confirmed: bool  # False: some counted day rests on the unconfirmed fallback
    reminders: tuple[ScheduledReminder, ...] = field(default=())

    @property
    def extension_left(self) -> int:
        return self.spec.max_extension - self.extension_days

    @property
    def reminders_due(self) -> tuple[ScheduledReminder, ...]:
        return tuple(r for r in self.reminders if r.due)


def evaluate_clock(
    spec: ClockSpec, events: Sequence[ClockEvent], *, now: datetime, calendar: WorkdayCalendar
) -> ClockState:
    """The state of a clock at ``now`` given its events (events after ``now`` are ignored).

    Model, all counting in ``spec.basis`` on Beijing dates:

    * START on day S: the nominal last day is ``add(S, duration)``; the due day applies the
      last-day rule to it when the spec says so.
    * PAUSE on day P keeps the days left after P (``count(P, nominal)``): the pause day itself
      is used up, as the clock ran on it. RESUME on day R treats R like a new start: the nominal
      last day becomes ``add(R, left)``. A pause therefore moves the deadline by the days of the
      basis in ``(P, R]``: for a working-day clock, only the working days the pause covered. A
      pause and resume on the same day moves nothing.
    * EXTEND by k moves the nominal last day by k days of the basis, so "60 + 30" ends where a
      90-day period would; the last-day rule is applied once, to the final last day. Extensions
      after the deadline has passed, or beyond ``max_extension``, raise.
    * The deadline is 24:00 Beijing of the due day. A running clock that reaches it is breached
      for good: later pauses do not move it, and STOP then gives ``completed_late``.
    """
    require_aware(now, "now")
    if not events:
        raise ClockError(f"clock {spec.name!r} has no events; it must begin with a start event")
    basis = spec.basis
    previous: datetime | None = None
    for event in events:
        if previous is not None and event.at < previous:
            raise ClockError(
                f"clock {spec.name!r}: events must be in time order ({event.kind} at {event.at})"
            )
        previous = event.at
    if events[0].kind is not EventKind.START:
        raise ClockError(f"clock {spec.name!r} must begin with a start event, not {events[0].kind}")
    started_at = to_utc(events[0].at)
    if now < started_at:
        raise ClockError(f"clock {spec.name!r} had not started at {now.isoformat()}")

    def due_of(nominal: date) -> date:
        # A working-day period ends on a working day even when zero days were left at a resume
        # on a rest day; a calendar period moves only under the last-day rule.
        if basis is Basis.WORKING or spec.last_day_rule:
            return calendar.next_workday(nominal, inclusive=True)
        return nominal

    start_day = beijing_date(started_at)
    nominal: date = calendar.add(start_day, spec.duration, basis)
    paused_on: date | None = None
    left = 0
    paused_days = 0
    extension_days = 0
    breach: date | None = None  # the due day that was missed
    stopped_at: datetime | None = None
    latest_day = start_day

    for event in events[1:]:
        if event.at > now:
            break
        if stopped_at is not None:
            raise ClockError(f"clock {spec.name!r} was stopped; {event.kind} cannot follow")
        day = beijing_date(event.at)
        latest_day = day
        if breach is None and paused_on is None and event.at >= end_of_day(due_of(nominal)):
            breach = due_of(nominal)
        if event.kind is EventKind.START:
            raise ClockError(f"clock {spec.name!r} was already started")
        if event.kind is EventKind.PAUSE:
            if paused_on is not None:
                raise ClockError(f"clock {spec.name!r} is already paused")
            paused_on = day
            left = max(0, calendar.count(day, nominal, basis))
        elif event.kind is EventKind.RESUME:
            if paused_on is None:
                raise ClockError(f"clock {spec.name!r} is not paused")
            paused_days += calendar.count(paused_on, day, basis)
            nominal = calendar.add(day, left, basis)
            paused_on = None
        elif event.kind is EventKind.EXTEND:
            if breach is not None:
                raise ClockError(
                    f"clock {spec.name!r} ran out at the end of {breach}; it cannot be extended afterwards"
                )
            allowed = spec.max_extension - extension_days
            if event.days > allowed:
                raise ExtensionCapError(
                    f"clock {spec.name!r}: an extension of {event.days} {basis} days exceeds what is left "
                    f"({allowed} of at most {spec.max_extension})"
                )
            extension_days += event.days
            if paused_on is not None:
                left += event.days
            else:
                nominal = calendar.add(nominal, event.days, basis)
        else:  # STOP; stopping a paused clock resumes it for the instant, so its due day is coherent
            if paused_on is not None:
                paused_days += calendar.count(paused_on, day, basis)
                nominal = calendar.add(day, left, basis)
                paused_on = None
            stopped_at = to_utc(event.at)

    today = beijing_date(now)
    if paused_on is not None and breach is None and stopped_at is None:
        paused_days += calendar.count(paused_on, today, basis)
        return ClockState(
            spec=spec,
            status=ClockStatus.PAUSED,
            started_at=started_at,
            due_date=None,
            due_at=None,
            remaining=left,
            overdue_by=None,
            paused_days=paused_days,
            extension_days=extension_days,
            stopped_at=None,
            calendar_confirmed=not calendar.unconfirmed_days(start_day, max(today, latest_day)),
        )

    due_day = breach if breach is not None else due_of(nominal)
    due_at = end_of_day(due_day)
    if stopped_at is not None:
        late = breach is not None or stopped_at >= due_at
        status = ClockStatus.COMPLETED_LATE if late else ClockStatus.MET
        overdue_by = stopped_at - due_at if late else None
        remaining = None
        reminders: tuple[ScheduledReminder, ...] = ()
    else:
        late = breach is not None or now >= due_at
        status = ClockStatus.OVERDUE if late else ClockStatus.RUNNING
        overdue_by = now - due_at if late else None
        remaining = calendar.count(today, due_day, basis)
        reminders = tuple(_schedule(r, due_day, now, calendar) for r in spec.reminders)
    return ClockState(
        spec=spec,
        status=status,
        started_at=started_at,
        due_date=due_day,
        due_at=due_at,
        remaining=remaining,
        overdue_by=overdue_by,
        paused_days=paused_days,
        extension_days=extension_days,
        stopped_at=stopped_at,
        calendar_confirmed=not calendar.unconfirmed_days(start_day, due_day),
        reminders=reminders,
    )


def _schedule(
    reminder: Reminder, due_day: date, now: datetime, calendar: WorkdayCalendar
) -> ScheduledReminder:
    day = calendar.add(due_day, -reminder.days_before, reminder.basis)
    at = to_utc(datetime.combine(day, reminder.at, tzinfo=BEIJING))
    return ScheduledReminder(reminder, at, at <= now)


# -- statutory defaults ------------------------------------------------------------------------

_BEFORE = (Reminder(3, Basis.WORKING, label="即将到期"), Reminder(1, Basis.WORKING, label="明日到期"))
_AFTER = (Reminder(-1, Basis.WORKING, label="催办"), Reminder(-3, Basis.WORKING, label="督办"))

#: Default clocks with their legal basis. Tags as in the reference notes: [V] seen in the text,
#: [S] secondary source, [R] recalled, to verify. The apps seed their editable clock settings
#: from these; local commitments (e.g. Fujian's 3 working days for phone reports) are settings.
STATUTORY_CLOCKS: Mapping[str, ClockSpec] = {
    spec.name: spec
    for spec in (
        ClockSpec(
            "complaint.accept",
            15,
            Basis.CALENDAR,
            last_day_rule=True,
            reminders=_BEFORE + _AFTER,
            source="《环境信访办法》(2006), 《环保举报热线工作管理办法》(2010): "
            "decide on acceptance and tell the reporter within 15 days [S]",
        ),
        ClockSpec(
            "complaint.handle",
            60,
            Basis.CALENDAR,
            last_day_rule=True,
            max_extension=30,
            reminders=_BEFORE + _AFTER,
            source="《环保举报热线工作管理办法》(2010): 60 days from acceptance, extension ≤30 days "
            "approved by the head of department [S]",
        ),
        ClockSpec(
            "complaint.review_request",
            30,
            Basis.CALENDAR,
            last_day_rule=True,
            source="《信访条例》(2005) 复查 request within 30 days of the reply [S]",
        ),
        ClockSpec(
            "complaint.review_decision",
            30,
            Basis.CALENDAR,
            last_day_rule=True,
            reminders=_BEFORE,
            source="《信访条例》(2005) 复查/复核 decision within 30 days [S]",
        ),
        ClockSpec(
            "enforcement.case_opening",
            7,
            Basis.WORKING,
            reminders=(Reminder(2, Basis.WORKING, label="即将到期"),),
            source="《环境行政处罚办法》(2010) art. 22: decide whether to open a case "
            "within 7 working days [V]",
        ),
        ClockSpec(
            "enforcement.sealing",
            30,
            Basis.CALENDAR,
            last_day_rule=False,  # the term limits a coercive measure; it must not grow over holidays
            max_extension=30,
            reminders=_BEFORE,
            source="《行政强制法》art. 25; 《环境保护主管部门实施查封、扣押办法》(令29): ≤30 days, "
            "+≤30 with the head's approval; testing time excluded (pause) [V]",
        ),
        ClockSpec(
            "enforcement.sealing_release_review",
            5,
            Basis.WORKING,
            source="令29: check a release application within 5 working days [S]",
        ),
        ClockSpec(
            "enforcement.fine_payment",
            15,
            Basis.CALENDAR,
            last_day_rule=True,
            source="《行政处罚法》: pay within 15 days of receiving the decision [R]",
        ),
        ClockSpec(
            "enforcement.daily_fine_reinspection",
            30,
            Basis.CALENDAR,
            last_day_rule=False,  # the bureau's own inspection window, not a party's time to act
            reminders=_BEFORE,
            source="令28 按日连续处罚: unannounced re-inspection within 30 days of service [R]",
        ),
    )
}
