"""Handling (S13): triage and re-routing, acceptance or refusal with coded reasons, transfer out of
the bureau, assignment to one handler, internal notes, severity flags, extensions with approval,
hearings, merging and linking, publication, and the logged reading of contact data."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.complaints import rules
from epb.complaints.choices import EventKind, ExtensionStatus, Kind, LinkKind, Status
from epb.complaints.conf import setting
from epb.complaints.deadlines import ACCEPT, CONSULT, HANDLE, HANDLING, REHANDLE, clock_spec
from epb.complaints.models import CaseLink, Complainant, Complaint, DeclineReason, ExternalAgency
from epb.complaints.services.common import (
    check_action,
    effective,
    event,
    is_centre,
    is_staff,
    notify_staff,
    open_handling_clock,
    require,
    require_leader,
    require_staff_on,
    retarget_clocks,
    staff_of_unit,
    start,
    stop,
    tell_complainant,
)
from epb.core import audit, clocks
from epb.core.attachments import attachments_of
from epb.core.models import Department, OrgUnit, User
from epb.lib.workdays import ClockError


def route(
    complaint: Complaint,
    *,
    actor: User,
    grid: OrgUnit | None,
    department: Department | None,
    reason: str = "",
) -> Complaint:
    """Send a case to a grid and division (triage), move it (re-route), or give it back to the centre
    (``grid=None``: 退回). A district may move cases within its own area only."""
    require_staff_on(complaint, actor)
    check_action(complaint, "route")
    if grid is not None:
        require(
            OrgUnit.objects.visible_to(actor).filter(pk=grid.pk).exists(),
            _("只能分派到您辖区内的网格；跨辖区请退回分派中心"),
        )
        if grid.level == "city":
            raise ValidationError({"grid": _("请选择辖市区或镇（街道）网格")})
    already_routed = complaint.grid_id is not None and not complaint.needs_triage
    if already_routed and not reason.strip():
        raise ValidationError({"reason": _("改派或退回须说明理由")})
    with transaction.atomic():
        before = complaint.grid
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.rerouted" if already_routed else "complaints.complaint.triaged",
            note=reason,
            grid=grid,
            district=grid.district() if grid is not None else None,
            department=department,
            needs_triage=grid is None or department is None,
            triage_reason=""
            if grid is not None and department is not None
            else (reason[:200] or _("退回分派中心")),
        )
        for attachment in attachments_of(complaint):
            if attachment.org_unit_id != complaint.grid_id:
                audit.update(
                    attachment, actor=actor, action="complaints.attachment.rerouted", org_unit=complaint.grid
                )
        if grid is None:
            text = _("退回分派中心：%(reason)s") % {"reason": reason}
            public = ""
        else:
            text = _("分派至 %(grid)s；承办处室：%(dept)s") % {
                "grid": grid.full_name(),
                "dept": department or "—",
            }
            if before is not None and before != grid:
                text = _("由 %(old)s 改派至 %(new)s") % {"old": before.full_name(), "new": grid.full_name()}
            if reason:
                text += f"（{reason}）"
            public = _("已转%(unit)s属地办理") % {"unit": grid.full_name()}
        event(complaint, EventKind.ROUTED, actor=actor, text=text, public_text=public)
        if (
            complaint.handler is not None
            and not Complaint.objects.visible_to(complaint.handler).filter(pk=complaint.pk).exists()
        ):
            # The old handler has no jurisdiction over the new place: the new unit assigns its own.
            complaint = audit.update(
                complaint, actor=actor, action="complaints.complaint.unassigned", handler=None
            )
        retarget_clocks(complaint, actor=actor)
        if grid is not None:
            notify_staff(staff_of_unit(grid), complaint, _("【分派】%(n)s") % {"n": complaint.number}, reason)
    return complaint


def accept(complaint: Complaint, *, actor: User, note: str = "", at: dt.datetime | None = None) -> Complaint:
    """受理: stops the 15-day clock and starts the 60-day handling clock; the complainant is told."""
    require_staff_on(complaint, actor)
    check_action(complaint, "accept")
    if complaint.grid is None:
        raise ValidationError(_("请先确定属地网格再受理（属地管理、分级负责）"))
    now = effective(at, complaint)
    with transaction.atomic():
        stop(complaint, [ACCEPT], actor=actor, at=now)
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.accepted",
            note=note,
            status=Status.ACCEPTED,
            accepted_at=now,
            needs_triage=False,
            decision_note=note,
        )
        start(complaint, clock_spec(HANDLE), complaint, actor=actor, at=now)
        unit = complaint.grid.full_name() if complaint.grid is not None else ""
        event(
            complaint,
            EventKind.ACCEPTED,
            actor=actor,
            text=note,
            public_text=_("已受理，由%(unit)s办理") % {"unit": unit},
            at=now,
        )
        tell_complainant(
            complaint,
            _("您反映的问题已受理，由%(unit)s办理，将在60日内办结答复") % {"unit": unit},
            actor=actor,
            at=now,
        )
    return complaint


def decline(
    complaint: Complaint, *, actor: User, reason: DeclineReason, note: str = "", at: dt.datetime | None = None
) -> Complaint:
    """不予受理 with a coded reason; the complainant is told why and where to go."""
    require_staff_on(complaint, actor)
    check_action(complaint, "decline")
    now = effective(at, complaint)
    with transaction.atomic():
        stop(complaint, [ACCEPT, CONSULT], actor=actor, at=now)
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.declined",
            note=note,
            status=Status.DECLINED,
            decline_reason=reason,
            decision_note=note,
            closed_at=now,
            needs_triage=False,
        )
        event(
            complaint,
            EventKind.DECLINED,
            actor=actor,
            text=note,
            public_text=f"{_('不予受理')}：{reason.label}",
            at=now,
        )
        tell_complainant(complaint, reason.guidance, actor=actor, at=now)
    return complaint


def transfer(
    complaint: Complaint, *, actor: User, agency: ExternalAgency, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """移送 to a body outside the bureau (城管, 住建, 公安 …) with the reason; the case closes here."""
    require_staff_on(complaint, actor)
    check_action(complaint, "transfer")
    if not reason.strip():
        raise ValidationError({"reason": _("移送须说明理由")})
    now = effective(at, complaint)
    with transaction.atomic():
        stop(complaint, [ACCEPT, *HANDLING], actor=actor, at=now)
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.transferred",
            note=reason,
            status=Status.TRANSFERRED,
            transferred_to=agency,
            decision_note=reason,
            closed_at=now,
            needs_triage=False,
        )
        event(
            complaint,
            EventKind.TRANSFERRED,
            actor=actor,
            text=reason,
            public_text=_("已移送%(agency)s处理") % {"agency": agency.name},
            at=now,
        )
        tell_complainant(
            complaint,
            _("您反映的问题属于%(agency)s职责，已移送其处理（%(reason)s）")
            % {"agency": agency.name, "reason": reason},
            actor=actor,
            at=now,
        )
    return complaint


def assign(complaint: Complaint, *, actor: User, handler: User, at: dt.datetime | None = None) -> Complaint:
    """One owner per case: the handler must be staff with jurisdiction over it."""
    require_staff_on(complaint, actor)
    check_action(complaint, "assign")
    require(is_staff(handler) and handler.is_active, _("承办人须为在职工作人员"))
    if not Complaint.objects.visible_to(handler).filter(pk=complaint.pk).exists():
        raise ValidationError({"handler": _("%(name)s 对该件没有管辖权，不能承办") % {"name": handler}})
    when = effective(at, complaint)
    with transaction.atomic():
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.assigned",
            handler=handler,
            assigned_at=when,
        )
        retarget_clocks(complaint, actor=actor)
        event(
            complaint,
            EventKind.ASSIGNED,
            actor=actor,
            text=_("承办人：%(name)s") % {"name": handler},
            at=when,
        )
        notify_staff(
            [handler],
            complaint,
            _("【交办】%(n)s 请您承办") % {"n": complaint.number},
            complaint.type_label(),
        )
    return complaint


def add_note(complaint: Complaint, *, actor: User, text: str) -> None:
    """An internal note: kept apart from anything the complainant or the public sees."""
    require_staff_on(complaint, actor)
    if not text.strip():
        raise ValidationError({"text": _("请填写内容")})
    with transaction.atomic():
        event(complaint, EventKind.NOTE, actor=actor, text=text.strip())
        audit.log("complaints.complaint.noted", complaint, actor=actor)


def set_flags(
    complaint: Complaint, *, actor: User, severity: int, urgency: int, is_mass: bool, is_sudden: bool
) -> Complaint:
    require_staff_on(complaint, actor)
    check_action(complaint, "flags")
    from epb.complaints.services.intake import escalate_if_needed

    with transaction.atomic():
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.flagged",
            severity=severity,
            urgency=urgency,
            is_mass=is_mass,
            is_sudden=is_sudden,
        )
        event(
            complaint,
            EventKind.FLAGS,
            actor=actor,
            text=_("严重程度：%(s)s；紧急程度：%(u)s%(mass)s%(sudden)s")
            % {
                "s": complaint.get_severity_display(),
                "u": complaint.get_urgency_display(),
                "mass": "；群体性" if is_mass else "",
                "sudden": "；突发" if is_sudden else "",
            },
        )
        escalate_if_needed(complaint, actor=actor)
    return complaint


def request_extension(complaint: Complaint, *, actor: User, days: int, reason: str) -> Complaint:
    """A handler asks for more time; a leader approves.

    《环保举报热线工作管理办法》: at most 30 days, approved by the head of the department.
    """
    require_staff_on(complaint, actor)
    check_action(complaint, "extension_request")
    clock = open_handling_clock(complaint)
    if clock is None:
        raise ValidationError(_("该件没有正在计时的办理时限"))
    state = clocks.state_of(clock)
    if days < 1 or days > state.extension_left:
        raise ValidationError({"days": _("延期天数应为1至%(n)d天") % {"n": state.extension_left}})
    if not reason.strip():
        raise ValidationError({"reason": _("请说明延期理由")})
    if complaint.extension_status == ExtensionStatus.REQUESTED:
        raise ValidationError(_("已有待批准的延期申请"))
    with transaction.atomic():
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.extension_requested",
            extension_status=ExtensionStatus.REQUESTED,
            extension_days=days,
            extension_reason=reason.strip()[:300],
        )
        event(
            complaint,
            EventKind.EXTENSION,
            actor=actor,
            text=_("申请延期%(d)d天：%(r)s") % {"d": days, "r": reason},
        )
        from epb.complaints.services.common import leaders

        notify_staff(
            leaders(),
            complaint,
            _("【延期审批】%(n)s 申请延期%(d)d天") % {"n": complaint.number, "d": days},
            reason,
        )
    return complaint


def decide_extension(
    complaint: Complaint, *, actor: User, approve: bool, note: str = "", at: dt.datetime | None = None
) -> Complaint:
    require_staff_on(complaint, actor)
    require_leader(actor, _("延期审批"))
    check_action(complaint, "extension_decide")
    if complaint.extension_status != ExtensionStatus.REQUESTED:
        raise ValidationError(_("没有待批准的延期申请"))
    clock = open_handling_clock(complaint)
    if clock is None:
        raise ValidationError(_("该件没有正在计时的办理时限"))
    days = complaint.extension_days
    with transaction.atomic():
        if approve:
            try:
                clock = clocks.extend_clock(
                    clock, days, actor=actor, reason=complaint.extension_reason, at=effective(at, complaint)
                )
            except ClockError as exc:
                message = _("办理期限已过或延期超过上限，不能批准延期（%(e)s）") % {"e": exc}
                raise ValidationError(message) from None
            due = timezone.localtime(clocks.state_of(clock).due_at or clock.due_at)
            complaint = audit.update(
                complaint,
                actor=actor,
                action="complaints.complaint.extended",
                note=note,
                extension_status=ExtensionStatus.APPROVED,
            )
            text = _("经批准延期%(d)d日办理，理由：%(r)s；办结期限：%(due)s") % {
                "d": days,
                "r": complaint.extension_reason,
                "due": f"{(due - dt.timedelta(seconds=1)):%Y-%m-%d}",
            }
            event(complaint, EventKind.EXTENSION, actor=actor, text=note, public_text=_("延期办理"))
            # The law requires the complainant to be told of the extension and its reason.
            tell_complainant(complaint, text, actor=actor, at=at)
        else:
            complaint = audit.update(
                complaint,
                actor=actor,
                action="complaints.complaint.extension_refused",
                note=note,
                extension_status=ExtensionStatus.REFUSED,
            )
            event(complaint, EventKind.EXTENSION, actor=actor, text=_("延期申请未批准：%(n)s") % {"n": note})
        if complaint.handler is not None:
            notify_staff(
                [complaint.handler], complaint, _("【延期审批结果】%(n)s") % {"n": complaint.number}, note
            )
    return complaint


def record_hearing(
    complaint: Complaint,
    *,
    actor: User,
    kind: str,
    held_on: dt.date,
    participants: str,
    outcome: str,
) -> None:
    """听证 or 会办 (the plan: 会办、听证、救助), recorded on the case's timeline."""
    require_staff_on(complaint, actor)
    check_action(complaint, "hearing")
    if kind not in (EventKind.HEARING, EventKind.JOINT_MEETING):
        raise ValidationError({"kind": _("请选择听证或会办")})
    if not outcome.strip():
        raise ValidationError({"outcome": _("请填写结果")})
    with transaction.atomic():
        event(
            complaint,
            kind,
            actor=actor,
            text=outcome.strip(),
            data={"held_on": held_on.isoformat(), "participants": participants.strip()},
            public_text=_("召开%(kind)s") % {"kind": EventKind(kind).label},
        )
        audit.log(
            f"complaints.complaint.{kind}", complaint, actor=actor, extra={"held_on": held_on.isoformat()}
        )


