"""Sites (water sections and points, air stations, noise points), their results and manual entry."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from epb.core.visibility import get_visible_or_404
from epb.quality import charts, public, reports, rules, services
from epb.quality.choices import SiteKind
from epb.quality.data import WaterData, beijing_today, samples_of_month, shown
from epb.quality.forms import (
    AirStationForm,
    NoisePointForm,
    SampleForm,
    WaterSiteForm,
)
from epb.quality.items import item as find_item
from epb.quality.models import (
    AirSample,
    AirStation,
    EarlyWarning,
    NoisePoint,
    NoiseSample,
    Threshold,
    WaterSite,
)
from epb.quality.services.access import is_bureau_staff
from epb.quality.views.common import actor_of, bureau_required, form_error, int_param, map_json

# -- sites -----------------------------------------------------------------------------------


@bureau_required
def sites_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = WaterSite.objects.visible_to(request.user).select_related("water_body", "org_unit")
    if kind in SiteKind.values:
        qs = qs.filter(kind=kind)
    elif kind == "taihu":
        qs = qs.filter(taihu_assessment=True)
    sites = list(qs)
    points = [
        {"lat": s.latitude, "lon": s.longitude, "label": f"{s.code} {s.name}", "url": s.get_absolute_url()}
        for s in sites
    ]
    return render(
        request,
        "quality/sites.html",
        {
            "sites": sites,
            "kind": kind,
            "kinds": SiteKind.choices,
            "map": map_json(points),
            "may_edit": is_bureau_staff(request.user),
        },
    )


@bureau_required
def site_view(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_visible_or_404(WaterSite.objects.select_related("water_body", "org_unit"), request.user, pk=pk)
    year = int_param(request, "year", beijing_today().year)
    data = WaterData([site], [year])
    monthly = data.monthly_of_year(site.pk, year)
    codes = [c for c in reports.KEY_ITEMS if any(c in v for v in monthly.values())]
    codes += sorted({c for v in monthly.values() for c in v if c not in codes})
    rows = []
    for month in rules.months_of_year(year):
        values = monthly.get(month)
        if values is None:
            continue
        result = rules.evaluate(values, site.evaluated_as, site.target_class or None)
        rows.append(
            {
                "month": month[1],
                "values": [shown(values.get(c)) for c in codes],
                "class": rules.class_label_of(result.water_class if result else None),
                "meets": None if result is None else result.meets_target,
                "main": "、".join(result.main_pollutants_text()) if result else "",
                "url": reverse("quality:site_month", args=[site.pk, year, month[1]]),
            }
        )
    annual = rules.evaluate(data.annual(site.pk, year), site.evaluated_as, site.target_class or None)
    chart = charts.classes(
        _("逐月水质类别"),
        [(site.name, [rules.class_number(data.monthly_class(site.pk, (year, m))) for m in range(1, 13)])],
    )
    return render(
        request,
        "quality/site.html",
        {
            "site": site,
            "year": year,
            "codes": [find_item("water", c) for c in codes],
            "rows": rows,
            "annual": annual,
            "annual_label": rules.class_label_of(annual.water_class if annual else None),
            "chart": json.dumps(chart, ensure_ascii=False),
            "thresholds": Threshold.objects.visible_to(request.user).filter(site=site),
            "warnings": EarlyWarning.objects.visible_to(request.user).filter(site=site)[:10],
            "may_edit": is_bureau_staff(request.user),
        },
    )


@bureau_required
def site_month(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    site = get_visible_or_404(WaterSite.objects.select_related("water_body", "org_unit"), request.user, pk=pk)
    if not 1 <= month <= 12:
        raise Http404
    samples = samples_of_month(site, (year, month))
    codes = sorted({c for s in samples for c in s.values}, key=lambda c: (c not in reports.KEY_ITEMS, c))
    data = WaterData([site], [year])
    means = data.monthly(site.pk).get((year, month), {})
    result = rules.evaluate(means, site.evaluated_as, site.target_class or None)
    return render(
        request,
        "quality/site_month.html",
        {
            "site": site,
            "year": year,
            "month": month,
            "codes": [find_item("water", c) for c in codes],
            "samples": [(s, [s.values.get(c, "") for c in codes]) for s in samples],
            "means": [shown(means.get(c)) for c in codes],
            "result": result,
            "class_label": rules.class_label_of(result.water_class if result else None),
        },
    )


def _site_form(
    request: HttpRequest, model: type[models.Model], form_class: Any, pk: int | None, title: str
) -> HttpResponse:
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    instance = get_visible_or_404(model, request.user, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owners = data.pop("owners", None)
        try:
            site = services.save_site(
                model, actor=actor_of(request), instance=instance, owners=owners, **data
            )
        except (ValidationError, PermissionDenied) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(site.get_absolute_url())  # type: ignore[attr-defined]
    return render(
        request, "quality/form.html", {"form": form, "title": title, "back": reverse("quality:sites")}
    )


@bureau_required
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _site_form(request, WaterSite, WaterSiteForm, pk, _("水质断面（点位）"))


@bureau_required
def station_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _site_form(request, AirStation, AirStationForm, pk, _("空气自动监测站"))


@bureau_required
def noise_point_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _site_form(request, NoisePoint, NoisePointForm, pk, _("功能区噪声监测点"))


@bureau_required
def sample_new(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_visible_or_404(WaterSite, request.user, pk=pk)
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_water_sample(
                actor=actor_of(request),
                site=site,
                sampled_at=form.cleaned_data["sampled_at"],
                values=form.values(),
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(site.get_absolute_url())
    return render(
        request,
        "quality/form.html",
        {"form": form, "title": _("录入监测结果：%(s)s") % {"s": site}, "back": site.get_absolute_url()},
    )


@bureau_required
def stations_view(request: HttpRequest) -> HttpResponse:
    stations = list(AirStation.objects.visible_to(request.user).select_related("org_unit"))
    day = beijing_today() - timedelta(days=1)
    rows = [(s, public.aqi_cell(public.station_aqi(s, day))) for s in stations]
    points = [
        {"lat": s.latitude, "lon": s.longitude, "label": s.name, "url": s.get_absolute_url()}
        for s in stations
    ]
    return render(
        request,
        "quality/stations.html",
        {"rows": rows, "day": day, "map": map_json(points), "may_edit": is_bureau_staff(request.user)},
    )


@bureau_required
def station_view(request: HttpRequest, pk: int) -> HttpResponse:
    station = get_visible_or_404(AirStation.objects.select_related("org_unit"), request.user, pk=pk)
    last = beijing_today()
    days = [last - timedelta(days=n) for n in range(29, -1, -1)]
    series = [public.station_aqi(station, d) for d in days]
    chart = charts.bar(
        _("近30日空气质量指数"),
        [("AQI", [None if r is None or r.aqi is None else float(r.aqi) for r in series])],
        categories=[f"{d.month}/{d.day}" for d in days],
        target=100,
        target_label=_("良"),
    )
    samples = AirSample.objects.visible_to(request.user).filter(station=station).order_by("-start")[:60]
    return render(
        request,
        "quality/station.html",
        {
            "station": station,
            "chart": json.dumps(chart, ensure_ascii=False),
            "samples": samples,
            "rows": [(d, public.aqi_cell(r)) for d, r in zip(days, series, strict=True)][::-1],
        },
    )


@bureau_required
def noise_points_view(request: HttpRequest) -> HttpResponse:
    points = list(NoisePoint.objects.visible_to(request.user).select_related("org_unit"))
    map_points = [
        {"lat": p.latitude, "lon": p.longitude, "label": p.name, "url": p.get_absolute_url()} for p in points
    ]
    return render(
        request,
        "quality/noise_points.html",
        {"points": points, "map": map_json(map_points), "may_edit": is_bureau_staff(request.user)},
    )


@bureau_required
def noise_point_view(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(NoisePoint.objects.select_related("org_unit"), request.user, pk=pk)
    year = int_param(request, "year", beijing_today().year)
    samples = list(NoiseSample.objects.visible_to(request.user).filter(point=point, measured_on__year=year))
    rows = []
    for sample in samples:
        pt = rules.NoisePointTime(
            point.zone,
            _dec(sample.values.get("Ld")),
            _dec(sample.values.get("Ln")),
            point.railway_background,
        )
        results = {r.period: r for r in rules.noise_results([pt])}
        rows.append((sample, results.get("day"), results.get("night")))
    return render(request, "quality/noise_point.html", {"point": point, "year": year, "rows": rows})


def _dec(raw: Any) -> Any:
    from decimal import Decimal

    return None if raw in (None, "") else Decimal(str(raw))
