"""S8: warnings, thresholds and reports; and the public page."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.visibility import get_visible_or_404
from epb.lib.documents import to_docx, to_html, to_xlsx
from epb.quality import public, reports, services
from epb.quality.choices import ReportKind, WarningStatus
from epb.quality.data import beijing_today
from epb.quality.forms import (
    CloseWarningForm,
    ThresholdForm,
)
from epb.quality.models import (
    EarlyWarning,
    Threshold,
)
from epb.quality.services.access import is_bureau_staff
from epb.quality.views.common import DOCX, XLSX, actor_of, bureau_required, error_text, form_error

# -- S8: early warning and reports ---------------------------------------------------------------


@bureau_required
def warnings_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    qs = EarlyWarning.objects.visible_to(request.user).select_related("site")
    if status == "active":
        qs = qs.exclude(status=WarningStatus.CLOSED)
    elif status in WarningStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    today = beijing_today()
    return render(
        request,
        "quality/warnings.html",
        {
            "page": page,
            "status": status,
            "statuses": WarningStatus.choices,
            "today": today,
            "yesterday": today - timedelta(days=1),
            "last_month": (today.replace(day=1) - timedelta(days=1)),
            "reports": ReportKind.choices,
        },
    )


@bureau_required
def warning_view(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_visible_or_404(
        EarlyWarning.objects.select_related("site", "threshold", "sample"), request.user, pk=pk
    )
    return render(request, "quality/warning.html", {"warning": warning, "form": CloseWarningForm()})


@require_POST
@bureau_required
def warning_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_visible_or_404(EarlyWarning, request.user, pk=pk)
    try:
        services.acknowledge_warning(warning, actor=actor_of(request))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(warning.get_absolute_url())


@require_POST
@bureau_required
def warning_close(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_visible_or_404(EarlyWarning, request.user, pk=pk)
    form = CloseWarningForm(request.POST)
    if form.is_valid():
        try:
            services.close_warning(warning, actor=actor_of(request), note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, _("请填写处置情况"))
    return redirect(warning.get_absolute_url())


@bureau_required
def thresholds_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_visible_or_404(Threshold, request.user, pk=pk) if pk else None
    form = ThresholdForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST":
        if not is_bureau_staff(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_threshold(actor=actor_of(request), instance=instance, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("quality:thresholds")
    thresholds = Threshold.objects.visible_to(request.user).select_related("site")
    return render(
        request, "quality/thresholds.html", {"form": form, "thresholds": thresholds, "instance": instance}
    )


def _report_day(kind: str, request: HttpRequest) -> date:
    raw = request.GET.get("date", "")
    today = beijing_today()
    if not raw:
        if kind in (ReportKind.MONTHLY_BULLETIN, ReportKind.CLEAN_MONTHLY):
            return today.replace(day=1) - timedelta(days=1)
        return today - timedelta(days=1)
    try:
        if len(raw) == 7:
            return date.fromisoformat(raw + "-01")
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD 或 YYYY-MM：%(v)s") % {"v": raw}) from None


@bureau_required
def report_view(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ReportKind.values:
        raise Http404
    try:
        day = _report_day(kind, request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("quality:warnings")
    document = reports.build(kind, day, request.user)
    fmt = request.GET.get("format", "html")
    name = f"{kind}-{day.isoformat()}"
    if fmt == "docx":
        response = HttpResponse(to_docx(document), content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.docx"
        return response
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(document), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.xlsx"
        return response
    return render(
        request,
        "quality/report.html",
        {
            "document": to_html(document),
            "kind": kind,
            "label": ReportKind(kind).label,
            "day": day,
            "title": document.title,
        },
    )


# -- the public page ---------------------------------------------------------------------------


def public_view(request: HttpRequest) -> HttpResponse:
    """环境质量 on the public portal: published results only (``visible_to(None)``)."""
    context = public.summary(beijing_today())
    rates = context["noise_rates"]
    context["noise_zones"] = list(rates.by_zone.items()) if rates else []
    context["water_chart_json"] = (
        json.dumps(context["water_chart"], ensure_ascii=False) if context["water_chart"] else ""
    )
    return render(request, "quality/public.html", context)
