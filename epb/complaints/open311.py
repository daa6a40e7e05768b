"""Open311 GeoReport v2 under /open311/v2/: services, service definitions, POST and GET requests,
tokens, and service discovery; XML (required by the spec) and JSON (its Spark mapping).

Field names follow the specification exactly. Our mapping:

* ``service_code``: a pollution sub-type (``air.odour``), a type for "other …" (``air``), or
  ``consultation``; ``group`` is the type's name.
* ``service_request_id``: the case number (``2026-000042``); the tracking code a citizen holds
  works as a ``token`` (``tokens/{code}``) that resolves to it.
* ``status``: ``open`` while the case is received, accepted, awaiting sign-off or under review;
  ``closed`` once replied, declined, transferred or merged (``rules.OPEN311_STATUS``).
* ``status_notes``: the public reply once signed, or the decision (reason for refusal, body it
  was transferred to), or the stage.
* ``expected_datetime``: the running statutory deadline (acceptance, handling, consultation).
* POST needs an ``api_key``: a core API token (``ApiToken``; issued per client, e.g. the city's
  12345 platform or a WeChat bridge); ``Authorization: Bearer`` is accepted too.

Without a key GET returns only what the public may see: published cases, their published text,
the grid instead of the typed address, coordinates rounded to about 100 m, no contact data ever.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db import DataError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from epb.complaints import rules, services
from epb.complaints.choices import Channel, Kind, ReplyStatus, Status
from epb.complaints.conf import setting
from epb.complaints.models import Complaint, PollutionType
from epb.complaints.services.handling import due_dates, masked_description
from epb.core.attachments import attachments_of
from epb.core.models import ApiToken, User
from epb.lib.codes import check_tracking_code

logger = logging.getLogger("django.request")

CONSULTATION = "consultation"
SPEC = "http://wiki.open311.org/GeoReport_v2"
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- rendering ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml_element(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_element(node, key, child)
    elif isinstance(value, list):
        item_name = _ITEMS.get(name, "item")
        for child in value:
            _xml_element(node, item_name, child)
    else:
        node.text = _text(value)


# The XML wrapper element of each list, and of each item in it.
_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """``data`` as XML under ``root`` (lists become repeated items) or as JSON (the bare list or object)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    element = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _xml_element(element, _ITEMS[root], item)
    else:
        for key, value in data.items():
            _xml_element(element, key, value)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body.encode("utf-8"), status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        fmt if fmt in ("json", "xml") else "xml",
        "errors",
        [{"code": status, "description": description}],
        status,
    )


