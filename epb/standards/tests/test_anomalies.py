"""Anomaly detectors: each kind positive and negative, defaults per factor, incremental state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from epb.standards import anomalies as an
from epb.standards.anomalies import Thresholds
from epb.standards.validity import Sample

BJ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 5, 1, 10, 0, tzinfo=BJ)
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def series(
    values: Sequence[float | None], flags: str | None = None, step: dt.timedelta = MIN
) -> list[Sample]:
    flags = flags or "N" * len(values)
    return [
        Sample(T0 + i * step, x, f) for i, (x, f) in enumerate(zip(values, flags, strict=True)) if f != "-"
    ]


def kinds(
    samples: Sequence[Sample], th: Thresholds, kind: an.Kind, now: dt.datetime | None = None
) -> list[an.Episode]:
    return [e for e in an.detect(samples, th, kinds=[kind], now=now).episodes if e.kind == kind]


GAS = Thresholds()
WATER_H = an.defaults_for("w01018", "hour")
RANGED = Thresholds(range_upper=500.0)


@pytest.mark.parametrize(
    ("kind", "samples", "th", "expected"),
    [
        # offline: a gap longer than 15 min
        ("offline", series([1.0] * 2 + [None] * 15 + [1.0], "NN" + "-" * 15 + "N"), GAS, 1),  # 16 min
        ("offline", series([1.0] * 2 + [None] * 14 + [1.0], "NN" + "-" * 14 + "N"), GAS, 0),  # 15 min
        # zero: 30 minutes
        ("zero", series([5.0] + [0.0] * 30 + [5.0]), GAS, 1),
        ("zero", series([5.0] + [0.0] * 29 + [5.0]), GAS, 0),
        ("zero", series([0.0] * 40, "F" * 40), GAS, 0),  # stopped: not a zero alarm
        ("zero", series([0.0] * 40, "C" * 40), GAS, 0),  # zero check during calibration
        ("zero", series([0.03] * 40), Thresholds(zero_tolerance=0.05), 1),
        ("zero", series([0.0, 0.0], step=HOUR), WATER_H, 1),  # water: 2 consecutive values
        ("zero", series([0.0, 3.0, 0.0], step=HOUR), WATER_H, 0),
        # negative
        ("negative", series([1.0, -0.2, 1.0]), GAS, 1),
        ("negative", series([1.0, -0.2, 1.0]), Thresholds(negative_tolerance=0.5), 0),
        ("negative", series([1.0, -0.2, 1.0], "NDN"), GAS, 0),
        # constant: 60 minutes, or 6 hourly water values
        ("constant", series([7.0] * 60), GAS, 1),
        ("constant", series([7.0] * 59), GAS, 0),
        ("constant", series([7.0] * 30 + [7.5] + [7.0] * 30), GAS, 0),
        ("constant", series([0.0] * 90), GAS, 0),  # a zero run is the zero detector's
        ("constant", series([7.0, 7.05] * 30), Thresholds(constant_tolerance=0.1), 1),
        ("constant", series([7.0, 7.05] * 30), GAS, 0),
        ("constant", series([12.0] * 6, step=HOUR), WATER_H, 1),
        ("constant", series([12.0] * 5, step=HOUR), WATER_H, 0),
        (
            "constant",
            series([12.0] * 4, step=2 * HOUR),
            an.defaults_for("w01018", "hour", interval=2 * HOUR),
            1,
        ),
        # variation within 2 % of a 0–500 range (10) for 24 h
        ("small_variation", series([100.0 + (i % 10) for i in range(1440)]), RANGED, 1),
        ("small_variation", series([100.0 + (i % 10) for i in range(1439)]), RANGED, 0),
        ("small_variation", series([100.0 + (i % 12) for i in range(1440)]), RANGED, 0),
        ("small_variation", series([100.0 + (i % 10) for i in range(1440)]), GAS, 0),  # no range: off
        # over range
        ("over_range", series([10.0, 500.0, 10.0]), RANGED, 1),
        ("over_range", series([10.0, 499.9, 10.0]), RANGED, 0),
        ("over_range", series([10.0, None, 10.0], "NTN"), GAS, 1),
        # sudden jump: > 50 % of range between values 1 min apart
        ("jump", series([10.0, 80.0]), Thresholds(range_upper=100.0), 1),
        ("jump", series([10.0, 55.0]), Thresholds(range_upper=100.0), 0),
        ("jump", series([10.0, None, 80.0], "N-N"), Thresholds(range_upper=100.0), 0),  # 2 min apart
        (
            "jump",
            series([10.0, 99.0, 12.0], "NDN"),
            Thresholds(range_upper=100.0),
            0,
        ),  # invalid value skipped
        ("jump", series([10.0, 35.0]), Thresholds(jump_abs=20.0), 1),
        ("jump", series([10.0, 80.0]), GAS, 0),  # no range, no absolute threshold: off
        # running while marked stopped
        ("running_while_stopped", series([15.0, 15.0], "FF"), an.defaults_for("a19001"), 1),
        ("running_while_stopped", series([20.5, 20.6], "FF"), an.defaults_for("a19001"), 0),
        ("running_while_stopped", series([15.0, 15.0], "NN"), an.defaults_for("a19001"), 0),
        ("running_while_stopped", series([150.0], "F"), an.defaults_for("a00000", rated_flow=1000.0), 1),
        ("running_while_stopped", series([50.0], "F"), an.defaults_for("a00000", rated_flow=1000.0), 0),
        # repeated timestamps
        ("duplicate_time", [Sample(T0, 1.0, "N"), Sample(T0, 2.0, "N")], GAS, 1),
        ("duplicate_time", [Sample(T0, 1.0, "N"), Sample(T0 + MIN, 1.0, "N")], GAS, 0),
    ],
)
def test_detectors(kind: an.Kind, samples: list[Sample], th: Thresholds, expected: int) -> None:
    assert len(kinds(samples, th, kind)) == expected


def test_offline_episode_bounds_and_open_at_now() -> None:
    closed = kinds(series([1.0, None, 1.0], "N-N", step=16 * MIN), GAS, "offline")
    assert [(e.start, e.end, e.open) for e in closed] == [(T0, T0 + 32 * MIN, False)]
    assert closed[0].detail["gap_s"] == 32 * 60
    assert kinds([Sample(T0, 1.0, "N")], GAS, "offline", now=T0 + 15 * MIN) == []
    (live,) = kinds([Sample(T0, 1.0, "N")], GAS, "offline", now=T0 + 16 * MIN)
    assert (live.start, live.end, live.open) == (T0, T0 + 16 * MIN, True)


def test_zero_episode_detail() -> None:
    (e,) = kinds(series([5.0] + [0.0] * 30 + [5.0]), GAS, "zero")
    assert (e.start, e.end, e.open) == (T0 + MIN, T0 + 30 * MIN, False)
    assert (e.detail["count"], e.detail["duration_s"]) == (30, 1800.0)


def test_run_still_going_is_open() -> None:
    (e,) = kinds(series([7.0] * 70), GAS, "constant")
    assert e.open and e.end == T0 + 69 * MIN and e.detail["min"] == 7.0


def test_gap_longer_than_max_gap_ends_a_run() -> None:
    samples = series([0.0] * 20) + [Sample(T0 + 40 * MIN + i * MIN, 0.0, "N") for i in range(20)]
    assert kinds(samples, GAS, "zero") == []  # 20 + 20 minutes with a 21-minute hole in between
    assert len(kinds(samples, Thresholds(max_gap=30 * MIN), "zero")) == 1


def test_jump_detail() -> None:
    (e,) = kinds(series([10.0, 80.0]), Thresholds(range_upper=100.0), "jump")
    assert (e.start, e.end) == (T0, T0 + MIN)
    assert (e.detail["delta"], e.detail["threshold"]) == (70.0, 50.0)


def test_duplicate_detail_and_first_value_kept() -> None:
    det = an.detect([Sample(T0, 1.0, "N"), Sample(T0, 2.0, "N"), Sample(T0, 1.0, "N")], GAS)
    dups = [e for e in det.episodes if e.kind == "duplicate_time"]
    assert [(e.detail["value"], e.detail["differs"]) for e in dups] == [(2.0, True), (1.0, False)]
    assert det.state.recent[T0] == 1.0


MIXED = (
    series([5.0] * 10 + [0.0] * 40 + [7.0] * 70 + [-1.0] + [600.0] + [5.0] * 5, step=MIN)
    + [Sample(T0 + 200 * MIN, 5.0, "N"), Sample(T0 + 200 * MIN, 6.0, "N")]
    + [Sample(T0 + (201 + i) * MIN, None, "F") for i in range(3)]
    + [Sample(T0 + 3 * MIN, 9.0, "N")]  # late repeat of an early minute
)


def ordered(episodes: Sequence[an.Episode]) -> list[an.Episode]:
    return sorted(episodes, key=lambda e: (e.start, e.kind, e.end))


@pytest.mark.parametrize("cuts", [(), (45,), (15, 60, 100), (1, 2, 3, 125, 126, 127)])
def test_split_scans_give_the_same_closed_episodes(cuts: tuple[int, ...]) -> None:
    th = Thresholds(range_upper=500.0)
    whole = an.detect(MIXED, th)
    state: an.State | None = None
    closed: list[an.Episode] = []
    bounds = [0, *cuts, len(MIXED)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        det = an.detect(MIXED[a:b], th, state)
        closed += [e for e in det.episodes if not e.open]
        state = an.State.from_dict(det.state.to_dict())  # persisted between runs
    assert ordered(closed) == ordered([e for e in whole.episodes if not e.open])
    assert {e.kind for e in closed} >= {
        "zero",
        "constant",
        "negative",
        "over_range",
        "jump",
        "offline",
        "duplicate_time",
    }
    final = an.detect([], th, state)
    assert [e for e in final.episodes if e.open] == [e for e in whole.episodes if e.open]


def test_state_round_trip() -> None:
    det = an.detect(series([0.0] * 10), GAS)
    again = an.State.from_dict(det.state.to_dict())
    assert again == det.state
    assert an.State.from_dict(an.State().to_dict()) == an.State()


def test_back_filled_samples_are_skipped() -> None:
    det = an.detect(series([1.0] * 5), GAS)
    late = an.detect([Sample(T0 + 2 * MIN + dt.timedelta(seconds=30), -5.0, "N")], GAS, det.state)
    assert late.skipped == 1 and late.episodes == ()
    again = an.detect([Sample(T0 + 2 * MIN, 1.0, "N")], GAS, det.state)
    assert [e.kind for e in again.episodes] == ["duplicate_time"]


def test_now_closes_idle_runs() -> None:
    det = an.detect(series([0.0] * 40), GAS, now=T0 + 39 * MIN)
    assert [(e.kind, e.open) for e in det.episodes] == [("zero", True)]
    later = an.detect([], GAS, det.state, now=T0 + 2 * HOUR)
    assert sorted((e.kind, e.open) for e in later.episodes) == [("offline", True), ("zero", False)]
    assert "zero" not in later.state.runs


@pytest.mark.parametrize(
    ("factor", "series_kind", "kw", "expected"),
    [
        (
            "a21026",
            "minute",
            {},
            {"offline_after": 15 * MIN, "zero_min_duration": 30 * MIN, "constant_min_duration": HOUR},
        ),
        ("w01018", "hour", {}, {"offline_after": 70 * MIN, "zero_min_count": 2, "constant_min_count": 6}),
        ("w01018", "hour", {"interval": 2 * HOUR}, {"offline_after": 130 * MIN, "constant_min_count": 4}),
        ("a21026", "realtime", {}, {"offline_after": 10 * MIN, "interval": dt.timedelta(seconds=30)}),
        ("a21026", "realtime", {"interval": 5 * MIN}, {"offline_after": 15 * MIN}),
        ("a19001", "minute", {}, {"running_below": 19.0, "running_above": None}),
        ("w00000", "hour", {"rated_flow": 360.0}, {"running_above": 36.0}),
        ("a34013", "minute", {"range_upper": 200.0}, {"range_upper": 200.0, "jump_fraction": 0.5}),
    ],
)
def test_defaults_for(
    factor: str, series_kind: str, kw: dict[str, object], expected: dict[str, object]
) -> None:
    th = an.defaults_for(factor, series_kind, **kw)  # type: ignore[arg-type]
    assert {k: getattr(th, k) for k in expected} == expected


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        an.detect([Sample(dt.datetime(2026, 5, 1, 10), 1.0, "N")], GAS)
    with pytest.raises(ValueError, match="naive"):
        an.detect([], GAS, now=dt.datetime(2026, 5, 1, 10))
