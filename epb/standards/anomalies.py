"""Data-anomaly detectors over one factor's series of ``(time, value, flag)``.

Patterns (discharge-and-validity.md §6): offline gaps (离线), zero values (零值), negative values
(负值), constant values (恒值), variation within 2 % of the range (小幅波动), over the instrument
range (超量程), sudden jumps (突变), running while marked stopped (标停未停), repeated timestamps.
No national numeric thresholds exist: every threshold is a field of :class:`Thresholds`, with the
reference's suggested defaults, and :func:`defaults_for` picks gas-minute or water-hourly ones.

Incremental: :func:`detect` takes the :class:`State` the previous call returned (persist it with
``to_dict`` / ``from_dict``, so a restart does not reset a running 60-minute count) and reports
episodes. A closed episode is reported once; an open one (still running at the end of the data,
or offline at ``now``) is reported on every call with the same ``(kind, start)`` and a later
``end``, so the caller upserts alarms by that key. Scanning a series in one call or in several
gives the same closed episodes. Samples older than the state's last time (back-fill) are not
scanned (``skipped``); re-scan such a window from a fresh state.

Value detectors look only at samples whose flag is valid (N, or no flag); a sample with another
flag, no value, or a gap longer than ``max_gap`` ends a run. A run lasts from its first sample to
its last plus one interval, so 30 minute values at 1 min make 30 minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from epb.lib.timeutil import require_aware
from epb.standards import factors
from epb.standards.validity import Sample, flag_rule

__all__ = ["KINDS", "Detection", "Episode", "Run", "State", "Thresholds", "defaults_for", "detect"]

Kind = Literal[
    "offline",
    "zero",
    "negative",
    "constant",
    "small_variation",
    "over_range",
    "jump",
    "running_while_stopped",
    "duplicate_time",
]
KINDS: tuple[Kind, ...] = (
    "offline",
    "zero",
    "negative",
    "constant",
    "small_variation",
    "over_range",
    "jump",
    "running_while_stopped",
    "duplicate_time",
)
_RUN_KINDS: tuple[Kind, ...] = (
    "zero",
    "negative",
    "constant",
    "small_variation",
    "over_range",
    "running_while_stopped",
)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Thresholds:
    """Per-factor thresholds. Defaults are the reference's suggestions for gas minute data."""

    interval: dt.timedelta = MINUTE  # spacing of the series
    offline_after: dt.timedelta = dt.timedelta(minutes=15)  # a longer gap is offline
    max_gap: dt.timedelta | None = None  # a longer gap ends a run; None: offline_after
    zero_tolerance: float = 0.0  # |value| ≤ this is zero (set it to the detection limit to catch ≈0)
    zero_min_count: int = 2
    zero_min_duration: dt.timedelta = dt.timedelta(minutes=30)
    negative_tolerance: float = 0.0  # values ≥ −tolerance (zero drift) are not negative
    constant_tolerance: float = 0.0  # max − min within this is constant
    constant_min_count: int = 2
    constant_min_duration: dt.timedelta = dt.timedelta(minutes=60)
    constant_include_zero: bool = False  # a run at zero is the zero detector's
    range_lower: float = 0.0  # instrument range
    range_upper: float | None = None  # None: over_range only from flag T, no small_variation
    small_variation_fraction: float = 0.02  # of the range (现场检查 checklist)
    small_variation_window: dt.timedelta = dt.timedelta(hours=24)
    jump_fraction: float = 0.5  # of the range
    jump_abs: float | None = None  # used when no range is known
    jump_max_interval: dt.timedelta | None = MINUTE  # only consecutive values this close; None: any
    running_above: float | None = None  # marked stopped but value above this (flow: 10 % of rated)
    running_below: float | None = None  # marked stopped but value below this (O2: 19 %)
    duplicate_horizon: dt.timedelta = dt.timedelta(days=1)  # how long seen times are remembered

    @property
    def gap(self) -> dt.timedelta:
        return self.max_gap if self.max_gap is not None else self.offline_after

    @property
    def span(self) -> float:
        return (self.range_upper - self.range_lower) if self.range_upper is not None else 0.0


