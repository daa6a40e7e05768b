"""Bulletins and officer assessment computed from records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from epb.enforcement import reports
from epb.enforcement.rules import CHECKLIST
from epb.enforcement.services import cases, inspections, plans
from epb.lib.documents import Table, to_dict, to_docx, to_xlsx
from epb.lib.timeutil import BEIJING
from epb.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 15)


def _inspect(world: Any, enterprise: Any, *, compliant: bool, at: dt.datetime, assessed: bool = True) -> Any:
    task = plans.create_task(
        actor=world.manager,
        grid=enterprise.grid,
        title="检查",
        due_date=at.date(),
        owner=world.officer,
        enterprise=enterprise,
    )
    record = inspections.start_inspection(task, actor=world.officer)
    checklist = {item: {"result": "compliant"} for item in CHECKLIST}
    if not assessed:
        checklist["discharge"] = {"result": "not_applicable"}
    elif not compliant:
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
    record.started_at = at
    return inspections.submit_inspection(record, actor=world.officer, at=at)


@pytest.mark.parametrize(
    ("kind", "first", "last"),
    [
        ("week", dt.date(2026, 5, 11), dt.date(2026, 5, 17)),
        ("month", dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
        ("quarter", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        ("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_periods(kind: str, first: dt.date, last: dt.date) -> None:
    period = reports.period_of(kind, MAY)
    assert (period.first_day, period.last_day) == (first, last) and period.label


def test_compliance_rate_per_grid(world: Any) -> None:
    may = dt.datetime(2026, 5, 10, 10, tzinfo=BEIJING)
    a, b, c, d = world.general[:4]
    _inspect(world, world.key, compliant=False, at=may)
    _inspect(world, world.key, compliant=True, at=may + dt.timedelta(days=5))  # still non-compliant for May
    _inspect(world, a, compliant=True, at=may)
    _inspect(world, b, compliant=True, at=may)
    _inspect(world, c, compliant=True, at=may, assessed=False)  # inspected, discharge not assessed
    _inspect(world, d, compliant=False, at=dt.datetime(2026, 4, 30, 23, 0, tzinfo=BEIJING))  # April
    shop = make_enterprise(world.tree.town_a1, industry_code="5211")  # retail: not an industrial source
    _inspect(world, shop, compliant=False, at=may)
    rows = {r.unit.pk: r for r in reports.grid_rows(world.manager, reports.period_of("month", MAY))}
    tea = rows[world.tree.town_a1.pk]
    assert tea.sources == 6  # the key source and five general ones; the shop is not industrial
    assert len(tea.inspected) == 4 and tea.coverage == Decimal("0.6667")
    assert (tea.compliance.compliant_count, tea.compliance.inspected_count) == (2, 3)
    assert tea.rate == Decimal("0.6667") and tea.compliance.below()
    assert tea.inspections == 6 and tea.violations == 2  # the shop's record counts as an inspection
    assert rows[world.tree.town_a2.pk].rate is None
    april = {
        r.unit.pk: r
        for r in reports.grid_rows(world.manager, reports.period_of("month", dt.date(2026, 4, 1)))
    }
    assert april[world.tree.town_a1.pk].rate == Decimal(0)


def test_the_bulletin_lists_grids_below_target_and_measures(world: Any) -> None:
    may = dt.datetime(2026, 5, 10, 10, tzinfo=BEIJING)
    _inspect(world, world.key, compliant=False, at=may)
    cases.decide_measure(
        actor=world.manager,
        kind="warning",
        enterprise=world.key,
        officer=world.officer,
        decided_on=dt.date(2026, 5, 12),
    )
    cases.decide_measure(
        actor=world.manager,
        kind="trees",
        enterprise=world.key,
        officer=world.officer,
        trees=10,
        decided_on=dt.date(2026, 5, 12),
    )  # a remedy, not counted among measures
    doc = reports.bulletin(world.manager, reports.period_of("month", MAY), organization="天宁区环保局")
    data = to_dict(doc)
    tables = [b for b in data["blocks"] if b["type"] == "table"]
    below = next(t for t in tables if t["caption"] == "低于目标的网格")
    assert [row[1] for row in below["rows"]] == ["茶山街道"]
    grid_table = next(b for b in doc.blocks if isinstance(b, Table) and b.caption == "各网格工业污染源达标率")
    tea = next(r for r in grid_table.rows if r[1] == "茶山街道")
    assert tea[7] == Decimal(0) and tea[11] == "低于目标"
    measures = next(t for t in tables if t["caption"].startswith("执法措施"))
    assert measures["rows"] == [["警告", "1"]]
    assert to_docx(doc)[:2] == b"PK" and to_xlsx(doc)[:2] == b"PK"


def test_a_district_bulletin_covers_only_its_grids(world: Any, other_district_officer: Any) -> None:
    rows = reports.grid_rows(other_district_officer, reports.period_of("month", MAY))
    assert {r.unit.name for r in rows} == {"湖塘镇"}


def test_officer_scores_follow_their_tasks(world: Any) -> None:
    today = dt.date(2026, 6, 10)
    may = dt.datetime(2026, 5, 10, 10, tzinfo=BEIJING)
    _inspect(world, world.key, compliant=True, at=may)  # due and done on 10 May
    plans.create_task(
        actor=world.manager,
        grid=world.tree.town_a1,
        title="逾期",
        due_date=dt.date(2026, 5, 20),
        owner=world.officer2,
    )
    lines = {
        line.officer.pk: line.score
        for line in reports.officer_lines(world.manager, reports.period_of("month", MAY), today)
    }
    assert lines[world.officer.pk].on_time == 1 and lines[world.officer.pk].score is not None
    assert lines[world.officer2.pk].open_overdue == 1 and lines[world.officer2.pk].score == Decimal("0.0")
    doc = reports.assessment(world.manager, reports.period_of("month", MAY), today)
    assert to_xlsx(doc)[:2] == b"PK"
