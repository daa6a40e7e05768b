"""GB 3838-2002 classes and section evaluation by the 2011 method (环办〔2011〕22号).

Pure: values in, frozen results out. Item codes are those of ``data/gb3838.json`` (``pH``,
``DO``, ``CODMn``, ``NH3N``, ``TP`` …), plus the trophic items ``Chla`` and ``SD``, which a
section evaluation accepts but does not classify. Water bodies: ``"river"`` and ``"lake"``
(``"reservoir"`` is read as ``"lake"``: the TP column for lakes and reservoirs is the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from epb.standards.numeric import Measurement, ValueLike, parse_measurement, round_half_even
from epb.standards.tables import load, to_dec

__all__ = [
    "ItemResult",
    "SectionResult",
    "SupplementaryResult",
    "accepted_codes",
    "canonical_code",
    "canonical_values",
    "class_grade",
    "class_items",
    "class_label",
    "class_rank",
    "classify_item",
    "evaluate_section",
    "exceedance_multiple",
    "item_limit",
    "item_name",
    "normalise_class",
    "normalise_water_body",
    "water_classes",
]

WATER_BODIES = ("river", "lake")


def _std() -> dict[str, Any]:
    return load("gb3838")


def _method() -> dict[str, Any]:
    return load("water_2011")


@cache
def water_classes() -> tuple[str, ...]:
    """``("I", "II", "III", "IV", "V", "worse_than_V")``, best to worst."""
    std = _std()
    return (*std["classes"], std["worse_than_worst"])


def class_rank(klass: str) -> int:
    """0 for class I … 5 for worse than V; raises ``ValueError`` for anything else."""
    try:
        return water_classes().index(klass)
    except ValueError:
        raise ValueError(
            f"unknown water class {klass!r}; expected one of {', '.join(water_classes())}"
        ) from None


def normalise_class(klass: object) -> str:
    """A target class as given by people: ``"III"``, ``"Ⅲ"``, ``"Ⅲ类"``, ``3``."""
    labels = _std()["class_labels"]
    classes = water_classes()
    if isinstance(klass, int) and not isinstance(klass, bool) and 1 <= klass <= len(classes) - 1:
        return classes[klass - 1]
    if isinstance(klass, str):
        text = klass.strip()
        if text in classes:
            return text
        for code, label in labels.items():
            if text in (label, label.removesuffix("类")):
                return str(code)
    raise ValueError(f"unknown water class {klass!r}; expected one of {', '.join(water_classes())}")


def class_label(klass: str) -> str:
    """The Chinese label, e.g. ``"Ⅲ类"`` or ``"劣Ⅴ类"``."""
    return str(_std()["class_labels"][klass])


def class_grade(klass: str) -> dict[str, str]:
    """The qualitative grade and colour of a section class (``{"grade": "良好", "color": "green", …}``)."""
    for row in _method()["grades"]["by_class"]:
        if klass in row["classes"]:
            return {"grade": row["grade"], "color": row["color"], "color_zh": row["color_zh"]}
    raise ValueError(f"unknown water class {klass!r}")


def normalise_water_body(water_body: object) -> str:
    if water_body == "reservoir":
        return "lake"
    if water_body not in WATER_BODIES:
        raise ValueError(f"unknown water_body {water_body!r}; expected 'river' or 'lake'")
    return str(water_body)


@cache
def class_items() -> tuple[str, ...]:
    """The 21 items of the class evaluation, in table order."""
    return tuple(_method()["class_items"]["items"])


@cache
def _alias_key(text: str) -> str:
    return text.strip().replace("（", "(").replace("）", ")").casefold()


@cache
def _aliases() -> dict[str, str]:
    std = _std()
    table: dict[str, str] = {}
    for code in accepted_codes():
        table[_alias_key(code)] = code
    for part in ("table1", "table2"):
        for code, item in std[part]["items"].items():
            table.setdefault(_alias_key(item["name_zh"]), code)
    for code, names in _method()["code_aliases"]["aliases"].items():
        for name in names:
            table.setdefault(_alias_key(name), code)
    return table


def canonical_code(code: str) -> str:
    """The gb3838.json code of ``code`` given in any spelling of ``code_aliases`` (``"NH3-N"``,
    ``"氨氮"``, ``"tp"`` …); ``ValueError`` naming the accepted codes for anything else."""
    if code in accepted_codes():
        return code
    found = _aliases().get(_alias_key(code)) if isinstance(code, str) else None
    if found is None:
        raise ValueError(f"unknown item code {code!r}; expected one of {', '.join(sorted(accepted_codes()))}")
    return found


def canonical_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` keyed by their gb3838.json codes; two spellings of one item are an error."""
    out: dict[str, Any] = {}
    for code, raw in values.items():
        canon = canonical_code(code)
        if canon in out:
            raise ValueError(f"item {canon} given twice (as {code!r} and another spelling)")
        out[canon] = raw
    return out


