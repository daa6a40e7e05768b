"""The 12369 workbench (S13): queues and filters, staff intake, the case page and its actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from epb.complaints import forms as f
from epb.complaints import rules, services
from epb.complaints.choices import OPEN_STATUSES, Channel, Kind, LocationSource, ReplyStatus, Status
from epb.complaints.models import Complaint, LeaderCase, PollutionType, ReviewRequest
from epb.complaints.services.common import case_clocks, is_centre
from epb.complaints.services.handling import masked_description
from epb.complaints.services.replies import current_draft, fill, owes_callback, signed_reply
from epb.complaints.views.common import (
    DOCX,
    bureau_staff,
    download,
    error_text,
    flash_errors,
    form_errors,
    is_htmx,
    map_config,
    me,
)
from epb.core import clocks
from epb.core.attachments import attach, attachments_of
from epb.core.models import Clock, OrgUnit, User
from epb.core.models.clocks import ClockState
from epb.core.visibility import get_visible_or_404
from epb.lib.documents import to_docx

OPEN_CLOCKS = [ClockState.RUNNING, ClockState.PAUSED, ClockState.OVERDUE]

TABS: list[tuple[str, str]] = [
    ("triage", "待分派"),
    ("accept", "待受理"),
    ("mine", "我承办的"),
    ("handling", "办理中"),
    ("signoff", "待审签"),
    ("callback", "待回访"),
    ("overdue", "超期"),
    ("all", "全部"),
]


def _clock_ids(kinds: list[str], states: Sequence[str]) -> QuerySet[Clock, int]:
    """Ids of cases with such clocks (a clock keeps its subject's id as text: cast it back)."""
    return (
        Clock.objects.filter(
            subject_type=ContentType.objects.get_for_model(Complaint), kind__in=kinds, state__in=states
        )
        .annotate(case_id=Cast("subject_id", BigIntegerField()))
        .values_list("case_id", flat=True)
    )


def _tab(qs: QuerySet[Complaint], tab: str, user: Any) -> QuerySet[Complaint]:
    if tab == "triage":
        return qs.filter(needs_triage=True, status=Status.RECEIVED)
    if tab == "accept":
        return qs.filter(status=Status.RECEIVED, needs_triage=False)
    if tab == "mine":
        return qs.filter(handler=user, status__in=OPEN_STATUSES)
    if tab == "handling":
        return qs.filter(status__in=[Status.ACCEPTED, Status.REVIEW])
    if tab == "signoff":
        return qs.filter(status=Status.REPLY_PENDING)
    if tab == "callback":
        return qs.filter(pk__in=_clock_ids(["complaint.callback"], OPEN_CLOCKS))
    if tab == "overdue":
        overdue = _clock_ids(
            ["complaint.accept", "complaint.handle", "complaint.rehandle", "complaint.consult"],
            [ClockState.OVERDUE],
        )
        return qs.filter(pk__in=overdue)
    return qs


def _filters(request: HttpRequest, qs: QuerySet[Complaint]) -> tuple[QuerySet[Complaint], dict[str, str]]:
    values = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "status", "kind", "channel", "type", "district", "since", "until")
    }
    if values["q"]:
        q = values["q"]
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(tracking_code__iexact=q)
            | Q(summary__icontains=q)
            | Q(description__icontains=q)
            | Q(address__icontains=q)
            | Q(reported_unit__icontains=q)
        )
    if values["status"] in Status.values:
        qs = qs.filter(status=values["status"])
    if values["kind"] in Kind.values:
        qs = qs.filter(kind=values["kind"])
    if values["channel"] in Channel.values:
        qs = qs.filter(channel=values["channel"])
    if values["type"]:
        qs = qs.filter(
            Q(pollution_type__code=values["type"]) | Q(other_types__code=values["type"])
        ).distinct()
    if values["district"].isdigit():
        qs = qs.filter(district_id=int(values["district"]))
    for key, lookup in (("since", "received_at__date__gte"), ("until", "received_at__date__lte")):
        if values[key]:
            try:
                qs = qs.filter(**{lookup: dt.date.fromisoformat(values[key])})
            except ValueError:
                messages.error(request, _("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": values[key]})
    return qs, values


def _next_due(complaints: list[Complaint]) -> dict[int, Clock]:
    ids = [str(c.pk) for c in complaints]
    due: dict[int, Clock] = {}
    for clock in Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(Complaint), subject_id__in=ids, state__in=OPEN_CLOCKS
    ).order_by("due_at"):
        due.setdefault(int(clock.subject_id), clock)
    return due


