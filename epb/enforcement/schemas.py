from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class PlanOut(Schema):
    id: int
    grid_id: int
    year: int
    title: str
    status: str
    coverage: dict[str, Any]
    seed: str
    drawn_at: dt.datetime | None
    task_count: int

    @staticmethod
    def resolve_task_count(obj: Any) -> int:
        return int(getattr(obj, "task_count", None) or obj.tasks.count())


class PlanDetailOut(PlanOut):
    draw_record: dict[str, Any] | None
    draw_verified: bool | None


class TaskOut(Schema):
    id: int
    plan_id: int | None
    campaign_id: int | None
    enterprise_id: int | None
    grid_id: int
    kind: str
    title: str
    due_date: dt.date
    owner_id: int
    co_officer_ids: list[int]
    night: bool
    holiday: bool
    surprise: bool
    status: str
    overdue: bool
    completed_at: dt.datetime | None
    source_label: str

    @staticmethod
    def resolve_co_officer_ids(obj: Any) -> list[int]:
        return [u.pk for u in obj.co_officers.all()]

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue)


class TaskDetailOut(TaskOut):
    preparation: list[dict[str, Any]]
    instructions: str
    inspection_id: int | None

    @staticmethod
    def resolve_preparation(obj: Any) -> list[dict[str, Any]]:
        return [
            {k: str(v) if k == "label" else v for k, v in item.items()} for item in obj.preparation_items()
        ]

    @staticmethod
    def resolve_inspection_id(obj: Any) -> int | None:
        inspection = getattr(obj, "inspection", None)
        return inspection.pk if inspection is not None else None


class FindingOut(Schema):
    id: int
    inspection_id: int
    category: str
    description: str
    severity: str
    legal_basis: str
    is_violation: bool
    pollutant: str
    exceedance_multiple: Decimal | None
    created_at: dt.datetime


class InspectionOut(Schema):
    id: int
    task_id: int
    enterprise_id: int | None
    grid_id: int
    status: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    night: bool
    holiday: bool
    surprise: bool
    discharge_result: str

    @staticmethod
    def resolve_discharge_result(obj: Any) -> str:
        from epb.enforcement.rules import DISCHARGE_ITEM

        return str(obj.result_of(DISCHARGE_ITEM))


class InspectionDetailOut(InspectionOut):
    checklist: dict[str, Any]
    summary: str
    present_person: str
    officer_ids: list[int]
    findings: list[FindingOut]
    photo_ids: list[int]

    @staticmethod
    def resolve_officer_ids(obj: Any) -> list[int]:
        return [u.pk for u in obj.officers.all()]

    @staticmethod
    def resolve_findings(obj: Any) -> list[Any]:
        return list(obj.findings.all())

    @staticmethod
    def resolve_photo_ids(obj: Any) -> list[int]:
        from epb.core.attachments import attachments_of

        return list(attachments_of(obj).values_list("pk", flat=True))


class EvidenceOut(Schema):
    id: int
    kind: str
    description: str
    collected_at: dt.datetime
    grid_id: int
    enterprise_id: int | None
    inspection_id: int | None
    case_id: int | None


class ClockOut(Schema):
    id: int
    kind: str
    label: str
    state: str
    started_at: dt.datetime
    due_at: dt.datetime
    completed_at: dt.datetime | None


class CaseOut(Schema):
    id: int
    number: str
    title: str
    enterprise_id: int | None
    party_name: str
    grid_id: int
    status: str
    source_label: str
    handler_id: int
    registered_at: dt.datetime
    decided_at: dt.datetime | None
    closed_at: dt.datetime | None


class CaseDetailOut(CaseOut):
    facts: str
    finding_ids: list[int]
    measure_ids: list[int]
    clocks: list[ClockOut]

    @staticmethod
    def resolve_finding_ids(obj: Any) -> list[int]:
        return [f.pk for f in obj.findings.all()]

    @staticmethod
    def resolve_measure_ids(obj: Any) -> list[int]:
        return [m.pk for m in obj.measures.all()]

    @staticmethod
    def resolve_clocks(obj: Any) -> list[Any]:
        from epb.core.clocks import clocks_of

        return list(clocks_of(obj))