def accepted_codes() -> frozenset[str]:
    """Every item code a water evaluation accepts: GB 3838 tables 1 and 2 and the trophic items."""
    std = _std()
    return (
        frozenset(std["table1"]["items"])
        | frozenset(std["table2"]["items"])
        | frozenset(_method()["trophic_items"])
    )


def item_name(code: str) -> str:
    std = _std()
    for table in ("table1", "table2"):
        if code in std[table]["items"]:
            return str(std[table]["items"][code]["name_zh"])
    return code


def _table1_item(code: str) -> dict[str, Any]:
    try:
        item: dict[str, Any] = _std()["table1"]["items"][code]
    except KeyError:
        raise ValueError(f"{code!r} is not a GB 3838-2002 table 1 item") from None
    return item


def _limits(code: str, water_body: str) -> dict[str, Any]:
    item = _table1_item(code)
    water_body = normalise_water_body(water_body)
    if item["limits"] is None:
        raise ValueError(f"{code} has no class limits in GB 3838-2002")
    if item.get("lake_only") and water_body != "lake":
        raise ValueError(f"{code} has class limits for lakes and reservoirs only")
    if water_body == "lake" and "limits_lake" in item:
        limits: dict[str, Any] = item["limits_lake"]
        return limits
    limits = item["limits"]
    return limits


def item_limit(code: str, klass: str, water_body: str = "river") -> Decimal | tuple[Decimal, Decimal]:
    """The class limit of an item (a ``(low, high)`` pair for pH)."""
    raw = _limits(code, water_body)[klass]
    if isinstance(raw, list):
        return to_dec(raw[0]), to_dec(raw[1])
    return to_dec(raw)


def _meets(direction: str, value: Decimal, limit: Decimal | tuple[Decimal, Decimal]) -> bool:
    if isinstance(limit, tuple):
        return limit[0] <= value <= limit[1]
    return value >= limit if direction == "min" else value <= limit


def classify_item(code: str, value: ValueLike, water_body: str = "river") -> str:
    """The best class whose limit the value meets (limits are inclusive), else ``"worse_than_V"``."""
    number = parse_measurement(value, name=code).value
    direction = _table1_item(code)["direction"]
    for klass in _std()["classes"]:
        if _meets(direction, number, item_limit(code, klass, water_body)):
            return str(klass)
    return water_classes()[-1]


def exceedance_multiple(
    code: str, value: ValueLike, water_body: str = "river", basis_class: str | None = None
) -> Decimal | None:
    """(C − S) / S against the class III limit (or ``basis_class``), unrounded.

    ``None`` when the item does not exceed, and always for water temperature, pH and DO, for
    which the method computes no multiple.
    """
    rules = _method()["exceedance"]
    if code in rules["not_computed_for"]:
        _table1_item(code)
        return None
    limit = item_limit(code, normalise_class(basis_class or rules["basis_class"]), water_body)
    assert isinstance(limit, Decimal)  # only pH has a range, and pH is excluded above
    number = parse_measurement(value, name=code).value
    if number <= limit:
        return None
    return (number - limit) / limit


@dataclass(frozen=True)
class ItemResult:
    """One item of a section: its class and its multiple over class III and over the basis class."""

    code: str
    value: Decimal
    water_class: str
    exceedance: Decimal | None = None
    exceedance_iii: Decimal | None = None
    detection_limit: Decimal | None = None
    # Below detection with a detection limit above the limit of the class it was given: the
    # class cannot be proven, so it is flagged rather than passed silently.
    indeterminate: bool = False

    @property
    def below_detection(self) -> bool:
        return self.detection_limit is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": float(self.value),
            "class": self.water_class,
            "exceedance": _multiple_out(self.exceedance),
            "below_detection": self.below_detection,
            "detection_limit": None if self.detection_limit is None else float(self.detection_limit),
            "indeterminate": self.indeterminate,
        }


