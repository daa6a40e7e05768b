"""Handling (S13): who may do what, the reply with a leader's sign-off, callbacks and satisfaction,
复查 and 复核, transfers, merging, publication; every change in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.complaints import services
from epb.complaints.choices import EventKind, Kind, ReplyStatus, ReviewOutcome, Satisfaction, Status
from epb.complaints.deadlines import ACCEPT, CALLBACK, HANDLE, REHANDLE
from epb.complaints.models import Complaint, DeclineReason, ExternalAgency
from epb.complaints.tests.conftest import Bureau, sms_to
from epb.complaints.tests.factories import make_complaint
from epb.core import clocks
from epb.core.choices import Role
from epb.core.models import AuditEntry
from epb.core.models.clocks import ClockState
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


def actions(complaint: Complaint) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_id=str(complaint.pk), action__startswith="complaints.complaint"
        ).values_list("action", flat=True)
    )


def reply_and_sign(
    complaint: Complaint, handler: Any, leader: Any, text: str = "经查，已责令企业整改到位。"
) -> Complaint:
    services.save_reply(complaint, actor=handler, text=text, findings="现场检查发现废气收集不全", submit=True)
    services.sign_reply(
        complaint.replies.get(status=ReplyStatus.PENDING), actor=leader, approve=True, note="同意"
    )
    complaint.refresh_from_db()
    return complaint


def test_only_the_place_that_owns_a_case_may_act_on_it(
    bureau: Bureau, other_district_officer: Any, enterprise_user: Any, district_officer: Any
) -> None:
    complaint = make_complaint(bureau.tree.town_a1)
    for outsider in (other_district_officer, enterprise_user):
        with pytest.raises(PermissionDenied):
            services.accept(complaint, actor=outsider)
    complaint = services.accept(complaint, actor=district_officer, note="属实，受理")
    assert complaint.status == Status.ACCEPTED
    assert clocks.clocks_of(complaint).get(kind=ACCEPT).state == ClockState.MET
    assert clocks.open_clock(complaint, HANDLE) is not None
    assert "complaints.complaint.accepted" in actions(complaint)


def test_a_case_in_triage_cannot_be_accepted_until_routed(
    bureau: Bureau, leader: Any, district_officer: Any
) -> None:
    complaint = make_complaint(None, address="某处")  # no location: triage
    assert complaint.grid is None
    with pytest.raises(ValidationError, match="属地"):
        services.accept(complaint, actor=bureau.operator)
    complaint = services.route(
        complaint, actor=bureau.operator, grid=bureau.tree.town_a2, department=bureau.inspection
    )
    assert complaint.grid == bureau.tree.town_a2 and not complaint.needs_triage
    assert clocks.open_clock(complaint, ACCEPT).org_unit == bureau.tree.town_a2  # type: ignore[union-attr]
    # A district moves a case only within its own area, gives a reason, or hands it back.
    with pytest.raises(PermissionDenied):
        services.route(
            complaint, actor=district_officer, grid=bureau.tree.town_b1, department=None, reason="错派"
        )
    with pytest.raises(ValidationError):
        services.route(
            complaint, actor=district_officer, grid=bureau.tree.town_a1, department=bureau.inspection
        )
    complaint = services.route(
        complaint, actor=district_officer, grid=None, department=None, reason="不在本区"
    )
    assert complaint.needs_triage and complaint.grid is None
    assert not Complaint.objects.visible_to(district_officer).filter(pk=complaint.pk).exists()
    assert "complaints.complaint.rerouted" in actions(complaint)


def test_decline_with_a_coded_reason_tells_the_complainant_where_to_go(
    bureau: Bureau, district_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = make_complaint(bureau.tree.town_a1, phone="13811112222")
    reason = DeclineReason.objects.get(code="legal_route")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.decline(complaint, actor=district_officer, reason=reason, note="已进入诉讼")
    assert complaint.status == Status.DECLINED and complaint.decline_reason == reason
    assert any(reason.guidance in text for text in sms_to("13811112222"))
    assert complaint.events.filter(kind=EventKind.DECLINED, public=True).exists()
    with pytest.raises(ValidationError):
        services.accept(complaint, actor=district_officer)


def test_transfer_out_of_the_bureau(bureau: Bureau) -> None:
    complaint = make_complaint(bureau.tree.town_a1, type_code="noise.social")
    assert complaint.needs_triage
    agency = ExternalAgency.objects.get(code="gongan")
    with pytest.raises(ValidationError):
        services.transfer(complaint, actor=bureau.operator, agency=agency, reason=" ")
    complaint = services.transfer(
        complaint, actor=bureau.operator, agency=agency, reason="社会生活噪声由公安机关处理"
    )
    assert complaint.status == Status.TRANSFERRED and complaint.transferred_to == agency
    assert complaint.events.get(kind=EventKind.TRANSFERRED).public_text == "已移送公安局处理"


def test_one_handler_with_jurisdiction(
    bureau: Bureau, district_officer: Any, other_district_officer: Any, grid_officer: Any
) -> None:
    complaint = make_complaint(bureau.tree.town_a1)
    with pytest.raises(ValidationError):
        services.assign(complaint, actor=district_officer, handler=other_district_officer)
    complaint = services.assign(complaint, actor=district_officer, handler=grid_officer)
    assert complaint.handler == grid_officer
    assert clocks.open_clock(complaint, ACCEPT).owner == grid_officer  # type: ignore[union-attr]


def test_reply_needs_a_leaders_signature_then_goes_to_the_complainant(
    bureau: Bureau, leader: Any, grid_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = make_complaint(bureau.tree.town_a1, phone="13855556666")
    complaint = services.accept(complaint, actor=grid_officer)
    with pytest.raises(ValidationError):  # findings are required before submitting
        services.save_reply(complaint, actor=grid_officer, text="已处理完毕。", submit=True)
    services.save_reply(complaint, actor=grid_officer, text="草稿：正在调查中。", findings="")
    draft = services.save_reply(
        complaint, actor=grid_officer, text="经查属实，已整改。", findings="异味来自喷涂车间", submit=True
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLY_PENDING and complaint.replies.count() == 1
    with pytest.raises(PermissionDenied):
        services.sign_reply(draft, actor=grid_officer, approve=True)
    with pytest.raises(ValidationError):
        services.sign_reply(draft, actor=leader, approve=False, note="")
    services.sign_reply(draft, actor=leader, approve=False, note="请写明整改时限")
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED
    draft = services.save_reply(
        complaint,
        actor=grid_officer,
        text="经查属实，企业已于3日内完成整改。",
        findings="异味来自喷涂车间",
        submit=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_reply(draft, actor=leader, approve=True)
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED and complaint.replied_at is not None
    assert clocks.clocks_of(complaint).get(kind=HANDLE).state == ClockState.MET
    assert clocks.open_clock(complaint, CALLBACK) is not None  # a real-name complainant is called back
    assert any("已办结" in text for text in sms_to("13855556666"))
    entries = set(
        AuditEntry.objects.filter(object_id=str(draft.pk), action__startswith="complaints.reply").values_list(
            "action", flat=True
        )
    )
    assert {"complaints.reply.submitted", "complaints.reply.returned", "complaints.reply.signed"} <= entries


def test_callbacks_and_satisfaction(bureau: Bureau, leader: Any, grid_officer: Any) -> None:
    complaint = services.accept(make_complaint(bureau.tree.town_a1), actor=grid_officer)
    complaint = reply_and_sign(complaint, grid_officer, leader)
    other_division = make_user(Role.DEPT_STAFF, department=bureau.inspection)
    with pytest.raises(PermissionDenied):  # callbacks need the phone: handlers only
        services.record_callback(complaint, actor=other_division, reached=True, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        services.record_callback(complaint, actor=bureau.operator, reached=True)
    services.record_callback(complaint, actor=bureau.operator, reached=False)
    assert clocks.open_clock(complaint, CALLBACK) is not None  # not reached yet: keep trying
    services.record_callback(
        complaint,
        actor=bureau.operator,
        reached=True,
        satisfaction=Satisfaction.UNSATISFIED,
        comment="夜里还有味",
    )
    complaint.refresh_from_db()
    # 不满意 → handled again, on its own clock.
    assert complaint.status == Status.ACCEPTED and complaint.rehandle_count == 1
    assert clocks.open_clock(complaint, REHANDLE) is not None
    assert clocks.open_clock(complaint, CALLBACK) is None
    complaint = reply_and_sign(complaint, grid_officer, leader, "复查后加装了活性炭吸附装置，异味已消除。")
    services.record_callback(complaint, actor=grid_officer, reached=True, satisfaction=Satisfaction.SATISFIED)
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    assert "complaints.complaint.rehandled" in actions(complaint)


def test_anonymous_complainants_are_not_called_back(bureau: Bureau, leader: Any, grid_officer: Any) -> None:
    complaint = services.accept(make_complaint(bureau.tree.town_a1, real_name=False), actor=grid_officer)
    complaint = reply_and_sign(complaint, grid_officer, leader)
    assert clocks.open_clock(complaint, CALLBACK) is None
    with pytest.raises(ValidationError):
        services.record_callback(complaint, actor=bureau.operator, reached=True, satisfaction="satisfied")


def test_a_consultation_is_answered_without_sign_off(bureau: Bureau) -> None:
    consult = make_complaint(bureau.tree.town_a1, kind=Kind.CONSULTATION, pollution_type=None, sub_type=None)
    services.save_reply(consult, actor=bureau.operator, text="环评公示可在本局网站查询。", submit=True)
    consult.refresh_from_db()
    assert consult.status == Status.REPLIED
    assert clocks.open_clock(consult, CALLBACK) is None  # callbacks are for complaints
    with pytest.raises(ValidationError, match="不需回访"):
        services.record_callback(consult, actor=bureau.operator, reached=True, satisfaction="satisfied")


def test_review_then_reexamination_then_closed_for_good(
    bureau: Bureau, leader: Any, grid_officer: Any
) -> None:
    complaint = reply_and_sign(
        services.accept(make_complaint(bureau.tree.town_a1), actor=grid_officer), grid_officer, leader
    )
    review = services.request_review(complaint, actor=bureau.operator, reason="整改不到位")
    complaint.refresh_from_db()
    assert complaint.status == Status.REVIEW and review.stage == "review"
    with pytest.raises(PermissionDenied):
        services.decide_review(
            review, actor=grid_officer, outcome=ReviewOutcome.UPHELD, decision="维持原答复意见"
        )
    services.decide_review(
        review, actor=leader, outcome=ReviewOutcome.UPHELD, decision="经复查，维持原答复意见。"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED and complaint.review_window_ends_at is not None
    second = services.request_review(complaint, actor=bureau.operator, reason="仍不服")
    assert second.stage == "reexamination"
    services.decide_review(
        second, actor=leader, outcome=ReviewOutcome.REVISED, decision="复核认为应重新调查。"
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED and clocks.open_clock(complaint, REHANDLE) is not None
    complaint = reply_and_sign(complaint, grid_officer, leader, "重新调查后已责令停产整改。")
    with pytest.raises(ValidationError, match="复核终结"):
        services.request_review(complaint, actor=bureau.operator, reason="第三次")


def test_merged_cases_follow_the_original_and_their_complainants_are_told(
    bureau: Bureau, leader: Any, grid_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    original = make_complaint(bureau.tree.town_a1, phone="13800000001")
    duplicate = make_complaint(bureau.tree.town_a1, phone="13800000002")
    duplicate = services.merge(duplicate, original, actor=grid_officer, reason="同一排放源")
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of == original
    with pytest.raises(ValidationError):
        services.merge(original, duplicate, actor=grid_officer, reason="反向")  # would merge into itself
    original = services.accept(original, actor=grid_officer)
    with django_capture_on_commit_callbacks(execute=True):
        reply_and_sign(original, grid_officer, leader)
    duplicate.refresh_from_db()
    assert duplicate.replied_at is not None
    assert any("合并办结" in text for text in sms_to("13800000002"))
    assert clocks.open_clock(duplicate, CALLBACK) is not None


def test_publication_masks_personal_data(bureau: Bureau, leader: Any, grid_officer: Any) -> None:
    complaint = make_complaint(
        bureau.tree.town_a1, name="刘建国", description="我是刘建国，电话13812345678，工厂半夜排烟"
    )
    with pytest.raises(ValidationError, match="公开"):  # not before it is accepted
        services.publish(complaint, actor=grid_officer, public_summary=complaint.description)
    complaint = services.accept(complaint, actor=grid_officer)
    complaint = services.publish(complaint, actor=grid_officer, public_summary=complaint.description)
    assert complaint.is_public
    assert "13812345678" not in complaint.public_summary and "刘建国" not in complaint.public_summary
    assert "刘**" in complaint.public_summary
    assert Complaint.objects.published().filter(pk=complaint.pk).exists()
    complaint = services.publish(complaint, actor=grid_officer, public_summary="", publish=False)
    assert not Complaint.objects.published().filter(pk=complaint.pk).exists()


def test_hearings_and_leader_cases_are_on_the_record(bureau: Bureau, leader: Any, grid_officer: Any) -> None:
    import datetime as dt

    complaint = services.accept(make_complaint(bureau.tree.town_a1), actor=grid_officer)
    services.record_hearing(
        complaint,
        actor=grid_officer,
        kind=EventKind.JOINT_MEETING,
        held_on=dt.date(2026, 11, 2),
        participants="街道、企业",
        outcome="企业承诺月底前完成治理",
    )
    assert complaint.events.filter(kind=EventKind.JOINT_MEETING).exists()
    with pytest.raises(PermissionDenied):
        services.assign_leader(complaint, actor=grid_officer, leader=leader, instructions="包案")
    case = services.assign_leader(
        complaint, actor=leader, leader=leader, instructions="月底前化解，每周报进展"
    )
    services.instruct(case, actor=leader, text="请街道配合")
    case = services.close_leader_case(case, actor=leader, result="企业已搬迁")
    assert case.status == "closed"
    assert complaint.events.filter(kind=EventKind.INSTRUCTION).exists()
    assert AuditEntry.objects.filter(action="complaints.leadercase.closed").exists()


def test_acts_recorded_afterwards_cannot_be_dated_in_the_future_or_before_receipt(
    bureau: Bureau, district_officer: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    complaint = make_complaint(bureau.tree.town_a1, received_at=timezone.now() - dt.timedelta(hours=3))
    with pytest.raises(ValidationError, match="晚于现在"):
        services.accept(complaint, actor=district_officer, at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="早于收件时间"):
        services.accept(complaint, actor=district_officer, at=complaint.received_at - dt.timedelta(hours=1))
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED
    earlier = complaint.received_at + dt.timedelta(minutes=1)
    complaint = services.accept(complaint, actor=district_officer, at=earlier)
    assert complaint.accepted_at == earlier
    # The audit log keeps the real time of writing.
    entry = AuditEntry.objects.get(action="complaints.complaint.accepted", object_id=str(complaint.pk))
    assert entry.at > earlier
