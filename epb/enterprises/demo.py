"""Demo enterprises: the kinds of source the plan names (textile, dyeing, electroplating, WWTPs,
chemicals, lead-related, power), spread over the grids, each with outlets and a standard."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from epb.core import audit, services
from epb.core.choices import OrgLevel, Role
from epb.core.demo_data import DEMO_PASSWORD
from epb.core.models import OrgUnit
from epb.enterprises.models import Contact, Enterprise, Licence, Outlet
from epb.lib.codes import uscc_check_char

# name, industry code, industry, source class, flags, outlets: (code, name, kind, standard, class, ref O2)
ENTERPRISES: list[tuple[str, str, str, str, list[str], list[tuple[str, str, str, str, str, str | None]]]] = [
    (
        "常州市城北污水处理有限公司",
        "4620",
        "污水处理及其再生利用",
        "key",
        ["wwtp"],
        [("DW001", "污水总排口", "water", "GB18918-2002", "1A", None)],
    ),
    (
        "常州市江边污水处理厂",
        "4620",
        "污水处理及其再生利用",
        "key",
        ["wwtp"],
        [("DW001", "污水总排口", "water", "GB18918-2002", "1A", None)],
    ),
    (
        "武进区湖塘污水处理有限公司",
        "4620",
        "污水处理及其再生利用",
        "key",
        ["wwtp"],
        [("DW001", "污水总排口", "water", "GB18918-2002", "1A", None)],
    ),
    (
        "常州华纺印染有限公司",
        "1713",
        "棉印染精加工",
        "key",
        ["dyeing", "textile"],
        [
            ("DW001", "废水总排口", "water", "GB4287-2012", "direct", None),
            ("DA001", "定型机废气排口", "gas", "GB13271-2014", "gas_boiler", "3.5"),
        ],
    ),
    (
        "常州新锦纺织印染有限公司",
        "1713",
        "棉印染精加工",
        "key",
        ["dyeing", "textile"],
        [("DW001", "废水总排口", "water", "GB4287-2012", "indirect", None)],
    ),
    (
        "江苏东方纺织有限公司",
        "1711",
        "棉纺纱加工",
        "general",
        ["textile"],
        [("DW001", "废水排口", "water", "GB4287-2012", "indirect", None)],
    ),
    (
        "常州市金辉电镀有限公司",
        "3360",
        "金属表面处理及热处理加工",
        "key",
        ["electroplating", "heavy_metal"],
        [("DW001", "电镀废水排口", "water", "GB21900-2008", "table2", None)],
    ),
    (
        "武进横林精密电镀厂",
        "3360",
        "金属表面处理及热处理加工",
        "key",
        ["electroplating", "heavy_metal"],
        [("DW001", "电镀废水排口", "water", "GB21900-2008", "table3", None)],
    ),
    (
        "常州天能蓄电池有限公司",
        "3843",
        "铅蓄电池制造",
        "key",
        ["lead", "heavy_metal"],
        [
            ("DW001", "含铅废水排口", "water", "GB30484-2013", "direct", None),
            ("DA001", "铅烟废气排口", "gas", "GB30484-2013", "gas", None),
        ],
    ),
    (
        "常州滨江化工有限公司",
        "2614",
        "有机化学原料制造",
        "key",
        ["chemical"],
        [
            ("DW001", "废水总排口", "water", "GB8978-1996", "class1", None),
            ("DA001", "导热油炉排口", "gas", "GB13271-2014", "gas_boiler", "3.5"),
        ],
    ),
    (
        "常州新北热电有限公司",
        "4411",
        "火力发电",
        "key",
        ["power"],
        [
            ("DA001", "1号机组烟囱", "gas", "ultra_low", "coal", "6"),
            ("DA002", "2号机组烟囱", "gas", "ultra_low", "coal", "6"),
        ],
    ),
    (
        "金坛华盛热电有限公司",
        "4412",
        "热电联产",
        "key",
        ["power"],
        [("DA001", "锅炉烟囱", "gas", "GB13223-2011", "coal_key_region", "6")],
    ),
    (
        "常州市恒源食品有限公司",
        "1391",
        "谷物磨制",
        "general",
        [],
        [("DW001", "废水排口", "water", "GB8978-1996", "class3", None)],
    ),
    (
        "溧阳天目湖酿造有限公司",
        "1522",
        "白酒制造",
        "general",
        [],
        [("DW001", "废水排口", "water", "GB27631-2011", "indirect", None)],
    ),
    (
        "常州钟楼机械制造有限公司",
        "3484",
        "机械零部件加工",
        "general",
        [],
        [("DA001", "喷涂废气排口", "gas", "DB32/4439-2022", "table1", None)],
    ),
    (
        "常州龙城精细化工有限公司",
        "2661",
        "化学试剂和助剂制造",
        "key",
        ["chemical"],
        [("DW001", "废水总排口", "water", "GB8978-1996", "class1", None)],
    ),
    (
        "新北区魏村造纸有限公司",
        "2221",
        "机制纸及纸板制造",
        "key",
        [],
        [("DW001", "废水总排口", "water", "GB3544-2008", "table2", None)],
    ),
    (
        "常州雪堰水泥有限公司",
        "3011",
        "水泥制造",
        "key",
        [],
        [("DA001", "窑尾烟囱", "gas", "GB4915-2013", "table2", "10")],
    ),
    (
        "溧阳上黄纺织印染厂",
        "1713",
        "棉印染精加工",
        "general",
        ["dyeing", "textile"],
        [("DW001", "废水排口", "water", "GB4287-2012", "indirect", None)],
    ),
    (
        "常州金坛电子材料有限公司",
        "3985",
        "电子专用材料制造",
        "general",
        ["heavy_metal"],
        [("DW001", "废水排口", "water", "GB8978-1996", "class1", None)],
    ),
]


# General sources (一般源) for the random draws: name stem, industry code, industry, flags.
GENERAL_SOURCES: list[tuple[str, str, str, list[str]]] = [
    ("五金制品厂", "3389", "其他金属制日用品制造", []),
    ("塑料制品有限公司", "2929", "塑料零件及其他塑料制品制造", []),
    ("纺织有限公司", "1711", "棉纺纱加工", ["textile"]),
    ("针织印染厂", "1713", "棉印染精加工", ["dyeing", "textile"]),
    ("涂料有限公司", "2641", "涂料制造", ["chemical"]),
    ("铸造厂", "3391", "黑色金属铸造", []),
    ("家具有限公司", "2110", "木质家具制造", []),
    ("食品有限公司", "1392", "饲料加工", []),
    ("汽车配件有限公司", "3670", "汽车零部件及配件制造", []),
    ("电子有限公司", "3982", "电子电路制造", ["heavy_metal"]),
]


def load(stdout: Any) -> None:
    if not OrgUnit.objects.filter(level=OrgLevel.TOWN).exists():
        return
    if not Enterprise.objects.filter(uscc=synthetic_uscc(3204001)).exists():
        _key_sources(stdout)
    _general_sources(stdout)
    _licences_and_contacts(stdout)


def _key_sources(stdout: Any) -> None:
    rng = random.Random(2010)
    towns = list(OrgUnit.objects.filter(level=OrgLevel.TOWN).order_by("path"))
    if not towns:
        return
    by_name = {t.name: t for t in towns}
    preferred = {
        "常州华纺印染有限公司": "茶山街道",
        "武进横林精密电镀厂": "横林镇",
        "武进区湖塘污水处理有限公司": "湖塘镇",
        "新北区魏村造纸有限公司": "魏村街道",
        "常州雪堰水泥有限公司": "雪堰镇",
        "溧阳上黄纺织印染厂": "上黄镇",
        "金坛华盛热电有限公司": "金城镇",
        "溧阳天目湖酿造有限公司": "天目湖镇",
    }
    for index, (name, code, industry, source_class, flags, outlets) in enumerate(ENTERPRISES, start=1):
        grid = by_name.get(preferred.get(name, ""), towns[rng.randrange(len(towns))])
        west, south, east, north = _bounds(grid)
        lon = round(rng.uniform(west + 0.1 * (east - west), east - 0.1 * (east - west)), 5)
        lat = round(rng.uniform(south + 0.1 * (north - south), north - 0.1 * (north - south)), 5)
        enterprise = audit.create(
            Enterprise,
            actor=None,
            name=name,
            uscc=synthetic_uscc(3204000 + index),
            grid=grid,
            industry_code=code,
            industry=industry,
            source_class=source_class,
            flags=flags,
            longitude=lon,
            latitude=lat,
            address=f"常州市{grid.parent.name if grid.parent else ''}{grid.name}工业路{index * 8}号",
            contact_name="环保专员",
            contact_phone=f"0519-8{index:03d}{index:04d}"[:13],
        )
        for o_code, o_name, kind, standard, klass, ref_o2 in outlets:
            audit.create(
                Outlet,
                actor=None,
                enterprise=enterprise,
                code=o_code,
                name=o_name,
                kind=kind,
                standard=standard,
                standard_class=klass,
                reference_o2=ref_o2,
                longitude=lon,
                latitude=lat,
            )
    first = Enterprise.objects.get(name="常州华纺印染有限公司")
    user = services.create_user(
        actor=None,
        username="qiye",
        password=DEMO_PASSWORD,
        role=Role.ENTERPRISE,
        display_name="华纺印染环保专员",
        email="qiye@demo.epb",
    )
    first.members.add(user)
    stdout.write(f"  enterprises: {Enterprise.objects.count()}, outlets: {Outlet.objects.count()}\n")


def _general_sources(stdout: Any) -> None:
    """Three general sources in each of the towns that hold the key sources, and a few elsewhere,
    so that the annual plans have something to draw from."""
    if Enterprise.objects.filter(uscc=synthetic_uscc(3205001)).exists():
        return
    rng = random.Random(20100)
    key_towns = list(OrgUnit.objects.filter(enterprises__source_class="key").distinct().order_by("path"))
    others = list(
        OrgUnit.objects.filter(level=OrgLevel.TOWN).exclude(pk__in=[t.pk for t in key_towns]).order_by("path")
    )
    towns = [t for t in key_towns for _ in range(3)] + rng.sample(others, min(10, len(others)))
    places = ["新", "华", "恒", "永", "利", "东", "金", "宏", "裕", "盛", "汇", "瑞"]
    for index, grid in enumerate(towns, start=1):
        stem, code, industry, flags = GENERAL_SOURCES[index % len(GENERAL_SOURCES)]
        west, south, east, north = _bounds(grid)
        lon = round(rng.uniform(west + 0.1 * (east - west), east - 0.1 * (east - west)), 5)
        lat = round(rng.uniform(south + 0.1 * (north - south), north - 0.1 * (north - south)), 5)
        name = f"常州{grid.name[:2]}{places[index % len(places)]}{places[(index * 7) % len(places)]}{stem}"
        audit.create(
            Enterprise,
            actor=None,
            name=name,
            uscc=synthetic_uscc(3205000 + index),
            grid=grid,
            industry_code=code,
            industry=industry,
            source_class="general",
            flags=flags,
            longitude=lon,
            latitude=lat,
            address=f"常州市{grid.parent.name if grid.parent else ''}{grid.name}创业路{index * 3}号",
            contact_name="厂长",
            contact_phone=f"0519-86{index:06d}",
        )
    stdout.write(f"  general sources: {len(towns)}\n")


def _licences_and_contacts(stdout: Any) -> None:
    """Discharge permits (a few expiring soon, one expired), EIA approvals and contacts."""
    if Licence.objects.exists():
        return
    today = timezone.localdate()  # demo data is dated relative to the day it is loaded
    rng = random.Random(2011)
    key_sources = list(Enterprise.objects.filter(source_class="key").order_by("uscc"))
    for index, enterprise in enumerate(key_sources):
        if index == 0:
            expires = today - dt.timedelta(days=20)  # one lapsed permit to chase
        elif index in (1, 2, 3):
            expires = today + dt.timedelta(days=15 + 25 * index)  # inside the warning window
        else:
            expires = today + dt.timedelta(days=rng.randint(200, 1700))
        issued = expires - dt.timedelta(days=5 * 365)
        audit.create(
            Licence,
            actor=None,
            enterprise=enterprise,
            kind="discharge_permit",
            number=f"{enterprise.uscc}001P",
            issuer="常州市环境保护局",
            issued_on=issued,
            expires_on=expires,
            scope="化学需氧量、氨氮、总磷"
            if enterprise.outlets.filter(kind="water").exists()
            else "二氧化硫、氮氧化物、颗粒物",
        )
        audit.create(
            Licence,
            actor=None,
            enterprise=enterprise,
            kind="eia_approval",
            number=f"常环审〔{issued.year - 1}〕{100 + index}号",
            issuer="常州市环境保护局",
            issued_on=issued - dt.timedelta(days=400),
        )
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡"
    for index, enterprise in enumerate(Enterprise.objects.exclude(industry="模拟").order_by("uscc")):
        audit.create(
            Contact,
            actor=None,
            enterprise=enterprise,
            role="manager",
            name=f"{surnames[index % len(surnames)]}经理",
            title="环保负责人",
            mobile=f"139{index:08d}",
        )
    stdout.write(f"  licences: {Licence.objects.count()}, contacts: {Contact.objects.count()}\n")


def synthetic_uscc(n: int, region: str = "320400") -> str:
    """A well-formed credit code for demo and test enterprises (registered by 市场监管, type 1)."""
    first17 = f"91{region}{n % 10**9:09d}"
    return first17 + uscc_check_char(first17)


def _bounds(unit: OrgUnit) -> tuple[float, float, float, float]:
    ring = (unit.geometry or {}).get("coordinates", [[[119.9, 31.7], [120.0, 31.8]]])[0]
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)
