from __future__ import annotations

import datetime as dt
from typing import Any

from epb.core import audit
from epb.enterprises.models import Contact, Enterprise, Licence, Outlet
from epb.testing.factories import make_outlet, seq
from epb.testing.jurisdiction import Placement, jurisdiction_factory


@jurisdiction_factory(Enterprise)
def the_enterprise(p: Placement) -> Enterprise:
    return p.enterprise


@jurisdiction_factory(Outlet)
def an_outlet(p: Placement) -> Outlet:
    return make_outlet(p.enterprise)


def make_licence(enterprise: Enterprise, **overrides: Any) -> Licence:
    fields: dict[str, Any] = {
        "enterprise": enterprise,
        "kind": "discharge_permit",
        "number": f"91320400TEST{seq():06d}P",
        "issuer": "常州市环境保护局",
        "issued_on": dt.date(2024, 1, 1),
        "expires_on": dt.date(2029, 12, 31),
    }
    fields.update(overrides)
    return audit.create(Licence, actor=None, **fields)


@jurisdiction_factory(Licence)
def a_licence(p: Placement) -> Licence:
    return make_licence(p.enterprise)


@jurisdiction_factory(Contact)
def a_contact(p: Placement) -> Contact:
    return audit.create(Contact, actor=None, enterprise=p.enterprise, name="王工", mobile="13800000000")
