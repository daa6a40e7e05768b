"""Pages of the quality module: the "1190" board (S1), early warning and reports (S8), sites,
imports, and the public page. Every read goes through the jurisdiction filter."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.attachments import attachments_of
from epb.core.models import User
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.lib.documents import to_docx, to_html, to_xlsx
from epb.quality import board, charts, public, reports, rules, services
from epb.quality.choices import DataKind, ImportStatus, ReportKind, SiteKind, WarningStatus
from epb.quality.data import WaterData, beijing_today, samples_of_month, shown
from epb.quality.forms import (
    AirStationForm,
    CloseWarningForm,
    NoisePointForm,
    QuotaForm,
    QuotaProgressForm,
    SampleForm,
    TargetForm,
    ThresholdForm,
    UploadForm,
    WaterSiteForm,
)
from epb.quality.importing import template_columns
from epb.quality.items import item as find_item
from epb.quality.models import (
    AirSample,
    AirStation,
    EarlyWarning,
    ImportBatch,
    NoisePoint,
    NoiseSample,
    ReductionQuota,
    Target,
    Threshold,
    WaterSite,
)
from epb.quality.services.access import is_bureau_staff, is_citywide, may_handle_warnings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> User:
    """The signed-in user (the decorators and the API's auth have made sure there is one)."""
    return cast(User, request.user)


def bureau_required(view: Any) -> Any:
    """Pages of the module: the bureau's staff and grid officers (enterprises have their own pages)."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_handle_warnings(request.user):
            raise PermissionDenied(_("仅供环保局工作人员使用"))
        return view(request, *args, **kwargs)

    return wrapped


def _int(request: HttpRequest, name: str, default: int, low: int = 1900, high: int = 2200) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def _form_error(form: Any, exc: ValidationError | PermissionDenied) -> None:
    """A service's error on the form: on its field when the form has one, else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(
        None, exc.messages if isinstance(exc, ValidationError) else str(exc) or _("无权进行此操作")
    )


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(f"{'；'.join(str(m) for m in msgs)}" for msgs in exc.message_dict.values())
    return "；".join(exc.messages)


# -- S1: the board -----------------------------------------------------------------------------


@bureau_required
def board_view(request: HttpRequest) -> HttpResponse:
    years = board.years_with_targets()
    today = beijing_today()
    year = _int(request, "year", years[0] if years and today.year not in years else today.year)
    results = board.build_board(year, request.user)
    return render(
        request,
        "quality/board.html",
        {
            "year": year,
            "years": sorted(set(years) | {today.year}, reverse=True),
            "cards": [(r, json.dumps(r.chart, ensure_ascii=False)) for r in results],
            "citywide": is_citywide(request.user) or getattr(request.user, "is_leadership", False),
            "may_edit": is_citywide(request.user),
        },
    )


@bureau_required
def target_view(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target, pk=pk)
    result = board.evaluate_target(target, request.user)
    return render(
        request,
        "quality/target.html",
        {
            "result": result,
            "chart": json.dumps(result.chart, ensure_ascii=False),
            "may_edit": is_citywide(request.user),
        },
    )


@bureau_required
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not is_citywide(request.user):
        raise PermissionDenied(_("只有局领导和市局处室可以设定目标任务"))
    instance = get_object_or_404(Target, pk=pk) if pk else None
    form = TargetForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sites, bodies = data.pop("sites"), data.pop("water_bodies")
        try:
            target = services.save_target(
                actor=_actor(request),
                instance=instance,
                sites=sites,
                water_bodies=bodies,
                **data,
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("quality:target", target.pk)
    return render(
        request, "quality/form.html", {"form": form, "title": _("目标任务"), "back": reverse("quality:board")}
    )


@bureau_required
def quotas_view(request: HttpRequest) -> HttpResponse:
    year = _int(request, "year", beijing_today().year)
    quotas = ReductionQuota.objects.visible_to(request.user).filter(year=year).select_related("org_unit")
    may_edit = is_citywide(request.user)
    form = QuotaForm(initial={"year": year}, user=request.user)
    progress_form = QuotaProgressForm()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("只有局领导和市局处室可以维护减排任务"))
        try:
            if "quota_id" in request.POST:
                quota = get_visible_or_404(ReductionQuota, request.user, pk=request.POST["quota_id"])
                progress_form = QuotaProgressForm(request.POST)
                if progress_form.is_valid():
                    services.record_quota_progress(quota, actor=_actor(request), **progress_form.cleaned_data)
                    messages.success(request, _("已保存"))
                    return redirect(f"{reverse('quality:quotas')}?year={year}")
            else:
                form = QuotaForm(request.POST, user=request.user)
                if form.is_valid():
                    services.save_quota(actor=_actor(request), **form.cleaned_data)
                    messages.success(request, _("已保存"))
                    return redirect(f"{reverse('quality:quotas')}?year={year}")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    rows = [(q, rules.percent(q.achieved, q.quota)) for q in quotas]
    return render(
        request,
        "quality/quotas.html",
        {"year": year, "rows": rows, "form": form, "progress_form": progress_form, "may_edit": may_edit},
    )


