"""Beijing time at the edges, aware UTC inside.

Every stored time is aware UTC. People, legal periods and HJ 212 packets speak Beijing time
(UTC+08:00, no daylight saving since 1991), so the conversions live here, once. A naive datetime
is always a bug in epb: every function that takes a datetime rejects one with
:class:`NaiveDatetimeError` instead of guessing its zone.

Period bounds are half-open ``[start, end)`` pairs of aware UTC datetimes, ready for
``timestamp__gte=start, timestamp__lt=end`` filters.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

#: Beijing time, a fixed +08:00 offset (China has had no daylight saving time since 1991).
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")

__all__ = [
    "BEIJING",
    "NaiveDatetimeError",
    "beijing_date",
    "beijing_midnight",
    "day_bounds",
    "iso_week",
    "iso_week_label",
    "month_bounds",
    "now_utc",
    "parse_beijing",
    "quarter_bounds",
    "quarter_label",
    "require_aware",
    "to_beijing",
    "to_utc",
    "week_bounds",
    "year_bounds",
]


class NaiveDatetimeError(ValueError):
    """A datetime without tzinfo reached code that cannot know which zone it meant."""


def require_aware(dt: datetime, what: str = "datetime") -> datetime:
    """Return ``dt`` unchanged, or raise if it is naive (or not a datetime at all)."""
    if not isinstance(dt, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{what} {dt.isoformat()} is naive; pass an aware datetime (UTC or Beijing time)"
        )
    return dt


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_utc(dt: datetime) -> datetime:
    return require_aware(dt).astimezone(UTC)


def to_beijing(dt: datetime) -> datetime:
    return require_aware(dt).astimezone(BEIJING)


def beijing_date(dt: datetime) -> date:
    """The calendar date in Beijing at instant ``dt`` (what legal day counting uses)."""
    return to_beijing(dt).date()


def beijing_midnight(d: date) -> datetime:
    """00:00 Beijing time at the start of ``d``, as aware UTC."""
    if isinstance(d, datetime):
        raise TypeError("beijing_midnight takes a date; use beijing_date(dt) first")
    return datetime.combine(d, time(0), tzinfo=BEIJING).astimezone(UTC)


def _as_beijing_day(value: date | datetime) -> date:
    # datetime is a subclass of date, so it must be tested first.
    if isinstance(value, datetime):
        return beijing_date(value)
    return value


def day_bounds(value: date | datetime) -> tuple[datetime, datetime]:
    """The Beijing day containing ``value`` as ``[start, end)`` in UTC."""
    d = _as_beijing_day(value)
    return beijing_midnight(d), beijing_midnight(d + timedelta(days=1))


def week_bounds(value: date | datetime) -> tuple[datetime, datetime]:
    """The ISO week (Monday to Sunday, Beijing time) containing ``value``."""
    d = _as_beijing_day(value)
    monday = d - timedelta(days=d.weekday())
    return beijing_midnight(monday), beijing_midnight(monday + timedelta(days=7))


def _month_start(year: int, month: int) -> date:
    # Months past December roll into the next year, so callers can pass month + 3 freely.
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1)


def month_bounds(value: date | datetime) -> tuple[datetime, datetime]:
    d = _as_beijing_day(value)
    return beijing_midnight(_month_start(d.year, d.month)), beijing_midnight(
        _month_start(d.year, d.month + 1)
    )


def quarter_bounds(value: date | datetime) -> tuple[datetime, datetime]:
    d = _as_beijing_day(value)
    first = 3 * ((d.month - 1) // 3) + 1
    return beijing_midnight(_month_start(d.year, first)), beijing_midnight(_month_start(d.year, first + 3))


def year_bounds(value: date | datetime) -> tuple[datetime, datetime]:
    d = _as_beijing_day(value)
    return beijing_midnight(date(d.year, 1, 1)), beijing_midnight(date(d.year + 1, 1, 1))


def iso_week(value: date | datetime) -> tuple[int, int]:
    """ISO year and week number; the ISO year differs from the calendar year around New Year."""
    iso = _as_beijing_day(value).isocalendar()
    return iso.year, iso.week


def iso_week_label(value: date | datetime) -> str:
    """``"2026-W07"``: sorts correctly as text and is what weekly bulletins are keyed by."""
    year, week = iso_week(value)
    return f"{year}-W{week:02d}"


def quarter_label(value: date | datetime) -> str:
    """``"2026Q1"``."""
    d = _as_beijing_day(value)
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


# HJ 212 writes compact times: yyyyMMddHHmmss, and QN adds milliseconds (yyyyMMddHHmmssZZZ).
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$")


def parse_beijing(text: str) -> datetime:
    """Parse a time written in Beijing time and return it as aware UTC.

    Accepted forms: ISO 8601 (``2026-02-14 08:30``, ``2026-02-14T08:30:00.250``), a bare date
    (``2026-02-14`` = 00:00 that day), and the HJ 212 compact forms ``20260214083000`` and
    ``20260214083000250``. A string that carries its own offset (``…+00:00``, ``…Z``) is taken at
    its word. Anything else raises ``ValueError`` naming the input.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_beijing takes a string, got {type(text).__name__}")
    raw = text.strip()
    compact = _COMPACT.match(raw)
    try:
        if compact:
            y, mo, d, h, mi, s, ms = compact.groups()
            parsed = datetime(
                int(y), int(mo), int(d), int(h), int(mi), int(s), int(ms or 0) * 1000, tzinfo=BEIJING
            )
        else:
            parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{text!r} is not a Beijing time (ISO 8601 or yyyyMMddHHmmss[ZZZ])") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return parsed.astimezone(UTC)
