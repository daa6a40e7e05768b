"""Special campaigns (S2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.visibility import get_visible_or_404
from epb.enforcement.choices import TargetStatus
from epb.enforcement.forms import CampaignForm, PatrolForm, PlaceForm
from epb.enforcement.models import Campaign, CampaignTarget, InspectionTask
from epb.enforcement.services import campaigns as service
from epb.enforcement.services.access import covers, is_manager
from epb.enforcement.views.common import actor, officer_required, report_error


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = (
        Campaign.objects.taking_part(request.user).select_related("org_unit", "lead").filter(pk=pk).first()
    )
    if campaign is None:
        raise Http404
    return campaign


@officer_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.taking_part(request.user).select_related("org_unit", "lead"))
    rows = [(c, service.progress(c, request.user)) for c in campaigns]
    form = None
    if is_manager(request.user):
        form = CampaignForm(
            request.POST or None, user=request.user, initial={"year": timezone.localdate().year}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                campaign = service.create_campaign(
                    actor=actor(request),
                    kind=data["kind"],
                    year=data["year"],
                    org_unit=data["org_unit"],
                    lead=actor(request),
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
                service.sync_targets(campaign, actor=actor(request))
            except ValidationError as exc:
                report_error(request, exc, form)
            else:
                messages.success(request, _("专项行动已创建，目标企业清单已生成"))
                return redirect(campaign)
    return render(request, "enforcement/campaigns.html", {"rows": rows, "form": form})


@officer_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    status = request.GET.get("status", "")
    targets = (
        CampaignTarget.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("enterprise", "grid")
    )
    if status in TargetStatus.values:
        targets = targets.filter(status=status)
    tasks = (
        InspectionTask.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("owner", "campaign_target")
        .order_by("-due_date")[:100]
    )
    manages = is_manager(request.user) and covers(request.user, campaign.org_unit)
    return render(
        request,
        "enforcement/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": service.progress(campaign, request.user),
            "targets": targets,
            "tasks": tasks,
            "status": status,
            "statuses": TargetStatus.choices,
            "manages": manages,
            "place_form": PlaceForm(user=request.user) if is_manager(request.user) else None,
            "patrol_form": PatrolForm(user=request.user),
        },
    )


@require_POST
@officer_required
def campaign_sync(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        added = service.sync_targets(campaign, actor=actor(request))
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("新增目标企业 %(n)d 家") % {"n": added})
    return redirect(campaign)


@require_POST
@officer_required
def campaign_place(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = PlaceForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请填写地点并选择网格"))
        return redirect(campaign)
    try:
        service.add_place(campaign, actor=actor(request), **form.cleaned_data)
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("已添加巡查对象"))
    return redirect(campaign)


@require_POST
@officer_required
def target_patrol(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_visible_or_404(CampaignTarget.objects.select_related("campaign"), request.user, pk=pk)
    form = PatrolForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择责任人和巡查期限"))
        return redirect(target.campaign)
    try:
        service.dispatch_patrol(
            target,
            actor=actor(request),
            owner=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
            night=form.cleaned_data["night"],
        )
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("巡查任务已下达"))
    return redirect(target.campaign)
