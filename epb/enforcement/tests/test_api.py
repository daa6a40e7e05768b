"""The API: lists with filters and details, through the jurisdiction filter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from epb.enforcement.rules import CHECKLIST
from epb.enforcement.services import campaigns, cases, inspections, plans, rectification

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(world: Any, leader: Any) -> dict[str, Any]:
    plan = plans.create_plan(actor=world.manager, grid=world.tree.town_a1, year=2026)
    plans.draw(plan, actor=world.manager, seed="api")
    done = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="已检",
        owner=world.officer,
        due_date=timezone.localdate(),
        enterprise=world.key,
    )
    record = inspections.start_inspection(done, actor=world.officer)
    inspections.save_record(
        record, actor=world.officer, checklist={i: {"result": "compliant"} for i in CHECKLIST}
    )
    inspections.submit_inspection(record, actor=world.officer)
    draft_task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="检查中",
        owner=world.officer,
        due_date=timezone.localdate(),
        enterprise=world.key,
    )
    draft = inspections.start_inspection(draft_task, actor=world.officer)
    finding = inspections.add_finding(draft, actor=world.officer, category="solid_waste", description="危废")
    fine = cases.decide_measure(
        actor=world.manager, kind="warning", enterprise=world.key, officer=world.officer
    )
    fix = rectification.issue_rectification(
        actor=world.officer,
        enterprise=world.key,
        title="整改",
        requirements="整改要求",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        officer=world.officer,
    )
    campaign = campaigns.create_campaign(
        actor=leader, kind="lead", year=2026, org_unit=world.tree.city, lead=leader
    )
    campaigns.sync_targets(campaign, actor=leader)
    return {
        "plan": plan,
        "record": record,
        "draft": draft,
        "finding": finding,
        "measure": fine,
        "fix": fix,
        "campaign": campaign,
        "done": done,
    }


def test_lists_and_filters_for_the_district(world: Any, data: dict[str, Any]) -> None:
    api = _client(world.manager)
    plans_out = api.get("/api/v1/enforcement/plans", {"year": 2026}).json()
    assert [p["id"] for p in plans_out] == [data["plan"].pk] and plans_out[0]["task_count"] > 0
    detail = api.get(f"/api/v1/enforcement/plans/{data['plan'].pk}").json()
    assert detail["draw_verified"] is True and detail["draw_record"]["seed"] == "api"
    mine = api.get("/api/v1/enforcement/tasks", {"mine": "true"}).json()
    assert all(t["owner_id"] == world.manager.pk or world.manager.pk in t["co_officer_ids"] for t in mine)
    everyone = api.get("/api/v1/enforcement/tasks").json()
    assert len(mine) < len(everyone)
    officer_tasks = (
        _client(world.officer).get("/api/v1/enforcement/tasks", {"mine": "true", "status": "done"}).json()
    )
    assert [t["id"] for t in officer_tasks] == [data["done"].pk]
    kinds = {t["kind"] for t in api.get("/api/v1/enforcement/tasks", {"plan_id": data["plan"].pk}).json()}
    assert kinds <= {"key", "random", "special"}
    records = api.get("/api/v1/enforcement/inspections", {"enterprise_id": world.key.pk}).json()
    assert {r["status"] for r in records} == {"submitted", "draft"}
    assert records[0]["discharge_result"] in ("compliant", "")
    assert api.get("/api/v1/enforcement/measures", {"kind": "warning"}).json()[0]["verb"] == ""
    fix = api.get(f"/api/v1/enforcement/rectifications/{data['fix'].pk}").json()
    assert fix["clocks"][0]["kind"] == "enforcement.rectification"
    campaign = api.get(f"/api/v1/enforcement/campaigns/{data['campaign'].pk}").json()
    assert campaign["progress"]["targets"] == 1  # the lead-related key source
    bulletin = api.get("/api/v1/enforcement/bulletin", {"period": "month"}).json()
    assert bulletin["title"] == "网格化环境监管通报"
    assert api.get("/api/v1/enforcement/bulletin", {"period": "decade"}).status_code == 422
    scores = api.get("/api/v1/enforcement/assessment").json()
    assert {s["officer_id"] for s in scores} >= {world.officer.pk}


def test_the_enterprise_sees_only_its_final_records(world: Any, data: dict[str, Any]) -> None:
    api = _client(world.ent_user)
    assert api.get("/api/v1/enforcement/tasks").json() == []
    assert api.get("/api/v1/enforcement/plans").json() == []
    records = api.get("/api/v1/enforcement/inspections").json()
    assert [r["id"] for r in records] == [data["record"].pk]
    assert api.get(f"/api/v1/enforcement/inspections/{data['draft'].pk}").status_code == 404
    assert api.get(f"/api/v1/enforcement/findings/{data['finding'].pk}").status_code == 404
    assert [m["id"] for m in api.get("/api/v1/enforcement/measures").json()] == [data["measure"].pk]
    assert [r["id"] for r in api.get("/api/v1/enforcement/rectifications").json()] == [data["fix"].pk]
    assert api.get("/api/v1/enforcement/assessment").json() == []


def test_other_districts_get_nothing(world: Any, data: dict[str, Any], other_district_officer: Any) -> None:
    api = _client(other_district_officer)
    for path in ("plans", "tasks", "inspections", "findings", "measures", "rectifications", "cases"):
        assert api.get(f"/api/v1/enforcement/{path}").json() == [], path
    assert api.get(f"/api/v1/enforcement/campaigns/{data['campaign'].pk}").status_code == 404
    assert api.get(f"/api/v1/enforcement/measures/{data['measure'].pk}").status_code == 404


def test_anonymous_callers_are_refused() -> None:
    assert Client().get("/api/v1/enforcement/tasks").status_code == 401


def test_a_fine_shows_its_clock(world: Any) -> None:
    case = cases.register_case(
        actor=world.officer, title="案", grid=world.tree.town_a1, handler=world.officer, enterprise=world.key
    )
    cases.decide_case(case, actor=world.manager, open_case=True, note="立案")
    fine = cases.decide_measure(
        actor=world.manager,
        kind="fine",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        amount=Decimal("5000.00"),
    )
    cases.serve_measure(fine, actor=world.officer)
    out = _client(world.manager).get(f"/api/v1/enforcement/measures/{fine.pk}").json()
    assert out["amount"] == "5000.00" or float(out["amount"]) == 5000
    assert [c["kind"] for c in out["clocks"]] == ["enforcement.fine_payment"]
    case_out = _client(world.manager).get(f"/api/v1/enforcement/cases/{case.pk}").json()
    assert {c["kind"] for c in case_out["clocks"]} == {
        "enforcement.case_opening",
        "enforcement.case_conclusion",
    }
