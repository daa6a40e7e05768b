"""Settings of the enforcement app: each with its default from ``rules`` and its source there.

Every figure the references mark uncertain ([R]) or that is a local choice ([L]) can be replaced
in settings without a code change (docs/enforcement.md, "Settings").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from epb.enforcement import rules
from epb.lib.workdays import STATUTORY_CLOCKS, Basis, ClockSpec


def coverage_default() -> rules.CoverageRule:
    """``EPB_ENFORCEMENT_COVERAGE``: a dict of CoverageRule fields to change."""
    overrides = getattr(settings, "EPB_ENFORCEMENT_COVERAGE", None) or {}
    return rules.CoverageRule.from_json({**rules.DEFAULT_COVERAGE.to_json(), **overrides})


def compliance_target() -> Decimal:
    """``EPB_COMPLIANCE_TARGET``: the share of compliant industrial sources a grid must reach."""
    return Decimal(str(getattr(settings, "EPB_COMPLIANCE_TARGET", rules.COMPLIANCE_TARGET)))


def night_hours() -> tuple[int, int]:
    start, end = getattr(settings, "EPB_NIGHT_HOURS", rules.NIGHT_HOURS)
    return int(start), int(end)


def officer_scoring() -> dict[str, Any]:
    """``EPB_OFFICER_SCORING``: keys of ``rules.OFFICER_SCORING`` to change."""
    return {**rules.OFFICER_SCORING, **(getattr(settings, "EPB_OFFICER_SCORING", None) or {})}


def poor_facility_grades() -> frozenset[str]:
    return frozenset(getattr(settings, "EPB_POOR_FACILITY_GRADES", rules.POOR_FACILITY_GRADES))


def complaint_heavy_threshold() -> int:
    return int(getattr(settings, "EPB_COMPLAINT_HEAVY_THRESHOLD", rules.COMPLAINT_HEAVY_THRESHOLD))


def drills_per_year() -> int:
    return int(getattr(settings, "EPB_DRILLS_PER_YEAR", rules.DRILLS_PER_YEAR))


def clock_spec(name: str) -> ClockSpec:
    """A clock by name, from ``STATUTORY_CLOCKS`` or the app's own, with ``EPB_ENFORCEMENT_CLOCKS``
    overrides (``{name: {"duration": …, "basis": "working", "max_extension": …}}``) applied."""
    spec = rules.EXTRA_CLOCKS.get(name) or STATUTORY_CLOCKS.get(name)
    if spec is None:
        raise KeyError(f"unknown clock {name!r}")
    override = (getattr(settings, "EPB_ENFORCEMENT_CLOCKS", None) or {}).get(name)
    if not override:
        return spec
    return ClockSpec(
        spec.name,
        int(override.get("duration", spec.duration)),
        Basis(override.get("basis", spec.basis)),
        last_day_rule=bool(override.get("last_day_rule", spec.last_day_rule)),
        max_extension=int(override.get("max_extension", spec.max_extension)),
        reminders=spec.reminders,
        source=f"{spec.source} — changed by EPB_ENFORCEMENT_CLOCKS",
    )
