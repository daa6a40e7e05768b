"""Fixtures of the centre's tests: the bureau's divisions by their real codes, the centre's
operator, and fresh caches (calendar, grid index) for every test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from epb.core import services as core_services
from epb.core.calendar import invalidate_calendar
from epb.core.choices import Role
from epb.core.geography import invalidate_grid_index
from epb.core.models import Department
from epb.core.notify_backends import LoggingSmsBackend
from epb.testing.factories import OrgTree, make_user


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    invalidate_calendar()
    invalidate_grid_index()
    LoggingSmsBackend.sent.clear()


@dataclass
class Bureau:
    tree: OrgTree
    inspection: Department
    petition: Department
    pollution: Department
    approval: Department
    operator: Any  # a 12369 centre operator (city level)


@pytest.fixture
def bureau(tree: OrgTree) -> Bureau:
    from epb.complaints.services.config import ensure_reference_data

    ensure_reference_data()
    departments = {
        code: core_services.create_department(actor=None, code=code, name=name, org_unit=tree.city)
        for code, name in (
            ("inspection", "环境监察支队"),
            ("petition", "12369环境信访投诉受理中心"),
            ("pollution", "污染控制处"),
            ("approval", "行政审批处"),
        )
    }
    operator = make_user(Role.DEPT_STAFF, department=departments["petition"], display_name="信访中心接线员")
    return Bureau(tree, operator=operator, **departments)


def sms_to(phone: str) -> list[str]:
    return [text for to, text in LoggingSmsBackend.sent if to == phone]
