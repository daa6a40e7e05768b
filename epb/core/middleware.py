from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from epb.core.audit import RequestInfo, request_context


def client_ip(request: HttpRequest) -> str | None:
    # Behind the bureau's reverse proxy the peer is the proxy, which sets X-Real-IP; the header is
    # trusted only when settings say a proxy is in front, or any client could forge it.
    if settings.EPB_TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR")


class AuditRequestMiddleware:
    """Makes the client address available to audit entries written while handling a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info = RequestInfo(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200])
        with request_context(info):
            return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Gives an empty 405 of the web UI (a GET of a POST-only address, e.g. a bookmarked action)
    the error page in the user's language. The API and Open311 answer with their own bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith(("/api/", "/open311/")):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page
