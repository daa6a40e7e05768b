"""The centre's clocks on the Chinese working-day calendar, across the 2026 Spring Festival
(off Feb 15–23; Saturdays Feb 14 and Feb 28 are make-up working days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from epb.complaints import services
from epb.complaints.choices import EventKind, Kind, Status
from epb.complaints.deadlines import ACCEPT, CALLBACK, CONSULT, HANDLE, REVIEW_DECISION, clock_spec
from epb.complaints.models import Complaint
from epb.complaints.tests.conftest import Bureau, sms_to
from epb.complaints.tests.factories import make_complaint
from epb.core import clocks
from epb.core import services as core_services
from epb.core.models import AuditEntry, Notification
from epb.core.models.clocks import ClockState
from epb.lib.timeutil import BEIJING

pytestmark = pytest.mark.django_db


def bj(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BEIJING)


def received_on(bureau: Bureau, when: dt.datetime, **kwargs: Any) -> Complaint:
    with time_machine.travel(when, tick=False):
        return make_complaint(bureau.tree.town_a1, **kwargs)


def due_date(subject: Any, kind: str) -> dt.date:
    clock = clocks.open_clock(subject, kind) or clocks.clocks_of(subject).filter(kind=kind).latest(
        "started_at"
    )
    state = clocks.state_of(clock, now=clock.started_at)
    assert state.due_date is not None
    return state.due_date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 15 calendar days; a last day on a rest day moves to the next working day (民法典 art. 203).
        (bj(2026, 1, 30), dt.date(2026, 2, 14)),  # the 15th day is the make-up Saturday: it stays
        (bj(2026, 2, 1), dt.date(2026, 2, 24)),  # Feb 16 is in the festival: moved to Feb 24
        (bj(2026, 2, 7), dt.date(2026, 2, 24)),  # Feb 22 likewise
        (bj(2026, 2, 13), dt.date(2026, 2, 28)),  # the second make-up Saturday
        (bj(2026, 3, 1), dt.date(2026, 3, 16)),  # an ordinary Monday
    ],
)
def test_acceptance_within_15_days_across_the_spring_festival(
    bureau: Bureau, received: dt.datetime, due: dt.date
) -> None:
    complaint = received_on(bureau, received)
    assert due_date(complaint, ACCEPT) == due


def test_a_consultation_is_answered_within_five_working_days(bureau: Bureau) -> None:
    consult = received_on(bureau, bj(2026, 2, 12), kind=Kind.CONSULTATION, pollution_type=None, sub_type=None)
    assert consult.status == Status.ACCEPTED
    # Working days after Thu Feb 12: Feb 13, Sat Feb 14 (make-up), Feb 24, 25, 26.
    assert due_date(consult, CONSULT) == dt.date(2026, 2, 26)


def test_handling_60_days_and_an_approved_extension_of_30(
    bureau: Bureau, leader: Any, district_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = received_on(bureau, bj(2025, 12, 18))
    with time_machine.travel(bj(2025, 12, 20), tick=False):
        complaint = services.accept(complaint, actor=district_officer)
    # Dec 20 + 60 days = Feb 18, in the festival → Feb 24.
    assert due_date(complaint, HANDLE) == dt.date(2026, 2, 24)
    with time_machine.travel(bj(2026, 2, 10), tick=False):
        with pytest.raises(Exception, match="延期天数"):
            services.request_extension(complaint, actor=district_officer, days=31, reason="需要监测")
        services.request_extension(complaint, actor=district_officer, days=30, reason="需委托监测")
        with pytest.raises(Exception, match="局领导"):
            services.decide_extension(complaint, actor=district_officer, approve=True)
        with django_capture_on_commit_callbacks(execute=True):
            complaint = services.decide_extension(complaint, actor=leader, approve=True, note="同意")
    # The extension counts from the nominal last day: Feb 18 + 30 = Fri Mar 20.
    clock = clocks.open_clock(complaint, HANDLE)
    assert clock is not None
    state = clocks.state_of(clock, now=bj(2026, 2, 10, 12))
    assert state.due_date == dt.date(2026, 3, 20)
    assert state.extension_left == 0
    # The complainant is told of the extension and its reason.
    assert any("延期30日" in text and "需委托监测" in text for text in sms_to("13812345678"))
    assert AuditEntry.objects.filter(
        action="complaints.complaint.extended", object_id=str(complaint.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="core.clock.extend").exists()


def test_a_staff_calendar_override_moves_the_deadline(bureau: Bureau, leader: Any) -> None:
    complaint = received_on(bureau, bj(2026, 2, 1))
    assert due_date(complaint, ACCEPT) == dt.date(2026, 2, 24)
    # The bureau closes on Feb 24 as well (entered at /staff/calendar/).
    core_services.set_holiday_override(
        actor=leader, date=dt.date(2026, 2, 24), is_workday=False, name="延长休假"
    )
    assert due_date(complaint, ACCEPT) == dt.date(2026, 2, 25)


def test_scan_reminds_on_the_make_up_saturday_then_flags_overdue(bureau: Bureau, leader: Any) -> None:
    complaint = received_on(bureau, bj(2026, 2, 1))
    # Due Feb 24. One working day before it is the make-up Saturday Feb 14.
    counts = clocks.scan_clocks(now=bj(2026, 2, 14, 10))
    assert counts["reminders"] == 2  # 3 working days before (Feb 12) and 1 (Feb 14), both due by now
    texts = list(complaint.events.filter(kind=EventKind.CLOCK).values_list("text", flat=True))
    assert any(t.startswith("即将到期") for t in texts) and any(t.startswith("明日到期") for t in texts)
    assert clocks.scan_clocks(now=bj(2026, 2, 20, 10))["reminders"] == 0  # nothing new in the holiday
    late = clocks.scan_clocks(now=bj(2026, 2, 25, 10))
    assert late["overdue"] == 1
    complaint.refresh_from_db()
    assert complaint.is_overdue
    assert complaint.events.filter(kind=EventKind.CLOCK, text__startswith="已超期").exists()
    assert Notification.objects.filter(recipient=leader, title__startswith="【已超期】").exists()
    # 督办 three working days after the deadline escalates.
    clocks.scan_clocks(now=bj(2026, 2, 27, 10))
    clock = clocks.clocks_of(complaint).get(kind=ACCEPT)
    assert clock.state == ClockState.OVERDUE and clock.escalated_at is not None


def test_review_window_and_decision_clock(bureau: Bureau, leader: Any, district_officer: Any) -> None:
    complaint = received_on(bureau, bj(2026, 1, 5))
    with time_machine.travel(bj(2026, 1, 6), tick=False):
        complaint = services.accept(complaint, actor=district_officer)
        services.save_reply(
            complaint, actor=district_officer, text="经查已整改到位。", findings="现场检查", submit=True
        )
    with time_machine.travel(bj(2026, 2, 10), tick=False):
        services.sign_reply(complaint.replies.get(), actor=leader, approve=True)
    complaint.refresh_from_db()
    # 30 days from Feb 10 end with Thu Mar 12.
    assert complaint.review_window_ends_at == dt.datetime(2026, 3, 13, 0, tzinfo=BEIJING)
    with time_machine.travel(bj(2026, 3, 13, 9), tick=False), pytest.raises(Exception, match="30日"):
        services.request_review(complaint, actor=district_officer, reason="不服")
    with time_machine.travel(bj(2026, 3, 12, 16), tick=False):
        review = services.request_review(complaint, actor=district_officer, reason="整改不到位")
    # 30 days from Mar 12 end on Sat Apr 11 → the next working day, Mon Apr 13.
    assert due_date(review, REVIEW_DECISION) == dt.date(2026, 4, 13)


def test_callback_window_counts_working_days(bureau: Bureau, leader: Any, district_officer: Any) -> None:
    complaint = received_on(bureau, bj(2026, 2, 2))
    with time_machine.travel(bj(2026, 2, 3), tick=False):
        complaint = services.accept(complaint, actor=district_officer)
        services.save_reply(
            complaint, actor=district_officer, text="经查已整改到位。", findings="现场检查", submit=True
        )
    with time_machine.travel(bj(2026, 2, 13), tick=False):
        services.sign_reply(complaint.replies.get(), actor=leader, approve=True)
    # Five working days after Fri Feb 13: Sat 14 (make-up), 24, 25, 26, 27.
    assert due_date(complaint, CALLBACK) == dt.date(2026, 2, 27)
    assert clock_spec(CALLBACK).source  # a local rule, with its source recorded
