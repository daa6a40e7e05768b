"""Registry writes: permissions, audit entries, licence expiry warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from epb.core.models import AuditEntry, Notification
from epb.enterprises import services
from epb.enterprises.tests.factories import make_licence

pytestmark = pytest.mark.django_db


def test_licence_warnings_go_once_per_threshold_to_holders_and_supervisors(
    enterprise: Any,
    enterprise_user: Any,
    grid_officer: Any,
    district_officer: Any,
    other_district_officer: Any,
) -> None:
    today = timezone.localdate()
    licence = make_licence(enterprise, expires_on=today + dt.timedelta(days=80))
    make_licence(enterprise, expires_on=today + dt.timedelta(days=400))
    assert services.warn_expiring_licences(today) == 1
    recipients = set(
        Notification.objects.filter(kind="enterprises.licence_expiring").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {enterprise_user.pk, grid_officer.pk, district_officer.pk}
    assert services.warn_expiring_licences(today) == 0  # idempotent
    assert services.warn_expiring_licences(today + dt.timedelta(days=25)) == 1  # now within 60 days
    licence.refresh_from_db()
    assert licence.warnings_sent == [90, 60]
    assert AuditEntry.objects.filter(action="enterprises.licence.expiry_warned").count() == 2
    services.update_licence(licence, actor=district_officer, expires_on=today + dt.timedelta(days=1800))
    licence.refresh_from_db()
    assert licence.warnings_sent == []  # renewed: warned afresh next time


def test_licence_status_changes_need_a_reason_and_jurisdiction(
    enterprise: Any, district_officer: Any, other_district_officer: Any
) -> None:
    licence = make_licence(enterprise)
    with pytest.raises(ValidationError):
        services.set_licence_status(licence, "suspended", actor=district_officer, reason="")
    with pytest.raises(PermissionDenied):
        services.set_licence_status(licence, "suspended", actor=other_district_officer, reason="违法")
    services.set_licence_status(licence, "suspended", actor=district_officer, reason="超标排放，暂扣三个月")
    entry = AuditEntry.objects.get(action="enterprises.licence.suspended")
    assert entry.note == "超标排放，暂扣三个月" and entry.changes["status"] == ["valid", "suspended"]


def test_the_enterprise_keeps_its_own_contacts(
    enterprise: Any, enterprise_user: Any, public_user: Any
) -> None:
    contact = services.add_contact(enterprise, actor=enterprise_user, name="王工", mobile="13800000000")
    services.update_contact(contact, actor=enterprise_user, title="环保科长")
    with pytest.raises(PermissionDenied):
        services.add_contact(enterprise, actor=public_user, name="冒名")
    with pytest.raises(PermissionDenied):
        services.add_licence(enterprise, actor=enterprise_user, kind="other", number="X")


def test_grid_officers_record_but_do_not_register_or_move_enterprises(
    tree: Any, enterprise: Any, grid_officer: Any, district_officer: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_enterprise(actor=grid_officer, name="新企业", uscc="x", grid=tree.town_a1)
    with pytest.raises(PermissionDenied):
        services.update_enterprise(enterprise, actor=grid_officer, grid=tree.town_a2)
    services.update_enterprise(enterprise, actor=grid_officer, address="新地址")
    with pytest.raises(ValidationError):
        services.update_enterprise(enterprise, actor=district_officer, grid=tree.district_a)
