"""The module's settings, each with its default and where the default comes from (docs/quality.md).

Targets carry their own rules as data (``Target.rule`` and friends, edited by staff); what is here
applies when a target leaves a rule empty, and to the aggregation every figure stands on.
Override any of them in the Django settings (``EPB_QUALITY_<NAME>``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

# Method detection limits used when a sheet writes a bare "ND"/"未检出" and gives no 检出限 row.
# From the GB 3838-2002 table 4 analysis methods as commonly run (HJ 535 NH3-N, GB 11893 TP,
# HJ 828 COD, GB 11892 CODMn, HJ 505 BOD5, HJ 636 TN, HJ 597 Hg, GB 7475 Cu/Zn/Cd/Pb, HJ 694
# As/Se, GB 7467 Cr6, HJ 484 CN, HJ 503 VPhenol, HJ 637 Oil, GB 7494 LAS, GB 16489 S2,
# GB 7484 F). A laboratory's own limits differ: set EPB_QUALITY_DETECTION_LIMITS, or give a
# 检出限 row under the header of the sheet, which always wins.
DETECTION_LIMITS: dict[str, str] = {
    "COD": "4",
    "CODMn": "0.5",
    "BOD5": "0.5",
    "NH3N": "0.025",
    "TP": "0.01",
    "TN": "0.05",
    "Cu": "0.001",
    "Zn": "0.05",
    "F": "0.05",
    "Se": "0.0004",
    "As": "0.0003",
    "Hg": "0.00004",
    "Cd": "0.0001",
    "Cr6": "0.004",
    "Pb": "0.001",
    "CN": "0.004",
    "VPhenol": "0.0003",
    "Oil": "0.01",
    "LAS": "0.05",
    "S2": "0.005",
    "Fe": "0.03",
    "Mn": "0.01",
}

DEFAULTS: dict[str, Any] = {
    # Annual means: the mean of the monthly means (the plan: "年均值（按月均值计算）"), or the mean
    # of all samples of the year. [R] in the 2020 statistics rule; the plan decides for the inflow
    # rivers and the board uses the same path everywhere.
    "ANNUAL_MEAN": "monthly_means",
    # 环办监测函〔2020〕82号: automatic-station data are used first for these items when a month has
    # them; manual data for the rest.
    "AUTO_PREFERRED_ITEMS": ("pH", "DO", "CODMn", "NH3N", "TP", "TN"),
    "DETECTION_LIMITS": DETECTION_LIMITS,
    # A daily drinking-water report is expected for every source every day (日查日报); the daily
    # check runs after this Beijing hour and looks at the day before.
    "DAILY_CHECK_HOUR": 9,
    # Defaults of target rules left empty on a target row (see choices.py for the options).
    "STABLE_RULE": "all_months",
    "IMPROVE_BASIS": "exceeding_items",
    "IMPROVE_THRESHOLD": Decimal(10),
    "LAKE_BASIS": "class_then_tli",
    "DRINKING_RULE": "every_month",
    "INFLOW_METHOD": "river_mean",
    # Percentages on the board and in reports are shown to this many places (half-even).
    "RATE_PLACES": 1,
    # The issuing body printed on reports.
    "REPORT_ORGANIZATION": "",
}


def get(name: str) -> Any:
    value = getattr(settings, f"EPB_QUALITY_{name}", None)
    return DEFAULTS[name] if value is None else value


def detection_limits() -> dict[str, str]:
    configured = get("DETECTION_LIMITS")
    return {**DETECTION_LIMITS, **{k: str(v) for k, v in configured.items()}}


def organization() -> str:
    return str(get("REPORT_ORGANIZATION") or getattr(settings, "SITE_NAME", ""))
