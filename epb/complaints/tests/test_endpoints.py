"""Every URL of the centre that names a record answers 404 to staff of another district (the same
answer as for a record that does not exist), and works for the district that owns it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from epb.complaints import services
from epb.complaints.models import Complaint, LeaderCase, ReceptionDay, Supervision
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import make_complaint, make_supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(bureau: Bureau, leader: Any) -> dict[str, Any]:
    case = services.accept(make_complaint(bureau.tree.town_a1), actor=bureau.operator)
    services.save_reply(
        case, actor=bureau.operator, text="经查属实，已整改。", findings="现场检查", submit=True
    )
    services.sign_reply(case.replies.get(), actor=leader, approve=True)
    leader_case = services.assign_leader(
        Complaint.objects.get(pk=case.pk), actor=leader, leader=leader, instructions="限期化解"
    )
    day = services.schedule_reception(
        actor=leader,
        date=dt.date(2026, 12, 1),
        leader=leader,
        org_unit=bureau.tree.district_a,
    )
    return {
        "case": case,
        "leader_case": leader_case,
        "day": day,
        "supervision": make_supervision(bureau.tree.town_a1),
    }


def urls(r: dict[str, Any]) -> list[tuple[str, str]]:
    case: Complaint = r["case"]
    lc: LeaderCase = r["leader_case"]
    day: ReceptionDay = r["day"]
    s: Supervision = r["supervision"]
    return [
        ("get", f"/complaints/{case.pk}/"),
        ("get", f"/complaints/{case.pk}/letter.docx"),
        ("post", f"/complaints/{case.pk}/contact/"),
        ("post", f"/complaints/{case.pk}/do/note/"),
        ("post", f"/complaints/leader-cases/{lc.pk}/instruct/"),
        ("get", f"/complaints/reception/{day.pk}/"),
        ("get", f"/complaints/supervision/{s.pk}/"),
        ("post", f"/complaints/supervision/{s.pk}/do/extend/"),
        ("get", f"/api/v1/complaints/{case.pk}"),
        ("get", f"/api/v1/complaints/{case.pk}/contact"),
        ("post", f"/api/v1/complaints/{case.pk}/accept"),
        ("post", f"/api/v1/complaints/{case.pk}/notes"),
    ]


def test_other_districts_get_404_for_every_record_url(
    records: dict[str, Any], client: Client, other_district_officer: Any, district_officer: Any
) -> None:
    client.force_login(other_district_officer)
    for method, url in urls(records):
        if "/api/" in url and method == "post":
            response = client.post(
                url, json.dumps({"text": "x", "note": ""}), content_type="application/json"
            )
        else:
            response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    client.force_login(district_officer)
    for method, url in urls(records):
        if method == "get":
            assert client.get(url).status_code == 200, url
