"""The on-site record (S3, S6), made for a phone: checklist, location, photos, findings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.models import Attachment
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.enforcement import rules
from epb.enforcement.choices import CheckResult, InspectionStatus
from epb.enforcement.forms import FindingForm, LocationForm, PatrolForm, PhotoForm
from epb.enforcement.models import Finding, Inspection
from epb.enforcement.services import inspections as service
from epb.enforcement.services.access import is_officer
from epb.enforcement.services.plans import may_work_on, schedule_follow_up
from epb.enforcement.views.common import actor, officer_required, report_error


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    qs = Inspection.objects.select_related("task", "enterprise", "grid", "task__owner")
    if getattr(request.user, "role", None) == "enterprise":
        qs = qs.filter(status=InspectionStatus.SUBMITTED)  # an enterprise sees the record once it is final
    return get_visible_or_404(qs, request.user, pk=pk)


def _visible(request: HttpRequest, photos: list[Attachment]) -> list[Attachment]:
    allowed = set(
        Attachment.objects.visible_to(request.user)
        .filter(pk__in=[p.pk for p in photos])
        .values_list("pk", flat=True)
    )
    return [p for p in photos if p.pk in allowed]


def _context(request: HttpRequest, inspection: Inspection, **extra: object) -> dict[str, object]:
    editable = inspection.status == InspectionStatus.DRAFT and may_work_on(request.user, inspection.task)
    return {
        "inspection": inspection,
        "task": inspection.task,
        "rows": inspection.checklist_rows(),
        "results": [(v, label) for v, label in CheckResult.choices if v],
        "findings": inspection.findings.all(),
        # Only the photos this reader may open (an enterprise sees its inspection, not the evidence).
        "photos": _visible(request, service.photos_of(inspection)),
        "may_see_task": is_officer(request.user),
        "editable": editable,
        "finding_form": FindingForm() if editable else None,
        "photo_form": PhotoForm() if editable else None,
        "missing": service.missing_for_submission(inspection) if editable else [],
        "follow_ups": inspection.follow_ups.select_related("owner"),
        "follow_up_form": (
            PatrolForm(user=request.user)
            if inspection.status == InspectionStatus.SUBMITTED and is_officer(request.user)
            else None
        ),
        **extra,
    }


@staff_required
def inspection_page(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    return render(request, "enforcement/inspection.html", _context(request, inspection))


def _save_posted(request: HttpRequest, inspection: Inspection) -> None:
    checklist = {
        item: {"result": request.POST.get(f"result_{item}", ""), "note": request.POST.get(f"note_{item}", "")}
        for item in rules.CHECKLIST
    }
    service.save_record(
        inspection,
        actor=actor(request),
        checklist=checklist,
        summary=request.POST.get("summary", ""),
        present_person=request.POST.get("present_person", ""),
    )


@require_POST
@officer_required
def inspection_save(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    try:
        _save_posted(request, inspection)
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("检查记录已保存"))
    return redirect("enforcement:inspection", pk=inspection.pk)


@require_POST
@officer_required
def inspection_location(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = LocationForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": _("定位数据无效")}, status=422)
    try:
        service.record_location(
            inspection,
            actor=actor(request),
            latitude=form.cleaned_data["latitude"],
            longitude=form.cleaned_data["longitude"],
            accuracy_m=form.cleaned_data["accuracy"],
        )
    except ValidationError as exc:
        return JsonResponse({"detail": "；".join(exc.messages)}, status=422)
    return JsonResponse(
        {
            "latitude": inspection.latitude,
            "longitude": inspection.longitude,
            "accuracy": inspection.accuracy_m,
        }
    )


@require_POST
@officer_required
def inspection_photo(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            service.add_photo(
                inspection,
                upload,
                actor=actor(request),
                name=upload.name,
                taken_at=None,
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
    else:
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "enforcement/_photos.html",
            {"photos": service.photos_of(inspection), "photo_error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("enforcement:inspection", pk=inspection.pk)


@require_POST
@officer_required
def inspection_finding(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            service.add_finding(inspection, actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            form = FindingForm()
    if request.headers.get("HX-Request"):
        inspection.refresh_from_db()
        return render(request, "enforcement/_findings.html", _context(request, inspection, finding_form=form))
    if form.errors:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("enforcement:inspection", pk=inspection.pk)


@require_POST
@officer_required
def finding_delete(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_visible_or_404(Finding.objects.select_related("inspection__task"), request.user, pk=pk)
    try:
        service.remove_finding(finding, actor=actor(request))
    except ValidationError as exc:
        report_error(request, exc)
    return redirect("enforcement:inspection", pk=finding.inspection_id)


@require_POST
@officer_required
def inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    if not may_work_on(request.user, inspection.task):
        raise PermissionDenied(_("只有本任务的执法人员可以提交检查记录"))
    try:
        if "summary" in request.POST:  # submitted from the record form: keep what was typed first
            _save_posted(request, inspection)
        service.submit_inspection(inspection, actor=actor(request))
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("检查记录已提交"))
    return redirect("enforcement:inspection", pk=inspection.pk)


@require_POST
@officer_required
def inspection_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """后督察: a re-inspection of what this inspection found, with one owner and a due date."""
    inspection = _inspection(request, pk)
    form = PatrolForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择责任人和期限"))
        return redirect(inspection)
    try:
        task = schedule_follow_up(
            actor=actor(request),
            owner=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
            inspection=inspection,
            instructions=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        report_error(request, exc)
        return redirect(inspection)
    messages.success(request, _("已安排后督察复查"))
    return redirect(task)
