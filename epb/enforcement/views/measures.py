"""Cases (立案) and measures (S7: 限、吊、停、封、关、抓), with their legal clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.attachments import attachments_of
from epb.core.clocks import clocks_of, state_of
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.enforcement import rules
from epb.enforcement.choices import CaseStatus, MeasureKind, MeasureStatus
from epb.enforcement.forms import (
    CaseForm,
    CloseCaseForm,
    DecideCaseForm,
    EvidenceForm,
    MeasureForm,
    PatrolForm,
)
from epb.enforcement.models import Case, Evidence, Finding, Measure
from epb.enforcement.services import cases as service
from epb.enforcement.services.access import covers, is_enterprise_member, is_manager, is_officer
from epb.enforcement.services.plans import schedule_follow_up
from epb.enforcement.services.rectification import issue_rectification
from epb.enforcement.views.common import actor, linked_source, officer_required, report_error


def _clock_rows(subject: Any) -> list[dict[str, Any]]:
    rows = []
    for clock in clocks_of(subject).order_by("started_at", "pk"):
        state = state_of(clock) if clock.state != "cancelled" else None
        rows.append({"clock": clock, "state": state})
    return rows


# -- cases ----------------------------------------------------------------------------------


@officer_required
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = Case.objects.visible_to(request.user).select_related("enterprise", "handler", "grid")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "enforcement/cases.html", {"page": page, "status": status, "statuses": CaseStatus.choices}
    )


@officer_required
def case_create(request: HttpRequest) -> HttpResponse:
    finding = None
    if request.GET.get("finding", "").isdigit():
        finding = get_visible_or_404(
            Finding.objects.select_related("inspection"), request.user, pk=int(request.GET["finding"])
        )
    source = linked_source(request) if finding is None else finding
    initial: dict[str, Any] = {"handler": request.user.pk}
    if source is not None and finding is None:
        enterprise = getattr(source, "enterprise", None)
        grid = getattr(source, "grid", None) or getattr(enterprise, "grid", None)
        initial.update(
            source_label=str(source)[:200],
            enterprise=getattr(enterprise, "pk", None),
            grid=getattr(grid, "pk", None),
        )
    if finding is not None:
        initial.update(
            title=finding.description[:200],
            enterprise=finding.inspection.enterprise_id,
            grid=finding.inspection.grid_id,
            facts=finding.description,
            source_label=str(finding.inspection),
        )
    form = CaseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = service.register_case(
                actor=actor(request),
                title=data["title"],
                grid=data["grid"],
                handler=data["handler"],
                enterprise=data["enterprise"],
                party_name=data["party_name"],
                facts=data["facts"],
                source=source,
                source_label=data["source_label"],
                findings=[finding] if finding is not None else [],
            )
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, _("案件已登记，须在7个工作日内作出是否立案的决定"))
            return redirect(case)
    return render(request, "enforcement/form.html", {"form": form, "title": _("登记案件线索")})


@officer_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(
        Case.objects.select_related("enterprise", "handler", "grid"), request.user, pk=pk
    )
    may_manage = is_manager(request.user) and covers(request.user, case.grid)
    evidence = list(Evidence.objects.visible_to(request.user).filter(case=case))
    for item in evidence:
        item.files = list(attachments_of(item))  # type: ignore[attr-defined]
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "case": case,
            "clocks": _clock_rows(case),
            "findings": case.findings.select_related("inspection"),
            "measures": Measure.objects.visible_to(request.user).filter(case=case),
            "evidence": evidence,
            "may_manage": may_manage,
            "decide_form": DecideCaseForm() if may_manage and case.status == CaseStatus.REVIEW else None,
            "close_form": CloseCaseForm() if may_manage and case.status == CaseStatus.OPENED else None,
            "evidence_form": EvidenceForm(),
            "source_url": _source_url(case),
        },
    )


def _source_url(case: Case) -> str:
    source = case.source
    return source.get_absolute_url() if source is not None and hasattr(source, "get_absolute_url") else ""


@require_POST
@officer_required
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.user, pk=pk)
    form = DecideCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审查结论并填写意见"))
        return redirect(case)
    try:
        service.decide_case(
            case,
            actor=actor(request),
            open_case=form.cleaned_data["decision"] == "open",
            note=form.cleaned_data["note"],
            number=form.cleaned_data["number"],
        )
    except ValidationError as exc:
        report_error(request, exc)
    return redirect(case)


@require_POST
@officer_required
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.user, pk=pk)
    try:
        service.close_case(case, actor=actor(request), conclusion=request.POST.get("conclusion", ""))
    except ValidationError as exc:
        report_error(request, exc)
    return redirect(case)


@require_POST
@officer_required
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择证据种类并填写证明内容"))
        return redirect(case)
    upload = form.cleaned_data.get("file")
    try:
        service.add_evidence(
            actor=actor(request),
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            case=case,
            upload=upload,
            filename=upload.name if upload is not None else "",
        )
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("证据已登记"))
    return redirect(case)


# -- measures -------------------------------------------------------------------------------


@staff_required
def measure_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in ("kind", "status", "q", "clock")}
    qs = Measure.objects.visible_to(request.user).select_related("enterprise", "officer", "grid")
    if f["kind"] in MeasureKind.values:
        qs = qs.filter(kind=f["kind"])
    if f["status"] in MeasureStatus.values:
        qs = qs.filter(status=f["status"])
    if f["q"]:
        qs = qs.filter(Q(enterprise__name__icontains=f["q"]) | Q(decision_number__icontains=f["q"]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    running = {}
    for measure in page:
        open_clocks = [c for c in clocks_of(measure) if c.state in ("running", "paused", "overdue")]
        running[measure.pk] = open_clocks
    rows = [(m, running.get(m.pk, [])) for m in page]
    return render(
        request,
        "enforcement/measures.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "kinds": MeasureKind.choices,
            "statuses": MeasureStatus.choices,
            "verbs": {k: r.verb for k, r in rules.MEASURE_RULES.items()},
            "may_decide": is_manager(request.user),
        },
    )


@officer_required
def measure_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"officer": request.user.pk, "decided_on": timezone.localdate()}
    case = finding = None
    if request.GET.get("case", "").isdigit():
        case = get_visible_or_404(Case, request.user, pk=int(request.GET["case"]))
        initial["enterprise"] = case.enterprise_id
    if request.GET.get("finding", "").isdigit():
        finding = get_visible_or_404(
            Finding.objects.select_related("inspection"), request.user, pk=int(request.GET["finding"])
        )
        initial["enterprise"] = finding.inspection.enterprise_id
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    if request.GET.get("kind", "") in MeasureKind.values:
        initial["kind"] = request.GET["kind"]
    form = MeasureForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        findings = [finding] if finding is not None else list(case.findings.all()) if case is not None else []
        try:
            measure = service.decide_measure(
                actor=actor(request),
                kind=data["kind"],
                enterprise=data["enterprise"],
                officer=data["officer"],
                case=case,
                findings=findings,
                legal_basis=data["legal_basis"],
                decision_number=data["decision_number"],
                decided_on=data["decided_on"],
                amount=data["amount"],
                daily_amount=data["daily_amount"],
                details=data["details"],
                trees=data["trees"],
                licence=data["licence"],
            )
            if data["kind"] == MeasureKind.ORDER and data["rectification_deadline"]:
                issue_rectification(
                    actor=actor(request),
                    enterprise=data["enterprise"],
                    title=_("责令改正：%(d)s") % {"d": (data["details"] or measure.get_kind_display())[:60]},
                    requirements=data["details"] or _("按责令改正决定书的要求改正违法行为"),
                    deadline=data["rectification_deadline"],
                    officer=data["officer"],
                    findings=findings,
                    measure=measure,
                )
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, _("措施已决定；送达后开始计算法定期限"))
            return redirect(measure)
    return render(
        request,
        "enforcement/measure_form.html",
        {
            "form": form,
            "title": _("作出执法措施决定"),
            "case": case,
            "finding": finding,
            "rules": _rule_rows(),
        },
    )


def _rule_rows() -> list[dict[str, Any]]:
    """Each measure's legal basis and clocks, named as the form names them."""
    labels = dict(MeasureKind.choices)
    return [
        {
            "label": labels.get(kind, kind),
            "verb": rule.verb,
            "legal_basis": rule.legal_basis,
            "clocks": [str(service.CLOCK_LABELS.get(c, c)) for c in rule.clocks],
        }
        for kind, rule in rules.MEASURE_RULES.items()
    ]


