from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from epb.core.schemas import Id, Offset
from epb.core.visibility import get_visible_or_404
from epb.enterprises.conf import warning_days
from epb.enterprises.history import compliance_history
from epb.enterprises.models import Contact, Enterprise, Licence, Outlet
from epb.enterprises.schemas import ContactOut, EnterpriseOut, HistoryOut, LicenceOut, OutletOut

router = Router(tags=["enterprises"])


def _page(qs: object, limit: int, offset: Offset) -> object:
    start = max(0, offset)
    return qs[start : start + max(1, min(limit, 1000))]  # type: ignore[index]


@router.get("/", response=list[EnterpriseOut])
def list_enterprises(
    request: HttpRequest,
    q: str = "",
    grid_id: Id | None = None,
    source_class: str = "",
    flag: str = "",
    status: str = "",
    limit: int = 200,
    offset: Offset = 0,
) -> object:
    qs = Enterprise.objects.visible_to(request.user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q))
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if source_class:
        qs = qs.filter(source_class=source_class)
    if status:
        qs = qs.filter(status=status)
    if flag:
        qs = qs.filter(flags__icontains=f'"{flag}"')
    return _page(qs, limit, offset)


@router.get("/licences", response=list[LicenceOut], summary="Licences, e.g. those expiring soon")
def list_licences(
    request: HttpRequest,
    enterprise_id: Id | None = None,
    kind: str = "",
    state: str = "",
    limit: int = 200,
    offset: Offset = 0,
) -> object:
    qs = Licence.objects.visible_to(request.user).order_by("expires_on", "pk")
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if kind:
        qs = qs.filter(kind=kind)
    today = timezone.localdate()
    if state == "expired":
        qs = qs.filter(status="valid", expires_on__lt=today)
    elif state == "expiring":
        horizon = today + dt.timedelta(days=max(warning_days()))
        qs = qs.filter(status="valid", expires_on__gte=today, expires_on__lte=horizon)
    elif state:
        qs = qs.filter(status=state)
    return _page(qs, limit, offset)


@router.get("/licences/{licence_id}", response=LicenceOut)
def get_licence(request: HttpRequest, licence_id: Id) -> object:
    return get_visible_or_404(Licence, request.user, pk=licence_id)


@router.get("/contacts/{contact_id}", response=ContactOut)
def get_contact(request: HttpRequest, contact_id: Id) -> object:
    return get_visible_or_404(Contact, request.user, pk=contact_id)


@router.get("/{enterprise_id}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, enterprise_id: Id) -> object:
    return get_visible_or_404(Enterprise, request.user, pk=enterprise_id)


@router.get("/{enterprise_id}/outlets", response=list[OutletOut])
def list_outlets(request: HttpRequest, enterprise_id: Id) -> object:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    return Outlet.objects.visible_to(request.user).filter(enterprise=enterprise)


@router.get("/{enterprise_id}/licences", response=list[LicenceOut])
def enterprise_licences(request: HttpRequest, enterprise_id: Id) -> object:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    return Licence.objects.visible_to(request.user).filter(enterprise=enterprise)


@router.get("/{enterprise_id}/contacts", response=list[ContactOut])
def enterprise_contacts(request: HttpRequest, enterprise_id: Id) -> object:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    return Contact.objects.visible_to(request.user).filter(enterprise=enterprise)


@router.get(
    "/{enterprise_id}/history", response=HistoryOut, summary="Compliance history by quarter (3 years)"
)
def enterprise_history(request: HttpRequest, enterprise_id: Id) -> object:
    enterprise = get_visible_or_404(Enterprise, request.user, pk=enterprise_id)
    history = compliance_history(enterprise)
    return {
        "quarters": [q.label for q in history.quarters],
        "status": history.status_string,
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "status": r.status,
                "values": [c.amount for c in r.cells],
                "error": r.error,
            }
            for r in history.rows
        ],
    }
