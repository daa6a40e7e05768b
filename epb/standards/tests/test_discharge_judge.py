"""Exceedance judgement: boundaries, bases, flags, units, O2 conversion, special rows, evaluate_record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from epb.standards import discharge as d
from epb.standards import discharge_judge as j
from epb.standards.discharge_judge import ValueRecord as R

ON = dt.date(2026, 5, 1)


def limit(std: str, cls: str, item: str, **kw: Any) -> d.Limit:
    return d.limits_for(std, cls, ON, **kw)[item]


# (standard, class, record, context, status, multiple)
CASES: list[tuple[str, str, R, dict[str, Any], str, float | None]] = [
    ("GB18918", "1A", R("w01018", 50.0, "daily_mean"), {}, "approaching", None),  # equal: complies
    ("GB18918", "1A", R("w01018", 50.0 + 1e-12, "daily_mean"), {}, "approaching", None),  # float noise
    ("GB18918", "1A", R("w01018", 50.01, "daily_mean"), {}, "exceeded", 0.0002),
    ("GB18918", "1A", R("w01018", 75.0, "daily_mean"), {}, "exceeded", 0.5),
    ("GB18918", "1A", R("w01018", 150.0, "daily_mean"), {}, "exceeded", 2.0),
    ("GB18918", "1A", R("w01018", 45.0, "daily_mean"), {}, "approaching", None),  # 90 %
    ("GB18918", "1A", R("w01018", 44.9, "daily_mean"), {}, "compliant", None),
    ("GB18918", "1A", R("011", 60.0, "daily_mean"), {}, "exceeded", 0.2),  # 2005 code
    ("GB18918", "1A", R("w01001", 5.99, "reading"), {}, "exceeded", None),
    ("GB18918", "1A", R("w01001", 6.0, "reading"), {}, "compliant", None),
    ("GB18918", "1A", R("w01001", 9.0, "reading"), {}, "compliant", None),
    ("GB18918", "1A", R("w01001", 9.01, "reading"), {}, "exceeded", None),
    ("GB18918", "1A", R("w01001", 9.5, "hourly_mean"), {}, "exceeded", None),  # an analyzer's hour value
    ("GB18918", "1A", R("w01001", 9.5, "daily_mean"), {}, "not_judged", None),  # pH is not a daily mean
    ("GB18918", "1A", R("w21003", 7.9, "daily_mean"), {"water_temp_c": 12.0}, "approaching", None),
    ("GB18918", "1A", R("w21003", 8.1, "daily_mean"), {"water_temp_c": 12.0}, "exceeded", 0.0125),
    ("GB18918", "1A", R("w21003", 5.5, "daily_mean"), {"water_temp_c": 12.1}, "exceeded", 0.1),
    ("GB18918", "1A", R("w21003", 5.5, "daily_mean"), {}, "exceeded", 0.1),  # temperature unknown: 5
    ("GB18918", "1A", R("w01018", 80.0, "daily_mean", substituted=True), {}, "not_judged", None),
    ("GB18918", "1A", R("w01018", 80.0, "daily_mean", marked=True), {}, "not_judged", None),
    ("GB18918", "1A", R("w01018", 80.0, "daily_mean", valid=False), {}, "not_judged", None),
    ("GB18918", "1A", R("w01018", 80.0, "daily_mean", flag="D"), {}, "not_judged", None),
    ("GB18918", "1A", R("w01018", 80.0, "daily_mean", flag="S"), {}, "not_judged", None),
    ("GB18918", "1A", R("w01018", 80.0, "daily_mean", flag="N"), {}, "exceeded", 0.6),
    ("GB18918", "1A", R("w01018", 80.0, "hourly_mean"), {}, "exceeded", 0.6),  # provisional
    ("GB18918", "1A", R("w01018", 80.0, "running_daily_mean"), {}, "exceeded", 0.6),  # provisional
    ("GB18918", "1A", R("w99999", 80.0, "daily_mean"), {}, "no_limit", None),
    ("GB21900", "T2", R("w20111", 12.0, "daily_mean"), {}, "exceeded", 0.2),  # 12 µg/L = 0.012 mg/L
    ("GB21900", "T2", R("w20111", 0.005, "daily_mean", unit="mg/L"), {}, "compliant", None),
    ("GB21900", "T2", R("w20111", 0.005, "daily_mean", unit="mg/m3"), {}, "not_judged", None),
    (
        "GB13223",
        "T1-coal",
        R("a21026", 150.0, "hourly_mean", o2_measured_pct=9.0),
        {"source_age": "existing", "region": "江苏"},
        "approaching",
        None,
    ),
    (
        "GB13223",
        "T1-coal",
        R("a21026", 150.0, "hourly_mean", o2_measured_pct=12.0),
        {"source_age": "existing", "region": "江苏"},
        "exceeded",
        0.25,
    ),
    (
        "GB13223",
        "T1-coal",
        R("a21026", 210.0, "hourly_mean", o2_converted_at=6.0),
        {"source_age": "existing", "region": "江苏"},
        "exceeded",
        0.05,
    ),
    (
        "GB13223",
        "T1-coal",
        R("a21026", 150.0, "hourly_mean", o2_converted_at=9.0),
        {"source_age": "existing", "region": "江苏"},
        "approaching",
        None,
    ),
    ("GB13223", "T1-coal", R("a21026", 150.0, "hourly_mean"), {"source_age": "existing"}, "not_judged", None),
    ("GB13223", "T1-coal", R("a21026", 150.0, "hourly_mean", o2_measured_pct=19.5), {}, "not_judged", None),
    ("GB13223", "T1-coal", R("a21026", 150.0, "daily_mean", o2_converted_at=6.0), {}, "not_judged", None),
    (
        "GB13223",
        "T1-coal",
        R("a21026", 150.0, "reading", o2_converted_at=6.0),
        {},
        "exceeded",
        0.5,
    ),  # provisional
    ("GB13223", "T1-coal", R("a01010", 2.0, "reading"), {}, "exceeded", 1.0),
    ("GB4287", "T2-direct", R("anilines", 0.02, "daily_mean", detection_limit=0.03), {}, "compliant", None),
    ("GB4287", "T2-direct", R("anilines", 0.05, "daily_mean", detection_limit=0.03), {}, "exceeded", None),
    ("GB4287", "T2-direct", R("anilines", 0.0, "daily_mean"), {}, "compliant", None),
    ("GB4287", "T2-direct", R("anilines", 0.01, "daily_mean"), {}, "exceeded", None),
    ("GB18918", "3", R("w01018", 150.0, "daily_mean"), {"influent_w01018": 400}, "compliant", None),  # 62.5 %
    (
        "GB18918",
        "3",
        R("w01018", 160.0, "daily_mean"),
        {"influent_w01018": 400},
        "exceeded",
        None,
    ),  # 60 %: not >
    ("GB18918", "3", R("w01018", 130.0, "daily_mean"), {"influent_w01018": 300}, "exceeded", 1 / 12),
    ("GB18918", "3", R("w01018", 130.0, "daily_mean"), {}, "exceeded", 1 / 12),
]


@pytest.mark.parametrize(("std", "cls", "rec", "ctx", "status", "multiple"), CASES)
def test_assess(std: str, cls: str, rec: R, ctx: dict[str, Any], status: str, multiple: float | None) -> None:
    limits = d.limits_for(std, cls, ON)
    a = j.assess(rec, limits.get(rec.item if rec.item != "011" else "w01018"), ctx)
    assert a.status == status, a.reasons
    exc = j.judge(rec, limits.get(a.item), ctx)
    assert (exc is not None) == (status == "exceeded")
    if exc is not None:
        assert exc.multiple == (pytest.approx(multiple) if multiple is not None else None)
        assert exc.provisional == (rec.basis != exc.row.basis and exc.row.basis != "reading")
    if status == "not_judged":
        assert a.reasons


@pytest.mark.parametrize(
    ("value", "direction", "excess"),
    [(5.5, "below", 0.5), (9.4, "above", 0.4)],
)
def test_ph_is_a_range(value: float, direction: str, excess: float) -> None:
    exc = j.judge(R("w01001", value, "reading"), limit("GB18918", "1A", "w01001"))
    assert exc is not None
    assert (exc.direction, exc.limit_min, exc.limit_max) == (direction, 6, 9)
    assert exc.excess == pytest.approx(excess)
    assert exc.multiple is None and exc.ratio is None


def test_exceedance_names_its_source_and_assumptions() -> None:
    start = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    exc = j.judge(R("w21003", 6.0, "daily_mean", start=start), limit("GB18918", "1A", "w21003"), {})
    assert exc is not None
    assert (exc.row.standard, exc.row.class_id, exc.row.confidence) == ("GB 18918-2002", "1A", "high")
    assert exc.assumed == ("water_temp_c",)
    assert exc.ratio == pytest.approx(1.2)
    assert exc.start == start
    out = exc.to_dict()
    assert out["limit"]["standard"] == "GB 18918-2002" and out["assumed"] == ["water_temp_c"]


def test_gas_value_is_compared_converted() -> None:
    a = j.assess(
        R("a21026", 150.0, "hourly_mean", o2_measured_pct=12.0),
        limit("GB13223", "T1-coal", "a21026"),
        {"source_age": "existing", "region": "江苏"},
    )
    assert a.value == pytest.approx(250.0)
    assert a.exceedance is not None and a.exceedance.value == pytest.approx(250.0)


def test_removal_rule_reports_percent() -> None:
    a = j.assess(R("w01018", 160.0, "daily_mean"), limit("GB18918", "3", "w01018"), {"influent_w01018": 400})
    assert a.exceedance is not None
    assert (a.exceedance.value, a.exceedance.unit, a.exceedance.direction) == (
        pytest.approx(60.0),
        "%",
        "below",
    )


def test_provisional_on_a_finer_basis() -> None:
    a = j.assess(R("w01018", 80.0, "hourly_mean"), limit("GB18918", "1A", "w01018"))
    assert a.provisional and a.exceedance is not None and a.exceedance.provisional
    b = j.assess(R("w01018", 80.0, "daily_mean"), limit("GB18918", "1A", "w01018"))
    assert not b.provisional


def test_over_range_flag_is_not_judged_but_explained() -> None:
    a = j.assess(R("w01018", 999.0, "daily_mean", flag="T"), limit("GB18918", "1A", "w01018"))
    assert a.status == "not_judged"
    assert "instrument range" in a.reasons[0]


def test_undetected_without_detection_limit_is_flagged_assumed() -> None:
    a = j.assess(R("anilines", 0.01, "daily_mean"), limit("GB4287", "T2-direct", "anilines"))
    assert a.assumed == ("detection_limit",)


def test_settings() -> None:
    lim = limit("GB18918", "1A", "w01018")
    assert (
        j.assess(R("w01018", 45.0, "daily_mean"), lim, settings=j.JudgeSettings(prealarm_ratio=None)).status
        == "compliant"
    )
    assert (
        j.assess(R("w01018", 40.0, "daily_mean"), lim, settings=j.JudgeSettings(prealarm_ratio=0.8)).status
        == "approaching"
    )
    gas = limit("GB13223", "T1-coal", "a21026")
    rec = R("a21026", 150.0, "hourly_mean", o2_measured_pct=19.5)
    assert j.assess(rec, gas, {"source_age": "new"}, j.JudgeSettings(o2_cap_pct=20.0)).status == "exceeded"


def test_override_is_judged_and_cited() -> None:
    limits = d.limits_for(
        "GB18918", "1A", ON, overrides=[d.LimitOverride("w01018", max=30, reference="许可证 91320400")]
    )
    exc = j.judge(R("w01018", 35.0, "daily_mean"), limits["w01018"])
    assert exc is not None
    assert (exc.row.standard, exc.row.reference, exc.limit_max) == ("override", "许可证 91320400", 30)


def test_judge_values_uses_each_limits_own_basis() -> None:
    limits = d.limits_for("GB18918", "1A", ON)
    out = j.judge_values(limits, {"w01018": 60, "w01001": 9.5, "060": 4.0}, {"water_temp_c": 20})
    assert {k: a.status for k, a in out.items()} == {
        "w01018": "exceeded",
        "w01001": "exceeded",
        "w21003": "compliant",
    }
    assert not any(a.provisional for a in out.values())


def test_evaluate_record_from_the_issue() -> None:
    line = {"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": 45}}
    out = j.evaluate_record(line)
    assert (out["standard"], out["class"], out["date"]) == ("GB 18918-2002", "1A", "2026-05-01")
    assert out["exceedances"] == []
    assert out["results"]["w01018"]["status"] == "approaching"
    high = j.evaluate_record({**line, "values": {"w01018": Decimal("60"), "w21003": Decimal("6.5")}})
    assert [e["item"] for e in high["exceedances"]] == ["w01018", "w21003"]
    assert high["exceedances"][0]["multiple"] == pytest.approx(0.2)
    assert high["results"]["w21003"]["assumed"] == ["water_temp_c"]


def test_evaluate_record_with_context_also_and_overrides() -> None:
    out = j.evaluate_record(
        {
            "standard": "GB18918",
            "class": "1A",
            "date": "2026-05-01",
            "values": {"w21003": 4.5, "w01018": {"value": 35, "basis": "daily_mean"}},
            "context": {"water_temp_c": Decimal("14.2")},
            "also": [{"standard": "DB32/1072", "class": "T2"}],
            "overrides": [{"item": "w01018", "max": 30, "from": "2026-01-01", "reference": "permit"}],
        }
    )
    assert out["results"]["w21003"]["limit"]["max"] == 4
    assert out["results"]["w21003"]["status"] == "exceeded"
    assert out["results"]["w01018"]["limit"]["standard"] == "override"


def test_evaluate_record_gas() -> None:
    out = j.evaluate_record(
        {
            "standard": "GB13223",
            "class": "T1-coal",
            "date": "2026-05-01",
            "source_age": "existing",
            "context": {"source_age": "existing", "region": "江苏"},
            "values": {"a21026": {"value": 150, "basis": "hourly_mean", "o2_measured_pct": 12}},
        }
    )
    assert out["results"]["a21026"]["value"] == pytest.approx(250.0)
    assert out["exceedances"][0]["limit"]["reference_o2_pct"] == 6


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"standard": "GB18918", "class": "1A", "date": "2026-05-01"}, "values"),
        ({"standard": "GB18918", "date": "2026-05-01", "values": {"w01018": 1}}, "class"),
        ({"standard": "GB18918", "class": "1A", "date": "May", "values": {"w01018": 1}}, "isoformat"),
        (
            {
                "standard": "GB18918",
                "class": "1A",
                "date": "2026-05-01",
                "values": {"w01018": 1},
                "colour": 1,
            },
            "colour",
        ),
        ({"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"zz": 1}}, "unknown factor"),
        ({"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": -1}}, "negative"),
        (
            {"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": "high"}},
            "number",
        ),
        ({"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": True}}, "number"),
        (
            {"standard": "GB18918", "class": "1A", "date": "2026-05-01", "values": {"w01018": {"value": 1}}},
            "basis",
        ),
        (
            {"standard": "GB4287", "class": "T1-direct", "date": "2026-05-01", "values": {"w01018": 1}},
            "not in force",
        ),
    ],
)
def test_evaluate_record_rejects_bad_lines(line: dict[str, Any], message: str) -> None:
    with pytest.raises((ValueError, KeyError)) as info:
        j.evaluate_record(line)
    assert message in str(info.value)
