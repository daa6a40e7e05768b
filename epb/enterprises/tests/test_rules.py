"""Registry rules as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from epb.enterprises import rules
from epb.enterprises.choices import LicenceState

TODAY = dt.date(2026, 5, 6)


@pytest.mark.parametrize(
    ("status", "expires", "state"),
    [
        ("valid", None, LicenceState.VALID),
        ("valid", dt.date(2026, 12, 31), LicenceState.VALID),
        ("valid", TODAY + dt.timedelta(days=90), LicenceState.EXPIRING),
        ("valid", TODAY + dt.timedelta(days=91), LicenceState.VALID),
        ("valid", TODAY, LicenceState.EXPIRING),  # valid to the end of its last day
        ("valid", TODAY - dt.timedelta(days=1), LicenceState.EXPIRED),
        ("revoked", dt.date(2030, 1, 1), LicenceState.REVOKED),
        ("suspended", TODAY - dt.timedelta(days=400), LicenceState.SUSPENDED),
    ],
)
def test_licence_state(status: str, expires: dt.date | None, state: LicenceState) -> None:
    assert rules.licence_state(status, expires, TODAY, 90) == state


@pytest.mark.parametrize(
    ("days_left", "sent", "due"),
    [
        (120, [], None),
        (90, [], 90),
        (75, [90], None),
        (60, [90], 60),
        (20, [], 60),  # entered late: one warning, not a burst
        (20, [60], None),
        (-1, [], None),
    ],
)
def test_warning_due(days_left: int, sent: list[int], due: int | None) -> None:
    assert rules.warning_due(TODAY + dt.timedelta(days=days_left), TODAY, (90, 60), sent) == due


@pytest.mark.parametrize(
    ("code", "industrial"),
    [
        ("", True),
        ("0610", True),
        ("1713", True),
        ("4620", True),
        ("4690", True),
        ("0511", False),
        ("5211", False),
        ("X1", False),
    ],
)
def test_industrial_sources_are_sections_b_to_d(code: str, industrial: bool) -> None:
    assert rules.is_industrial(code) is industrial


@pytest.mark.parametrize(
    ("text", "codes", "unknown"),
    [
        ("涉铅、涉重金属", ["lead", "heavy_metal"], []),
        ("lead, dyeing；印染", ["lead", "dyeing"], []),
        ("电镀 化工 火箭", ["electroplating", "chemical"], ["火箭"]),
        ("", [], []),
    ],
)
def test_parse_flags(text: str, codes: list[str], unknown: list[str]) -> None:
    assert rules.parse_flags(text) == (codes, unknown)


@pytest.mark.parametrize(
    ("text", "code"),
    [("重点源", "key"), ("重点", "key"), ("一般源", "general"), ("general", "general"), ("其他", None)],
)
def test_parse_source_class(text: str, code: str | None) -> None:
    assert rules.parse_source_class(text) == code
