from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core import services
from epb.core.forms import HolidayOverrideForm, ThrottledLoginForm
from epb.core.models import Attachment, AuditEntry, Clock, HolidayOverride, Notification
from epb.core.models.clocks import ClockState
from epb.core.navigation import navigation
from epb.core.visibility import get_visible_or_404


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


def staff_required(view: Any) -> Any:
    """Pages of the staff UI: bureau staff and enterprises; the public uses the portal."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "role", None) == "public" and not request.user.is_superuser:
            return redirect("core:portal")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def bureau_staff_required(view: Any) -> Any:
    """Pages only the bureau's own staff may open (not enterprise accounts, not the public)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_staff_member", False):
            raise PermissionDenied(_("仅限环保部门工作人员"))
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return staff_required(wrapped)


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    soon = timezone.now() + dt.timedelta(days=3)
    clocks = (
        Clock.objects.visible_to(request.user)
        .filter(state__in=[ClockState.RUNNING, ClockState.OVERDUE], due_at__lte=soon)
        .order_by("due_at")[:10]
    )
    notes = Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True)[:10]
    return render(
        request, "core/dashboard.html", {"nav": navigation(request.user), "clocks": clocks, "notes": notes}
    )


@staff_required
def notifications(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.visible_to(request.user).filter(recipient_id=request.user.pk)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@require_POST
@staff_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_visible_or_404(Notification.objects.filter(recipient_id=request.user.pk), request.user, pk=pk)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    return redirect(note.url or "core:notifications")


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_leadership", False):
        raise PermissionDenied(_("审计日志仅供局领导查阅"))
    qs = AuditEntry.objects.visible_to(request.user).select_related("content_type")
    filters = {
        key: request.GET.get(key, "").strip() for key in ("action", "actor", "object", "since", "until")
    }
    if filters["action"]:
        qs = qs.filter(action__startswith=filters["action"])
    if filters["actor"]:
        qs = qs.filter(actor_label__icontains=filters["actor"])
    if filters["object"]:
        qs = qs.filter(object_repr__icontains=filters["object"])
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if filters[key]:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(filters[key])})
            except ValueError:
                messages.error(request, _("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": filters[key]})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "filters": filters})


@staff_required
def audit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    if not getattr(request.user, "is_leadership", False):
        raise PermissionDenied(_("审计日志仅供局领导查阅"))
    entry = get_visible_or_404(AuditEntry, request.user, pk=pk)
    return render(request, "core/audit_entry.html", {"entry": entry})


def _may_edit_calendar(user: Any) -> bool:
    return bool(user.is_superuser or user.role in ("leadership", "dept_staff"))


@staff_required
def holidays(request: HttpRequest) -> HttpResponse:
    form = HolidayOverrideForm(request.POST or None)
    if request.method == "POST":
        if not _may_edit_calendar(request.user):
            raise PermissionDenied(_("只有局机关工作人员可以调整工作日历"))
        if form.is_valid():
            try:
                services.set_holiday_override(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("core:holidays")
    from epb.core.calendar import workday_calendar

    today = timezone.localdate()
    cal = workday_calendar()
    upcoming = []
    for offset in range(0, 60):
        day = today + dt.timedelta(days=offset)
        upcoming.append({"date": day, "workday": cal.is_workday(day), "name": cal.holiday_name(day)})
    return render(
        request,
        "core/holidays.html",
        {
            "form": form,
            "overrides": HolidayOverride.objects.all(),
            "upcoming": upcoming,
            "may_edit": _may_edit_calendar(request.user),
        },
    )


def portal(request: HttpRequest) -> HttpResponse:
    """The public portal: complaints, progress look-up, environmental quality, credit, polls."""
    from epb.core.navigation_public import public_links

    return render(request, "core/portal.html", {"links": public_links()})


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only through the jurisdiction filter, never from an open media URL."""
    attachment = get_visible_or_404(Attachment, request.user, pk=pk)
    inline = attachment.mime_type.startswith("image/") or attachment.mime_type == "application/pdf"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
