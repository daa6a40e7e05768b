from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from epb.core import audit, services
from epb.core.audit import AuditRequired
from epb.core.models import AuditEntry, OrgUnit

pytestmark = pytest.mark.django_db


def test_a_regulatory_record_cannot_be_saved_outside_a_service(tree: Any) -> None:
    unit = OrgUnit(level="town", code="X1", name="某镇", parent=tree.district_a)
    with pytest.raises(AuditRequired):
        unit.save()
    with pytest.raises(AuditRequired):
        tree.town_a1.delete()


def test_create_update_delete_leave_entries_with_before_and_after(tree: Any, leader: Any) -> None:
    unit = services.create_org_unit(
        actor=leader, level="subgrid", code="SG-1", name="一号子网格", parent=tree.town_a1
    )
    created = AuditEntry.objects.get(action="core.orgunit.created", object_id=str(unit.pk))
    assert created.actor == leader
    assert created.before is None
    assert created.after is not None and created.after["name"] == "一号子网格"
    assert created.org_unit_id == unit.pk

    audit.update(unit, actor=leader, name="东片子网格")
    updated = AuditEntry.objects.get(action="core.orgunit.updated", object_id=str(unit.pk))
    assert updated.changes == {"name": ["一号子网格", "东片子网格"]}

    pk = unit.pk
    audit.delete(unit, actor=leader, note="合并")
    deleted = AuditEntry.objects.get(action="core.orgunit.deleted", object_id=str(pk))
    assert deleted.before is not None and deleted.before["name"] == "东片子网格"
    assert deleted.note == "合并"
    assert not OrgUnit.objects.filter(pk=pk).exists()


def test_an_update_that_changes_nothing_writes_no_entry(tree: Any) -> None:
    before = AuditEntry.objects.count()
    audit.update(tree.town_a1, actor=None, name=tree.town_a1.name)
    assert AuditEntry.objects.count() == before


def test_bad_input_changes_nothing(tree: Any) -> None:
    before = (OrgUnit.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError, match="区划代码"):
        services.create_org_unit(
            actor=None, level="town", code=tree.town_a1.code, name="重复代码", parent=tree.district_a
        )
    with pytest.raises(ValidationError, match="上级"):
        services.create_org_unit(actor=None, level="town", code="NEW", name="挂错层级", parent=tree.city)
    assert (OrgUnit.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("action", ["created", "core.created", ""])
def test_actions_must_be_dotted(action: str) -> None:
    with pytest.raises(ValueError):
        audit.log(action, None, actor=None)


def test_tracking_logs_the_difference(tree: Any, leader: Any) -> None:
    with audit.tracking(tree.town_a1, actor=leader, action="core.orgunit.renamed", note="区划调整"):
        tree.town_a1.name = "茶山街道（新）"
        tree.town_a1.save(update_fields=["name"])
    entry = AuditEntry.objects.get(action="core.orgunit.renamed")
    assert entry.changes == {"name": ["茶山街道", "茶山街道（新）"]}
    assert entry.note == "区划调整"


def test_the_audit_log_is_for_leadership(client: Any, tree: Any, leader: Any, district_officer: Any) -> None:
    client.force_login(district_officer)
    assert client.get("/staff/audit/").status_code == 403
    client.force_login(leader)
    response = client.get("/staff/audit/?action=core.orgunit")
    assert response.status_code == 200
    assert "core.orgunit.created" in response.content.decode()
    entry = AuditEntry.objects.filter(action="core.orgunit.created").first()
    assert entry is not None
    assert client.get(f"/staff/audit/{entry.pk}/").status_code == 200


def test_audit_filters_reject_bad_dates_without_failing(client: Any, leader: Any) -> None:
    client.force_login(leader)
    response = client.get("/staff/audit/?since=yesterday")
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()
