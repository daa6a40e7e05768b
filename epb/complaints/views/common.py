"""Helpers shared by the centre's views."""

from __future__ import annotations

import json
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from epb.core.models import OrgUnit, User


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def form_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields where they match, the rest on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or "无权限"
    if hasattr(exc, "error_dict"):
        return "；".join(f"{m}" for messages_ in exc.message_dict.values() for m in messages_)
    return "；".join(exc.messages)


def flash_errors(request: HttpRequest, form: BaseForm) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))


def map_config(*, polygons_level: str = "town", extra: dict[str, Any] | None = None) -> str:
    """The ``data-map`` JSON for epb.js: grid polygons, the tile URL (may be empty) and the centre."""
    units = OrgUnit.objects.filter(is_active=True, level=polygons_level, geometry__isnull=False).values_list(
        "name", "geometry"
    )
    config: dict[str, Any] = {
        "center": list(settings.MAP_CENTER),
        "zoom": 10,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "polygons": [{"geometry": geometry, "label": name} for name, geometry in units],
    }
    config.update(extra or {})
    return json.dumps(config, ensure_ascii=False, separators=(",", ":"))


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def me(request: HttpRequest) -> User:
    """The signed-in user of a staff view (``staff_required`` has checked there is one)."""
    return cast(User, request.user)


def bureau_staff(view: Any) -> Any:
    """The centre's staff pages: bureau staff only. Enterprise accounts use the staff UI for their
    own data, but nothing of the 12369 centre is theirs (not even bureau-wide daily reports)."""
    from epb.core.views import bureau_staff_required

    return bureau_staff_required(view)
