"""Write operations of the core app. Each takes a keyword-only ``actor`` and leaves an audit entry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import ORG_LEVEL_ORDER, OrgLevel, Role
from epb.core.models import ApiToken, Department, HolidayOverride, OrgUnit, User

# Which org level each role must be attached to (None: no unit needed).
ROLE_UNIT_LEVELS: dict[str, tuple[str, ...] | None] = {
    Role.LEADERSHIP: None,
    Role.DEPT_STAFF: None,
    Role.DISTRICT_STAFF: (OrgLevel.DISTRICT,),
    Role.GRID_OFFICER: (OrgLevel.TOWN, OrgLevel.SUBGRID),
    Role.ENTERPRISE: None,
    Role.PUBLIC: None,
}


def _check_parent(level: str, parent: OrgUnit | None) -> None:
    index = ORG_LEVEL_ORDER.index(OrgLevel(level))
    if index == 0:
        if parent is not None:
            raise ValidationError(_("市级单位不能有上级"))
        return
    if parent is None:
        raise ValidationError(_("该层级必须指定上级"))
    if parent.level != ORG_LEVEL_ORDER[index - 1]:
        raise ValidationError(
            _("%(level)s 的上级必须是 %(parent)s")
            % {"level": OrgLevel(level).label, "parent": ORG_LEVEL_ORDER[index - 1].label}
        )


def create_org_unit(
    *,
    actor: User | None,
    level: str,
    code: str,
    name: str,
    parent: OrgUnit | None = None,
    geometry: dict[str, Any] | None = None,
    sort_order: int = 0,
) -> OrgUnit:
    _check_parent(level, parent)
    _check_geometry(geometry)
    unit = audit.create(
        OrgUnit,
        actor=actor,
        level=level,
        code=code,
        name=name,
        parent=parent,
        geometry=geometry,
        sort_order=sort_order,
    )
    if geometry is not None:
        # A new grid must be routable at once, in this process and after the commit.
        from epb.core.geography import invalidate_grid_index

        invalidate_grid_index()
        transaction.on_commit(invalidate_grid_index)
    return unit


def _check_geometry(geometry: dict[str, Any] | None) -> None:
    if geometry is None:
        return
    from epb.lib.geo import GeoJSONError, parse_geometry

    try:
        parse_geometry(geometry)
    except GeoJSONError as exc:
        raise ValidationError({"geometry": _("边界无效：%(reason)s") % {"reason": exc}}) from exc


def set_org_unit_geometry(unit: OrgUnit, geometry: dict[str, Any] | None, *, actor: User | None) -> OrgUnit:
    _check_geometry(geometry)
    unit = audit.update(unit, actor=actor, action="core.orgunit.geometry_set", geometry=geometry)
    from epb.core.geography import invalidate_grid_index

    invalidate_grid_index()
    transaction.on_commit(invalidate_grid_index)
    return unit


def create_department(
    *, actor: User | None, code: str, name: str, org_unit: OrgUnit, duties: str = ""
) -> Department:
    return audit.create(Department, actor=actor, code=code, name=name, org_unit=org_unit, duties=duties)


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    display_name: str = "",
    org_unit: OrgUnit | None = None,
    department: Department | None = None,
    email: str = "",
    phone: str = "",
    title: str = "",
    is_superuser: bool = False,
) -> User:
    allowed = ROLE_UNIT_LEVELS[Role(role)]
    if allowed is not None and (org_unit is None or org_unit.level not in allowed):
        raise ValidationError(_("该角色必须指定所属辖区或网格"))
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            display_name=display_name,
            org_unit=org_unit,
            department=department,
            email=email,
            phone=phone,
            title=title,
            is_superuser=is_superuser,
            is_staff=is_superuser,
        )
        user.password = make_password(password) if password else make_password(None)
        user.full_clean(exclude=["password"])
        user.save()
        audit.log("core.user.created", user, actor=actor, after=audit.snapshot(user) | {"password": "***"})
    return user


def change_user_role(
    user: User,
    *,
    actor: User | None,
    role: str,
    org_unit: OrgUnit | None,
    department: Department | None = None,
) -> User:
    allowed = ROLE_UNIT_LEVELS[Role(role)]
    if allowed is not None and (org_unit is None or org_unit.level not in allowed):
        raise ValidationError(_("该角色必须指定所属辖区或网格"))
    with transaction.atomic():
        before = audit.snapshot(user)
        user.role, user.org_unit, user.department = role, org_unit, department
        user.save(update_fields=["role", "org_unit", "department"])
        audit.log("core.user.role_changed", user, actor=actor, before=before, after=audit.snapshot(user))
    return user


def issue_api_token(
    user: User, *, actor: User | None, name: str, expires_at: Any = None
) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = ApiToken.new_raw()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[4:12], key_hash=ApiToken.hash(raw), expires_at=expires_at
        )
        audit.log("core.apitoken.issued", token, actor=actor, after={"user": user.pk, "name": name})
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: User | None) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log("core.apitoken.revoked", token, actor=actor)


def set_holiday_override(
    *, actor: User | None, date: Any, is_workday: bool, name: str = "", note: str = ""
) -> HolidayOverride:
    existing = HolidayOverride.objects.filter(date=date).first()
    if existing is None:
        override = audit.create(
            HolidayOverride, actor=actor, date=date, is_workday=is_workday, name=name, note=note
        )
    else:
        override = audit.update(existing, actor=actor, is_workday=is_workday, name=name, note=note)
    from epb.core.calendar import invalidate_calendar

    invalidate_calendar()
    return override


def remove_holiday_override(override: HolidayOverride, *, actor: User | None) -> None:
    audit.delete(override, actor=actor)
    from epb.core.calendar import invalidate_calendar

    invalidate_calendar()
