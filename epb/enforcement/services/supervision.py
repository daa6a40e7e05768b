"""S7 and S8 registers: environmental representatives and their visits, grades of water-treatment
facilities, behaviour colours, risk plans, emergency supplies and drills."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.models import User
from epb.enforcement import conf, rules
from epb.enforcement.choices import FacilityGradeLevel, RepresentativeReason
from epb.enforcement.models import (
    BehaviourRating,
    Drill,
    EmergencySupply,
    FacilityGrade,
    Representative,
    RepresentativeVisit,
    RiskPlan,
)
from epb.enforcement.services.access import covers, is_enterprise_member, is_manager, is_officer, require
from epb.enterprises.choices import EnterpriseFlag, EnterpriseStatus, SourceClass
from epb.enterprises.models import Enterprise


def _staff_of(actor: User | None, enterprise: Enterprise, *, manager: bool = False) -> None:
    if actor is None:
        return
    allowed = (is_manager(actor) if manager else is_officer(actor)) and covers(actor, enterprise.grid)
    require(allowed, _("无权修改该企业的监管记录"))


# -- environmental representatives (环保代表) --------------------------------------------------


def assign_representative(
    *,
    actor: User | None,
    enterprise: Enterprise,
    officer: User,
    reason: str,
    duties: str = "",
    assigned_on: dt.date | None = None,
) -> Representative:
    _staff_of(actor, enterprise, manager=True)
    if reason not in RepresentativeReason.values:
        raise ValidationError({"reason": _("派驻原因无效")})
    if not is_officer(officer) or not covers(officer, enterprise.grid):
        raise ValidationError({"officer": _("环保代表须为该辖区的执法人员")})
    today = timezone.localdate()
    if (
        Representative.objects.filter(enterprise=enterprise)
        .filter(Q(ended_on=None) | Q(ended_on__gte=today))
        .exists()
    ):
        raise ValidationError(_("该企业已有在岗的环保代表"))
    return audit.create(
        Representative,
        actor=actor,
        enterprise=enterprise,
        officer=officer,
        reason=reason,
        duties=duties,
        assigned_on=assigned_on or today,
    )


def end_representative(
    rep: Representative, *, actor: User | None, ended_on: dt.date | None = None
) -> Representative:
    _staff_of(actor, rep.enterprise, manager=True)
    ended_on = ended_on or timezone.localdate()
    if ended_on < rep.assigned_on:
        raise ValidationError(_("结束日期不能早于派驻日期"))
    return audit.update(rep, actor=actor, action="enforcement.representative.ended", ended_on=ended_on)


def log_visit(
    rep: Representative,
    *,
    actor: User | None,
    visited_on: dt.date,
    content: str,
    problems: str = "",
    help_given: str = "",
) -> RepresentativeVisit:
    if actor is not None:
        require(
            actor.pk == rep.officer_id or (is_manager(actor) and covers(actor, rep.enterprise.grid)),
            _("只有该企业的环保代表可以记录走访"),
        )
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    if visited_on < rep.assigned_on:
        raise ValidationError({"visited_on": _("走访日期早于派驻日期")})
    if not content.strip():
        raise ValidationError({"content": _("请填写走访内容")})
    return audit.create(
        RepresentativeVisit,
        actor=actor,
        representative=rep,
        visited_on=visited_on,
        content=content.strip(),
        problems=problems.strip(),
        help_given=help_given.strip(),
    )


def complaints_last_year(enterprise: Enterprise, today: dt.date | None = None) -> int | None:
    """Complaints in the last four quarters, from the complaints app's history provider if it is
    installed (``epb.enterprises.history``); None when no provider gives complaints."""
    from epb.enterprises.history import history_total

    total = history_total("complaints", enterprise, today, completed=3)
    return None if total is None else int(total)


@dataclass
class Candidate:
    enterprise: Enterprise
    heavy_polluting: bool
    complaints: int | None

    @property
    def reason(self) -> str:
        heavy = self.heavy_polluting
        many = self.complaints is not None and rules.is_complaint_heavy(
            self.complaints, conf.complaint_heavy_threshold()
        )
        if heavy and many:
            return RepresentativeReason.BOTH
        return RepresentativeReason.HEAVY_POLLUTING if heavy else RepresentativeReason.COMPLAINTS


def representative_candidates(user: Any, today: dt.date | None = None) -> list[Candidate]:
    """Heavy-polluting or complaint-heavy enterprises without a representative (plan 一.3 五是)."""
    today = today or timezone.localdate()
    covered = Representative.objects.filter(Q(ended_on=None) | Q(ended_on__gte=today)).values("enterprise_id")
    pool = (
        Enterprise.objects.visible_to(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .exclude(pk__in=covered)
        .select_related("grid")
    )
    threshold = conf.complaint_heavy_threshold()
    found: list[Candidate] = []
    for enterprise in pool:
        heavy = EnterpriseFlag.HEAVY_POLLUTING in (enterprise.flags or []) or (
            enterprise.source_class == SourceClass.KEY
            and bool(
                {"heavy_metal", "lead", "electroplating", "dyeing", "chemical"} & set(enterprise.flags or [])
            )
        )
        complaints = complaints_last_year(enterprise, today)
        if heavy or (complaints is not None and complaints >= threshold):
            found.append(Candidate(enterprise, heavy, complaints))
    return found


# -- grades of water-treatment facilities ------------------------------------------------------


def grade_facility(
    *,
    actor: User | None,
    enterprise: Enterprise,
    facility: str,
    assessed_on: dt.date,
    grade: str,
    score: Decimal | None = None,
    evidence: str = "",
) -> FacilityGrade:
    _staff_of(actor, enterprise)
    if grade not in FacilityGradeLevel.values:
        raise ValidationError({"grade": _("等级无效")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("评定日期不能晚于今天")})
    if not facility.strip():
        raise ValidationError({"facility": _("请填写设施名称")})
    return audit.create(
        FacilityGrade,
        actor=actor,
        enterprise=enterprise,
        facility=facility.strip(),
        assessed_on=assessed_on,
        grade=grade,
        score=score,
        evidence=evidence.strip(),
        assessor=actor,
    )


def latest_grades(qs: models.QuerySet[FacilityGrade]) -> list[FacilityGrade]:
    """The latest grade of each (enterprise, facility)."""
    latest: dict[tuple[int, str], FacilityGrade] = {}
    for grade in qs.order_by("assessed_on", "pk").select_related("enterprise"):
        latest[(grade.enterprise_id, grade.facility)] = grade
    return sorted(latest.values(), key=lambda g: (g.enterprise.name, g.facility))


def key_supervision_objects(user: Any) -> list[FacilityGrade]:
    """Facilities whose latest grade is poor: their enterprises are key supervision objects."""
    poor = conf.poor_facility_grades()
    return [g for g in latest_grades(FacilityGrade.objects.visible_to(user)) if g.grade in poor]


# -- behaviour colour -------------------------------------------------------------------------


def rate_behaviour(
    *,
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    colour: str,
    note: str = "",
    publish: bool = False,
) -> BehaviourRating:
    _staff_of(actor, enterprise, manager=True)
    current = BehaviourRating.objects.filter(enterprise=enterprise, year=year).first()
    if current is None:
        return audit.create(
            BehaviourRating,
            actor=actor,
            enterprise=enterprise,
            year=year,
            colour=colour,
            note=note,
            is_public=publish,
        )
    return audit.update(
        current,
        actor=actor,
        action="enforcement.behaviourrating.rerated",
        colour=colour,
        note=note,
        is_public=publish,
    )


# -- risk plans, supplies, drills (S8) ---------------------------------------------------------


def _risk_writer(actor: User | None, enterprise: Enterprise) -> None:
    """Staff of the jurisdiction, and the enterprise for its own plans, supplies and drills."""
    if actor is None:
        return
    require(
        (is_officer(actor) and covers(actor, enterprise.grid)) or is_enterprise_member(actor, enterprise),
        _("无权修改该企业的应急管理记录"),
    )


def file_risk_plan(*, actor: User | None, enterprise: Enterprise, **fields: Any) -> RiskPlan:
    _risk_writer(actor, enterprise)
    return audit.create(RiskPlan, actor=actor, enterprise=enterprise, **fields)


def update_risk_plan(plan: RiskPlan, *, actor: User | None, **changes: Any) -> RiskPlan:
    _risk_writer(actor, plan.enterprise)
    return audit.update(plan, actor=actor, **changes)


def add_supply(*, actor: User | None, enterprise: Enterprise, **fields: Any) -> EmergencySupply:
    _risk_writer(actor, enterprise)
    return audit.create(EmergencySupply, actor=actor, enterprise=enterprise, **fields)


def record_drill(
    *,
    actor: User | None,
    enterprise: Enterprise,
    held_on: dt.date,
    scenario: str,
    participants: int = 0,
    evaluation: str = "",
) -> Drill:
    _risk_writer(actor, enterprise)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("演练日期不能晚于今天")})
    if not scenario.strip():
        raise ValidationError({"scenario": _("请填写演练科目")})
    return audit.create(
        Drill,
        actor=actor,
        enterprise=enterprise,
        held_on=held_on,
        scenario=scenario.strip(),
        participants=participants,
        evaluation=evaluation.strip(),
        recorded_by=actor,
    )


@dataclass
class DrillLine:
    enterprise: Enterprise
    held: int
    expected: int
    required: int
    status: str  # rules.drill_status


def drill_report(user: Any, year: int, today: dt.date | None = None) -> list[DrillLine]:
    """Every key source with the drills it held in ``year`` and whether it is short (plan: two a year)."""
    today = today or timezone.localdate()
    required = conf.drills_per_year()
    keys = list(
        Enterprise.objects.visible_to(user)
        .filter(source_class=SourceClass.KEY)
        .exclude(status=EnterpriseStatus.CLOSED)
        .select_related("grid")
    )
    held = Counter(
        Drill.objects.filter(enterprise__in=keys, held_on__year=year).values_list("enterprise_id", flat=True)
    )
    lines = [
        DrillLine(
            e,
            held[e.pk],
            rules.drills_expected_by(today, year, required),
            required,
            rules.drill_status(held[e.pk], today, year, required),
        )
        for e in keys
    ]
    order = {"short": 0, "behind": 1, "pending": 2, "ok": 3}
    return sorted(lines, key=lambda line: (order[line.status], line.enterprise.name))
