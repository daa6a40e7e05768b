"""Who may change what in the quality module (reads go through the jurisdiction filter)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from epb.core.choices import OrgLevel, Role


def is_bureau_staff(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.LEADERSHIP, Role.DEPT_STAFF, Role.DISTRICT_STAFF))
    )


def is_citywide(user: Any) -> bool:
    """Leadership and city-level staff: they set targets, quotas and the city's sites."""
    if not is_bureau_staff(user):
        return False
    if user.is_superuser or user.role == Role.LEADERSHIP:
        return True
    return bool(
        user.role == Role.DEPT_STAFF and (user.org_unit_id is None or user.org_unit.level == OrgLevel.CITY)
    )


def may_handle_warnings(user: Any) -> bool:
    return is_bureau_staff(user) or bool(
        user is not None and user.is_authenticated and user.is_active and user.role == Role.GRID_OFFICER
    )


def require(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionDenied(message or _("无权进行此操作"))
