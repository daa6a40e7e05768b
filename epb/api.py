"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from epb import __version__
from epb.core.api_auth import session_auth, token_auth

api = NinjaAPI(
    title="epb API",
    version="1",
    description=(
        "环保局业务平台接口 — session auth for the staff UI, `Authorization: Bearer <token>` for machines."
    ),
    urls_namespace="api",
    # The token first: a Bearer header is never sent by a browser on its own, so a request that
    # carries a valid one is a machine client's, whatever cookies it also holds.
    auth=[token_auth, session_auth],
)

# (url prefix, app label, module holding ``router``): mounted when the app is installed.
APP_ROUTERS = [
    ("core", "core", "epb.core.api"),
    ("enterprises", "enterprises", "epb.enterprises.api"),
    ("monitoring", "monitoring", "epb.monitoring.api"),
    ("quality", "quality", "epb.quality.api"),
    ("enforcement", "enforcement", "epb.enforcement.api"),
    ("complaints", "complaints", "epb.complaints.api"),
]

for prefix, label, module_name in APP_ROUTERS:
    if prefix == "core":
        api.add_router("/", importlib.import_module(module_name).router)
    elif apps.is_installed(f"epb.{label}"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        api.add_router(f"/{prefix}/", module.router)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到 / not found"}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权限 / forbidden"}, status=403)


__all__ = ["__version__", "api"]