def _measure(request: HttpRequest, pk: int) -> Measure:
    return get_visible_or_404(
        Measure.objects.select_related("enterprise", "officer", "grid", "case", "licence"),
        request.user,
        pk=pk,
    )


@staff_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    officer = is_officer(request.user) and covers(request.user, measure.grid)
    return render(
        request,
        "enforcement/measure_detail.html",
        {
            "measure": measure,
            "rule": rules.MEASURE_RULES[measure.kind],
            "clocks": _clock_rows(measure),
            "findings": measure.findings.select_related("inspection"),
            "rectifications": measure.rectifications.all(),
            "follow_ups": measure.follow_ups.select_related("owner"),
            "hearing": service.hearing_right(measure),
            "may_act": officer,
            "may_manage": is_manager(request.user) and covers(request.user, measure.grid),
            "is_party": is_enterprise_member(request.user, measure.enterprise),
            "patrol_form": PatrolForm(user=request.user) if officer else None,
            "today": timezone.localdate(),
        },
    )


ACTIONS = (
    "serve",
    "extend",
    "pause",
    "resume",
    "lift",
    "reinspect",
    "pay",
    "complete",
    "publish",
    "release",
    "follow_up",
)


@require_POST
@staff_required
def measure_action(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "").strip()
    clock = request.POST.get("clock", "")
    user = actor(request)
    try:
        if action == "serve":
            service.serve_measure(measure, actor=user)
        elif action == "extend":
            service.extend_measure(measure, clock, _int(request.POST.get("days")), actor=user, reason=note)
        elif action == "pause":
            service.pause_measure(measure, clock, actor=user, reason=note)
        elif action == "resume":
            service.resume_measure(measure, clock, actor=user)
        elif action == "lift":
            service.lift_measure(measure, actor=user, note=note)
        elif action == "reinspect":
            service.record_reinspection(
                measure,
                actor=user,
                reinspected_on=_date(request.POST.get("reinspected_on")),
                continuing=request.POST.get("continuing") == "1",
                note=note,
            )
        elif action == "pay":
            service.record_payment(measure, actor=user, note=note)
        elif action == "complete":
            service.complete_measure(measure, actor=user, note=note)
        elif action == "publish":
            service.publish_measure(measure, actor=user)
        elif action == "release":
            service.apply_for_release(measure, actor=user, reason=note)
        elif action == "follow_up":
            form = PatrolForm(request.POST, user=request.user)
            if not form.is_valid():
                raise ValidationError(_("请选择责任人和期限"))
            schedule_follow_up(
                actor=user,
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
                measure=measure,
                instructions=note,
            )
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("已办理"))
    return redirect(measure)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationError(_("请填写天数")) from None


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD")) from None
