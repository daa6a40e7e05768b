from __future__ import annotations

from epb.enterprises.models import Enterprise, Outlet
from epb.testing.factories import make_outlet
from epb.testing.jurisdiction import Placement, jurisdiction_factory


@jurisdiction_factory(Enterprise)
def the_enterprise(p: Placement) -> Enterprise:
    return p.enterprise


@jurisdiction_factory(Outlet)
def an_outlet(p: Placement) -> Outlet:
    return make_outlet(p.enterprise)
