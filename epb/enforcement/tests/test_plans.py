"""Plans, the double-random draw, and tasks with one owner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.core import audit
from epb.core.choices import Role
from epb.core.models import AuditEntry, Notification
from epb.enforcement import rules
from epb.enforcement.choices import PlanStatus, TaskKind, TaskStatus
from epb.enforcement.models import FacilityGrade, InspectionTask
from epb.enforcement.services import plans
from epb.testing.factories import make_enterprise, make_user

pytestmark = pytest.mark.django_db


def test_a_district_plans_its_grids_and_no_one_else(world: Any, other_district_officer: Any) -> None:
    plan = plans.create_plan(actor=world.manager, grid=world.tree.town_a1, year=2026)
    assert plan.status == PlanStatus.DRAFT and "2026" in plan.title
    assert rules.CoverageRule.from_json(plan.coverage) == rules.DEFAULT_COVERAGE
    assert AuditEntry.objects.filter(
        action="enforcement.inspectionplan.created", object_id=str(plan.pk)
    ).exists()
    with pytest.raises(ValidationError):
        plans.create_plan(actor=world.manager, grid=world.tree.town_a1, year=2026)  # one a year
    with pytest.raises(PermissionDenied):
        plans.create_plan(actor=other_district_officer, grid=world.tree.town_a2, year=2026)
    with pytest.raises(PermissionDenied):
        plans.create_plan(
            actor=world.officer, grid=world.tree.town_a1, year=2027
        )  # grid officers carry out plans
    with pytest.raises(ValidationError):
        plans.create_plan(actor=world.manager, grid=world.tree.district_a, year=2026)


def test_the_draw_is_recorded_reproducible_and_final(world: Any) -> None:
    plan = plans.create_plan(
        actor=world.manager,
        grid=world.tree.town_a1,
        year=2026,
        coverage=rules.CoverageRule(key_visits_per_year=2, general_share=Decimal("0.4")),
    )
    plans.draw(plan, actor=world.manager, seed="2026-03-01 现场抽取")
    plan.refresh_from_db()
    assert plan.draw_record is not None
    tasks = list(plan.tasks.all())
    key_tasks = [t for t in tasks if t.kind == TaskKind.KEY]
    assert len(key_tasks) == 2 and {t.enterprise for t in key_tasks} == {world.key}
    assert len([t for t in tasks if t.kind == TaskKind.RANDOM]) == 2  # ceil(40 % of 5)
    assert all(t.owner is not None and t.co_officers.count() == 1 for t in tasks)
    assert {t.owner_id for t in key_tasks} <= {world.officer.pk, world.officer2.pk}
    assert plans.verify_draw(plan) is True
    entry = AuditEntry.objects.get(action="enforcement.inspectionplan.draw_record", object_id=str(plan.pk))
    assert entry.extra["seed"] == "2026-03-01 现场抽取" and entry.extra["tasks"] == plan.draw_record["tasks"]
    assert AuditEntry.objects.filter(action="enforcement.inspectiontask.drawn").count() == len(tasks)
    # the same inputs and seed give the same plan again
    again = rules.redraw(plan.draw_record)
    assert [(t.enterprise_id, t.due, t.owner_id) for t in again.tasks] == [
        (t.enterprise_id, t.due_date, t.owner_id) for t in sorted(tasks, key=lambda t: t.pk)
    ]
    with pytest.raises(ValidationError):
        plans.draw(plan, actor=world.manager, seed="again")


def test_a_tampered_draw_does_not_verify(world: Any) -> None:
    plan = plans.create_plan(actor=world.manager, grid=world.tree.town_a1, year=2026)
    plans.draw(plan, actor=world.manager, seed="x")
    assert plan.draw_record is not None
    record = dict(plan.draw_record)
    record["drawn_general"] = list(reversed(record["drawn_general"])) + [999]
    audit.update(plan, actor=None, draw_record=record)
    assert plans.verify_draw(plan) is False


def test_poorly_graded_general_sources_are_on_the_special_list(world: Any) -> None:
    target = world.general[0]
    audit.create(
        FacilityGrade,
        actor=None,
        enterprise=target,
        facility="污水站",
        assessed_on=dt.date(2026, 1, 5),
        grade="D",
    )
    assert target.pk in plans.special_list(world.tree.town_a1, 2026)
    audit.create(
        FacilityGrade,
        actor=None,
        enterprise=target,
        facility="污水站",
        assessed_on=dt.date(2026, 2, 5),
        grade="B",
    )
    assert target.pk not in plans.special_list(world.tree.town_a1, 2026)  # the latest grade counts


def test_draw_without_enough_officers_says_so(tree: Any, district_officer: Any) -> None:
    make_enterprise(tree.town_a2, source_class="key")
    plan = plans.create_plan(actor=district_officer, grid=tree.town_a2, year=2026)
    with pytest.raises(ValidationError, match="执法人员不足"):
        plans.draw(plan, actor=district_officer)  # one district officer, two needed
    plan.refresh_from_db()
    assert plan.draw_record is None and not plan.tasks.exists()


def test_approving_sends_each_owner_their_tasks(world: Any) -> None:
    plan = plans.create_plan(actor=world.manager, grid=world.tree.town_a1, year=2026)
    with pytest.raises(ValidationError):
        plans.approve_plan(plan, actor=world.manager)  # nothing drawn yet
    plans.draw(plan, actor=world.manager)
    plans.approve_plan(plan, actor=world.manager)
    assert plan.status == PlanStatus.APPROVED
    owners = set(plan.tasks.values_list("owner_id", flat=True))
    assert (
        set(
            Notification.objects.filter(kind="enforcement.plan_approved").values_list(
                "recipient_id", flat=True
            )
        )
        == owners
    )


def test_no_task_without_an_owner_in_the_grid(world: Any, other_district_officer: Any) -> None:
    due = dt.date.today() + dt.timedelta(days=5)
    with pytest.raises(ValidationError):
        plans.create_task(
            actor=world.manager, grid=world.tree.town_a1, title="检查", due_date=due, owner=None
        )
    with pytest.raises(ValidationError):  # the owner's jurisdiction must cover the grid
        plans.create_task(
            actor=world.manager,
            grid=world.tree.town_a1,
            title="检查",
            due_date=due,
            owner=other_district_officer,
        )
    with pytest.raises(ValidationError):
        plans.create_task(
            actor=world.manager, grid=world.tree.town_a1, title="检查", due_date=due, owner=world.ent_user
        )
    task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="夜间检查",
        due_date=due,
        owner=world.officer,
        enterprise=world.key,
        co_officers=[world.officer2],
        night=True,
    )
    assert task.owner == world.officer and list(task.co_officers.all()) == [world.officer2]
    assert Notification.objects.filter(recipient=world.officer, kind="enforcement.task_assigned").exists()
    assert list(plans.tasks_for(world.officer2)) == [task]  # a co-officer sees it among their tasks


def test_preparation_is_ticked_by_the_crew(world: Any, other_district_officer: Any) -> None:
    task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="检查",
        due_date=dt.date.today(),
        owner=world.officer,
    )
    task = plans.tick_preparation(task, "file", actor=world.officer, done=True, note="已查阅环评批复")
    assert task.preparation["file"]["done"] is True and task.preparation_done == 1
    assert AuditEntry.objects.filter(action="enforcement.inspectiontask.prepared").count() == 1
    with pytest.raises(ValidationError):
        plans.tick_preparation(task, "nonsense", actor=world.officer, done=True)
    stranger = make_user(Role.GRID_OFFICER, world.tree.town_a2)
    with pytest.raises(PermissionDenied):
        plans.tick_preparation(task, "route", actor=stranger, done=True)


def test_reassign_and_cancel_need_a_reason(world: Any) -> None:
    task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="检查",
        due_date=dt.date.today(),
        owner=world.officer,
    )
    with pytest.raises(ValidationError):
        plans.reassign_task(task, world.officer2, actor=world.manager, reason=" ")
    plans.reassign_task(task, world.officer2, actor=world.manager, reason="休假")
    assert InspectionTask.objects.get(pk=task.pk).owner == world.officer2
    plans.cancel_task(task, actor=world.manager, reason="企业已关闭")
    assert InspectionTask.objects.get(pk=task.pk).status == TaskStatus.CANCELLED


def test_owners_are_reminded_once_and_the_district_told_of_overdue_tasks(world: Any) -> None:
    today = dt.date(2026, 5, 10)
    soon = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="将到期",
        due_date=today + dt.timedelta(days=2),
        owner=world.officer,
    )
    late = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="已逾期",
        due_date=today - dt.timedelta(days=1),
        owner=world.officer2,
    )
    plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="尚早",
        due_date=today + dt.timedelta(days=9),
        owner=world.officer,
    )
    assert plans.remind_tasks(today) == 2
    assert plans.remind_tasks(today) == 0
    due = Notification.objects.get(kind="enforcement.task_due")
    assert due.recipient == world.officer and due.subject_id == str(soon.pk)
    overdue = set(
        Notification.objects.filter(kind="enforcement.task_overdue").values_list("recipient_id", flat=True)
    )
    assert overdue == {world.officer2.pk, world.manager.pk} and late.pk