@dataclass(frozen=True)
class SupplementaryResult:
    """A single-limit item (GB 3838 table 2, or a limit the caller supplies)."""

    code: str
    value: Decimal
    limit: Decimal
    complies: bool
    exceedance: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": float(self.value),
            "limit": float(self.limit),
            "complies": self.complies,
            "exceedance": _multiple_out(self.exceedance),
        }


@dataclass(frozen=True)
class SectionResult:
    """A section (or a lake, or a river averaged over its sections) by the single-factor method."""

    water_body: str
    water_class: str | None
    items: Mapping[str, ItemResult]
    exceedance_basis: str
    main_pollutants: tuple[str, ...] = ()
    target_class: str | None = None
    reference_items: Mapping[str, ItemResult] = field(default_factory=dict)
    supplementary: Mapping[str, SupplementaryResult] = field(default_factory=dict)
    not_evaluated: tuple[str, ...] = ()

    @property
    def grade(self) -> str | None:
        return None if self.water_class is None else class_grade(self.water_class)["grade"]

    @property
    def color(self) -> str | None:
        return None if self.water_class is None else class_grade(self.water_class)["color"]

    @property
    def meets_target(self) -> bool | None:
        if self.target_class is None or self.water_class is None:
            return None
        return class_rank(self.water_class) <= class_rank(self.target_class)

    @property
    def exceedances(self) -> dict[str, Decimal]:
        """Multiples (rounded for reporting) of the items over the basis class, in table order."""
        return {
            code: _round_multiple(item.exceedance)
            for code, item in self.items.items()
            if item.exceedance is not None
        }

    @property
    def missing_items(self) -> tuple[str, ...]:
        """Class items not given: the method treats them as meeting every class, so say which."""
        return tuple(code for code in class_items() if code not in self.items)

    @property
    def indeterminate_items(self) -> tuple[str, ...]:
        return tuple(code for code, item in self.items.items() if item.indeterminate)

    def main_pollutants_text(self) -> list[str]:
        """``["高锰酸盐指数(1.2)", "溶解氧"]``: name with its class-III multiple, as bulletins print them."""
        pattern = _method()["section_main_pollutants"]["display"]
        out = []
        for code in self.main_pollutants:
            multiple = self.items[code].exceedance_iii
            name = item_name(code)
            if multiple is None:
                out.append(name)
            else:
                shown = format(_round_multiple(multiple).normalize(), "f")
                out.append(pattern.format(name=name, multiple=shown))
        return out

    def to_dict(self) -> dict[str, Any]:
        klass = self.water_class
        return {
            "class": klass,
            "class_label": None if klass is None else class_label(klass),
            "grade": self.grade,
            "color": self.color,
            "water_body": self.water_body,
            "item_classes": {code: item.water_class for code, item in self.items.items()},
            "exceedances": {code: float(m) for code, m in self.exceedances.items()},
            "exceedance_basis": self.exceedance_basis,
            "main_pollutants": list(self.main_pollutants),
            "main_pollutants_text": self.main_pollutants_text(),
            "target_class": self.target_class,
            "meets_target": self.meets_target,
            "reference_classes": {code: item.water_class for code, item in self.reference_items.items()},
            "supplementary": {code: r.to_dict() for code, r in self.supplementary.items()},
            "missing_items": list(self.missing_items),
            "not_evaluated": list(self.not_evaluated),
            "below_detection": [code for code, item in self.items.items() if item.below_detection],
            "indeterminate_items": list(self.indeterminate_items),
        }


def _round_multiple(multiple: Decimal) -> Decimal:
    return round_half_even(multiple, int(_method()["exceedance"]["places"]))


def _multiple_out(multiple: Decimal | None) -> float | None:
    return None if multiple is None else float(_round_multiple(multiple))


def _item_result(code: str, m: Measurement, water_body: str, basis: str) -> ItemResult:
    klass = classify_item(code, m, water_body)
    indeterminate = False
    if m.detection_limit is not None and klass in _std()["classes"]:
        limit = item_limit(code, klass, water_body)
        direction = _table1_item(code)["direction"]
        indeterminate = direction == "max" and isinstance(limit, Decimal) and m.detection_limit > limit
    return ItemResult(
        code=code,
        value=m.value,
        water_class=klass,
        exceedance=exceedance_multiple(code, m, water_body, basis),
        exceedance_iii=exceedance_multiple(code, m, water_body),
        detection_limit=m.detection_limit,
        indeterminate=indeterminate,
    )


