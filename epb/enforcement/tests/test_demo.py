"""The demo: a year of enforcement that loads once and shows every kind of record."""

from __future__ import annotations

import io

import pytest

from epb.core import demo_data
from epb.core.models import AuditEntry, Clock
from epb.enforcement import demo
from epb.enforcement.models import (
    Campaign,
    Case,
    Drill,
    FacilityGrade,
    Inspection,
    InspectionPlan,
    InspectionTask,
    Measure,
    Rectification,
    Representative,
    RiskPlan,
)
from epb.enforcement.services.plans import verify_draw
from epb.enterprises import demo as enterprises_demo

pytestmark = pytest.mark.django_db


def test_the_demo_year_has_every_kind_of_record_and_loads_once() -> None:
    out = io.StringIO()
    demo_data.load(out)
    enterprises_demo.load(out)
    demo.load(out)
    plans = list(InspectionPlan.objects.all())
    assert len(plans) >= 10 and all(verify_draw(p) for p in plans)
    statuses = set(InspectionTask.objects.values_list("status", flat=True))
    assert {"planned", "done"} <= statuses
    assert Inspection.objects.filter(status="submitted").count() >= 10
    assert Case.objects.filter(status="review").exists() and Case.objects.filter(status="opened").exists()
    kinds = set(Measure.objects.values_list("kind", flat=True))
    assert {"seal", "fine", "daily_fine", "restrict", "order", "apology", "trees", "police"} <= kinds
    measure_type = Clock.objects.filter(kind__startswith="enforcement.", state="running")
    assert {"enforcement.sealing", "enforcement.fine_payment"} <= set(
        measure_type.values_list("kind", flat=True)
    )
    assert {"accepted", "submitted", "returned", "issued"} <= set(
        Rectification.objects.values_list("status", flat=True)
    )
    assert Campaign.objects.count() == 5
    assert Representative.objects.exists() and FacilityGrade.objects.filter(grade="D").exists()
    assert RiskPlan.objects.exists() and Drill.objects.exists()
    entries = AuditEntry.objects.count()
    demo.load(out)
    assert AuditEntry.objects.count() == entries
