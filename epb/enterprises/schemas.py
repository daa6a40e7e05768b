from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class OutletOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    standard: str
    standard_class: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    grid_id: int
    address: str
    longitude: float | None
    latitude: float | None
    industry_code: str
    industry: str
    source_class: str
    status: str
    flags: list[str]


class LicenceOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    number: str
    issuer: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    status: str
    state: str
    scope: str

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(obj.state())


class ContactOut(Schema):
    id: int
    enterprise_id: int
    role: str
    name: str
    title: str
    phone: str
    mobile: str
    email: str
    is_active: bool


class HistoryRowOut(Schema):
    key: str
    label: str
    status: str
    values: list[int | Decimal]
    error: str


class HistoryOut(Schema):
    quarters: list[str]
    status: str
    rows: list[HistoryRowOut]