class MeasureOut(Schema):
    id: int
    kind: str
    verb: str
    enterprise_id: int
    grid_id: int
    case_id: int | None
    legal_basis: str
    decision_number: str
    decided_on: dt.date
    served_at: dt.datetime | None
    amount: Decimal | None
    daily_amount: Decimal | None
    status: str
    officer_id: int
    serious: bool

    @staticmethod
    def resolve_serious(obj: Any) -> bool:
        return bool(obj.is_serious)


class MeasureDetailOut(MeasureOut):
    details: str
    trees: int | None
    reinspected_on: dt.date | None
    finding_ids: list[int]
    clocks: list[ClockOut]

    @staticmethod
    def resolve_finding_ids(obj: Any) -> list[int]:
        return [f.pk for f in obj.findings.all()]

    @staticmethod
    def resolve_clocks(obj: Any) -> list[Any]:
        from epb.core.clocks import clocks_of

        return list(clocks_of(obj))


class SubmissionOut(Schema):
    id: int
    rectification_id: int
    submitted_by_id: int
    submitted_at: dt.datetime
    description: str
    decision: str
    reason: str
    reviewed_at: dt.datetime | None


class RectificationOut(Schema):
    id: int
    enterprise_id: int
    grid_id: int
    title: str
    requirements: str
    measure_id: int | None
    issued_at: dt.datetime
    deadline: dt.date
    officer_id: int
    status: str
    escalation_level: int
    accepted_at: dt.datetime | None


class RectificationDetailOut(RectificationOut):
    submissions: list[SubmissionOut]
    clocks: list[ClockOut]

    @staticmethod
    def resolve_submissions(obj: Any) -> list[Any]:
        return list(obj.submissions.all())

    @staticmethod
    def resolve_clocks(obj: Any) -> list[Any]:
        from epb.core.clocks import clocks_of

        return list(clocks_of(obj))


class CampaignOut(Schema):
    id: int
    kind: str
    year: int
    name: str
    org_unit_id: int
    starts_on: dt.date
    ends_on: dt.date
    days: int
    target_flags: list[str]
    lead_id: int


class CampaignTargetOut(Schema):
    id: int
    campaign_id: int
    enterprise_id: int | None
    place: str
    grid_id: int
    status: str
    note: str
    last_checked_at: dt.datetime | None


class CampaignDetailOut(CampaignOut):
    description: str
    progress: dict[str, int]


class RepresentativeOut(Schema):
    id: int
    enterprise_id: int
    officer_id: int
    reason: str
    assigned_on: dt.date
    ended_on: dt.date | None
    duties: str
    visit_count: int

    @staticmethod
    def resolve_visit_count(obj: Any) -> int:
        return int(obj.visits.count())


class VisitOut(Schema):
    id: int
    representative_id: int
    visited_on: dt.date
    content: str
    problems: str
    help_given: str


class FacilityGradeOut(Schema):
    id: int
    enterprise_id: int
    facility: str
    assessed_on: dt.date
    grade: str
    score: Decimal | None
    evidence: str


class BehaviourRatingOut(Schema):
    id: int
    enterprise_id: int
    year: int
    colour: str
    rated_on: dt.date
    is_public: bool


class RiskPlanOut(Schema):
    id: int
    enterprise_id: int
    title: str
    version: str
    status: str
    filed_on: dt.date | None
    revise_by: dt.date | None


class SupplyOut(Schema):
    id: int
    enterprise_id: int
    name: str
    quantity: Decimal
    unit: str
    location: str
    checked_on: dt.date | None
    expires_on: dt.date | None


class DrillOut(Schema):
    id: int
    enterprise_id: int
    held_on: dt.date
    scenario: str
    participants: int
    evaluation: str


class OfficerScoreOut(Schema):
    officer_id: int
    name: str
    due: int
    on_time: int
    late: int
    open_overdue: int
    completeness: Decimal | None
    score: Decimal | None
