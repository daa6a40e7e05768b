"""Capture and transmission rates, loads with hand-computed figures, permit use, substitution."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epb.standards import emissions as em
from epb.standards import validity as v
from epb.standards.validity import Sample

BJ = dt.timezone(dt.timedelta(hours=8))
DAY0 = dt.datetime(2026, 5, 1, tzinfo=BJ)
HOUR = dt.timedelta(hours=1)


def statuses(pattern: str, start: dt.datetime = DAY0) -> list[tuple[dt.datetime, Any]]:
    """One hour per character: V valid, F stopped, I invalid, '-' no data at all."""
    word = {"V": "valid", "F": "stopped", "I": "invalid"}
    return [(start + i * HOUR, word[c]) for i, c in enumerate(pattern) if c != "-"]


@pytest.mark.parametrize(
    ("pattern", "total", "stopped", "invalid", "percent"),
    [
        ("V" * 24, 24, 0, 0, 100.0),
        ("V" * 17 + "F" * 4 + "II-", 24, 4, 3, 85.0),  # (24 − 4 − 3) / (24 − 4)
        ("V" * 20 + "----", 24, 0, 4, 100.0 * 20 / 24),  # missing hours count as invalid
        ("F" * 24, 24, 24, 0, None),  # stopped all day: nothing to capture
        ("", 24, 0, 24, 0.0),
    ],
)
def test_capture_rate_day(
    pattern: str, total: int, stopped: int, invalid: int, percent: float | None
) -> None:
    rate = em.capture_rate(statuses(pattern), DAY0, DAY0 + dt.timedelta(days=1))
    assert (rate.total, rate.stopped, rate.invalid) == (total, stopped, invalid)
    assert rate.percent == (pytest.approx(percent) if percent is not None else None)


def test_capture_rate_quarter_hand_computed() -> None:
    start, end = em.period_bounds("quarter", dt.date(2026, 5, 15))  # April–June: 91 days, 2184 hours
    hours = statuses("F" * 184 + "I" * 100 + "-" * 16 + "V" * 1884, start)
    rate = em.capture_rate(hours, start, end)
    assert (rate.total, rate.stopped, rate.invalid, rate.valid) == (2184, 184, 116, 1884)
    assert rate.percent == pytest.approx(94.2)  # 1884 / 2000


def test_capture_rates_add_up_over_days() -> None:
    days = [
        em.capture_rate(
            statuses(p, DAY0 + i * dt.timedelta(days=1)),
            *em.period_bounds("day", DAY0 + i * dt.timedelta(days=1)),
        )
        for i, p in enumerate(["V" * 24, "V" * 12 + "F" * 12, "V" * 20 + "I" * 4])
    ]
    month = days[0] + days[1] + days[2]
    assert (month.total, month.stopped, month.invalid) == (72, 12, 4)
    assert month.percent == pytest.approx(100 * 56 / 60)


def test_capture_rate_from_hourly_aggregates_and_repeats() -> None:
    minute = dt.timedelta(minutes=1)
    valid_hour = v.hourly_gas([Sample(DAY0 + i * minute, 1.0, "N") for i in range(60)], DAY0)
    bad_hour = v.hourly_gas([Sample(DAY0 + HOUR + i * minute, 1.0, "N") for i in range(44)], DAY0 + HOUR)
    rate = em.capture_rate([valid_hour, bad_hour, (DAY0, "invalid")], DAY0, DAY0 + 2 * HOUR)
    assert (rate.valid, rate.invalid) == (1, 1)  # the repeated first hour keeps its first status


def test_capture_rate_for_a_two_hour_water_analyzer() -> None:
    cycles: list[tuple[dt.datetime, Any]] = [(DAY0 + 2 * i * HOUR, "valid") for i in range(10)]
    rate = em.capture_rate(cycles, DAY0, DAY0 + dt.timedelta(days=1), slot=2 * HOUR)
    assert (rate.total, rate.valid) == (12, 10)


def test_period_bounds_are_beijing_periods() -> None:
    start, end = em.period_bounds("quarter", dt.date(2026, 5, 15))
    assert (start, end) == (
        dt.datetime(2026, 3, 31, 16, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC),
    )
    assert em.period_bounds("day", dt.datetime(2026, 5, 1, 17, tzinfo=dt.UTC))[0] == dt.datetime(
        2026, 5, 1, 16, tzinfo=dt.UTC
    )


def test_transmission_rates_hand_computed() -> None:
    step = dt.timedelta(seconds=30)
    flags = "N" * 100 + "D" * 5 + "F" * 3 + "B" * 2 + "-" * 10  # 120 expected in an hour
    samples = [Sample(DAY0 + i * step, 1.0, f) for i, f in enumerate(flags) if f != "-"]
    samples += [Sample(DAY0, 2.0, "N"), Sample(DAY0 + step / 2, 2.0, "N"), Sample(DAY0 + HOUR, 1.0, "N")]
    rate = em.transmission_rate(samples, DAY0, DAY0 + HOUR, step)
    assert (rate.expected, rate.received, rate.valid, rate.stopped) == (120, 108, 100, 3)
    assert rate.transmission_pct == pytest.approx(90.0)
    assert rate.validity_pct == pytest.approx(100 * 100 / 105)
    assert rate.effective_pct == pytest.approx(90.0 * 100 / 105)
    twice = rate + rate
    assert (twice.expected, twice.received) == (240, 216)
    assert twice.transmission_pct == pytest.approx(90.0)


def test_transmission_when_everything_is_stopped() -> None:
    rate = em.transmission_rate([Sample(DAY0, 0.0, "F")], DAY0, DAY0 + HOUR, HOUR)
    assert rate.validity_pct is None and rate.effective_pct is None and rate.transmission_pct == 100.0


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        (em.water_load_kg, (50.0, 1000.0), 50.0),  # 50 mg/L × 1000 m³ × 10⁻³
        (em.water_load_kg, (23.2, 748.84), 17.373088),
        (em.gas_load_kg, (100.0, 100_000.0), 10.0),  # 100 mg/m³ × 10⁵ m³ × 10⁻⁶
        (em.volume_m3, (36.91, "L/s", HOUR), 132.876),
        (em.volume_m3, (5.331, "m3/s", HOUR), 19_191.6),
        (em.volume_m3, (1200.0, "m3/h", dt.timedelta(minutes=10)), 200.0),
    ],
)
def test_load_formulas(fn: Any, args: tuple[Any, ...], expected: float) -> None:
    assert fn(*args) == pytest.approx(expected)


def test_daily_water_load_equals_flow_weighted_mean_times_volume() -> None:
    conc = [Sample(DAY0 + i * HOUR, 10.0 if i < 12 else 20.0, "N") for i in range(24)]
    vol = [Sample(DAY0 + i * HOUR, 100.0 if i < 12 else 300.0, "N") for i in range(24)]
    items = em.hourly_loads(conc, vol, "water")
    total = sum(i.kg for i in items)
    assert total == pytest.approx(84.0)  # 12 × 1 kg + 12 × 6 kg
    day = v.daily_water(conc, vol, DAY0)
    assert day.value is not None
    assert total == pytest.approx(em.water_load_kg(day.value, 4800.0))


def test_hourly_loads_mark_substitutes_and_skip_the_rest() -> None:
    conc = [
        Sample(DAY0, 100.0, "N"),
        Sample(DAY0 + HOUR, 80.0, "S"),
        Sample(DAY0 + 2 * HOUR, 90.0, "D"),
        Sample(DAY0 + 3 * HOUR, 70.0, "N"),
    ]
    vol = [Sample(DAY0 + i * HOUR, 200_000.0, "N") for i in range(3)]
    items = em.hourly_loads(conc, vol, "gas")
    assert [(i.time, i.kg, i.substituted) for i in items] == [
        (DAY0, pytest.approx(20.0), False),
        (DAY0 + HOUR, pytest.approx(16.0), True),
    ]


def test_loads_by_period() -> None:
    late_may = dt.datetime(2026, 5, 31, 23, tzinfo=BJ)
    items = [
        em.LoadItem(late_may, 10.0),
        em.LoadItem(late_may + HOUR, 4.0, substituted=True),  # 1 June, Beijing time
        em.LoadItem(late_may + 2 * HOUR, 6.0),
    ]
    days = em.loads_by_period(items, "day")
    assert [(p.kg, p.items, p.substituted_kg) for p in days] == [(10.0, 1, 0.0), (10.0, 2, 4.0)]
    months = em.loads_by_period(items, "month")
    assert [p.start for p in months] == [
        dt.datetime(2026, 4, 30, 16, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 31, 16, tzinfo=dt.UTC),
    ]
    (year,) = em.loads_by_period(reversed(items), "year")
    assert (year.kg, year.tonnes, year.substituted_items) == (20.0, 0.02, 1)


@pytest.mark.parametrize(
    ("used_kg", "permitted_t", "as_of", "elapsed", "percent", "projected_t", "projected_over", "over"),
    [
        (45_000.0, 150.0, dt.date(2026, 3, 31), 90, 30.0, 182.5, True, False),
        (45_000.0, 200.0, dt.date(2026, 3, 31), 90, 22.5, 182.5, False, False),
        (160_000.0, 150.0, dt.date(2026, 12, 31), 365, 160_000 / 1500, 160.0, True, True),
        (36_600.0, 100.0, dt.date(2028, 12, 31), 366, 36.6, 36.6, False, False),
        (
            10_000.0,
            100.0,
            dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC),
            91,
            10.0,
            10 * 365 / 91,
            False,
            False,
        ),
    ],
)
def test_permit_usage(
    used_kg: float,
    permitted_t: float,
    as_of: dt.date,
    elapsed: int,
    percent: float,
    projected_t: float,
    projected_over: bool,
    over: bool,
) -> None:
    u = em.permit_usage(used_kg, permitted_t, as_of)
    assert u.days_elapsed == elapsed
    assert u.percent_used == pytest.approx(percent)
    assert u.projected_t == pytest.approx(projected_t)
    assert u.projected_percent == pytest.approx(100 * projected_t / permitted_t)
    assert (u.projected_to_exceed, u.exceeded) == (projected_over, over)


@pytest.mark.parametrize(
    ("cou", "avg", "volume", "medium", "kw", "ok"),
    [
        (17.37, 23.2, 748.84, "water", {}, True),  # 011 in the reference hour packet
        (2.40, 3.2, 748.84, "water", {}, True),  # 060
        (0.05, 0.062, 748.84, "water", {}, False),  # 101: 0.0464 kg, 7.7 % off …
        (0.05, 0.062, 748.84, "water", {"abs_tol": 0.005}, True),  # … but within the field's rounding
        (20.0, 23.2, 748.84, "water", {}, False),
        (50.0, 0.05, 1000.0, "water", {"cou_unit": "g"}, True),  # metals: Cou in g
        (1.92, 100.0, 19_191.973, "gas", {}, True),
        (2.10, 100.0, 19_191.973, "gas", {}, False),
    ],
)
def test_check_cou(cou: float, avg: float, volume: float, medium: Any, kw: dict[str, Any], ok: bool) -> None:
    assert em.check_cou(cou, avg, volume, medium, **kw).ok is ok


HISTORY = [500.0] + [1.0] * 179 + [2.0]  # the 500 is 181 hours back


@pytest.mark.parametrize(
    ("alpha", "cause", "gap", "cfg", "value", "window"),
    [
        (95.0, "out_of_control", 24, em.SubstitutionSettings(), 2.0, 180),
        (95.0, "out_of_control", 25, em.SubstitutionSettings(), 500.0, 720),
        (90.0, "out_of_control", 1, em.SubstitutionSettings(), 2.0, 180),
        (89.9, "out_of_control", 1, em.SubstitutionSettings(), 500.0, 2160),
        (75.0, "maintenance", 1, em.SubstitutionSettings(), 500.0, 2160),
        (74.9, "maintenance", 1, em.SubstitutionSettings(), None, None),
        (95.0, "maintenance", 24, em.SubstitutionSettings(), 2.0, 180),
        (95.0, "maintenance", 30, em.SubstitutionSettings(), 500.0, 720),
        (95.0, "maintenance", 24, em.SubstitutionSettings(maintenance_short="mean_before_after"), 5.0, None),
        (
            95.0,
            "out_of_control",
            24,
            em.SubstitutionSettings(maintenance_short="mean_before_after"),
            2.0,
            180,
        ),
    ],
)
def test_hj75_substitution_table(
    alpha: float, cause: Any, gap: int, cfg: em.SubstitutionSettings, value: float | None, window: int | None
) -> None:
    sub = em.hj75_substitute(alpha, cause, gap, HISTORY, before=4.0, after=6.0, settings=cfg)
    assert (sub.value, sub.window_hours) == (value, window)
    assert sub.method


def test_hj75_substitution_needs_history() -> None:
    assert em.hj75_substitute(95.0, "out_of_control", 3, []).value is None
    mean = em.SubstitutionSettings(maintenance_short="mean_before_after")
    assert em.hj75_substitute(95.0, "maintenance", 3, HISTORY, before=4.0, settings=mean).value is None


@pytest.mark.parametrize(
    ("history", "gap", "median", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, False, 5.0),
        ([6.9, 7.0, 7.2, 9.0], 3, True, 7.2),  # pH: median
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 10, False, 3.5),
        ([], 3, False, None),
        ([1.0], 0, False, None),
    ],
)
def test_water_substitute(history: list[float], gap: int, median: bool, expected: float | None) -> None:
    assert em.water_substitute(history, gap, median=median) == expected
