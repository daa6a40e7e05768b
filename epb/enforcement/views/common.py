from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from epb.core.models import User
from epb.core.views import staff_required
from epb.enforcement.services.access import is_officer


def actor(request: HttpRequest) -> User:
    """The signed-in user (the decorators below have run)."""
    return cast(User, request.user)


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Bureau staff only: enterprises and the public use their own pages."""

    @staff_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_officer(request.user):
            raise PermissionDenied(_("仅限环保部门工作人员"))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return cast(Callable[..., HttpResponse], wrapped)


def report_error(request: HttpRequest, exc: ValidationError, form: Any = None) -> None:
    """Show a service's refusal on the form, or as a message when there is no form."""
    if form is not None:
        form.add_error(None, list(exc.messages))
    else:
        messages.error(request, "；".join(exc.messages))


def linked_source(request: HttpRequest) -> Any:
    """The record named by ``?source=<app_label>.<model>:<pk>`` (a monitoring alarm, a complaint …),
    read through the jurisdiction filter; None when absent. Other apps link "立案" or "下达核查任务"
    here without this app importing them."""
    from django.apps import apps
    from django.http import Http404

    from epb.core.visibility import Scope, get_visible_or_404

    raw = request.GET.get("source", "").strip()
    if not raw:
        return None
    label, _sep, pk = raw.partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not isinstance(getattr(model, "jurisdiction", None), Scope):
        raise Http404  # only records that say who may see them can be linked
    return get_visible_or_404(model, request.user, pk=pk)
