"""The pure rules, as tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from epb.enforcement import rules
from epb.enforcement.rules import CoverageRule, DischargeCheck, TaskFacts
from epb.lib.workdays import Basis


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        (0, []),
        (1, [dt.date(2026, 12, 31)]),
        (2, [dt.date(2026, 6, 30), dt.date(2026, 12, 31)]),
        (4, [dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31)]),
        (3, [dt.date(2026, 4, 30), dt.date(2026, 8, 31), dt.date(2026, 12, 31)]),
    ],
)
def test_period_ends_spread_visits_over_the_year(visits: int, expected: list[dt.date]) -> None:
    assert rules.period_ends(2026, visits) == expected


def test_period_ends_monthly_ends_every_month_including_february() -> None:
    ends = rules.period_ends(2028, 12)
    assert ends[1] == dt.date(2028, 2, 29)
    assert len(ends) == 12 and ends[-1] == dt.date(2028, 12, 31)


def _draw(seed: str = "abc", **kw: Any) -> rules.Draw:
    args: dict[str, Any] = {
        "seed": seed,
        "year": 2026,
        "rule": CoverageRule(),
        "key_ids": [1, 2],
        "general_ids": list(range(10, 30)),
        "special_ids": [30],
        "officer_ids": [100, 101, 102, 103],
        "grid_officer_ids": [100],
    }
    args.update(kw)
    return rules.draw_plan(**args)


def test_draw_covers_key_sources_specials_and_a_share_of_general_sources() -> None:
    draw = _draw()
    key_tasks = [t for t in draw.tasks if t.kind == "key"]
    assert len(key_tasks) == 2 * 4  # every key source, four times a year
    assert {t.enterprise_id for t in key_tasks} == {1, 2}
    assert [t.enterprise_id for t in draw.tasks if t.kind == "special"] == [30]
    assert len(draw.drawn_general_ids) == 4  # ceil(20 % of 20)
    assert set(draw.drawn_general_ids) <= set(range(10, 30))
    assert all(t.owner_id == 100 for t in key_tasks)  # the grid's own officer answers for key sources
    for task in draw.tasks:
        assert len(task.co_officer_ids) == 1 and task.owner_id not in task.co_officer_ids


def test_the_same_seed_gives_the_same_plan_whatever_the_input_order() -> None:
    a = _draw("seed-1")
    b = _draw("seed-1", general_ids=list(reversed(range(10, 30))), officer_ids=[103, 102, 101, 100])
    assert a.to_json() == b.to_json()
    assert rules.redraw(a.to_json()).to_json() == a.to_json()


def test_another_seed_gives_another_draw() -> None:
    draws = {tuple(_draw(f"seed-{n}").drawn_general_ids) for n in range(8)}
    assert len(draws) > 1


def test_marks_go_to_the_configured_shares_of_tasks() -> None:
    draw = _draw(
        rule=CoverageRule(night_share=Decimal("0.5"), holiday_share=Decimal(0), surprise_share=Decimal(1))
    )
    assert len(draw.tasks) == 13
    assert sum(t.night for t in draw.tasks) == 7  # 6.5 rounds half up
    assert sum(t.holiday for t in draw.tasks) == 0
    assert all(t.surprise for t in draw.tasks)


def test_too_few_officers_is_a_draw_error() -> None:
    with pytest.raises(rules.DrawError):
        _draw(officer_ids=[100])
    with pytest.raises(rules.DrawError):
        _draw(officer_ids=[])
    assert _draw(key_ids=[], general_ids=[], special_ids=[], officer_ids=[]).tasks == ()


@pytest.mark.parametrize(
    "bad",
    [
        {"general_share": Decimal("1.5")},
        {"night_share": Decimal("-0.1")},
        {"key_visits_per_year": 13},
        {"officers_per_task": 0},
    ],
)
def test_coverage_rule_rejects_impossible_values(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CoverageRule(**bad)


def test_coverage_rule_round_trips_through_json() -> None:
    rule = CoverageRule(key_visits_per_year=12, general_share=Decimal("0.35"))
    assert CoverageRule.from_json(rule.to_json()) == rule


@pytest.mark.parametrize(
    ("hour", "minute", "night"),
    [
        (21, 59, False),
        (22, 0, True),
        (23, 30, True),
        (0, 0, True),
        (5, 59, True),
        (6, 0, False),
        (12, 0, False),
    ],
)
def test_night_is_22_to_6(hour: int, minute: int, night: bool) -> None:
    assert rules.is_night(dt.time(hour, minute)) is night


def test_night_hours_within_a_day_work_too() -> None:
    assert rules.is_night(dt.time(1, 0), (0, 5)) and not rules.is_night(dt.time(5, 0), (0, 5))


@pytest.mark.parametrize(
    ("served", "reinspected", "days"),
    [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 2), 1),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31), 30),
        (dt.date(2026, 2, 27), dt.date(2026, 3, 1), 2),
    ],
)
def test_daily_fine_days_run_from_the_day_after_service_to_the_reinspection(
    served: dt.date, reinspected: dt.date, days: int
) -> None:
    assert rules.daily_fine_days(served, reinspected) == days
    assert rules.daily_fine_amount(Decimal("20000"), served, reinspected) == Decimal(20000 * days)


@pytest.mark.parametrize("reinspected", [dt.date(2026, 3, 1), dt.date(2026, 2, 28)])
def test_daily_fine_needs_a_later_reinspection(reinspected: dt.date) -> None:
    with pytest.raises(ValueError):
        rules.daily_fine_days(dt.date(2026, 3, 1), reinspected)


@pytest.mark.parametrize(
    ("kind", "amount", "party", "right"),
    [
        ("fine", Decimal("49999.99"), "organisation", False),
        ("fine", Decimal("50000"), "organisation", True),
        ("fine", Decimal("5000"), "individual", True),
        ("fine", Decimal("4999"), "individual", False),
        ("stop", None, "organisation", True),
        ("revoke", None, "organisation", True),
        ("warning", None, "organisation", False),
        ("seal", None, "organisation", False),
    ],
)
def test_hearing_right(kind: str, amount: Decimal | None, party: str, right: bool) -> None:
    assert rules.hearing_right(kind, amount, party) is right


def test_every_measure_kind_has_a_rule_with_a_basis_and_known_clocks() -> None:
    from epb.enforcement.choices import MeasureKind
    from epb.enforcement.conf import clock_spec

    assert set(rules.MEASURE_RULES) == set(MeasureKind.values)
    for rule in rules.MEASURE_RULES.values():
        assert rule.legal_basis
        for name in rule.clocks:
            assert clock_spec(name).source
    assert {"限", "吊", "停", "封", "关", "抓"} == {r.verb for r in rules.MEASURE_RULES.values() if r.verb}


def test_rectification_clock_counts_calendar_days_to_the_deadline() -> None:
    spec = rules.rectification_spec(dt.date(2026, 5, 6), dt.date(2026, 5, 26))
    assert (spec.duration, spec.basis, spec.last_day_rule) == (20, Basis.CALENDAR, True)
    with pytest.raises(ValueError):
        rules.rectification_spec(dt.date(2026, 5, 6), dt.date(2026, 5, 6))


def test_compliance_by_grid_counts_enterprises_not_inspections() -> None:
    checks = [
        DischargeCheck(1, 10, True),
        DischargeCheck(1, 10, True),  # inspected twice, compliant both times: one compliant source
        DischargeCheck(2, 10, True),
        DischargeCheck(2, 10, False),  # non-compliant once in the period: not compliant
        DischargeCheck(3, 10, True),
        DischargeCheck(4, 10, True),
        DischargeCheck(5, 11, False),
    ]
    grids = rules.compliance_by_grid(checks)
    assert (grids[10].inspected_count, grids[10].compliant_count, grids[10].rate) == (4, 3, Decimal("0.7500"))
    assert grids[10].below() and grids[11].rate == Decimal(0)
    merged = rules.merge(grids.values())
    assert (merged.inspected_count, merged.compliant_count) == (5, 3)
    assert rules.GridCompliance().rate is None and not rules.GridCompliance().below()


@pytest.mark.parametrize(
    ("compliant", "inspected", "below"),
    [(4, 5, False), (79, 100, True), (80, 100, False), (0, 1, True)],
)
def test_target_is_eighty_percent(compliant: int, inspected: int, below: bool) -> None:
    grid = rules.compliance_by_grid([DischargeCheck(n, 1, n < compliant) for n in range(inspected)])[1]
    assert grid.below() is below


DUE = dt.date(2026, 5, 31)


def full(due: dt.date, done: dt.date | None) -> TaskFacts:
    return TaskFacts(
        due, done, checklist_assessed=5, photos=2, has_location=True, preparation_done=6, preparation_total=6
    )


@pytest.mark.parametrize(
    ("facts", "value"),
    [
        (full(DUE, DUE), Decimal("1")),
        (TaskFacts(DUE, DUE, checklist_assessed=5, preparation_total=6), Decimal("0.4")),
        (TaskFacts(DUE, DUE, checklist_assessed=5, photos=1, preparation_total=0), Decimal("0.8")),
        (
            TaskFacts(
                DUE, DUE, checklist_assessed=0, has_location=True, preparation_done=3, preparation_total=6
            ),
            Decimal("0.3"),
        ),
    ],
)
def test_completeness(facts: TaskFacts, value: Decimal) -> None:
    assert rules.completeness(facts) == value


def test_officer_score_rewards_timely_complete_work_and_penalises_open_overdue_tasks() -> None:
    today = dt.date(2026, 6, 10)
    perfect = rules.officer_score([full(DUE, DUE)], today)
    assert perfect.score == Decimal("100.0") and perfect.on_time == 1
    late = rules.officer_score([full(DUE, DUE + dt.timedelta(days=1))], today)
    assert late.score == Decimal("50.0") and late.late == 1
    mixed = rules.officer_score(
        [full(DUE, DUE), TaskFacts(DUE, None)],
        today,
    )
    # half on time (25) + full completeness of the done one (50) − one open overdue (5)
    assert mixed.score == Decimal("70.0") and mixed.open_overdue == 1
    not_due = rules.officer_score([TaskFacts(dt.date(2026, 7, 1), None)], today)
    assert not_due.score is None and not_due.due == 0
    floor = rules.officer_score([TaskFacts(DUE, None)] * 30, today)
    assert floor.score == Decimal("0.0")


@pytest.mark.parametrize(
    ("held", "today", "year", "status"),
    [
        (2, dt.date(2026, 3, 1), 2026, "ok"),
        (0, dt.date(2026, 3, 1), 2026, "pending"),  # nothing expected yet
        (0, dt.date(2026, 7, 1), 2026, "behind"),  # one expected by July
        (1, dt.date(2026, 7, 1), 2026, "pending"),
        (1, dt.date(2026, 12, 31), 2026, "pending"),
        (1, dt.date(2027, 1, 1), 2026, "short"),
        (0, dt.date(2027, 5, 1), 2026, "short"),
        (3, dt.date(2027, 1, 1), 2026, "ok"),
    ],
)
def test_drill_status(held: int, today: dt.date, year: int, status: str) -> None:
    assert rules.drill_status(held, today, year) == status


@pytest.mark.parametrize(
    ("kind", "amount", "needed"),
    [
        ("warning", None, False),
        ("order", None, False),
        ("trees", None, False),
        ("fine", Decimal("3000"), False),
        ("fine", Decimal("3000.01"), True),
        ("fine", None, True),
        ("seal", None, True),
        ("police", None, True),
        ("daily_fine", None, True),
    ],
)
def test_which_measures_need_an_opened_case(kind: str, amount: Decimal | None, needed: bool) -> None:
    assert rules.needs_case(kind, amount) is needed
