from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from epb.core.visibility import get_visible_or_404
from epb.enterprises.models import Enterprise, Outlet

router = Router(tags=["enterprises"])


class OutletOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    standard: str
    standard_class: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    grid_id: int
    address: str
    longitude: float | None
    latitude: float | None
    industry: str
    source_class: str
    status: str
    flags: list[str]


@router.get("/", response=list[EnterpriseOut])
def list_enterprises(
    request: HttpRequest, q: str = "", grid_id: int | None = None, limit: int = 200, offset: int = 0
) -> object:
    qs = Enterprise.objects.visible_to(request.user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q))
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    return qs[max(0, offset) : max(0, offset) + max(1, min(limit, 1000))]


@router.get("/{enterprise_id}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> object:
    return get_visible_or_404(Enterprise, request.user, pk=enterprise_id)


@router.get("/{enterprise_id}/outlets", response=list[OutletOut])
def list_outlets(request: HttpRequest, enterprise_id: int) -> object:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    return Outlet.objects.visible_to(request.user).filter(enterprise=enterprise)
