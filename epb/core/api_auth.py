from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    """``Authorization: Bearer epb_…`` for machine clients; the token's user is the actor."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from epb.core.models import ApiToken

        record = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if record is None or not record.is_usable() or not record.user.is_active:
            return None
        now = timezone.now()
        # Touch at most once a minute: a busy client should not write on every call.
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class UserSessionAuth(SessionAuth):
    """The staff UI's session; CSRF is checked on unsafe methods.

    Only a request that carries a logged-in session is checked: a machine client with a Bearer
    token (and no session) must reach the token check, not be refused for a missing CSRF token.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


session_auth = UserSessionAuth()
token_auth = TokenAuth()
