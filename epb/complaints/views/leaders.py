"""Leaders' pages: reception days and 包案 (S12), the listed-supervision register (S15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.complaints import forms as f
from epb.complaints import rules, services
from epb.complaints.choices import Channel, LeaderCaseStatus, SupervisionStatus
from epb.complaints.conf import setting
from epb.complaints.models import Complaint, LeaderCase, ReceptionDay, Supervision, SupervisionAction
from epb.complaints.services.common import is_citywide_staff
from epb.complaints.views.common import bureau_staff, error_text, flash_errors, form_errors, me
from epb.core import clocks
from epb.core.calendar import workday_calendar
from epb.core.visibility import get_visible_or_404

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


@bureau_staff
def reception(request: HttpRequest) -> HttpResponse:
    """The reception-day calendar (the plan: every Tuesday), the days held, and the open 包案."""
    form = f.ReceptionDayForm(request.POST or None, user=me(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                day = services.schedule_reception(actor=me(request), **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, ValidationError):
                    form_errors(form, exc)
                else:
                    form.add_error(None, str(exc))
            else:
                messages.success(request, _("已安排 %(d)s 接访") % {"d": day.date})
                return redirect("complaints:reception")
    today = timezone.localdate()
    weekday = setting("COMPLAINTS_RECEPTION_WEEKDAY")
    calendar = workday_calendar()
    days = ReceptionDay.objects.visible_to(request.user).select_related("leader", "org_unit")
    by_date: dict[dt.date, list[ReceptionDay]] = {}
    for day in days.filter(date__gte=today - dt.timedelta(days=7), date__lte=today + dt.timedelta(weeks=8)):
        by_date.setdefault(day.date, []).append(day)
    standing = [
        {
            "date": d,
            "workday": calendar.is_workday(d),
            "holiday": calendar.holiday_name(d),
            "days": by_date.pop(d, []),
        }
        for d in rules.reception_dates(today, today + dt.timedelta(weeks=8), weekday)
    ]
    extra = sorted(((d, ds) for d, ds in by_date.items() if d >= today), key=lambda p: p[0])
    context = {
        "form": form,
        "weekday": WEEKDAYS[weekday],
        "standing": standing,
        "extra": extra,
        "past": days.filter(date__lt=today)[:20],
        "leader_cases": LeaderCase.objects.visible_to(request.user)
        .filter(status=LeaderCaseStatus.OPEN)
        .select_related("leader", "complaint", "complaint__grid"),
        "closed_cases": LeaderCase.objects.visible_to(request.user)
        .filter(status=LeaderCaseStatus.CLOSED)
        .select_related("leader", "complaint")[:10],
    }
    return render(request, "complaints/leaders/reception.html", context)


@bureau_staff
def reception_day(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_visible_or_404(ReceptionDay.objects.select_related("leader", "org_unit"), request.user, pk=pk)
    form = f.ReceptionRecordForm(request.POST or None, initial={"status": day.status, "summary": day.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_reception(day, actor=me(request), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已保存"))
            return redirect("complaints:reception_day", pk=day.pk)
    visitors = Complaint.objects.visible_to(request.user).filter(reception_day=day).select_related("grid")
    return render(
        request,
        "complaints/leaders/reception_day.html",
        {"day": day, "form": form, "visitors": visitors, "visit_channel": Channel.VISIT},
    )


@bureau_staff
def supervision(request: HttpRequest) -> HttpResponse:
    qs = Supervision.objects.visible_to(request.user).select_related("grid", "enterprise", "previous")
    years = sorted(set(qs.values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    items: list[dict[str, Any]] = []
    for item in qs.filter(year=year).prefetch_related("actions"):
        actions = list(item.actions.all())
        clock = clocks.open_clock(item, "complaint.supervision")
        items.append(
            {
                "s": item,
                "done": sum(1 for a in actions if a.done_at),
                "total": len(actions),
                "clock": clock,
                "first_year": item.first_year(),
            }
        )
    return render(
        request,
        "complaints/leaders/supervision.html",
        {
            "items": items,
            "year": year,
            "years": years,
            "may_list": is_citywide_staff(request.user),
            "carried": sum(1 for i in items if i["s"].previous_id is not None),
        },
    )


@bureau_staff
def supervision_new(request: HttpRequest) -> HttpResponse:
    if not is_citywide_staff(request.user):
        raise PermissionDenied(_("挂牌督办须由局领导或市局机关处室办理"))
    form = f.SupervisionForm(
        request.POST or None,
        user=me(request),
        initial={"year": timezone.localdate().year, "listed_at": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numbers = [n.strip() for n in data["complaint_numbers"].replace("，", ",").split(",") if n.strip()]
        cases = list(Complaint.objects.visible_to(request.user).filter(number__in=numbers))
        missing = sorted(set(numbers) - {c.number for c in cases})
        if missing:
            form.add_error("complaint_numbers", _("没有找到：%(n)s") % {"n": "、".join(missing)})
        else:
            try:
                item = services.list_case(
                    actor=me(request),
                    year=data["year"],
                    title=data["title"],
                    description=data["description"],
                    grid=data["grid"],
                    enterprise=data["enterprise"],
                    responsible_unit=data["responsible_unit"],
                    co_supervisor=data["co_supervisor"],
                    listed_at=data["listed_at"],
                    deadline=data["deadline"],
                    actions=data["actions"],
                    complaints=cases,
                    listing_notice=data["listing_notice"],
                    is_public=data["is_public"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("已挂牌督办"))
                return redirect(item.get_absolute_url())
    return render(request, "complaints/leaders/supervision_new.html", {"form": form})


@bureau_staff
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        Supervision.objects.select_related("grid", "enterprise", "previous"), request.user, pk=pk
    )
    clock = clocks.open_clock(item, "complaint.supervision")
    chain = []
    current: Supervision | None = item.previous
    while current is not None:
        chain.append(current)
        current = current.previous
    successor = Supervision.objects.filter(previous=item).first()
    may = is_citywide_staff(request.user)
    listed = item.status == SupervisionStatus.LISTED
    return render(
        request,
        "complaints/leaders/supervision_detail.html",
        {
            "s": item,
            "actions": item.actions.all(),
            "clock": clock,
            "state": clocks.state_of(clock) if clock is not None else None,
            "chain": chain,
            "successor": successor,
            "complaints": Complaint.objects.visible_to(request.user).filter(supervisions=item),
            "done_form": f.ActionDoneForm(initial={"done_at": timezone.localdate()}) if listed else None,
            "deadline_form": f.DeadlineForm() if listed and may else None,
            "delist_form": f.DelistForm(initial={"on": timezone.localdate()}) if listed and may else None,
            "carry_form": f.CarryOverForm(initial={"deadline": dt.date(item.year + 1, 12, 31)})
            if listed and may
            else None,
        },
    )


@require_POST
@bureau_staff
def supervision_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    item = get_visible_or_404(Supervision, request.user, pk=pk)
    forms: dict[str, Any] = {
        "done": f.ActionDoneForm,
        "extend": f.DeadlineForm,
        "delist": f.DelistForm,
        "carry_over": f.CarryOverForm,
    }
    if name not in forms:
        raise Http404
    form: Form = forms[name](request.POST)
    if not form.is_valid():
        flash_errors(request, form)
        return redirect(item.get_absolute_url())
    data = form.cleaned_data
    target = item
    try:
        if name == "done":
            action = get_visible_or_404(
                SupervisionAction.objects.filter(supervision=item),
                request.user,
                pk=request.POST.get("action"),
            )
            services.complete_action(action, actor=me(request), done_at=data["done_at"], note=data["note"])
            messages.success(request, _("已记录完成情况"))
        elif name == "extend":
            services.extend_deadline(
                item, actor=me(request), deadline=data["deadline"], reason=data["reason"]
            )
            messages.success(request, _("期限已延长"))
        elif name == "delist":
            services.delist(item, actor=me(request), on=data["on"], notice=data["notice"])
            messages.success(request, _("已解除挂牌"))
        else:
            target = services.carry_over(
                item, actor=me(request), deadline=data["deadline"], note=data["note"]
            )
            messages.success(request, _("已转入%(y)d年度继续督办") % {"y": target.year})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect(target.get_absolute_url())
