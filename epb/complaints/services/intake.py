"""Intake (S13): the public web form, staff intake of calls, letters and visits, Open311 clients;
automatic routing to the grid of the location and the division of the type; duplicate
suggestions before submitting and repeat detection after."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.complaints import rules
from epb.complaints.choices import Channel, EventKind, Kind, LinkKind, Severity, Status, Urgency
from epb.complaints.conf import setting
from epb.complaints.deadlines import ACCEPT, CONSULT, clock_spec
from epb.complaints.models import (
    CaseLink,
    Complainant,
    Complaint,
    PollutionType,
    ReceptionDay,
    RoutingRule,
    SensitivePeriod,
)
from epb.complaints.services.common import (
    PUBLIC_ACTOR,
    centre_staff,
    event,
    leaders,
    notify_staff,
    staff_of_unit,
    start,
)
from epb.core import audit
from epb.core.geography import locate
from epb.core.models import Department, OrgUnit, User
from epb.lib.codes import check_mobile
from epb.lib.geo import bbox_around, haversine_m, in_china
from epb.lib.timeutil import beijing_date

_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass
class ContactData:
    name: str = ""
    phone: str = ""
    phone_verified: bool = False
    address: str = ""
    id_number: str = ""
    email: str = ""


@dataclass
class IntakeData:
    kind: str
    channel: str
    description: str
    summary: str = ""
    pollution_type: PollutionType | None = None
    sub_type: PollutionType | None = None
    other_types: Sequence[PollutionType] = ()
    longitude: float | None = None
    latitude: float | None = None
    location_source: str = ""
    address: str = ""
    enterprise: Any = None
    reported_unit: str = ""
    anonymous: bool = True
    contact: ContactData | None = None
    severity: int = Severity.GENERAL
    urgency: int = Urgency.NORMAL
    is_mass: bool = False
    is_sudden: bool = False
    received_at: dt.datetime | None = None
    channel_detail: str = ""
    reception_day: ReceptionDay | None = None
    visitors: int = 0
    add_to: Complaint | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def check_id_number(value: str) -> bool:
    """GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character."""
    value = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def normalize_phone(text: str) -> str:
    """A mobile as 11 digits, or a landline as typed; raises ValidationError otherwise."""
    text = text.strip()
    result = check_mobile(text)
    if result.valid:
        return result.normalized
    if _LANDLINE.match(text.replace(" ", "")):
        return text.replace(" ", "")
    raise ValidationError(result.message or _("电话号码格式不正确"))


def validate(data: IntakeData) -> None:
    """Every problem at once, by field, in Chinese; nothing is written when there is one."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    description = data.description.strip()
    if len(description) < setting("COMPLAINTS_MIN_DESCRIPTION"):
        add(
            "description",
            _("请描述反映的问题（至少%(n)d个字）") % {"n": setting("COMPLAINTS_MIN_DESCRIPTION")},
        )
    if len(description) > 4000:
        add("description", _("反映内容不能超过4000字"))
    if data.kind not in Kind.values:
        add("kind", _("类别无效"))
    if data.channel not in Channel.values:
        add("channel", _("来源渠道无效"))
    if data.kind == Kind.COMPLAINT and data.pollution_type is None:
        add("pollution_type", _("请选择污染类型"))
    if data.pollution_type is not None and data.pollution_type.parent_id is not None:
        add("pollution_type", _("污染类型应选大类"))
    if data.sub_type is not None and (
        data.pollution_type is None or data.sub_type.parent_id != data.pollution_type.pk
    ):
        add("sub_type", _("污染子类与污染类型不符"))
    for extra in data.other_types:
        if extra.parent_id is not None:
            add("other_types", _("其他污染类型应选大类"))
    if (data.longitude is None) != (data.latitude is None):
        add("longitude", _("经纬度须同时提供"))
    elif data.longitude is not None and data.latitude is not None:
        if not in_china(data.longitude, data.latitude):
            add("longitude", _("位置不在中国境内，请检查经纬度（经度在前）"))
    has_place = data.longitude is not None or data.address.strip() or data.enterprise is not None
    if data.kind == Kind.COMPLAINT and not has_place:
        add("address", _("请在地图上标注位置或填写地点"))
    if not data.anonymous:
        contact = data.contact or ContactData()
        if not contact.name.strip():
            add("name", _("实名举报请填写姓名"))
        if not contact.phone.strip() and not contact.address.strip():
            add("phone", _("实名举报请留下电话或联系地址，便于回访"))
        if contact.phone.strip():
            try:
                contact.phone = normalize_phone(contact.phone)
            except ValidationError as exc:
                add("phone", exc.messages[0])
        if contact.id_number.strip() and not check_id_number(contact.id_number):
            add("id_number", _("身份证号码有误，请核对"))
    if data.received_at is not None:
        if data.received_at.tzinfo is None:
            add("received_at", _("收件时间须带时区"))
        elif data.received_at > timezone.now() + dt.timedelta(minutes=5):
            add("received_at", _("收件时间不能晚于现在"))
    if data.visitors < 0:
        add("visitors", _("来访人数不能为负"))
    if data.add_to is not None and data.add_to.status == Status.MERGED:
        add("add_to", _("该件已并入其他件"))
    if errors:
        raise ValidationError(errors)


