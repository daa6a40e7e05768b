"""The enforcement API: list and detail of the main records with filters, all through ``visible_to``.

Enterprise accounts see their own submitted inspection records, measures and rectification
tasks; planned inspections (and the surprise ones among them) are never shown to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from epb.core.choices import Role
from epb.core.schemas import Id, Offset, Year
from epb.core.visibility import get_visible_or_404
from epb.enforcement import reports
from epb.enforcement.choices import BulletinPeriod, InspectionStatus, RectificationStatus, TaskStatus
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
from epb.enforcement.schemas import (
    BehaviourRatingOut,
    CampaignDetailOut,
    CampaignOut,
    CampaignTargetOut,
    CaseDetailOut,
    CaseOut,
    DrillOut,
    EvidenceOut,
    FacilityGradeOut,
    FindingOut,
    InspectionDetailOut,
    InspectionOut,
    MeasureDetailOut,
    MeasureOut,
    OfficerScoreOut,
    PlanDetailOut,
    PlanOut,
    RectificationDetailOut,
    RectificationOut,
    RepresentativeOut,
    RiskPlanOut,
    SubmissionOut,
    SupplyOut,
    TaskDetailOut,
    TaskOut,
    VisitOut,
)
from epb.enforcement.services.campaigns import progress
from epb.enforcement.services.plans import verify_draw

router = Router(tags=["enforcement"])


def _page(qs: Any, limit: int, offset: Offset) -> Any:
    start = max(0, offset)
    return qs[start : start + max(1, min(limit, 1000))]


def _enterprise_user(request: HttpRequest) -> bool:
    return getattr(request.user, "role", None) == Role.ENTERPRISE


def _submitted_only(request: HttpRequest, qs: QuerySet[Any], status_path: str) -> QuerySet[Any]:
    """An enterprise sees an inspection once it is submitted, never while it is being written."""
    if _enterprise_user(request):
        return qs.filter(**{status_path: InspectionStatus.SUBMITTED})
    return qs


# -- plans and tasks ------------------------------------------------------------------------


@router.get("/plans", response=list[PlanOut])
def list_plans(
    request: HttpRequest,
    year: Year | None = None,
    grid_id: Id | None = None,
    status: str = "",
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = (
        InspectionPlan.objects.visible_to(request.user)
        .annotate(task_count=Count("tasks"))
        .order_by("-year", "grid__path")
    )
    if year is not None:
        qs = qs.filter(year=year)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if status:
        qs = qs.filter(status=status)
    return _page(qs, limit, offset)


@router.get("/plans/{plan_id}", response=PlanDetailOut)
def get_plan(request: HttpRequest, plan_id: Id) -> Any:
    plan = get_visible_or_404(InspectionPlan, request.user, pk=plan_id)
    plan.draw_verified = verify_draw(plan)  # type: ignore[attr-defined]
    return plan


@router.get("/tasks", response=list[TaskOut])
def list_tasks(
    request: HttpRequest,
    mine: bool = False,
    status: str = "",
    kind: str = "",
    grid_id: Id | None = None,
    enterprise_id: Id | None = None,
    plan_id: Id | None = None,
    campaign_id: Id | None = None,
    overdue: bool = False,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = InspectionTask.objects.visible_to(request.user).prefetch_related("co_officers")
    if mine:
        qs = qs.filter(Q(owner=request.user) | Q(co_officers=request.user)).distinct()
    for field, value in (("status", status), ("kind", kind)):
        if value:
            qs = qs.filter(**{field: value})
    for field, number in (
        ("grid_id", grid_id),
        ("enterprise_id", enterprise_id),
        ("plan_id", plan_id),
        ("campaign_id", campaign_id),
    ):
        if number is not None:
            qs = qs.filter(**{field: number})
    if overdue:
        qs = qs.filter(
            status__in=[TaskStatus.PLANNED, TaskStatus.IN_PROGRESS], due_date__lt=timezone.localdate()
        )
    if due_from is not None:
        qs = qs.filter(due_date__gte=due_from)
    if due_to is not None:
        qs = qs.filter(due_date__lte=due_to)
    return _page(qs, limit, offset)


@router.get("/tasks/{task_id}", response=TaskDetailOut)
def get_task(request: HttpRequest, task_id: Id) -> Any:
    return get_visible_or_404(InspectionTask, request.user, pk=task_id)


# -- inspections, findings, evidence --------------------------------------------------------


@router.get("/inspections", response=list[InspectionOut])
def list_inspections(
    request: HttpRequest,
    enterprise_id: Id | None = None,
    grid_id: Id | None = None,
    status: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = _submitted_only(request, Inspection.objects.visible_to(request.user), "status")
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if status:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(started_at__date__gte=since)
    if until is not None:
        qs = qs.filter(started_at__date__lte=until)
    return _page(qs, limit, offset)


@router.get("/inspections/{inspection_id}", response=InspectionDetailOut)
def get_inspection(request: HttpRequest, inspection_id: Id) -> Any:
    qs = _submitted_only(request, Inspection.objects.all(), "status")
    return get_visible_or_404(qs, request.user, pk=inspection_id)


@router.get("/findings", response=list[FindingOut])
def list_findings(
    request: HttpRequest,
    enterprise_id: Id | None = None,
    category: str = "",
    violation: bool | None = None,
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = _submitted_only(request, Finding.objects.visible_to(request.user), "inspection__status")
    if enterprise_id is not None:
        qs = qs.filter(inspection__enterprise_id=enterprise_id)
    if category:
        qs = qs.filter(category=category)
    if violation is not None:
        qs = qs.filter(is_violation=violation)
    return _page(qs.order_by("-created_at"), limit, offset)


@router.get("/findings/{finding_id}", response=FindingOut)
def get_finding(request: HttpRequest, finding_id: Id) -> Any:
    qs = _submitted_only(request, Finding.objects.all(), "inspection__status")
    return get_visible_or_404(qs, request.user, pk=finding_id)


@router.get("/evidence/{evidence_id}", response=EvidenceOut)
def get_evidence(request: HttpRequest, evidence_id: Id) -> Any:
    return get_visible_or_404(Evidence, request.user, pk=evidence_id)


# -- cases and measures ---------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut])
def list_cases(
    request: HttpRequest,
    status: str = "",
    enterprise_id: Id | None = None,
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = Case.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    return _page(qs, limit, offset)


@router.get("/cases/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: Id) -> Any:
    return get_visible_or_404(Case, request.user, pk=case_id)


@router.get("/measures", response=list[MeasureOut])
def list_measures(
    request: HttpRequest,
    kind: str = "",
    status: str = "",
    enterprise_id: Id | None = None,
    grid_id: Id | None = None,
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = Measure.objects.visible_to(request.user)
    for field, value in (("kind", kind), ("status", status)):
        if value:
            qs = qs.filter(**{field: value})
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if decided_from is not None:
        qs = qs.filter(decided_on__gte=decided_from)
    if decided_to is not None:
        qs = qs.filter(decided_on__lte=decided_to)
    return _page(qs, limit, offset)


@router.get("/measures/{measure_id}", response=MeasureDetailOut)
def get_measure(request: HttpRequest, measure_id: Id) -> Any:
    return get_visible_or_404(Measure, request.user, pk=measure_id)


# -- rectification --------------------------------------------------------------------------


@router.get("/rectifications", response=list[RectificationOut])
def list_rectifications(
    request: HttpRequest,
    status: str = "",
    enterprise_id: Id | None = None,
    overdue: bool = False,
    limit: int = 200,
    offset: Offset = 0,
) -> Any:
    qs = Rectification.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if overdue:
        qs = qs.filter(
            status__in=[RectificationStatus.ISSUED, RectificationStatus.RETURNED],
            deadline__lt=timezone.localdate(),
        )
    return _page(qs, limit, offset)


@router.get("/rectifications/{rectification_id}", response=RectificationDetailOut)
def get_rectification(request: HttpRequest, rectification_id: Id) -> Any:
    return get_visible_or_404(Rectification, request.user, pk=rectification_id)


@router.get("/submissions/{submission_id}", response=SubmissionOut)
def get_submission(request: HttpRequest, submission_id: Id) -> Any:
    return get_visible_or_404(RectificationSubmission, request.user, pk=submission_id)


# -- campaigns ------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest, year: Year | None = None, kind: str = "") -> Any:
    qs = Campaign.objects.taking_part(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/campaigns/{campaign_id}", response=CampaignDetailOut)
def get_campaign(request: HttpRequest, campaign_id: Id) -> Any:
    campaign = _campaign(request, campaign_id)
    p = progress(campaign, request.user)
    campaign.progress = {  # type: ignore[attr-defined]
        "targets": p.targets,
        "checked": p.checked,
        "tasks": p.tasks,
        "tasks_done": p.tasks_done,
        "findings": p.findings,
        "violations": p.violations,
        **{f"status_{k}": v for k, v in p.by_status.items()},
    }
    return campaign


def _campaign(request: HttpRequest, campaign_id: Id) -> Campaign:
    from django.http import Http404

    campaign = Campaign.objects.taking_part(request.user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


@router.get("/campaigns/{campaign_id}/targets", response=list[CampaignTargetOut])
def list_campaign_targets(request: HttpRequest, campaign_id: Id, status: str = "") -> Any:
    campaign = _campaign(request, campaign_id)
    qs = CampaignTarget.objects.visible_to(request.user).filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/campaign-targets/{target_id}", response=CampaignTargetOut)
def get_campaign_target(request: HttpRequest, target_id: Id) -> Any:
    return get_visible_or_404(CampaignTarget, request.user, pk=target_id)


# -- S7 and S8 registers --------------------------------------------------------------------


@router.get("/representatives", response=list[RepresentativeOut])
def list_representatives(request: HttpRequest, enterprise_id: Id | None = None, active: bool = False) -> Any:
    qs = Representative.objects.visible_to(request.user)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if active:
        qs = qs.filter(Q(ended_on=None) | Q(ended_on__gte=timezone.localdate()))
    return qs


@router.get("/representatives/{rep_id}", response=RepresentativeOut)
def get_representative(request: HttpRequest, rep_id: Id) -> Any:
    return get_visible_or_404(Representative, request.user, pk=rep_id)


@router.get("/representatives/{rep_id}/visits", response=list[VisitOut])
def list_visits(request: HttpRequest, rep_id: Id) -> Any:
    rep = get_visible_or_404(Representative, request.user, pk=rep_id)
    return RepresentativeVisit.objects.visible_to(request.user).filter(representative=rep)


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request: HttpRequest, visit_id: Id) -> Any:
    return get_visible_or_404(RepresentativeVisit, request.user, pk=visit_id)


@router.get("/facility-grades", response=list[FacilityGradeOut])
def list_facility_grades(request: HttpRequest, enterprise_id: Id | None = None, grade: str = "") -> Any:
    qs = FacilityGrade.objects.visible_to(request.user)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if grade:
        qs = qs.filter(grade=grade)
    return qs


@router.get("/facility-grades/{grade_id}", response=FacilityGradeOut)
def get_facility_grade(request: HttpRequest, grade_id: Id) -> Any:
    return get_visible_or_404(FacilityGrade, request.user, pk=grade_id)


@router.get("/behaviour-ratings", response=list[BehaviourRatingOut])
def list_behaviour_ratings(request: HttpRequest, year: Year | None = None, colour: str = "") -> Any:
    qs = BehaviourRating.objects.visible_to(request.user)
    if year is not None:
        qs = qs.filter(year=year)
    if colour:
        qs = qs.filter(colour=colour)
    return qs


@router.get("/behaviour-ratings/{rating_id}", response=BehaviourRatingOut)
def get_behaviour_rating(request: HttpRequest, rating_id: Id) -> Any:
    return get_visible_or_404(BehaviourRating, request.user, pk=rating_id)


@router.get("/risk-plans/{plan_id}", response=RiskPlanOut)
def get_risk_plan(request: HttpRequest, plan_id: Id) -> Any:
    return get_visible_or_404(RiskPlan, request.user, pk=plan_id)


@router.get("/supplies/{supply_id}", response=SupplyOut)
def get_supply(request: HttpRequest, supply_id: Id) -> Any:
    return get_visible_or_404(EmergencySupply, request.user, pk=supply_id)


@router.get("/drills", response=list[DrillOut])
def list_drills(request: HttpRequest, enterprise_id: Id | None = None, year: Year | None = None) -> Any:
    qs = Drill.objects.visible_to(request.user)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    return qs


@router.get("/drills/{drill_id}", response=DrillOut)
def get_drill(request: HttpRequest, drill_id: Id) -> Any:
    return get_visible_or_404(Drill, request.user, pk=drill_id)


# -- bulletins and assessment ---------------------------------------------------------------


def _period(period: str, date: dt.date | None) -> reports.Period:
    from django.core.exceptions import ValidationError

    if period not in BulletinPeriod.values:
        raise ValidationError({"period": f"应为 {', '.join(BulletinPeriod.values)}"})
    return reports.period_of(period, date or timezone.localdate())


@router.get("/bulletin", response=dict[str, Any], summary="Grid compliance bulletin (the document as data)")
def get_bulletin(request: HttpRequest, period: str = "month", date: dt.date | None = None) -> Any:
    from epb.lib.documents import to_dict

    return to_dict(reports.bulletin(request.user, _period(period, date)))


@router.get("/assessment", response=list[OfficerScoreOut], summary="Officer scores for a period")
def get_assessment(request: HttpRequest, period: str = "month", date: dt.date | None = None) -> Any:
    if _enterprise_user(request):
        return []
    return [
        {
            "officer_id": line.officer.pk,
            "name": str(line.officer),
            "due": line.score.due,
            "on_time": line.score.on_time,
            "late": line.score.late,
            "open_overdue": line.score.open_overdue,
            "completeness": line.score.completeness,
            "score": line.score.score,
        }
        for line in reports.officer_lines(request.user, _period(period, date))
    ]
