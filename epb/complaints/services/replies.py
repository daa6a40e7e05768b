"""Replies and what follows them: drafting from templates, the leader's sign-off before anything is
published, callbacks with satisfaction (不满意 → handled again), and 复查/复核 with their clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from epb.complaints import rules
from epb.complaints.choices import (
    EventKind,
    Kind,
    ReplyStatus,
    ReviewOutcome,
    ReviewStage,
    Satisfaction,
    Status,
)
from epb.complaints.conf import setting
from epb.complaints.deadlines import CALLBACK, HANDLING, REHANDLE, REVIEW_DECISION, REVIEW_REQUEST, clock_spec
from epb.complaints.models import Callback, Complaint, Reply, ReplyTemplate, ReviewRequest
from epb.complaints.services.common import (
    centre_staff,
    check_action,
    effective,
    event,
    is_centre,
    leaders,
    notify_staff,
    require,
    require_leader,
    require_staff_on,
    staff_of_unit,
    start,
    stop,
    tell_complainant,
)
from epb.core import audit, clocks
from epb.core.calendar import workday_calendar
from epb.core.models import User
from epb.lib.timeutil import beijing_date
from epb.lib.workdays import ClockEvent, evaluate_clock
from epb.lib.workdays import EventKind as ClockEventKind


def template_values(complaint: Complaint, findings: str = "") -> dict[str, str]:
    return {
        "number": complaint.number,
        "received_date": f"{beijing_date(complaint.received_at):%Y年%m月%d日}",
        "type": complaint.type_label(),
        "address": complaint.address,
        "findings": findings,
    }


def fill(template: ReplyTemplate, complaint: Complaint, findings: str = "") -> str:
    return rules.fill_template(template.text, template_values(complaint, findings))


def current_draft(complaint: Complaint) -> Reply | None:
    return complaint.replies.filter(
        status__in=[ReplyStatus.DRAFT, ReplyStatus.RETURNED, ReplyStatus.PENDING]
    ).first()


def signed_reply(complaint: Complaint) -> Reply | None:
    return complaint.replies.filter(status=ReplyStatus.SIGNED).order_by("-signed_at").first()


def save_reply(
    complaint: Complaint,
    *,
    actor: User,
    text: str,
    findings: str = "",
    template: ReplyTemplate | None = None,
    submit: bool = False,
    at: dt.datetime | None = None,
) -> Reply:
    """Draft (or redraft) the reply; ``submit`` sends it to a leader for sign-off. A consultation is
    answered directly unless COMPLAINTS_SIGN_OFF_CONSULTATIONS is on."""
    require_staff_on(complaint, actor)
    check_action(complaint, "reply")
    if len(text.strip()) < 5:
        raise ValidationError({"text": _("请填写答复意见")})
    if complaint.kind == Kind.COMPLAINT and submit and not findings.strip():
        raise ValidationError({"findings": _("请填写调查处理结果")})
    when = effective(at, complaint)
    with transaction.atomic():
        draft = complaint.replies.filter(status__in=[ReplyStatus.DRAFT, ReplyStatus.RETURNED]).first()
        fields: dict[str, Any] = {"text": text.strip(), "findings": findings.strip(), "template": template}
        if draft is None:
            draft = audit.create(
                Reply,
                actor=actor,
                complaint=complaint,
                drafted_by=actor,
                drafted_at=when,
                status=ReplyStatus.DRAFT,
                **fields,
            )
        else:
            draft = audit.update(draft, actor=actor, drafted_by=actor, drafted_at=when, **fields)
        if not submit:
            return draft
        direct = complaint.kind == Kind.CONSULTATION and not setting("COMPLAINTS_SIGN_OFF_CONSULTATIONS")
        if direct:
            draft = audit.update(
                draft,
                actor=actor,
                action="complaints.reply.answered",
                status=ReplyStatus.SIGNED,
                submitted_at=when,
                signed_by=actor,
                signed_at=when,
            )
            _publish(complaint, draft, actor=actor, at=when)
            return draft
        draft = audit.update(
            draft,
            actor=actor,
            action="complaints.reply.submitted",
            status=ReplyStatus.PENDING,
            submitted_at=when,
        )
        audit.update(
            complaint, actor=actor, action="complaints.complaint.reply_submitted", status=Status.REPLY_PENDING
        )
        event(complaint, EventKind.REPLY, actor=actor, text=_("答复意见报领导审签"), at=when)
        notify_staff(
            leaders(), complaint, _("【待审签】%(n)s 答复意见") % {"n": complaint.number}, text[:200]
        )
    return draft


def sign_reply(
    reply: Reply, *, actor: User, approve: bool, note: str = "", at: dt.datetime | None = None
) -> Reply:
    """A leader signs the reply (it is published to the complainant at once) or returns it."""
    complaint = reply.complaint
    require_staff_on(complaint, actor)
    require_leader(actor, _("答复审签"))
    check_action(complaint, "sign")
    if reply.status != ReplyStatus.PENDING:
        raise ValidationError(_("该答复不在待审签状态"))
    when = effective(at, complaint)
    with transaction.atomic():
        if approve:
            reply = audit.update(
                reply,
                actor=actor,
                action="complaints.reply.signed",
                status=ReplyStatus.SIGNED,
                signed_by=actor,
                signed_at=when,
                sign_note=note[:300],
            )
            event(complaint, EventKind.SIGN_OFF, actor=actor, text=note or _("同意"), at=when)
            _publish(complaint, reply, actor=actor, at=when)
        else:
            if not note.strip():
                raise ValidationError({"note": _("退回须写明意见")})
            reply = audit.update(
                reply,
                actor=actor,
                action="complaints.reply.returned",
                status=ReplyStatus.RETURNED,
                sign_note=note[:300],
            )
            audit.update(
                complaint, actor=actor, action="complaints.complaint.reply_returned", status=Status.ACCEPTED
            )
            event(complaint, EventKind.SIGN_OFF, actor=actor, text=_("退回修改：%(n)s") % {"n": note})
            if reply.drafted_by is not None:
                notify_staff(
                    [reply.drafted_by], complaint, _("【答复退回】%(n)s") % {"n": complaint.number}, note
                )
    return reply


def review_window_end(start_at: dt.datetime) -> dt.datetime:
    """30 days from the reply (or the review decision) to ask for 复查 (or 复核), on the calendar."""
    spec = clock_spec(REVIEW_REQUEST)
    state = evaluate_clock(
        spec, [ClockEvent(ClockEventKind.START, start_at)], now=start_at, calendar=workday_calendar()
    )
    assert state.due_at is not None
    return state.due_at


def owes_callback(complaint: Complaint) -> bool:
    return complaint.real_name and complaint.kind in setting("COMPLAINTS_CALLBACK_KINDS")


def _publish(complaint: Complaint, reply: Reply, *, actor: User, at: dt.datetime) -> None:
    now = at
    stop(complaint, HANDLING, actor=actor, at=now)
    complaint = audit.update(
        complaint,
        actor=actor,
        action="complaints.complaint.replied",
        status=Status.REPLIED,
        replied_at=now,
        closed_at=now,
        review_window_ends_at=review_window_end(now) if complaint.kind == Kind.COMPLAINT else None,
    )
    event(complaint, EventKind.REPLY, actor=actor, public_text=_("已办结并答复"), at=now)
    tell_complainant(complaint, _("您反映的问题已办结答复，请凭查询码查看答复意见"), actor=actor, at=now)
    if owes_callback(complaint) and clocks.open_clock(complaint, CALLBACK) is None:
        start(complaint, clock_spec(CALLBACK), complaint, actor=actor, at=now)
    for merged in complaint.merged.all():
        merged = audit.update(merged, actor=actor, action="complaints.complaint.replied", replied_at=now)
        tell_complainant(merged, _("您反映的问题已合并办结答复，请凭查询码查看答复意见"), actor=actor, at=now)
        if owes_callback(merged) and clocks.open_clock(merged, CALLBACK) is None:
            start(merged, clock_spec(CALLBACK), merged, actor=actor, at=now)


# -- callbacks ----------------------------------------------------------------------------------


def record_callback(
    complaint: Complaint,
    *,
    actor: User,
    reached: bool,
    satisfaction: str = "",
    comment: str = "",
    method: str = "phone",
    at: dt.datetime | None = None,
) -> Callback:
    """回访: every real-name complainant is called back after closure; 不满意 sends the case back to
    be handled again."""
    from epb.complaints.services.handling import may_see_contact

    require_staff_on(complaint, actor)
    check_action(complaint, "callback")
    require(may_see_contact(actor, complaint), _("回访须由承办人员进行（需查看举报人联系方式）"))
    if not complaint.real_name:
        raise ValidationError(_("匿名或未留真实联系方式的件不回访"))
    if complaint.kind not in setting("COMPLAINTS_CALLBACK_KINDS"):
        raise ValidationError(_("该类信访件不需回访"))
    if complaint.replied_at is None:
        raise ValidationError(_("尚未答复，不能回访"))
    if reached and satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择满意度")})
    if not reached:
        satisfaction = ""
    at = effective(at, complaint)
    with transaction.atomic():
        callback = audit.create(
            Callback,
            actor=actor,
            complaint=complaint,
            at=at,
            by=actor,
            method=method,
            reached=reached,
            satisfaction=satisfaction,
            comment=comment.strip(),
        )
        attempts = complaint.callbacks.count()
        if reached or attempts >= setting("COMPLAINTS_CALLBACK_MAX_ATTEMPTS"):
            stop(complaint, [CALLBACK], actor=actor, at=at)
        label = (
            Satisfaction(satisfaction).label if satisfaction else _("未联系上（第%(n)d次）") % {"n": attempts}
        )
        event(
            complaint,
            EventKind.CALLBACK,
            actor=actor,
            at=at,
            text=f"{label}{'：' + comment if comment else ''}",
            public_text=_("已回访") if reached else "",
        )
        if satisfaction == Satisfaction.UNSATISFIED:
            target = complaint
            while target.duplicate_of is not None:
                target = target.duplicate_of
            if target.status == Status.REPLIED:
                rehandle(target, actor=actor, reason=_("回访不满意：%(c)s") % {"c": comment or "—"}, at=at)
            else:
                event(
                    target,
                    EventKind.NOTE,
                    actor=actor,
                    text=_("并案举报人 %(n)s 回访不满意：%(c)s") % {"n": complaint.number, "c": comment},
                )
    return callback


def rehandle(complaint: Complaint, *, actor: User, reason: str, at: dt.datetime | None = None) -> Complaint:
    """Back to handling, on the re-handling clock."""
    now = effective(at, complaint)
    complaint = audit.update(
        complaint,
        actor=actor,
        action="complaints.complaint.rehandled",
        note=reason,
        status=Status.ACCEPTED,
        closed_at=None,
        rehandle_count=complaint.rehandle_count + 1,
        extension_status="",
        extension_days=0,
        extension_reason="",
    )
    start(complaint, clock_spec(REHANDLE), complaint, actor=actor, at=now)
    event(complaint, EventKind.REHANDLE, actor=actor, text=reason, public_text=_("重新办理"), at=now)
    recipients = ([complaint.handler] if complaint.handler else []) + staff_of_unit(complaint.grid)
    notify_staff(recipients, complaint, _("【重新办理】%(n)s") % {"n": complaint.number}, reason)
    return complaint


# -- 复查 and 复核 ---------------------------------------------------------------------------------


def request_review(
    complaint: Complaint, *, actor: User, reason: str, requested_at: dt.datetime | None = None
) -> ReviewRequest:
    """Record a complainant's request for 复查 (or, after it, 复核) within 30 days."""
    require_staff_on(complaint, actor)
    check_action(complaint, "review_request")
    if complaint.kind != Kind.COMPLAINT:
        raise ValidationError(_("咨询件不适用复查复核"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写申请理由")})
    requested_at = effective(requested_at, complaint)
    decided = list(complaint.reviews.exclude(decided_at=None).values_list("stage", flat=True))
    open_stage = complaint.reviews.filter(decided_at=None).values_list("stage", flat=True).first()
    stage = rules.next_review_stage(decided, open_stage)
    if stage is None:
        raise ValidationError(_("该事项已复核终结，不再受理复查复核申请"))
    if complaint.review_window_ends_at is None or requested_at >= complaint.review_window_ends_at:
        raise ValidationError(_("已超过申请%(stage)s的30日期限") % {"stage": ReviewStage(stage).label})
    with transaction.atomic():
        review = audit.create(
            ReviewRequest,
            actor=actor,
            complaint=complaint,
            stage=stage,
            requested_at=requested_at,
            reason=reason.strip(),
            recorded_by=actor,
        )
        audit.update(
            complaint, actor=actor, action="complaints.complaint.review_requested", status=Status.REVIEW
        )
        start(review, clock_spec(REVIEW_DECISION), complaint, actor=actor, at=requested_at)
        label = ReviewStage(stage).label
        event(
            complaint,
            EventKind.REVIEW,
            actor=actor,
            text=reason,
            public_text=_("已受理%(s)s申请") % {"s": label},
        )
        notify_staff(
            leaders() + centre_staff(),
            complaint,
            _("【%(s)s申请】%(n)s") % {"s": label, "n": complaint.number},
            reason,
        )
    return review


def decide_review(
    review: ReviewRequest, *, actor: User, outcome: str, decision: str, at: dt.datetime | None = None
) -> ReviewRequest:
    complaint = review.complaint
    require_staff_on(complaint, actor)
    require(is_centre(actor), _("复查复核决定须由局领导或信访中心作出"))
    check_action(complaint, "review_decide")
    if not review.is_open:
        raise ValidationError(_("该申请已作出决定"))
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("请选择结论")})
    if len(decision.strip()) < 5:
        raise ValidationError({"decision": _("请填写复查复核意见")})
    now = effective(at, complaint)
    label = ReviewStage(review.stage).label
    with transaction.atomic():
        review = audit.update(
            review,
            actor=actor,
            action="complaints.review.decided",
            outcome=outcome,
            decision=decision.strip(),
            decided_at=now,
            decided_by=actor,
        )
        stop(review, [REVIEW_DECISION], actor=actor, at=now)
        event(
            complaint,
            EventKind.REVIEW,
            actor=actor,
            text=decision,
            public_text=_("%(s)s决定已作出") % {"s": label},
        )
        tell_complainant(
            complaint, _("%(s)s意见：%(d)s") % {"s": label, "d": decision.strip()[:200]}, actor=actor
        )
        if outcome == ReviewOutcome.UPHELD:
            window = review_window_end(now) if review.stage == ReviewStage.REVIEW else None
            audit.update(
                complaint,
                actor=actor,
                action="complaints.complaint.review_upheld",
                status=Status.REPLIED,
                review_window_ends_at=window,
            )
        else:
            rehandle(
                complaint, actor=actor, reason=_("%(s)s决定重新办理：%(d)s") % {"s": label, "d": decision}
            )
    return review
