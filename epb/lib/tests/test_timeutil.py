from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from epb.lib.timeutil import (
    BEIJING,
    NaiveDatetimeError,
    beijing_date,
    beijing_midnight,
    day_bounds,
    iso_week,
    iso_week_label,
    month_bounds,
    now_utc,
    parse_beijing,
    quarter_bounds,
    quarter_label,
    require_aware,
    to_beijing,
    to_utc,
    week_bounds,
    year_bounds,
)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def test_beijing_is_a_fixed_eight_hours_all_year() -> None:
    for month in (1, 7):  # no daylight saving: winter and summer alike
        assert datetime(2026, month, 1, tzinfo=BEIJING).utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("func", "value"),
    [
        (require_aware, datetime(2026, 1, 1)),
        (to_utc, datetime(2026, 1, 1)),
        (to_beijing, datetime(2026, 1, 1)),
        (beijing_date, datetime(2026, 1, 1, 12)),
        (day_bounds, datetime(2026, 1, 1, 12)),
    ],
)
def test_naive_datetimes_are_rejected(func: Callable[[datetime], object], value: datetime) -> None:
    with pytest.raises(NaiveDatetimeError, match="naive"):
        func(value)


def test_require_aware_rejects_non_datetimes_and_names_the_value() -> None:
    with pytest.raises(TypeError, match="received_at must be a datetime"):
        require_aware(date(2026, 1, 1), "received_at")  # type: ignore[arg-type]
    aware = utc(2026, 1, 1)
    assert require_aware(aware) is aware


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (utc(2026, 2, 14, 15, 59, 59), date(2026, 2, 14)),  # 23:59:59 in Beijing
        (utc(2026, 2, 14, 16, 0, 0), date(2026, 2, 15)),  # 00:00:00 in Beijing
        (datetime(2026, 2, 15, 0, 0, tzinfo=BEIJING), date(2026, 2, 15)),
        (datetime(2026, 2, 14, 12, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 2, 15)),
    ],
)
def test_beijing_date(instant: datetime, expected: date) -> None:
    assert beijing_date(instant) == expected


def test_conversions_keep_the_instant() -> None:
    instant = datetime(2026, 3, 1, 8, 30, tzinfo=BEIJING)
    assert to_utc(instant) == utc(2026, 3, 1, 0, 30)
    assert to_utc(instant).tzinfo is UTC
    assert to_beijing(utc(2026, 3, 1, 0, 30)).hour == 8
    assert now_utc().tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-14 08:30", utc(2026, 2, 14, 0, 30)),
        ("2026-02-14T08:30:00.250", utc(2026, 2, 14, 0, 30, 0, 250000)),
        ("  2026-02-14  ", utc(2026, 2, 13, 16, 0)),  # a bare date is 00:00 Beijing
        ("20260214083000", utc(2026, 2, 14, 0, 30)),  # HJ 212 DataTime
        ("20260214083000250", utc(2026, 2, 14, 0, 30, 0, 250000)),  # HJ 212 QN
        ("2026-02-14T08:30:00+00:00", utc(2026, 2, 14, 8, 30)),  # an explicit offset wins
        ("2026-02-14T08:30Z", utc(2026, 2, 14, 8, 30)),
        ("2026-01-01 00:00", utc(2025, 12, 31, 16, 0)),
    ],
)
def test_parse_beijing(text: str, expected: datetime) -> None:
    parsed = parse_beijing(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", ["", "abc", "2026-13-01", "20261301000000", "2026021408300", "2026-02-30"])
def test_parse_beijing_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match="is not a Beijing time"):
        parse_beijing(text)


def test_parse_beijing_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        parse_beijing(20260214083000)  # type: ignore[arg-type]


def test_beijing_midnight_takes_dates_only() -> None:
    assert beijing_midnight(date(2026, 1, 1)) == utc(2025, 12, 31, 16)
    with pytest.raises(TypeError):
        beijing_midnight(utc(2026, 1, 1))


@pytest.mark.parametrize(
    ("func", "value", "start", "end"),
    [
        (day_bounds, date(2026, 2, 14), utc(2026, 2, 13, 16), utc(2026, 2, 14, 16)),
        # 23:30 UTC on the 13th is already the 14th in Beijing.
        (day_bounds, utc(2026, 2, 13, 23, 30), utc(2026, 2, 13, 16), utc(2026, 2, 14, 16)),
        # 2026-01-01 is a Thursday; its ISO week starts on Monday 2025-12-29.
        (week_bounds, date(2026, 1, 1), utc(2025, 12, 28, 16), utc(2026, 1, 4, 16)),
        (week_bounds, date(2026, 1, 5), utc(2026, 1, 4, 16), utc(2026, 1, 11, 16)),
        (month_bounds, date(2026, 2, 28), utc(2026, 1, 31, 16), utc(2026, 2, 28, 16)),
        (month_bounds, date(2026, 12, 31), utc(2026, 11, 30, 16), utc(2026, 12, 31, 16)),
        (quarter_bounds, date(2026, 5, 20), utc(2026, 3, 31, 16), utc(2026, 6, 30, 16)),
        (quarter_bounds, date(2026, 11, 2), utc(2026, 9, 30, 16), utc(2026, 12, 31, 16)),
        (quarter_bounds, utc(2026, 3, 31, 16, 0), utc(2026, 3, 31, 16), utc(2026, 6, 30, 16)),
        (year_bounds, date(2026, 7, 1), utc(2025, 12, 31, 16), utc(2026, 12, 31, 16)),
    ],
)
def test_period_bounds_are_half_open_beijing_periods_in_utc(
    func: Callable[[date | datetime], tuple[datetime, datetime]], value: date, start: datetime, end: datetime
) -> None:
    lo, hi = func(value)
    assert (lo, hi) == (start, end)
    assert lo.tzinfo is UTC and hi.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "week", "label", "quarter"),
    [
        (date(2026, 2, 14), (2026, 7), "2026-W07", "2026Q1"),
        (date(2027, 1, 1), (2026, 53), "2026-W53", "2027Q1"),  # ISO year lags the calendar year
        (date(2024, 12, 30), (2025, 1), "2025-W01", "2024Q4"),  # and can lead it
        (utc(2026, 6, 30, 16, 0), (2026, 27), "2026-W27", "2026Q3"),  # 1 July in Beijing
    ],
)
def test_week_and_quarter_labels(value: date, week: tuple[int, int], label: str, quarter: str) -> None:
    assert iso_week(value) == week
    assert iso_week_label(value) == label
    assert quarter_label(value) == quarter
