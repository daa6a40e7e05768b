"""Factories of the 12369 centre, and one jurisdiction factory for every model with a Scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from epb.complaints import services
from epb.complaints.choices import Channel, Kind, LinkKind, ReviewStage
from epb.complaints.models import (
    Callback,
    CaseEvent,
    CaseLink,
    Complainant,
    Complaint,
    LeaderCase,
    PollutionType,
    ReceptionDay,
    Reply,
    ReviewRequest,
    Supervision,
    SupervisionAction,
)
from epb.complaints.services.config import ensure_reference_data
from epb.core import audit
from epb.core.choices import Role
from epb.core.geography import invalidate_grid_index
from epb.core.models import OrgUnit, User
from epb.testing.factories import make_user, seq
from epb.testing.jurisdiction import Placement, jurisdiction_factory


def ptype(code: str) -> PollutionType:
    return PollutionType.objects.get(code=code)


def centre_of(unit: OrgUnit) -> tuple[float, float]:
    """A point inside the unit's (square) test geometry."""
    ring = unit.geometry["coordinates"][0]  # type: ignore[index]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def make_complaint(
    grid: OrgUnit | None = None,
    *,
    actor: User | None = None,
    submitted_by: User | None = None,
    type_code: str = "air.odour",
    real_name: bool = True,
    name: str = "刘建国",
    phone: str = "13812345678",
    **overrides: Any,
) -> Complaint:
    """A case filed from a point in ``grid`` (routed there by its location)."""
    # Units made by a test are not in the per-process spatial index until it is rebuilt, and a
    # transactional test may have emptied the seeded reference tables.
    invalidate_grid_index()
    ensure_reference_data()
    sub = ptype(type_code)
    top = sub.parent or sub
    lon, lat = centre_of(grid) if grid is not None else (None, None)
    fields: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "description": f"小区附近有刺鼻气味，晚上尤其严重（{seq()}）",
        "pollution_type": top,
        "sub_type": sub if sub.parent_id else None,
        "longitude": lon,
        "latitude": lat,
        "address": "测试路1号",
        "anonymous": not real_name,
        "contact": services.ContactData(name=name, phone=phone, phone_verified=True) if real_name else None,
    }
    fields.update(overrides)
    return services.submit(services.IntakeData(**fields), actor=actor, submitted_by=submitted_by)


@jurisdiction_factory(Complaint)
def a_complaint(p: Placement) -> Complaint:
    return make_complaint(p.grid, submitted_by=p.owner)


@jurisdiction_factory(Complainant)
def a_complainant(p: Placement) -> Complainant:
    complaint = make_complaint(p.grid, submitted_by=p.owner)
    return complaint.complainant


@jurisdiction_factory(CaseEvent)
def an_event(p: Placement) -> CaseEvent:
    complaint = make_complaint(p.grid)
    event = complaint.events.first()
    assert event is not None
    return event


@jurisdiction_factory(CaseLink)
def a_link(p: Placement) -> CaseLink:
    first = make_complaint(p.grid)
    second = make_complaint(p.grid)
    link, _created = CaseLink.objects.get_or_create(complaint=second, other=first, kind=LinkKind.RELATED)
    return link


@jurisdiction_factory(Reply)
def a_reply(p: Placement) -> Reply:
    complaint = make_complaint(p.grid)
    return audit.create(
        Reply, actor=None, complaint=complaint, text="经查，已责令整改。", findings="现场检查"
    )


@jurisdiction_factory(Callback)
def a_callback(p: Placement) -> Callback:
    complaint = make_complaint(p.grid)
    return audit.create(Callback, actor=None, complaint=complaint, reached=True, satisfaction="satisfied")


@jurisdiction_factory(ReviewRequest)
def a_review(p: Placement) -> ReviewRequest:
    complaint = make_complaint(p.grid, submitted_by=p.owner)
    return audit.create(
        ReviewRequest, actor=None, complaint=complaint, stage=ReviewStage.REVIEW, reason="对答复不满意"
    )


@jurisdiction_factory(ReceptionDay)
def a_reception_day(p: Placement) -> ReceptionDay:
    leader = make_user(Role.LEADERSHIP)
    return audit.create(
        ReceptionDay,
        actor=None,
        date=timezone.localdate() + dt.timedelta(days=seq()),
        leader=leader,
        org_unit=p.grid,
    )


@jurisdiction_factory(LeaderCase)
def a_leader_case(p: Placement) -> LeaderCase:
    complaint = make_complaint(p.grid)
    return audit.create(
        LeaderCase,
        actor=None,
        complaint=complaint,
        leader=make_user(Role.LEADERSHIP),
        instructions="限期化解",
    )


def make_supervision(grid: OrgUnit, enterprise: Any = None, **overrides: Any) -> Supervision:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "year": today.year,
        "title": f"测试督办事项{seq()}",
        "description": "群众反复投诉的异味问题",
        "grid": grid,
        "enterprise": enterprise,
        "responsible_unit": "属地政府",
        "listed_at": today,
        "deadline": today + dt.timedelta(days=180),
        "is_public": False,
    }
    fields.update(overrides)
    return audit.create(Supervision, actor=None, **fields)


@jurisdiction_factory(Supervision)
def a_supervision(p: Placement) -> Supervision:
    return make_supervision(p.grid, p.enterprise)


@jurisdiction_factory(SupervisionAction)
def a_supervision_action(p: Placement) -> SupervisionAction:
    supervision = make_supervision(p.grid, p.enterprise)
    return audit.create(SupervisionAction, actor=None, supervision=supervision, text="完成废气收集治理")
