"""Cases and measures, with their legal clocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from epb.core.clocks import clocks_of, open_clock, state_of
from epb.core.models import AuditEntry, Notification
from epb.enforcement.choices import CaseStatus, MeasureStatus
from epb.enforcement.services import cases
from epb.enterprises.choices import EnterpriseStatus, LicenceStatus
from epb.enterprises.tests.factories import make_licence
from epb.lib.timeutil import BEIJING

pytestmark = pytest.mark.django_db


def _opened_case(world: Any) -> Any:
    case = cases.register_case(
        actor=world.officer,
        title="超标排放",
        grid=world.tree.town_a1,
        handler=world.officer,
        enterprise=world.key,
    )
    return cases.decide_case(case, actor=world.manager, open_case=True, note="事实清楚，予以立案")


def test_opening_a_case_stops_the_seven_day_clock_and_starts_the_conclusion_clock(world: Any) -> None:
    case = cases.register_case(
        actor=world.officer,
        title="超标排放",
        grid=world.tree.town_a1,
        handler=world.officer,
        enterprise=world.key,
    )
    opening = open_clock(case, "enforcement.case_opening")
    assert opening is not None
    with pytest.raises(PermissionDenied):
        cases.decide_case(case, actor=world.officer, open_case=True, note="x")  # grid officers do not decide
    with pytest.raises(ValidationError):
        cases.decide_case(case, actor=world.manager, open_case=True, note="")
    cases.decide_case(case, actor=world.manager, open_case=True, note="予以立案")
    opening.refresh_from_db()
    assert opening.state == "met" and case.status == CaseStatus.OPENED and case.number.startswith("环立")
    conclusion = open_clock(case, "enforcement.case_conclusion")
    assert conclusion is not None and conclusion.spec["duration"] == 90
    cases.close_case(case, actor=world.manager, conclusion="已处罚")
    assert case.status == CaseStatus.CLOSED and open_clock(case, "enforcement.case_conclusion") is None


def test_a_declined_case_has_no_conclusion_clock(world: Any) -> None:
    case = cases.register_case(
        actor=world.officer,
        title="线索",
        grid=world.tree.town_a1,
        handler=world.officer,
        enterprise=world.key,
    )
    cases.decide_case(case, actor=world.manager, open_case=False, note="不属于违法行为")
    assert case.status == CaseStatus.NOT_OPENED and not clocks_of(case).filter(
        kind="enforcement.case_conclusion"
    )


def test_penalties_need_an_opened_case_and_fines_an_amount(world: Any) -> None:
    pending = cases.register_case(
        actor=world.officer,
        title="线索",
        grid=world.tree.town_a1,
        handler=world.officer,
        enterprise=world.key,
    )
    with pytest.raises(ValidationError):
        cases.decide_measure(
            actor=world.manager,
            kind="fine",
            enterprise=world.key,
            officer=world.officer,
            case=pending,
            amount=Decimal(1000),
        )
    with pytest.raises(ValidationError):
        cases.decide_measure(actor=world.manager, kind="fine", enterprise=world.key, officer=world.officer)
    with pytest.raises(ValidationError):
        cases.decide_measure(
            actor=world.manager,
            kind="warning",
            enterprise=world.key,
            officer=world.officer,
            amount=Decimal(10),
        )
    with pytest.raises(PermissionDenied):
        cases.decide_measure(actor=world.officer, kind="warning", enterprise=world.key, officer=world.officer)
    with pytest.raises(ValidationError, match="立案"):  # beyond the simple procedure's 3 000 yuan
        cases.decide_measure(
            actor=world.manager,
            kind="fine",
            enterprise=world.key,
            officer=world.officer,
            amount=Decimal("3000.01"),
        )
    with pytest.raises(ValidationError, match="立案"):
        cases.decide_measure(actor=world.manager, kind="seal", enterprise=world.key, officer=world.officer)
    on_the_spot = cases.decide_measure(
        actor=world.manager,
        kind="fine",
        enterprise=world.key,
        officer=world.officer,
        amount=Decimal("3000.00"),
    )
    assert on_the_spot.case is None
    warning = cases.decide_measure(
        actor=world.manager, kind="warning", enterprise=world.key, officer=world.officer
    )
    assert "行政处罚法" in warning.legal_basis  # the rule's basis by default


def test_a_fine_served_starts_the_payment_clock_and_payment_stops_it(world: Any) -> None:
    case = _opened_case(world)
    fine = cases.decide_measure(
        actor=world.manager,
        kind="fine",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        amount=Decimal("80000.00"),
        decision_number="常环罚〔2026〕8号",
    )
    assert not clocks_of(fine).exists()
    served = dt.datetime(2026, 4, 28, 10, tzinfo=BEIJING)
    cases.serve_measure(fine, actor=world.officer, served_at=served)
    clock = open_clock(fine, "enforcement.fine_payment")
    assert clock is not None
    # 15 calendar days from 28 April end on 13 May; the party's last-day rule does not apply (a workday)
    assert state_of(clock, served).due_date == dt.date(2026, 5, 13)
    assert cases.hearing_right(fine)
    assert Notification.objects.filter(recipient=world.ent_user, kind="enforcement.measure_served").exists()
    with pytest.raises(ValidationError):
        cases.serve_measure(fine, actor=world.officer)
    cases.record_payment(fine, actor=world.officer, note="缴款书 001")
    clock.refresh_from_db()
    assert fine.status == MeasureStatus.DONE and clock.state in ("met", "completed_late")


def test_sealing_runs_30_days_extends_by_at_most_30_and_pauses_for_testing(world: Any) -> None:
    case = _opened_case(world)
    seal = cases.decide_measure(
        actor=world.manager,
        kind="seal",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        details="查封含铅废水处理设施",
    )
    cases.serve_measure(seal, actor=world.officer)
    assert seal.status == MeasureStatus.IN_FORCE
    clock = open_clock(seal, "enforcement.sealing")
    assert clock is not None and clock.spec["duration"] == 30 and clock.spec["max_extension"] == 30
    with pytest.raises(PermissionDenied):
        cases.extend_measure(seal, "enforcement.sealing", 10, actor=world.officer, reason="批准")
    with pytest.raises(ValidationError, match="30"):
        cases.extend_measure(seal, "enforcement.sealing", 31, actor=world.manager, reason="局长批准")
    before = state_of(clock).due_date
    assert before is not None
    cases.extend_measure(seal, "enforcement.sealing", 20, actor=world.manager, reason="局长批准")
    clock.refresh_from_db()
    assert state_of(clock).due_date == before + dt.timedelta(days=20)
    with pytest.raises(ValidationError):
        cases.extend_measure(
            seal, "enforcement.sealing", 11, actor=world.manager, reason="再延"
        )  # 20 + 11 > 30
    cases.pause_measure(seal, "enforcement.sealing", actor=world.officer, reason="送检")
    clock.refresh_from_db()
    assert clock.state == "paused"
    cases.resume_measure(seal, "enforcement.sealing", actor=world.officer)
    release = cases.apply_for_release(seal, actor=world.ent_user, reason="已完成整改")
    assert release.spec["basis"] == "working" and release.spec["duration"] == 5
    cases.lift_measure(seal, actor=world.manager, note="整改到位，解除查封")
    assert seal.status == MeasureStatus.LIFTED
    assert open_clock(seal, "enforcement.sealing") is None
    assert open_clock(seal, "enforcement.sealing_release_review") is None


def test_daily_fine_reinspection_computes_the_amount(world: Any) -> None:
    case = _opened_case(world)
    daily = cases.decide_measure(
        actor=world.manager,
        kind="daily_fine",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        daily_amount=Decimal("20000"),
    )
    served = timezone.now() - dt.timedelta(days=12)
    served_on = timezone.localtime(served).date()
    cases.serve_measure(daily, actor=world.officer, served_at=served)
    assert open_clock(daily, "enforcement.daily_fine_reinspection") is not None
    reinspected = served_on + dt.timedelta(days=12)
    cases.record_reinspection(daily, actor=world.officer, reinspected_on=reinspected, continuing=True)
    assert daily.amount == Decimal("240000.00")
    assert open_clock(daily, "enforcement.daily_fine_reinspection") is None
    assert open_clock(daily, "enforcement.fine_payment") is not None
    assert AuditEntry.objects.filter(action="enforcement.measure.daily_fine_computed").exists()


def test_stop_production_and_closure_change_the_registry_and_revocation_the_licence(world: Any) -> None:
    case = _opened_case(world)
    stop = cases.decide_measure(
        actor=world.manager, kind="stop", enterprise=world.key, officer=world.officer, case=case
    )
    cases.serve_measure(stop, actor=world.officer)
    world.key.refresh_from_db()
    assert world.key.status == EnterpriseStatus.STOPPED
    assert open_clock(stop, "enforcement.production_plan_filing").spec["basis"] == "working"  # type: ignore[union-attr]
    cases.lift_measure(stop, actor=world.manager, note="整治完成")
    world.key.refresh_from_db()
    assert world.key.status == EnterpriseStatus.OPERATING
    licence = make_licence(world.key)
    with pytest.raises(ValidationError):
        cases.decide_measure(
            actor=world.manager, kind="revoke", enterprise=world.key, officer=world.officer, case=case
        )
    revoke = cases.decide_measure(
        actor=world.manager,
        kind="revoke",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        licence=licence,
    )
    cases.serve_measure(revoke, actor=world.officer)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    assert AuditEntry.objects.filter(action="enterprises.licence.revoked", object_id=str(licence.pk)).exists()


def test_restriction_and_police_transfer_start_their_clocks(world: Any) -> None:
    case = _opened_case(world)
    restrict = cases.decide_measure(
        actor=world.manager, kind="restrict", enterprise=world.key, officer=world.officer, case=case
    )
    cases.serve_measure(restrict, actor=world.officer)
    kinds = set(clocks_of(restrict).values_list("kind", flat=True))
    assert kinds == {"enforcement.production_plan_filing", "enforcement.restriction_term"}
    police = cases.decide_measure(
        actor=world.manager, kind="police", enterprise=world.key, officer=world.officer, case=case
    )
    cases.serve_measure(police, actor=world.officer)
    clock = open_clock(police, "enforcement.police_transfer")
    assert clock is not None and clock.spec["duration"] == 3


def test_remedies_are_recorded_and_completed(world: Any) -> None:
    trees = cases.decide_measure(
        actor=world.manager,
        kind="trees",
        enterprise=world.key,
        officer=world.officer,
        trees=200,
        details="在滨江公园义务植树",
    )
    cases.serve_measure(trees, actor=world.officer)
    cases.complete_measure(trees, actor=world.officer, note="已植树200棵")
    assert trees.status == MeasureStatus.DONE
    with pytest.raises(ValidationError):
        cases.decide_measure(actor=world.manager, kind="trees", enterprise=world.key, officer=world.officer)


def test_evidence_is_kept_with_its_file(world: Any) -> None:
    from epb.core.attachments import attachments_of
    from epb.enforcement.tests.conftest import jpeg

    case = _opened_case(world)
    evidence = cases.add_evidence(
        actor=world.officer,
        kind="monitoring",
        description="监测报告",
        case=case,
        upload=jpeg(),
        filename="report.jpg",
    )
    assert evidence.grid == world.tree.town_a1 and attachments_of(evidence).count() == 1
    with pytest.raises(ValidationError):
        cases.add_evidence(actor=world.officer, kind="nonsense", description="x", case=case)
