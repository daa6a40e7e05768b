"""Rectification: the enterprise puts things right by a deadline (a core clock), the officer verifies.

The clock runs while the enterprise works on it and pauses while its report waits for the
officer (the enterprise is not late for the bureau's review time); it resumes when a report is
sent back and stops when the officer accepts. Overdue tasks escalate through the clock handler:
the district is told first (催办), then the leadership (督办).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core import audit
from epb.core.attachments import attach
from epb.core.choices import Role
from epb.core.clocks import open_clock, pause_clock, resume_clock, start_clock, stop_clock
from epb.core.models import Clock, User
from epb.core.notify import notify
from epb.enforcement import rules
from epb.enforcement.choices import RectificationStatus, ReviewDecision, TargetStatus
from epb.enforcement.models import CampaignTarget, Finding, Measure, Rectification, RectificationSubmission
from epb.enforcement.services.access import covers, is_enterprise_member, is_manager, is_officer, require
from epb.enterprises.models import Enterprise
from epb.lib.workdays import ClockState

CLOCK = "enforcement.rectification"


def issue_rectification(
    *,
    actor: User | None,
    enterprise: Enterprise,
    title: str,
    requirements: str,
    deadline: dt.date,
    officer: User,
    findings: Iterable[Finding] = (),
    measure: Measure | None = None,
    at: dt.datetime | None = None,
) -> Rectification:
    grid = enterprise.grid
    if actor is not None:
        require(is_officer(actor) and covers(actor, grid), _("无权向该企业下达整改任务"))
    if not is_officer(officer) or not covers(officer, grid):
        raise ValidationError({"officer": _("核查人须为该辖区的执法人员")})
    if not title.strip() or not requirements.strip():
        raise ValidationError(_("请填写整改事项和整改要求"))
    at = at or timezone.now()
    issued_on = timezone.localtime(at).date()
    try:
        spec = rules.rectification_spec(issued_on, deadline)
    except ValueError:
        raise ValidationError({"deadline": _("整改期限须晚于下达日期")}) from None
    with transaction.atomic():
        task = audit.create(
            Rectification,
            actor=actor,
            enterprise=enterprise,
            grid=grid,
            title=title.strip(),
            requirements=requirements.strip(),
            deadline=deadline,
            officer=officer,
            measure=measure,
            issued_at=at,
        )
        task.findings.set(list(findings))
        start_clock(
            task, spec, actor=actor, label=_("整改：%(t)s") % {"t": task}, org_unit=grid, owner=officer, at=at
        )
        notify(
            list(enterprise.members.filter(is_active=True)),
            kind="enforcement.rectification_issued",
            title=_("整改通知：%(t)s（期限 %(d)s）") % {"t": task.title, "d": deadline},
            body=task.requirements,
            url=task.get_absolute_url(),
            subject=task,
        )
    return task


def rectification_clock(task: Rectification) -> Clock | None:
    return open_clock(task, CLOCK)


def submit_rectification(
    task: Rectification,
    *,
    actor: User | None,
    description: str,
    files: Sequence[tuple[str, IO[bytes]]] = (),
) -> RectificationSubmission:
    """The enterprise reports what it did, with evidence files; the officer is told."""
    if actor is not None:
        require(is_enterprise_member(actor, task.enterprise), _("只有该企业的账号可以提交整改报告"))
    if task.status not in (RectificationStatus.ISSUED, RectificationStatus.RETURNED):
        raise ValidationError(_("当前状态不能提交整改报告（%(s)s）") % {"s": task.get_status_display()})
    if not description.strip():
        raise ValidationError({"description": _("请说明整改情况")})
    if not files and not task.submissions.exists():
        raise ValidationError({"files": _("首次提交须上传整改证明材料（照片、报告等）")})
    at = timezone.now()
    with transaction.atomic():
        submission = audit.create(
            RectificationSubmission,
            actor=actor,
            rectification=task,
            submitted_by=actor,
            submitted_at=at,
            description=description.strip(),
        )
        for name, upload in files:
            attach(submission, upload, actor=actor, name=name, org_unit=task.grid)
        audit.update(
            task,
            actor=actor,
            action="enforcement.rectification.submitted",
            status=RectificationStatus.SUBMITTED,
        )
        clock = rectification_clock(task)
        if clock is not None and clock.state in ("running",):
            pause_clock(clock, actor=actor, reason=_("整改报告待核查"), at=at)
        notify(
            [task.officer],
            kind="enforcement.rectification_submitted",
            title=_("待核查整改报告：%(t)s") % {"t": task},
            url=task.get_absolute_url(),
            subject=task,
        )
    return submission


def may_review(user: Any, task: Rectification) -> bool:
    return bool(
        user is not None
        and is_officer(user)
        and (user.pk == task.officer_id or (is_manager(user) and covers(user, task.grid)))
    )


def review_rectification(
    task: Rectification, *, actor: User | None, accept: bool, reason: str = ""
) -> Rectification:
    """核查: accept (the clock stops; on time or late) or send back with a reason (the clock resumes)."""
    if actor is not None:
        require(may_review(actor, task), _("只有核查人或辖区环保局可以核查整改"))
    if task.status != RectificationStatus.SUBMITTED:
        raise ValidationError(_("没有待核查的整改报告"))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("退回须说明理由")})
    submission = task.submissions.filter(decision="").order_by("-submitted_at", "-pk").first()
    if submission is None:
        raise ValidationError(_("没有待核查的整改报告"))
    at = timezone.now()
    clock = rectification_clock(task)
    with transaction.atomic():
        audit.update(
            submission,
            actor=actor,
            action=f"enforcement.rectificationsubmission.{'accepted' if accept else 'returned'}",
            decision=ReviewDecision.ACCEPTED if accept else ReviewDecision.RETURNED,
            reason=reason.strip(),
            reviewed_by=actor,
            reviewed_at=at,
        )
        if accept:
            if clock is not None:
                stop_clock(clock, actor=actor, at=at)
            audit.update(
                task,
                actor=actor,
                action="enforcement.rectification.accepted",
                status=RectificationStatus.ACCEPTED,
                accepted_at=at,
            )
            for target in CampaignTarget.objects.filter(
                enterprise=task.enterprise,
                status=TargetStatus.PROBLEM,
                tasks__inspection__findings__in=task.findings.all(),
            ).distinct():
                audit.update(
                    target,
                    actor=actor,
                    action="enforcement.campaigntarget.resolved",
                    status=TargetStatus.RESOLVED,
                )
        else:
            if clock is not None and clock.state == "paused":
                resume_clock(clock, actor=actor, at=at)
            audit.update(
                task,
                actor=actor,
                action="enforcement.rectification.returned",
                note=reason,
                status=RectificationStatus.RETURNED,
            )
        notify(
            list(task.enterprise.members.filter(is_active=True)),
            kind="enforcement.rectification_reviewed",
            title=(_("整改已通过核查：%(t)s") if accept else _("整改被退回：%(t)s")) % {"t": task.title},
            body=reason,
            url=task.get_absolute_url(),
            subject=task,
        )
    return task


def cancel_rectification(task: Rectification, *, actor: User | None, reason: str) -> Rectification:
    if actor is not None:
        require(is_manager(actor) and covers(actor, task.grid), _("只有辖区环保局可以撤销整改任务"))
    if not reason.strip():
        raise ValidationError(_("请说明撤销原因"))
    if not task.is_open:
        raise ValidationError(_("该整改任务已结束"))
    from epb.core.clocks import cancel_clock

    with transaction.atomic():
        clock = rectification_clock(task)
        if clock is not None:
            cancel_clock(clock, actor=actor, reason=reason)
        audit.update(
            task,
            actor=actor,
            action="enforcement.rectification.cancelled",
            note=reason,
            status=RectificationStatus.CANCELLED,
        )
    return task


def on_clock(clock: Clock, what: str, state: ClockState) -> None:
    """Escalation of overdue rectification (registered with ``epb.core.clocks``).

    Overdue → level 1: the enterprise and the district bureau are told (催办).
    The 督办 reminder (3 working days after the deadline) → level 2: the leadership is told.
    """
    task = Rectification.objects.filter(pk=clock.subject_id).select_related("enterprise", "grid").first()
    if task is None or not task.is_open:
        return
    if what == "overdue" and task.escalation_level < 1:
        level, recipients = 1, _district_staff(task) + list(task.enterprise.members.filter(is_active=True))
        title = _("【催办】整改逾期：%(t)s") % {"t": task}
    elif what == "reminder:督办" and task.escalation_level < 2:
        level, recipients = (
            2,
            list(User.objects.filter(role=Role.LEADERSHIP, is_active=True)) + _district_staff(task),
        )
        title = _("【督办】整改逾期未完成：%(t)s") % {"t": task}
    else:
        return
    audit.update(task, actor=None, action="enforcement.rectification.escalated", escalation_level=level)
    notify(
        recipients,
        kind="enforcement.rectification_overdue",
        title=title,
        url=task.get_absolute_url(),
        subject=task,
    )


def _district_staff(task: Rectification) -> list[User]:
    district = task.grid.district()
    if district is None:
        return []
    return list(User.objects.filter(role=Role.DISTRICT_STAFF, org_unit=district, is_active=True))
