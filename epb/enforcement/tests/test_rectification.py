"""Rectification: the enterprise reports, the officer verifies, overdue tasks escalate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from epb.core.attachments import attachments_of
from epb.core.clocks import scan_clocks
from epb.core.models import AuditEntry, Notification
from epb.enforcement.choices import RectificationStatus, ReviewDecision
from epb.enforcement.services import rectification as service
from epb.enforcement.tests.conftest import jpeg
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _issue(world: Any, days: int = 20, **kw: Any) -> Any:
    return service.issue_rectification(
        actor=world.officer,
        enterprise=world.key,
        title="危废贮存不规范",
        requirements="建设规范的危废贮存间，建立台账",
        deadline=timezone.localdate() + dt.timedelta(days=days),
        officer=world.officer,
        **kw,
    )


def test_issuing_starts_the_clock_and_tells_the_enterprise(world: Any) -> None:
    task = _issue(world)
    clock = service.rectification_clock(task)
    assert clock is not None and clock.state == "running" and clock.owner == world.officer
    assert Notification.objects.filter(
        recipient=world.ent_user, kind="enforcement.rectification_issued"
    ).exists()
    with pytest.raises(ValidationError):
        _issue(world, days=0)


def test_the_enterprise_submits_with_evidence_and_the_clock_waits_for_the_review(world: Any) -> None:
    task = _issue(world)
    with pytest.raises(PermissionDenied):
        service.submit_rectification(
            task, actor=world.officer, description="已整改", files=[("a.jpg", jpeg())]
        )
    with pytest.raises(ValidationError):
        service.submit_rectification(task, actor=world.ent_user, description="已整改")  # no evidence
    submission = service.submit_rectification(
        task, actor=world.ent_user, description="已建成危废间", files=[("room.jpg", jpeg())]
    )
    assert attachments_of(submission).count() == 1
    assert task.status == RectificationStatus.SUBMITTED
    assert service.rectification_clock(task).state == "paused"  # type: ignore[union-attr]
    assert Notification.objects.filter(
        recipient=world.officer, kind="enforcement.rectification_submitted"
    ).exists()
    with pytest.raises(ValidationError):
        service.submit_rectification(
            task, actor=world.ent_user, description="再交", files=[("b.jpg", jpeg())]
        )


def test_sending_back_needs_a_reason_and_resumes_the_clock(world: Any) -> None:
    task = _issue(world)
    service.submit_rectification(task, actor=world.ent_user, description="已整改", files=[("a.jpg", jpeg())])
    with pytest.raises(PermissionDenied):
        service.review_rectification(task, actor=world.ent_user, accept=True)
    with pytest.raises(ValidationError):
        service.review_rectification(task, actor=world.officer, accept=False, reason="")
    service.review_rectification(task, actor=world.officer, accept=False, reason="台账不全")
    assert task.status == RectificationStatus.RETURNED
    assert service.rectification_clock(task).state == "running"  # type: ignore[union-attr]
    assert task.submissions.get().decision == ReviewDecision.RETURNED
    # the second report needs no new file
    service.submit_rectification(task, actor=world.ent_user, description="已补台账")
    service.review_rectification(task, actor=world.officer, accept=True)
    assert task.status == RectificationStatus.ACCEPTED and task.accepted_at is not None
    assert service.rectification_clock(task) is None
    assert AuditEntry.objects.filter(
        action="enforcement.rectification.accepted", object_id=str(task.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="enforcement.rectificationsubmission.returned").count() == 1


def test_overdue_tasks_escalate_to_the_district_then_the_leadership(world: Any, leader: Any) -> None:
    task = _issue(world, days=3)
    district_staff = world.manager
    late = timezone.now() + dt.timedelta(days=5)
    scan_clocks(now=late)
    task.refresh_from_db()
    assert task.escalation_level == 1
    assert Notification.objects.filter(
        recipient=district_staff, kind="enforcement.rectification_overdue"
    ).exists()
    assert Notification.objects.filter(
        recipient=world.ent_user, kind="enforcement.rectification_overdue"
    ).exists()
    scan_clocks(now=late + dt.timedelta(days=10))  # past the 督办 reminder
    task.refresh_from_db()
    assert task.escalation_level == 2
    assert Notification.objects.filter(recipient=leader, kind="enforcement.rectification_overdue").exists()
    assert AuditEntry.objects.filter(action="enforcement.rectification.escalated").count() == 2
    scan_clocks(now=late + dt.timedelta(days=11))  # idempotent
    assert AuditEntry.objects.filter(action="enforcement.rectification.escalated").count() == 2


def test_only_staff_of_the_grid_issue_rectification(world: Any, other_district_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        service.issue_rectification(
            actor=other_district_officer,
            enterprise=world.key,
            title="x",
            requirements="y",
            deadline=timezone.localdate() + dt.timedelta(days=5),
            officer=world.officer,
        )
    stranger = make_user("grid_officer", world.tree.town_a2)
    with pytest.raises(ValidationError):
        service.issue_rectification(
            actor=world.manager,
            enterprise=world.key,
            title="x",
            requirements="y",
            deadline=timezone.localdate() + dt.timedelta(days=5),
            officer=stranger,
        )


def test_cancelling_cancels_the_clock(world: Any) -> None:
    task = _issue(world)
    service.cancel_rectification(task, actor=world.manager, reason="误发")
    assert task.status == RectificationStatus.CANCELLED and service.rectification_clock(task) is None
