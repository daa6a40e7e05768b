from __future__ import annotations

import io

import pytest

from epb.core import demo_data
from epb.core.models import AuditEntry, OrgUnit, User
from epb.enterprises import demo
from epb.enterprises.models import Contact, Enterprise, Licence

pytestmark = pytest.mark.django_db


def _load() -> None:
    out = io.StringIO()
    demo_data.load(out)
    demo.load(out)


def test_demo_data_loads_once_and_covers_changzhou() -> None:
    _load()
    districts = set(OrgUnit.objects.filter(level="district").values_list("name", flat=True))
    assert districts == {"天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"}
    assert OrgUnit.objects.filter(level="town").count() >= 50
    roles = set(User.objects.values_list("role", flat=True))
    assert roles >= {"leadership", "dept_staff", "district_staff", "grid_officer", "enterprise", "public"}
    assert Enterprise.objects.count() >= 20
    keys = Enterprise.objects.filter(source_class="key").count()
    assert Licence.objects.filter(kind="discharge_permit").count() == keys >= 10
    assert Contact.objects.exists()
    counts = (
        OrgUnit.objects.count(),
        User.objects.count(),
        Enterprise.objects.count(),
        Licence.objects.count(),
        AuditEntry.objects.count(),
    )
    _load()
    assert (
        OrgUnit.objects.count(),
        User.objects.count(),
        Enterprise.objects.count(),
        Licence.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_every_demo_enterprise_sits_inside_its_grid() -> None:
    _load()
    from epb.core.geography import invalidate_grid_index, locate

    invalidate_grid_index()
    for enterprise in Enterprise.objects.all():
        assert enterprise.longitude is not None and enterprise.latitude is not None
        assert locate(enterprise.longitude, enterprise.latitude) == enterprise.grid, enterprise.name
