"""The 12369 workbench (S13): queues and filters, staff intake, the case page and its actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from epb.complaints import forms as f
from epb.complaints import rules, services
from epb.complaints.choices import OPEN_STATUSES, Channel, Kind, LocationSource, Status
from epb.complaints.models import Complaint, PollutionType
from epb.complaints.services.common import case_clocks, clock_label, is_centre
from epb.complaints.services.handling import masked_description
from epb.complaints.services.replies import current_draft, fill, owes_callback, signed_reply
from epb.complaints.views.common import (
    DOCX,
    bureau_staff,
    download,
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

TABS: list[tuple[str, Any]] = [
    ("triage", gettext_lazy("待分派")),
    ("accept", gettext_lazy("待受理")),
    ("mine", gettext_lazy("我承办的")),
    ("handling", gettext_lazy("办理中")),
    ("signoff", gettext_lazy("待审签")),
    ("callback", gettext_lazy("待回访")),
    ("overdue", gettext_lazy("超期")),
    ("all", gettext_lazy("全部")),
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


def assign_candidates(complaint: Complaint) -> QuerySet[User]:
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
            candidates=assign_candidates(complaint), initial={"handler": complaint.handler}
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
    case_clock_list = [
        (clock, clocks.state_of(clock), clock_label(clock.kind)) for clock in case_clocks(complaint)
    ]
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
