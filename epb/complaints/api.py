"""The centre's JSON API under /api/v1/complaints/. Every read goes through ``visible_to``; every
write through the services (which check jurisdiction and roles again)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from epb.complaints import analysis, services
from epb.complaints.models import Complaint, DeclineReason, PollutionType, ReceptionDay, Supervision
from epb.complaints.schemas import (
    AcceptIn,
    AssignIn,
    CaseNoteIn,
    ComplainantContactOut,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintOut,
    DeclineIn,
    EventOut,
    ReceptionDayOut,
    RouteIn,
    StatsOut,
    SupervisionOut,
    TypeOut,
)
from epb.complaints.services.handling import due_dates, masked_description
from epb.complaints.views.common import me
from epb.core.models import Department, OrgUnit, User
from epb.core.schemas import Id, Offset, Year
from epb.core.visibility import get_visible_or_404
from epb.lib.timeutil import beijing_midnight

router = Router(tags=["complaints"])


class ListFilters(Schema):
    status: str | None = None
    kind: str | None = None
    channel: str | None = None
    district_id: Id | None = None
    grid_id: Id | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 100
    offset: Offset = 0


def _visible(request: HttpRequest) -> Any:
    return Complaint.objects.visible_to(request.user).select_related(
        "pollution_type", "sub_type", "department"
    )


def _is_staff(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_staff_member", False))


def _outside_view(complaint: Complaint, row: dict[str, Any]) -> dict[str, Any]:
    """What a viewer who is not bureau staff (a citizen, an enterprise) reads of a case they may
    see (published, or filed by them): what Open311 gives the public — the grid instead of the
    typed address, coordinates rounded to about 100 m, no handler; never internal notes."""
    lat, lon = complaint.latitude, complaint.longitude
    return row | {
        "summary": complaint.public_summary if complaint.is_public else "",
        "address": complaint.grid.full_name() if complaint.grid else "",
        "latitude": round(lat, 3) if lat is not None else None,
        "longitude": round(lon, 3) if lon is not None else None,
        "handler_id": None,
    }


@router.get("/", response=list[ComplaintOut], url_name="complaints_list")
def list_complaints(request: HttpRequest, filters: Query[ListFilters]) -> object:
    qs = _visible(request)
    for name in ("status", "kind", "channel", "district_id", "grid_id"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.since is not None:
        qs = qs.filter(received_at__gte=beijing_midnight(filters.since))
    if filters.until is not None:
        qs = qs.filter(received_at__lt=beijing_midnight(filters.until + dt.timedelta(days=1)))
    offset = max(0, filters.offset)
    page = qs.order_by("-received_at")[offset : offset + max(1, min(filters.limit, 1000))]
    if _is_staff(request):
        return page
    return [_outside_view(c, ComplaintOut.from_orm(c).model_dump()) for c in page.select_related("grid")]


@router.get("/taxonomy", response=list[TypeOut], url_name="complaints_taxonomy")
def taxonomy(request: HttpRequest) -> object:
    return [
        {"code": t.code, "name": t.name, "parent": t.parent.code if t.parent else None}
        for t in PollutionType.objects.filter(is_active=True).select_related("parent")
    ]


def _counts(counter: Counter[str]) -> list[dict[str, Any]]:
    return [{"name": name, "count": n} for name, n in counter.most_common()]


@router.get("/stats", response=StatsOut, url_name="complaints_stats")
def stats(request: HttpRequest, since: dt.date, until: dt.date) -> object:
    if until < since:
        raise ValidationError({"until": ["结束日期不能早于开始日期"]})
    period = analysis.custom(since, until)
    figures = analysis.breakdown(
        analysis.in_period(Complaint.objects.visible_to(request.user), period.start, period.end)
    )
    return {
        "total": figures.total,
        "complaints": figures.complaints,
        "consultations": figures.consultations,
        "by_channel": _counts(figures.channel),
        "by_type": _counts(figures.type),
        "by_district": _counts(figures.district),
        "by_status": _counts(figures.status),
    }


@router.get("/supervision", response=list[SupervisionOut], url_name="complaints_supervision")
def supervision(request: HttpRequest, year: Year | None = None) -> object:
    qs = Supervision.objects.visible_to(request.user).annotate(
        actions_total=Count("actions"),
        actions_done=Count("actions", filter=Q(actions__done_at__isnull=False)),
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs


@router.get("/reception-days", response=list[ReceptionDayOut], url_name="complaints_reception_days")
def reception_days(request: HttpRequest, since: dt.date | None = None) -> object:
    qs = ReceptionDay.objects.visible_to(request.user)
    if since is not None:
        qs = qs.filter(date__gte=since)
    return qs[:500]


@router.post("/", response={201: ComplaintOut}, url_name="complaints_create")
def create(request: HttpRequest, payload: ComplaintIn) -> object:
    """Staff intake from another system (a call-centre client, a WeChat bridge)."""
    from epb.complaints.services.common import is_staff

    if not is_staff(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有工作人员可以登记")
    types = {
        t.code: t for t in PollutionType.objects.filter(code__in=[payload.pollution_type, payload.sub_type])
    }
    enterprise = None
    if payload.enterprise_id is not None:
        from epb.enterprises.models import Enterprise

        enterprise = get_visible_or_404(Enterprise, request.user, pk=payload.enterprise_id)
    if payload.pollution_type and payload.pollution_type not in types:
        raise ValidationError({"pollution_type": ["未知的污染类型代码"]})
    if payload.sub_type and payload.sub_type not in types:
        raise ValidationError({"sub_type": ["未知的污染子类代码"]})
    contact = payload.contact
    data = services.IntakeData(
        kind=payload.kind,
        channel=payload.channel,
        description=payload.description,
        summary=payload.summary,
        pollution_type=types.get(payload.pollution_type or ""),
        sub_type=types.get(payload.sub_type or ""),
        longitude=payload.longitude,
        latitude=payload.latitude,
        location_source="client" if payload.longitude is not None else "",
        address=payload.address,
        enterprise=enterprise,
        reported_unit=payload.reported_unit,
        anonymous=payload.anonymous,
        contact=services.ContactData(**contact.model_dump()) if contact is not None else None,
        severity=payload.severity,
        urgency=payload.urgency,
        is_mass=payload.is_mass,
        is_sudden=payload.is_sudden,
        received_at=payload.received_at,
    )
    return Status(201, services.submit(data, actor=me(request)))


def _get(request: HttpRequest, complaint_id: Id) -> Complaint:
    return get_visible_or_404(_visible(request), request.user, pk=complaint_id)


@router.get("/{complaint_id}", response=ComplaintDetailOut, url_name="complaints_get")
def get_complaint(request: HttpRequest, complaint_id: Id) -> object:
    complaint = _get(request, complaint_id)
    detail = {
        **ComplaintOut.from_orm(complaint).model_dump(),
        "description": masked_description(complaint),
        "public_summary": complaint.public_summary,
        "accepted_at": complaint.accepted_at,
        "replied_at": complaint.replied_at,
        "closed_at": complaint.closed_at,
        "deadlines": due_dates(complaint),
        "events": [EventOut.from_orm(e).model_dump() for e in complaint.events.all()],
    }
    if _is_staff(request):
        return detail
    own = complaint.submitted_by_id is not None and complaint.submitted_by_id == request.user.pk
    # Public events carry their fixed public text only: the staff's text and names stay inside.
    events = [
        EventOut.from_orm(e).model_dump() | {"text": "", "actor_label": ""}
        for e in complaint.events.filter(public=True)
    ]
    return _outside_view(complaint, detail) | {
        "description": detail["description"]
        if own
        else complaint.public_summary
        if complaint.is_public
        else "",
        "events": events,
    }


@router.get("/{complaint_id}/contact", response=ComplainantContactOut | None, url_name="complaints_contact")
def contact(request: HttpRequest, complaint_id: Id, purpose: str = "") -> object:
    """The complainant's contact, for the case's handlers only; each call is logged."""
    complaint = _get(request, complaint_id)
    return services.view_contact(complaint, actor=me(request), purpose=purpose or "API")


@router.post("/{complaint_id}/route", response=ComplaintOut, url_name="complaints_route")
def route(request: HttpRequest, complaint_id: Id, payload: RouteIn) -> object:
    complaint = _get(request, complaint_id)
    grid = (
        get_visible_or_404(OrgUnit, request.user, pk=payload.grid_id) if payload.grid_id is not None else None
    )
    department = Department.objects.filter(code=payload.department).first() if payload.department else None
    if payload.department and department is None:
        raise ValidationError({"department": ["未知的处室代码"]})
    return services.route(
        complaint, actor=me(request), grid=grid, department=department, reason=payload.reason
    )


@router.post("/{complaint_id}/accept", response=ComplaintOut, url_name="complaints_accept")
def accept(request: HttpRequest, complaint_id: Id, payload: AcceptIn) -> object:
    return services.accept(_get(request, complaint_id), actor=me(request), note=payload.note)


@router.post("/{complaint_id}/decline", response=ComplaintOut, url_name="complaints_decline")
def decline(request: HttpRequest, complaint_id: Id, payload: DeclineIn) -> object:
    complaint = _get(request, complaint_id)
    reason = DeclineReason.objects.filter(code=payload.reason, is_active=True).first()
    if reason is None:
        raise ValidationError({"reason": ["未知的不予受理理由代码"]})
    return services.decline(complaint, actor=me(request), reason=reason, note=payload.note)


@router.post("/{complaint_id}/assign", response=ComplaintOut, url_name="complaints_assign")
def assign(request: HttpRequest, complaint_id: Id, payload: AssignIn) -> object:
    complaint = _get(request, complaint_id)
    handler = User.objects.filter(pk=payload.handler_id, is_active=True).first()
    if handler is None:
        raise ValidationError({"handler_id": ["没有该用户"]})
    return services.assign(complaint, actor=me(request), handler=handler)


@router.post("/{complaint_id}/notes", response={201: None}, url_name="complaints_note")
def note(request: HttpRequest, complaint_id: Id, payload: CaseNoteIn) -> object:
    services.add_note(_get(request, complaint_id), actor=me(request), text=payload.text)
    return Status(201, None)
