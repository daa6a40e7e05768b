"""Alarms: the list with its filters, an alarm's page, and its handling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.attachments import attachments_of
from epb.core.choices import OrgLevel
from epb.core.clocks import clocks_of
from epb.core.models import AuditEntry, OrgUnit
from epb.core.views import staff_required
from epb.core.visibility import get_visible_or_404
from epb.lib.timeutil import beijing_midnight
from epb.monitoring.centre import alarms as alarm_service
from epb.monitoring.centre.forms import AlarmFilterForm, HandleForm, NoteForm
from epb.monitoring.centre.limits import BASIS_LABELS
from epb.monitoring.centre.workflow import actions_for
from epb.monitoring.choices import AlarmState
from epb.monitoring.models import Alarm


def areas_for(user: Any) -> list[tuple[str, str]]:
    units = (
        OrgUnit.objects.visible_to(user)
        .filter(level__in=[OrgLevel.DISTRICT, OrgLevel.TOWN], is_active=True)
        .order_by("path")
    )
    return [(str(u.pk), ("　" if u.level == OrgLevel.TOWN else "") + u.name) for u in units]


def filtered(user: Any, data: Any) -> tuple[QuerySet[Alarm], AlarmFilterForm]:
    """The alarms ``user`` may see, filtered by kind, state, district/grid, enterprise, factor, period."""
    form = AlarmFilterForm(data or None, areas=areas_for(user))
    qs = Alarm.objects.visible_to(user).select_related("outlet__enterprise", "device__org_unit")
    if not form.is_valid():
        return qs, form
    f = form.cleaned_data
    if f["kind"]:
        qs = qs.filter(kind=f["kind"])
    if f["state"] == "open":
        qs = qs.exclude(state=AlarmState.CLOSED)
    elif f["state"]:
        qs = qs.filter(state=f["state"])
    if f["area"]:
        unit = OrgUnit.objects.visible_to(user).filter(pk=f["area"]).first()
        qs = qs.filter(device__org_unit__path__startswith=unit.path) if unit else qs.none()
    if f["enterprise"]:
        text = f["enterprise"].strip()
        qs = qs.filter(Q(outlet__enterprise__name__icontains=text) | Q(outlet__enterprise__uscc=text))
    if f["factor"]:
        qs = qs.filter(factor=f["factor"])
    if f["since"]:
        qs = qs.filter(started_at__gte=beijing_midnight(f["since"]))
    if f["until"]:
        from datetime import timedelta

        qs = qs.filter(started_at__lt=beijing_midnight(f["until"] + timedelta(days=1)))
    if f["active"]:
        qs = qs.filter(active=True)
    if f["confirmed"]:
        qs = qs.filter(confirmed=True)
    return qs, form


@staff_required
def alarm_list(request: HttpRequest) -> HttpResponse:
    qs, form = filtered(request.user, request.GET)
    if request.GET.get("format") == "xlsx":
        from epb.monitoring.centre.reports import alarm_document, xlsx_response

        return xlsx_response(alarm_document(list(qs[:20000])), "monitoring-alarms.xlsx")
    page = Paginator(qs.order_by("-started_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/alarms.html",
        {"page": page, "form": form, "query": query.urlencode(), "total": page.paginator.count},
    )


@staff_required
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = get_visible_or_404(
        Alarm.objects.select_related("outlet__enterprise", "device__org_unit"), request.user, pk=pk
    )
    parties = alarm_service.parties(request.user, alarm)
    trail = (
        AuditEntry.objects.visible_to(request.user)
        .filter(object_id=str(alarm.pk), action__startswith="monitoring.alarm.")
        .order_by("at", "id")
    )
    return render(
        request,
        "monitoring/alarm.html",
        {
            "alarm": alarm,
            "basis": BASIS_LABELS.get(alarm.basis, alarm.basis),
            "actions": actions_for(alarm.state, parties),
            "handle_form": HandleForm(),
            "note_form": NoteForm(),
            "trail": trail,
            "files": attachments_of(alarm),
            "clocks": clocks_of(alarm).order_by("-started_at"),
            "case_url": alarm_service.case_url(alarm)
            if getattr(request.user, "is_staff_member", False)
            else None,
            "description": alarm_service.describe(alarm),
        },
    )


@require_POST
@staff_required
def alarm_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alarm = get_visible_or_404(
        Alarm.objects.select_related("outlet__enterprise", "device__org_unit"), request.user, pk=pk
    )
    user: Any = request.user
    try:
        if action == "acknowledge":
            alarm_service.acknowledge(alarm, actor=user)
            messages.success(request, _("已确认报警"))
        elif action == "handle":
            form = HandleForm(request.POST, request.FILES)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    for error in errors:
                        messages.error(
                            request, f"{form.fields[field].label if field in form.fields else ''}：{error}"
                        )
                return redirect(alarm.get_absolute_url())
            files = [(f.name, f) for f in form.cleaned_data["files"]]
            alarm_service.handle(
                alarm,
                actor=user,
                cause=form.cleaned_data["cause"],
                measures=form.cleaned_data["measures"],
                files=files,
            )
            messages.success(request, _("处理情况已提交，待监控中心核销"))
        elif action in ("close", "reopen"):
            note = NoteForm(request.POST).data.get("note", "")
            if action == "close":
                alarm_service.close(alarm, actor=user, note=note)
                messages.success(request, _("报警已核销"))
            else:
                alarm_service.reopen(alarm, actor=user, note=note)
                messages.success(request, _("已退回企业重新处理"))
        else:
            raise PermissionDenied(_("未知操作"))
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    return redirect(alarm.get_absolute_url())
