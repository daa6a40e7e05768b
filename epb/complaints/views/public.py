"""Public pages (portal): the complaint form (mobile first), SMS verification, duplicate suggestions,
the tracking page, the public reply wall and listed-supervision notices. Nothing personal is shown:
free text appears only after staff publish a redacted version."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from epb.complaints import rules, services
from epb.complaints.choices import Channel, Kind, LocationSource, ReplyStatus, SupervisionStatus
from epb.complaints.conf import setting
from epb.complaints.forms import PublicComplaintForm, resolve_type
from epb.complaints.models import Complaint, ReviewRequest, Supervision
from epb.complaints.services import verification
from epb.complaints.services.handling import due_dates
from epb.complaints.views.common import form_errors, map_config
from epb.core.attachments import attach
from epb.core.middleware import client_ip
from epb.lib.codes import check_tracking_code, mask_mobile
from epb.lib.geo import gcj02_to_wgs84

SESSION_DONE = "complaints_done_code"
TRACK_LIMIT = 30  # look-ups per address per 10 minutes; codes are unguessable, this only damps abuse


def _location(data: dict[str, Any]) -> tuple[float | None, float | None, str]:
    lon, lat = data.get("longitude"), data.get("latitude")
    if lon is None or lat is None:
        return None, None, ""
    source = data.get("location_source") or LocationSource.MAP
    if source not in (LocationSource.MAP, LocationSource.GPS):
        source = LocationSource.MAP
    if source == LocationSource.MAP and setting("COMPLAINTS_MAP_PICKS_GCJ02"):
        lon, lat = gcj02_to_wgs84(lon, lat)
    return round(lon, 6), round(lat, 6), source


def public_new(request: HttpRequest) -> HttpResponse:
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        complaint = _submit(request, form)
        if complaint is not None:
            request.session[SESSION_DONE] = complaint.tracking_code
            return redirect("complaints:public_done")
    return render(
        request,
        "complaints/public/new.html",
        {"form": form, "map_json": map_config(extra={"pick": True})},
    )


def _submit(request: HttpRequest, form: PublicComplaintForm) -> Complaint | None:
    data = form.cleaned_data
    pollution_type, sub_type = resolve_type(data.get("type_code") or "")
    lon, lat, source = _location(data)
    real = data["identity"] == "real"
    add_to = None
    if data.get("add_to"):
        if lon is None or lat is None or pollution_type is None:
            form.add_error(None, _("补充到已有投诉须标注位置并选择污染类型"))
            return None
        nearby = {case.number: case for case, _d in services.duplicate_candidates(lon, lat, pollution_type)}
        add_to = nearby.get(data["add_to"])
        if add_to is None:
            form.add_error(None, _("所选的已有投诉不在附近或已办结，请重新选择"))
            return None
    contact = (
        services.ContactData(
            name=data["name"],
            phone=data["phone"],
            phone_verified=True,
            address=data.get("contact_address", ""),
        )
        if real
        else None
    )
    intake = services.IntakeData(
        kind=data["kind"],
        channel=Channel.WEB,
        description=data["description"],
        pollution_type=pollution_type,
        sub_type=sub_type,
        longitude=lon,
        latitude=lat,
        location_source=source,
        address=data.get("address", ""),
        reported_unit=data.get("reported_unit", ""),
        anonymous=not real,
        contact=contact,
        add_to=add_to,
    )
    user = (
        request.user
        if request.user.is_authenticated and getattr(request.user, "role", "") == "public"
        else None
    )
    try:
        services.validate(intake)
        if real and contact is not None:
            contact.phone = verification.verify_code(data["phone"], data["sms_code"])
    except ValidationError as exc:
        form_errors(form, exc)
        return None
    try:
        with transaction.atomic():
            complaint = services.submit(
                intake, actor=None, submitted_by=user, actor_label=_("公众（网上举报）")
            )
            for upload in data["photos"]:
                attach(complaint, upload, actor=None, name=upload.name, org_unit=complaint.grid)
    except ValidationError as exc:
        if real:
            verification.release(data["phone"])
        form_errors(form, exc)
        return None
    return complaint


@require_POST
def public_sms(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone", "")
    try:
        number = verification.send_code(phone, ip=client_ip(request))
    except ValidationError as exc:
        return render(request, "complaints/public/_sms.html", {"error": "；".join(exc.messages)})
    return render(request, "complaints/public/_sms.html", {"sent_to": mask_mobile(number)})


@require_GET
def public_duplicates(request: HttpRequest) -> HttpResponse:
    candidates: list[tuple[Complaint, float]] = []
    try:
        lon = float(request.GET.get("longitude", ""))
        lat = float(request.GET.get("latitude", ""))
    except ValueError:
        lon = lat = None  # type: ignore[assignment]
    pollution_type, _sub = resolve_type(request.GET.get("type_code", ""))
    if (
        lon is not None
        and lat is not None
        and pollution_type is not None
        and request.GET.get("kind", "complaint") == Kind.COMPLAINT
    ):
        candidates = services.duplicate_candidates(lon, lat, pollution_type)
    return render(
        request,
        "complaints/public/_duplicates.html",
        {
            "candidates": [{"case": c, "distance": round(d)} for c, d in candidates],
            "radius": setting("COMPLAINTS_DUPLICATE_RADIUS_M"),
        },
    )


def public_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_DONE)
    if not code:
        return redirect("complaints:public_track")
    complaint = Complaint.objects.filter(tracking_code=code).first()
    return render(request, "complaints/public/done.html", {"code": code, "complaint": complaint})


def _root(complaint: Complaint) -> Complaint:
    while complaint.duplicate_of is not None:
        complaint = complaint.duplicate_of
    return complaint


def public_view(complaint: Complaint) -> dict[str, Any]:
    """What a tracking-code holder sees: no contact data, no internal notes, the reply masked."""
    root = _root(complaint)
    contact = complaint.contact
    names = [contact.name] if contact is not None else []
    reply = root.replies.filter(status=ReplyStatus.SIGNED).order_by("-signed_at").first()
    due = [d for d in due_dates(root).values() if d is not None]
    reviews = ReviewRequest.objects.filter(complaint=root).order_by("requested_at")
    return {
        "complaint": complaint,
        "root": root,
        "merged": root.pk != complaint.pk,
        "events": [e for e in complaint.events.filter(public=True)]
        + (list(root.events.filter(public=True)) if root.pk != complaint.pk else []),
        "reply_text": rules.redact(reply.text, names) if reply is not None else "",
        "reply_date": reply.signed_at if reply is not None else None,
        "due": min(due) if due else None,
        "reviews": [
            {
                "stage": r.get_stage_display(),
                "requested_at": r.requested_at,
                "decision": rules.redact(r.decision, names),
                "decided_at": r.decided_at,
            }
            for r in reviews
        ],
        "unit": root.transferred_to.name
        if root.transferred_to
        else (root.grid.full_name() if root.grid else _("分派中")),
    }


def public_track(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"code": ""}
    if request.method == "POST":
        code = request.POST.get("code", "")
        context["code"] = code
        key = f"epb:complaints-track:{client_ip(request)}"
        count = (cache.get(key) or 0) + 1
        cache.set(key, count, 600)
        check = check_tracking_code(code)
        if count > TRACK_LIMIT:
            context["error"] = _("查询过于频繁，请稍后再试")
        elif not check.valid:
            context["error"] = check.message
        else:
            complaint = Complaint.objects.filter(tracking_code=check.normalized).first()
            if complaint is None:
                context["error"] = _("没有找到该查询码对应的信访件，请核对")
            else:
                context.update(public_view(complaint))
                context["found"] = True
    return render(request, "complaints/public/track.html", context)


def public_list(request: HttpRequest) -> HttpResponse:
    """The public reply wall: cases staff chose to publish, with their published text and reply."""
    qs = (
        Complaint.objects.published()
        .select_related("grid", "district", "pollution_type", "sub_type")
        .order_by("-published_at")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    items = []
    for case in page:
        reply = case.replies.filter(status=ReplyStatus.SIGNED).order_by("-signed_at").first()
        contact = case.contact
        items.append(
            {
                "case": case,
                "reply": rules.redact(reply.text, [contact.name] if contact else []) if reply else "",
                "replied_at": reply.signed_at if reply else None,
            }
        )
    return render(request, "complaints/public/list.html", {"page": page, "items": items})


def public_supervision(request: HttpRequest) -> HttpResponse:
    qs = (
        Supervision.objects.published()
        .select_related("grid", "enterprise", "previous")
        .prefetch_related("actions")
    )
    years: dict[int, list[Supervision]] = {}
    for item in qs.order_by("-year", "listed_at"):
        years.setdefault(item.year, []).append(item)
    return render(
        request,
        "complaints/public/supervision.html",
        {
            "years": sorted(years.items(), reverse=True),
            "statuses": SupervisionStatus,
            "site": settings.SITE_NAME,
        },
    )
