"""GB 3838-2002 item classes and section evaluation by the 2011 method."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from epb.standards import water as W
from epb.standards.numeric import Measurement
from epb.standards.tables import load

CLASSES = ["I", "II", "III", "IV", "V"]
# GB 3838-2002 table 1, typed from the standard (quality-standards §1.1), independent of the data.
TABLE1 = {
    "DO": ("min", ["7.5", "6", "5", "3", "2"]),
    "CODMn": ("max", ["2", "4", "6", "10", "15"]),
    "COD": ("max", ["15", "15", "20", "30", "40"]),
    "BOD5": ("max", ["3", "3", "4", "6", "10"]),
    "NH3N": ("max", ["0.15", "0.5", "1.0", "1.5", "2.0"]),
    "TP": ("max", ["0.02", "0.1", "0.2", "0.3", "0.4"]),
    "Cu": ("max", ["0.01", "1.0", "1.0", "1.0", "1.0"]),
    "Zn": ("max", ["0.05", "1.0", "1.0", "2.0", "2.0"]),
    "F": ("max", ["1.0", "1.0", "1.0", "1.5", "1.5"]),
    "Se": ("max", ["0.01", "0.01", "0.01", "0.02", "0.02"]),
    "As": ("max", ["0.05", "0.05", "0.05", "0.1", "0.1"]),
    "Hg": ("max", ["0.00005", "0.00005", "0.0001", "0.001", "0.001"]),
    "Cd": ("max", ["0.001", "0.005", "0.005", "0.005", "0.01"]),
    "Cr6": ("max", ["0.01", "0.05", "0.05", "0.05", "0.1"]),
    "Pb": ("max", ["0.01", "0.01", "0.05", "0.05", "0.1"]),
    "CN": ("max", ["0.005", "0.05", "0.2", "0.2", "0.2"]),
    "VPhenol": ("max", ["0.002", "0.002", "0.005", "0.01", "0.1"]),
    "Oil": ("max", ["0.05", "0.05", "0.05", "0.5", "1.0"]),
    "LAS": ("max", ["0.2", "0.2", "0.2", "0.3", "0.3"]),
    "S2": ("max", ["0.05", "0.1", "0.2", "0.5", "1.0"]),
    "FC": ("max", ["200", "2000", "10000", "20000", "40000"]),
}
TP_LAKE = ["0.01", "0.025", "0.05", "0.1", "0.2"]
TN_LAKE = ["0.2", "0.5", "1.0", "1.5", "2.0"]
CLASS_ITEMS_2011 = [
    "pH", "DO", "CODMn", "COD", "BOD5", "NH3N", "TP", "Cu", "Zn", "F", "Se", "As", "Hg", "Cd", "Cr6", "Pb",
    "CN", "VPhenol", "Oil", "LAS", "S2",
]  # fmt: skip


def _expected(direction: str, limits: list[str], value: Decimal) -> str:
    """The best class whose limit the value meets: a reference implementation for the edges."""
    for klass, limit in zip(CLASSES, limits, strict=True):
        if (value >= Decimal(limit)) if direction == "min" else (value <= Decimal(limit)):
            return klass
    return "worse_than_V"


def test_data_matches_table_1() -> None:
    items = load("gb3838")["table1"]["items"]
    for code, (direction, limits) in TABLE1.items():
        assert items[code]["direction"] == direction
        assert [Decimal(str(items[code]["limits"][c])) for c in CLASSES] == [Decimal(v) for v in limits], code
    assert [Decimal(str(items["TP"]["limits_lake"][c])) for c in CLASSES] == [Decimal(v) for v in TP_LAKE]
    assert [Decimal(str(items["TN"]["limits"][c])) for c in CLASSES] == [Decimal(v) for v in TN_LAKE]
    assert list(W.class_items()) == CLASS_ITEMS_2011
    table2 = {code: Decimal(str(item["limit"])) for code, item in load("gb3838")["table2"]["items"].items()}
    assert table2 == {"SO4": 250, "Cl": 250, "NO3N": 10, "Fe": Decimal("0.3"), "Mn": Decimal("0.1")}
    assert load("gb3838")["table1"]["source"].startswith("GB 3838-2002 表1")
    assert load("gb3838")["effective"] == "2002-06-01"


def _edges() -> list[tuple[str, str, str, Decimal, str]]:
    cases = []
    tables = {**TABLE1, "TP_lake": ("max", TP_LAKE), "TN": ("max", TN_LAKE)}
    for name, (direction, limits) in tables.items():
        code, body = (name.removesuffix("_lake"), "lake") if name in ("TP_lake", "TN") else (name, "river")
        for limit in dict.fromkeys(limits):
            at = Decimal(limit)
            hair = at.scaleb(-3)  # a thousandth of the limit: past the edge at any precision
            for value in (at, at + hair, at - hair):
                cases.append((code, body, f"{value}", value, _expected(direction, limits, value)))
    return cases


@pytest.mark.parametrize(("code", "water_body", "label", "value", "expected"), _edges())
def test_both_sides_of_every_class_limit(
    code: str, water_body: str, label: str, value: Decimal, expected: str
) -> None:
    assert W.classify_item(code, value, water_body) == expected


@pytest.mark.parametrize(
    ("code", "value", "water_body", "expected"),
    [
        ("COD", 14, "river", "I"),  # I and II share 15: the best class
        ("COD", 15, "river", "I"),
        ("COD", "15.1", "river", "III"),
        ("BOD5", "3.1", "river", "III"),
        ("Cu", "0.011", "river", "II"),
        ("Hg", "0.00006", "river", "III"),
        ("DO", "7.5", "river", "I"),
        ("DO", "7.49", "river", "II"),
        ("DO", "1.99", "river", "worse_than_V"),
        ("NH3N", "2.0", "river", "V"),
        ("NH3N", "2.01", "river", "worse_than_V"),
        ("TP", "0.2", "river", "III"),
        ("TP", "0.2", "lake", "V"),
        ("TP", "0.2", "reservoir", "V"),
        ("TP", "0.21", "lake", "worse_than_V"),
        ("pH", 6, "river", "I"),
        ("pH", 9, "river", "I"),
        ("pH", "5.99", "river", "worse_than_V"),
        ("pH", "9.01", "river", "worse_than_V"),
        ("CN", "0.2", "river", "III"),
        ("FC", 20000, "river", "IV"),
        ("NH3N", "<0.05", "river", "I"),  # half of 0.05
        ("NH3N", "0.4L", "river", "II"),  # 0.2 counts
    ],
)
def test_item_class(code: str, value: object, water_body: str, expected: str) -> None:
    assert W.classify_item(code, value, water_body) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "water_body", "message"),
    [
        ("TN", "river", "lakes and reservoirs only"),
        ("WT", "river", "no class limits"),
        ("SO4", "river", "not a GB 3838-2002 table 1 item"),
        ("XYZ", "river", "not a GB 3838-2002 table 1 item"),
        ("COD", "sea", "unknown water_body"),
    ],
)
def test_item_errors(code: str, water_body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        W.classify_item(code, 1, water_body)


@pytest.mark.parametrize(
    ("code", "value", "basis", "expected"),
    [
        ("COD", 30, None, Decimal("0.5")),
        ("CODMn", "13.2", None, Decimal("1.2")),
        ("COD", 20, None, None),  # at the limit: no exceedance
        ("COD", 16, "II", Decimal("1") / 15),
        ("COD", 16, "III", None),
        ("pH", 10, None, None),
        ("DO", 1, None, None),
        ("WT", 30, None, None),
        ("TP", "0.1", None, None),
    ],
)
def test_exceedance_multiple(code: str, value: object, basis: str | None, expected: Decimal | None) -> None:
    assert W.exceedance_multiple(code, value, "river", basis) == expected  # type: ignore[arg-type]


def test_exceedance_uses_the_water_body_column() -> None:
    assert W.exceedance_multiple("TP", "0.1", "lake") == Decimal(1)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("III", "III"),
        ("Ⅲ", "III"),
        ("Ⅲ类", "III"),
        (3, "III"),
        (" II ", "II"),
        ("劣Ⅴ类", "worse_than_V"),
        (5, "V"),
    ],
)
def test_normalise_class(given: object, expected: str) -> None:
    assert W.normalise_class(given) == expected


@pytest.mark.parametrize("given", ["VI", 0, 6, True, None, "3"])
def test_normalise_class_errors(given: object) -> None:
    with pytest.raises(ValueError, match="unknown water class"):
        W.normalise_class(given)


def test_class_rank_and_labels() -> None:
    assert [W.class_rank(c) for c in W.water_classes()] == [0, 1, 2, 3, 4, 5]
    assert W.class_label("worse_than_V") == "劣Ⅴ类"
    with pytest.raises(ValueError, match="unknown water class"):
        W.class_rank("VI")
    with pytest.raises(ValueError, match="unknown water class"):
        W.class_grade("VI")


@pytest.mark.parametrize(
    ("klass", "grade", "color"),
    [
        ("I", "优", "blue"),
        ("II", "优", "blue"),
        ("III", "良好", "green"),
        ("IV", "轻度污染", "yellow"),
        ("V", "中度污染", "orange"),
        ("worse_than_V", "重度污染", "red"),
    ],
)
def test_section_grade_and_colour(klass: str, grade: str, color: str) -> None:
    assert W.class_grade(klass)["grade"] == grade
    assert W.class_grade(klass)["color"] == color


def test_section_is_the_worst_item() -> None:
    r = W.evaluate_section({"pH": "7.2", "DO": 6, "CODMn": 5, "NH3N": "1.2", "TP": "0.15"})
    assert r.water_class == "IV"
    assert (r.grade, r.color) == ("轻度污染", "yellow")
    assert r.to_dict()["item_classes"] == {"pH": "I", "DO": "II", "CODMn": "III", "NH3N": "IV", "TP": "III"}
    assert r.exceedances == {"NH3N": Decimal("0.20")}
    assert r.main_pollutants == ("NH3N",)
    assert r.meets_target is None


@pytest.mark.parametrize(
    ("target", "meets"),
    [("II", False), ("III", False), ("IV", True), ("V", True), ("Ⅳ类", True), (None, None)],
)
def test_meets_target(target: str | None, meets: bool | None) -> None:
    assert W.evaluate_section({"NH3N": "1.2"}, target_class=target).meets_target is meets


def test_target_class_is_the_basis_of_the_multiples() -> None:
    r = W.evaluate_section({"COD": 18, "NH3N": "0.6"}, target_class="II")
    assert r.exceedance_basis == "II"
    assert r.exceedances == {"COD": Decimal("0.20"), "NH3N": Decimal("0.20")}
    assert r.main_pollutants == ()  # class III: no main pollutants, whatever the target
    assert W.evaluate_section({"COD": 18}).exceedances == {}
    with pytest.raises(ValueError, match="one of I-V"):
        W.evaluate_section({"COD": 18}, target_class="worse_than_V")


def test_reference_and_unevaluated_items() -> None:
    river = W.evaluate_section({"COD": 10, "TN": 3, "FC": 30000, "WT": 20, "Chla": 5, "SD": 1})
    assert river.water_class == "I"
    assert river.not_evaluated == ("TN", "WT", "Chla", "SD")
    assert {c: i.water_class for c, i in river.reference_items.items()} == {"FC": "V"}
    lake = W.evaluate_section({"COD": 10, "TN": 3}, "lake")
    assert lake.water_class == "I"
    assert lake.to_dict()["reference_classes"] == {"TN": "worse_than_V"}
    with_tn = W.evaluate_section({"COD": 10, "TN": 3}, "lake", include_tn=True)
    assert with_tn.water_class == "worse_than_V"
    assert with_tn.main_pollutants == ("TN",)


def test_missing_items_are_listed() -> None:
    r = W.evaluate_section({"COD": 10, "NH3N": "0.1"})
    assert len(r.missing_items) == 19 and "COD" not in r.missing_items
    nothing = W.evaluate_section({"WT": 20})
    assert nothing.water_class is None and nothing.grade is None and nothing.color is None
    assert nothing.meets_target is None
    assert W.evaluate_section({"WT": 20}, target_class="III").meets_target is None


def test_main_pollutants_rules() -> None:
    values: dict[str, Any] = {
        "DO": "2.5",  # V, no multiple
        "CODMn": 12,  # V, 1.0
        "NH3N": "2.5",  # worse than V, 1.5
        "TP": "0.35",  # V, 0.75
        "COD": 25,  # IV, 0.25
        "BOD5": 4,  # III
    }
    r = W.evaluate_section(values)
    assert r.water_class == "worse_than_V"
    # worst class first, then larger multiple; DO (no multiple) after the others of its class
    assert r.main_pollutants == ("NH3N", "CODMn", "TP")
    assert r.main_pollutants_text() == ["氨氮(1.5)", "高锰酸盐指数(1)", "总磷(0.75)"]
    # a heavy metal over class III comes first, even in a better class
    r2 = W.evaluate_section({**values, "Pb": "0.06"})
    assert r2.main_pollutants == ("Pb", "NH3N", "CODMn")
    # DO alone
    r3 = W.evaluate_section({"DO": "2.5", "COD": 10})
    assert r3.main_pollutants == ("DO",)
    assert r3.main_pollutants_text() == ["溶解氧"]
    # equal class and multiple: table order
    r4 = W.evaluate_section({"BOD5": 5, "COD": 25})
    assert r4.main_pollutants == ("COD", "BOD5")


def test_section_main_pollutants_directly() -> None:
    assert W.section_main_pollutants({}, None) == ()
    assert W.section_main_pollutants({}, "III") == ()


def test_below_detection() -> None:
    r = W.evaluate_section(
        {"Hg": "<0.0001", "Cd": "0.0005L", "CN": {"value": "0.004", "below_detection": True}}
    )
    assert r.items["Hg"].value == Decimal("0.00005")
    assert r.items["Hg"].water_class == "I"
    # the limit itself (0.0001) is above class I (0.00005): class I cannot be proven
    assert r.indeterminate_items == ("Hg",)
    assert r.items["Cd"].water_class == "I" and not r.items["Cd"].indeterminate
    assert r.items["CN"].value == Decimal("0.002") and r.items["CN"].water_class == "I"
    out = r.to_dict()
    assert out["below_detection"] == ["Hg", "Cd", "CN"]
    assert out["indeterminate_items"] == ["Hg"]
    assert r.items["Hg"].to_dict()["detection_limit"] == 0.0001


def test_places_round_before_classifying() -> None:
    assert W.evaluate_section({"NH3N": "1.004"}).water_class == "IV"
    assert W.evaluate_section({"NH3N": "1.004"}, places={"NH3N": 2}).water_class == "III"
    assert W.evaluate_section({"NH3N": "1.005"}, places={"NH3N": 2}).water_class == "III"  # half-even: 1.00
    assert W.evaluate_section({"NH3N": "1.015"}, places={"NH3N": 2}).water_class == "IV"  # 1.02


def test_supplementary_items_in_a_section() -> None:
    r = W.evaluate_section({"SO4": 300, "Fe": "0.3"})
    assert r.water_class is None
    assert r.supplementary["SO4"].complies is False
    assert r.supplementary["SO4"].exceedance == Decimal("0.2")
    assert r.supplementary["Fe"].complies is True


@pytest.mark.parametrize(
    ("values", "water_body", "message"),
    [
        ({"XYZ": 1}, "river", "unknown item code 'XYZ'"),
        ({"NH3 N": 1}, "river", "unknown item code"),
        ({"COD": -1}, "river", "negative"),
        ({"COD": True}, "river", "expected a number"),
        ({"COD": "abc"}, "river", "not a number"),
        ({"COD": 1}, "ocean", "unknown water_body"),
    ],
)
def test_section_errors(values: dict[str, object], water_body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        W.evaluate_section(values, water_body)  # type: ignore[arg-type]


def test_accepted_codes_are_those_of_the_data_file() -> None:
    data = load("gb3838")
    expected = set(data["table1"]["items"]) | set(data["table2"]["items"]) | {"Chla", "SD"}
    assert W.accepted_codes() == expected
    assert W.item_name("CODMn") == "高锰酸盐指数"
    assert W.item_name("Fe") == "铁"
    assert W.item_name("Chla") == "Chla"
    assert W.item_limit("pH", "III") == (Decimal(6), Decimal(9))


def test_to_dict_contract() -> None:
    out = W.evaluate_section({"COD": 25, "TP": "0.35", "Pb": "0.06"}, "river", "III").to_dict()
    assert out["class"] == "V" and out["class_label"] == "Ⅴ类"
    assert out["exceedances"] == {"COD": 0.25, "TP": 0.75, "Pb": 0.2}
    assert out["main_pollutants"] == ["Pb", "TP", "COD"]
    assert out["meets_target"] is False
    assert out["water_body"] == "river"
    item = W.evaluate_section({"COD": 25}).items["COD"]
    assert item.to_dict() == {
        "code": "COD",
        "value": 25.0,
        "class": "IV",
        "exceedance": 0.25,
        "below_detection": False,
        "detection_limit": None,
        "indeterminate": False,
    }


def test_measurement_input_is_used_as_is() -> None:
    r = W.evaluate_section({"COD": Measurement(Decimal(25))})
    assert r.water_class == "IV"


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("NH3-N", "NH3N"),
        ("氨氮", "NH3N"),
        ("CODMn", "CODMn"),
        ("高锰酸盐指数", "CODMn"),
        ("codmn", "CODMn"),
        ("TP", "TP"),
        ("总磷", "TP"),
        (" tp ", "TP"),
        ("ph", "pH"),
        ("铬（六价）", "Cr6"),
        ("Cr(VI)", "Cr6"),
        ("CODcr", "COD"),
        ("化学需氧量", "COD"),
        ("叶绿素a", "Chla"),
        ("硫酸盐（以SO4²⁻计）", "SO4"),
    ],
)
def test_item_codes_in_the_spellings_bureaus_publish(spelling: str, code: str) -> None:
    assert W.canonical_code(spelling) == code
    by_alias = W.evaluate_section({spelling: "0.3"}, "river", "III").to_dict()
    assert by_alias == W.evaluate_section({code: "0.3"}, "river", "III").to_dict()


def test_unknown_and_doubled_item_codes() -> None:
    with pytest.raises(ValueError, match="unknown item code 'COD5'; expected one of .*NH3N"):
        W.evaluate_section({"COD5": 1})
    with pytest.raises(ValueError, match="TP given twice"):
        W.evaluate_section({"TP": 0.1, "总磷": 0.2})
