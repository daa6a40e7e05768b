"""Intake and routing (S13): validation, routing by place and type, triage, duplicates before
submitting, repeats after, and immediate escalation of mass and sudden incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from epb.complaints import services
from epb.complaints.choices import Channel, EventKind, Kind, LinkKind, Severity, Status
from epb.complaints.models import CaseLink, Complaint, SensitivePeriod
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import centre_of, make_complaint, ptype
from epb.core import audit
from epb.core.models import AuditEntry, Notification
from epb.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


def intake(**overrides: Any) -> services.IntakeData:
    fields: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "description": "化工厂夜间排放刺鼻气体",
        "pollution_type": ptype("air"),
        "sub_type": ptype("air.odour"),
        "address": "青龙路",
    }
    fields.update(overrides)
    return services.IntakeData(**fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "臭"}, "description"),
        ({"description": "字" * 4001}, "description"),
        ({"pollution_type": None, "sub_type": None}, "pollution_type"),
        ({"sub_type": "noise.social"}, "sub_type"),
        ({"longitude": 119.97, "latitude": None}, "longitude"),
        ({"longitude": 31.77, "latitude": 119.97}, "longitude"),  # swapped
        ({"address": ""}, "address"),
        ({"anonymous": False, "contact": services.ContactData(name="", phone="13812345678")}, "name"),
        ({"anonymous": False, "contact": services.ContactData(name="刘", phone="12345")}, "phone"),
        ({"anonymous": False, "contact": services.ContactData(name="刘")}, "phone"),
        (
            {
                "anonymous": False,
                "contact": services.ContactData(name="刘", phone="13812345678", id_number="1101"),
            },
            "id_number",
        ),
        ({"received_at": timezone.now() + dt.timedelta(days=1)}, "received_at"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(
    bureau: Bureau, overrides: dict, field: str
) -> None:
    if overrides.get("sub_type") == "noise.social":
        overrides = {**overrides, "sub_type": ptype("noise.social")}
    before = (Complaint.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.submit(intake(**overrides), actor=None)
    assert field in raised.value.message_dict
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in raised.value.message_dict[field])
    assert (Complaint.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("town", ["town_a1", "town_a2", "town_b1"])
def test_routed_by_location_to_the_grid_and_by_type_to_the_division(bureau: Bureau, town: str) -> None:
    unit = getattr(bureau.tree, town)
    complaint = make_complaint(unit)
    assert complaint.grid == unit
    assert complaint.district == unit.parent
    assert complaint.department == bureau.inspection
    assert not complaint.needs_triage
    assert complaint.status == Status.RECEIVED
    assert AuditEntry.objects.filter(
        action="complaints.complaint.received", object_id=str(complaint.pk)
    ).exists()
    routed = AuditEntry.objects.get(action="complaints.complaint.routed", object_id=str(complaint.pk))
    assert routed.after is not None and routed.after["grid_id"] == unit.pk
    assert complaint.events.filter(kind=EventKind.ROUTED, public=True).exists()


def test_the_grid_staff_are_told_of_a_new_case(
    bureau: Bureau, grid_officer: Any, other_district_officer: Any
) -> None:
    complaint = make_complaint(bureau.tree.town_a1)
    assert Notification.objects.filter(recipient=grid_officer, title__contains=complaint.number).exists()
    assert not Notification.objects.filter(recipient=other_district_officer).exists()


def test_a_type_that_belongs_elsewhere_goes_to_triage_with_a_suggestion(bureau: Bureau) -> None:
    complaint = make_complaint(bureau.tree.town_a1, type_code="air.cooking")
    assert complaint.needs_triage and complaint.grid == bureau.tree.town_a1
    assert complaint.suggested_agency is not None and complaint.suggested_agency.code == "chengguan"
    assert Notification.objects.filter(recipient=bureau.operator, title__startswith="【待分派】").exists()


def test_a_place_outside_every_grid_goes_to_triage(bureau: Bureau) -> None:
    complaint = services.submit(intake(longitude=118.5, latitude=32.0), actor=None)
    assert complaint.grid is None and complaint.needs_triage
    assert "属地" in complaint.triage_reason


def test_without_a_location_the_enterprise_decides_the_grid(bureau: Bureau) -> None:
    firm = make_enterprise(bureau.tree.town_b1)
    complaint = services.submit(intake(enterprise=firm), actor=None)
    assert complaint.grid == bureau.tree.town_b1
    assert complaint.reported_unit == firm.name


def test_a_consultation_goes_to_the_centre_on_its_answer_clock(bureau: Bureau) -> None:
    consult = services.submit(
        intake(kind=Kind.CONSULTATION, pollution_type=None, sub_type=None, address=""), actor=None
    )
    assert consult.department == bureau.petition
    assert consult.status == Status.ACCEPTED


def test_duplicates_are_suggested_nearby_of_the_same_type_within_the_period(bureau: Bureau) -> None:
    unit = bureau.tree.town_a1
    lon, lat = centre_of(unit)
    near = make_complaint(unit)
    make_complaint(unit, type_code="noise.industrial")  # another type
    services.submit(intake(longitude=lon + 0.05, latitude=lat), actor=None)  # ~4.7 km away
    old = make_complaint(unit)
    audit.update(old, actor=None, received_at=timezone.now() - dt.timedelta(days=40))
    found = services.duplicate_candidates(lon + 0.001, lat, ptype("air"))
    assert [case.pk for case, _d in found] == [near.pk]
    assert 80 < found[0][1] < 110  # metres


def test_adding_to_an_existing_case_merges_it(bureau: Bureau) -> None:
    unit = bureau.tree.town_a1
    original = make_complaint(unit)
    lon, lat = centre_of(unit)
    added = services.submit(intake(longitude=lon, latitude=lat, add_to=original, anonymous=True), actor=None)
    assert added.status == Status.MERGED and added.duplicate_of == original
    assert CaseLink.objects.filter(complaint=added, other=original, kind=LinkKind.DUPLICATE).exists()
    assert added.tracking_code and added.tracking_code != original.tracking_code


def test_repeat_complaints_are_linked_after_submission(
    bureau: Bureau, django_capture_on_commit_callbacks: Any
) -> None:
    first = make_complaint(bureau.tree.town_a2, phone="13900001111")
    with django_capture_on_commit_callbacks(execute=True):
        again = make_complaint(bureau.tree.town_b1, phone="13900001111", type_code="noise.industrial")
    again.refresh_from_db()
    assert again.is_repeat
    link = CaseLink.objects.get(complaint=again, kind=LinkKind.REPEAT)
    assert link.other == first and "同一举报人" in link.reason
    with django_capture_on_commit_callbacks(execute=True):
        stranger = make_complaint(bureau.tree.town_b1, phone="13900002222", type_code="water.industrial")
    stranger.refresh_from_db()
    assert not stranger.is_repeat


def test_mass_and_sudden_incidents_go_to_leadership_at_once(bureau: Bureau, leader: Any) -> None:
    complaint = make_complaint(bureau.tree.town_a1, is_sudden=True)
    assert complaint.escalated_at is not None
    assert Notification.objects.filter(
        recipient=leader, title__startswith="【紧急上报】突发环境事件"
    ).exists()
    assert AuditEntry.objects.filter(
        action="complaints.complaint.escalated", object_id=str(complaint.pk)
    ).exists()
    visit = make_complaint(bureau.tree.town_a1, channel=Channel.VISIT, visitors=6)
    assert visit.is_mass and visit.escalated_at is not None


def test_a_sensitive_period_escalates_serious_cases(bureau: Bureau, leader: Any) -> None:
    ordinary = make_complaint(bureau.tree.town_a1, severity=Severity.SERIOUS)
    assert ordinary.escalated_at is None
    today = timezone.localdate()
    services.save_period(
        actor=leader,
        name="全国两会",
        start=today,
        end=today + dt.timedelta(days=3),
        escalate_severity=2,
        escalate_urgency=3,
    )
    serious = make_complaint(bureau.tree.town_a1, severity=Severity.SERIOUS)
    assert serious.escalated_at is not None
    minor = make_complaint(bureau.tree.town_a1)
    assert minor.escalated_at is None
    assert SensitivePeriod.objects.get().created_by == leader


def test_staff_intake_records_the_operator(bureau: Bureau) -> None:
    complaint = make_complaint(bureau.tree.town_a1, actor=bureau.operator, channel=Channel.PHONE)
    assert complaint.recorded_by == bureau.operator
    assert complaint.number.startswith(f"{timezone.localdate().year}-")
