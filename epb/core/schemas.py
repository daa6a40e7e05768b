from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class HealthOut(Schema):
    status: str
    database: str
    version: str
    time: dt.datetime


class OrgUnitOut(Schema):
    id: int
    level: str
    code: str
    name: str
    parent_id: int | None
    has_geometry: bool

    @staticmethod
    def resolve_has_geometry(obj: Any) -> bool:
        return obj.geometry is not None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    org_unit_id: int | None
    department_id: int | None
    enterprise_ids: list[int]

    @staticmethod
    def resolve_enterprise_ids(obj: Any) -> list[int]:
        related = getattr(obj, "enterprises", None)
        return list(related.values_list("id", flat=True)) if related is not None else []


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor_label: str
    action: str
    object_repr: str
    object_id: str
    changes: dict[str, Any]
    note: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