def _next_number(year: int) -> str:
    prefix = f"{year}-"
    last = (
        Complaint.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{n:06d}"


def _create(fields: dict[str, Any], *, actor: User | None, actor_label: str) -> Complaint:
    """Create with a fresh number and tracking code, drawing again on a collision."""
    from epb.lib.codes import new_tracking_code

    last_error: Exception | None = None
    for _attempt in range(6):
        received = fields["received_at"]
        fields["number"] = _next_number(beijing_date(received).year)
        fields["tracking_code"] = new_tracking_code()
        try:
            with transaction.atomic():
                return audit.create(
                    Complaint,
                    actor=actor,
                    actor_label=actor_label,
                    action="complaints.complaint.received",
                    **fields,
                )
        except (IntegrityError, ValidationError) as exc:
            clash = isinstance(exc, IntegrityError) or (
                hasattr(exc, "error_dict") and set(exc.error_dict) & {"number", "tracking_code"}
            )
            if not clash:
                raise
            last_error = exc
    raise RuntimeError("could not allocate a unique case number") from last_error


def submit(
    data: IntakeData,
    *,
    actor: User | None,
    submitted_by: User | None = None,
    actor_label: str = "",
) -> Complaint:
    """Record a new case, route it, start its clock and escalate it if it must be. One transaction."""
    validate(data)
    label = actor_label or (str(actor) if actor is not None else PUBLIC_ACTOR)
    received_at = data.received_at or timezone.now()
    is_mass = data.is_mass or data.visitors >= setting("COMPLAINTS_MASS_VISITORS")
    staff_intake = actor is not None and getattr(actor, "is_staff_member", False)
    with transaction.atomic():
        complaint = _create(
            {
                "kind": data.kind,
                "channel": data.channel,
                "channel_detail": data.channel_detail[:100],
                "received_at": received_at,
                "summary": data.summary.strip()[:100],
                "description": data.description.strip(),
                "pollution_type": data.pollution_type,
                "sub_type": data.sub_type,
                "enterprise": data.enterprise,
                "reported_unit": data.reported_unit.strip()[:200]
                or (data.enterprise.name if data.enterprise is not None else ""),
                "address": data.address.strip()[:300],
                "longitude": data.longitude,
                "latitude": data.latitude,
                "location_source": data.location_source if data.longitude is not None else "",
                "severity": data.severity,
                "urgency": data.urgency,
                "is_mass": is_mass,
                "is_sudden": data.is_sudden,
                "anonymous": data.anonymous,
                "submitted_by": submitted_by,
                "recorded_by": actor if staff_intake else None,
                "reception_day": data.reception_day,
                "visitors": data.visitors,
            },
            actor=actor,
            actor_label=label,
        )
        if data.other_types:
            complaint.other_types.set(
                [t for t in data.other_types if t.pk != getattr(data.pollution_type, "pk", None)]
            )
        if not data.anonymous and data.contact is not None:
            contact = data.contact
            audit.create(
                Complainant,
                actor=actor,
                actor_label=label,
                complaint=complaint,
                name=contact.name.strip()[:50],
                phone=contact.phone.strip(),
                phone_verified=contact.phone_verified,
                address=contact.address.strip()[:200],
                id_number=contact.id_number.strip().upper(),
                email=contact.email.strip(),
            )
        event(
            complaint,
            EventKind.RECEIVED,
            actor=actor,
            actor_label=label,
            at=received_at,
            public_text=_("已收到您的%(kind)s（%(channel)s）")
            % {
                "kind": complaint.get_kind_display(),
                "channel": complaint.get_channel_display(),
            },
        )
        auto_route(complaint, actor=actor, at=received_at)
        if data.kind == Kind.CONSULTATION:
            # A consultation is answered, not accepted: it starts on its answer clock at once.
            complaint = audit.update(
                complaint,
                actor=actor,
                action="complaints.complaint.accepted",
                status=Status.ACCEPTED,
                accepted_at=received_at,
            )
            start(complaint, clock_spec(CONSULT), complaint, actor=actor, at=received_at)
        else:
            start(complaint, clock_spec(ACCEPT), complaint, actor=actor, at=received_at)
        if data.add_to is not None:
            from epb.complaints.services.handling import merge

            merge(
                complaint,
                data.add_to,
                actor=actor,
                reason=_("举报人选择补充到已有投诉"),
                by_citizen=True,
                at=received_at,
            )
        else:
            escalate_if_needed(complaint, actor=actor, at=received_at)
            _notify_new(complaint)
        complaint_id = complaint.pk
        transaction.on_commit(lambda: _enqueue_repeat_check(complaint_id))
    return complaint


def _enqueue_repeat_check(complaint_id: int) -> None:
    from epb.complaints.tasks import detect_repeats

    detect_repeats.enqueue(complaint_id)


def _notify_new(complaint: Complaint) -> None:
    if complaint.needs_triage or complaint.grid is None:
        notify_staff(
            centre_staff(), complaint, _("【待分派】%(n)s") % {"n": complaint.number}, complaint.triage_reason
        )
    else:
        notify_staff(
            staff_of_unit(complaint.grid),
            complaint,
            _("【新件】%(n)s %(type)s") % {"n": complaint.number, "type": complaint.type_label()},
            complaint.address,
        )


# -- routing ------------------------------------------------------------------------------------


def _rule(ptype: PollutionType | None) -> rules.Rule | None:
    if ptype is None:
        return None
    row = RoutingRule.objects.filter(pollution_type=ptype).select_related("agency").first()
    if row is None:
        return None
    return rules.Rule(row.department_code, row.agency.code if row.agency is not None else "")


def locate_case(complaint: Complaint) -> tuple[OrgUnit | None, str]:
    if complaint.longitude is not None and complaint.latitude is not None:
        unit = locate(complaint.longitude, complaint.latitude)
        if unit is not None:
            return unit, _("按举报位置")
    if complaint.enterprise is not None:
        return complaint.enterprise.grid, _("按被举报单位所在网格")
    return None, ""


def auto_route(complaint: Complaint, *, actor: User | None, at: dt.datetime | None = None) -> Complaint:
    """属地管理、分级负责: the unit containing the location owns the case; the routing table gives the
    handling division. Anything it cannot decide goes to the centre's triage queue."""
    from epb.complaints.models import ExternalAgency

    unit, how = locate_case(complaint)
    decision = rules.decide_route(
        unit_level=unit.level if unit is not None else None,
        sub_rule=_rule(complaint.sub_type),
        type_rule=_rule(complaint.pollution_type),
        kind=complaint.kind,
        consultation_department=setting("COMPLAINTS_CONSULTATION_DEPARTMENT"),
        known_departments=Department.objects.values_list("code", flat=True),
    )
    grid = unit if unit is not None and unit.level != "city" else None
    department = (
        Department.objects.filter(code=decision.department_code).first() if decision.department_code else None
    )
    agency = (
        ExternalAgency.objects.filter(code=decision.agency_code).first() if decision.agency_code else None
    )
    complaint = audit.update(
        complaint,
        actor=actor,
        action="complaints.complaint.routed",
        grid=grid,
        district=grid.district() if grid is not None else None,
        department=department,
        needs_triage=decision.needs_triage,
        triage_reason="；".join(decision.triage_reasons)[:200],
        suggested_agency=agency,
    )
    if grid is not None:
        event(
            complaint,
            EventKind.ROUTED,
            actor=actor,
            text=f"{how}：{grid.full_name()}；{_('承办处室')}：{department or '—'}",
            public_text=_("已转%(unit)s属地办理") % {"unit": grid.full_name()},
            at=at,
        )
    if decision.needs_triage:
        event(complaint, EventKind.TRIAGE, actor=actor, text=complaint.triage_reason, at=at)
    return complaint


# -- duplicates and repeats ---------------------------------------------------------------------


def _near(longitude: float, latitude: float, radius_m: float) -> Q:
    west, south, east, north = bbox_around(longitude, latitude, radius_m)
    return Q(longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north)


def duplicate_candidates(
    longitude: float,
    latitude: float,
    pollution_type: PollutionType,
    *,
    now: dt.datetime | None = None,
    limit: int = 5,
) -> list[tuple[Complaint, float]]:
    """Cases of the same type near the point within the period, nearest first (shown to the citizen
    before submitting, who may still submit or add to one of them)."""
    now = now or timezone.now()
    radius = float(setting("COMPLAINTS_DUPLICATE_RADIUS_M"))
    since = now - dt.timedelta(days=setting("COMPLAINTS_DUPLICATE_DAYS"))
    qs = (
        Complaint.objects.filter(_near(longitude, latitude, radius), received_at__gte=since)
        .filter(Q(pollution_type=pollution_type) | Q(other_types=pollution_type))
        .exclude(status__in=[Status.MERGED, Status.DECLINED, Status.TRANSFERRED])
        .select_related("grid", "pollution_type", "sub_type")
        .distinct()
    )
    found = []
    for case in qs[:200]:
        distance = haversine_m(longitude, latitude, case.longitude, case.latitude)  # type: ignore[arg-type]
        if distance <= radius:
            found.append((case, distance))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


def _facts(case: Complaint, origin: Complaint) -> rules.CaseFacts:
    contact = case.contact
    types = {t for t in [case.pollution_type_id, *case.other_types.values_list("pk", flat=True)] if t}
    distance = None
    if None not in (case.longitude, case.latitude, origin.longitude, origin.latitude):
        distance = haversine_m(origin.longitude, origin.latitude, case.longitude, case.latitude)  # type: ignore[arg-type]
    return rules.CaseFacts(
        phone=contact.phone if contact is not None and not case.anonymous else "",
        enterprise_id=case.enterprise_id,
        top_types=frozenset(str(t) for t in types),
        distance_m=distance,
    )


def detect_repeats(complaint: Complaint, *, actor: User | None = None) -> list[CaseLink]:
    """Link a new case to earlier ones about the same matter (重复举报) and flag it."""
    if complaint.status == Status.MERGED:
        return []
    radius = float(setting("COMPLAINTS_REPEAT_RADIUS_M"))
    since = complaint.received_at - dt.timedelta(days=setting("COMPLAINTS_REPEAT_DAYS"))
    contact = complaint.contact
    match = Q(pk__in=[])
    if complaint.enterprise_id is not None:
        match |= Q(enterprise_id=complaint.enterprise_id)
    if contact is not None and contact.phone and not complaint.anonymous:
        match |= Q(complainant__phone=contact.phone, anonymous=False)
    if complaint.longitude is not None and complaint.latitude is not None:
        match |= _near(complaint.longitude, complaint.latitude, radius)
    earlier = (
        Complaint.objects.filter(match, received_at__gte=since, received_at__lt=complaint.received_at)
        .exclude(pk=complaint.pk)
        .exclude(status=Status.MERGED)
        .select_related("complainant")
        .order_by("-received_at")[:50]
    )
    mine = _facts(complaint, complaint)
    links = []
    with transaction.atomic():
        for old in earlier:
            reasons = rules.repeat_reasons(mine, _facts(old, complaint), radius)
            if not reasons:
                continue
            link, created = CaseLink.objects.get_or_create(
                complaint=complaint,
                other=old,
                kind=LinkKind.REPEAT,
                defaults={"reason": "；".join(reasons)[:200]},
            )
            if created:
                links.append(link)
            if len(links) >= 10:
                break
        if links:
            # Detection runs right after intake; on the timeline it belongs there.
            if not complaint.is_repeat:
                audit.update(
                    complaint, actor=actor, action="complaints.complaint.repeat_detected", is_repeat=True
                )
            event(
                complaint,
                EventKind.LINKED,
                actor=actor,
                text=_("疑似重复举报，关联：%(numbers)s")
                % {"numbers": "、".join(link.other.number for link in links)},
            )
    return links


# -- escalation ---------------------------------------------------------------------------------


def active_periods(day: dt.date) -> list[SensitivePeriod]:
    return list(SensitivePeriod.objects.filter(start__lte=day, end__gte=day))


def escalate_if_needed(
    complaint: Complaint, *, actor: User | None, at: dt.datetime | None = None
) -> list[str]:
    """Mass (群体性) and sudden (突发) incidents go to leadership at once, and so do serious cases in a
    sensitive period."""
    periods = [
        rules.PeriodThresholds(p.name, p.escalate_severity, p.escalate_urgency)
        for p in active_periods(beijing_date(complaint.received_at))
    ]
    reasons = rules.escalation_reasons(
        is_mass=complaint.is_mass,
        is_sudden=complaint.is_sudden,
        severity=complaint.severity,
        urgency=complaint.urgency,
        periods=periods,
    )
    if not reasons or complaint.escalated_at is not None:
        return reasons
    when = at or timezone.now()
    audit.update(complaint, actor=actor, action="complaints.complaint.escalated", escalated_at=when)
    text = "、".join(reasons)
    event(
        complaint,
        EventKind.ESCALATED,
        actor=actor,
        text=_("即时上报局领导：%(why)s") % {"why": text},
        at=when,
    )
    notify_staff(
        leaders() + centre_staff() + staff_of_unit(complaint.grid),
        complaint,
        _("【紧急上报】%(why)s %(n)s") % {"why": text, "n": complaint.number},
        f"{complaint.type_label()} {complaint.address}",
    )
    return reasons