# -- sites -----------------------------------------------------------------------------------


def _map(points: list[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "center": list(settings.MAP_CENTER),
            "zoom": 9,
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "points": points,
        },
        ensure_ascii=False,
    )


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
            "map": _map(points),
            "may_edit": is_bureau_staff(request.user),
        },
    )


@bureau_required
def site_view(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_visible_or_404(WaterSite.objects.select_related("water_body", "org_unit"), request.user, pk=pk)
    year = _int(request, "year", beijing_today().year)
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
            site = services.save_site(model, actor=_actor(request), instance=instance, owners=owners, **data)
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc)
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
                actor=_actor(request),
                site=site,
                sampled_at=form.cleaned_data["sampled_at"],
                values=form.values(),
            )
        except ValidationError as exc:
            _form_error(form, exc)
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
        {"rows": rows, "day": day, "map": _map(points), "may_edit": is_bureau_staff(request.user)},
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
        {"points": points, "map": _map(map_points), "may_edit": is_bureau_staff(request.user)},
    )


@bureau_required
def noise_point_view(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(NoisePoint.objects.select_related("org_unit"), request.user, pk=pk)
    year = _int(request, "year", beijing_today().year)
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


# -- imports -----------------------------------------------------------------------------------


@bureau_required
def imports_view(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not is_bureau_staff(request.user):
            raise PermissionDenied(_("只有环保局工作人员可以导入监测数据"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.EPB_MAX_UPLOAD_BYTES:
                form.add_error("file", _("文件过大"))
            else:
                try:
                    batch = services.upload_import(
                        actor=_actor(request),
                        kind=form.cleaned_data["kind"],
                        file_name=upload.name,
                        content=upload.read(),
                    )
                except ValidationError as exc:
                    form.add_error("file", exc.messages)
                else:
                    return redirect(batch.get_absolute_url())
    batches = Paginator(
        ImportBatch.objects.visible_to(request.user).select_related("uploaded_by"), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/imports.html",
        {
            "form": form,
            "page": batches,
            "kinds": DataKind.choices,
            "may_import": is_bureau_staff(request.user),
        },
    )


@bureau_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch.objects.select_related("uploaded_by"), request.user, pk=pk)
    return render(
        request,
        "quality/import_detail.html",
        {"batch": batch, "files": attachments_of(batch), "pending": batch.status == ImportStatus.PENDING},
    )


@require_POST
@bureau_required
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch, request.user, pk=pk)
    try:
        services.commit_import(batch, actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已导入 %(n)s 条记录") % {"n": batch.created + batch.replaced})
    return redirect(batch.get_absolute_url())


@require_POST
@bureau_required
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_visible_or_404(ImportBatch, request.user, pk=pk)
    try:
        services.cancel_import(batch, actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(batch.get_absolute_url())


@bureau_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in DataKind.values:
        raise Http404
    from epb.quality.templates_xlsx import template_workbook

    response = HttpResponse(template_workbook(kind, template_columns(kind)), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''quality-{kind}-template.xlsx"
    return response


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
        services.acknowledge_warning(warning, actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(warning.get_absolute_url())


@require_POST
@bureau_required
def warning_close(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_visible_or_404(EarlyWarning, request.user, pk=pk)
    form = CloseWarningForm(request.POST)
    if form.is_valid():
        try:
            services.close_warning(warning, actor=_actor(request), note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
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
                services.save_threshold(actor=_actor(request), instance=instance, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _form_error(form, exc)
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
        messages.error(request, _error_text(exc))
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
