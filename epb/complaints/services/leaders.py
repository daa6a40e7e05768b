"""Leaders (S12, S15): reception days with their visitors, leader-assigned cases (包案) with
instructions, and the listed-supervision register with required actions, carry-over into the next
year, delisting and public notices."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.complaints.choices import EventKind, LeaderCaseStatus, ReceptionStatus, SupervisionStatus
from epb.complaints.deadlines import SUPERVISION, supervision_spec
from epb.complaints.models import Complaint, LeaderCase, ReceptionDay, Supervision, SupervisionAction
from epb.complaints.services.common import (
    check_action,
    effective,
    event,
    is_citywide_staff,
    is_staff,
    notify_staff,
    require,
    require_leader,
    require_staff_on,
    staff_of_unit,
)
from epb.core import audit, clocks
from epb.core.models import OrgUnit, User
from epb.lib.timeutil import beijing_date, beijing_midnight
from epb.lib.workdays import ClockError

# -- reception days -----------------------------------------------------------------------------


def schedule_reception(
    *, actor: User, date: dt.date, leader: User, org_unit: OrgUnit, location: str = "", mode: str = "open"
) -> ReceptionDay:
    require(is_staff(actor), _("只有工作人员可以安排接访"))
    require(OrgUnit.objects.visible_to(actor).filter(pk=org_unit.pk).exists(), _("只能为本辖区安排接访"))
    if not leader.is_leadership and leader.role != "district_staff":
        raise ValidationError({"leader": _("接访领导须为局领导或辖市区环保局负责人")})
    if ReceptionDay.objects.filter(date=date, leader=leader, org_unit=org_unit).exists():
        raise ValidationError({"date": _("该领导当日已安排接访")})
    return audit.create(
        ReceptionDay,
        actor=actor,
        date=date,
        leader=leader,
        org_unit=org_unit,
        location=location.strip(),
        mode=mode,
    )


def record_reception(day: ReceptionDay, *, actor: User, status: str, summary: str) -> ReceptionDay:
    require(ReceptionDay.objects.visible_to(actor).filter(pk=day.pk).exists(), _("该接访日不在您的辖区"))
    if status not in ReceptionStatus.values:
        raise ValidationError({"status": _("状态无效")})
    return audit.update(
        day, actor=actor, action="complaints.receptionday.recorded", status=status, summary=summary.strip()
    )


# -- 包案 -----------------------------------------------------------------------------------------


def assign_leader(
    complaint: Complaint,
    *,
    actor: User,
    leader: User,
    instructions: str,
    due_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> LeaderCase:
    require_staff_on(complaint, actor)
    require_leader(actor, _("领导包案"))
    check_action(complaint, "leader_case")
    require(leader.is_leadership and leader.is_active, _("包案领导须为局领导"))
    if not instructions.strip():
        raise ValidationError({"instructions": _("请填写批示或包案要求")})
    if complaint.leader_cases.filter(leader=leader, status=LeaderCaseStatus.OPEN).exists():
        raise ValidationError({"leader": _("该领导已包案")})
    when = effective(at, complaint)
    with transaction.atomic():
        case = audit.create(
            LeaderCase,
            actor=actor,
            complaint=complaint,
            leader=leader,
            instructions=instructions.strip(),
            due_date=due_date,
            assigned_at=when,
        )
        event(
            complaint,
            EventKind.LEADER_CASE,
            actor=actor,
            text=_("%(leader)s包案：%(i)s") % {"leader": leader, "i": instructions},
            public_text=_("局领导包案督办"),
            at=when,
        )
        recipients = ([complaint.handler] if complaint.handler else []) + staff_of_unit(complaint.grid)
        notify_staff(recipients, complaint, _("【领导包案】%(n)s") % {"n": complaint.number}, instructions)
    return case


def instruct(case: LeaderCase, *, actor: User, text: str) -> None:
    complaint = case.complaint
    require_staff_on(complaint, actor)
    require(actor.pk == case.leader_id or actor.is_leadership, _("批示须由包案领导作出"))
    if not text.strip():
        raise ValidationError({"text": _("请填写批示内容")})
    with transaction.atomic():
        event(complaint, EventKind.INSTRUCTION, actor=actor, text=text.strip())
        audit.log("complaints.leadercase.instructed", case, actor=actor, note=text.strip()[:200])
        recipients = ([complaint.handler] if complaint.handler else []) + staff_of_unit(complaint.grid)
        notify_staff(recipients, complaint, _("【领导批示】%(n)s") % {"n": complaint.number}, text)


def close_leader_case(case: LeaderCase, *, actor: User, result: str) -> LeaderCase:
    require_staff_on(case.complaint, actor)
    require(actor.pk == case.leader_id or actor.is_leadership, _("须由包案领导确认化解"))
    if case.status != LeaderCaseStatus.OPEN:
        raise ValidationError(_("该包案已结束"))
    if not result.strip():
        raise ValidationError({"result": _("请填写化解情况")})
    with transaction.atomic():
        case = audit.update(
            case,
            actor=actor,
            action="complaints.leadercase.closed",
            status=LeaderCaseStatus.CLOSED,
            closed_at=timezone.now(),
            result=result.strip(),
        )
        event(case.complaint, EventKind.LEADER_CASE, actor=actor, text=_("包案化解：%(r)s") % {"r": result})
    return case


# -- 挂牌督办 ---------------------------------------------------------------------------------------


def _may_supervise(actor: User) -> bool:
    return is_citywide_staff(actor)


def _clock_days(start: dt.date, deadline: dt.date) -> int:
    return (deadline - start).days


def list_case(
    *,
    actor: User,
    year: int,
    title: str,
    description: str,
    grid: OrgUnit,
    responsible_unit: str,
    listed_at: dt.date,
    deadline: dt.date,
    actions: list[tuple[str, str, dt.date | None]],
    enterprise: object = None,
    complaints: list[Complaint] | None = None,
    co_supervisor: str = "",
    listing_notice: str = "",
    is_public: bool = True,
    previous: Supervision | None = None,
) -> Supervision:
    """挂牌: a hard case with required actions and a deadline, public notice at listing."""
    require(_may_supervise(actor), _("挂牌督办须由局领导或市局机关处室办理"))
    if deadline <= listed_at:
        raise ValidationError({"deadline": _("办结期限须晚于挂牌日期")})
    if not actions:
        raise ValidationError({"actions": _("请至少列出一项整改要求")})
    if grid.level == "city":
        raise ValidationError({"grid": _("请选择属地辖市区或网格")})
    with transaction.atomic():
        supervision = audit.create(
            Supervision,
            actor=actor,
            year=year,
            title=title.strip(),
            description=description.strip(),
            grid=grid,
            enterprise=enterprise,
            responsible_unit=responsible_unit.strip(),
            listed_at=listed_at,
            deadline=deadline,
            co_supervisor=co_supervisor.strip(),
            listing_notice=listing_notice.strip(),
            is_public=is_public,
            previous=previous,
        )
        for order, (text, responsible, due) in enumerate(actions):
            audit.create(
                SupervisionAction,
                actor=actor,
                supervision=supervision,
                text=text.strip(),
                responsible=responsible.strip(),
                due_date=due,
                sort_order=order,
            )
        if complaints:
            supervision.complaints.set(complaints)
            for complaint in complaints:
                event(
                    complaint,
                    EventKind.NOTE,
                    actor=actor,
                    text=_("列入%(y)d年挂牌督办：%(t)s") % {"y": year, "t": title},
                )
        # A clock never starts in the future (a listing dated next year starts counting today).
        at = min(beijing_midnight(listed_at), timezone.now())
        clocks.start_clock(
            supervision,
            supervision_spec(_clock_days(beijing_date(at), deadline)),
            actor=actor,
            label=f"{_('挂牌督办')} {title}"[:100],
            org_unit=grid,
            at=at,
        )
        notify_staff(
            staff_of_unit(grid), supervision, _("【挂牌督办】%(t)s") % {"t": title}, responsible_unit
        )
    return supervision


def _require_on(supervision: Supervision, actor: User) -> None:
    require(is_staff(actor), _("只有工作人员可以办理"))
    require(
        Supervision.objects.visible_to(actor).filter(pk=supervision.pk).exists(), _("该督办事项不在您的辖区")
    )


def complete_action(
    action: SupervisionAction, *, actor: User, done_at: dt.date, note: str
) -> SupervisionAction:
    _require_on(action.supervision, actor)
    if action.supervision.status != SupervisionStatus.LISTED:
        raise ValidationError(_("该督办事项已不在督办中"))
    if not note.strip():
        raise ValidationError({"note": _("请填写完成情况")})
    if done_at > timezone.localdate():
        raise ValidationError({"done_at": _("完成日期不能晚于今天")})
    return audit.update(
        action,
        actor=actor,
        action="complaints.supervisionaction.done",
        done_at=done_at,
        done_note=note.strip()[:300],
    )


def extend_deadline(supervision: Supervision, *, actor: User, deadline: dt.date, reason: str) -> Supervision:
    require(_may_supervise(actor), _("延期须由局领导或市局机关处室批准"))
    if supervision.status != SupervisionStatus.LISTED:
        raise ValidationError(_("该督办事项已不在督办中"))
    if deadline <= supervision.deadline:
        raise ValidationError({"deadline": _("新期限须晚于原期限")})
    if not reason.strip():
        raise ValidationError({"reason": _("请说明延期理由")})
    with transaction.atomic():
        clock = clocks.open_clock(supervision, SUPERVISION)
        if clock is not None:
            try:
                clocks.extend_clock(clock, (deadline - supervision.deadline).days, actor=actor, reason=reason)
            except ClockError:
                # The old deadline has already passed: the lapse stays on record (completed late)
                # and the extended period runs on a clock of its own.
                clocks.stop_clock(clock, actor=actor)
                now = timezone.now()
                clocks.start_clock(
                    supervision,
                    supervision_spec(max(1, (deadline - beijing_date(now)).days)),
                    actor=actor,
                    label=clock.label,
                    org_unit=supervision.grid,
                    at=now,
                )
        supervision = audit.update(
            supervision, actor=actor, action="complaints.supervision.extended", note=reason, deadline=deadline
        )
    return supervision


def delist(supervision: Supervision, *, actor: User, on: dt.date, notice: str) -> Supervision:
    """解除挂牌督办, with its public notice. Not while any required action is open (Anhui 2021 refers
    such a request for accountability instead)."""
    require(_may_supervise(actor), _("解除挂牌须由局领导或市局机关处室办理"))
    if supervision.status != SupervisionStatus.LISTED:
        raise ValidationError(_("该督办事项已不在督办中"))
    open_actions = supervision.actions.filter(done_at=None).count()
    if open_actions:
        raise ValidationError(_("尚有%(n)d项整改要求未完成，不能解除挂牌") % {"n": open_actions})
    if len(notice.strip()) < 5:
        raise ValidationError({"notice": _("请填写解除挂牌公告")})
    with transaction.atomic():
        clock = clocks.open_clock(supervision, SUPERVISION)
        if clock is not None:
            clocks.stop_clock(clock, actor=actor, at=max(beijing_midnight(on), clock.started_at))
        supervision = audit.update(
            supervision,
            actor=actor,
            action="complaints.supervision.delisted",
            status=SupervisionStatus.DELISTED,
            delisted_at=on,
            delisting_notice=notice.strip(),
        )
    return supervision


def carry_over(supervision: Supervision, *, actor: User, deadline: dt.date, note: str = "") -> Supervision:
    """An unfinished case goes into next year's register (the plan: three of 2009's cases continue in
    2010): a new listing points back to this one and takes over its open actions."""
    require(_may_supervise(actor), _("转入下一年度须由局领导或市局机关处室办理"))
    if supervision.status != SupervisionStatus.LISTED:
        raise ValidationError(_("只有督办中的事项可以转入下一年度"))
    open_actions = list(supervision.actions.filter(done_at=None))
    if not open_actions:
        raise ValidationError(_("整改要求已全部完成，应解除挂牌而非转入下一年度"))
    next_year = supervision.year + 1
    listed_at = dt.date(next_year, 1, 1)
    with transaction.atomic():
        clock = clocks.open_clock(supervision, SUPERVISION)
        if clock is not None:
            clocks.cancel_clock(clock, actor=actor, reason=_("转入%(y)d年度继续督办") % {"y": next_year})
        audit.update(
            supervision,
            actor=actor,
            action="complaints.supervision.carried_over",
            note=note,
            status=SupervisionStatus.CARRIED_OVER,
        )
        successor = list_case(
            actor=actor,
            year=next_year,
            title=supervision.title,
            description=supervision.description,
            grid=supervision.grid,
            enterprise=supervision.enterprise,
            responsible_unit=supervision.responsible_unit,
            listed_at=listed_at,
            deadline=deadline,
            actions=[
                (a.text, a.responsible, a.due_date if a.due_date and a.due_date > listed_at else None)
                for a in open_actions
            ],
            complaints=list(supervision.complaints.all()),
            co_supervisor=supervision.co_supervisor,
            listing_notice=_(
                "因整改措施尚未全部落实，%(y)d年挂牌督办事项“%(t)s”继续列入%(n)d年挂牌督办。%(note)s"
            )
            % {"y": supervision.year, "t": supervision.title, "n": next_year, "note": note},
            is_public=supervision.is_public,
            previous=supervision,
        )
    return successor
