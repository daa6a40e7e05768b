"""Pure rules of the target board and the reports: no ORM, no I/O; table-tested.

Every figure starts from readings (one sample's values on a Beijing date) and goes up by the
aggregation path of the 2020 statistics rule and the plan: monthly means first, annual means from
the monthly means (the plan's "年均值（按月均值计算）"), then the national evaluators of
``epb.standards`` judge the means. Nothing here re-implements a standard: classes, trophic index,
drinking-water compliance and noise rates come from there; this module decides what the plan's
words mean ("stably on target", "≥10 % better", "improving") and how months add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from epb.standards.drinking import drinking_water_compliance
from epb.standards.noise import NoiseResult, ZoneComplianceRates, assess_noise, zone_compliance_rate
from epb.standards.numeric import Measurement, ValueLike, parse_measurement, round_half_even
from epb.standards.tables import load
from epb.standards.water import (
    SectionResult,
    accepted_codes,
    class_grade,
    class_rank,
    evaluate_section,
    item_limit,
    normalise_class,
    water_classes,
)
from epb.standards.water_bodies import LakeResult, average_values, evaluate_lake, evaluate_river

Month = tuple[int, int]  # (year, month)
Values = Mapping[str, ValueLike]

STATION = "station"
WORSE_THAN_V = "worse_than_V"


# -- aggregation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The values of one sample, on the Beijing date it was taken, from a source."""

    day: date
    values: Values
    source: str = "import"  # "station" for automatic stations; anything else is manual


def month_of(day: date) -> Month:
    return day.year, day.month


def months_of_year(year: int, upto: int = 12) -> list[Month]:
    return [(year, m) for m in range(1, upto + 1)]


def monthly_means(
    readings: Iterable[Reading], *, auto_preferred: Iterable[str] = ()
) -> dict[Month, dict[str, Measurement]]:
    """Each month's mean of each item over the month's readings.

    For items in ``auto_preferred`` a month that has automatic-station values uses those alone
    (环办监测函〔2020〕82号: station data first for pH, DO, CODMn, NH3-N, TP, TN); every other item
    uses the manual values, or the station's when the month has no manual value. Below-detection
    values count as half the detection limit (``average_values``).
    """
    preferred = set(auto_preferred)
    grouped: dict[Month, dict[str, dict[bool, list[ValueLike]]]] = {}
    for reading in readings:
        by_code = grouped.setdefault(month_of(reading.day), {})
        for code, value in reading.values.items():
            if value is None or value == "":
                continue
            by_code.setdefault(code, {True: [], False: []})[reading.source == STATION].append(value)
    out: dict[Month, dict[str, Measurement]] = {}
    for month in sorted(grouped):
        means: dict[str, Measurement] = {}
        for code, split in grouped[month].items():
            station, manual = split[True], split[False]
            chosen = station if (code in preferred and station) or not manual else manual
            means[code] = average_values([{code: v} for v in chosen])[code]
        out[month] = means
    return out


def annual_means(
    monthly: Mapping[Month, Mapping[str, Measurement]], months: Iterable[Month] | None = None
) -> dict[str, Measurement]:
    """The mean of the monthly means of each item, over the months that have it (or over
    ``months`` only, for a year to date)."""
    chosen = [monthly[m] for m in (sorted(monthly) if months is None else months) if m in monthly]
    return average_values(chosen) if chosen else {}


def sample_means(readings: Iterable[Reading]) -> dict[str, Measurement]:
    """The mean of every sample of a period, the other aggregation path (``ANNUAL_MEAN=all_samples``)."""
    rows = [{c: v for c, v in r.values.items() if v not in (None, "")} for r in readings]
    return average_values(rows) if rows else {}