def merge(
    complaint: Complaint,
    original: Complaint,
    *,
    actor: User | None,
    reason: str,
    by_citizen: bool = False,
    at: dt.datetime | None = None,
) -> Complaint:
    """并案: the case joins an earlier one about the same matter and follows its progress."""
    if not by_citizen:
        require_staff_on(complaint, actor)
        check_action(complaint, "merge")
    while original.duplicate_of is not None:
        original = original.duplicate_of
    if original.pk == complaint.pk:
        raise ValidationError({"original": _("不能并入自身")})
    now = effective(at, complaint)
    with transaction.atomic():
        stop(complaint, [ACCEPT, *HANDLING], actor=actor, at=now)
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.merged",
            note=reason,
            status=Status.MERGED,
            duplicate_of=original,
            closed_at=now,
            needs_triage=False,
            grid=complaint.grid or original.grid,
            district=complaint.district or original.district,
        )
        CaseLink.objects.get_or_create(
            complaint=complaint, other=original, kind=LinkKind.DUPLICATE, defaults={"reason": reason[:200]}
        )
        event(
            complaint,
            EventKind.MERGED,
            actor=actor,
            text=reason,
            public_text=_("与编号%(n)s反映的同一问题合并办理") % {"n": original.number},
            at=now,
        )
        event(
            original,
            EventKind.MERGED,
            actor=actor,
            text=_("并入 %(n)s：%(r)s") % {"n": complaint.number, "r": reason},
            at=now,
        )
    return complaint


