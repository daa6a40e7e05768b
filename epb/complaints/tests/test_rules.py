"""Table tests of the centre's pure rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from epb.complaints import rules
from epb.complaints.rules import CaseFacts, CaseRef, PeriodThresholds, Rule, Viewer
from epb.complaints.services.intake import check_id_number

# -- actions per status -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "allowed"),
    [
        ("received", "accept", True),
        ("received", "decline", True),
        ("received", "transfer", True),
        ("received", "reply", False),
        ("accepted", "reply", True),
        ("accepted", "accept", False),
        ("accepted", "extension_request", True),
        ("reply_pending", "sign", True),
        ("reply_pending", "reply", False),
        ("replied", "callback", True),
        ("replied", "review_request", True),
        ("replied", "accept", False),
        ("review", "review_decide", True),
        ("declined", "accept", False),
        ("transferred", "reply", False),
        ("merged", "callback", True),
        ("merged", "accept", False),
        ("unknown", "note", False),
    ],
)
def test_actions_by_status(status: str, action: str, allowed: bool) -> None:
    assert (action in rules.allowed_actions(status)) is allowed
    if not allowed:
        with pytest.raises(rules.ActionNotAllowed):
            rules.check_action(status, action)


# -- contact visibility -------------------------------------------------------------------------

CASE = CaseRef(handler_id=7, grid_path="/1/2/5/", leader_ids=frozenset({9}))


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (Viewer(1, "leadership"), True),
        (Viewer(1, "public", is_superuser=True), True),
        (Viewer(7, "grid_officer", org_path="/1/3/8/"), True),  # the assigned handler, wherever they sit
        (Viewer(9, "leadership"), True),  # the leader who took the case
        (Viewer(2, "district_staff", org_path="/1/2/"), True),  # the case's district
        (Viewer(3, "grid_officer", org_path="/1/2/5/"), True),  # the case's grid
        (Viewer(4, "grid_officer", org_path="/1/2/6/"), False),  # a neighbouring grid
        (Viewer(5, "district_staff", org_path="/1/3/"), False),  # another district
        (Viewer(6, "dept_staff", org_path="/1/", org_is_city=True), False),  # another city division
        (Viewer(6, "dept_staff", org_path="", department_code="inspection"), False),
        (Viewer(8, "dept_staff", department_code="petition"), True),  # the 12369 centre
        (Viewer(10, "enterprise"), False),
        (Viewer(11, "public"), False),
        (Viewer(1, "leadership", is_active=False), False),
        (Viewer(None, "public"), False),
    ],
)
def test_who_sees_contact(viewer: Viewer, sees: bool) -> None:
    assert rules.may_see_contact(viewer, CASE, ["petition"]) is sees


def test_a_case_in_triage_is_seen_only_by_the_centre_and_leaders() -> None:
    case = CaseRef(handler_id=None, grid_path="")
    assert not rules.may_see_contact(Viewer(2, "district_staff", org_path="/1/2/"), case, ["petition"])
    assert rules.may_see_contact(Viewer(8, "dept_staff", department_code="petition"), case, ["petition"])


# -- routing ------------------------------------------------------------------------------------

KNOWN = ["inspection", "petition", "approval"]


@pytest.mark.parametrize(
    ("unit", "sub", "top", "kind", "department", "agency", "triage"),
    [
        ("town", None, Rule("inspection"), "complaint", "inspection", "", False),
        ("town", Rule("approval"), Rule("inspection"), "complaint", "approval", "", False),  # sub-type wins
        ("district", None, Rule("inspection"), "complaint", "inspection", "", False),
        (None, None, Rule("inspection"), "complaint", "inspection", "", True),  # no location
        ("city", None, Rule("inspection"), "complaint", "inspection", "", True),
        ("town", Rule(agency_code="chengguan"), Rule("inspection"), "complaint", "", "chengguan", True),
        ("town", None, None, "complaint", "", "", True),  # no rule
        ("town", None, Rule("nonexistent"), "complaint", "", "", True),
        ("town", None, None, "consultation", "petition", "", False),
        (None, None, None, "consultation", "petition", "", False),  # a consultation needs no place
    ],
)
def test_routing(
    unit: str | None,
    sub: Rule | None,
    top: Rule | None,
    kind: str,
    department: str,
    agency: str,
    triage: bool,
) -> None:
    decision = rules.decide_route(
        unit_level=unit,
        sub_rule=sub,
        type_rule=top,
        kind=kind,
        consultation_department="petition",
        known_departments=KNOWN,
    )
    assert decision.department_code == department
    assert decision.agency_code == agency
    assert decision.needs_triage is triage


# -- escalation ---------------------------------------------------------------------------------

PERIOD = PeriodThresholds("两会", severity=2, urgency=2)


@pytest.mark.parametrize(
    ("mass", "sudden", "severity", "urgency", "periods", "count"),
    [
        (False, False, 1, 1, [], 0),
        (True, False, 1, 1, [], 1),
        (False, True, 1, 1, [], 1),
        (True, True, 1, 1, [], 2),
        (False, False, 3, 3, [], 0),  # serious, but no sensitive period
        (False, False, 2, 1, [PERIOD], 1),
        (False, False, 1, 2, [PERIOD], 1),
        (False, False, 1, 1, [PERIOD], 0),
    ],
)
def test_escalation(mass: bool, sudden: bool, severity: int, urgency: int, periods: list, count: int) -> None:
    reasons = rules.escalation_reasons(
        is_mass=mass, is_sudden=sudden, severity=severity, urgency=urgency, periods=periods
    )
    assert len(reasons) == count


# -- rates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, None), (1, 3, Decimal("0.3333")), (2, 3, Decimal("0.6667")), (5, 5, Decimal("1.0000"))],
)
def test_ratio(part: int, whole: int, expected: Decimal | None) -> None:
    assert rules.ratio(part, whole) == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(12, 10, Decimal("0.2000")), (8, 10, Decimal("-0.2000")), (5, 0, None), (10, 10, Decimal("0"))],
)
def test_change(current: int, previous: int, expected: Decimal | None) -> None:
    assert rules.change(current, previous) == expected


def test_callback_and_satisfaction_rates() -> None:
    figures = rules.callback_figures(
        [(True, "satisfied"), (True, "basic"), (True, "unsatisfied"), (False, None), (True, "satisfied")]
    )
    assert (figures.owed, figures.done) == (5, 4)
    assert figures.callback_rate == Decimal("0.8000")
    assert figures.satisfaction_rate == Decimal("0.7500")  # (2 + 1) / 4 rated
    assert rules.callback_figures([]).callback_rate is None


# -- repeats ------------------------------------------------------------------------------------

NEW = CaseFacts(phone="13812345678", enterprise_id=3, top_types=frozenset({"1"}), distance_m=0)


@pytest.mark.parametrize(
    ("old", "reasons"),
    [
        (CaseFacts("13812345678", None, frozenset({"2"}), None), 1),  # same person
        (CaseFacts("", 3, frozenset({"1"}), None), 1),  # same enterprise and type
        (CaseFacts("", 3, frozenset({"2"}), None), 0),  # same enterprise, other type
        (CaseFacts("", None, frozenset({"1"}), 120.0), 1),  # same type nearby
        (CaseFacts("", None, frozenset({"1"}), 800.0), 0),  # same type, far
        (CaseFacts("13812345678", 3, frozenset({"1"}), 10.0), 3),
    ],
)
def test_repeat_reasons(old: CaseFacts, reasons: int) -> None:
    assert len(rules.repeat_reasons(NEW, old, 300)) == reasons


# -- reviews ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "open_stage", "expected"),
    [
        ([], None, "review"),
        (["review"], None, "reexamination"),
        (["review", "reexamination"], None, None),
        ([], "review", None),
        (["review"], "reexamination", None),
    ],
)
def test_review_stages(decided: list[str], open_stage: str | None, expected: str | None) -> None:
    assert rules.next_review_stage(decided, open_stage) == expected


@pytest.mark.parametrize(
    ("status", "open311"),
    [
        ("received", "open"),
        ("accepted", "open"),
        ("reply_pending", "open"),
        ("review", "open"),
        ("replied", "closed"),
        ("declined", "closed"),
        ("transferred", "closed"),
        ("merged", "closed"),
    ],
)
def test_open311_status_mapping(status: str, open311: str) -> None:
    assert rules.open311_status(status) == open311


# -- redaction ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("我的电话13812345678，请回电", [], "我的电话[电话已隐去]，请回电"),
        ("电话 138-1234-5678", [], "电话 [电话已隐去]"),
        ("座机0519-86661234", [], "座机[电话已隐去]"),
        ("身份证32040219800101123X", [], "身份证[身份证号已隐去]"),
        ("邮箱 liu@example.com", [], "邮箱 [邮箱已隐去]"),
        ("我是刘建国，住在附近", ["刘建国"], "我是刘**，住在附近"),
        ("工厂排放2024年的数据", [], "工厂排放2024年的数据"),
        ("单字名不隐去：王", ["王"], "单字名不隐去：王"),
    ],
)
def test_redaction(text: str, names: list[str], expected: str) -> None:
    assert rules.redact(text, names) == expected


@pytest.mark.parametrize(("name", "masked"), [("刘建国", "刘**"), ("王五", "王*"), ("", "")])
def test_mask_name(name: str, masked: str) -> None:
    assert rules.mask_name(name) == masked


def test_templates() -> None:
    assert rules.template_fields("您于{received_date}反映的{type}问题") == ["received_date", "type"]
    assert rules.fill_template(
        "{number}：{findings}{unknown}", {"number": "2026-000001", "findings": "已整改"}
    ) == ("2026-000001：已整改{unknown}")
    with pytest.raises(ValueError):
        rules.template_fields("未闭合{number")


def test_reception_dates_are_every_tuesday() -> None:
    dates = rules.reception_dates(dt.date(2026, 2, 1), dt.date(2026, 2, 28), 1)
    assert dates == [dt.date(2026, 2, 3), dt.date(2026, 2, 10), dt.date(2026, 2, 17), dt.date(2026, 2, 24)]
    with pytest.raises(ValueError):
        rules.reception_dates(dt.date(2026, 2, 1), dt.date(2026, 2, 28), 7)


@pytest.mark.parametrize(
    ("number", "valid"),
    [("11010519491231002X", True), ("110105194912310021", False), ("1101051949123100", False), ("", False)],
)
def test_id_numbers(number: str, valid: bool) -> None:
    assert check_id_number(number) is valid