@bureau_staff
def index(request: HttpRequest) -> HttpResponse:
    base = Complaint.objects.visible_to(request.user)
    tab = request.GET.get("tab", "accept" if not is_centre(request.user) else "triage")
    if tab not in dict(TABS):
        tab = "all"
    qs, values = _filters(request, _tab(base, tab, request.user))
    qs = qs.select_related("grid", "district", "pollution_type", "sub_type", "handler", "complainant")
    page = Paginator(qs.order_by("-received_at"), 30).get_page(request.GET.get("page"))
    rows = list(page)
    due = _next_due(rows)
    counts = {key: _tab(base, key, request.user).count() for key, _label in TABS if key != "all"}
    context = {
        "tab": tab,
        "tabs": [(key, label, counts.get(key)) for key, label in TABS],
        "page": page,
        "rows": [
            {"case": c, "clock": due.get(c.pk), "preview": c.summary or masked_description(c)} for c in rows
        ],
        "filters": values,
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "channels": Channel.choices,
        "types": PollutionType.objects.filter(parent=None, is_active=True),
        "districts": OrgUnit.objects.visible_to(request.user).filter(level="district"),
        "now": timezone.now(),
    }
    template = "complaints/partials/queue.html" if is_htmx(request) else "complaints/index.html"
    return render(request, template, context)