def link(complaint: Complaint, other: Complaint, *, actor: User, reason: str) -> CaseLink:
    require_staff_on(complaint, actor)
    require_staff_on(other, actor)
    if other.pk == complaint.pk:
        raise ValidationError({"other": _("不能关联自身")})
    with transaction.atomic():
        link_row, _created = CaseLink.objects.get_or_create(
            complaint=complaint, other=other, kind=LinkKind.REPEAT, defaults={"reason": reason[:200]}
        )
        if not complaint.is_repeat:
            audit.update(complaint, actor=actor, action="complaints.complaint.repeat_linked", is_repeat=True)
        event(
            complaint,
            EventKind.LINKED,
            actor=actor,
            text=_("关联 %(n)s：%(r)s") % {"n": other.number, "r": reason},
        )
    return link_row


def publish(
    complaint: Complaint, *, actor: User, public_summary: str, publish: bool = True, photos: bool = False
) -> Complaint:
    """Put the case on the public wall with a text staff wrote; personal data is masked again on the
    way in, so a slip does not reach the public."""
    require_staff_on(complaint, actor)
    if publish:
        check_action(complaint, "publish")
    contact = complaint.contact
    personal = [contact.name, contact.address] if contact is not None else []
    text = rules.redact(public_summary.strip(), personal)
    if publish and len(text) < 5:
        raise ValidationError({"public_summary": _("请填写公开内容")})
    with transaction.atomic():
        complaint = audit.update(
            complaint,
            actor=actor,
            action="complaints.complaint.published" if publish else "complaints.complaint.unpublished",
            public_summary=text,
            is_public=publish,
            published_at=timezone.now() if publish else None,
        )
        for attachment in attachments_of(complaint):
            wanted = publish and photos and attachment.mime_type.startswith("image/")
            if attachment.is_public != wanted:
                audit.update(
                    attachment, actor=actor, action="complaints.attachment.published", is_public=wanted
                )
        event(complaint, EventKind.PUBLISHED, actor=actor, text=_("公开") if publish else _("撤回公开"))
    return complaint


