"""Rectification: the enterprise sees its tasks, reports with evidence; the officer verifies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.attachments import attachments_of
from epb.core.clocks import state_of
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.enforcement.choices import RectificationStatus
from epb.enforcement.forms import RectificationForm, ReviewForm, SubmissionForm
from epb.enforcement.models import Finding, Measure, Rectification
from epb.enforcement.services import rectification as service
from epb.enforcement.services.access import is_enterprise_member, is_officer
from epb.enforcement.views.common import actor, officer_required, report_error


@staff_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in ("status", "q", "overdue")}
    qs = Rectification.objects.visible_to(request.user).select_related("enterprise", "officer")
    if f["status"] in RectificationStatus.values:
        qs = qs.filter(status=f["status"])
    elif not f["status"]:
        qs = qs.filter(
            status__in=[
                RectificationStatus.ISSUED,
                RectificationStatus.SUBMITTED,
                RectificationStatus.RETURNED,
            ]
        )
    if f["q"]:
        qs = qs.filter(Q(enterprise__name__icontains=f["q"]) | Q(title__icontains=f["q"]))
    if f["overdue"]:
        qs = qs.filter(escalation_level__gte=1)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = []
    for task in page:
        clock = service.rectification_clock(task)
        rows.append((task, state_of(clock) if clock is not None else None))
    return render(
        request,
        "enforcement/rectifications.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "statuses": RectificationStatus.choices,
            "is_enterprise": getattr(request.user, "role", "") == "enterprise",
            "may_issue": is_officer(request.user),
        },
    )


@officer_required
def rectification_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"officer": request.user.pk}
    finding = measure = None
    if request.GET.get("finding", "").isdigit():
        finding = get_visible_or_404(
            Finding.objects.select_related("inspection"), request.user, pk=int(request.GET["finding"])
        )
        initial.update(
            enterprise=finding.inspection.enterprise_id,
            title=finding.description[:200],
            requirements=_("针对以下问题整改：%(d)s") % {"d": finding.description},
        )
    if request.GET.get("measure", "").isdigit():
        measure = get_visible_or_404(Measure, request.user, pk=int(request.GET["measure"]))
        initial.update(enterprise=measure.enterprise_id)
    form = RectificationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = service.issue_rectification(
                actor=actor(request),
                enterprise=data["enterprise"],
                title=data["title"],
                requirements=data["requirements"],
                deadline=data["deadline"],
                officer=data["officer"],
                findings=[finding] if finding is not None else [],
                measure=measure,
            )
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, _("整改任务已下达，企业将收到通知"))
            return redirect(task)
    return render(request, "enforcement/form.html", {"form": form, "title": _("下达整改任务")})


@staff_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(
        Rectification.objects.select_related("enterprise", "officer", "measure"), request.user, pk=pk
    )
    clock = service.rectification_clock(task)
    from epb.core.clocks import clocks_of

    last_clock = clock or clocks_of(task).order_by("-started_at").first()
    submissions = list(task.submissions.select_related("submitted_by", "reviewed_by"))
    for submission in submissions:
        submission.files = list(attachments_of(submission))  # type: ignore[attr-defined]
    may_submit = is_enterprise_member(request.user, task.enterprise) and task.status in (
        RectificationStatus.ISSUED,
        RectificationStatus.RETURNED,
    )
    may_review = service.may_review(request.user, task) and task.status == RectificationStatus.SUBMITTED
    return render(
        request,
        "enforcement/rectification_detail.html",
        {
            "task": task,
            "clock": last_clock,
            "state": state_of(last_clock)
            if last_clock is not None and last_clock.state != "cancelled"
            else None,
            "submissions": submissions,
            "findings": task.findings.select_related("inspection"),
            "submit_form": SubmissionForm() if may_submit else None,
            "review_form": ReviewForm() if may_review else None,
            "today": timezone.localdate(),
        },
    )


@require_POST
@staff_required
def rectification_submit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(Rectification, request.user, pk=pk)
    if not is_enterprise_member(request.user, task.enterprise):
        raise PermissionDenied(_("只有该企业的账号可以提交整改报告"))
    form = SubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(task)
    files = [(f.name, f) for f in form.cleaned_data["evidence"]]
    try:
        service.submit_rectification(
            task, actor=actor(request), description=form.cleaned_data["description"], files=files
        )
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("整改报告已提交，等待核查"))
    return redirect(task)


@require_POST
@officer_required
def rectification_review(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(Rectification, request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结论"))
        return redirect(task)
    try:
        service.review_rectification(
            task,
            actor=actor(request),
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("核查结论已记录"))
    return redirect(task)
