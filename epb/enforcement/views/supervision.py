"""S7 and S8 registers: environmental representatives, facility grades and colours, risk and drills."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.enforcement import conf
from epb.enforcement.forms import (
    DrillForm,
    GradeForm,
    RatingForm,
    RepresentativeForm,
    RiskPlanForm,
    SupplyForm,
    VisitForm,
)
from epb.enforcement.models import BehaviourRating, EmergencySupply, FacilityGrade, Representative, RiskPlan
from epb.enforcement.services import supervision as service
from epb.enforcement.services.access import is_manager, is_officer
from epb.enforcement.views.common import actor, officer_required, report_error


@officer_required
def representative_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    reps = (
        Representative.objects.visible_to(request.user)
        .filter(Q(ended_on=None) | Q(ended_on__gte=today))
        .select_related("enterprise", "officer")
        .annotate(visit_count=Count("visits"))
    )
    form = RepresentativeForm(request.POST or None, user=request.user) if is_manager(request.user) else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            rep = service.assign_representative(actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, _("已派驻环保代表"))
            return redirect(rep)
    return render(
        request,
        "enforcement/representatives.html",
        {
            "reps": reps,
            "candidates": service.representative_candidates(request.user, today),
            "form": form,
            "threshold": conf.complaint_heavy_threshold(),
        },
    )


@staff_required
def representative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rep = get_visible_or_404(
        Representative.objects.select_related("enterprise", "officer"), request.user, pk=pk
    )
    may_log = is_officer(request.user) and (request.user.pk == rep.officer_id or is_manager(request.user))
    form = VisitForm(request.POST or None) if may_log else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            service.log_visit(rep, actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, _("走访记录已保存"))
            return redirect(rep)
    return render(
        request,
        "enforcement/representative_detail.html",
        {"rep": rep, "visits": rep.visits.all(), "form": form},
    )


@officer_required
def facility_grades(request: HttpRequest) -> HttpResponse:
    grade_form = GradeForm(request.POST if request.POST.get("form") == "grade" else None, user=request.user)
    rating_form = RatingForm(
        request.POST if request.POST.get("form") == "rating" else None,
        user=request.user,
        initial={"year": timezone.localdate().year - 1},
    )
    if request.method == "POST":
        form = grade_form if request.POST.get("form") == "grade" else rating_form
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if form is grade_form:
                    service.grade_facility(actor=actor(request), **data)
                else:
                    service.rate_behaviour(actor=actor(request), **data)
            except ValidationError as exc:
                report_error(request, exc, form)
            else:
                messages.success(request, _("已保存"))
                return redirect("enforcement:facility_grades")
    return render(
        request,
        "enforcement/facility_grades.html",
        {
            "latest": service.latest_grades(FacilityGrade.objects.visible_to(request.user)),
            "poor": conf.poor_facility_grades(),
            "key_objects": service.key_supervision_objects(request.user),
            "ratings": BehaviourRating.objects.visible_to(request.user).select_related("enterprise")[:200],
            "grade_form": grade_form,
            "rating_form": rating_form,
        },
    )


@staff_required
def risk(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    if request.GET.get("year", "").isdigit():
        year = int(request.GET["year"])
    forms = {
        "drill": DrillForm(request.POST if request.POST.get("form") == "drill" else None, user=request.user),
        "plan": RiskPlanForm(request.POST if request.POST.get("form") == "plan" else None, user=request.user),
        "supply": SupplyForm(
            request.POST if request.POST.get("form") == "supply" else None, user=request.user
        ),
    }
    if request.method == "POST":
        which = request.POST.get("form", "")
        form = forms.get(which)
        if form is not None and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if which == "drill":
                    service.record_drill(actor=actor(request), **data)
                elif which == "plan":
                    service.file_risk_plan(actor=actor(request), **data)
                else:
                    service.add_supply(actor=actor(request), **data)
            except ValidationError as exc:
                report_error(request, exc, form)
            else:
                messages.success(request, _("已保存"))
                return redirect("enforcement:risk")
    lines = service.drill_report(request.user, year)
    return render(
        request,
        "enforcement/risk.html",
        {
            "year": year,
            "lines": lines,
            "short": [line for line in lines if line.status in ("short", "behind")],
            "plans": RiskPlan.objects.visible_to(request.user).select_related("enterprise")[:200],
            "supplies": EmergencySupply.objects.visible_to(request.user).select_related("enterprise")[:200],
            "forms": forms,
            "required": conf.drills_per_year(),
        },
    )
