"""The role matrix of the jurisdiction filter, one row per branch of ``jurisdiction_q``."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from epb.core.choices import Role
from epb.core.models import OrgUnit
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _names(user: Any) -> set[str]:
    return set(OrgUnit.objects.visible_to(user).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("role", "unit", "expected"),
    [
        (Role.LEADERSHIP, None, {"常州市", "天宁区", "武进区", "茶山街道", "青龙街道", "湖塘镇"}),
        (Role.DEPT_STAFF, None, {"常州市", "天宁区", "武进区", "茶山街道", "青龙街道", "湖塘镇"}),
        (Role.DEPT_STAFF, "district_a", {"天宁区", "茶山街道", "青龙街道"}),
        (Role.DISTRICT_STAFF, "district_a", {"天宁区", "茶山街道", "青龙街道"}),
        (Role.DISTRICT_STAFF, "district_b", {"武进区", "湖塘镇"}),
        (Role.GRID_OFFICER, "town_a1", {"茶山街道"}),
        (Role.ENTERPRISE, None, set()),
        (Role.PUBLIC, None, {"常州市", "天宁区", "武进区", "茶山街道", "青龙街道", "湖塘镇"}),
    ],
)
def test_role_matrix(tree: Any, role: str, unit: str | None, expected: set[str]) -> None:
    user = make_user(role, getattr(tree, unit) if unit else None)
    assert _names(user) == expected


def test_anonymous_sees_only_published(tree: Any) -> None:
    assert _names(AnonymousUser()) == _names(None)
    assert "茶山街道" in _names(None)


def test_a_superuser_sees_everything(tree: Any) -> None:
    user = make_user(Role.PUBLIC, is_superuser=True)
    assert "湖塘镇" in _names(user)


def test_prefix_paths_do_not_leak_to_similar_ids(tree: Any) -> None:
    # "/1/2/" must not match "/1/23/": the path ends with a slash for this reason.
    officer = make_user(Role.DISTRICT_STAFF, tree.district_a)
    for unit in OrgUnit.objects.visible_to(officer):
        assert unit.path.startswith(tree.district_a.path)
        assert unit.path.endswith("/")
