from __future__ import annotations

import io
from typing import Any

from epb.core import audit, services
from epb.core.attachments import attach
from epb.core.choices import Role
from epb.core.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Clock,
    Department,
    Notification,
    NotificationPreference,
    OrgUnit,
    User,
)
from epb.testing.factories import seq
from epb.testing.jurisdiction import Placement, jurisdiction_factory


@jurisdiction_factory(OrgUnit)
def make_subgrid(p: Placement) -> OrgUnit:
    # Inactive, so the public (which sees active units) does not see it either.
    unit = services.create_org_unit(
        actor=None, level="subgrid", code=f"SG{seq()}", name="子网格", parent=p.grid
    )
    return audit.update(unit, actor=None, is_active=False)


@jurisdiction_factory(Department)
def make_department(p: Placement) -> Department:
    return services.create_department(actor=None, code=f"d{seq()}", name="网格办", org_unit=p.grid)


@jurisdiction_factory(User)
def make_grid_user(p: Placement) -> User:
    return services.change_user_role(p.owner, actor=None, role=Role.GRID_OFFICER, org_unit=p.grid)


@jurisdiction_factory(ApiToken)
def make_token(p: Placement) -> ApiToken:
    services.change_user_role(p.owner, actor=None, role=Role.GRID_OFFICER, org_unit=p.grid)
    token, _raw = services.issue_api_token(p.owner, actor=None, name="test")
    return token


@jurisdiction_factory(AuditEntry)
def make_audit_entry(p: Placement) -> AuditEntry:
    return audit.log("core.test.recorded", p.grid, actor=None)


@jurisdiction_factory(Clock)
def make_clock(p: Placement) -> Clock:
    from epb.core.clocks import start_clock
    from epb.lib.workdays import STATUTORY_CLOCKS

    return start_clock(
        p.enterprise,
        STATUTORY_CLOCKS["complaint.accept"],
        actor=None,
        label="测试时限",
        org_unit=p.grid,
        owner=p.owner,
    )


@jurisdiction_factory(Notification)
def make_notification(p: Placement) -> Notification:
    return Notification.objects.create(recipient=p.owner, kind="test", title="测试")


@jurisdiction_factory(NotificationPreference)
def make_preference(p: Placement) -> NotificationPreference:
    return NotificationPreference.objects.create(user=p.owner, kind="test", channels=["email"])


@jurisdiction_factory(Attachment)
def make_attachment(p: Placement) -> Attachment:
    data: Any = io.BytesIO(b"%PDF-1.4 test evidence " + str(seq()).encode())
    return attach(p.enterprise, data, actor=p.owner, name="证据.pdf", org_unit=p.grid)
