"""The centre's JSON API: intake from another system, the actions, the lists; every read through
the jurisdiction filter and every error in the API's one shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from epb.complaints.models import Complaint
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import centre_of, make_complaint, make_supervision

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_intake_and_actions_through_the_api(
    client: Client, bureau: Bureau, district_officer: Any, grid_officer: Any
) -> None:
    lon, lat = centre_of(bureau.tree.town_a1)
    client.force_login(bureau.operator)
    response = post(
        client,
        "/api/v1/complaints/",
        {
            "channel": "phone",
            "description": "工厂夜间排放异味",
            "pollution_type": "air",
            "sub_type": "air.odour",
            "longitude": lon,
            "latitude": lat,
            "anonymous": False,
            "contact": {"name": "钱先生", "phone": "13600009999"},
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["pollution_type"] == "air" and created["grid_id"] == bureau.tree.town_a1.pk
    assert "13600009999" not in response.content.decode()
    bad = post(client, "/api/v1/complaints/", {"description": "异味", "pollution_type": "nope"})
    assert bad.status_code == 422 and "pollution_type" in bad.json()["detail"]

    client.force_login(district_officer)
    case_id = created["id"]
    assert (
        post(client, f"/api/v1/complaints/{case_id}/assign", {"handler_id": grid_officer.pk}).json()[
            "handler_id"
        ]
        == grid_officer.pk
    )
    assert (
        post(client, f"/api/v1/complaints/{case_id}/accept", {"note": "受理"}).json()["status"] == "accepted"
    )
    assert post(client, f"/api/v1/complaints/{case_id}/notes", {"text": "已约企业负责人"}).status_code == 201
    detail = client.get(f"/api/v1/complaints/{case_id}").json()
    assert detail["deadlines"]["complaint.handle"] is not None
    assert any(e["kind"] == "note" for e in detail["events"])
    again = post(client, f"/api/v1/complaints/{case_id}/accept", {})
    assert again.status_code == 422 and "办理中" in json.dumps(again.json(), ensure_ascii=False)


def test_decline_route_and_lists(
    client: Client, bureau: Bureau, district_officer: Any, other_district_officer: Any
) -> None:
    mine = make_complaint(bureau.tree.town_a1)
    theirs = make_complaint(bureau.tree.town_b1)
    client.force_login(district_officer)
    ids = {c["id"] for c in client.get("/api/v1/complaints/").json()}
    assert ids == {mine.pk}
    assert client.get(f"/api/v1/complaints/{theirs.pk}").status_code == 404
    assert post(client, f"/api/v1/complaints/{mine.pk}/decline", {"reason": "nope"}).status_code == 422
    moved = post(
        client,
        f"/api/v1/complaints/{mine.pk}/route",
        {"grid_id": bureau.tree.town_a2.pk, "department": "inspection", "reason": "地址有误"},
    )
    assert moved.json()["grid_id"] == bureau.tree.town_a2.pk
    assert (
        post(client, f"/api/v1/complaints/{mine.pk}/route", {"grid_id": bureau.tree.town_b1.pk}).status_code
        == 404
    )
    declined = post(client, f"/api/v1/complaints/{mine.pk}/decline", {"reason": "vague", "note": "线索不清"})
    assert declined.json()["status"] == "declined"
    assert client.get("/api/v1/complaints/", {"status": "declined"}).json()[0]["id"] == mine.pk
    assert {t["code"] for t in client.get("/api/v1/complaints/taxonomy").json()} >= {"air", "air.odour"}
    client.force_login(other_district_officer)
    assert post(client, f"/api/v1/complaints/{mine.pk}/notes", {"text": "x"}).status_code == 404


def test_public_users_cannot_file_through_the_staff_api(
    client: Client, bureau: Bureau, public_user: Any
) -> None:
    client.force_login(public_user)
    response = post(
        client,
        "/api/v1/complaints/",
        {"description": "工厂夜间排放异味", "pollution_type": "air", "address": "某路"},
    )
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_supervision_and_reception_lists(
    client: Client, bureau: Bureau, district_officer: Any, enterprise: Any, enterprise_user: Any
) -> None:
    item = make_supervision(bureau.tree.town_a1, enterprise)
    make_supervision(bureau.tree.town_b1)
    client.force_login(district_officer)
    listed = client.get("/api/v1/complaints/supervision").json()
    assert [s["id"] for s in listed] == [item.pk] and listed[0]["actions_total"] == 0
    client.force_login(enterprise_user)  # the enterprise sees the listing about itself
    assert [s["id"] for s in client.get("/api/v1/complaints/supervision").json()] == [item.pk]
    assert client.get("/api/v1/complaints/reception-days").json() == []


def test_the_complaints_history_provider_is_registered() -> None:
    history = pytest.importorskip("epb.enterprises.history")
    assert "complaints" in {p.key for p in history.history_providers()}


def test_a_citizen_reads_published_cases_as_the_public_does(
    client: Client, bureau: Bureau, public_user: Any, district_officer: Any
) -> None:
    from epb.complaints.services.handling import add_note

    case = make_complaint(bureau.tree.town_a1, address="青龙街道某小区5栋")
    add_note(case, actor=bureau.operator, text="内部：该企业负责人是局里熟人")
    Complaint.objects.filter(pk=case.pk).update(
        is_public=True, public_summary="某小区附近有异味，已处理", handler=district_officer
    )
    client.force_login(public_user)
    (row,) = client.get("/api/v1/complaints/").json()
    assert row["address"] == bureau.tree.town_a1.full_name() and row["handler_id"] is None
    assert case.latitude is not None and row["latitude"] == round(case.latitude, 3)
    detail = client.get(f"/api/v1/complaints/{case.pk}").json()
    body = json.dumps(detail, ensure_ascii=False)
    assert "熟人" not in body and "5栋" not in body and case.description not in body
    assert detail["description"] == "某小区附近有异味，已处理"
    assert all(e["text"] == "" and e["actor_label"] == "" for e in detail["events"])
    # Staff still read the whole case.
    client.force_login(district_officer)
    detail = client.get(f"/api/v1/complaints/{case.pk}").json()
    assert "熟人" in json.dumps(detail, ensure_ascii=False) and detail["address"] == "青龙街道某小区5栋"
