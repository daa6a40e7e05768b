"""Annual plans, the double-random draw, and inspection tasks (S4, S6)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.choices import OrgLevel, Role
from epb.core.models import OrgUnit, User
from epb.core.notify import notify
from epb.enforcement import conf, rules
from epb.enforcement.choices import (
    BehaviourColour,
    PlanStatus,
    PreparationItem,
    TaskKind,
    TaskStatus,
)
from epb.enforcement.models import (
    BehaviourRating,
    FacilityGrade,
    InspectionPlan,
    InspectionTask,
    Measure,
)
from epb.enforcement.services.access import covers, is_manager, is_officer, require
from epb.enterprises.choices import EnterpriseStatus, SourceClass
from epb.enterprises.models import Enterprise

GRID_LEVELS = (OrgLevel.TOWN, OrgLevel.SUBGRID)


# -- plans ----------------------------------------------------------------------------------


def create_plan(
    *,
    actor: User | None,
    grid: OrgUnit,
    year: int,
    title: str = "",
    coverage: rules.CoverageRule | None = None,
    note: str = "",
) -> InspectionPlan:
    if actor is not None:
        require(is_manager(actor) and covers(actor, grid), _("只有辖区环保局可以编制该网格的监察计划"))
    if grid.level not in GRID_LEVELS:
        raise ValidationError({"grid": _("监察计划按网格（镇、街道）编制")})
    if InspectionPlan.objects.filter(grid=grid, year=year).exists():
        raise ValidationError(
            {"year": _("%(grid)s %(year)d 年的监察计划已存在") % {"grid": grid.name, "year": year}}
        )
    rule = coverage or conf.coverage_default()
    return audit.create(
        InspectionPlan,
        actor=actor,
        grid=grid,
        year=year,
        title=title or _("%(grid)s%(year)d年度环境监察计划") % {"grid": grid.name, "year": year},
        coverage=rule.to_json(),
        note=note,
    )


def officer_pool(grid: OrgUnit) -> tuple[list[int], list[int]]:
    """Officers who may be drawn for a grid's inspections: the district bureau's staff and the
    grid's own officers (who see the grid's tasks through the jurisdiction filter). Returns
    (all, the grid's own)."""
    district = grid.district()
    own = list(
        User.objects.filter(
            is_active=True, role=Role.GRID_OFFICER, org_unit__path__startswith=grid.path
        ).values_list("pk", flat=True)
    )
    staff = (
        list(
            User.objects.filter(is_active=True, role=Role.DISTRICT_STAFF, org_unit=district).values_list(
                "pk", flat=True
            )
        )
        if district is not None
        else []
    )
    return sorted(set(own) | set(staff)), sorted(own)


def special_list(grid: OrgUnit, year: int) -> list[int]:
    """General sources under stricter watch (Fuzhou's special list, reference §2.3): fined or
    otherwise sanctioned last year, a poorly graded treatment facility, a red or black grade."""
    enterprises = Enterprise.objects.filter(
        grid__path__startswith=grid.path, source_class=SourceClass.GENERAL
    )
    last_year = enterprises.filter(
        pk__in=Measure.objects.filter(decided_on__year=year - 1)
        .exclude(kind__in=rules.REMEDY_KINDS | {"order", "warning"})
        .values("enterprise_id")
    )
    rated = enterprises.filter(
        pk__in=BehaviourRating.objects.filter(
            year=year - 1, colour__in=[BehaviourColour.RED, BehaviourColour.BLACK]
        ).values("enterprise_id")
    )
    poor = set(poorly_graded_ids(enterprises.values_list("pk", flat=True)))
    return sorted(
        set(last_year.values_list("pk", flat=True)) | set(rated.values_list("pk", flat=True)) | poor
    )


def poorly_graded_ids(enterprise_ids: Iterable[int]) -> list[int]:
    """Enterprises whose latest grade of any facility is poor (plan 一.3 五是: 重点监管对象)."""
    poor = conf.poor_facility_grades()
    latest: dict[tuple[int, str], str] = {}
    for enterprise_id, facility, grade in (
        FacilityGrade.objects.filter(enterprise_id__in=list(enterprise_ids))
        .order_by("assessed_on", "pk")
        .values_list("enterprise_id", "facility", "grade")
    ):
        latest[(enterprise_id, facility)] = grade
    return sorted({e for (e, _f), grade in latest.items() if grade in poor})


def draw(plan: InspectionPlan, *, actor: User | None, seed: str = "") -> InspectionPlan:
    """Draw the plan's tasks from its coverage rule and a seed, and record how (双随机).

    The seed is chosen at random unless given; the record (inputs sorted, outputs) is stored on
    the plan and in the audit log, so anyone can redraw it from the seed and compare.
    """
    if actor is not None:
        require(is_manager(actor) and covers(actor, plan.grid), _("只有辖区环保局可以抽取该计划"))
    if plan.draw_record is not None:
        raise ValidationError(_("该计划已经抽取过，抽取结果不可更改"))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("只有编制中的计划可以抽取"))
    seed = (seed or secrets.token_hex(8)).strip()
    if not seed or len(seed) > 64:
        raise ValidationError(_("随机种子应为1至64个字符"))
    enterprises = Enterprise.objects.filter(grid__path__startswith=plan.grid.path).exclude(
        status=EnterpriseStatus.CLOSED
    )
    officers, own = officer_pool(plan.grid)
    try:
        result = rules.draw_plan(
            seed=seed,
            year=plan.year,
            rule=rules.CoverageRule.from_json(plan.coverage),
            key_ids=enterprises.filter(source_class=SourceClass.KEY).values_list("pk", flat=True),
            general_ids=enterprises.filter(source_class=SourceClass.GENERAL).values_list("pk", flat=True),
            special_ids=special_list(plan.grid, plan.year),
            officer_ids=officers,
            grid_officer_ids=own,
        )
    except rules.DrawError as exc:
        raise ValidationError(
            _("执法人员不足，无法抽取：%(reason)s（本网格及所属辖市区共有 %(n)d 名执法人员）")
            % {"reason": exc, "n": len(officers)}
        ) from None
    record = result.to_json()
    drawn = Enterprise.objects.filter(pk__in={t.enterprise_id for t in result.tasks})
    names = dict(drawn.values_list("pk", "name"))
    grids = dict(drawn.values_list("pk", "grid_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=officers)}
    kind_label = dict(TaskKind.choices)
    with transaction.atomic():
        for planned in result.tasks:
            task = audit.create(
                InspectionTask,
                actor=actor,
                action="enforcement.inspectiontask.drawn",
                plan=plan,
                enterprise_id=planned.enterprise_id,
                grid_id=grids[planned.enterprise_id],
                kind=planned.kind,
                title=f"{kind_label[planned.kind]}：{names[planned.enterprise_id]}",
                due_date=planned.due,
                owner=users[planned.owner_id],
                night=planned.night,
                holiday=planned.holiday,
                surprise=planned.surprise,
            )
            task.co_officers.set(planned.co_officer_ids)
        audit.update(
            plan,
            actor=actor,
            action="enforcement.inspectionplan.drawn",
            note=_("随机种子 %(seed)s") % {"seed": seed},
            seed=seed,
            drawn_at=timezone.now(),
            drawn_by=actor,
            draw_record=record,
        )
        audit.log("enforcement.inspectionplan.draw_record", plan, actor=actor, extra=record)
    return plan


def verify_draw(plan: InspectionPlan) -> bool | None:
    """Redraw from the stored record: True when the stored outcome is what the seed gives."""
    if not plan.draw_record:
        return None
    try:
        again = rules.redraw(plan.draw_record).to_json()
    except (KeyError, TypeError, ValueError):
        return False
    return bool(
        again["tasks"] == plan.draw_record["tasks"]
        and again["drawn_general"] == plan.draw_record["drawn_general"]
    )


def approve_plan(plan: InspectionPlan, *, actor: User | None) -> InspectionPlan:
    """下达: the plan's tasks go to their owners."""
    if actor is not None:
        require(is_manager(actor) and covers(actor, plan.grid), _("只有辖区环保局可以下达该计划"))
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("该计划已下达"))
    if plan.draw_record is None:
        raise ValidationError(_("请先抽取检查对象和执法人员"))
    with transaction.atomic():
        audit.update(
            plan, actor=actor, action="enforcement.inspectionplan.approved", status=PlanStatus.APPROVED
        )
        counts: dict[int, int] = {}
        for owner_id in plan.tasks.values_list("owner_id", flat=True):
            counts[owner_id] = counts.get(owner_id, 0) + 1
        for owner in User.objects.filter(pk__in=counts):
            notify(
                [owner],
                kind="enforcement.plan_approved",
                title=_("%(plan)s 已下达：您负责 %(n)d 项检查任务")
                % {"plan": plan.title, "n": counts[owner.pk]},
                url=plan.get_absolute_url(),
                subject=plan,
            )
    return plan


# -- tasks ----------------------------------------------------------------------------------


def _check_owner(owner: User, grid: OrgUnit) -> None:
    if not is_officer(owner):
        raise ValidationError({"owner": _("责任人须为执法人员")})
    if not covers(owner, grid):
        raise ValidationError(
            {"owner": _("责任人 %(name)s 的辖区不含 %(grid)s") % {"name": owner, "grid": grid.name}}
        )


def create_task(
    *,
    actor: User | None,
    grid: OrgUnit,
    title: str,
    due_date: dt.date,
    owner: User | None,
    enterprise: Enterprise | None = None,
    kind: str = TaskKind.ADHOC,
    co_officers: Iterable[User] = (),
    night: bool = False,
    holiday: bool = False,
    surprise: bool = False,
    instructions: str = "",
    source: models.Model | None = None,
    source_label: str = "",
    **links: Any,
) -> InspectionTask:
    """A task with its one owner (S6: no task without an owner)."""
    if actor is not None:
        require(is_officer(actor) and covers(actor, grid), _("无权在该网格下达检查任务"))
    if owner is None:
        raise ValidationError({"owner": _("每项任务必须有且只有一名责任人")})
    _check_owner(owner, grid)
    if enterprise is not None and not enterprise.grid.is_within(grid) and not grid.is_within(enterprise.grid):
        raise ValidationError({"enterprise": _("检查对象不在该网格内")})
    with transaction.atomic():
        task = audit.create(
            InspectionTask,
            actor=actor,
            grid=grid,
            title=title,
            due_date=due_date,
            owner=owner,
            enterprise=enterprise,
            kind=kind,
            night=night,
            holiday=holiday,
            surprise=surprise,
            instructions=instructions,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
            source_label=source_label or (str(source)[:200] if source is not None else ""),
            **links,
        )
        crew = [u for u in co_officers if u.pk != owner.pk]
        for member in crew:
            _check_owner(member, grid)
        task.co_officers.set(crew)
        notify(
            [owner],
            kind="enforcement.task_assigned",
            title=_("新的检查任务：%(title)s（期限 %(due)s）") % {"title": title, "due": due_date},
            url=task.get_absolute_url(),
            subject=task,
        )
    return task


def reassign_task(task: InspectionTask, owner: User, *, actor: User | None, reason: str) -> InspectionTask:
    if actor is not None:
        require(is_manager(actor) and covers(actor, task.grid), _("只有辖区环保局可以调整任务责任人"))
    if not reason.strip():
        raise ValidationError(_("请说明调整原因"))
    _check_owner(owner, task.grid)
    task = audit.update(
        task, actor=actor, action="enforcement.inspectiontask.reassigned", note=reason, owner=owner
    )
    notify(
        [owner],
        kind="enforcement.task_assigned",
        title=_("转交给您的检查任务：%(t)s") % {"t": task.title},
        url=task.get_absolute_url(),
        subject=task,
    )
    return task


def _crew(task: InspectionTask) -> set[int]:
    return {task.owner_id, *task.co_officers.values_list("pk", flat=True)}


def may_work_on(user: Any, task: InspectionTask) -> bool:
    """The task's crew, and managers of its grid."""
    if user is None or not is_officer(user):
        return False
    return user.pk in _crew(task) or (is_manager(user) and covers(user, task.grid))


def tick_preparation(
    task: InspectionTask, item: str, *, actor: User | None, done: bool, note: str = ""
) -> InspectionTask:
    if item not in PreparationItem.values:
        raise ValidationError(_("没有这项检查准备：%(item)s") % {"item": item})
    if actor is not None:
        require(may_work_on(actor, task), _("只有任务的执法人员可以填写检查准备"))
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValidationError(_("任务已结束"))
    state = dict(task.preparation or {})
    state[item] = {
        "done": bool(done),
        "note": note.strip()[:300],
        "at": timezone.now().isoformat(),
        "by": actor.pk if actor is not None else None,
    }
    return audit.update(task, actor=actor, action="enforcement.inspectiontask.prepared", preparation=state)


def cancel_task(task: InspectionTask, *, actor: User | None, reason: str) -> InspectionTask:
    if actor is not None:
        require(is_manager(actor) and covers(actor, task.grid), _("只有辖区环保局可以取消任务"))
    if not reason.strip():
        raise ValidationError(_("请说明取消原因"))
    if task.status == TaskStatus.DONE:
        raise ValidationError(_("已完成的任务不能取消"))
    return audit.update(
        task,
        actor=actor,
        action="enforcement.inspectiontask.cancelled",
        note=reason,
        status=TaskStatus.CANCELLED,
    )


def schedule_follow_up(
    *,
    actor: User | None,
    owner: User,
    due_date: dt.date,
    measure: Measure | None = None,
    inspection: Any = None,
    instructions: str = "",
) -> InspectionTask:
    """后督察: a re-inspection after a measure or an inspection, owned by one officer."""
    origin = measure or inspection
    if origin is None:
        raise ValidationError(_("后督察须指明所针对的措施或检查"))
    enterprise = origin.enterprise
    grid = origin.grid
    return create_task(
        actor=actor,
        grid=grid,
        title=_("后督察：%(name)s") % {"name": enterprise.name if enterprise else grid.name},
        due_date=due_date,
        owner=owner,
        enterprise=enterprise,
        kind=TaskKind.FOLLOW_UP,
        instructions=instructions,
        origin_measure=measure,
        origin_inspection=inspection if measure is None else None,
    )


def tasks_for(user: Any) -> models.QuerySet[InspectionTask]:
    """The user's own tasks: those they own or go on (the "my tasks" list)."""
    return InspectionTask.objects.visible_to(user).filter(
        Q(owner=user)
        | Q(
            pk__in=InspectionTask.co_officers.through.objects.filter(user_id=user.pk).values(
                "inspectiontask_id"
            )
        )
    )


def remind_tasks(today: dt.date | None = None) -> int:
    """Tell owners of tasks due within three days, and owners and their district of tasks past due;
    each once (the notification itself is the record). Idempotent; run by the worker."""
    from django.contrib.contenttypes.models import ContentType as CT

    from epb.core.models import Notification

    today = today or timezone.localdate()
    ct = CT.objects.get_for_model(InspectionTask)
    sent = 0
    open_tasks = InspectionTask.objects.filter(
        status__in=[TaskStatus.PLANNED, TaskStatus.IN_PROGRESS], due_date__lte=today + dt.timedelta(days=3)
    ).select_related("owner", "grid")
    for task in open_tasks:
        overdue = task.due_date < today
        kind = "enforcement.task_overdue" if overdue else "enforcement.task_due"
        if Notification.objects.filter(kind=kind, subject_type=ct, subject_id=str(task.pk)).exists():
            continue
        recipients = [task.owner]
        if overdue:
            district = task.grid.district()
            recipients += list(
                User.objects.filter(role=Role.DISTRICT_STAFF, org_unit=district, is_active=True)
            )
        title = (
            _("检查任务已逾期：%(t)s（期限 %(d)s）")
            if overdue
            else _("检查任务即将到期：%(t)s（期限 %(d)s）")
        ) % {
            "t": task.title,
            "d": task.due_date,
        }
        notify(recipients, kind=kind, title=title, url=task.get_absolute_url(), subject=task)
        sent += 1
    return sent
