"""Demo data of the core app: Changzhou's districts, towns and streets, departments and one login per role.

Town polygons are schematic (a grid of cells inside a rectangle per district), good enough to route
demo complaints and draw maps; real boundaries are imported from GeoJSON (``epb import_geojson``).
Division codes above town level are the official ones; town codes are numbered in order.
"""

from __future__ import annotations

from typing import Any

from epb.core import services
from epb.core.choices import OrgLevel, Role
from epb.core.models import Department, OrgUnit, User

DEMO_PASSWORD = "epb-demo-2026"

# code, name, (west, south, east, north) in WGS-84, towns/streets
DISTRICTS: list[tuple[str, str, tuple[float, float, float, float], list[str]]] = [
    (
        "320402",
        "天宁区",
        (119.94, 31.74, 120.05, 31.82),
        ["天宁街道", "雕庄街道", "青龙街道", "茶山街道", "红梅街道", "兰陵街道", "郑陆镇"],
    ),
    (
        "320404",
        "钟楼区",
        (119.86, 31.74, 119.94, 31.82),
        ["南大街街道", "荷花池街道", "新闸街道", "五星街道", "永红街道", "北港街道", "西林街道", "邹区镇"],
    ),
    (
        "320411",
        "新北区",
        (119.86, 31.82, 120.05, 31.98),
        [
            "河海街道",
            "三井街道",
            "龙虎塘街道",
            "春江街道",
            "魏村街道",
            "奔牛镇",
            "孟河镇",
            "薛家镇",
            "罗溪镇",
            "西夏墅镇",
        ],
    ),
    (
        "320412",
        "武进区",
        (119.80, 31.58, 120.10, 31.74),
        [
            "湖塘镇",
            "牛塘镇",
            "洛阳镇",
            "雪堰镇",
            "前黄镇",
            "礼嘉镇",
            "嘉泽镇",
            "湟里镇",
            "南夏墅街道",
            "西湖街道",
            "横林镇",
            "遥观镇",
            "横山桥镇",
        ],
    ),
    (
        "320413",
        "金坛区",
        (119.40, 31.60, 119.80, 31.85),
        ["金城镇", "儒林镇", "直溪镇", "朱林镇", "薛埠镇", "指前镇", "东城街道", "西城街道"],
    ),
    (
        "320481",
        "溧阳市",
        (119.15, 31.20, 119.55, 31.60),
        [
            "溧城镇",
            "埭头镇",
            "上黄镇",
            "戴埠镇",
            "天目湖镇",
            "别桥镇",
            "上兴镇",
            "竹箦镇",
            "南渡镇",
            "社渚镇",
        ],
    ),
]

DEPARTMENTS = [
    ("office", "办公室", "综合协调、作风建设领导小组办公室"),
    ("pollution", "污染控制处", "总量减排、重点污染源管理"),
    ("approval", "行政审批处（环保直通车窗口）", "建设项目环评审批、绿色通道"),
    ("inspection", "环境监察支队", "网格化现场执法、限吊停封关抓"),
    ("petition", "12369环境信访投诉受理中心", "24小时受理环境投诉与咨询"),
    ("monitoring", "环境监测站", "环境质量监测、断面与空气站"),
    ("control", "污染源监控中心", "HJ 212 在线监控、报警处置"),
    ("technology", "科技处（环保技术超市）", "实用技术推广、技术咨询"),
    ("discipline", "监察室", "党风廉政、作风建设监督"),
]


def _cells(bbox: tuple[float, float, float, float], count: int) -> list[dict[str, Any]]:
    west, south, east, north = bbox
    cols = max(1, round(count**0.5))
    rows = -(-count // cols)
    width, height = (east - west) / cols, (north - south) / rows
    cells = []
    for index in range(count):
        row, col = divmod(index, cols)
        x0, y0 = west + col * width, south + row * height
        # The last cell of the last row stretches to the edge so the district is covered.
        x1 = east if (col == cols - 1 or index == count - 1) else x0 + width
        cells.append(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [round(x0, 5), round(y0, 5)],
                        [round(x1, 5), round(y0, 5)],
                        [round(x1, 5), round(y0 + height, 5)],
                        [round(x0, 5), round(y0 + height, 5)],
                        [round(x0, 5), round(y0, 5)],
                    ]
                ],
            }
        )
    return cells