def defaults_for(
    factor: str,
    series: Literal["realtime", "minute", "hour"] = "minute",
    *,
    interval: dt.timedelta | None = None,
    range_upper: float | None = None,
    rated_flow: float | None = None,
) -> Thresholds:
    """The suggested defaults for a factor and series (discharge-and-validity.md §6):

    * offline: realtime 3 × interval (≥ 10 min); minute data 15 min; hour data interval + 10 min;
    * zero: gas ≥ 30 min, water ≥ 2 consecutive values; constant: gas 60 min, water ≥ 6 values
      (≥ 4 for analyzers with a cycle of 2 h or more); small variation: 24 h within 2 % of range;
    * jump: > 50 % of range between consecutive values (gas: within 1 min);
    * running while stopped: O2 (a19001) below 19 %, flow above 10 % of ``rated_flow``.
    """
    f = factors.factor(factor)
    code = f.code if f else factor
    water = f is not None and f.medium == "water"
    step = interval or {"realtime": dt.timedelta(seconds=30), "minute": MINUTE, "hour": HOUR}[series]
    if series == "realtime":
        offline = max(3 * step, dt.timedelta(minutes=10))
    elif series == "minute":
        offline = dt.timedelta(minutes=15)
    else:
        offline = step + dt.timedelta(minutes=10)
    kw: dict[str, Any] = {"interval": step, "offline_after": offline, "range_upper": range_upper}
    if water and series == "hour":
        kw |= {
            "zero_min_count": 2,
            "zero_min_duration": dt.timedelta(0),
            "constant_min_count": 4 if step >= 2 * HOUR else 6,
            "constant_min_duration": dt.timedelta(0),
            "jump_max_interval": step,
        }
    elif series == "hour":
        kw |= {"jump_max_interval": step}
    if code == "a19001":
        kw["running_below"] = 19.0
    if code in ("a00000", "w00000") and rated_flow is not None:
        kw["running_above"] = 0.1 * rated_flow
    return Thresholds(**kw)


@dataclass(frozen=True)
class Episode:
    kind: Kind
    start: dt.datetime
    end: dt.datetime
    open: bool
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    start: dt.datetime
    last: dt.datetime
    count: int
    low: float
    high: float


