"""S1: the "1190" target board, its targets and the reduction quotas."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from epb.core.visibility import get_visible_or_404
from epb.quality import board, rules, services
from epb.quality.data import beijing_today
from epb.quality.forms import (
    QuotaForm,
    QuotaProgressForm,
    TargetForm,
)
from epb.quality.models import (
    ReductionQuota,
    Target,
)
from epb.quality.services.access import is_citywide
from epb.quality.views.common import actor_of, bureau_required, error_text, form_error, int_param

# -- S1: the board -----------------------------------------------------------------------------


@bureau_required
def board_view(request: HttpRequest) -> HttpResponse:
    years = board.years_with_targets()
    today = beijing_today()
    year = int_param(request, "year", years[0] if years and today.year not in years else today.year)
    results = board.build_board(year, request.user)
    return render(
        request,
        "quality/board.html",
        {
            "year": year,
            "years": sorted(set(years) | {today.year}, reverse=True),
            "cards": [(r, json.dumps(r.chart, ensure_ascii=False)) for r in results],
            "citywide": is_citywide(request.user) or getattr(request.user, "is_leadership", False),
            "may_edit": is_citywide(request.user),
        },
    )


@bureau_required
def target_view(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Target, pk=pk)
    result = board.evaluate_target(target, request.user)
    return render(
        request,
        "quality/target.html",
        {
            "result": result,
            "chart": json.dumps(result.chart, ensure_ascii=False),
            "may_edit": is_citywide(request.user),
        },
    )


@bureau_required
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not is_citywide(request.user):
        raise PermissionDenied(_("只有局领导和市局处室可以设定目标任务"))
    instance = get_object_or_404(Target, pk=pk) if pk else None
    form = TargetForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sites, bodies = data.pop("sites"), data.pop("water_bodies")
        try:
            target = services.save_target(
                actor=actor_of(request),
                instance=instance,
                sites=sites,
                water_bodies=bodies,
                **data,
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("quality:target", target.pk)
    return render(
        request, "quality/form.html", {"form": form, "title": _("目标任务"), "back": reverse("quality:board")}
    )


@bureau_required
def quotas_view(request: HttpRequest) -> HttpResponse:
    year = int_param(request, "year", beijing_today().year)
    quotas = ReductionQuota.objects.visible_to(request.user).filter(year=year).select_related("org_unit")
    may_edit = is_citywide(request.user)
    form = QuotaForm(initial={"year": year}, user=request.user)
    progress_form = QuotaProgressForm()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("只有局领导和市局处室可以维护减排任务"))
        try:
            if "quota_id" in request.POST:
                quota = get_visible_or_404(ReductionQuota, request.user, pk=request.POST["quota_id"])
                progress_form = QuotaProgressForm(request.POST)
                if progress_form.is_valid():
                    services.record_quota_progress(
                        quota, actor=actor_of(request), **progress_form.cleaned_data
                    )
                    messages.success(request, _("已保存"))
                    return redirect(f"{reverse('quality:quotas')}?year={year}")
            else:
                form = QuotaForm(request.POST, user=request.user)
                if form.is_valid():
                    services.save_quota(actor=actor_of(request), **form.cleaned_data)
                    messages.success(request, _("已保存"))
                    return redirect(f"{reverse('quality:quotas')}?year={year}")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    rows = [(q, rules.percent(q.achieved, q.quota)) for q in quotas]
    return render(
        request,
        "quality/quotas.html",
        {"year": year, "rows": rows, "form": form, "progress_form": progress_form, "may_edit": may_edit},
    )