# -- contact data -------------------------------------------------------------------------------


def viewer_of(user: User) -> rules.Viewer:
    unit = getattr(user, "org_unit", None)
    department = getattr(user, "department", None)
    return rules.Viewer(
        user_id=user.pk,
        role=str(getattr(user, "role", "")),
        is_superuser=bool(getattr(user, "is_superuser", False)),
        is_active=bool(getattr(user, "is_active", False)),
        org_path=unit.path if unit is not None else "",
        org_is_city=unit is not None and unit.level == "city",
        department_code=department.code if department is not None else "",
    )


def case_ref(complaint: Complaint) -> rules.CaseRef:
    return rules.CaseRef(
        handler_id=complaint.handler_id,
        grid_path=complaint.grid.path if complaint.grid is not None else "",
        leader_ids=frozenset(complaint.leader_cases.values_list("leader_id", flat=True)),
    )


def may_see_contact(user: object, complaint: Complaint) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return rules.may_see_contact(
        viewer_of(user),  # type: ignore[arg-type]
        case_ref(complaint),
        setting("COMPLAINTS_CENTRE_DEPARTMENTS"),
    )


def view_contact(complaint: Complaint, *, actor: User, purpose: str = "") -> Complainant | None:
    """The complainant's contact for a handler, and one audit entry saying who looked and why."""
    if not may_see_contact(actor, complaint):
        raise PermissionDenied(_("举报人联系方式仅承办人员可见"))
    contact = complaint.contact
    audit.log(
        "complaints.contact.viewed",
        complaint,
        actor=actor,
        note=purpose[:200],
        extra={"anonymous": complaint.anonymous, "has_contact": contact is not None},
    )
    return contact


def masked_description(complaint: Complaint) -> str:
    """The complaint's text with personal data masked (phone and ID numbers, e-mail, the
    complainant's name and address): what pages show. The original is shown to a handler only
    with the contact, in the same logged look."""
    contact = complaint.contact
    personal = [contact.name, contact.address] if contact is not None else []
    return rules.redact(complaint.description, personal)


def due_dates(complaint: Complaint) -> dict[str, dt.datetime | None]:
    """The running deadlines of a case, for lists and the Open311 ``expected_datetime``."""
    out: dict[str, dt.datetime | None] = {}
    for kind in (ACCEPT, HANDLE, REHANDLE, CONSULT):
        clock = clocks.open_clock(complaint, kind)
        out[kind] = clock.due_at if clock is not None else None
    return out


def is_consultation(complaint: Complaint) -> bool:
    return complaint.kind == Kind.CONSULTATION


def may_route(user: User) -> bool:
    return is_centre(user) or getattr(user, "role", "") in ("district_staff", "grid_officer", "dept_staff")
