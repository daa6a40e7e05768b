"""GB 3096-2008 environmental noise limits by functional zone, day and night, and the functional-
zone compliance rates of HJ 640-2012.

Zones: ``"0" "1" "2" "3" "4a" "4b"``; periods: ``"day"`` (06:00–22:00) and ``"night"``.
Special rules from the data file: at night the maximum level of sudden noise (Lmax) may exceed
the zone limit by at most 15 dB(A); beside existing railway trunk lines the background noise with
no train passing is held to 70/55 dB(A) (``railway_background``). Levels are energy-averaged,
never arithmetically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from epb.standards.numeric import round_half_even, to_decimal
from epb.standards.tables import load, to_dec

__all__ = [
    "NoiseResult",
    "RateCell",
    "ZoneComplianceRates",
    "assess_noise",
    "day_night_levels",
    "energy_average",
    "hj640_grade",
    "noise_limit",
    "normalise_zone",
    "zone_compliance_rate",
]

PERIODS = ("day", "night")
_DEFAULT: Any = object()  # "use the data file's setting", distinct from an explicit None


def _data() -> dict[str, Any]:
    return load("gb3096")


def zones() -> tuple[str, ...]:
    return tuple(_data()["zones"]["limits"])


def normalise_zone(zone: object) -> str:
    """``"0"``…``"3"``, ``"4a"``, ``"4b"``; ints 0–3 and upper-case ``"4A"`` are accepted."""
    if isinstance(zone, int) and not isinstance(zone, bool):
        zone = str(zone)
    if isinstance(zone, str) and zone.strip().lower() in zones():
        return zone.strip().lower()
    raise ValueError(f"unknown noise zone {zone!r}; expected one of {', '.join(zones())}")


def _period(period: object) -> str:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; expected 'day' or 'night'")
    return str(period)


def noise_limit(zone: object, period: str, *, railway_background: bool = False) -> Decimal:
    """The Leq limit in dB(A) (GB 3096-2008 表1, or the railway background limit)."""
    zone, period = normalise_zone(zone), _period(period)
    if railway_background:
        rule = _data()["railway_background"]
        if zone not in rule["zones"]:
            raise ValueError(f"the railway background limit applies to zone {', '.join(rule['zones'])} only")
        return to_dec(rule[period])
    return to_dec(_data()["zones"]["limits"][zone][period])


@dataclass(frozen=True)
class NoiseResult:
    zone: str
    period: str
    leq: Decimal  # as measured
    judged: Decimal  # as judged (rounded to the reporting precision unless disabled)
    limit: Decimal
    leq_exceeds: bool
    exceedance_db: Decimal  # judged Leq over the limit; 0 when it complies
    lmax: Decimal | None = None
    lmax_limit: Decimal | None = None  # night only
    lmax_exceeds: bool | None = None
    lmax_exceedance_db: Decimal | None = None

    @property
    def exceeds(self) -> bool:
        """Leq over its limit, or (at night) Lmax more than 15 dB(A) over it."""
        return self.leq_exceeds or bool(self.lmax_exceeds)

    def to_dict(self) -> dict[str, Any]:
        def f(v: Decimal | None) -> float | None:
            return None if v is None else float(v)

        return {
            "limit": float(self.limit),
            "exceeds": self.exceeds,
            "exceedance_db": float(self.exceedance_db),
            "zone": self.zone,
            "period": self.period,
            "leq": float(self.judged),
            "leq_exceeds": self.leq_exceeds,
            "lmax": f(self.lmax),
            "lmax_limit": f(self.lmax_limit),
            "lmax_exceeds": self.lmax_exceeds,
            "lmax_exceedance_db": f(self.lmax_exceedance_db),
            "unit": _data()["unit"],
        }


def _level(value: object, name: str) -> Decimal:
    number = to_decimal(value, name=name)
    if number < 0:
        raise ValueError(f"{name}: negative level {number}")
    return number


def assess_noise(
    zone: object,
    period: str,
    leq: Decimal | int | float | str,
    lmax: Decimal | int | float | str | None = None,
    *,
    railway_background: bool = False,
    places: int | None = _DEFAULT,
) -> NoiseResult:
    """Judge a measured Leq (and at night an Lmax) against the zone limit; equal complies.

    ``places`` (default from the data file: 1) rounds levels half-even before judging; ``None``
    judges them as given. Lmax is judged only at night (the standard sets no daytime Lmax rule).
    """
    zone, period = normalise_zone(zone), _period(period)
    if places is _DEFAULT:
        places = _data()["reporting"]["leq_places"]
    measured = _level(leq, "leq")
    judged = measured if places is None else round_half_even(measured, int(places))
    limit = noise_limit(zone, period, railway_background=railway_background)
    over = judged - limit
    result: dict[str, Any] = {}
    if lmax is not None:
        lmax_value = _level(lmax, "lmax")
        lmax_judged = lmax_value if places is None else round_half_even(lmax_value, int(places))
        result["lmax"] = lmax_judged
        if period == "night":
            lmax_limit = limit + to_dec(_data()["night_lmax"]["allowance"])
            result["lmax_limit"] = lmax_limit
            result["lmax_exceeds"] = lmax_judged > lmax_limit
            result["lmax_exceedance_db"] = max(lmax_judged - lmax_limit, Decimal(0))
    return NoiseResult(
        zone=zone,
        period=period,
        leq=measured,
        judged=judged,
        limit=limit,
        leq_exceeds=over > 0,
        exceedance_db=max(over, Decimal(0)),
        **result,
    )


def energy_average(levels: Iterable[Decimal | int | float | str]) -> Decimal:
    """10·lg(mean of 10^(0.1·L)): the level of the mean sound energy, unrounded."""
    items = [_level(v, "level") for v in levels]
    if not items:
        raise ValueError("energy average of no levels")
    tenth = Decimal("0.1")
    energy = sum((Decimal(10) ** (tenth * v) for v in items), Decimal(0)) / len(items)
    return 10 * energy.log10()


def day_night_levels(hourly: Mapping[int, Decimal | int | float | str]) -> dict[str, Decimal | None]:
    """Ld and Ln from hourly Leq keyed by starting hour (0–23), energy-averaged over the hours
    of each period that are present (``None`` for a period with no hours)."""
    periods = _data()["periods"]
    day_from, day_to = int(periods["day"]["from_hour"]), int(periods["day"]["to_hour"])
    day: list[Decimal] = []
    night: list[Decimal] = []
    for hour, level in hourly.items():
        if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
            raise ValueError(f"hour {hour!r}: expected 0-23")
        (day if day_from <= hour < day_to else night).append(_level(level, f"hour {hour}"))
    return {
        "day": energy_average(day) if day else None,
        "night": energy_average(night) if night else None,
    }


@dataclass(frozen=True)
class RateCell:
    monitored: int
    compliant: int

    @property
    def rate(self) -> Decimal | None:
        """Percent, rounded to the reporting precision; ``None`` when nothing was monitored."""
        if not self.monitored:
            return None
        places = int(_data()["reporting"]["rate_places"])
        return round_half_even(Decimal(self.compliant) * 100 / self.monitored, places)

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "monitored": self.monitored,
            "compliant": self.compliant,
            "rate": None if rate is None else float(rate),
        }


@dataclass(frozen=True)
class ZoneComplianceRates:
    by_zone: Mapping[str, Mapping[str, RateCell]]  # zone -> period -> cell
    overall: Mapping[str, RateCell]  # period -> cell

    def to_dict(self) -> dict[str, Any]:
        return {
            "by_zone": {z: {p: c.to_dict() for p, c in cells.items()} for z, cells in self.by_zone.items()},
            "overall": {p: c.to_dict() for p, c in self.overall.items()},
        }


def zone_compliance_rate(
    results: Iterable[NoiseResult | tuple[object, str, Decimal | int | float | str]],
) -> ZoneComplianceRates:
    """Functional-zone compliance rates (HJ 640-2012): compliant point-times ÷ monitored
    point-times, per zone and overall, day and night apart. Each item is a point-time: a
    :class:`NoiseResult` or ``(zone, period, Ld or Ln)``. Only Leq counts (Ld against the day
    limit, Ln against the night limit); Lmax is not part of the rate."""
    counts: dict[str, dict[str, list[int]]] = {}
    for item in results:
        result = item if isinstance(item, NoiseResult) else assess_noise(*item)
        cell = counts.setdefault(result.zone, {}).setdefault(result.period, [0, 0])
        cell[0] += 1
        cell[1] += 0 if result.leq_exceeds else 1
    by_zone = {
        zone: {p: RateCell(*counts[zone][p]) for p in PERIODS if p in counts[zone]}
        for zone in zones()
        if zone in counts
    }
    overall = {
        p: RateCell(
            sum(cells[p].monitored for cells in by_zone.values() if p in cells),
            sum(cells[p].compliant for cells in by_zone.values() if p in cells),
        )
        for p in PERIODS
    }
    return ZoneComplianceRates(by_zone, overall)


def hj640_grade(kind: str, period: str, level: Decimal | int | float | str) -> dict[str, str]:
    """Regional (``"regional"``) or road-traffic (``"road_traffic"``) noise grade of HJ 640-2012:
    ``{"grade": "一级", "name": "好"}``. The bands are recalled, not verified ([R])."""
    tables = _data()["hj640_grades"]
    if kind not in tables or kind in ("source", "status"):
        raise ValueError(f"unknown noise grading {kind!r}; expected 'regional' or 'road_traffic'")
    value = _level(level, "level")
    for upper, grade, name in tables[kind][_period(period)]:
        if upper is None or value <= to_dec(upper):
            return {"grade": grade, "name": name}
    raise AssertionError("data/gb3096.json: the last HJ 640 band must be open")  # pragma: no cover
