"""HJ 212 times: ``YYYYMMDDhhmmss`` in Beijing time on the wire, aware UTC in Python.

China has used a single UTC+8 offset without daylight saving since 1991, so Asia/Shanghai is
the fixed offset +08:00 for every time a device can send; no time-zone database is needed.
Nothing here reads a clock: callers pass the times they mean.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from epb.hj212._errors import LocalProtocolError

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
_EIGHT_HOURS = timedelta(hours=8)

# Many devices report the same DataTime (the minute or hour boundary); parsing is cached.
_CACHE: dict[str, datetime | None] = {}
_CACHE_MAX = 4096


def parse_time(text: str) -> datetime | None:
    """Parse an HJ 212 time (first 14 digits; milliseconds ignored) into aware UTC.

    Returns ``None`` when the text is not a valid time.
    """
    try:
        return _CACHE[text]
    except KeyError:
        pass
    value: datetime | None = None
    if len(text) >= 14 and text[:14].isdigit() and text[:14].isascii():
        try:
            value = (
                datetime(
                    int(text[0:4]),
                    int(text[4:6]),
                    int(text[6:8]),
                    int(text[8:10]),
                    int(text[10:12]),
                    int(text[12:14]),
                    tzinfo=UTC,
                )
                - _EIGHT_HOURS
            )
        except (ValueError, OverflowError):  # month 13, or year 1 shifted below datetime.min
            value = None
    if len(text) <= 17:  # 14 digits, or 17 with milliseconds; longer texts are not kept
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[text] = value
    return value


def _beijing(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise LocalProtocolError(f"naive datetime {when!r}: HJ 212 times need an aware datetime")
    return when.astimezone(BEIJING)


def format_time(when: datetime) -> str:
    """Format an aware datetime as the 14 HJ 212 digits, in Beijing time."""
    return _beijing(when).strftime("%Y%m%d%H%M%S")


def make_qn(when: datetime) -> str:
    """A QN (``YYYYMMDDhhmmsszzz``, Beijing time with milliseconds) for a request sent ``when``."""
    local = _beijing(when)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def isoformat_beijing(when: datetime) -> str:
    """ISO 8601 in Beijing time with its +08:00 offset (how ``epb hj212 decode`` shows times)."""
    return _beijing(when).isoformat()
