"""The registry's settings, each with its default and where the default comes from (docs/enterprises.md)."""

from __future__ import annotations

from django.conf import settings

from epb.enterprises.rules import LICENCE_WARNING_DAYS


def warning_days() -> tuple[int, ...]:
    """Licence expiry warning thresholds in days, longest first (``EPB_LICENCE_WARNING_DAYS``)."""
    configured = getattr(settings, "EPB_LICENCE_WARNING_DAYS", None)
    if not configured:
        return LICENCE_WARNING_DAYS
    return tuple(sorted((int(d) for d in configured), reverse=True))
