"""The one working-day calendar of the platform: the official schedule plus staff overrides.

Built from ``HolidayOverride`` rows and kept for a minute per process (overrides change a few
times a year); a change made in this process is seen at once, one made in another process
within a minute.
"""

from __future__ import annotations

import threading
import time

from epb.lib.workdays import DayOverride, WorkdayCalendar

_TTL_SECONDS = 60.0
_lock = threading.Lock()
_cached: tuple[float, WorkdayCalendar] | None = None


def workday_calendar() -> WorkdayCalendar:
    global _cached
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < _TTL_SECONDS:
            return _cached[1]
    from epb.core.models import HolidayOverride

    overrides = {o.date: DayOverride(o.is_workday, o.name) for o in HolidayOverride.objects.all()}
    calendar = WorkdayCalendar(overrides)
    with _lock:
        _cached = (time.monotonic(), calendar)
    return calendar


def invalidate_calendar() -> None:
    global _cached
    with _lock:
        _cached = None
