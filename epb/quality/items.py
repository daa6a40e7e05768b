"""What a monitoring result may contain: item codes, Chinese names, units and the spellings found
in the bureau's sheets and in HJ 212 packets.

Water items are those of GB 3838-2002 (tables 1 and 2) with the trophic items and the algae
density of the algae watch; air items are the pollutants of HJ 633; noise items are the levels
of GB 3096. Each item has one unit, the unit of its standard: a value is stored in it, so the
code fixes the unit. No Django here: the parser and the rules use it as plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from epb.lib.sheets import header_key
from epb.standards.tables import load


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    unit: str  # ASCII unit code ("mg/L", "ug/m3", "dB(A)", "1" for none)
    aliases: tuple[str, ...] = ()
    hj212: tuple[str, ...] = ()  # HJ 212-2017 factor codes that carry it
    decimals: int = 3  # places shown in tables (display only)

    @property
    def label(self) -> str:
        shown = {
            "1": "",
            "degC": "℃",
            "ug/m3": "μg/m³",
            "mg/m3": "mg/m³",
            "count/L": "个/L",
            "1e4/L": "万个/L",
        }
        unit = shown.get(self.unit, self.unit)
        return f"{self.name}（{unit}）" if unit else self.name


# Extra spellings seen in monthly result sheets, beyond the code and the GB 3838 name.
_WATER_ALIASES: dict[str, tuple[str, ...]] = {
    "WT": ("水温",),
    "pH": ("pH值", "PH值"),
    "DO": ("溶解氧",),
    "CODMn": ("高锰酸盐指数", "COD_Mn", "CODmn", "高锰酸钾指数"),
    "COD": ("化学需氧量", "CODCr", "COD_Cr"),
    "BOD5": ("五日生化需氧量", "BOD", "BOD_5"),
    "NH3N": ("氨氮", "NH3-N", "NH_3-N", "NH4-N"),
    "TP": ("总磷",),
    "TN": ("总氮",),
    "Cu": ("铜", "总铜"),
    "Zn": ("锌", "总锌"),
    "F": ("氟化物", "F-"),
    "Se": ("硒", "总硒"),
    "As": ("砷", "总砷"),
    "Hg": ("汞", "总汞"),
    "Cd": ("镉", "总镉"),
    "Cr6": ("铬（六价）", "铬(六价)", "六价铬", "Cr6+", "Cr(VI)"),
    "Pb": ("铅", "总铅"),
    "CN": ("氰化物", "总氰化物"),
    "VPhenol": ("挥发酚", "挥发性酚"),
    "Oil": ("石油类",),
    "LAS": ("阴离子表面活性剂",),
    "S2": ("硫化物", "S2-"),
    "FC": ("粪大肠菌群",),
    "SO4": ("硫酸盐",),
    "Cl": ("氯化物",),
    "NO3N": ("硝酸盐", "硝酸盐氮", "NO3-N"),
    "Fe": ("铁", "总铁"),
    "Mn": ("锰", "总锰"),
}
_WATER_HJ212 = {
    "pH": ("w01001",),
    "DO": ("w01009",),
    "WT": ("w01010",),
    "CODMn": ("w01019",),
    "COD": ("w01018",),
    "BOD5": ("w01017",),
    "NH3N": ("w21003",),
    "TP": ("w21011",),
    "TN": ("w21001",),
    "Cu": ("w20122",),
    "Zn": ("w20123",),
    "F": ("w21017",),
    "As": ("w20119",),
    "Hg": ("w20111",),
    "Cd": ("w20115",),
    "Cr6": ("w20117",),
    "Pb": ("w20120",),
    "CN": ("w21016",),
    "VPhenol": ("w23002",),
    "Oil": ("w22001",),
    "LAS": ("w19002",),
    "S2": ("w21019",),
    "FC": ("w02003",),
    "Fe": ("w20125",),
}
_WATER_DECIMALS = {"pH": 2, "DO": 2, "WT": 1, "CODMn": 2, "COD": 1, "BOD5": 2, "FC": 0}
_UNIT_CODES = {"°C": "degC", "": "1", "个/L": "count/L"}

# Trophic items, the algae density of the algae watch (蓝藻预警) and conductivity: recorded and
# used by the trophic index and warnings, never by the class evaluation.
_WATER_EXTRA = (
    Item("Chla", "叶绿素a", "mg/m3", ("叶绿素", "chl-a", "Chl_a", "叶绿素a（μg/L）"), (), 4),
    Item("SD", "透明度", "m", (), (), 2),
    Item("ALGAE", "藻密度", "1e4/L", ("藻类密度", "蓝藻密度"), (), 0),
    Item("COND", "电导率", "uS/cm", (), ("w01014",), 0),
)

AIR_ITEMS = (
    Item("SO2", "二氧化硫", "ug/m3", ("SO₂",), ("a21026",), 0),
    Item("NO2", "二氧化氮", "ug/m3", ("NO₂",), ("a21004",), 0),
    Item("PM10", "可吸入颗粒物", "ug/m3", ("PM₁₀",), ("a34002",), 0),
    Item("CO", "一氧化碳", "mg/m3", (), ("a21005",), 1),
    Item(
        "O3",
        "臭氧（最大1小时）",
        "ug/m3",
        ("臭氧", "臭氧1小时", "臭氧最大1小时", "O3-1h", "O3_1h"),
        ("a05024",),
        0,
    ),
    Item(
        "O3_8h",
        "臭氧（最大8小时滑动平均）",
        "ug/m3",
        ("臭氧8小时", "臭氧日最大8小时", "臭氧8小时滑动平均", "O3-8h", "O3_8H"),
        (),
        0,
    ),
    Item("PM2_5", "细颗粒物", "ug/m3", ("PM2.5", "PM₂.₅"), ("a34004",), 0),
)

NOISE_ITEMS = (
    # HJ 212 noise codes are not in the factor table; the daily Ld/Ln/Lmax of ST 23 stations are
    # matched by these names (case-insensitive), an assumption to confirm with the gateway.
    Item("Ld", "昼间等效声级", "dB(A)", ("昼间", "昼间Leq", "Leq昼", "昼间等效声级Ld"), ("ld",), 1),
    Item("Ln", "夜间等效声级", "dB(A)", ("夜间", "夜间Leq", "Leq夜", "夜间等效声级Ln"), ("ln",), 1),
    Item("Lmax", "夜间最大声级", "dB(A)", ("夜间Lmax", "最大声级", "夜间突发噪声最大声级"), ("lmax",), 1),
)


@cache
def water_items() -> tuple[Item, ...]:
    std = load("gb3838")
    items = []
    for table in ("table1", "table2"):
        for code, row in std[table]["items"].items():
            unit = _UNIT_CODES.get(row["unit"], row["unit"])
            items.append(
                Item(
                    code,
                    row["name_zh"],
                    unit,
                    _WATER_ALIASES.get(code, ()),
                    _WATER_HJ212.get(code, ()),
                    _WATER_DECIMALS.get(code, 3),
                )
            )
    return (*items, *_WATER_EXTRA)


def items_of(kind: str) -> tuple[Item, ...]:
    if kind == "water":
        return water_items()
    if kind == "air":
        return AIR_ITEMS
    if kind == "noise":
        return NOISE_ITEMS
    raise ValueError(f"unknown data kind {kind!r}")


@cache
def _index(kind: str) -> dict[str, Item]:
    index: dict[str, Item] = {}
    for item in items_of(kind):
        for spelling in (item.code, item.name, item.label, *item.aliases):
            index.setdefault(normalise_header(spelling), item)
    return index


def item(kind: str, code: str) -> Item:
    for candidate in items_of(kind):
        if candidate.code == code:
            return candidate
    raise ValueError(f"unknown {kind} item {code!r}")


def item_name(kind: str, code: str) -> str:
    try:
        return item(kind, code).name
    except ValueError:
        return code


def by_hj212(kind: str, factor_code: str) -> Item | None:
    code = factor_code.strip().lower()
    return next((i for i in items_of(kind) if code in i.hj212), None)


def normalise_header(text: str) -> str:
    """Width, case and spacing folded: "氨氮（ mg/L ）" and "氨氮(mg/l)" compare equal."""
    return header_key(text)


_UNIT_SUFFIX = re.compile(r"^(?P<name>.+?)\((?P<unit>[^()]*)\)$")


def match_header(kind: str, header: str) -> tuple[Item, str | None] | None:
    """The item a column header names, and the unit the header states (None when it states none).

    "氨氮", "NH3-N", "氨氮(mg/L)", "汞（μg/L）" all match; "铬（六价）" is a name, not a unit.
    """
    key = normalise_header(header)
    if not key:
        return None
    index = _index(kind)
    if key in index:
        return index[key], None
    match = _UNIT_SUFFIX.match(key)
    if match and match.group("name") in index:
        return index[match.group("name")], match.group("unit")
    return None


# Factors between units of one family, exact (so a converted value means what the sheet shows).
_UNIT_FACTORS: dict[str, tuple[str, Decimal]] = {
    "mg/l": ("conc_water", Decimal(1)),
    "ug/l": ("conc_water", Decimal("0.001")),
    "μg/l": ("conc_water", Decimal("0.001")),
    "ng/l": ("conc_water", Decimal("0.000001")),
    "mg/m3": ("conc_air", Decimal(1)),
    "ug/m3": ("conc_air", Decimal("0.001")),
    "μg/m3": ("conc_air", Decimal("0.001")),
    "ng/m3": ("conc_air", Decimal("0.000001")),
    "mg/m^3": ("conc_air", Decimal(1)),
    "ug/m^3": ("conc_air", Decimal("0.001")),
    "μg/m^3": ("conc_air", Decimal("0.001")),
    "m": ("length", Decimal(1)),
    "cm": ("length", Decimal("0.01")),
    "万个/l": ("density", Decimal(1)),
    "1e4/l": ("density", Decimal(1)),
    "个/l": ("density", Decimal("0.0001")),
    "db(a)": ("level", Decimal(1)),
    "db": ("level", Decimal(1)),
    "dba": ("level", Decimal(1)),
}


class UnitMismatch(ValueError):
    pass


def unit_factor(given: str | None, item_: Item) -> Decimal:
    """What to multiply a value in unit ``given`` by to express it in the item's unit."""
    if given is None:
        return Decimal(1)
    g, target = normalise_header(given), normalise_header(item_.unit)
    g = {"无量纲": "1", "": "1", "℃": "degc", "°c": "degc"}.get(g, g)
    if g == target:
        return Decimal(1)
    if g in _UNIT_FACTORS and target in _UNIT_FACTORS and _UNIT_FACTORS[g][0] == _UNIT_FACTORS[target][0]:
        return _UNIT_FACTORS[g][1] / _UNIT_FACTORS[target][1]
    raise UnitMismatch(f"单位“{given}”无法换算为{item_.name}的单位“{item_.unit}”")
