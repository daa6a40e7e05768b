"""Comprehensive trophic level index TLI(Σ) of lakes and reservoirs (总站生字〔2001〕090号).

TLI(Σ) = Σ Wⱼ·TLI(j), TLI(j) = 10·(a + b·ln Cⱼ), Wⱼ = rⱼ² / Σ rₖ² over the parameters actually
given, so a missing parameter renormalises the weights. Computed in ``Decimal`` (``ln`` at 28
digits) and reported to the places of ``data/tli.json``; the grade is read off the reported value
so that figure and grade never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from epb.standards.numeric import ValueLike, mean, parse_measurement, round_half_even
from epb.standards.tables import load, to_dec

__all__ = ["TliResult", "mean_tli", "tli", "tli_from_values", "trophic_grade"]

PARAMETERS = ("Chla", "TP", "TN", "SD", "CODMn")


@dataclass(frozen=True)
class TliResult:
    value: Decimal  # rounded for reporting
    raw: Decimal
    grade: str
    grade_en: str
    eutrophic: bool
    components: Mapping[str, Decimal]
    weights: Mapping[str, Decimal]

    def to_dict(self) -> dict[str, Any]:
        table = load("tli")
        places, weight_places = int(table["places"]), int(table["weight_places"])
        return {
            "tli": float(self.value),
            "grade": self.grade,
            "grade_en": self.grade_en,
            "eutrophic": self.eutrophic,
            "components": {k: float(round_half_even(v, places)) for k, v in self.components.items()},
            "weights": {k: float(round_half_even(v, weight_places)) for k, v in self.weights.items()},
        }


def trophic_grade(value: Decimal, *, uncertain_upper_inclusive: bool | None = None) -> dict[str, Any]:
    """The grade row of ``data/tli.json`` for a TLI value.

    The bounds 50, 60 and 70 are uncertain in the sources (lower or upper grade);
    ``uncertain_upper_inclusive`` overrides the data file's choice for those three.
    """
    for row in load("tli")["grades"]:
        if row["upper"] is None:
            return dict(row)
        inclusive = row["upper_inclusive"]
        if row.get("uncertain") and uncertain_upper_inclusive is not None:
            inclusive = uncertain_upper_inclusive
        upper = to_dec(row["upper"])
        if value < upper or (inclusive and value == upper):
            return dict(row)
    raise AssertionError("data/tli.json: the last grade must be open-ended")  # pragma: no cover


def tli_from_values(
    values: Mapping[str, ValueLike], *, uncertain_upper_inclusive: bool | None = None
) -> TliResult:
    """TLI from ``{"Chla": .., "TP": .., "TN": .., "SD": .., "CODMn": ..}`` (any non-empty subset).

    Units: Chla mg/m³ (= µg/L), TP/TN/CODMn mg/L, SD (Secchi depth) m. Values must be > 0.
    """
    table = load("tli")
    params = table["parameters"]
    concentrations: dict[str, Decimal] = {}
    for code, raw in values.items():
        if code not in params:
            raise ValueError(f"unknown trophic parameter {code!r}; expected one of {', '.join(params)}")
        number = parse_measurement(raw, name=code).value
        if number <= 0:
            raise ValueError(f"{code}: must be greater than 0 for the logarithm")
        concentrations[code] = number
    if not concentrations:
        raise ValueError("TLI needs at least one of " + ", ".join(params))

    scale = to_dec(table["scale"])
    r2 = {code: to_dec(params[code]["r"]) ** 2 for code in concentrations}
    total_r2 = sum(r2.values(), Decimal(0))
    components: dict[str, Decimal] = {}
    weights: dict[str, Decimal] = {}
    for code in params:
        if code in concentrations:
            a, b = to_dec(params[code]["a"]), to_dec(params[code]["b"])
            components[code] = scale * (a + b * concentrations[code].ln())
            weights[code] = r2[code] / total_r2
    raw_tli = sum((weights[c] * components[c] for c in components), Decimal(0))
    return _result(raw_tli, components, weights, uncertain_upper_inclusive)


def tli(
    *,
    chla: ValueLike | None = None,
    tp: ValueLike | None = None,
    tn: ValueLike | None = None,
    sd: ValueLike | None = None,
    codmn: ValueLike | None = None,
    uncertain_upper_inclusive: bool | None = None,
) -> TliResult:
    """Keyword form of :func:`tli_from_values`; ``None`` parameters are left out."""
    given = {"Chla": chla, "TP": tp, "TN": tn, "SD": sd, "CODMn": codmn}
    return tli_from_values(
        {k: v for k, v in given.items() if v is not None}, uncertain_upper_inclusive=uncertain_upper_inclusive
    )


def mean_tli(results: Iterable[TliResult], *, uncertain_upper_inclusive: bool | None = None) -> TliResult:
    """The arithmetic mean of several TLIs (e.g. over the points of a lake), graded afresh."""
    items = list(results)
    if not items:
        raise ValueError("mean of no TLI results")
    return _result(mean(r.raw for r in items), {}, {}, uncertain_upper_inclusive)


def _result(
    raw_tli: Decimal,
    components: Mapping[str, Decimal],
    weights: Mapping[str, Decimal],
    uncertain_upper_inclusive: bool | None,
) -> TliResult:
    value = round_half_even(raw_tli, int(load("tli")["places"]))
    row = trophic_grade(value, uncertain_upper_inclusive=uncertain_upper_inclusive)
    return TliResult(
        value=value,
        raw=raw_tli,
        grade=row["name_zh"],
        grade_en=row["name_en"],
        eutrophic=bool(row["eutrophic"]),
        components=dict(components),
        weights=dict(weights),
    )
