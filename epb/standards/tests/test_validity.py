"""Flags, hourly / daily / monthly values with their coverage, flow-weighted means, cross-checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from epb.standards import validity as v
from epb.standards.validity import Sample

BJ = dt.timezone(dt.timedelta(hours=8))
H0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=BJ)
DAY0 = dt.datetime(2026, 5, 1, 0, 0, tzinfo=BJ)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def minutes(
    flags: str, start: dt.datetime = H0, value: float = 10.0, step: dt.timedelta = MIN
) -> list[Sample]:
    """One sample per character: a flag letter, '-' for a missing minute, '_' for a value with no flag."""
    out = []
    for i, f in enumerate(flags):
        if f != "-":
            out.append(Sample(start + i * step, value + i, None if f == "_" else f))
    return out


@pytest.mark.parametrize(
    ("flag", "valid", "transmitted", "stopped", "substituted", "over_range"),
    [
        ("N", True, True, False, False, False),
        ("n", True, True, False, False, False),
        (None, True, True, False, False, False),  # no flag (2005 packets): normal
        ("", True, True, False, False, False),
        ("F", False, True, True, False, False),
        ("M", False, True, False, False, False),
        ("S", False, True, False, True, False),
        ("D", False, True, False, False, False),
        ("C", False, True, False, False, False),
        ("T", False, True, False, False, True),
        ("B", False, False, False, False, False),
        ("P", False, False, False, False, False),  # 2005: power failure
        ("X", False, True, False, False, False),  # unknown letter: received, invalid
    ],
)
def test_flag_rules(
    flag: str | None, valid: bool, transmitted: bool, stopped: bool, substituted: bool, over_range: bool
) -> None:
    r = v.flag_rule(flag)
    assert (r.valid, r.transmitted, r.stopped, r.substituted, r.over_range) == (
        valid,
        transmitted,
        stopped,
        substituted,
        over_range,
    )


def test_missing_flag_is_a_setting() -> None:
    assert not v.flag_rule(None, v.ValiditySettings(missing_flag="D")).valid
    table = dict(v.DEFAULT_FLAGS) | {"B": v.DEFAULT_FLAGS["D"]}
    assert v.flag_rule("B", v.ValiditySettings(flags=table)).transmitted


@pytest.mark.parametrize(
    ("value", "flag", "tol", "expected"),
    [
        (5.0, "N", None, ("valid", 5.0, None)),
        (0.0, "N", None, ("valid", 0.0, None)),
        (-0.5, "N", None, ("invalid", None, "negative value")),
        (-0.5, "N", 1.0, ("valid", 0.1, None)),  # within zero drift → detection limit
        (-1.0, "N", 1.0, ("valid", 0.1, None)),
        (-1.5, "N", 1.0, ("invalid", None, "negative value")),
        (float("nan"), "N", None, ("invalid", None, "no value")),
        (None, "N", None, ("invalid", None, "no value")),
        (5.0, "D", None, ("invalid", None, "flag D")),
        (5.0, "F", None, ("stopped", None, "flag F")),
        (5.0, "B", None, ("missing", None, "flag B")),
    ],
)
def test_classify(value: float | None, flag: str, tol: float | None, expected: tuple[object, ...]) -> None:
    s = v.ValiditySettings(negative_tolerance=tol, detection_limit=0.1)
    assert v.classify(Sample(H0, value, flag), s) == expected


@pytest.mark.parametrize(
    ("flags", "status", "valid", "observed", "reason"),
    [
        ("N" * 60, "valid", 60, 60, None),
        ("N" * 45 + "-" * 15, "valid", 45, 45, None),
        ("N" * 44 + "-" * 16, "invalid", 44, 44, "44 valid minutes < 45"),
        ("N" * 45 + "D" * 15, "valid", 45, 60, None),
        ("N" * 44 + "D" * 16, "invalid", 44, 60, "44 valid minutes < 45"),
        ("N" * 44 + "B" * 16, "invalid", 44, 44, "44 valid minutes < 45"),  # B is missing data
        ("_" * 45 + "M" * 15, "valid", 45, 60, None),
        ("N" * 40 + "F" * 20, "stopped", 40, 60, "40 valid minutes < 45"),
        ("F" * 60, "stopped", 0, 60, "0 valid minutes < 45"),
        ("F" * 30 + "D" * 30, "invalid", 0, 60, "0 valid minutes < 45"),
        ("-" * 60, "invalid", 0, 0, "0 valid minutes < 45"),
    ],
)
def test_hourly_gas_45_minute_rule(
    flags: str, status: str, valid: int, observed: int, reason: str | None
) -> None:
    agg = v.hourly_gas(minutes(flags), H0)
    assert agg.status == status
    assert (agg.coverage.expected, agg.coverage.valid, agg.coverage.observed) == (60, valid, observed)
    assert agg.coverage.percent_valid == pytest.approx(100 * valid / 60)
    assert (agg.reasons[0] if agg.reasons else None) == reason
    assert agg.flag == {"valid": "N", "stopped": "F", "invalid": "D"}[status]


def test_hourly_gas_mean_min_max_and_flag_counts() -> None:
    agg = v.hourly_gas(minutes("N" * 44 + "D" * 16), H0)
    assert agg.value == pytest.approx(sum(10.0 + i for i in range(44)) / 44)
    assert (agg.minimum, agg.maximum) == (10.0, 53.0)
    assert agg.coverage.flags == {"N": 44, "D": 16}
    assert "flags D×16" in agg.reasons


def test_hourly_gas_repeated_minute_keeps_the_first() -> None:
    samples = minutes("N" * 44) + [Sample(H0 + 3 * MIN, 999.0, "N")]
    agg = v.hourly_gas(samples, H0)
    assert agg.status == "invalid" and agg.coverage.valid == 44
    assert agg.maximum == 53.0


def test_hourly_gas_ignores_samples_outside_the_hour() -> None:
    samples = minutes("N" * 44) + [
        Sample(H0 - dt.timedelta(seconds=1), 1.0, "N"),
        Sample(H0 + HOUR, 1.0, "N"),
    ]
    assert v.hourly_gas(samples, H0).coverage.valid == 44


@pytest.mark.parametrize(
    ("flags", "status", "reason"),
    [("NNNNN-", "valid", None), ("NNNN--", "invalid", "40 valid minutes < 45"), ("NNNNDD", "invalid", None)],
)
def test_hourly_gas_with_ten_minute_values(flags: str, status: str, reason: str | None) -> None:
    s = v.ValiditySettings(minute_interval=dt.timedelta(minutes=10))
    agg = v.hourly_gas(minutes(flags, step=dt.timedelta(minutes=10)), H0, s)
    assert agg.status == status
    assert agg.coverage.expected == 6
    if reason:
        assert agg.reasons[0] == reason


def realtime(valid_per_minute: Sequence[int], step: dt.timedelta, per_minute: int) -> list[Sample]:
    out = []
    for m, n_valid in enumerate(valid_per_minute):
        for k in range(per_minute):
            out.append(Sample(H0 + m * MIN + k * step, 5.0, "N" if k < n_valid else "D"))
    return out


@pytest.mark.parametrize(
    ("valid_per_minute", "step", "per_minute", "status", "valid_minutes"),
    [
        ([12] * 45, dt.timedelta(seconds=5), 12, "valid", 45),
        ([12] * 44 + [11], dt.timedelta(seconds=5), 12, "invalid", 44),  # a minute needs 12 valid values
        ([2] * 45, dt.timedelta(seconds=30), 2, "valid", 45),  # 30 s data: 2 per minute is all there is
        ([2] * 44 + [1], dt.timedelta(seconds=30), 2, "invalid", 44),
        ([12] * 45, dt.timedelta(seconds=1), 60, "valid", 45),  # 1 s data: 12 of 60 is enough
        ([11] * 45, dt.timedelta(seconds=1), 60, "invalid", 0),
    ],
)
def test_hourly_from_realtime(
    valid_per_minute: list[int], step: dt.timedelta, per_minute: int, status: str, valid_minutes: int
) -> None:
    agg = v.hourly_from_realtime(realtime(valid_per_minute, step, per_minute), H0, step)
    assert agg.status == status
    assert agg.coverage.valid == valid_minutes
    if status == "valid":
        assert agg.value == pytest.approx(5.0)


def hours(flags: str, start: dt.datetime = DAY0, step: dt.timedelta = HOUR) -> list[Sample]:
    return minutes(flags, start=start, step=step)


@pytest.mark.parametrize(
    ("flags", "status", "reason"),
    [
        ("N" * 24, "valid", None),
        ("N" * 20 + "D" * 4, "valid", None),
        ("N" * 19 + "D" * 5, "invalid", "19 valid hours < 20"),
        ("N" * 19 + "-" * 5, "invalid", "19 valid hours < 20"),
        ("N" * 19 + "F" * 5, "stopped", "19 valid hours < 20"),
        ("F" * 24, "stopped", "0 valid hours < 20"),
    ],
)
def test_daily_gas_20_hour_rule(flags: str, status: str, reason: str | None) -> None:
    agg = v.daily_gas(hours(flags), DAY0)
    assert agg.status == status
    assert agg.coverage.expected == 24
    assert (agg.reasons[0] if agg.reasons else None) == reason


def test_daily_gas_from_computed_hours() -> None:
    hour_aggs = [
        v.hourly_gas(minutes("N" * (45 if h < 20 else 44), DAY0 + h * HOUR), DAY0 + h * HOUR)
        for h in range(24)
    ]
    day = v.daily_gas([a.as_sample() for a in hour_aggs], DAY0)
    assert day.status == "valid" and day.coverage.valid == 20
    assert day.value == pytest.approx(sum(10.0 + i for i in range(45)) / 45)


@pytest.mark.parametrize(
    ("month_start", "n_days", "valid_days", "status"),
    [
        (dt.datetime(2026, 2, 1, tzinfo=BJ), 28, 23, "valid"),
        (dt.datetime(2026, 2, 1, tzinfo=BJ), 28, 22, "invalid"),
        (dt.datetime(2026, 3, 1, tzinfo=BJ), 31, 25, "valid"),
        (dt.datetime(2026, 3, 1, tzinfo=BJ), 31, 24, "invalid"),
        (dt.datetime(2026, 3, 1, tzinfo=dt.UTC), 31, 25, "valid"),  # any instant in the Beijing month
    ],
)
def test_monthly_gas(month_start: dt.datetime, n_days: int, valid_days: int, status: str) -> None:
    first = dt.datetime(month_start.year, month_start.month, 1, tzinfo=BJ)
    days = hours("N" * valid_days + "D" * (n_days - valid_days), start=first, step=dt.timedelta(days=1))
    agg = v.monthly_gas(days, month_start)
    assert agg.status == status
    assert agg.coverage.expected == n_days


def water_day(
    conc: Sequence[float | None], vol: Sequence[float | None], flags: str | None = None
) -> tuple[list[Sample], list[Sample]]:
    flags = flags or "N" * len(conc)
    readings = [
        Sample(DAY0 + i * HOUR, c, f) for i, (c, f) in enumerate(zip(conc, flags, strict=True)) if f != "-"
    ]
    volumes = [Sample(DAY0 + i * HOUR, q, "N") for i, q in enumerate(vol) if q is not None]
    return readings, volumes


def test_daily_water_is_flow_weighted() -> None:
    readings, volumes = water_day([10.0] * 12 + [20.0] * 12, [100.0] * 12 + [300.0] * 12)
    agg = v.daily_water(readings, volumes, DAY0)
    assert agg.status == "valid" and agg.method == "flow_weighted"
    assert agg.value == pytest.approx((10 * 1200 + 20 * 3600) / 4800)  # 17.5, not the arithmetic 15


@pytest.mark.parametrize(
    ("flags", "vols", "status", "valid", "stopped", "reason"),
    [
        ("N" * 18 + "-" * 6, [100.0] * 24, "valid", 18, 0, None),
        (
            "N" * 17 + "-" * 7,
            [100.0] * 24,
            "invalid",
            17,
            0,
            "17 valid readings < 18 (75% of 24 while discharging)",
        ),
        (
            "N" * 17 + "D" * 7,
            [100.0] * 24,
            "invalid",
            17,
            0,
            "17 valid readings < 18 (75% of 24 while discharging)",
        ),
        ("F" * 6 + "N" * 14 + "-" * 4, [100.0] * 24, "valid", 14, 6, None),  # 14 ≥ ceil(0.75 × 18)
        (
            "F" * 6 + "N" * 13 + "-" * 5,
            [100.0] * 24,
            "invalid",
            13,
            6,
            "13 valid readings < 14 (75% of 18 while discharging)",
        ),
        ("N" * 24, [0.0] * 8 + [50.0] * 16, "valid", 16, 8, None),  # zero flow: no discharge
        (
            "N" * 12 + "-" * 12,
            [0.0] * 8 + [50.0] * 16,
            "invalid",
            4,
            8,
            "4 valid readings < 12 (75% of 16 while discharging)",
        ),
        (
            "-" * 8 + "N" * 12 + "-" * 4,
            [0.0] * 8 + [50.0] * 16,
            "valid",
            12,
            8,
            None,
        ),  # no reading needed without flow
        ("F" * 24, [100.0] * 24, "stopped", 0, 24, "no discharge in the period"),
    ],
)
def test_daily_water_75_percent_rule(
    flags: str, vols: list[float], status: str, valid: int, stopped: int, reason: str | None
) -> None:
    readings, volumes = water_day([5.0] * 24, vols, flags)
    agg = v.daily_water(readings, volumes, DAY0)
    assert (agg.status, agg.coverage.valid, agg.coverage.stopped) == (status, valid, stopped)
    assert (agg.reasons[0] if agg.reasons else None) == reason


def test_daily_water_without_flow_falls_back_to_arithmetic() -> None:
    readings, _ = water_day([10.0] * 12 + [20.0] * 12, [])
    agg = v.daily_water(readings, [], DAY0)
    assert (agg.status, agg.method, agg.value) == ("valid", "arithmetic", 15.0)
    assert "no flow data: arithmetic mean" in agg.reasons
    strict = v.daily_water(readings, [], DAY0, v.ValiditySettings(arithmetic_fallback=False))
    assert strict.status == "invalid" and strict.value is None


def test_daily_water_leaves_out_readings_without_flow() -> None:
    readings, volumes = water_day([10.0] * 20 + [90.0] * 4, [100.0] * 20 + [None] * 4)
    agg = v.daily_water(readings, volumes, DAY0)
    assert (agg.status, agg.value, agg.coverage.valid) == ("valid", 10.0, 20)
    assert "4 valid readings without flow left out" in agg.reasons


@pytest.mark.parametrize(("n_valid", "status"), [(9, "valid"), (8, "invalid")])
def test_daily_water_two_hour_analyzer(n_valid: int, status: str) -> None:
    s = v.ValiditySettings(water_cycle=dt.timedelta(hours=2))
    readings = [Sample(DAY0 + 2 * i * HOUR, 10.0 + i, "N") for i in range(n_valid)]
    volumes = [Sample(DAY0 + i * HOUR, 50.0 if i % 2 else 150.0, "N") for i in range(24)]  # summed per 2 h
    agg = v.daily_water(readings, volumes, DAY0, s)
    assert (agg.status, agg.coverage.expected) == (status, 12)
    assert agg.value == pytest.approx(sum(10.0 + i for i in range(n_valid)) / n_valid)  # equal 200 m³ each


def test_hourly_water() -> None:
    ten = dt.timedelta(minutes=10)
    one = v.hourly_water([Sample(H0 + 2 * ten, 30.0, "N")], H0)
    assert (one.status, one.value, one.coverage.expected) == ("valid", 30.0, 6)
    none = v.hourly_water([Sample(H0, 30.0, "D"), Sample(H0 + ten, 31.0, "M")], H0)
    assert none.status == "invalid"
    weighted = v.hourly_water(
        [Sample(H0, 10.0, "N"), Sample(H0 + ten, 40.0, "N")],
        H0,
        volumes=[Sample(H0, 3.0, "N"), Sample(H0 + ten, 1.0, "N")],
    )
    assert (weighted.status, weighted.method, weighted.value) == (
        "valid",
        "flow_weighted",
        pytest.approx(17.5),
    )


def computed(flags: str) -> v.Aggregate:
    return v.hourly_gas([Sample(H0 + i * MIN, 50.0, f) for i, f in enumerate(flags) if f != "-"], H0)


@pytest.mark.parametrize(
    ("device", "flags", "ok", "kind"),
    [
        (Sample(H0, 50.0, "N"), "N" * 60, True, "match"),
        (Sample(H0, 52.4, "N"), "N" * 60, True, "match"),  # 4.8 %
        (Sample(H0, 52.6, "N"), "N" * 60, False, "value_mismatch"),  # 5.2 %
        (Sample(H0, 47.6, "N"), "N" * 60, True, "match"),
        (Sample(H0, 47.4, "N"), "N" * 60, False, "value_mismatch"),
        (None, "N" * 60, False, "missing_upload"),
        (None, "N" * 44, True, "match"),
        (Sample(H0, 50.0, "N"), "N" * 44 + "D" * 16, False, "validity_mismatch"),
        (Sample(H0, 50.0, "D"), "N" * 60, False, "validity_mismatch"),
        (Sample(H0, None, "N"), "N" * 60, False, "validity_mismatch"),
        (Sample(H0, 0.0, "F"), "F" * 60, True, "match"),
        (Sample(H0, 50.0, "D"), "D" * 60, True, "match"),
        (Sample(H0, 50.0, "N"), "-" * 60, True, "unverifiable"),
    ],
)
def test_cross_check_device_hour(device: Sample | None, flags: str, ok: bool, kind: str) -> None:
    result = v.cross_check(device, computed(flags))
    assert (result.ok, result.kind) == (ok, kind)
    if kind == "value_mismatch":
        assert device is not None and device.value is not None
        assert result.difference == pytest.approx(device.value - 50.0)
        assert "tolerance 5%" in result.detail


def test_cross_check_tolerance_is_a_setting() -> None:
    assert v.cross_check(Sample(H0, 54.0, "N"), computed("N" * 60), rel_tol=0.10).ok
    assert not v.cross_check(Sample(H0, 50.1, "N"), computed("N" * 60), rel_tol=0.0).ok


@pytest.mark.parametrize(
    ("device", "o2", "ok", "kind"),
    [
        (125.0, 9.0, True, "match"),
        (127.4, 9.0, True, "match"),
        (127.6, 9.0, False, "value_mismatch"),
        (125.0, 20.0, True, "unverifiable"),
    ],
)
def test_check_converted(device: float, o2: float, ok: bool, kind: str) -> None:
    result = v.check_converted(device, 100.0, o2, 6.0)
    assert (result.ok, result.kind) == (ok, kind)


@pytest.mark.parametrize(("n_valid", "status"), [(23, "valid"), (22, "invalid")])
def test_hourly_from_realtime_every_two_minutes(n_valid: int, status: str) -> None:
    step = dt.timedelta(minutes=2)  # each value covers 2 minutes: 23 values = 46 minutes
    samples = [Sample(H0 + i * step, 5.0, "N" if i < n_valid else "D") for i in range(30)]
    assert v.hourly_from_realtime(samples, H0, step).status == status


def test_naive_times_are_refused() -> None:
    naive = dt.datetime(2026, 5, 1, 8)
    with pytest.raises(ValueError, match="naive"):
        v.hourly_gas([], naive)
    with pytest.raises(ValueError, match="naive"):
        v.daily_water([], [], naive)
