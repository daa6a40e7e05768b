"""The demo data: every state of a case, replies, callbacks, a sensitive period with its daily
reports, reception days, 包案, and listed supervision carried over from last year. Loads once."""

from __future__ import annotations

import io
from typing import Any

import pytest

from epb.complaints import demo
from epb.complaints.choices import Status, SupervisionStatus
from epb.complaints.models import (
    Callback,
    Complaint,
    DailyReport,
    LeaderCase,
    PollutionType,
    ReceptionDay,
    ReviewRequest,
    SensitivePeriod,
    Supervision,
)
from epb.complaints.services.config import ensure_reference_data
from epb.core import demo_data
from epb.core.models import AuditEntry
from epb.enterprises import demo as enterprise_demo

pytestmark = pytest.mark.django_db


def _load() -> None:
    out = io.StringIO()
    demo_data.load(out)
    enterprise_demo.load(out)
    demo.load(out)


def test_demo_covers_the_centre_and_loads_once(monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "CASES", 70)  # enough for every state; the full demo makes 120
    _load()
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses >= {Status.RECEIVED, Status.ACCEPTED, Status.REPLIED, Status.TRANSFERRED, Status.MERGED}
    assert Complaint.objects.values("district").distinct().count() >= 5
    assert Callback.objects.filter(reached=True).exists() and ReviewRequest.objects.exists()
    assert LeaderCase.objects.exists() and ReceptionDay.objects.filter(status="held").exists()
    assert SensitivePeriod.objects.count() == 2
    assert DailyReport.objects.filter(total=0).exists()  # zero reports too
    carried = Supervision.objects.filter(previous__isnull=False)
    assert carried.count() == 3 and {s.year - s.previous.year for s in carried} == {1}  # type: ignore[union-attr]
    assert Supervision.objects.filter(status=SupervisionStatus.DELISTED).count() == 1
    counts = (Complaint.objects.count(), Supervision.objects.count(), AuditEntry.objects.count())
    _load()
    assert (Complaint.objects.count(), Supervision.objects.count(), AuditEntry.objects.count()) == counts


def test_reference_data_can_be_restored() -> None:
    from epb.complaints.models import ReplyTemplate

    assert ensure_reference_data() == 0  # the migration seeded it
    PollutionType.objects.filter(code="air.odour").update(name="异味（本地名称）")
    ReplyTemplate.objects.all().delete()
    assert ensure_reference_data() == 4
    assert PollutionType.objects.get(code="air.odour").name == "异味（本地名称）"  # edits are kept
    assert AuditEntry.objects.filter(action="complaints.reference.seeded").exists()
