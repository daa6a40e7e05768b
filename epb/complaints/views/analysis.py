"""Analysis and warning (S14): the dashboard, the hotspot map, bulletins, sensitive periods and
their daily reports."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.complaints import analysis as a
from epb.complaints import bulletins, services
from epb.complaints.forms import PeriodFilterForm, SensitivePeriodForm
from epb.complaints.letters import daily_report_document
from epb.complaints.models import Complaint, DailyReport, SensitivePeriod
from epb.complaints.services.common import is_centre
from epb.complaints.views.common import (
    DOCX,
    XLSX,
    bureau_staff,
    download,
    error_text,
    flash_errors,
    map_config,
    me,
)
from epb.lib.documents import Document, to_docx, to_html, to_xlsx


def _scope_name(user: Any) -> str:
    unit = getattr(user, "org_unit", None)
    if unit is not None and unit.level != "city" and not user.is_leadership:
        return unit.name
    return ""


def _option(chart: a.Chart) -> str:
    return json.dumps(chart.option, cls=DjangoJSONEncoder, ensure_ascii=False)


@bureau_staff
def analysis(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodFilterForm(request.GET or None, user=me(request))
    first, last, district = today - dt.timedelta(days=89), today, None
    if form.is_valid():
        first = form.cleaned_data["start"] or first
        last = form.cleaned_data["end"] or last
        district = form.cleaned_data["district"]
    if last < first:
        first, last = last, first
    period = a.custom(first, last)
    base = Complaint.objects.visible_to(request.user)
    if district is not None:
        base = base.filter(district=district)
    qs = a.in_period(base, period.start, period.end)
    stats = a.breakdown(qs)
    charts = [{"title": c.title, "option": _option(c)} for c in a.dashboard_charts(stats, first, last)]
    points = a.hotspot_points(qs)
    callbacks = {unit: a.callback_by(qs, unit) for unit in ("district", "grid", "department")}
    centre = is_centre(request.user)
    periods = SensitivePeriod.objects.all()[:10]
    active = [p for p in periods if p.start <= today <= p.end]
    context = {
        "form": form,
        "first": first,
        "last": last,
        "stats": stats,
        "charts": charts,
        "callbacks": callbacks,
        "callback_total": a.callback_total(qs),
        "timeliness": a.timeliness(base, period),
        "map_json": map_config(polygons_level="district", extra={"fit": True}),
        "hotspots_json": json.dumps(points, ensure_ascii=False),
        "point_count": len(points),
        "periods": periods,
        "active_periods": active,
        "reports": DailyReport.objects.select_related("period")[:14],
        "period_form": SensitivePeriodForm() if centre else None,
        "this_month": today,
        "last_month": today.replace(day=1) - dt.timedelta(days=1),
        "this_week": today,
        "last_week": today - dt.timedelta(days=7),
    }
    return render(request, "complaints/analysis/index.html", context)


def _period(kind: str, anchor: dt.date) -> a.Period:
    if kind == "weekly":
        return a.weekly(anchor)
    if kind == "monthly":
        return a.monthly(anchor)
    raise Http404


def _render(request: HttpRequest, document: Document, name: str, back: str) -> HttpResponse:
    fmt = request.GET.get("format", "html")
    if fmt == "docx":
        return download(to_docx(document), f"{name}.docx", DOCX)
    if fmt == "xlsx":
        return download(to_xlsx(document), f"{name}.xlsx", XLSX)
    return render(
        request,
        "complaints/analysis/document.html",
        {"html": to_html(document), "title": document.title, "back": back, "query": request.GET.urlencode()},
    )


@bureau_staff
def bulletin(request: HttpRequest, kind: str) -> HttpResponse:
    """The weekly or monthly bulletin as a page, Word or Excel, for the user's jurisdiction."""
    try:
        anchor = (
            dt.date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else timezone.localdate()
        )
    except ValueError:
        messages.error(request, _("日期格式应为 YYYY-MM-DD"))
        return redirect("complaints:analysis")
    period = _period(kind, anchor)
    document = bulletins.bulletin(
        Complaint.objects.visible_to(request.user), period, scope_name=_scope_name(request.user)
    )
    return _render(request, document, f"{document.title}-{period.label}", "complaints:analysis")


@require_POST
@bureau_staff
def period_save(request: HttpRequest) -> HttpResponse:
    form = SensitivePeriodForm(request.POST)
    if form.is_valid():
        try:
            services.save_period(actor=me(request), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已设定敏感时期"))
    else:
        flash_errors(request, form)
    return redirect("complaints:analysis")


@bureau_staff
def daily_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = DailyReport.objects.select_related("period").filter(pk=pk).first()
    if report is None:
        raise Http404
    document = daily_report_document(report)
    return _render(request, document, f"敏感时期日报-{report.day}", "complaints:analysis")
