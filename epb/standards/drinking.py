"""Compliance of centralised surface drinking-water sources (GB 3838-2002 with the 2011 method).

Table 1 items are evaluated by the 2011 method against class III (water temperature, TN and
fecal coliforms are reference items and do not count); table 2 items (sulfate, chloride, nitrate,
iron, manganese) against their single limits; table 3 items, which the data files do not carry,
against limits the caller passes in ``extra_limits``. A source complies only if every evaluated
item complies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from epb.standards.numeric import ValueLike, parse_measurement, round_half_even, to_decimal
from epb.standards.tables import load
from epb.standards.water import (
    SectionResult,
    SupplementaryResult,
    class_rank,
    evaluate_section,
    supplementary_result,
)

__all__ = ["ComplianceRates", "DrinkingResult", "drinking_water_compliance", "source_compliance_rates"]


@dataclass(frozen=True)
class DrinkingResult:
    compliant: bool
    section: SectionResult
    extra: Mapping[str, SupplementaryResult]
    failing_items: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        section = self.section.to_dict()
        section["supplementary"].update({code: r.to_dict() for code, r in self.extra.items()})
        return {"compliant": self.compliant, "failing_items": list(self.failing_items), **section}


def drinking_water_compliance(
    values: Mapping[str, ValueLike],
    water_body: str = "river",
    *,
    extra_limits: Mapping[str, Decimal | int | float | str] | None = None,
) -> DrinkingResult:
    """Judge one source over one period (usually a month) from its item values.

    Raises ``ValueError`` when no item that counts was given: compliance cannot be claimed from
    nothing.
    """
    extra_limits = dict(extra_limits or {})
    table_codes = set(load("gb3838")["table1"]["items"]) | set(load("gb3838")["table2"]["items"])
    clash = table_codes & set(extra_limits)
    if clash:
        raise ValueError(f"extra_limits may not redefine GB 3838 items: {', '.join(sorted(clash))}")
    standard = {code: v for code, v in values.items() if code not in extra_limits}
    section = evaluate_section(standard, water_body, target_class="III")
    extra: dict[str, SupplementaryResult] = {}
    for code, limit in extra_limits.items():
        if code in values:
            value = parse_measurement(values[code], name=code).value
            extra[code] = supplementary_result(code, value, to_decimal(limit, name=f"limit of {code}"))
    if not section.items and not section.supplementary and not extra:
        raise ValueError("none of the items that decide compliance was given")
    target = class_rank("III")
    failing = [code for code, item in section.items.items() if class_rank(item.water_class) > target]
    failing += [code for code, r in {**section.supplementary, **extra}.items() if not r.complies]
    return DrinkingResult(not failing, section, extra, tuple(failing))


@dataclass(frozen=True)
class ComplianceRates:
    sources: int
    compliant: int
    by_count: Decimal  # percent
    by_volume: Decimal | None  # percent; None when no volumes were given

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "compliant": self.compliant,
            "by_count": float(self.by_count),
            "by_volume": None if self.by_volume is None else float(self.by_volume),
        }


def source_compliance_rates(
    sources: Iterable[tuple[bool, Decimal | int | float | None]], *, places: int = 1
) -> ComplianceRates:
    """Rates over sources: ``(compliant, intake volume or None)`` each.

    By count: compliant ÷ all; by volume: compliant intake ÷ total intake (only when every source
    has a volume). ``places`` is the reporting precision of the percentages.
    """
    items = list(sources)
    if not items:
        raise ValueError("no sources")
    n_ok = sum(1 for ok, _ in items if ok)
    by_count = Fraction(n_ok, len(items)) * 100
    by_volume: Decimal | None = None
    if all(v is not None for _, v in items):
        volumes = [(ok, to_decimal(v, name="volume")) for ok, v in items]
        total = sum((v for _, v in volumes), Decimal(0))
        if total > 0:
            by_volume = round_half_even(sum((v for ok, v in volumes if ok), Decimal(0)) * 100 / total, places)
    return ComplianceRates(
        sources=len(items),
        compliant=n_ok,
        by_count=round_half_even(Decimal(by_count.numerator) / Decimal(by_count.denominator), places),
        by_volume=by_volume,
    )
