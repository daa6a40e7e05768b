"""The provider registry behind the enterprise page's quarterly compliance history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from epb.enterprises import history
from epb.lib.timeutil import BEIJING

ENTERPRISE: Any = SimpleNamespace(pk=1)  # providers here look at nothing but the bounds


def test_quarters_are_twelve_completed_plus_the_current_one() -> None:
    quarters = history.history_quarters(dt.date(2026, 5, 6))
    assert len(quarters) == 13
    assert [q.label for q in quarters[:2]] == ["2023Q2", "2023Q3"]
    assert quarters[-1].label == "2026Q2" and quarters[-1].current and not quarters[-2].current
    assert quarters[0].start == dt.datetime(2023, 4, 1, tzinfo=BEIJING)
    assert all(a.end == b.start for a, b in zip(quarters, quarters[1:], strict=False))


def test_bucketing_uses_beijing_quarters() -> None:
    # 31 March 23:30 in Beijing is still Q1 although it is 15:30 UTC
    late_march = dt.datetime(2026, 3, 31, 23, 30, tzinfo=BEIJING)
    assert history.count_by_quarter([late_march, dt.date(2026, 4, 1), None]) == {"2026Q1": 1, "2026Q2": 1}
    assert history.items_by_quarter([(late_march, "a")]) == {"2026Q1": ["a"]}
    assert history.sum_by_quarter([(late_march, Decimal(5)), (late_march, None)]) == {"2026Q1": Decimal(5)}


@pytest.fixture
def only(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Run with an empty registry, restored afterwards."""
    saved: dict[str, Any] = {}
    monkeypatch.setattr(history, "_PROVIDERS", saved)
    yield saved


def test_rows_status_strip_and_errors(only: dict[str, Any]) -> None:
    today = dt.date(2026, 5, 6)
    history.register_history_provider("checks", "检查", lambda e, s, en: {"2026Q1": 2}, order=1)
    history.register_history_provider(
        "violations", "违法", lambda e, s, en: {"2025Q4": ["超标"]}, status="violation"
    )
    history.register_history_provider("serious", "严重", lambda e, s, en: {"2026Q2": 1}, status="serious")
    history.register_history_provider(
        "money", "罚款", lambda e, s, en: {"2026Q2": Decimal("100.50")}, unit="元"
    )
    result = history.compliance_history(ENTERPRISE, today)
    assert [r.key for r in result.rows] == ["checks", "money", "serious", "violations"]
    assert result.status_string == "_" * 10 + "V_S"
    money = next(r for r in result.rows if r.key == "money")
    assert money.total == Decimal("100.50") and money.cells[-1].display == "100.50"
    violations = next(r for r in result.rows if r.key == "violations")
    assert violations.cells[-3].amount == 1 and violations.cells[-3].title == "超标"

    def broken(e: Any, s: Any, en: Any) -> dict[str, int]:
        raise RuntimeError("数据库不可用")

    history.register_history_provider("violations", "违法", broken, status="violation")
    result = history.compliance_history(ENTERPRISE, today)
    row = next(r for r in result.rows if r.key == "violations")
    assert row.error == "数据库不可用"
    assert result.status[-1] == "S" and result.status[0] == "U"


def test_bad_values_and_labels_are_reported_on_the_row(only: dict[str, Any]) -> None:
    history.register_history_provider("odd", "x", lambda e, s, en: {"1999Q1": 1})
    history.register_history_provider("text", "y", lambda e, s, en: {"2026Q2": "three"})
    rows = history.compliance_history(ENTERPRISE, dt.date(2026, 5, 6)).rows
    assert "1999Q1" in rows[0].error and "str" in rows[1].error
    with pytest.raises(ValueError):
        history.register_history_provider("z", "z", lambda e, s, en: {}, status="bad")  # type: ignore[arg-type]


def test_without_providers_feeding_the_strip_every_quarter_is_undetermined(only: dict[str, Any]) -> None:
    result = history.compliance_history(ENTERPRISE, dt.date(2026, 5, 6))
    assert result.status_string == "U" * 13


@pytest.mark.parametrize(
    ("data", "total"),
    [
        ({"2026Q1": 2, "2025Q3": 3}, 5),
        ({"2026Q2": ["a", "b"]}, 2),
        ({"2026Q2": Decimal("1.50"), "2026Q1": Decimal(2)}, Decimal("3.50")),
        ({}, 0),
        ({"2024Q1": 1}, None),  # before the window: the provider is wrong, no figure
        ({"2026Q2": "three"}, None),
    ],
)
def test_one_rows_total_asks_only_its_provider(
    only: dict[str, Any], data: dict[str, Any], total: Any
) -> None:
    asked: list[str] = []

    def provider(key: str, value: dict[str, Any]) -> Any:
        def fn(e: Any, s: Any, en: Any) -> dict[str, Any]:
            asked.append(key)
            return value

        return fn

    history.register_history_provider("complaints", "信访", provider("complaints", data))
    history.register_history_provider("checks", "检查", provider("checks", {"2026Q1": 9}))
    assert history.history_total("complaints", ENTERPRISE, dt.date(2026, 5, 6), completed=3) == total
    assert asked == ["complaints"]
    assert history.history_total("unknown", ENTERPRISE, dt.date(2026, 5, 6)) is None
