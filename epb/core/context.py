"""Template context shared by every page of the shell."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"SITE_NAME": settings.SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from epb.core.navigation import navigation

        context["shell_nav"] = navigation(user)
    return context
