"""The grid overview (S3), bulletins (web, Word, Excel) and officer assessment (S4)."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from epb.enforcement import conf, reports
from epb.enforcement.choices import BulletinPeriod
from epb.enforcement.views.common import officer_required
from epb.lib.documents import Document, to_docx, to_html, to_xlsx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: HttpRequest, default: str = BulletinPeriod.MONTH) -> reports.Period:
    kind = request.GET.get("period", default)
    if kind not in BulletinPeriod.values:
        kind = default
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    return reports.period_of(kind, day)


def _download(doc: Document, fmt: str, stem: str) -> HttpResponse | None:
    if fmt == "docx":
        response = HttpResponse(to_docx(doc), content_type=DOCX)
    elif fmt == "xlsx":
        response = HttpResponse(to_xlsx(doc), content_type=XLSX)
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _shift(period: reports.Period, step: int) -> dt.date:
    """A day in the previous (step -1) or next (+1) period."""
    return period.first_day - dt.timedelta(days=1) if step < 0 else period.last_day + dt.timedelta(days=1)


@officer_required
def grid_overview(request: HttpRequest) -> HttpResponse:
    period = _period(request, BulletinPeriod.QUARTER)
    target = conf.compliance_target()
    rows = reports.grid_rows(request.user, period)
    total = reports.total_compliance(rows)
    polygons = []
    for row in rows:
        if not row.unit.geometry:
            continue
        rate = row.rate
        colour = "#9aa5b1" if rate is None else "#c81e1e" if rate < target else "#0b6e4f"
        label = f"{row.unit.name}：" + (_("本期未检查") if rate is None else f"{(rate * 100):.1f}%")
        polygons.append({"geometry": row.unit.geometry, "label": label, "color": colour})
    map_config = {
        "center": list(settings.MAP_CENTER),
        "zoom": 10,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "polygons": polygons,
    }
    return render(
        request,
        "enforcement/grid.html",
        {
            "period": period,
            "periods": BulletinPeriod.choices,
            "rows": [r for r in rows if r.sources or r.inspections],
            "total": total,
            "target": target,
            "below": [r for r in rows if r.compliance.below(target)],
            "map_config": json.dumps(map_config, ensure_ascii=False),
            "previous": _shift(period, -1),
            "next": _shift(period, 1),
        },
    )


@officer_required
def bulletin(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    doc = reports.bulletin(request.user, period, organization=settings.SITE_NAME)
    download = _download(doc, request.GET.get("format", ""), f"bulletin-{period.kind}-{period.first_day}")
    if download is not None:
        return download
    return render(
        request,
        "enforcement/document.html",
        {
            "doc_html": mark_safe(to_html(doc)),
            "period": period,
            "periods": BulletinPeriod.choices,
            "page_title": _("网格化环境监管通报"),
            "url_name": "enforcement:bulletin",
            "previous": _shift(period, -1),
            "next": _shift(period, 1),
        },
    )


@officer_required
def assessment(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    doc = reports.assessment(request.user, period)
    download = _download(doc, request.GET.get("format", ""), f"assessment-{period.kind}-{period.first_day}")
    if download is not None:
        return download
    return render(
        request,
        "enforcement/document.html",
        {
            "doc_html": mark_safe(to_html(doc)),
            "period": period,
            "periods": BulletinPeriod.choices,
            "page_title": _("执法人员考核"),
            "url_name": "enforcement:assessment",
            "previous": _shift(period, -1),
            "next": _shift(period, 1),
        },
    )
