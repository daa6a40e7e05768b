"""S7 and S8 registers and the enterprise page's rows from enforcement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from epb.core.models import AuditEntry
from epb.enforcement.rules import CHECKLIST
from epb.enforcement.services import cases, inspections, plans, supervision
from epb.enterprises import history
from epb.enterprises.history import compliance_history
from epb.enterprises.sections import sections_for

pytestmark = pytest.mark.django_db


def test_one_representative_at_a_time_with_a_visit_log(world: Any, other_district_officer: Any) -> None:
    rep = supervision.assign_representative(
        actor=world.manager,
        enterprise=world.key,
        officer=world.officer,
        reason="heavy_polluting",
        assigned_on=dt.date(2026, 1, 5),
    )
    with pytest.raises(ValidationError):
        supervision.assign_representative(
            actor=world.manager, enterprise=world.key, officer=world.officer2, reason="complaints"
        )
    with pytest.raises(PermissionDenied):
        supervision.assign_representative(
            actor=other_district_officer,
            enterprise=world.general[0],
            officer=world.officer,
            reason="complaints",
        )
    supervision.log_visit(rep, actor=world.officer, visited_on=dt.date(2026, 2, 1), content="查看台账")
    with pytest.raises(PermissionDenied):
        supervision.log_visit(rep, actor=world.officer2, visited_on=dt.date(2026, 2, 1), content="代写")
    with pytest.raises(ValidationError):
        supervision.log_visit(rep, actor=world.officer, visited_on=dt.date(2025, 12, 1), content="派驻前")
    assert rep.visits.count() == 1


def test_candidates_are_heavy_polluters_or_complaint_heavy(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = {c.enterprise.pk: c for c in supervision.representative_candidates(world.manager)}
    assert world.key.pk in names and names[world.key.pk].reason == "heavy_polluting"
    noisy = world.general[0]
    monkeypatch.setattr(history, "_PROVIDERS", dict(history._PROVIDERS))
    history.register_history_provider(
        "complaints",
        "信访投诉",
        lambda e, s, en: (
            {history.history_quarters(timezone.localdate())[-1].label: 4} if e.pk == noisy.pk else {}
        ),
    )
    names = {c.enterprise.pk: c for c in supervision.representative_candidates(world.manager)}
    assert names[noisy.pk].reason == "complaints" and names[noisy.pk].complaints == 4
    supervision.assign_representative(
        actor=world.manager, enterprise=world.key, officer=world.officer, reason="heavy_polluting"
    )
    assert world.key.pk not in {c.enterprise.pk for c in supervision.representative_candidates(world.manager)}


def test_poorly_graded_facilities_are_key_supervision_objects(world: Any) -> None:
    supervision.grade_facility(
        actor=world.officer,
        enterprise=world.key,
        facility="污水站",
        assessed_on=dt.date(2026, 1, 10),
        grade="D",
    )
    supervision.grade_facility(
        actor=world.officer,
        enterprise=world.key,
        facility="废气塔",
        assessed_on=dt.date(2026, 1, 10),
        grade="B",
    )
    assert [g.facility for g in supervision.key_supervision_objects(world.manager)] == ["污水站"]
    supervision.grade_facility(
        actor=world.officer,
        enterprise=world.key,
        facility="污水站",
        assessed_on=dt.date(2026, 4, 10),
        grade="B",
    )
    assert supervision.key_supervision_objects(world.manager) == []
    with pytest.raises(ValidationError):
        supervision.grade_facility(
            actor=world.officer,
            enterprise=world.key,
            facility="污水站",
            assessed_on=timezone.localdate() + dt.timedelta(days=1),
            grade="A",
        )


def test_behaviour_is_rated_once_a_year_and_rerated_with_an_audit_entry(world: Any) -> None:
    supervision.rate_behaviour(actor=world.manager, enterprise=world.key, year=2025, colour="yellow")
    supervision.rate_behaviour(
        actor=world.manager, enterprise=world.key, year=2025, colour="red", publish=True
    )
    rating = world.key.behaviour_ratings.get()
    assert rating.colour == "red" and rating.is_public
    assert AuditEntry.objects.filter(action="enforcement.behaviourrating.rerated").exists()


def test_key_sources_short_of_two_drills_are_flagged(world: Any) -> None:
    last_year = timezone.localdate().year - 1
    supervision.record_drill(
        actor=world.ent_user, enterprise=world.key, held_on=dt.date(last_year, 5, 1), scenario="泄漏处置"
    )
    lines = supervision.drill_report(world.manager, last_year)
    assert [(line.enterprise, line.held, line.status) for line in lines] == [(world.key, 1, "short")]
    supervision.record_drill(
        actor=world.officer, enterprise=world.key, held_on=dt.date(last_year, 11, 1), scenario="停电应急"
    )
    assert supervision.drill_report(world.manager, last_year)[0].status == "ok"
    with pytest.raises(PermissionDenied):
        supervision.record_drill(
            actor=world.ent_user,
            enterprise=world.general[0],
            held_on=dt.date(last_year, 5, 1),
            scenario="代别人登记",
        )


def test_enforcement_rows_on_the_enterprise_history_and_page(world: Any) -> None:
    task = plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="检查",
        due_date=timezone.localdate(),
        owner=world.officer,
        enterprise=world.key,
    )
    record = inspections.start_inspection(task, actor=world.officer)
    checklist = {i: {"result": "compliant"} for i in CHECKLIST}
    checklist["discharge"] = {"result": "non_compliant"}
    inspections.add_finding(
        record,
        actor=world.officer,
        category="discharge",
        description="超标",
        is_violation=True,
        legal_basis="《水污染防治法》",
    )
    inspections.save_record(record, actor=world.officer, checklist=checklist)
    inspections.submit_inspection(record, actor=world.officer)
    case = cases.register_case(
        actor=world.officer, title="案", grid=world.tree.town_a1, handler=world.officer, enterprise=world.key
    )
    cases.decide_case(case, actor=world.manager, open_case=True, note="立案")
    cases.decide_measure(
        actor=world.manager, kind="seal", enterprise=world.key, officer=world.officer, case=case
    )
    from decimal import Decimal

    cases.decide_measure(
        actor=world.manager,
        kind="fine",
        enterprise=world.key,
        officer=world.officer,
        case=case,
        amount=Decimal("30000.00"),
    )
    result = compliance_history(world.key)
    rows = {r.key: r for r in result.rows}
    assert rows["inspections"].cells[-1].amount == 1
    assert rows["violations"].cells[-1].items == ["超标"]
    assert rows["serious_measures"].cells[-1].amount == 1
    assert rows["penalties"].total == Decimal("30000.00")
    assert result.status[-1] == "S"
    titles = [s.title for s in sections_for(world.key, world.ent_user)]
    assert {"整改任务", "执法措施", "现场检查", "环境监管与应急管理"} <= set(titles)