def _box(bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    w, s, e, n = bbox
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def load(stdout: Any) -> None:
    if OrgUnit.objects.filter(code="320400").exists():
        return
    city = services.create_org_unit(actor=None, level=OrgLevel.CITY, code="320400", name="常州市")
    for order, (code, name, bbox, towns) in enumerate(DISTRICTS):
        district = services.create_org_unit(
            actor=None,
            level=OrgLevel.DISTRICT,
            code=code,
            name=name,
            parent=city,
            geometry=_box(bbox),
            sort_order=order,
        )
        for index, (town, cell) in enumerate(zip(towns, _cells(bbox, len(towns)), strict=True), start=1):
            services.create_org_unit(
                actor=None,
                level=OrgLevel.TOWN,
                code=f"{code}{index:03d}",
                name=town,
                parent=district,
                geometry=cell,
                sort_order=index,
            )
    for code, name, duties in DEPARTMENTS:
        services.create_department(actor=None, code=code, name=name, org_unit=city, duties=duties)
    _users(city)
    stdout.write(f"  org tree: {OrgUnit.objects.count()} units, {Department.objects.count()} departments\n")


def _users(city: OrgUnit) -> None:
    dept = {d.code: d for d in Department.objects.all()}
    unit = {u.name: u for u in OrgUnit.objects.all()}
    accounts: list[dict[str, Any]] = [
        {"username": "admin", "role": Role.LEADERSHIP, "display_name": "系统管理员", "is_superuser": True},
        {"username": "juzhang", "role": Role.LEADERSHIP, "display_name": "王局长", "title": "局长"},
        {
            "username": "jiancha",
            "role": Role.DEPT_STAFF,
            "display_name": "李监察",
            "department": dept["inspection"],
        },
        {
            "username": "xinfang",
            "role": Role.DEPT_STAFF,
            "display_name": "张信访",
            "department": dept["petition"],
        },
        {
            "username": "jiankong",
            "role": Role.DEPT_STAFF,
            "display_name": "赵监控",
            "department": dept["control"],
        },
        {
            "username": "shenpi",
            "role": Role.DEPT_STAFF,
            "display_name": "陈审批",
            "department": dept["approval"],
        },
        {
            "username": "jiance",
            "role": Role.DEPT_STAFF,
            "display_name": "周监测",
            "department": dept["monitoring"],
        },
        {
            "username": "tianning",
            "role": Role.DISTRICT_STAFF,
            "display_name": "天宁区环保局",
            "org_unit": unit["天宁区"],
        },
        {
            "username": "wujin",
            "role": Role.DISTRICT_STAFF,
            "display_name": "武进区环保局",
            "org_unit": unit["武进区"],
        },
        {
            "username": "wangge",
            "role": Role.GRID_OFFICER,
            "display_name": "茶山街道网格员",
            "org_unit": unit["茶山街道"],
        },
        {
            "username": "wangge2",
            "role": Role.GRID_OFFICER,
            "display_name": "湖塘镇网格员",
            "org_unit": unit["湖塘镇"],
        },
        {"username": "gongzhong", "role": Role.PUBLIC, "display_name": "市民刘先生", "phone": "13812345678"},
    ]
    for account in accounts:
        services.create_user(
            actor=None, password=DEMO_PASSWORD, email=f"{account['username']}@demo.epb", **account
        )


def logins() -> list[tuple[str, str, str]]:
    """(username, role, name) of every demo account, for the demo banner."""
    return [
        (u.username, str(u.get_role_display()), str(u))
        for u in User.objects.filter(email__endswith="@demo.epb").order_by("id")
    ]