def section_main_pollutants(items: Mapping[str, ItemResult], water_class: str | None) -> tuple[str, ...]:
    """Up to three items, by the 2011 rule: only for sections worse than III; worst class first,
    ties by larger class-III multiple; cyanide and heavy metals over class III come first."""
    rule = _method()["section_main_pollutants"]
    threshold = class_rank(rule["only_when_class_worse_than"])
    if water_class is None or class_rank(water_class) <= threshold:
        return ()
    over = [item for item in items.values() if class_rank(item.water_class) > threshold]
    priority = set(rule["priority_items"])
    order = {code: n for n, code in enumerate(_std()["table1"]["items"])}

    def key(item: ItemResult) -> tuple[bool, int, Decimal, int]:
        multiple = item.exceedance_iii if item.exceedance_iii is not None else Decimal(-1)
        return (item.code not in priority, -class_rank(item.water_class), -multiple, order[item.code])

    return tuple(item.code for item in sorted(over, key=key)[: int(rule["max_count"])])


def evaluate_section(
    values: Mapping[str, ValueLike],
    water_body: str = "river",
    target_class: str | None = None,
    *,
    include_tn: bool = False,
    places: Mapping[str, int] | None = None,
) -> SectionResult:
    """Classify a section from the (period-mean) values of its items.

    - class = worst class of the 21 class items given; ``None`` when none is given;
    - TN (lakes only) and fecal coliforms are reference items with their own class, outside the
      section class, unless ``include_tn`` (a local choice) puts lake TN into it;
    - water temperature, river TN, ``Chla`` and ``SD`` are listed in ``not_evaluated``;
    - GB 3838 table 2 items are judged against their single limits (``supplementary``);
    - exceedance multiples are over ``target_class`` when given, else over class III; main
      pollutants always use the class-III multiples, as the method does;
    - ``places`` rounds each item (GB/T 8170 half-even) before classifying, for callers that
      classify rounded means; the 2011 method itself fixes no decimals.
    """
    water_body = normalise_water_body(water_body)
    target = None if target_class is None else normalise_class(target_class)
    if target == water_classes()[-1]:
        raise ValueError("a target class must be one of I-V")
    basis = target or normalise_class(_method()["exceedance"]["basis_class"])
    std, method = _std(), _method()
    reference = method["reference_items"]["items"]
    accepted = accepted_codes()

    items: dict[str, ItemResult] = {}
    refs: dict[str, ItemResult] = {}
    supp: dict[str, SupplementaryResult] = {}
    skipped: list[str] = []
    for code, raw in canonical_values(values).items():
        if code not in accepted:
            raise ValueError(f"unknown item code {code!r}")
        m = parse_measurement(raw, name=code)
        if places is not None and code in places:
            m = Measurement(round_half_even(m.value, places[code]), m.detection_limit)
        if code in std["table2"]["items"]:
            supp[code] = supplementary_result(code, m.value, to_dec(std["table2"]["items"][code]["limit"]))
        elif code in class_items() or (code == "TN" and include_tn and water_body == "lake"):
            items[code] = _item_result(code, m, water_body, basis)
        elif code in reference and water_body in reference[code]:
            refs[code] = _item_result(code, m, water_body, basis)
        else:
            skipped.append(code)

    order = {code: n for n, code in enumerate(std["table1"]["items"])}
    items = dict(sorted(items.items(), key=lambda kv: order[kv[0]]))
    klass = max((item.water_class for item in items.values()), key=class_rank, default=None)
    return SectionResult(
        water_body=water_body,
        water_class=klass,
        items=items,
        exceedance_basis=basis,
        main_pollutants=section_main_pollutants(items, klass),
        target_class=target,
        reference_items=refs,
        supplementary=supp,
        not_evaluated=tuple(skipped),
    )


def supplementary_result(code: str, value: Decimal, limit: Decimal) -> SupplementaryResult:
    """A single upper limit: complies when ``value <= limit``."""
    complies = value <= limit
    return SupplementaryResult(
        code=code,
        value=value,
        limit=limit,
        complies=complies,
        exceedance=None if complies else (value - limit) / limit,
    )
