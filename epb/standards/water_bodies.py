"""Rivers, basins and lakes by the 2011 method (环办〔2011〕22号), built on section evaluation.

- A river or basin with at least ``min_sections`` (5) sections is graded from the shares of its
  section classes; with fewer, each item is averaged over the sections and the average is
  evaluated like one section.
- A lake or reservoir: each item is averaged over time at each point, then over the points, and
  the means are evaluated like one section with the lake TP column; the trophic level index is
  computed from the mean concentrations (or, by choice, as the mean of the points' indices).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from epb.standards.numeric import Measurement, ValueLike, mean, parse_measurement, round_half_even
from epb.standards.tables import load, to_dec
from epb.standards.trophic import TliResult, mean_tli, tli_from_values
from epb.standards.water import SectionResult, class_grade, class_items, class_rank, evaluate_section

__all__ = [
    "LakeResult",
    "RiverGrade",
    "RiverResult",
    "average_values",
    "evaluate_lake",
    "evaluate_river",
    "grade_river",
    "river_main_pollutants",
]

PointValues = Mapping[str, ValueLike | Sequence[ValueLike]]


def _rules() -> dict[str, Any]:
    return load("water_2011")


def _percent(share: Fraction) -> Decimal:
    places = int(_rules()["river_grading"]["share_places"])
    return round_half_even(Decimal(share.numerator) * 100 / Decimal(share.denominator), places)


@dataclass(frozen=True)
class RiverGrade:
    """The class-share grade of a river or basin; shares are exact fractions of the sections."""

    sections: int
    class_counts: Mapping[str, int]
    good_share: Fraction
    bad_share: Fraction
    grade: str
    color: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "sections": self.sections,
            "class_counts": dict(self.class_counts),
            "good_percent": float(_percent(self.good_share)),
            "worse_than_v_percent": float(_percent(self.bad_share)),
            "grade": self.grade,
            "color": self.color,
        }


def grade_river(
    section_classes: Sequence[str],
    *,
    heavy_good_below: int | Decimal | None = None,
    min_sections: int | None = None,
) -> RiverGrade:
    """Grade a river or basin from its section classes (表2 of the method).

    G = share of sections in I–III, D = share worse than V, compared exactly (no rounding).
    ``heavy_good_below`` (default from the data file: none) adds the uncertain "G < 60 %" to the
    heavily-polluted row; the single case it changes (G = 60 %, D = 40 %) is then moderately
    polluted.
    """
    rules = _rules()["river_grading"]
    minimum = int(rules["min_sections"]) if min_sections is None else min_sections
    if len(section_classes) < minimum:
        raise ValueError(
            f"{len(section_classes)} sections: the class-share grade needs at least {minimum}; "
            "average the sections instead (evaluate_river)"
        )
    for klass in section_classes:
        class_rank(klass)
    n = len(section_classes)
    good = Fraction(sum(1 for c in section_classes if c in rules["good_classes"]), n)
    bad = Fraction(sum(1 for c in section_classes if c in rules["bad_classes"]), n)
    g, d = good * 100, bad * 100
    if heavy_good_below is None and rules["heavy_good_below"] is not None:
        heavy_good_below = rules["heavy_good_below"]

    # Rows in order, each deciding only what the ones before left open; the last row (D >= 40 %)
    # takes the rest, or, with the optional G bound, hands G at or above it back to the row before.
    *rows, last = rules["rules"]
    chosen: dict[str, Any] = last
    for rule in rows:
        if ("good_min" in rule and g >= Fraction(to_dec(rule["good_min"]))) or (
            "bad_below" in rule and d < Fraction(to_dec(rule["bad_below"]))
        ):
            chosen = rule
            break
    else:
        if heavy_good_below is not None and g >= Fraction(to_dec(heavy_good_below)):
            chosen = rows[-1]
    counts = {c: section_classes.count(c) for c in dict.fromkeys(section_classes)}
    return RiverGrade(n, counts, good, bad, chosen["grade"], chosen["color"])


def river_main_pollutants(sections: Sequence[SectionResult], grade: str | None = None) -> dict[str, Fraction]:
    """Items over class III ranked by their section exceedance rate, top three (method §5.2).

    Returns ``{code: rate}`` in rank order (ties in table order); empty for rivers graded
    excellent or good (``grade``), as for sections.
    """
    rule = _rules()["river_main_pollutants"]
    if grade in rule["skip_grades"] or not sections:
        return {}
    threshold = class_rank(_rules()["section_main_pollutants"]["only_when_class_worse_than"])
    counts: dict[str, int] = {}
    for section in sections:
        for code, item in section.items.items():
            if class_rank(item.water_class) > threshold:
                counts[code] = counts.get(code, 0) + 1
    order = {code: n for n, code in enumerate(class_items())}
    ranked = sorted(counts, key=lambda code: (-counts[code], order.get(code, len(order))))
    return {code: Fraction(counts[code], len(sections)) for code in ranked[: int(rule["max_count"])]}


def average_values(samples: Sequence[Mapping[str, ValueLike]]) -> dict[str, Measurement]:
    """Arithmetic mean of each item over the samples that have it (below-detection values count as
    half the detection limit). A mean stays "below detection" only if every sample was."""
    collected: dict[str, list[Measurement]] = {}
    for sample in samples:
        for code, raw in sample.items():
            collected.setdefault(code, []).append(parse_measurement(raw, name=code))
    out: dict[str, Measurement] = {}
    for code, ms in collected.items():
        limits = [m.detection_limit for m in ms if m.detection_limit is not None]
        limit = max(limits) if len(limits) == len(ms) else None
        out[code] = Measurement(mean(m.value for m in ms), limit)
    return out


@dataclass(frozen=True)
class RiverResult:
    method: Literal["class_share", "section_mean"]
    sections: tuple[SectionResult, ...]
    grade: str | None
    color: str | None
    shares: RiverGrade | None = None
    averaged: SectionResult | None = None
    exceedance_rates: Mapping[str, Fraction] = field(default_factory=dict)

    @property
    def main_pollutants(self) -> tuple[str, ...]:
        if self.averaged is not None:
            return self.averaged.main_pollutants
        return tuple(self.exceedance_rates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "grade": self.grade,
            "color": self.color,
            "shares": None if self.shares is None else self.shares.to_dict(),
            "main_pollutants": list(self.main_pollutants),
            "exceedance_rates": {code: float(_percent(rate)) for code, rate in self.exceedance_rates.items()},
            "averaged": None if self.averaged is None else self.averaged.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
        }


def evaluate_river(
    sections: Sequence[Mapping[str, ValueLike]],
    water_body: str = "river",
    *,
    target_class: str | None = None,
    include_tn: bool = False,
    places: Mapping[str, int] | None = None,
    heavy_good_below: int | Decimal | None = None,
) -> RiverResult:
    """Evaluate a river or basin from the period-mean values of each of its sections."""
    if not sections:
        raise ValueError("a river needs at least one section")
    kwargs: dict[str, Any] = {"target_class": target_class, "include_tn": include_tn, "places": places}
    results = tuple(evaluate_section(values, water_body, **kwargs) for values in sections)
    if len(sections) < int(_rules()["river_grading"]["min_sections"]):
        averaged = evaluate_section(average_values(sections), water_body, **kwargs)
        grade = None if averaged.water_class is None else class_grade(averaged.water_class)
        return RiverResult(
            method="section_mean",
            sections=results,
            grade=None if grade is None else grade["grade"],
            color=None if grade is None else grade["color"],
            averaged=averaged,
        )
    classes = []
    for n, result in enumerate(results):
        if result.water_class is None:
            raise ValueError(f"section {n} has none of the class items")
        classes.append(result.water_class)
    shares = grade_river(classes, heavy_good_below=heavy_good_below)
    return RiverResult(
        method="class_share",
        sections=results,
        grade=shares.grade,
        color=shares.color,
        shares=shares,
        exceedance_rates=river_main_pollutants(results, shares.grade),
    )


@dataclass(frozen=True)
class LakeResult:
    points: int
    means: Mapping[str, Measurement]
    section: SectionResult
    tli: TliResult | None
    tli_method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.section.to_dict(),
            "points": self.points,
            "means": {code: float(m.value) for code, m in self.means.items()},
            "tli": None if self.tli is None else self.tli.to_dict(),
            "tli_method": self.tli_method,
        }


def _point_means(point: PointValues) -> dict[str, ValueLike]:
    """Mean over sampling times at one point; a scalar is one sampling."""
    out: dict[str, ValueLike] = {}
    for code, raw in point.items():
        if isinstance(raw, Sequence) and not isinstance(raw, str):
            if not raw:
                raise ValueError(f"{code}: empty list of samples")
            out[code] = average_values([{code: v} for v in raw])[code]
        else:
            out[code] = raw
    return out


def evaluate_lake(
    points: Sequence[PointValues],
    target_class: str | None = None,
    *,
    include_tn: bool = False,
    places: Mapping[str, int] | None = None,
    tli_method: Literal["mean_concentrations", "mean_of_points"] = "mean_concentrations",
    uncertain_upper_inclusive: bool | None = None,
) -> LakeResult:
    """Evaluate a lake or reservoir from its points (each item a value or a list over time).

    TN stays a reference item unless ``include_tn``. The TLI is computed when any trophic
    parameter (Chla, TP, TN, SD, CODMn) is present: from the lake-mean concentrations by default,
    or as the mean of the points' TLIs with ``tli_method="mean_of_points"``.
    """
    if not points:
        raise ValueError("a lake needs at least one point")
    if tli_method not in ("mean_concentrations", "mean_of_points"):
        raise ValueError(f"unknown tli_method {tli_method!r}")
    per_point = [_point_means(p) for p in points]
    means = average_values(per_point)
    section = evaluate_section(means, "lake", target_class, include_tn=include_tn, places=places)
    trophic = load("tli")["parameters"]
    result: TliResult | None = None
    if tli_method == "mean_concentrations":
        given = {code: means[code] for code in trophic if code in means}
        if given:
            result = tli_from_values(given, uncertain_upper_inclusive=uncertain_upper_inclusive)
    else:
        per = [
            tli_from_values(
                {c: parse_measurement(p[c], name=c) for c in trophic if c in p},
                uncertain_upper_inclusive=uncertain_upper_inclusive,
            )
            for p in per_point
            if any(c in p for c in trophic)
        ]
        if per:
            result = mean_tli(per, uncertain_upper_inclusive=uncertain_upper_inclusive)
    return LakeResult(len(points), means, section, result, tli_method)
