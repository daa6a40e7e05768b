"""The on-site record: start, location, checklist, photos, findings, submission and what follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.core.attachments import attachments_of
from epb.core.clocks import open_clock
from epb.core.models import AuditEntry, Notification
from epb.enforcement.choices import CaseStatus, InspectionStatus, TaskKind, TaskStatus
from epb.enforcement.models import Case
from epb.enforcement.services import inspections, plans
from epb.enforcement.tests.conftest import jpeg
from epb.lib.timeutil import BEIJING

pytestmark = pytest.mark.django_db

ALL_COMPLIANT = {
    item: {"result": "compliant", "note": ""}
    for item in ("construction", "solid_waste", "facility", "discharge", "surroundings")
}


def _task(world: Any, **kw: Any) -> Any:
    return plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="现场检查",
        due_date=dt.date.today() + dt.timedelta(days=3),
        owner=world.officer,
        enterprise=world.key,
        co_officers=[world.officer2],
        **kw,
    )


def test_starting_opens_one_record_for_the_crew(world: Any) -> None:
    task = _task(world)
    record = inspections.start_inspection(task, actor=world.officer)
    assert inspections.start_inspection(task, actor=world.officer2) == record  # once per task
    assert set(record.officers.all()) == {world.officer, world.officer2}
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        inspections.start_inspection(task, actor=world.ent_user)


def test_location_is_checked(world: Any) -> None:
    record = inspections.start_inspection(_task(world), actor=world.officer)
    with pytest.raises(ValidationError):
        inspections.record_location(record, actor=world.officer, latitude=95, longitude=120)
    inspections.record_location(record, actor=world.officer, latitude=31.77, longitude=119.97, accuracy_m=8)
    assert record.has_location and record.located_at is not None


def test_checklist_refuses_unknown_items_and_results(world: Any) -> None:
    record = inspections.start_inspection(_task(world), actor=world.officer)
    with pytest.raises(ValidationError):
        inspections.save_record(record, actor=world.officer, checklist={"noise": {"result": "compliant"}})
    with pytest.raises(ValidationError):
        inspections.save_record(record, actor=world.officer, checklist={"discharge": {"result": "fine"}})
    assert record.checklist == {}


def test_a_violation_needs_its_legal_basis(world: Any) -> None:
    record = inspections.start_inspection(_task(world), actor=world.officer)
    with pytest.raises(ValidationError):
        inspections.add_finding(
            record, actor=world.officer, category="discharge", description="超标", is_violation=True
        )
    with pytest.raises(ValidationError):
        inspections.add_finding(record, actor=world.officer, category="nonsense", description="x")


def test_submission_needs_every_item_and_a_finding_for_each_failure(world: Any) -> None:
    record = inspections.start_inspection(_task(world), actor=world.officer)
    with pytest.raises(ValidationError) as exc:
        inspections.submit_inspection(record, actor=world.officer)
    assert len(exc.value.messages) == 5
    checklist = dict(ALL_COMPLIANT, discharge={"result": "non_compliant", "note": "COD 超标"})
    inspections.save_record(record, actor=world.officer, checklist=checklist)
    with pytest.raises(ValidationError, match="污染源达标排放"):
        inspections.submit_inspection(record, actor=world.officer)


def test_submitting_finishes_the_task_opens_a_case_and_tells_the_enterprise(world: Any) -> None:
    task = _task(world, kind=TaskKind.RANDOM)
    record = inspections.start_inspection(task, actor=world.officer)
    inspections.record_location(record, actor=world.officer, latitude=31.77, longitude=119.97)
    photo = inspections.add_photo(record, jpeg(), actor=world.officer, name="outlet.jpg")
    assert (photo.latitude, photo.longitude) == (31.77, 119.97) and photo.taken_at is not None
    assert photo.org_unit == world.tree.town_a1
    checklist = dict(ALL_COMPLIANT, discharge={"result": "non_compliant", "note": ""})
    inspections.save_record(record, actor=world.officer, checklist=checklist, summary="总排口出水发黑")
    finding = inspections.add_finding(
        record,
        actor=world.officer,
        category="discharge",
        description="总排口化学需氧量超标",
        severity="serious",
        legal_basis="《水污染防治法》第十条",
        is_violation=True,
    )
    at = dt.datetime(2026, 5, 1, 23, 10, tzinfo=BEIJING)  # Labour Day, at night
    record.started_at = at - dt.timedelta(minutes=40)
    inspections.submit_inspection(record, actor=world.officer, at=at)
    record.refresh_from_db()
    task.refresh_from_db()
    assert record.status == InspectionStatus.SUBMITTED and record.night and record.holiday
    assert record.is_public  # random-draw results are published
    assert task.status == TaskStatus.DONE and task.completed_at == at
    case = Case.objects.get()
    assert case.status == CaseStatus.REVIEW and list(case.findings.all()) == [finding]
    assert case.source == record and case.handler == world.officer
    clock = open_clock(case, "enforcement.case_opening")
    assert clock is not None and clock.spec["basis"] == "working" and clock.spec["duration"] == 7
    assert Notification.objects.filter(
        recipient=world.ent_user, kind="enforcement.inspection_result"
    ).exists()
    assert AuditEntry.objects.filter(
        action="enforcement.inspection.submitted", object_id=str(record.pk)
    ).exists()
    with pytest.raises(ValidationError):  # final
        inspections.save_record(record, actor=world.officer, summary="改")
    with pytest.raises(ValidationError):
        inspections.add_photo(record, jpeg(), actor=world.officer, name="late.jpg")
    assert attachments_of(record).count() == 1


def test_a_clean_daytime_workday_inspection_opens_no_case(world: Any) -> None:
    record = inspections.start_inspection(_task(world), actor=world.officer)
    inspections.save_record(record, actor=world.officer, checklist=ALL_COMPLIANT)
    at = dt.datetime(2026, 5, 6, 10, 0, tzinfo=BEIJING)
    record.started_at = at - dt.timedelta(hours=1)
    inspections.submit_inspection(record, actor=world.officer, at=at)
    assert not record.night and not record.holiday and not record.is_public
    assert not Case.objects.exists()


def test_findings_can_be_removed_only_while_drafting(world: Any) -> None:
    record = inspections.start_inspection(_task(world), actor=world.officer)
    finding = inspections.add_finding(
        record, actor=world.officer, category="solid_waste", description="危废露天堆放"
    )
    inspections.remove_finding(finding, actor=world.officer)
    assert not record.findings.exists()
    assert AuditEntry.objects.filter(action="enforcement.finding.deleted").exists()
