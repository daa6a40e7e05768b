"""A form is saved once, however often it is sent.

A double click, a reload that re-posts, a phone that resends on a flaky network: the same POST
arrives twice and, without this, a second case, complaint or record is created. Every POST form
of the staff UI and the portal carries ``{% submit_once %}``, a hidden field with a token of its
own per rendering. ``SubmitOnceMiddleware`` remembers a token together with a digest of what was
sent (fields and file contents) once the request has saved something, i.e. written an audit
entry that was committed; the same token with the same data again is not handled a second time:
the browser goes where the first submission led, with a message, and an htmx request gets
204 (its first answer is already on the page). A submission that saved nothing (a form with
errors, a refused action) leaves its token free, so the same form can be corrected and sent again.
The same rendering sent with other data (another photo from the same upload form) is a new
submission.
"""

from __future__ import annotations

import contextvars
import hashlib
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

FIELD = "_submission"
REMEMBER_SECONDS = 24 * 3600
WAIT_SECONDS = 10.0
PENDING_SECONDS = 120  # a request that died meanwhile frees its token after this
_PENDING = "pending"

# The ids of the audit entries written while handling the current request.
_written: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("epb_once_written", default=None)


def token_field() -> SafeString:
    """The hidden field of one rendering of a form (the ``{% submit_once %}`` tag)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)


def note_write(entry_id: int) -> None:
    """Called by the audit log for every entry it writes."""
    written = _written.get()
    if written is not None:
        written.append(entry_id)


@contextmanager
def _recording() -> Iterator[list[int]]:
    written: list[int] = []
    token = _written.set(written)
    try:
        yield written
    finally:
        _written.reset(token)


def _saved(written: list[int]) -> bool:
    """Whether an entry written during the request is still there (not rolled back)."""
    if not written:
        return False
    from epb.core.models import AuditEntry

    return AuditEntry.objects.filter(pk__in=written).exists()


def _key(request: HttpRequest, token: str) -> str:
    digest = hashlib.sha256()
    digest.update(request.path.encode())
    digest.update(token.encode())
    for name in sorted(request.POST):
        if name in (FIELD, "csrfmiddlewaretoken"):
            continue
        for value in request.POST.getlist(name):
            digest.update(b"\x00" + name.encode() + b"=" + value.encode("utf-8", "replace"))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(b"\x01" + name.encode() + b"=" + (upload.name or "").encode("utf-8", "replace"))
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return f"epb:once:{digest.hexdigest()}"


def _back(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.path


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _repeat(request: HttpRequest, key: str) -> HttpResponse:
    """The answer to a submission that was already handled (or is being handled right now)."""
    deadline = time.monotonic() + WAIT_SECONDS
    where = cache.get(key)
    while where == _PENDING and time.monotonic() < deadline:
        time.sleep(0.2)
        where = cache.get(key)
    if _is_htmx(request):
        return HttpResponse(status=204)
    if where is None or where == _PENDING:
        # The first one failed meanwhile, or is still running: show the page, say nothing was saved twice.
        messages.warning(request, _("这份表单正在提交，请勿重复提交。"))
        return HttpResponseRedirect(_back(request))
    messages.info(request, _("这份表单已经提交过，没有重复保存。"))
    return HttpResponseRedirect(where)


class SubmitOnceMiddleware:
    """Handles a POST carrying a ``submit_once`` token at most once (see the module docstring).

    It works in ``process_view``, after the CSRF check, and leaves alone views that are exempt from
    it (the JSON API and Open311 read their own bodies, which the form parser must not touch).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        try:
            token = request.POST.get(FIELD, "")
        except Exception:  # an unreadable body: the view reports it as it would without a token
            return None
        if not token or len(token) > 64:
            return None
        key = _key(request, token)
        if not cache.add(key, _PENDING, PENDING_SECONDS):
            return _repeat(request, key)
        try:
            with _recording() as written:
                response = view(request, *args, **kwargs)
        except BaseException:
            cache.delete(key)
            raise
        if response.status_code < 400 and _saved(written):
            where = response["Location"] if response.status_code in (301, 302, 303) else _back(request)
            cache.set(key, where, REMEMBER_SECONDS)
        else:
            cache.delete(key)
        return response
