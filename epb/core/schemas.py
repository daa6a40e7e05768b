from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from annotated_types import Ge, Le
from ninja import Schema

#: The largest integer a database column can hold (a signed 64-bit integer).
DB_INT_MAX = 2**63 - 1

# Integers taken from a path, a query or a body are bounded before they reach a query: a number the
# database cannot hold would otherwise fail inside the query (SQLite raises OverflowError) and be a
# 500 instead of a 422 that names the parameter. The bounds are published in the OpenAPI document.
#: A record id: rows are numbered from 1.
Id = Annotated[int, Ge(1), Le(DB_INT_MAX)]
#: A list offset: from 0, with room left for the page's length.
Offset = Annotated[int, Ge(0), Le(2**62)]
#: A calendar year the bureau's data can have.
Year = Annotated[int, Ge(1900), Le(2100)]
#: A month of the year.
Month = Annotated[int, Ge(1), Le(12)]
#: Any other integer a query compares with a column.
DbInt = Annotated[int, Ge(-DB_INT_MAX - 1), Le(DB_INT_MAX)]


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
