"""Daily and monthly reports: capture and transmission rates, exceedances, loads; web and Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core.views import staff_required
from epb.lib.documents import to_html
from epb.lib.timeutil import beijing_date, beijing_midnight
from epb.monitoring.centre.capture import period_days
from epb.monitoring.centre.reports import report_document, xlsx_response
from epb.monitoring.choices import AlarmKind
from epb.monitoring.models import Alarm, Device


def _period(request: HttpRequest) -> tuple[str, dt.date, dt.date]:
    period = request.GET.get("period", "day")
    if period not in ("day", "month"):
        period = "day"
    today = beijing_date(timezone.now())
    default = today - dt.timedelta(days=1) if period == "day" else today
    text = request.GET.get("date", "")
    try:
        on = dt.date.fromisoformat(text) if text else default
    except ValueError:
        messages.error(request, _("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": text})
        on = default
    first, last = period_days(period, on)  # type: ignore[arg-type]
    return period, first, min(last, today)


@staff_required
def report(request: HttpRequest) -> HttpResponse:
    period, first, last = _period(request)
    devices: list[Any] = list(
        Device.objects.visible_to(request.user)
        .filter(outlet__isnull=False)
        .select_related("outlet__enterprise")
        .order_by("outlet__enterprise__name", "outlet__code", "mn")
    )
    alarms = list(
        Alarm.objects.visible_to(request.user)
        .filter(
            kind=AlarmKind.EXCEEDANCE,
            started_at__gte=beijing_midnight(first),
            started_at__lt=beijing_midnight(last + dt.timedelta(days=1)),
        )
        .select_related("outlet__enterprise", "device")
        .order_by("started_at")
    )
    doc = report_document(devices, alarms, period, first, last)
    if request.GET.get("format") == "xlsx":
        name = f"monitoring-{period}-{first.isoformat()}.xlsx"
        return xlsx_response(doc, name)
    return render(
        request,
        "monitoring/report.html",
        {"document": to_html(doc), "period": period, "date": first.isoformat(), "first": first, "last": last},
    )