@bureau_staff
def new(request: HttpRequest) -> HttpResponse:
    """Staff intake of a call to the 12369 line, a letter or a visit, on the complainant's behalf."""
    initial = {k: request.GET[k] for k in ("channel", "reception_day", "kind") if request.GET.get(k)}
    form = f.StaffIntakeForm(request.POST or None, request.FILES or None, user=me(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pollution_type, sub_type = f.resolve_type(data.get("type_code") or "")
        anonymous = data["anonymous"] or not (data["name"] or "").strip()
        intake = services.IntakeData(
            kind=data["kind"],
            channel=data["channel"],
            description=data["description"],
            summary=data.get("summary", ""),
            pollution_type=pollution_type,
            sub_type=sub_type,
            longitude=data.get("longitude"),
            latitude=data.get("latitude"),
            location_source=LocationSource.STAFF,
            address=data.get("address", ""),
            enterprise=data.get("enterprise"),
            reported_unit=data.get("reported_unit", ""),
            anonymous=anonymous,
            contact=None
            if anonymous
            else services.ContactData(
                name=data["name"],
                phone=data["phone"],
                address=data["contact_address"],
                id_number=data["id_number"],
            ),
            severity=data["severity"],
            urgency=data["urgency"],
            is_mass=data["is_mass"],
            is_sudden=data["is_sudden"],
            received_at=data.get("received_at"),
            reception_day=data.get("reception_day"),
            visitors=data.get("visitors") or 0,
        )
        try:
            with transaction.atomic():
                complaint = services.submit(intake, actor=me(request))
                for upload in data["photos"]:
                    attach(complaint, upload, actor=me(request), name=upload.name, org_unit=complaint.grid)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已登记：%(n)s") % {"n": complaint.number})
            return redirect(complaint.get_absolute_url())
    return render(
        request, "complaints/new.html", {"form": form, "map_json": map_config(extra={"pick": True})}
    )


def _assign_candidates(complaint: Complaint) -> QuerySet[User]:
    """Staff who could own the case: those of its place, the centre, and city divisions."""
    qs = User.objects.filter(
        is_active=True, role__in=["dept_staff", "district_staff", "grid_officer", "leadership"]
    )
    if complaint.grid is not None:
        ids = [int(p) for p in complaint.grid.path.strip("/").split("/") if p]
        qs = qs.filter(Q(org_unit_id__in=ids) | Q(org_unit__isnull=True))
    return qs.order_by("role", "username")


def _action_forms(complaint: Complaint, user: Any) -> dict[str, Form]:
    allowed = rules.allowed_actions(complaint.status)
    forms: dict[str, Form] = {}
    if "route" in allowed:
        forms["route"] = f.RouteForm(
            user=user, initial={"grid": complaint.grid, "department": complaint.department}
        )
    if "accept" in allowed:
        forms["accept"] = f.AcceptForm()
    if "decline" in allowed:
        forms["decline"] = f.DeclineForm()
    if "transfer" in allowed:
        forms["transfer"] = f.TransferForm(initial={"agency": complaint.suggested_agency})
    if "assign" in allowed:
        forms["assign"] = f.AssignForm(
            candidates=_assign_candidates(complaint), initial={"handler": complaint.handler}
        )
    if "flags" in allowed:
        forms["flags"] = f.FlagsForm(
            initial={
                "severity": complaint.severity,
                "urgency": complaint.urgency,
                "is_mass": complaint.is_mass,
                "is_sudden": complaint.is_sudden,
            }
        )
    if "reply" in allowed:
        draft = current_draft(complaint)
        forms["reply"] = f.ReplyForm(
            initial={"text": draft.text, "findings": draft.findings, "template": draft.template}
            if draft
            else {}
        )
    if "extension_request" in allowed:
        forms["extension_request"] = f.ExtensionRequestForm()
    if "extension_decide" in allowed and complaint.extension_status == "requested" and user.is_leadership:
        forms["extension_decide"] = f.DecisionForm()
    if "sign" in allowed and user.is_leadership:
        forms["sign"] = f.DecisionForm()
    if "callback" in allowed and owes_callback(complaint) and services.may_see_contact(user, complaint):
        forms["callback"] = f.CallbackForm()
    if "review_request" in allowed and complaint.kind == Kind.COMPLAINT:
        forms["review_request"] = f.ReviewRequestForm()
    if "review_decide" in allowed and is_centre(user):
        forms["review_decide"] = f.ReviewDecisionForm()
    if "hearing" in allowed:
        forms["hearing"] = f.HearingForm(initial={"held_on": timezone.localdate()})
    if "publish" in allowed:
        text = complaint.public_summary or masked_description(complaint)
        forms["publish"] = f.PublishForm(initial={"public_summary": text, "publish": True})
    if "merge" in allowed:
        forms["merge"] = f.MergeForm()
    if "link" in allowed:
        forms["link"] = f.LinkForm()
    if "leader_case" in allowed and user.is_leadership:
        forms["leader_case"] = f.LeaderCaseForm(initial={"leader": user})
    forms["note"] = f.NoteForm()
    return forms


@bureau_staff
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_visible_or_404(
        Complaint.objects.select_related(
            "grid",
            "district",
            "department",
            "handler",
            "pollution_type",
            "sub_type",
            "enterprise",
            "duplicate_of",
            "transferred_to",
            "suggested_agency",
            "decline_reason",
            "reception_day",
        ),
        request.user,
        pk=pk,
    )
    case_clock_list = [(clock, clocks.state_of(clock)) for clock in case_clocks(complaint)]
    contact = complaint.contact
    description = masked_description(complaint)
    photos = [a for a in attachments_of(complaint) if a.mime_type.startswith("image/")]
    map_json = None
    if complaint.longitude is not None and complaint.latitude is not None:
        map_json = map_config(
            extra={
                "points": [
                    {
                        "lat": complaint.latitude,
                        "lon": complaint.longitude,
                        "label": complaint.number,
                        "color": "#c81e1e",
                    }
                ]
            }
        )
    context = {
        "c": complaint,
        "description": description,
        "events": complaint.events.select_related("actor"),
        "clocks": case_clock_list,
        "replies": complaint.replies.select_related("drafted_by", "signed_by"),
        "signed": signed_reply(complaint),
        "callbacks": complaint.callbacks.select_related("by"),
        "reviews": complaint.reviews.all(),
        "leader_cases": complaint.leader_cases.select_related("leader"),
        "links": complaint.links.select_related("other"),
        "linked_from": Complaint.objects.visible_to(request.user).filter(links__other=complaint).distinct(),
        "merged": complaint.merged.all(),
        "attachments": attachments_of(complaint),
        "photos": photos,
        "other_types": complaint.other_types.all(),
        "has_contact": contact is not None and not complaint.anonymous,
        "may_see_contact": services.may_see_contact(request.user, complaint),
        "forms": _action_forms(complaint, request.user),
        "map_json": map_json,
        "templates_json": _templates_json(complaint),
        "supervisions": complaint.supervisions.all(),
    }
    return render(request, "complaints/detail.html", context)


def _templates_json(complaint: Complaint) -> str:
    import json

    from epb.complaints.models import ReplyTemplate

    # {findings} is left in: the page fills in what the handler wrote. "</" is escaped so that no
    # template text can close the <script> element it is embedded in.
    text = json.dumps(
        {str(t.pk): fill(t, complaint, "{findings}") for t in ReplyTemplate.objects.filter(is_active=True)},
        ensure_ascii=False,
    )
    return text.replace("</", "<\\/")


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
        return f.AssignForm(request.POST, candidates=_assign_candidates(complaint))
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
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the complainant's contact to a handler; every reveal is an audit entry."""
    complaint = get_visible_or_404(Complaint, request.user, pk=pk)
    try:
        person = services.view_contact(complaint, actor=me(request), purpose=request.POST.get("purpose", ""))
    except PermissionDenied as exc:
        return render(request, "complaints/partials/contact.html", {"error": str(exc)}, status=403)
    original = complaint.description if complaint.description != masked_description(complaint) else ""
    return render(
        request, "complaints/partials/contact.html", {"contact": person, "c": complaint, "original": original}
    )


@bureau_staff
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed reply as a Word letter; named to the complainant only for a handler (logged)."""
    from epb.complaints.letters import reply_letter

    complaint = get_visible_or_404(Complaint, request.user, pk=pk)
    reply = signed_reply(complaint)
    if reply is None:
        raise Http404
    addressee = ""
    if (
        services.may_see_contact(request.user, complaint)
        and complaint.contact is not None
        and not complaint.anonymous
    ):
        person = services.view_contact(complaint, actor=me(request), purpose=_("生成答复意见书"))
        addressee = person.name if person is not None else ""
    document = reply_letter(complaint, reply, addressee=addressee)
    return download(to_docx(document), f"答复意见书-{complaint.number}.docx", DOCX)


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