def evaluable(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values the GB 3838 evaluators accept (algae density, conductivity … are left out)."""
    accepted = accepted_codes()
    return {code: v for code, v in values.items() if code in accepted}


def evaluate(
    values: Mapping[str, Any], water_body: str, target_class: str | None = None
) -> SectionResult | None:
    """The class of a set of (mean) values, or None when none of them is a class item."""
    if not values:
        return None
    result = evaluate_section(evaluable(values), water_body, target_class or None)
    return result if result.water_class is not None else None


def percent(
    numerator: int | Decimal | Fraction, denominator: int | Decimal | Fraction, places: int = 1
) -> Decimal | None:
    """``numerator / denominator`` in percent, half-even to ``places``; None for an empty base."""
    if not denominator:
        return None
    share = Fraction(numerator) / Fraction(denominator) * 100
    return round_half_even(Decimal(share.numerator) / Decimal(share.denominator), places)


# -- "stably on target" --------------------------------------------------------------------------


@dataclass(frozen=True)
class StableVerdict:
    stable: bool | None  # None: no month has data
    rule: str
    months_expected: int
    months_evaluated: int
    months_on_target: int
    failing_months: tuple[Month, ...] = ()
    missing_months: tuple[Month, ...] = ()
    annual_class: str | None = None
    annual_on_target: bool | None = None

    @property
    def reason(self) -> str:
        if self.stable is None:
            return "无监测数据"
        parts = []
        if self.failing_months:
            parts.append("未达标月份：" + "、".join(f"{m}月" for _, m in self.failing_months))
        if self.missing_months:
            parts.append("缺测月份：" + "、".join(f"{m}月" for _, m in self.missing_months))
        if self.annual_on_target is False:
            parts.append("年均值未达标")
        return "；".join(parts)


def meets(klass: str | None, target_class: str) -> bool | None:
    if klass is None:
        return None
    return class_rank(klass) <= class_rank(normalise_class(target_class))


def stable_on_target(
    monthly_classes: Mapping[Month, str | None],
    target_class: str,
    expected: Sequence[Month],
    *,
    rule: str = "all_months",
    min_months: int | None = None,
    annual_class: str | None = None,
) -> StableVerdict:
    """Whether a section is "stably on target" over the ``expected`` months.

    ``all_months`` (default): every expected month has data and its monthly mean meets the target
    class; a month without data is not proven, so it fails. ``annual_and_months``: the annual mean
    meets the target and at least ``min_months`` monthly means do (the reference's proposal).
    """
    evaluated = {m: k for m, k in monthly_classes.items() if k is not None and m in set(expected)}
    on = [m for m, k in evaluated.items() if meets(k, target_class)]
    failing = tuple(sorted(m for m in evaluated if m not in on))
    missing = tuple(m for m in expected if m not in evaluated)
    annual_ok = meets(annual_class, target_class)
    if not evaluated:
        stable: bool | None = None
    elif rule == "all_months":
        stable = not failing and not missing
    elif rule == "annual_and_months":
        if min_months is None:
            raise ValueError("the rule annual_and_months needs a minimum number of months")
        stable = bool(annual_ok) and len(on) >= min_months
    else:
        raise ValueError(f"unknown stability rule {rule!r}")
    return StableVerdict(
        stable,
        rule,
        len(expected),
        len(evaluated),
        len(on),
        failing,
        missing,
        annual_class,
        annual_ok,
    )


# -- "annual mean ≥ 10 % better than the baseline year" ------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    code: str
    baseline: Decimal
    current: Decimal | None
    improvement: Decimal | None  # fraction; positive is better, None without a current value


@dataclass(frozen=True)
class ImprovementVerdict:
    basis: str
    threshold: Decimal  # percent
    items: tuple[ItemChange, ...] = ()
    composite: tuple[Decimal, Decimal] | None = None  # baseline, current index
    improvement: Decimal | None = None  # the deciding figure, as a fraction
    met: bool | None = None
    note: str = ""


def _direction(code: str) -> str:
    return str(load("gb3838")["table1"]["items"][code]["direction"])


def improvement_of(code: str, baseline: Decimal, current: Decimal) -> Decimal | None:
    """How much better ``current`` is than ``baseline``, as a fraction of the baseline: a drop for
    upper-limit items, a rise for dissolved oxygen; None when the baseline is zero."""
    direction = _direction(code)
    if direction not in ("max", "min"):
        raise ValueError(f"{code}: no direction of improvement (pH and water temperature are not compared)")
    if baseline == 0:
        return None
    return (baseline - current) / baseline if direction == "max" else (current - baseline) / baseline


def exceeding_items(values: Mapping[str, Measurement], target_class: str, water_body: str) -> list[str]:
    """Class items whose mean is worse than the target class (pH excluded: it has no direction)."""
    result = evaluate(values, water_body, target_class)
    if result is None:
        return []
    target = class_rank(normalise_class(target_class))
    return [
        code
        for code, item in result.items.items()
        if class_rank(item.water_class) > target and _direction(code) in ("max", "min")
    ]


def composite_index(
    values: Mapping[str, Measurement], target_class: str, water_body: str, items: Iterable[str]
) -> Decimal | None:
    """The composite pollution index P = (1/n)·Σ Cᵢ/Sᵢ over ``items`` against the target-class limits
    (upper-limit items only: pH and DO have no ratio, as they have no exceedance multiple)."""
    klass = normalise_class(target_class)
    ratios = []
    for code in items:
        if code not in values or _direction(code) != "max":
            continue
        limit = item_limit(code, klass, water_body)
        assert isinstance(limit, Decimal)
        ratios.append(values[code].value / limit)
    return sum(ratios, Decimal(0)) / len(ratios) if ratios else None


def improvement_verdict(
    baseline: Mapping[str, Measurement],
    current: Mapping[str, Measurement],
    *,
    target_class: str,
    water_body: str,
    threshold: Decimal,
    basis: str = "exceeding_items",
    items: Sequence[str] = (),
) -> ImprovementVerdict:
    """Whether the annual means improved by at least ``threshold`` percent on the baseline year.

    ``exceeding_items`` (default): each item that exceeded the target class in the baseline year
    (or each of ``items`` when given) must improve by the threshold; the figure shown is the
    smallest improvement. A section with no such item is judged on the composite index.
    ``composite_index``: the composite pollution index over the class items both years share (or
    ``items``) must improve by the threshold. Improvements are compared exactly: 10 % is enough,
    9.99 % is not.
    """
    need = threshold / 100
    if not baseline:
        return ImprovementVerdict(basis, threshold, note="基准年无监测数据")
    if not current:
        return ImprovementVerdict(basis, threshold, note="本年度无监测数据")
    chosen = list(items) or (
        exceeding_items(baseline, target_class, water_body) if basis == "exceeding_items" else []
    )
    if basis == "exceeding_items" and chosen:
        changes = []
        for code in chosen:
            if code not in baseline:
                continue
            cur = current[code].value if code in current else None
            change = None if cur is None else improvement_of(code, baseline[code].value, cur)
            changes.append(ItemChange(code, baseline[code].value, cur, change))
        known = [c.improvement for c in changes if c.improvement is not None]
        if not changes or len(known) < len(changes):
            return ImprovementVerdict(basis, threshold, tuple(changes), note="评价指标缺少本年度或基准年数据")
        worst = min(known)
        return ImprovementVerdict(basis, threshold, tuple(changes), improvement=worst, met=worst >= need)
    if basis not in ("exceeding_items", "composite_index"):
        raise ValueError(f"unknown improvement basis {basis!r}")
    shared = list(items) or [c for c in evaluable(baseline) if c in current and c in _class_items()]
    before = composite_index(baseline, target_class, water_body, shared)
    after = composite_index(current, target_class, water_body, shared)
    note = "基准年无超标指标，按综合污染指数评价" if basis == "exceeding_items" else ""
    if before is None or after is None or before == 0:
        return ImprovementVerdict("composite_index", threshold, note=note or "无可比较的指标")
    change = (before - after) / before
    return ImprovementVerdict(
        "composite_index",
        threshold,
        composite=(before, after),
        improvement=change,
        met=change >= need,
        note=note,
    )


def _class_items() -> set[str]:
    return set(load("water_2011")["class_items"]["items"])


# -- rivers, lakes, drinking water, noise --------------------------------------------------------


@dataclass(frozen=True)
class InflowVerdict:
    free_of_worse_than_v: bool | None
    water_class: str | None  # the river's class (river mean), or its worst section
    section_classes: tuple[str | None, ...] = ()
    main_pollutants: tuple[str, ...] = ()


def inflow_verdict(
    sections: Sequence[Mapping[str, Measurement]], *, method: str = "river_mean"
) -> InflowVerdict:
    """Whether an inflow river is free of 劣Ⅴ on its annual means.

    ``river_mean``: the river is evaluated from its sections by the 2011 method (fewer than five
    sections: the items averaged over the sections, then classified; five or more: no section may
    be 劣Ⅴ, i.e. a zero 劣Ⅴ share). ``each_section``: every section's annual mean must be better
    than 劣Ⅴ.
    """
    usable = [evaluable(s) for s in sections if s]
    results = [evaluate(s, "river") for s in usable]
    classes = tuple(r.water_class if r is not None else None for r in results)
    if not [r for r in results if r is not None]:
        return InflowVerdict(None, None, classes)
    if method == "each_section":
        known = [k for k in classes if k is not None]
        worst = max(known, key=class_rank)
        return InflowVerdict(worst != WORSE_THAN_V, worst, classes)
    if method != "river_mean":
        raise ValueError(f"unknown inflow method {method!r}")
    river = evaluate_river([s for s, r in zip(usable, results, strict=True) if r is not None], "river")
    if river.averaged is not None:
        klass = river.averaged.water_class
        return InflowVerdict(klass != WORSE_THAN_V, klass, classes, river.averaged.main_pollutants)
    assert river.shares is not None
    worst = max((k for k in classes if k is not None), key=class_rank)
    return InflowVerdict(river.shares.bad_share == 0, worst, classes, river.main_pollutants)


def lake_result(
    points: Sequence[Mapping[str, Measurement]], target_class: str | None = None
) -> LakeResult | None:
    """A lake from its points' (annual or monthly) means; None without data."""
    usable = [p for p in (evaluable(p) for p in points) if p]
    if not usable:
        return None
    return evaluate_lake(usable, target_class or None)


@dataclass(frozen=True)
class LakeVerdict:
    improved: bool | None
    basis: str
    baseline_class: str | None = None
    current_class: str | None = None
    baseline_tli: Decimal | None = None
    current_tli: Decimal | None = None
    note: str = ""


def lake_verdict(
    baseline: LakeResult | None, current: LakeResult | None, *, basis: str = "class_then_tli"
) -> LakeVerdict:
    """Whether a lake's water quality improved on the baseline year ("有所改善").

    ``class_then_tli`` (default): a better class, or the same class and a lower trophic index;
    ``class``: a better class; ``tli``: a lower trophic index.
    """
    if baseline is None or current is None:
        return LakeVerdict(None, basis, note="缺少本年度或基准年数据")
    b_class, c_class = baseline.section.water_class, current.section.water_class
    b_tli = baseline.tli.value if baseline.tli else None
    c_tli = current.tli.value if current.tli else None
    facts: dict[str, Any] = {
        "baseline_class": b_class,
        "current_class": c_class,
        "baseline_tli": b_tli,
        "current_tli": c_tli,
    }
    lower_tli = None if b_tli is None or c_tli is None else c_tli < b_tli
    if basis == "tli":
        return LakeVerdict(lower_tli, basis, **facts)
    if b_class is None or c_class is None:
        return LakeVerdict(None, basis, note="缺少分类指标", **facts)
    better = class_rank(c_class) < class_rank(b_class)
    if basis == "class":
        return LakeVerdict(better, basis, **facts)
    if basis != "class_then_tli":
        raise ValueError(f"unknown lake basis {basis!r}")
    if better or class_rank(c_class) > class_rank(b_class):
        return LakeVerdict(better, basis, **facts)
    return LakeVerdict(bool(lower_tli), basis, **facts)


@dataclass(frozen=True)
class DrinkingVerdict:
    compliant: bool | None
    rule: str
    months_evaluated: int = 0
    months_compliant: int = 0
    failing_months: tuple[Month, ...] = ()
    failing_items: tuple[str, ...] = ()


def drinking_compliant(values: Mapping[str, Any], water_body: str) -> tuple[bool, tuple[str, ...]] | None:
    """One source over one period: compliant, and the failing items; None when nothing decides."""
    try:
        result = drinking_water_compliance(evaluable(values), water_body)
    except ValueError:
        return None
    return result.compliant, result.failing_items


def drinking_verdict(
    monthly: Mapping[Month, Mapping[str, Measurement]],
    water_body: str,
    *,
    rule: str = "every_month",
    months: Iterable[Month] | None = None,
) -> DrinkingVerdict:
    """A source over a year: ``every_month`` (default) compliant in every month with data, or
    ``annual_mean`` compliant on its annual means."""
    chosen = sorted(monthly) if months is None else [m for m in months if m in monthly]
    if rule == "annual_mean":
        judged = drinking_compliant(annual_means(monthly, chosen), water_body)
        if judged is None:
            return DrinkingVerdict(None, rule)
        return DrinkingVerdict(judged[0], rule, failing_items=judged[1])
    if rule != "every_month":
        raise ValueError(f"unknown drinking-water rule {rule!r}")
    evaluated, failing, items = 0, [], []
    for month in chosen:
        judged = drinking_compliant(monthly[month], water_body)
        if judged is None:
            continue
        evaluated += 1
        if not judged[0]:
            failing.append(month)
            items += [c for c in judged[1] if c not in items]
    if not evaluated:
        return DrinkingVerdict(None, rule)
    return DrinkingVerdict(
        not failing, rule, evaluated, evaluated - len(failing), tuple(failing), tuple(items)
    )


@dataclass(frozen=True)
class NoisePointTime:
    zone: str
    ld: Decimal | None
    ln: Decimal | None
    railway_background: bool = False


def noise_results(point_times: Iterable[NoisePointTime]) -> list[NoiseResult]:
    out = []
    for pt in point_times:
        for period, level in (("day", pt.ld), ("night", pt.ln)):
            if level is not None:
                out.append(assess_noise(pt.zone, period, level, railway_background=pt.railway_background))
    return out


def noise_rates(point_times: Iterable[NoisePointTime]) -> ZoneComplianceRates:
    """Functional-zone compliance rates, day and night apart (HJ 640-2012 via ``epb.standards``)."""
    return zone_compliance_rate(noise_results(point_times))


# -- status, trends, thresholds -------------------------------------------------------------------


def status(achieved: bool | None, *, final: bool) -> str:
    """The board's status of a target: final years are met or not; a year in progress is on track
    or at risk; nothing to judge is "no data"."""
    if achieved is None:
        return "no_data"
    if final:
        return "met" if achieved else "not_met"
    return "on_track" if achieved else "at_risk"


def change_wording(before: str | None, after: str | None) -> str:
    """The 2011 method's wording for a change of grade (优/良好/轻度/中度/重度污染): one grade is
    有所好转/变差, two or more 明显好转/变差 ([R] in the reference)."""
    if before is None or after is None:
        return "—"
    grades = [row["grade"] for row in load("water_2011")["grades"]["by_class"]]
    b, a = grades.index(class_grade(before)["grade"]), grades.index(class_grade(after)["grade"])
    if a == b:
        return "无明显变化"
    size = "有所" if abs(a - b) == 1 else "明显"
    return size + ("好转" if a < b else "变差")


@dataclass(frozen=True)
class Breach:
    value: Decimal
    limit: Decimal
    side: str  # "upper" or "lower"


def breach(value: ValueLike, *, upper: Decimal | None = None, lower: Decimal | None = None) -> Breach | None:
    """The threshold a value crosses (strictly above the upper line, strictly below the lower)."""
    number = parse_measurement(value).value
    if upper is not None and number > upper:
        return Breach(number, upper, "upper")
    if lower is not None and number < lower:
        return Breach(number, lower, "lower")
    return None


def class_label_of(klass: str | None) -> str:
    if klass is None:
        return "—"
    return str(load("gb3838")["class_labels"][klass])


def class_number(klass: str | None) -> int | None:
    """1 for class I … 6 for 劣Ⅴ, for charts."""
    return None if klass is None else water_classes().index(klass) + 1


@dataclass
class Series:
    """One line of a trend chart: a name and a value per month (None where there is none)."""

    name: str
    values: list[float | None] = field(default_factory=list)


# -- air -------------------------------------------------------------------------------------------

AIR_DAILY_MEANS = ("SO2", "NO2", "CO", "PM10", "PM2_5")


def air_daily(hourly: Mapping[int, Mapping[str, Any]]) -> dict[str, Decimal]:
    """A day's report values from its hourly values (keyed by starting hour 0–23), with the
    GB 3095 validity rules: 24-h means need 20 hours; the O3 daily maximum 8-h value takes the
    8-h moving means of the day's windows (hours 0–7 … 16–23) that have 6 hours each, 14 of them."""
    from epb.standards.gb3095 import daily_validity, eight_hour_validity, o3_daily_max_8h_validity

    def series(p: str) -> dict[int, Decimal]:
        return {h: Decimal(str(v[p])) for h, v in hourly.items() if v.get(p) not in (None, "")}

    out: dict[str, Decimal] = {}
    for p in AIR_DAILY_MEANS:
        values = list(series(p).values())
        if values and daily_validity(p, len(values)).valid:
            out[p] = sum(values, Decimal(0)) / len(values)
    o3 = series("O3")
    if o3:
        out["O3"] = max(o3.values())
        windows = []
        for start in range(0, 17):
            inside = [o3[h] for h in range(start, start + 8) if h in o3]
            if eight_hour_validity(len(inside)).valid:
                windows.append(sum(inside, Decimal(0)) / len(inside))
        if windows and o3_daily_max_8h_validity(len(windows)).valid:
            out["O3_8h"] = max(windows)
    return out


def city_mean(stations: Sequence[Mapping[str, Any]]) -> dict[str, Decimal]:
    """The city's value of each pollutant: the arithmetic mean over the stations that have it
    (HJ 663: city concentrations are means over the assessment stations)."""
    collected: dict[str, list[Decimal]] = {}
    for values in stations:
        for p, v in values.items():
            if v not in (None, ""):
                collected.setdefault(p, []).append(Decimal(str(v)))
    return {p: sum(vs, Decimal(0)) / len(vs) for p, vs in collected.items()}


# -- automatic stations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StationValues:
    values: dict[str, str]
    skipped: dict[str, str]  # item code -> why it was left out (its flag)


def station_values(kind: str, data: Mapping[str, Any], *, field_name: str = "Avg") -> StationValues:
    """The values of one HJ 212 reading (``{"w21003": {"Avg": 0.42, "Flag": "N"}, …}``) as a
    result's values in the items' units. Only values whose flag marks a measurement count
    (HJ 212-2017 table 8 via ``epb.standards.validity``); factors that are not quality items are
    ignored. Readings carry each factor in its HJ 212 default unit (the gateway's contract)."""
    from epb.quality.items import UnitMismatch, by_hj212, unit_factor
    from epb.standards.factors import factor
    from epb.standards.validity import flag_rule

    values: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for code, fields in data.items():
        item_ = by_hj212(kind, code)
        if item_ is None or not isinstance(fields, Mapping):
            continue
        raw = fields.get(field_name, fields.get("Rtd"))
        if raw is None:
            continue
        rule = flag_rule(fields.get("Flag"))
        if not rule.valid:
            skipped[item_.code] = f"Flag={rule.code}（{rule.meaning_zh}）"
            continue
        known = factor(code)
        try:
            scale = unit_factor(known.unit if known else None, item_)
        except UnitMismatch:
            skipped[item_.code] = f"单位 {known.unit if known else '?'} 无法换算"
            continue
        try:
            number = Decimal(str(raw)) * scale
        except ArithmeticError:
            skipped[item_.code] = f"数值 {raw!r} 无效"
            continue
        if not number.is_finite() or number < 0:
            skipped[item_.code] = f"数值 {raw!r} 无效"
            continue
        values[item_.code] = format(number.normalize(), "f")
    return StationValues(values, skipped)
