from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from epb import __version__
from epb.core.models import AuditEntry, Notification, OrgUnit
from epb.core.schemas import AuditEntryOut, HealthOut, Id, MeOut, NotificationOut, OrgUnitOut
from epb.core.visibility import get_visible_or_404

router = Router(tags=["core"])


@router.get("/health", response=HealthOut, auth=None, summary="Liveness and database check")
def health(request: HttpRequest) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "database": connection.vendor, "version": __version__, "time": timezone.now()}


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> object:
    return request.user


@router.get("/org-units", response=list[OrgUnitOut])
def list_org_units(request: HttpRequest, level: str | None = None, parent_id: Id | None = None) -> object:
    qs = OrgUnit.objects.visible_to(request.user)
    if level:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs


@router.get("/org-units/{unit_id}", response=OrgUnitOut)
def get_org_unit(request: HttpRequest, unit_id: Id) -> object:
    return get_visible_or_404(OrgUnit, request.user, pk=unit_id)


@router.get("/audit", response=list[AuditEntryOut])
def list_audit(
    request: HttpRequest,
    action: str | None = None,
    actor: str | None = None,
    object_id: str | None = None,
    limit: int = 100,
) -> object:
    if not getattr(request.user, "is_leadership", False):
        raise PermissionDenied("审计日志仅供局领导查阅")
    qs = AuditEntry.objects.visible_to(request.user)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label=actor)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs[: max(1, min(limit, 1000))]


@router.get("/notifications", response=list[NotificationOut])
def list_notifications(request: HttpRequest, unread: bool = False) -> object:
    qs = Notification.objects.visible_to(request.user).filter(recipient_id=request.user.pk)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs[:200]
