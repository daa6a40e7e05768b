"""Discharge limits as data: figures, periods of application, classes, conditions, overrides."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest

from epb.standards import discharge as d
from epb.standards import factors

D = dt.date
SW = "四川"

# (standard, class, date, source_age, item, context, expected (kind, min, max), reference O2)
Figure = tuple[
    str, str, dt.date, str | None, str, dict[str, Any], tuple[str, float | None, float | None], float | None
]
# fmt: off
FIGURES: list[Figure] = [
    ("GB18918", "1A", D(2026, 5, 1), None, "w01018", {}, ("max", None, 50), None),
    ("GB18918", "1B", D(2026, 5, 1), None, "w01018", {}, ("max", None, 60), None),
    ("GB18918", "2", D(2026, 5, 1), None, "w01018", {}, ("max", None, 100), None),
    ("GB18918", "3", D(2026, 5, 1), None, "w01018", {"influent_w01018": 350}, ("max", None, 120), None),
    ("GB18918", "3", D(2026, 5, 1), None, "w01018", {"influent_w01018": 351}, ("removal", 60, None), None),
    ("GB18918", "3", D(2026, 5, 1), None, "w01017", {"influent_w01017": 161}, ("removal", 50, None), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w21003", {"water_temp_c": 12.0}, ("max", None, 8), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w21003", {"water_temp_c": 12.01}, ("max", None, 5), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w21003", {"water_temp_c": 11.99}, ("max", None, 8), None),
    ("GB18918", "1B", D(2026, 5, 1), None, "w21003", {"water_temp_c": 12}, ("max", None, 15), None),
    ("GB18918", "1B", D(2026, 5, 1), None, "w21003", {"water_temp_c": 25}, ("max", None, 8), None),
    ("GB18918", "2", D(2026, 5, 1), None, "w21003", {"water_temp_c": 5}, ("max", None, 30), None),
    ("GB18918", "2", D(2026, 5, 1), None, "w21003", {"water_temp_c": 15}, ("max", None, 25), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w21011", {"plant_built": D(2005, 12, 31)}, ("max", None, 1), None),  # noqa: E501
    ("GB18918", "1A", D(2026, 5, 1), None, "w21011", {"plant_built": D(2006, 1, 1)}, ("max", None, 0.5), None),  # noqa: E501
    ("GB18918", "1B", D(2026, 5, 1), None, "w21011", {"plant_built": "2004-03-01"}, ("max", None, 1.5), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w01001", {}, ("range", 6, 9), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w02003", {}, ("max", None, 1000), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "w20111", {}, ("max", None, 0.001), None),
    ("GB18918", "3", D(2026, 5, 1), None, "w20113", {}, ("not_detected", None, None), None),
    ("GB18918", "1A", D(2026, 5, 1), None, "animal_vegetable_oil", {}, ("max", None, 1), None),
    ("GB4287", "T2-direct", D(2026, 5, 1), None, "w01018", {}, ("max", None, 80), None),
    ("GB4287", "T2-indirect", D(2026, 5, 1), None, "w01018", {"discharge_route": "park_dedicated_textile_wwtp"}, ("max", None, 500), None),  # noqa: E501
    ("GB4287", "T2-indirect", D(2026, 5, 1), None, "w01018", {"discharge_route": "other_indirect"}, ("max", None, 200), None),  # noqa: E501
    ("GB4287", "T2-indirect", D(2026, 5, 1), None, "w01017", {"discharge_route": "other_indirect"}, ("max", None, 50), None),  # noqa: E501
    ("GB4287", "T1-direct", D(2014, 5, 1), None, "w21003", {}, ("max", None, 12), None),
    ("GB4287", "T3-direct", D(2026, 5, 1), None, "w21011", {}, ("max", None, 0.5), None),
    ("GB4287", "T2-direct", D(2026, 5, 1), None, "anilines", {}, ("not_detected", None, None), None),
    ("GB4287", "T2-direct", D(2026, 5, 1), None, "total_antimony", {}, ("max", None, 0.1), None),
    ("GB21900", "T1", D(2010, 1, 1), None, "w20122", {}, ("max", None, 1.0), None),
    ("GB21900", "T2", D(2026, 5, 1), None, "w20121", {}, ("max", None, 0.5), None),
    ("GB21900", "T2", D(2026, 5, 1), None, "w21016", {}, ("max", None, 0.3), None),
    ("GB21900", "T3", D(2026, 5, 1), None, "w20115", {}, ("max", None, 0.01), None),
    ("GB8978", "1", D(2026, 5, 1), None, "w01018", {}, ("max", None, 100), None),
    ("GB8978", "2", D(2026, 5, 1), None, "w01018", {}, ("max", None, 150), None),
    ("GB8978", "3", D(2026, 5, 1), None, "w01018", {}, ("max", None, 500), None),
    ("GB8978", "3", D(2026, 5, 1), None, "w20119", {}, ("max", None, 0.5), None),
    ("DB32/1072", "T1", D(2026, 5, 1), None, "w21003", {"water_temp_c": 20}, ("max", None, 3), None),
    ("DB32/1072", "T1", D(2026, 5, 1), None, "w21003", {"water_temp_c": 12}, ("max", None, 5), None),
    ("DB32/1072", "T2", D(2026, 5, 1), None, "w21003", {"water_temp_c": 20}, ("max", None, 4), None),
    ("DB32/1072", "T2", D(2026, 5, 1), None, "w21003", {"water_temp_c": 8}, ("max", None, 6), None),
    ("GB13223", "T1-coal", D(2026, 5, 1), "new", "a21026", {"source_age": "new", "region": "江苏"}, ("max", None, 100), 6),  # noqa: E501
    ("GB13223", "T1-coal", D(2026, 5, 1), "new", "a21026", {"source_age": "new", "region": SW}, ("max", None, 200), 6),  # noqa: E501
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a21026", {"source_age": "existing", "region": "江苏"}, ("max", None, 200), 6),  # noqa: E501
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a21026", {"source_age": "existing", "region": SW}, ("max", None, 400), 6),  # noqa: E501
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a21002", {"nox_200_eligible": True}, ("max", None, 200), 6),
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a21002", {"nox_200_eligible": False}, ("max", None, 100), 6),
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a34013", {}, ("max", None, 30), 6),
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a20057", {}, ("max", None, 0.03), 6),
    ("GB13223", "T1-coal", D(2026, 5, 1), None, "a01010", {}, ("max", None, 1), None),
    ("GB13223", "T1-gas", D(2026, 5, 1), None, "a21002", {"fuel": "natural_gas", "unit_type": "turbine"}, ("max", None, 50), 15),  # noqa: E501
    ("GB13223", "T1-gas", D(2026, 5, 1), None, "a21002", {"fuel": "other_gas", "unit_type": "boiler"}, ("max", None, 200), 3),  # noqa: E501
    ("GB13223", "T1-gas", D(2026, 5, 1), None, "a34013", {"fuel": "natural_gas", "unit_type": "boiler"}, ("max", None, 5), 3),  # noqa: E501
    ("GB13223", "T1-oil", D(2026, 5, 1), None, "a21002", {"unit_type": "turbine"}, ("max", None, 120), 15),
    ("GB13223", "T2-coal", D(2026, 5, 1), None, "a34013", {}, ("max", None, 20), 6),
    ("GB13223", "T2-coal", D(2026, 5, 1), None, "a21026", {}, ("max", None, 50), 6),
    ("ULTRALOW", "coal-power", D(2026, 5, 1), None, "a34013", {}, ("max", None, 10), 6),
    ("ULTRALOW", "coal-power", D(2026, 5, 1), None, "a21026", {}, ("max", None, 35), 6),
    ("ULTRALOW", "coal-power", D(2026, 5, 1), None, "a21002", {}, ("max", None, 50), 6),
    ("GB13271", "T1-coal", D(2026, 5, 1), None, "a34013", {}, ("max", None, 80), 9),
    ("GB13271", "T1-coal", D(2026, 5, 1), None, "a21026", {"region": "江苏"}, ("max", None, 400), 9),
    ("GB13271", "T1-coal", D(2026, 5, 1), None, "a21026", {"region": "贵州"}, ("max", None, 550), 9),
    ("GB13271", "T1-gas", D(2026, 5, 1), None, "a21002", {}, ("max", None, 400), 3.5),
    ("GB13271", "T2-gas", D(2026, 5, 1), None, "a21002", {}, ("max", None, 200), 3.5),
    ("GB13271", "T2-coal", D(2026, 5, 1), None, "a21026", {}, ("max", None, 300), 9),
    ("GB13271", "T3-oil", D(2026, 5, 1), None, "a21026", {}, ("max", None, 100), 3.5),
    ("GB13271", "T3-gas", D(2026, 5, 1), None, "a21002", {}, ("max", None, 150), 3.5),
]
# fmt: on


@pytest.mark.parametrize(("std", "cls", "on", "age", "item", "ctx", "expected", "o2"), FIGURES)
def test_limit_figures(
    std: str,
    cls: str,
    on: dt.date,
    age: Any,
    item: str,
    ctx: dict[str, Any],
    expected: tuple[str, float | None, float | None],
    o2: float | None,
) -> None:
    limit = d.limits_for(std, cls, on, source_age=age)[item]
    resolved = limit.resolve(ctx)
    assert resolved is not None
    row = resolved.row
    assert (row.kind, row.min, row.max) == expected
    assert row.reference_o2_pct == o2
    assert resolved.assumed == ()


@pytest.mark.parametrize(
    ("std", "cls", "item", "ctx", "expected_max", "assumed"),
    [
        ("GB18918", "1A", "w21003", {}, 5, ("water_temp_c",)),  # temperature missing → stricter value
        ("DB32/1072", "T2", "w21001", {}, 12, ("water_temp_c",)),
        ("GB18918", "1A", "w21011", {}, 0.5, ("plant_built",)),
        ("GB4287", "T2-indirect", "w01018", {}, 200, ("discharge_route",)),
        ("GB18918", "3", "w01018", {}, 120, ("influent_w01018",)),  # a concentration before a removal rule
        ("GB13223", "T1-coal", "a21026", {"region": SW}, 200, ("source_age",)),
        ("GB13223", "T1-coal", "a21026", {}, 100, ("region", "source_age")),
    ],
)
def test_undecidable_condition_takes_the_stricter_row(
    std: str, cls: str, item: str, ctx: dict[str, Any], expected_max: float, assumed: tuple[str, ...]
) -> None:
    resolved = d.limits_for(std, cls, D(2026, 5, 1))[item].resolve(ctx)
    assert resolved is not None
    assert resolved.row.max == expected_max
    assert resolved.assumed == assumed


def test_class_2_has_no_tn_and_class_3_no_nh3n() -> None:
    assert "w21001" not in d.limits_for("GB18918", "2", D(2026, 1, 1))
    assert "w21003" not in d.limits_for("GB18918", "3", D(2026, 1, 1))
    assert "w21001" in d.limits_for("GB18918", "1B", D(2026, 1, 1))


@pytest.mark.parametrize(
    ("std", "cls", "on", "age", "ctx", "in_force"),
    [
        ("GB4287", "T1-direct", D(2014, 12, 31), "existing", {}, True),
        ("GB4287", "T1-direct", D(2015, 1, 1), "existing", {}, False),
        ("GB4287", "T1-direct", D(2013, 6, 1), "new", {}, False),
        ("GB4287", "T2-direct", D(2014, 12, 31), "existing", {}, False),
        ("GB4287", "T2-direct", D(2015, 1, 1), "existing", {}, True),
        ("GB4287", "T2-direct", D(2013, 1, 1), "new", {}, True),
        ("GB4287", "T2-direct", D(2012, 12, 31), "new", {}, False),
        ("GB4287", "T2-direct", D(2014, 12, 31), None, {}, True),  # no source age: any period will do
        ("GB21900", "T1", D(2010, 6, 30), "existing", {}, True),
        ("GB21900", "T1", D(2010, 7, 1), "existing", {}, False),
        ("GB21900", "T2", D(2008, 8, 1), "new", {}, True),
        ("GB21900", "T2", D(2010, 6, 30), "existing", {}, False),
        ("GB13223", "T1-coal", D(2014, 6, 30), "existing", {}, False),
        ("GB13223", "T1-coal", D(2014, 7, 1), "existing", {}, True),
        ("GB13223", "T1-coal", D(2012, 1, 1), "new", {}, True),
        ("GB13223", "T1-coal", D(2011, 12, 31), "new", {}, False),
        ("GB13271", "T1-coal", D(2015, 9, 30), "existing", {"capacity_t_h": 20}, False),
        ("GB13271", "T1-coal", D(2015, 10, 1), "existing", {"capacity_t_h": 20}, True),
        ("GB13271", "T1-coal", D(2015, 10, 1), "existing", {"capacity_t_h": 10}, False),
        ("GB13271", "T1-coal", D(2016, 6, 30), "existing", {"capacity_t_h": 10}, False),
        ("GB13271", "T1-coal", D(2016, 7, 1), "existing", {"capacity_t_h": 10}, True),
        ("GB13271", "T1-coal", D(2015, 10, 1), "existing", {"capacity_t_h": 7.5 / 0.7}, True),  # 7.5 MW
        ("GB13271", "T1-coal", D(2015, 10, 1), "existing", {}, True),  # capacity unknown: in force
        ("GB13271", "T2-coal", D(2014, 7, 1), "new", {}, True),
        ("GB13271", "T2-coal", D(2014, 6, 30), "new", {}, False),
        ("GB8978", "1", D(1998, 1, 1), "new", {}, True),
        ("GB8978", "1", D(2020, 1, 1), "existing", {}, False),
        ("GB18918", "1A", D(2003, 6, 30), None, {}, False),
        ("GB18918", "1A", D(2003, 7, 1), None, {}, True),
    ],
)
def test_periods_of_application(
    std: str, cls: str, on: dt.date, age: Any, ctx: dict[str, Any], in_force: bool
) -> None:
    if in_force:
        assert d.limits_for(std, cls, on, source_age=age, context=ctx)
    else:
        with pytest.raises(d.NotInForce):
            d.limits_for(std, cls, on, source_age=age, context=ctx)


@pytest.mark.parametrize(
    ("std", "cls", "item", "on", "present"),
    [
        ("GB13223", "T1-coal", "a20057", D(2014, 12, 31), False),  # Hg from 2015-01-01
        ("GB13223", "T1-coal", "a20057", D(2015, 1, 1), True),
        ("GB4287", "T2-direct", "total_antimony", D(2015, 3, 26), False),  # added by the 2015 amendment
        ("GB4287", "T2-direct", "total_antimony", D(2015, 3, 27), True),
    ],
)
def test_rows_with_their_own_dates(std: str, cls: str, item: str, on: dt.date, present: bool) -> None:
    assert (item in d.limits_for(std, cls, on)) is present


@pytest.mark.parametrize(
    ("std", "on", "age", "variant", "special", "ctx", "expected"),
    [
        ("GB4287", D(2014, 6, 1), "existing", "direct", False, {}, "T1-direct"),
        ("GB4287", D(2016, 1, 1), "existing", "direct", False, {}, "T2-direct"),
        ("GB4287", D(2013, 5, 1), "new", "indirect", False, {}, "T2-indirect"),
        ("GB4287", D(2016, 1, 1), "existing", "municipal_sewer", False, {}, "T2-direct"),
        ("GB4287", D(2016, 1, 1), "existing", "park_dedicated_textile_wwtp", False, {}, "T2-indirect"),
        ("GB4287", D(2016, 1, 1), "existing", "other_indirect", False, {}, "T2-indirect"),
        ("GB4287", D(2016, 1, 1), "existing", "direct", True, {}, "T3-direct"),
        ("GB21900", D(2009, 6, 1), "existing", None, False, {}, "T1"),
        ("GB21900", D(2011, 1, 1), "existing", None, False, {}, "T2"),
        ("GB13271", D(2020, 1, 1), "existing", "coal", False, {}, "T1-coal"),
        ("GB13271", D(2020, 1, 1), "new", "gas", False, {}, "T2-gas"),
        ("GB13271", D(2020, 1, 1), "new", "coal", True, {}, "T3-coal"),
        ("GB13223", D(2020, 1, 1), "existing", "coal", True, {}, "T2-coal"),
    ],
)
def test_class_for(
    std: str, on: dt.date, age: Any, variant: str | None, special: bool, ctx: dict[str, Any], expected: str
) -> None:
    assert d.class_for(std, on, source_age=age, variant=variant, special=special, context=ctx) == expected


@pytest.mark.parametrize(
    ("std", "on", "age", "variant"),
    [("GB4287", D(2012, 6, 1), "existing", "direct"), ("GB21900", D(2008, 10, 1), "existing", None)],
)
def test_class_for_refuses_when_nothing_applies(std: str, on: dt.date, age: Any, variant: str | None) -> None:
    with pytest.raises(d.NotInForce):
        d.class_for(std, on, source_age=age, variant=variant)


@pytest.mark.parametrize(
    ("std", "cls"),
    [
        ("GB 18918-2002", "一级A"),
        ("gb18918", "1a"),
        ("GB 18918", "I-A"),
        ("GB 4287-2012", "直接排放 | 表2"),
        ("GB 13223-2011", "燃煤锅炉"),
        ("超低排放", "燃煤发电机组"),
        ("DB32/1072-2018", "表1"),
    ],
)
def test_aliases(std: str, cls: str) -> None:
    assert d.limits_for(std, cls, D(2026, 5, 1))


@pytest.mark.parametrize(("std", "cls"), [("GB 9999", "1A"), ("GB18918", "4"), ("DB32/4440", "1A")])
def test_unknown_standard_or_class(std: str, cls: str) -> None:
    with pytest.raises(KeyError):
        d.limits_for(std, cls, D(2026, 5, 1))


def test_standard_info_cites_number_and_date() -> None:
    info = d.standard_info("GB4287")
    assert (info["number"], info["effective"]) == ("GB 4287-2012", "2013-01-01")
    assert "T3-indirect" in info["classes"]
    assert d.standard_info("DB32/4440")["effective"] == "2023-03-28"
    assert set(d.standards()) >= {
        "GB18918",
        "GB4287",
        "GB21900",
        "GB13223",
        "GB13271",
        "ULTRALOW",
        "DB32/1072",
    }


def test_point_filter_separates_workshop_metals() -> None:
    workshop = d.limits_for("GB21900", "T2", D(2026, 5, 1), point="workshop")
    total = d.limits_for("GB21900", "T2", D(2026, 5, 1), point="total")
    metals = {"w20116", "w20117", "w20121", "w20115", "w20126", "w20120", "w20111"}
    assert set(workshop) == metals
    assert not metals & set(total)
    assert {"w01018", "w20122", "w01001"} <= set(total)


@pytest.mark.parametrize(
    ("on", "expected_max", "standard"),
    [
        (D(2025, 12, 31), 50, "GB 18918-2002"),
        (D(2026, 1, 1), 30, "override"),
        (D(2026, 12, 31), 30, "override"),
        (D(2027, 1, 1), 50, "GB 18918-2002"),
    ],
)
def test_override_wins_while_in_force(on: dt.date, expected_max: float, standard: str) -> None:
    permit = d.LimitOverride(
        "011", max=30, effective_from=D(2026, 1, 1), effective_to=D(2026, 12, 31), reference="P-1"
    )
    row = d.limits_for("GB18918", "1A", on, overrides=[permit])["w01018"].rows[0]
    assert (row.max, row.standard) == (expected_max, standard)
    if standard == "override":
        assert (row.unit, row.basis, row.reference) == ("mg/L", "daily_mean", "P-1")


def test_override_may_be_conditional_and_add_items() -> None:
    overrides = [
        d.LimitOverride("w21003", max=3, when={"water_temp_c": {"gt": 12}}),
        d.LimitOverride("w21003", max=5, when={"water_temp_c": {"le": 12}}),
        d.LimitOverride("w21001", max=12),  # class 2 has no TN; the permit adds one
        d.LimitOverride("a21026", max=35, reference_o2_pct=6),
    ]
    limits = d.limits_for("GB18918", "2", D(2026, 5, 1), overrides=overrides)
    cold, warm = (
        limits["w21003"].resolve({"water_temp_c": 10}),
        limits["w21003"].resolve({"water_temp_c": 20}),
    )
    assert cold is not None and warm is not None
    assert (cold.row.max, warm.row.max) == (5, 3)
    tn = limits["w21001"].rows[0]
    assert (tn.max, tn.unit, tn.basis) == (12, "mg/L", "daily_mean")
    so2 = limits["a21026"].rows[0]
    assert (so2.basis, so2.unit, so2.reference_o2_pct) == ("hourly_mean", "mg/m3", 6)


@pytest.mark.parametrize(
    ("ctx", "expected_max", "standard"),
    [
        ({"water_temp_c": 14}, 4, "DB32/1072-2018"),
        ({"water_temp_c": 10}, 6, "DB32/1072-2018"),
        ({}, 4, "DB32/1072-2018"),
    ],
)
def test_strictest_of_national_and_local(ctx: dict[str, Any], expected_max: float, standard: str) -> None:
    both = d.strictest(
        d.limits_for("GB18918", "1A", D(2026, 5, 1)), d.limits_for("DB32/1072", "T2", D(2026, 5, 1))
    )
    resolved = both["w21003"].resolve(ctx)
    assert resolved is not None
    assert (resolved.row.max, resolved.row.standard) == (expected_max, standard)
    assert "w01001" in both  # items only one standard has are kept


def test_strictest_compares_across_units() -> None:
    a = d.apply_overrides({}, [d.LimitOverride("w20111", max=0.5, unit="ug/L")], D(2026, 1, 1))
    b = d.limits_for("GB21900", "T3", D(2026, 1, 1))
    resolved = d.strictest(a, b)["w20111"].resolve({})
    assert resolved is not None
    assert (resolved.row.max, resolved.row.unit) == (0.5, "ug/L")  # 0.0005 mg/L beats 0.005 mg/L


@pytest.mark.parametrize(
    ("when", "ctx", "expected"),
    [
        ({}, {}, True),
        ({"water_temp_c": {"gt": 12}}, {"water_temp_c": 12}, False),
        ({"water_temp_c": {"gt": 12}}, {}, None),
        ({"a": {"eq": 1}, "b": {"eq": 2}}, {"a": 2}, False),  # one false decides even with b unknown
        ({"a": {"eq": 1}, "b": {"eq": 2}}, {"a": 1}, None),
        ({"any_of": [{"a": {"gt": 1}}, {"b": {"gt": 1}}]}, {"a": 2}, True),
        ({"any_of": [{"a": {"gt": 1}}, {"b": {"gt": 1}}]}, {"a": 0}, None),
        ({"any_of": [{"a": {"gt": 1}}, {"b": {"gt": 1}}]}, {"a": 0, "b": 0}, False),
        ({"r": {"in": ["x", "y"]}}, {"r": "y"}, True),
        ({"r": {"not_in": ["x", "y"]}}, {"r": "y"}, False),
        ({"d": {"le": "2005-12-31"}}, {"d": dt.datetime(2005, 12, 31, 23, tzinfo=dt.UTC)}, True),
        ({"n": {"ge": 3, "lt": 5}}, {"n": 5}, False),
    ],
)
def test_evaluate_when(when: dict[str, Any], ctx: dict[str, Any], expected: bool | None) -> None:
    assert d.evaluate_when(when, ctx) is expected


@pytest.mark.parametrize("when", [{"t": {"gt": 12}}, {"t": {"between": [1, 2]}}])
def test_evaluate_when_rejects_bad_input(when: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        d.evaluate_when(when, {"t": "warm"})


def _data() -> dict[str, Any]:
    text = resources.files("epb.standards").joinpath("data", "discharge_limits.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_every_row_is_well_formed() -> None:
    data = _data()
    legend = set(data["confidence_legend"])
    rows = 0
    for sid, std in data["standards"].items():
        assert std["number"] and std["title_zh"], sid
        blocks = list(std["classes"].values()) + ([std["common"]] if "common" in std else [])
        for block in blocks:
            assert block["in_force"], sid
            for row in block["limits"]:
                rows += 1
                assert row["kind"] in {"max", "range", "not_detected", "removal"}, row
                assert row["basis"] in {"daily_mean", "hourly_mean", "reading"}, row
                assert row["confidence"] in legend, row
                assert row["sources"], row
                if row["kind"] == "max":
                    assert row["max"] > 0
                if row["kind"] in {"range", "removal"}:
                    assert row["min"] is not None
                if row["factor"] is not None:
                    assert row["item"] == row["factor"]
                    assert factors.factor(row["factor"]) is not None, row["factor"]
                if std["medium"] == "gas" and row["unit"] == "mg/m3":
                    assert row["reference_o2_pct"] in {3, 3.5, 6, 9, 15}, row
    assert rows == 330  # the reference's 317 rows, split by unit type (13) where the O2 differs


def test_judge_is_reachable_from_the_limits_module() -> None:
    from epb.standards.discharge_judge import ValueRecord

    limits = d.limits_for("GB18918", "1B", D(2026, 5, 1))
    exc = d.judge(ValueRecord("w21003", 9.0, "daily_mean"), limits["w21003"], {"water_temp_c": 20})
    assert exc is not None and exc.limit_max == 8
    assert d.judge(ValueRecord("w21003", 9.0, "daily_mean"), limits["w21003"], {"water_temp_c": 10}) is None
