"""Surface drinking-water source compliance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from epb.standards import drinking as D

GOOD: dict[str, Any] = {
    "pH": "7.5",
    "DO": 6,
    "CODMn": 3,
    "NH3N": "0.3",
    "TP": "0.05",
    "SO4": 120,
    "Fe": "0.2",
    "Mn": "0.05",
}


@pytest.mark.parametrize(
    ("values", "water_body", "compliant", "failing"),
    [
        (GOOD, "river", True, ()),
        ({**GOOD, "NH3N": "1.0"}, "river", True, ()),  # class III limit: complies
        ({**GOOD, "NH3N": "1.01"}, "river", False, ("NH3N",)),
        ({**GOOD, "TP": "0.06"}, "lake", False, ("TP",)),  # lake column: III is 0.05
        ({**GOOD, "Fe": "0.31"}, "river", False, ("Fe",)),
        ({**GOOD, "Mn": "0.1"}, "river", True, ()),
        ({**GOOD, "NO3N": 11, "Cl": 251}, "river", False, ("Cl", "NO3N")),
        ({**GOOD, "TN": 5, "FC": 50000, "WT": 30}, "lake", True, ()),  # reference items do not count
        ({"SO4": 100}, "river", True, ()),
    ],
)
def test_compliance(
    values: dict[str, object], water_body: str, compliant: bool, failing: tuple[str, ...]
) -> None:
    r = D.drinking_water_compliance(values, water_body)  # type: ignore[arg-type]
    assert r.compliant is compliant
    assert sorted(r.failing_items) == sorted(failing)


def test_table_3_limits_are_passed_in() -> None:
    r = D.drinking_water_compliance({**GOOD, "Benzene": "0.02"}, extra_limits={"Benzene": "0.01"})
    assert not r.compliant and r.failing_items == ("Benzene",)
    out = r.to_dict()
    assert out["supplementary"]["Benzene"] == {
        "value": 0.02,
        "limit": 0.01,
        "complies": False,
        "exceedance": 1.0,
    }
    assert out["compliant"] is False and out["class"] == "II"
    assert D.drinking_water_compliance(GOOD, extra_limits={"Benzene": "0.01"}).compliant


def test_errors() -> None:
    with pytest.raises(ValueError, match="may not redefine"):
        D.drinking_water_compliance(GOOD, extra_limits={"Fe": 1})
    with pytest.raises(ValueError, match="none of the items"):
        D.drinking_water_compliance({"WT": 20, "TN": 1})
    with pytest.raises(ValueError, match="unknown item code"):
        D.drinking_water_compliance({"Benzene": 1})


def test_rates_by_count_and_volume() -> None:
    rates = D.source_compliance_rates([(True, 300), (True, 100), (False, 100)])
    assert (rates.sources, rates.compliant) == (3, 2)
    assert rates.by_count == Decimal("66.7")
    assert rates.by_volume == Decimal("80.0")
    assert rates.to_dict() == {"sources": 3, "compliant": 2, "by_count": 66.7, "by_volume": 80.0}
    no_volume = D.source_compliance_rates([(True, 300), (False, None)])
    assert no_volume.by_volume is None and no_volume.to_dict()["by_volume"] is None
    assert D.source_compliance_rates([(True, 0)]).by_volume is None
    assert D.source_compliance_rates([(True, None)], places=0).by_count == Decimal(100)
    with pytest.raises(ValueError, match="no sources"):
        D.source_compliance_rates([])
