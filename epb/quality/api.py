"""The quality module's JSON API, mounted under /api/v1/quality/ (epb/api.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from epb.core.models import User
from epb.core.schemas import Id, Month, Offset, Year
from epb.core.visibility import get_visible_or_404
from epb.lib.documents import to_dict
from epb.lib.timeutil import day_bounds
from epb.quality import board, public, reports, rules, services
from epb.quality.choices import ReportKind, SiteKind, WarningStatus
from epb.quality.data import WaterData, beijing_today
from epb.quality.models import (
    AirStation,
    EarlyWarning,
    ImportBatch,
    NoisePoint,
    Target,
    WaterSample,
    WaterSite,
)
from epb.quality.schemas import (
    CloseIn,
    EvaluationOut,
    ImportOut,
    NoisePointOut,
    StationOut,
    TargetOut,
    WarningOut,
    WaterSampleOut,
    WaterSiteOut,
)
from epb.quality.services.access import is_bureau_staff

router = Router(tags=["quality"])


def _actor(request: HttpRequest) -> User:
    """The signed-in user (the decorators and the API's auth have made sure there is one)."""
    return cast(User, request.user)


def _page(limit: int, offset: Offset) -> slice:
    offset = max(0, offset)
    return slice(offset, offset + max(1, min(limit, 2000)))


@router.get("/sites", response=list[WaterSiteOut])
def list_sites(request: HttpRequest, kind: str = "", taihu: bool | None = None, water_body: str = "") -> Any:
    qs = WaterSite.objects.visible_to(request.user).select_related("water_body")
    if kind:
        if kind not in SiteKind.values:
            raise ValidationError({"kind": f"未知的类型 / unknown kind: {kind}"})
        qs = qs.filter(kind=kind)
    if taihu is not None:
        qs = qs.filter(taihu_assessment=taihu)
    if water_body:
        qs = qs.filter(water_body__name=water_body)
    return qs


@router.get("/sites/{site_id}", response=WaterSiteOut)
def get_site(request: HttpRequest, site_id: Id) -> Any:
    return get_visible_or_404(WaterSite.objects.select_related("water_body"), request.user, pk=site_id)


@router.get("/sites/{site_id}/samples", response=list[WaterSampleOut])
def list_samples(
    request: HttpRequest,
    site_id: Id,
    start: date | None = None,
    end: date | None = None,
    limit: int = 500,
    offset: Offset = 0,
) -> Any:
    site = get_visible_or_404(WaterSite, request.user, pk=site_id)
    qs = WaterSample.objects.visible_to(request.user).filter(site=site).order_by("sampled_at")
    if start:
        qs = qs.filter(sampled_at__gte=day_bounds(start)[0])
    if end:
        qs = qs.filter(sampled_at__lt=day_bounds(end)[1])
    return qs[_page(limit, offset)]


@router.get("/sites/{site_id}/evaluation", response=EvaluationOut)
def evaluate_site(request: HttpRequest, site_id: Id, year: Year, month: Month | None = None) -> Any:
    """A site's class for a month (the monthly mean) or a year (the annual mean by the configured path)."""
    site = get_visible_or_404(WaterSite.objects.select_related("water_body"), request.user, pk=site_id)
    if month is not None and not 1 <= month <= 12:
        raise ValidationError({"month": "月份应为1–12 / month must be 1-12"})
    data = WaterData([site], [year])
    values = data.monthly(site.pk).get((year, month), {}) if month else data.annual(site.pk, year)
    result = rules.evaluate(values, site.evaluated_as, site.target_class or None)
    return {
        "site_id": site.pk,
        "year": year,
        "month": month,
        "water_body": site.evaluated_as,
        "water_class": result.water_class if result else None,
        "class_label": rules.class_label_of(result.water_class) if result else None,
        "grade": result.grade if result else None,
        "target_class": site.target_class or None,
        "meets_target": result.meets_target if result else None,
        "main_pollutants": result.main_pollutants_text() if result else [],
        "items": {c: i.to_dict() for c, i in result.items.items()} if result else {},
        "months": 1 if month else len(data.monthly_of_year(site.pk, year)),
        "aggregation": "monthly_mean" if month else str(data.annual_path),
    }


@router.get("/stations", response=list[StationOut])
def list_stations(request: HttpRequest) -> Any:
    return AirStation.objects.visible_to(request.user)


@router.get("/stations/{station_id}/aqi")
def station_aqi(request: HttpRequest, station_id: Id, day: date | None = None) -> dict[str, Any]:
    station = get_visible_or_404(AirStation, request.user, pk=station_id)
    day = day or beijing_today()
    result = public.station_aqi(station, day)
    return {"station_id": station.pk, "date": day, "result": None if result is None else result.to_dict()}


@router.get("/noise-points", response=list[NoisePointOut])
def list_noise_points(request: HttpRequest) -> Any:
    return NoisePoint.objects.visible_to(request.user)


def _staff(request: HttpRequest) -> None:
    user = request.user
    if not (is_bureau_staff(user) or getattr(user, "role", "") == "grid_officer"):
        raise PermissionDenied("仅供环保局工作人员 / bureau staff only")


@router.get("/board", response=list[TargetOut])
def get_board(request: HttpRequest, year: Year) -> Any:
    _staff(request)
    return [r.as_dict() for r in board.build_board(year, request.user)]


@router.get("/board/{target_id}", response=TargetOut)
def get_target(request: HttpRequest, target_id: Id) -> Any:
    _staff(request)
    target = Target.objects.filter(pk=target_id).first()
    if target is None:
        from django.http import Http404

        raise Http404
    return board.evaluate_target(target, request.user).as_dict()


@router.get("/reports/{kind}")
def get_report(request: HttpRequest, kind: str, day: date) -> dict[str, Any]:
    """A report as structured data (the same content as its page, Word and Excel renderings)."""
    _staff(request)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": f"未知的报告 / unknown report: {kind}"})
    return to_dict(reports.build(kind, day, request.user))


@router.get("/warnings", response=list[WarningOut])
def list_warnings(request: HttpRequest, status: str = "", limit: int = 200, offset: Offset = 0) -> Any:
    qs = EarlyWarning.objects.visible_to(request.user)
    if status:
        if status not in WarningStatus.values:
            raise ValidationError({"status": f"未知的状态 / unknown status: {status}"})
        qs = qs.filter(status=status)
    return qs[_page(limit, offset)]


@router.post("/warnings/{warning_id}/acknowledge", response=WarningOut)
def acknowledge(request: HttpRequest, warning_id: Id) -> Any:
    warning = get_visible_or_404(EarlyWarning, request.user, pk=warning_id)
    return services.acknowledge_warning(warning, actor=_actor(request))


@router.post("/warnings/{warning_id}/close", response=WarningOut)
def close(request: HttpRequest, warning_id: Id, payload: CloseIn) -> Any:
    warning = get_visible_or_404(EarlyWarning, request.user, pk=warning_id)
    return services.close_warning(warning, actor=_actor(request), note=payload.note)


@router.post("/imports", response={200: ImportOut, 422: ImportOut})
def create_import(
    request: HttpRequest, kind: Form[str], file: File[UploadedFile], commit: Form[bool] = False
) -> Any:
    """Upload a sheet: checked, kept, and with ``commit`` imported at once when it has no error.
    A sheet with errors is answered 422 with every bad row and imports nothing."""
    from django.conf import settings

    if file.size and file.size > settings.EPB_MAX_UPLOAD_BYTES:
        raise ValidationError({"file": "文件过大 / file too large"})
    content = file.read()
    upload = services.import_results if commit else services.upload_import
    batch = upload(actor=_actor(request), kind=kind, file_name=file.name or "upload", content=content)
    return Status(422 if batch.errors else 200, batch)


@router.post("/imports/{batch_id}/commit", response=ImportOut)
def commit(request: HttpRequest, batch_id: Id) -> Any:
    batch = get_visible_or_404(ImportBatch, request.user, pk=batch_id)
    return services.commit_import(batch, actor=_actor(request))


@router.get("/imports/{batch_id}", response=ImportOut)
def get_import(request: HttpRequest, batch_id: Id) -> Any:
    return get_visible_or_404(ImportBatch, request.user, pk=batch_id)


@router.get("/public", auth=None)
def public_summary(request: HttpRequest) -> dict[str, Any]:
    """What the public page shows: published results only."""
    summary = public.summary(beijing_today())
    rates = summary["noise_rates"]
    return {
        "date": summary["today"],
        "air": [
            {"station": row["station"].name, "today": row["today"], "yesterday": row["yesterday"]}
            for row in summary["air_rows"]
        ],
        "city": summary["city"],
        "water_month": summary["water_month"],
        "water": [
            {
                "site": r["site"].name,
                "water_body": r["site"].water_body.name,
                "class": r["class"],
                "grade": r["grade"],
            }
            for r in summary["water_rows"]
        ],
        "noise_year": summary["noise_year"],
        "noise": None if rates is None else rates.to_dict(),
    }
