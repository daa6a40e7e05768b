"""Who may do what. Reads go through ``visible_to``; these add the role a write needs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from epb.core.choices import Role
from epb.core.models import OrgUnit

OFFICER_ROLES = (Role.LEADERSHIP, Role.DEPT_STAFF, Role.DISTRICT_STAFF, Role.GRID_OFFICER)
MANAGER_ROLES = (Role.LEADERSHIP, Role.DEPT_STAFF, Role.DISTRICT_STAFF)


def is_officer(user: Any) -> bool:
    """Bureau staff who inspect and record (any level)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in OFFICER_ROLES)
    )


def is_manager(user: Any) -> bool:
    """Staff who plan, decide measures and open cases: the city bureau and the district bureaux."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in MANAGER_ROLES)
    )


def covers(user: Any, unit: OrgUnit) -> bool:
    """The unit lies within the user's jurisdiction."""
    return OrgUnit.objects.visible_to(user).filter(pk=unit.pk).exists()


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def is_enterprise_member(user: Any, enterprise: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.role == Role.ENTERPRISE
        and enterprise is not None
        and enterprise.members.filter(pk=user.pk).exists()
    )
