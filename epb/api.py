"""The JSON API under /api/v1/: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser

from epb import __version__
from epb.core.api_auth import session_auth, token_auth

logger = logging.getLogger("django.request")


class UnsupportedMediaType(Exception):
    """A body that is not declared as JSON."""


NUL_MESSAGE = "文本不能含 NUL 字符 / text may not contain NUL characters"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class JSONParser(Parser):
    """Bodies are JSON and say so: a form or plain-text body is refused (415), not guessed at.

    No text may carry a NUL character: PostgreSQL cannot store or compare one (SQLite can), so
    it is refused up front, the same on both databases, instead of failing inside a query."""

    def parse_body(self, request: HttpRequest) -> Any:
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(content_type or "none")
        data = super().parse_body(request)
        if _has_nul(data):
            raise ValidationError({"body": [NUL_MESSAGE]})
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        if _has_nul(result):
            raise ValidationError({"query": [NUL_MESSAGE]})
        return result


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"description": "a message, or the errors by field"}},
    "required": ["detail"],
}


class EpbNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Every operation documents the errors it can answer with, all in the one shape
        ``{"detail": ...}``: clients (and schema-driven test tools) can expect them."""
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                codes = []
                if operation.get("security"):
                    codes += [("401", "Not authenticated"), ("403", "Forbidden")]
                if "{" in path or operation.get("requestBody"):
                    codes.append(("404", "Not found, or not in the caller's jurisdiction"))
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.append(("422", "Invalid input"))
                if operation.get("requestBody"):
                    codes += [("400", "Malformed body"), ("409", "Conflict"), ("413", "Body too large")]
                    if "application/json" in operation["requestBody"].get("content", {}):
                        codes.append(("415", "Body is not JSON"))
                responses = operation.setdefault("responses", {})
                for code, description in codes:
                    responses.setdefault(code, {"description": description, **error})
        return schema


api = EpbNinjaAPI(
    title="epb API",
    version="1",
    description=(
        "环保局业务平台接口 — session auth for the staff UI, `Authorization: Bearer <token>` for machines."
    ),
    urls_namespace="api",
    # The token first: a Bearer header is never sent by a browser on its own, so a request that
    # carries a valid one is a machine client's, whatever cookies it also holds.
    auth=[token_auth, session_auth],
    parser=JSONParser(),
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


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, UnsupportedMediaType):
        detail = (
            f"请求体须为 JSON（Content-Type: application/json），收到 {exc.__cause__} / body must be JSON"
        )
        return api.create_response(request, {"detail": detail}, status=415)
    if isinstance(exc.__cause__, ValidationError):
        return _validation_error(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "请求体过大 / request body too large"}, status=413)


@api.exception_handler(SuspiciousOperation)
def _bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return api.create_response(request, {"detail": "请求无效 / bad request"}, status=400)


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "multipart 请求体无效 / malformed multipart body"}, status=400
    )


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A write the database refused (a uniqueness or a NOT NULL constraint the service's checks
    missed): the transaction rolled back, nothing was written; logged, as it shows a missing check."""
    logger.warning(
        "Integrity error: %s", request.path, exc_info=exc, extra={"status_code": 409, "request": request}
    )
    return api.create_response(
        request, {"detail": "与现有数据冲突或数据不完整 / conflicts with existing data"}, status=409
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the database cannot store or compare (a number too large for its column, a text
    too long, a NUL on PostgreSQL): the input's fault, and nothing was written (the service's
    transaction rolled back)."""
    return api.create_response(
        request, {"detail": "数值超出范围或无法存储 / value out of range or not storable"}, status=422
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An unexpected error is logged with its traceback and answered in the API's JSON shape:
    never a traceback in the response, whatever DEBUG says."""
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return api.create_response(request, {"detail": "服务器内部错误 / internal server error"}, status=500)


__all__ = ["__version__", "api"]
