"""What the quality module's pages share: access, parameters, form errors, maps."""

from __future__ import annotations

import json
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from epb.core.models import User
from epb.core.views import staff_required
from epb.quality.services.access import may_handle_warnings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def actor_of(request: HttpRequest) -> User:
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


def int_param(request: HttpRequest, name: str, default: int, low: int = 1900, high: int = 2200) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def form_error(form: Any, exc: ValidationError | PermissionDenied) -> None:
    """A service's error on the form: on its field when the form has one, else above the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(
        None, exc.messages if isinstance(exc, ValidationError) else str(exc) or _("无权进行此操作")
    )


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(f"{'；'.join(str(m) for m in msgs)}" for msgs in exc.message_dict.values())
    return "；".join(exc.messages)


def map_json(points: list[dict[str, Any]]) -> str:
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
