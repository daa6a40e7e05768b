"""Tags every form template may use without ``{% load %}`` (a builtin library, see settings)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from epb.core.once import token_field

register = template.Library()


@register.simple_tag
def submit_once() -> SafeString:
    """The hidden field that lets ``SubmitOnceMiddleware`` save this form once (epb.core.once)."""
    return token_field()
