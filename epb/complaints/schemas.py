from __future__ import annotations

import datetime as dt

from ninja import Schema


class ComplaintOut(Schema):
    id: int
    number: str
    kind: str
    channel: str
    status: str
    received_at: dt.datetime
    summary: str
    pollution_type: str | None
    sub_type: str | None
    address: str
    longitude: float | None
    latitude: float | None
    grid_id: int | None
    district_id: int | None
    department: str | None
    handler_id: int | None
    enterprise_id: int | None
    severity: int
    urgency: int
    is_mass: bool
    is_sudden: bool
    is_repeat: bool
    is_overdue: bool
    is_public: bool
    anonymous: bool
    needs_triage: bool

    @staticmethod
    def resolve_pollution_type(obj: object) -> str | None:
        value = getattr(obj, "pollution_type", None)
        return value.code if value is not None else None

    @staticmethod
    def resolve_sub_type(obj: object) -> str | None:
        value = getattr(obj, "sub_type", None)
        return value.code if value is not None else None

    @staticmethod
    def resolve_department(obj: object) -> str | None:
        value = getattr(obj, "department", None)
        return value.code if value is not None else None


class EventOut(Schema):
    at: dt.datetime
    kind: str
    actor_label: str
    text: str
    public_text: str


class ComplaintDetailOut(ComplaintOut):
    description: str
    public_summary: str
    accepted_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    deadlines: dict[str, dt.datetime | None]
    events: list[EventOut]


class ContactIn(Schema):
    name: str = ""
    phone: str = ""
    address: str = ""
    id_number: str = ""
    email: str = ""


class ComplaintIn(Schema):
    kind: str = "complaint"
    channel: str = "phone"
    description: str
    summary: str = ""
    pollution_type: str | None = None
    sub_type: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    address: str = ""
    enterprise_id: int | None = None
    reported_unit: str = ""
    anonymous: bool = True
    contact: ContactIn | None = None
    severity: int = 1
    urgency: int = 1
    is_mass: bool = False
    is_sudden: bool = False
    received_at: dt.datetime | None = None


class ComplainantContactOut(Schema):
    name: str
    phone: str
    phone_verified: bool
    address: str
    id_number: str
    email: str


class RouteIn(Schema):
    grid_id: int | None = None
    department: str | None = None
    reason: str = ""


class DeclineIn(Schema):
    reason: str
    note: str = ""


class CaseNoteIn(Schema):
    text: str


class AssignIn(Schema):
    handler_id: int


class AcceptIn(Schema):
    note: str = ""


class TypeOut(Schema):
    code: str
    name: str
    parent: str | None


class CountOut(Schema):
    name: str
    count: int


class StatsOut(Schema):
    total: int
    complaints: int
    consultations: int
    by_channel: list[CountOut]
    by_type: list[CountOut]
    by_district: list[CountOut]
    by_status: list[CountOut]


class SupervisionOut(Schema):
    id: int
    year: int
    title: str
    grid_id: int
    enterprise_id: int | None
    responsible_unit: str
    listed_at: dt.date
    deadline: dt.date
    status: str
    previous_id: int | None
    actions_total: int
    actions_done: int


class ReceptionDayOut(Schema):
    id: int
    date: dt.date
    leader_id: int
    org_unit_id: int
    location: str
    mode: str
    status: str
