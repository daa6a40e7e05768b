"""Plans (S4) and tasks (S6)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.core.visibility import get_visible_or_404
from epb.enforcement import conf, rules
from epb.enforcement.choices import TaskKind, TaskStatus
from epb.enforcement.forms import DrawForm, PlanForm, ReassignForm, TaskForm
from epb.enforcement.models import InspectionPlan, InspectionTask
from epb.enforcement.services import plans as service
from epb.enforcement.services.access import covers, is_manager
from epb.enforcement.views.common import actor, linked_source, officer_required, report_error


@officer_required
def plan_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    qs = (
        InspectionPlan.objects.visible_to(request.user)
        .select_related("grid", "grid__parent")
        .annotate(
            task_count=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
            done_count=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        )
        .order_by("-year", "grid__path")
    )
    if year.isdigit():
        qs = qs.filter(year=int(year))
    form = None
    if is_manager(request.user):
        initial = {"year": timezone.localdate().year, **conf.coverage_default().to_json()}
        form = PlanForm(request.POST or None, user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                rule = rules.CoverageRule(
                    **{
                        k: data[k] for k in rules.CoverageRule.__dataclass_fields__
                    }  # all fields are on the form
                )
                plan = service.create_plan(
                    actor=actor(request),
                    grid=data["grid"],
                    year=data["year"],
                    coverage=rule,
                    note=data["note"],
                )
            except (ValidationError, ValueError) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, _("已创建计划，请抽取检查对象"))
                return redirect(plan)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/plans.html", {"page": page, "form": form, "year": year})


@officer_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(InspectionPlan.objects.select_related("grid", "drawn_by"), request.user, pk=pk)
    tasks = (
        InspectionTask.objects.visible_to(request.user)
        .filter(plan=plan)
        .select_related("enterprise", "owner")
        .prefetch_related("co_officers")
    )
    counts = {
        "total": len(tasks),
        "key": sum(1 for t in tasks if t.kind == TaskKind.KEY),
        "random": sum(1 for t in tasks if t.kind == TaskKind.RANDOM),
        "special": sum(1 for t in tasks if t.kind == TaskKind.SPECIAL),
        "night": sum(1 for t in tasks if t.night),
        "holiday": sum(1 for t in tasks if t.holiday),
        "surprise": sum(1 for t in tasks if t.surprise),
        "done": sum(1 for t in tasks if t.status == TaskStatus.DONE),
    }
    may_manage = is_manager(request.user) and covers(request.user, plan.grid)
    return render(
        request,
        "enforcement/plan_detail.html",
        {
            "plan": plan,
            "tasks": tasks,
            "counts": counts,
            "rule": rules.CoverageRule.from_json(plan.coverage) if plan.coverage else None,
            "verified": service.verify_draw(plan),
            "may_manage": may_manage,
            "draw_form": DrawForm() if may_manage and plan.draw_record is None else None,
        },
    )


@require_POST
@officer_required
def plan_draw(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(InspectionPlan, request.user, pk=pk)
    form = DrawForm(request.POST)
    if form.is_valid():
        try:
            service.draw(plan, actor=actor(request), seed=form.cleaned_data["seed"])
        except ValidationError as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("已完成抽取，抽取记录已存档，可凭随机种子复核"))
    return redirect(plan)


@require_POST
@officer_required
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(InspectionPlan, request.user, pk=pk)
    try:
        service.approve_plan(plan, actor=actor(request))
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("计划已下达，任务已通知责任人"))
    return redirect(plan)


TASK_FILTERS = ("scope", "status", "kind", "grid", "overdue", "q")


@officer_required
def task_list(request: HttpRequest) -> HttpResponse:
    f = {k: request.GET.get(k, "").strip() for k in TASK_FILTERS}
    if not f["scope"]:
        f["scope"] = "mine" if request.user.role == "grid_officer" else "all"  # type: ignore[union-attr]
    qs = (
        service.tasks_for(request.user)
        if f["scope"] == "mine"
        else InspectionTask.objects.visible_to(request.user)
    ).select_related("enterprise", "owner", "grid")
    if f["status"] in TaskStatus.values:
        qs = qs.filter(status=f["status"])
    elif not f["status"]:
        qs = qs.filter(status__in=[TaskStatus.PLANNED, TaskStatus.IN_PROGRESS])
    if f["kind"] in TaskKind.values:
        qs = qs.filter(kind=f["kind"])
    if f["grid"].isdigit():
        qs = qs.filter(grid_id=int(f["grid"]))
    if f["overdue"]:
        qs = qs.filter(
            status__in=[TaskStatus.PLANNED, TaskStatus.IN_PROGRESS], due_date__lt=timezone.localdate()
        )
    if f["q"]:
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(enterprise__name__icontains=f["q"]))
    page = Paginator(qs.order_by("due_date", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/tasks.html",
        {
            "page": page,
            "filters": f,
            "statuses": TaskStatus.choices,
            "kinds": TaskKind.choices,
            "today": timezone.localdate(),
        },
    )


@officer_required
def task_create(request: HttpRequest) -> HttpResponse:
    source = linked_source(request)
    initial: dict[str, Any] = {"owner": request.user.pk}
    if source is not None:  # e.g. a complaint to verify on site
        enterprise = getattr(source, "enterprise", None)
        grid = getattr(source, "grid", None) or getattr(enterprise, "grid", None)
        initial.update(
            kind=TaskKind.COMPLAINT,
            title=_("核查：%(s)s") % {"s": str(source)[:150]},
            enterprise=getattr(enterprise, "pk", None),
            grid=getattr(grid, "pk", None),
        )
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = service.create_task(
                actor=actor(request),
                grid=data["grid"],
                title=data["title"],
                due_date=data["due_date"],
                owner=data["owner"],
                enterprise=data["enterprise"],
                kind=data["kind"],
                co_officers=data["co_officers"],
                night=data["night"],
                holiday=data["holiday"],
                surprise=data["surprise"],
                instructions=data["instructions"],
                source=source,
            )
        except ValidationError as exc:
            report_error(request, exc, form)
        else:
            messages.success(request, _("任务已下达"))
            return redirect(task)
    return render(request, "enforcement/form.html", {"form": form, "title": _("下达检查任务")})


@officer_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(
        InspectionTask.objects.select_related("enterprise", "owner", "grid", "plan", "campaign"),
        request.user,
        pk=pk,
    )
    may_manage = is_manager(request.user) and covers(request.user, task.grid)
    return render(
        request,
        "enforcement/task_detail.html",
        {
            "task": task,
            "inspection": getattr(task, "inspection", None),
            "may_work": service.may_work_on(request.user, task),
            "may_manage": may_manage,
            "reassign_form": ReassignForm(user=request.user) if may_manage else None,
        },
    )


@require_POST
@officer_required
def task_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(InspectionTask, request.user, pk=pk)
    try:
        task = service.tick_preparation(
            task,
            request.POST.get("item", ""),
            actor=actor(request),
            done=request.POST.get("done") == "1",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        report_error(request, exc)
    if request.headers.get("HX-Request"):
        return render(request, "enforcement/_preparation.html", {"task": task, "may_work": True})
    return redirect(task)


@require_POST
@officer_required
def task_start(request: HttpRequest, pk: int) -> HttpResponse:
    from epb.enforcement.services.inspections import start_inspection

    task = get_visible_or_404(InspectionTask, request.user, pk=pk)
    try:
        inspection = start_inspection(task, actor=actor(request))
    except ValidationError as exc:
        report_error(request, exc)
        return redirect(task)
    return redirect("enforcement:inspection", pk=inspection.pk)


@require_POST
@officer_required
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(InspectionTask, request.user, pk=pk)
    form = ReassignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择责任人并说明原因"))
        return redirect(task)
    try:
        service.reassign_task(
            task, form.cleaned_data["owner"], actor=actor(request), reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("责任人已调整"))
    return redirect(task)


@require_POST
@officer_required
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(InspectionTask, request.user, pk=pk)
    try:
        service.cancel_task(task, actor=actor(request), reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("任务已取消"))
    return redirect(task)
