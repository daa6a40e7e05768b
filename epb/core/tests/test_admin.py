from __future__ import annotations

from typing import Any

import pytest

from epb.core.models import AuditEntry, OrgUnit
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_admin_edits_are_audited_and_the_log_is_read_only(client: Any, tree: Any) -> None:
    admin_user = make_user("leadership", is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/orgunit/{tree.town_a1.pk}/change/",
        {
            "level": "town",
            "code": tree.town_a1.code,
            "name": "茶山街道（改）",
            "parent": tree.district_a.pk,
            "sort_order": 0,
            "is_active": "on",
            "geometry": "null",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OrgUnit.objects.get(pk=tree.town_a1.pk).name == "茶山街道（改）"
    entry = AuditEntry.objects.get(action="core.orgunit.updated", object_id=str(tree.town_a1.pk))
    assert entry.actor == admin_user and entry.note == "admin"
    assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
