"""Factories of enforcement records, registered for the generated jurisdiction tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from epb.core import audit
from epb.enforcement.models import (
    BehaviourRating,
    Campaign,
    CampaignTarget,
    Case,
    Drill,
    EmergencySupply,
    Evidence,
    FacilityGrade,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTask,
    Measure,
    Rectification,
    RectificationSubmission,
    Representative,
    RepresentativeVisit,
    RiskPlan,
)
from epb.testing.factories import seq
from epb.testing.jurisdiction import Placement, jurisdiction_factory


def make_task(grid: Any, owner: Any, enterprise: Any = None, **overrides: Any) -> InspectionTask:
    fields: dict[str, Any] = {
        "grid": grid,
        "owner": owner,
        "enterprise": enterprise,
        "title": f"检查任务{seq()}",
        "due_date": dt.date.today() + dt.timedelta(days=30),
    }
    fields.update(overrides)
    return audit.create(InspectionTask, actor=None, **fields)


def make_inspection(grid: Any, owner: Any, enterprise: Any = None, **overrides: Any) -> Inspection:
    task = make_task(grid, owner, enterprise)
    return audit.create(Inspection, actor=None, task=task, grid=grid, enterprise=enterprise, **overrides)


@jurisdiction_factory(InspectionPlan)
def a_plan(p: Placement) -> InspectionPlan:
    return audit.create(
        InspectionPlan, actor=None, grid=p.grid, year=2000 + seq() % 1000, title="年度监察计划"
    )


@jurisdiction_factory(InspectionTask)
def a_task(p: Placement) -> InspectionTask:
    return make_task(p.grid, p.owner, p.enterprise)


@jurisdiction_factory(Inspection)
def an_inspection(p: Placement) -> Inspection:
    return make_inspection(p.grid, p.owner, p.enterprise)


@jurisdiction_factory(Finding)
def a_finding(p: Placement) -> Finding:
    inspection = make_inspection(p.grid, p.owner, p.enterprise)
    return audit.create(
        Finding, actor=None, inspection=inspection, category="discharge", description="超标排放"
    )


@jurisdiction_factory(Evidence)
def some_evidence(p: Placement) -> Evidence:
    return audit.create(
        Evidence, actor=None, kind="inquiry", description="调查询问笔录", grid=p.grid, collected_by=p.owner
    )


def make_case(grid: Any, handler: Any, enterprise: Any = None) -> Case:
    return audit.create(Case, actor=None, title="超标排放", grid=grid, handler=handler, enterprise=enterprise)


@jurisdiction_factory(Case)
def a_case(p: Placement) -> Case:
    return make_case(p.grid, p.owner, p.enterprise)


def make_measure(enterprise: Any, officer: Any, **overrides: Any) -> Measure:
    fields: dict[str, Any] = {
        "kind": "fine",
        "enterprise": enterprise,
        "grid": enterprise.grid,
        "officer": officer,
        "legal_basis": "《环境保护法》第五十九条",
        "amount": Decimal("50000.00"),
    }
    fields.update(overrides)
    return audit.create(Measure, actor=None, **fields)


@jurisdiction_factory(Measure)
def a_measure(p: Placement) -> Measure:
    return make_measure(p.enterprise, p.owner)


def make_rectification(enterprise: Any, officer: Any, **overrides: Any) -> Rectification:
    fields: dict[str, Any] = {
        "enterprise": enterprise,
        "grid": enterprise.grid,
        "officer": officer,
        "title": "规范危废贮存",
        "requirements": "设置危废贮存间并建立台账",
        "deadline": dt.date.today() + dt.timedelta(days=20),
    }
    fields.update(overrides)
    return audit.create(Rectification, actor=None, **fields)


@jurisdiction_factory(Rectification)
def a_rectification(p: Placement) -> Rectification:
    return make_rectification(p.enterprise, p.owner)


@jurisdiction_factory(RectificationSubmission)
def a_submission(p: Placement) -> RectificationSubmission:
    rectification = make_rectification(p.enterprise, p.owner)
    return audit.create(
        RectificationSubmission,
        actor=None,
        rectification=rectification,
        submitted_by=p.owner,
        description="已整改",
    )


def make_campaign(org_unit: Any, lead: Any, **overrides: Any) -> Campaign:
    fields: dict[str, Any] = {
        "kind": "lead",
        "year": 2026,
        "name": "涉铅企业环境整治专项行动",
        "org_unit": org_unit,
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 12, 31),
        "lead": lead,
    }
    fields.update(overrides)
    return audit.create(Campaign, actor=None, **fields)


@jurisdiction_factory(Campaign)
def a_campaign(p: Placement) -> Campaign:
    return make_campaign(p.grid, p.owner)


@jurisdiction_factory(CampaignTarget)
def a_campaign_target(p: Placement) -> CampaignTarget:
    campaign = make_campaign(p.grid, p.owner)
    return audit.create(CampaignTarget, actor=None, campaign=campaign, enterprise=p.enterprise, grid=p.grid)


def make_representative(enterprise: Any, officer: Any) -> Representative:
    return audit.create(
        Representative, actor=None, enterprise=enterprise, officer=officer, reason="heavy_polluting"
    )


@jurisdiction_factory(Representative)
def a_representative(p: Placement) -> Representative:
    return make_representative(p.enterprise, p.owner)


@jurisdiction_factory(RepresentativeVisit)
def a_visit(p: Placement) -> RepresentativeVisit:
    representative = make_representative(p.enterprise, p.owner)
    return audit.create(RepresentativeVisit, actor=None, representative=representative, content="督促整改")


@jurisdiction_factory(FacilityGrade)
def a_grade(p: Placement) -> FacilityGrade:
    return audit.create(
        FacilityGrade,
        actor=None,
        enterprise=p.enterprise,
        facility="污水处理站",
        assessed_on=dt.date(2026, 3, 1),
        grade="B",
    )


@jurisdiction_factory(BehaviourRating)
def a_rating(p: Placement) -> BehaviourRating:
    return audit.create(
        BehaviourRating, actor=None, enterprise=p.enterprise, year=2000 + seq() % 1000, colour="blue"
    )


@jurisdiction_factory(RiskPlan)
def a_risk_plan(p: Placement) -> RiskPlan:
    return audit.create(RiskPlan, actor=None, enterprise=p.enterprise, title="突发环境事件应急预案")


@jurisdiction_factory(EmergencySupply)
def a_supply(p: Placement) -> EmergencySupply:
    return audit.create(
        EmergencySupply, actor=None, enterprise=p.enterprise, name="吸附棉", quantity=Decimal(50), unit="kg"
    )


@jurisdiction_factory(Drill)
def a_drill(p: Placement) -> Drill:
    return audit.create(
        Drill, actor=None, enterprise=p.enterprise, held_on=dt.date(2026, 5, 1), scenario="泄漏处置"
    )