def _w3(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


def _parse_w3(name: str, text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C datetime such as 2026-01-01T00:00:00Z") from None
    if value.tzinfo is None:
        raise Open311Error(400, f"{name} must include a timezone (Z or ±HH:MM)")
    return value


# -- services -----------------------------------------------------------------------------------

NOTICE = {
    Kind.COMPLAINT: (
        "依法在15日内决定是否受理并告知举报人；受理后60日内办结，情况复杂的经批准可延长不超过30日。"
    ),
    Kind.CONSULTATION: "咨询在5个工作日内答复。",
}


def _services() -> list[dict[str, Any]]:
    out = []
    for top in PollutionType.objects.filter(parent=None, is_active=True).prefetch_related("children"):
        for sub in [c for c in top.children.all() if c.is_active] + [top]:
            name = sub.name if sub.parent_id else f"{top.name}（其他）"
            out.append(
                {
                    "service_code": sub.code,
                    "service_name": name,
                    "description": f"{top.name}：{sub.name if sub.parent_id else '其他'}",
                    "metadata": True,
                    "type": "realtime",
                    "keywords": ", ".join(dict.fromkeys([top.name, sub.name])),
                    "group": top.name,
                }
            )
    out.append(
        {
            "service_code": CONSULTATION,
            "service_name": "环境咨询",
            "description": "环境保护政策、办事程序等咨询",
            "metadata": True,
            "type": "realtime",
            "keywords": "咨询",
            "group": "咨询",
        }
    )
    return out


ATTRIBUTES = [
    {
        "variable": True,
        "code": "reported_unit",
        "datatype": "string",
        "required": False,
        "datatype_description": "单位名称",
        "order": 1,
        "description": "被举报单位（如知道）",
        "values": [],
    },
    {
        "variable": True,
        "code": "is_mass",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "",
        "order": 2,
        "description": "是否涉及多人（群体性）",
        "values": [{"key": "0", "name": "否"}, {"key": "1", "name": "是"}],
    },
]


def _service(code: str) -> tuple[str, PollutionType | None, PollutionType | None]:
    """(kind, type, sub-type) of a service_code; Open311Error 404 when unknown."""
    if code == CONSULTATION:
        return Kind.CONSULTATION, None, None
    chosen = PollutionType.objects.filter(code=code, is_active=True).select_related("parent").first()
    if chosen is None:
        raise Open311Error(404, f"service_code {code} was not found")
    if chosen.parent is None:
        return Kind.COMPLAINT, chosen, None
    return Kind.COMPLAINT, chosen.parent, chosen


# -- requests -----------------------------------------------------------------------------------


def _client(request: HttpRequest) -> User | None:
    """The machine client's user, from ``api_key`` (or a Bearer header); None when none is given."""
    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    header = request.headers.get("Authorization", "")
    if not key and header.startswith("Bearer "):
        key = header[7:].strip()
    if not key:
        return None
    record = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
    if record is None or not record.is_usable() or not record.user.is_active:
        raise Open311Error(403, "api_key is invalid, expired or revoked")
    request.open311_client = record  # type: ignore[attr-defined]
    return record.user


def _viewer(request: HttpRequest) -> Any:
    client = _client(request)
    if client is not None:
        return client
    return request.user if request.user.is_authenticated else AnonymousUser()


def _check_text(request: HttpRequest) -> None:
    """No parameter may carry a NUL character: PostgreSQL cannot store or compare one."""
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise Open311Error(400, f"{key.replace(chr(0), '')} may not contain NUL characters")


def _check_jurisdiction(request: HttpRequest) -> None:
    wanted = setting("COMPLAINTS_OPEN311_JURISDICTION")
    given = (request.POST.get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
    if wanted and given and given != wanted:
        raise Open311Error(404, f"jurisdiction_id {given} was not found")


def _status_notes(case: Complaint, names: Sequence[str]) -> str:
    if case.status == Status.MERGED and case.duplicate_of is not None:
        return f"与{case.duplicate_of.number}合并办理"
    if case.status == Status.DECLINED and case.decline_reason is not None:
        return f"不予受理：{case.decline_reason.label}"
    if case.status == Status.TRANSFERRED and case.transferred_to is not None:
        return f"已移送{case.transferred_to.name}"
    if case.status in (Status.REPLIED, Status.REVIEW):
        reply = case.replies.filter(status=ReplyStatus.SIGNED).order_by("-signed_at").first()
        if reply is not None:
            return rules.redact(reply.text, names)
    return str(case.get_status_display())


def _media_url(case: Complaint) -> str | None:
    for attachment in attachments_of(case):
        if attachment.is_public and attachment.mime_type.startswith("image/"):
            return settings.SITE_URL.rstrip("/") + reverse("core:attachment", args=[attachment.pk])
    return None


def _agency(case: Complaint) -> str:
    if case.transferred_to is not None:
        return case.transferred_to.name
    parts = [case.grid.full_name() if case.grid else "", case.department.name if case.department else ""]
    return " / ".join(p for p in parts if p) or "12369环境信访投诉受理中心"


def _request_data(case: Complaint, *, full: bool) -> dict[str, Any]:
    """One request in spec fields. ``full``: the viewer has jurisdiction over the case (staff);
    otherwise only what the public may see."""
    ptype = case.sub_type or case.pollution_type
    if case.kind == Kind.CONSULTATION or ptype is None:
        code, name = CONSULTATION, "环境咨询"
    else:
        code, name = ptype.code, ptype.name
    contact = case.contact
    names = [contact.name] if contact is not None else []
    due = [d for d in due_dates(case).values() if d is not None]
    closed = rules.open311_status(case.status) == "closed"
    if full:
        description = masked_description(case)
        address = case.address or (case.grid.full_name() if case.grid else "")
        lat, lon = case.latitude, case.longitude
    else:
        description = case.public_summary if case.is_public else ""
        address = case.grid.full_name() if case.grid else ""
        lat = round(case.latitude, 3) if case.latitude is not None else None
        lon = round(case.longitude, 3) if case.longitude is not None else None
    return {
        "service_request_id": case.number,
        "status": rules.open311_status(case.status),
        "status_notes": _status_notes(case, names),
        "service_name": name,
        "service_code": code,
        "description": description,
        "agency_responsible": _agency(case),
        "service_notice": NOTICE.get(case.kind, ""),  # type: ignore[call-overload]
        "requested_datetime": _w3(case.received_at),
        "updated_datetime": _w3(case.closed_at if closed and case.closed_at else case.updated_at),
        "expected_datetime": _w3(min(due)) if due and not closed else None,
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": _media_url(case),
    }


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _query(request: HttpRequest, viewer: Any) -> list[Complaint]:
    qs = Complaint.objects.visible_to(viewer).select_related(
        "pollution_type", "sub_type", "grid", "department", "transferred_to", "decline_reason", "duplicate_of"
    )
    ids = _split(request.GET.get("service_request_id", ""))
    if ids:
        return list(qs.filter(number__in=ids)[: setting("COMPLAINTS_OPEN311_MAX_RESULTS")])
    codes = _split(request.GET.get("service_code", ""))
    if codes:
        q = Q(pk__in=[])
        for code in codes:
            kind, top, sub = _service(code)
            if kind == Kind.CONSULTATION:
                q |= Q(kind=Kind.CONSULTATION)
            elif sub is not None:
                q |= Q(sub_type=sub)
            else:
                q |= Q(pollution_type=top, sub_type__isnull=True)
        qs = qs.filter(q)
    window = dt.timedelta(days=setting("COMPLAINTS_OPEN311_WINDOW_DAYS"))
    start_text, end_text = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    end = _parse_w3("end_date", end_text) if end_text else timezone.now()
    start = _parse_w3("start_date", start_text) if start_text else end - window
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > window:
        raise Open311Error(400, f"start_date and end_date may not span more than {window.days} days")
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    statuses = _split(request.GET.get("status", ""))
    if statuses:
        if set(statuses) - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        wanted = [s for s, o in rules.OPEN311_STATUS.items() if o in statuses]
        qs = qs.filter(status__in=wanted)
    return list(qs.order_by("-received_at")[: setting("COMPLAINTS_OPEN311_MAX_RESULTS")])


def _requests(cases: Iterable[Complaint], viewer: Any) -> list[dict[str, Any]]:
    # Staff see only cases within their jurisdiction (visible_to), so for them the full record is fine.
    from epb.complaints.services.common import is_staff

    full = is_staff(viewer)
    return [_request_data(case, full=full) for case in cases]


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    if client is None:
        raise Open311Error(403, "api_key is required to POST a service request")
    data = request.POST
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    kind, top, sub = _service(code)
    lat_text, long_text = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address = (data.get("address_string") or "").strip()
    address_id = (data.get("address_id") or "").strip()
    lat = lon = None
    if lat_text or long_text:
        try:
            lat, lon = float(lat_text), float(long_text)
        except ValueError:
            raise Open311Error(400, "lat and long must both be given as decimal degrees (WGS84)") from None
    if lat is None and not address and not address_id and kind == Kind.COMPLAINT:
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    if address_id and not address:
        address = f"address_id {address_id}"
    description = (data.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required")
    if len(description) > 4000:
        raise Open311Error(400, "description is limited to 4,000 characters")
    name = f"{(data.get('last_name') or '').strip()}{(data.get('first_name') or '').strip()}"
    phone = (data.get("phone") or "").strip()
    email = (data.get("email") or "").strip()
    real = bool(name and (phone or email))
    record: ApiToken = request.open311_client  # type: ignore[attr-defined]
    intake = services.IntakeData(
        kind=kind,
        channel=Channel.OPEN311,
        channel_detail=record.name,
        description=description,
        pollution_type=top,
        sub_type=sub,
        longitude=lon,
        latitude=lat,
        location_source="client" if lat is not None else "",
        address=address,
        reported_unit=(data.get("attribute[reported_unit]") or "").strip(),
        is_mass=(data.get("attribute[is_mass]") or "") == "1",
        anonymous=not real,
        contact=services.ContactData(name=name, phone=phone, email=email) if real else None,
    )
    try:
        case = services.submit(intake, actor=client, actor_label=f"Open311:{record.name}")
    except ValidationError as exc:
        messages = [m for values in getattr(exc, "message_dict", {"": exc.messages}).values() for m in values]
        raise Open311Error(400, "；".join(messages)) from None
    media = (data.get("media_url") or "").strip()
    if media:
        from epb.complaints.choices import EventKind
        from epb.complaints.services.common import event

        event(case, EventKind.NOTE, actor=client, text=f"media_url: {media[:500]}")
    body = [{"service_request_id": case.number, "service_notice": NOTICE.get(kind, ""), "account_id": None}]  # type: ignore[call-overload]
    return render(fmt, "service_requests", body, status=201)


# -- views --------------------------------------------------------------------------------------


def _guard(view: Any) -> Any:
    """Turn errors into the spec's error documents (400/403/404) in the requested format."""

    def wrapped(request: HttpRequest, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
        try:
            _check_text(request)
            _check_jurisdiction(request)
            response: HttpResponse = view(request, fmt, **kwargs)
            return response
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except PermissionDenied as exc:
            return error(fmt, 403, str(exc) or "forbidden")
        except RequestDataTooBig:
            return error(fmt, 413, "the request body is too large")
        except (SuspiciousOperation, MultiPartParserError):
            return error(fmt, 400, "the request body cannot be read")
        except (DataError, OverflowError):
            return error(fmt, 400, "a value is out of range")
        except Exception as exc:
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=exc,
                extra={"status_code": 500, "request": request},
            )
            return error(fmt, 500, "internal server error")

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


@_guard
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = (
        settings.SITE_URL.rstrip("/")
        + reverse("open311:services", kwargs={"fmt": "xml"}).rsplit("/", 1)[0]
        + "/"
    )
    data = {
        "changeset": "2026-01-01T00:00:00+08:00",
        "contact": f"{settings.SITE_NAME} 12369",
        "key_service": _("向本局申请接口令牌（api_key）"),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-01-01T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


@_guard
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method != "GET":
        raise Open311Error(400, "services is read-only")
    return render(fmt, "services", _services())


@_guard
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    _service(code)
    return render(fmt, "service_definition", {"service_code": code, "attributes": ATTRIBUTES})


@_guard
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, "use GET or POST")
    viewer = _viewer(request)
    return render(fmt, "service_requests", _requests(_query(request, viewer), viewer))


@_guard
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    viewer = _viewer(request)
    case = Complaint.objects.visible_to(viewer).filter(number=request_id).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {request_id} was not found")
    return render(fmt, "service_requests", _requests([case], viewer))


@_guard
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """A tracking code (the token a citizen holds) resolves to its service_request_id."""
    check = check_tracking_code(token)
    case = Complaint.objects.filter(tracking_code=check.normalized).first() if check.valid else None
    if case is None:
        raise Open311Error(404, f"token {token} was not found")
    return render(fmt, "service_requests", [{"service_request_id": case.number, "token": token}])


@_guard
def not_found(request: HttpRequest, fmt: str = "xml", **_kwargs: Any) -> HttpResponse:
    raise Open311Error(404, "unknown resource or format (use .xml or .json)")
