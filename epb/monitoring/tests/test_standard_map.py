"""From the registry's spellings of standards and classes to the limit data (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from epb.monitoring.centre.standard_map import Unmapped, resolve, standard_id

ON = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("standard", "klass", "age", "expected"),
    [
        ("GB18918-2002", "1A", "existing", ("GB18918", "1A")),
        ("GB 18918", "一级A", "existing", ("GB18918", "1A")),
        ("gb18918", "1b", "existing", ("GB18918", "1B")),
        ("GB4287-2012", "direct", "existing", ("GB4287", "T2-direct")),
        ("GB4287-2012", "indirect", "new", ("GB4287", "T2-indirect")),
        ("GB4287-2012", "municipal_sewer", "existing", ("GB4287", "T2-direct")),
        ("GB21900-2008", "table2", "existing", ("GB21900", "T2")),
        ("GB21900-2008", "表3", "existing", ("GB21900", "T3")),
        ("GB8978-1996", "class1", "existing", ("GB8978", "1")),
        ("GB8978-1996", "三级", "existing", ("GB8978", "3")),
        ("GB13271-2014", "gas_boiler", "existing", ("GB13271", "T1-gas")),
        ("GB13271-2014", "coal_boiler", "new", ("GB13271", "T2-coal")),
        ("GB13223-2011", "coal_key_region", "existing", ("GB13223", "T2-coal")),
        ("GB13223-2011", "coal", "existing", ("GB13223", "T1-coal")),
        ("ultra_low", "coal", "existing", ("ULTRALOW", "coal-power")),
        ("超低排放", "燃煤发电机组", "existing", ("ULTRALOW", "coal-power")),
    ],
)
def test_registry_spellings_map_to_the_limit_data(
    standard: str, klass: str, age: str, expected: tuple[str, str]
) -> None:
    choice = resolve(standard, klass, ON, source_age=age)  # type: ignore[arg-type]
    assert (choice.standard, choice.class_id) == expected
    assert choice.how


def test_the_class_in_force_depends_on_the_date() -> None:
    # GB 4287: existing direct sources used Table 1 until the end of 2014, Table 2 after.
    assert resolve("GB4287", "direct", dt.date(2014, 6, 1), source_age="existing").class_id == "T1-direct"
    assert resolve("GB4287", "direct", dt.date(2015, 6, 1), source_age="existing").class_id == "T2-direct"


@pytest.mark.parametrize(
    ("standard", "klass", "reason"),
    [
        ("GB30484-2013", "direct", "不在限值数据中"),
        ("", "1A", "未填写"),
        ("GB18918-2002", "4", "没有级别"),
        ("GB18918", "", "没有级别"),
        ("DB32/4440-2022", "", "未收录"),
    ],
)
def test_what_cannot_be_mapped_says_why(standard: str, klass: str, reason: str) -> None:
    with pytest.raises(Unmapped, match=reason):
        resolve(standard, klass, ON, source_age="existing")


def test_the_bureau_adds_its_own_spellings() -> None:
    assert standard_id("城镇污水厂标准", {"城镇污水厂标准": "GB18918"}) == "GB18918"
    choice = resolve("GB18918-2002", "一A", ON, source_age="existing", class_aliases={"一A": "1A"})
    assert choice.class_id == "1A"
