"""The actions on a case page: one registry of (form, handler) by name; every handler calls one
service and returns the message to show. Errors come back as messages and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.complaints import forms as f
from epb.complaints import services
from epb.complaints.choices import ReplyStatus
from epb.complaints.models import Complaint, LeaderCase, ReviewRequest
from epb.complaints.views.common import bureau_staff, error_text, flash_errors, me
from epb.complaints.views.staff import assign_candidates
from epb.core.visibility import get_visible_or_404


def _other(request: HttpRequest, number: str) -> Complaint:
    other = Complaint.objects.visible_to(request.user).filter(number=number.strip()).first()
    if other is None:
        raise ValidationError({"number": _("没有找到编号 %(n)s，或不在您的辖区") % {"n": number}})
    return other


Handler = Callable[[HttpRequest, Complaint, dict[str, Any]], str]


def _review(complaint: Complaint) -> ReviewRequest:
    review = complaint.reviews.filter(decided_at=None).first()
    if review is None:
        raise ValidationError(_("没有待决定的复查复核申请"))
    return review


def _pending_reply(complaint: Complaint) -> Any:
    reply = complaint.replies.filter(status=ReplyStatus.PENDING).first()
    if reply is None:
        raise ValidationError(_("没有待审签的答复"))
    return reply


ACTIONS: dict[str, tuple[Any, Handler]] = {}


def handles(name: str, form_class: Any) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        ACTIONS[name] = (form_class, fn)
        return fn

    return register


@handles("route", f.RouteForm)
def _route(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.route(c, actor=me(r), grid=d["grid"], department=d["department"], reason=d["reason"])
    return _("已分派") if d["grid"] is not None else _("已退回分派中心")


@handles("accept", f.AcceptForm)
def _accept(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.accept(c, actor=me(r), note=d["note"])
    return _("已受理")


@handles("decline", f.DeclineForm)
def _decline(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.decline(c, actor=me(r), reason=d["reason"], note=d["note"])
    return _("已决定不予受理")


@handles("transfer", f.TransferForm)
def _transfer(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.transfer(c, actor=me(r), agency=d["agency"], reason=d["reason"])
    return _("已移送")


@handles("assign", f.AssignForm)
def _assign(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.assign(c, actor=me(r), handler=d["handler"])
    return _("已指定承办人")


@handles("flags", f.FlagsForm)
def _flags(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.set_flags(c, actor=me(r), **d)
    return _("已保存")


@handles("reply", f.ReplyForm)
def _reply(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.save_reply(
        c,
        actor=me(r),
        text=d["text"],
        findings=d["findings"],
        template=d["template"],
        submit=d["submit"],
    )
    return _("已提交") if d["submit"] else _("草稿已保存")


@handles("extension_request", f.ExtensionRequestForm)
def _extension_request(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.request_extension(c, actor=me(r), days=d["days"], reason=d["reason"])
    return _("已申请延期，待领导批准")


@handles("extension_decide", f.DecisionForm)
def _extension_decide(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.decide_extension(c, actor=me(r), approve=d["approve"], note=d["note"])
    return _("已批准延期") if d["approve"] else _("未批准延期")


@handles("sign", f.DecisionForm)
def _sign(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.sign_reply(_pending_reply(c), actor=me(r), approve=d["approve"], note=d["note"])
    return _("已签发，答复已告知举报人") if d["approve"] else _("已退回修改")


@handles("callback", f.CallbackForm)
def _callback(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.record_callback(
        c,
        actor=me(r),
        reached=d["reached"],
        satisfaction=d["satisfaction"],
        comment=d["comment"],
        method=d["method"],
    )
    return _("回访已记录")


@handles("review_request", f.ReviewRequestForm)
def _review_request(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.request_review(c, actor=me(r), reason=d["reason"], requested_at=d["requested_at"])
    return _("已登记复查复核申请")


@handles("review_decide", f.ReviewDecisionForm)
def _review_decide(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.decide_review(_review(c), actor=me(r), outcome=d["outcome"], decision=d["decision"])
    return _("已作出决定")


@handles("hearing", f.HearingForm)
def _hearing(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.record_hearing(c, actor=me(r), **d)
    return _("已记录")


@handles("publish", f.PublishForm)
def _publish(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.publish(
        c, actor=me(r), public_summary=d["public_summary"], publish=d["publish"], photos=d["photos"]
    )
    return _("已公开") if d["publish"] else _("已撤回公开")


@handles("merge", f.MergeForm)
def _merge(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.merge(c, _other(r, d["number"]), actor=me(r), reason=d["reason"])
    return _("已并案")


@handles("link", f.LinkForm)
def _link(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.link(c, _other(r, d["number"]), actor=me(r), reason=d["reason"])
    return _("已关联")


@handles("leader_case", f.LeaderCaseForm)
def _leader_case(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.assign_leader(
        c,
        actor=me(r),
        leader=d["leader"],
        instructions=d["instructions"],
        due_date=d["due_date"],
    )
    return _("已包案")


@handles("note", f.NoteForm)
def _note(r: HttpRequest, c: Complaint, d: dict[str, Any]) -> str:
    services.add_note(c, actor=me(r), text=d["text"])
    return _("已记录")


def _bound(form_class: Any, request: HttpRequest, complaint: Complaint) -> Form:
    if form_class is f.RouteForm:
        return f.RouteForm(request.POST, user=me(request))
    if form_class is f.AssignForm:
        return f.AssignForm(request.POST, candidates=assign_candidates(complaint))
    form: Form = form_class(request.POST)
    return form


@require_POST
@bureau_staff
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    complaint = get_visible_or_404(Complaint, request.user, pk=pk)
    if name not in ACTIONS:
        raise Http404
    form_class, handler = ACTIONS[name]
    form = _bound(form_class, request, complaint)
    if not form.is_valid():
        flash_errors(request, form)
        return redirect(complaint.get_absolute_url())
    try:
        message = handler(request, complaint, form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, message)
    return redirect(complaint.get_absolute_url())


@require_POST
@bureau_staff
def leader_case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = get_visible_or_404(LeaderCase.objects.select_related("complaint"), request.user, pk=pk)
    try:
        if name == "instruct":
            form: Form = f.InstructionForm(request.POST)
            if form.is_valid():
                services.instruct(case, actor=me(request), text=form.cleaned_data["text"])
                messages.success(request, _("批示已记录"))
            else:
                flash_errors(request, form)
        elif name == "close":
            form = f.ResultForm(request.POST)
            if form.is_valid():
                services.close_leader_case(case, actor=me(request), result=form.cleaned_data["result"])
                messages.success(request, _("包案已化解"))
            else:
                flash_errors(request, form)
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect(case.complaint.get_absolute_url())
