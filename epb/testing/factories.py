"""Plain keyword-default factories. They write through the audit layer like any service."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from epb.core import audit, services
from epb.core.choices import OrgLevel, Role
from epb.core.models import Department, OrgUnit, User

_seq = itertools.count(1)


def seq() -> int:
    return next(_seq)


@dataclass
class OrgTree:
    city: OrgUnit
    district_a: OrgUnit
    district_b: OrgUnit
    town_a1: OrgUnit
    town_a2: OrgUnit
    town_b1: OrgUnit
    department: Department


def square(lon: float, lat: float, size: float = 0.05) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def make_org_tree() -> OrgTree:
    n = seq()
    city = services.create_org_unit(actor=None, level=OrgLevel.CITY, code=f"T{n}-3204", name="常州市")
    a = services.create_org_unit(
        actor=None,
        level=OrgLevel.DISTRICT,
        code=f"T{n}-320402",
        name="天宁区",
        parent=city,
        geometry=square(119.95, 31.75, 0.1),
    )
    b = services.create_org_unit(
        actor=None,
        level=OrgLevel.DISTRICT,
        code=f"T{n}-320412",
        name="武进区",
        parent=city,
        geometry=square(119.95, 31.60, 0.1),
    )
    a1 = services.create_org_unit(
        actor=None,
        level=OrgLevel.TOWN,
        code=f"T{n}-320402001",
        name="茶山街道",
        parent=a,
        geometry=square(119.95, 31.75),
    )
    a2 = services.create_org_unit(
        actor=None,
        level=OrgLevel.TOWN,
        code=f"T{n}-320402002",
        name="青龙街道",
        parent=a,
        geometry=square(120.00, 31.75),
    )
    b1 = services.create_org_unit(
        actor=None,
        level=OrgLevel.TOWN,
        code=f"T{n}-320412001",
        name="湖塘镇",
        parent=b,
        geometry=square(119.95, 31.60),
    )
    dept = services.create_department(actor=None, code=f"jc{n}", name="环境监察支队", org_unit=city)
    return OrgTree(city, a, b, a1, a2, b1, dept)


def make_user(role: str = Role.PUBLIC, org_unit: OrgUnit | None = None, **overrides: Any) -> User:
    n = seq()
    fields: dict[str, Any] = {
        "username": f"user{n}",
        "password": "correct horse battery",
        "display_name": f"用户{n}",
        "email": f"user{n}@example.org",
    }
    fields.update(overrides)
    return services.create_user(actor=None, role=role, org_unit=org_unit, **fields)


def make_enterprise(grid: OrgUnit, **overrides: Any) -> Any:
    from epb.enterprises.demo import synthetic_uscc
    from epb.enterprises.models import Enterprise

    n = seq()
    fields: dict[str, Any] = {
        "name": f"测试企业{n}有限公司",
        "uscc": synthetic_uscc(n),
        "grid": grid,
        "industry": "纺织业",
        "longitude": 119.97,
        "latitude": 31.77,
    }
    fields.update(overrides)
    return audit.create(Enterprise, actor=None, **fields)


def make_outlet(enterprise: Any, **overrides: Any) -> Any:
    from epb.enterprises.models import Outlet

    n = seq()
    fields: dict[str, Any] = {
        "enterprise": enterprise,
        "code": f"DW{n:03d}",
        "name": f"废水总排口{n}",
        "kind": "water",
        "standard": "GB18918-2002",
        "standard_class": "1A",
    }
    fields.update(overrides)
    return audit.create(Outlet, actor=None, **fields)