@dataclass(frozen=True)
class State:
    last_time: dt.datetime | None = None
    last_value: tuple[dt.datetime, float] | None = None  # latest valid value, for jumps
    runs: Mapping[str, Run] = field(default_factory=dict)
    recent: Mapping[dt.datetime, float | None] = field(default_factory=dict)  # for repeated times

    def to_dict(self) -> dict[str, Any]:
        iso = dt.datetime.isoformat
        return {
            "last_time": iso(self.last_time) if self.last_time else None,
            "last_value": [iso(self.last_value[0]), self.last_value[1]] if self.last_value else None,
            "runs": {k: [iso(r.start), iso(r.last), r.count, r.low, r.high] for k, r in self.runs.items()},
            "recent": [[iso(t), v] for t, v in self.recent.items()],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> State:
        t = dt.datetime.fromisoformat
        lv = raw.get("last_value")
        return cls(
            last_time=t(raw["last_time"]) if raw.get("last_time") else None,
            last_value=(t(lv[0]), lv[1]) if lv else None,
            runs={k: Run(t(r[0]), t(r[1]), r[2], r[3], r[4]) for k, r in raw.get("runs", {}).items()},
            recent={t(x[0]): x[1] for x in raw.get("recent", [])},
        )


@dataclass(frozen=True)
class Detection:
    episodes: tuple[Episode, ...]
    state: State
    skipped: int = 0  # samples older than the state's last time, not scanned


def _belongs(kind: Kind, s: Sample, th: Thresholds) -> bool:
    rule = flag_rule(s.flag)
    v = s.value
    if kind == "over_range":
        return rule.over_range or (
            rule.valid and v is not None and th.range_upper is not None and v >= th.range_upper
        )
    if kind == "running_while_stopped":
        if not rule.stopped or v is None:
            return False
        return (th.running_above is not None and v > th.running_above) or (
            th.running_below is not None and v < th.running_below
        )
    if not rule.valid or v is None:
        return False
    if kind == "zero":
        return abs(v) <= th.zero_tolerance
    if kind == "negative":
        return v < -th.negative_tolerance
    if kind == "constant":
        return th.constant_include_zero or abs(v) > th.zero_tolerance
    return kind == "small_variation"


def _spread_limit(kind: Kind, th: Thresholds) -> float | None:
    if kind == "constant":
        return th.constant_tolerance
    if kind == "small_variation":
        return th.small_variation_fraction * th.span
    return None


def _qualifies(kind: Kind, run: Run, th: Thresholds) -> bool:
    covered = run.last - run.start + th.interval
    need: tuple[int, dt.timedelta] = {
        "zero": (th.zero_min_count, th.zero_min_duration),
        "constant": (th.constant_min_count, th.constant_min_duration),
        "small_variation": (2, th.small_variation_window),
    }.get(kind, (1, dt.timedelta(0)))
    return run.count >= need[0] and covered >= need[1]


def _enabled(kind: Kind, th: Thresholds) -> bool:
    if kind == "small_variation":
        return th.range_upper is not None and th.span > 0
    if kind == "running_while_stopped":
        return th.running_above is not None or th.running_below is not None
    if kind == "jump":
        return (th.range_upper is not None and th.span > 0) or th.jump_abs is not None
    return True


def _episode(kind: Kind, run: Run, th: Thresholds, is_open: bool) -> Episode:
    detail = {
        "count": run.count,
        "min": run.low,
        "max": run.high,
        "duration_s": (run.last - run.start + th.interval).total_seconds(),
    }
    return Episode(kind, run.start, run.last, is_open, detail)


def detect(
    samples: Iterable[Sample | tuple[dt.datetime, float | None, str | None]],
    thresholds: Thresholds,
    state: State | None = None,
    *,
    now: dt.datetime | None = None,
    kinds: Iterable[Kind] = KINDS,
) -> Detection:
    """Scan ``samples`` (any order; sorted here, repeated times keep the first) from ``state``.

    ``now`` (aware) closes what the data cannot: a series silent for longer than ``offline_after``
    gets an open offline episode, and runs idle for longer than ``max_gap`` are closed."""
    th = thresholds
    st = state or State()
    active = [k for k in kinds if _enabled(k, th)]
    runs: dict[Kind, Run] = {k: st.runs[k] for k in active if k in st.runs}
    recent: dict[dt.datetime, float | None] = dict(st.recent)
    last_time, last_value = st.last_time, st.last_value
    out: list[Episode] = []
    skipped = 0

    def close(kind: Kind) -> None:
        run = runs.pop(kind)
        if _qualifies(kind, run, th):
            out.append(_episode(kind, run, th, False))

    for s in sorted(
        (Sample(require_aware(x[0], "sample time"), *x[1:]) for x in samples), key=lambda x: x.time
    ):
        t, v = s.time, s.value
        if t in recent:
            if "duplicate_time" in active:
                first = recent[t]
                detail = {"first": first, "value": v, "differs": first != v}
                out.append(Episode("duplicate_time", t, t, False, detail))
            continue
        recent[t] = v
        if last_time is not None and t < last_time:
            skipped += 1
            continue
        if "offline" in active and last_time is not None and t - last_time > th.offline_after:
            out.append(Episode("offline", last_time, t, False, {"gap_s": (t - last_time).total_seconds()}))
        for kind in [k for k, r in runs.items() if t - r.last > th.gap]:
            close(kind)
        for kind in _RUN_KINDS:
            if kind not in active:
                continue
            run = runs.get(kind)
            if not _belongs(kind, s, th):
                if run:
                    close(kind)
                continue
            x = 0.0 if v is None else v
            limit = _spread_limit(kind, th)
            if run and limit is not None and max(run.high, x) - min(run.low, x) > limit:
                close(kind)
                run = None
            if run:
                runs[kind] = Run(run.start, t, run.count + 1, min(run.low, x), max(run.high, x))
            else:
                runs[kind] = Run(t, t, 1, x, x)
        if "jump" in active and flag_rule(s.flag).valid and v is not None:
            if last_value is not None and (
                th.jump_max_interval is None or t - last_value[0] <= th.jump_max_interval
            ):
                limit = (
                    th.jump_fraction * th.span if th.range_upper is not None and th.span > 0 else th.jump_abs
                )
                delta = v - last_value[1]
                if limit is not None and abs(delta) > limit:
                    detail = {"from": last_value[1], "to": v, "delta": delta, "threshold": limit}
                    out.append(Episode("jump", last_value[0], t, False, detail))
            last_value = (t, v)
        last_time = t
        horizon = t - th.duplicate_horizon
        for old in [x for x in recent if x < horizon]:
            del recent[old]

    if now is not None:
        require_aware(now, "now")
        for kind in [k for k, r in runs.items() if now - r.last > th.gap]:
            close(kind)
        if "offline" in active and last_time is not None and now - last_time > th.offline_after:
            out.append(Episode("offline", last_time, now, True, {"gap_s": (now - last_time).total_seconds()}))
    for kind, run in runs.items():
        if _qualifies(kind, run, th):
            out.append(_episode(kind, run, th, True))
    saved: dict[str, Run] = {str(k): r for k, r in runs.items()}
    return Detection(tuple(out), State(last_time, last_value, saved, recent), skipped)
