"""Generated jurisdiction tests: one set per model that declares a ``jurisdiction`` Scope.

Adding a model with a jurisdiction adds its tests here automatically; a model without a
registered factory fails loudly, so no module can skip them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from epb.core.choices import Role
from epb.core.visibility import Scope, get_visible_or_404, scoped_models
from epb.testing.factories import make_enterprise, make_user
from epb.testing.jurisdiction import Placement, load_all

FACTORIES = load_all()
MODELS = sorted(scoped_models(), key=lambda m: m._meta.label)


def _ids(model: Any, user: Any, *records: Any) -> set[Any]:
    return set(
        model.objects.visible_to(user).filter(pk__in=[r.pk for r in records]).values_list("pk", flat=True)
    )


def test_every_scoped_model_has_a_factory() -> None:
    missing = [m._meta.label for m in MODELS if m not in FACTORIES]
    assert not missing, f"add @jurisdiction_factory for: {missing} (in the app's tests/factories.py)"


@pytest.fixture
def two_districts(tree: Any) -> dict[str, Any]:
    ent_a = make_enterprise(tree.town_a1)
    ent_b = make_enterprise(tree.town_b1)
    ent_user = make_user(Role.ENTERPRISE)
    ent_a.members.add(ent_user)
    return {
        "ent_a": ent_a,
        "ent_b": ent_b,
        "owner_a": make_user(Role.PUBLIC),
        "owner_b": make_user(Role.PUBLIC),
        "leader": make_user(Role.LEADERSHIP),
        "district_a": make_user(Role.DISTRICT_STAFF, tree.district_a),
        "district_b": make_user(Role.DISTRICT_STAFF, tree.district_b),
        "grid_a1": make_user(Role.GRID_OFFICER, tree.town_a1),
        "grid_a2": make_user(Role.GRID_OFFICER, tree.town_a2),
        "enterprise_a": ent_user,
        "stranger": make_user(Role.PUBLIC),
    }


@pytest.mark.parametrize("model", [m for m in MODELS if m in FACTORIES], ids=lambda m: m._meta.label)
def test_jurisdiction_is_enforced(model: Any, tree: Any, two_districts: dict[str, Any], client: Any) -> None:
    u = two_districts
    factory = FACTORIES[model]
    rec_a = factory(Placement(tree.town_a1, u["ent_a"], u["owner_a"]))
    rec_b = factory(Placement(tree.town_b1, u["ent_b"], u["owner_b"]))
    scope: Scope = model.jurisdiction
    both = {rec_a.pk, rec_b.pk}

    assert _ids(model, u["leader"], rec_a, rec_b) == both

    if scope.org_unit is not None:
        assert _ids(model, u["district_a"], rec_a, rec_b) == {rec_a.pk}
        assert _ids(model, u["district_b"], rec_a, rec_b) == {rec_b.pk}
        assert _ids(model, u["grid_a1"], rec_a, rec_b) == {rec_a.pk}
        assert _ids(model, u["grid_a2"], rec_a, rec_b) == set()
        with pytest.raises(Http404):
            get_visible_or_404(model, u["district_a"], pk=rec_b.pk)
        assert get_visible_or_404(model, u["district_a"], pk=rec_a.pk).pk == rec_a.pk
    else:
        assert _ids(model, u["district_a"], rec_a, rec_b) == set()

    if scope.enterprise is not None:
        assert _ids(model, u["enterprise_a"], rec_a, rec_b) == {rec_a.pk}
    else:
        assert _ids(model, u["enterprise_a"], rec_a, rec_b) == set()

    if scope.owner is not None:
        assert rec_a.pk in _ids(model, u["owner_a"], rec_a, rec_b)
        assert rec_b.pk not in _ids(model, u["owner_a"], rec_a, rec_b) or scope.public is not None

    if scope.public is None:
        assert _ids(model, None, rec_a, rec_b) == set()
        assert _ids(model, u["stranger"], rec_a, rec_b) == set()

    for attr in ("get_absolute_url", "get_api_url"):
        if hasattr(rec_b, attr):
            client.force_login(u["district_a"])
            assert client.get(getattr(rec_b, attr)()).status_code == 404, attr
            assert client.get(getattr(rec_a, attr)()).status_code == 200, attr
            client.logout()


def test_inactive_user_sees_nothing(tree: Any) -> None:
    from epb.core import services

    officer = make_user(Role.DISTRICT_STAFF, tree.district_a)
    services.change_user_role(officer, actor=None, role=Role.DISTRICT_STAFF, org_unit=tree.district_a)
    officer.is_active = False
    from epb.core.models import OrgUnit

    assert not OrgUnit.objects.visible_to(officer).exists()


def test_district_staff_without_unit_sees_only_what_they_own(tree: Any) -> None:
    from epb.core.models import OrgUnit, User

    user = User(username="x", role=Role.GRID_OFFICER)  # not saved: a misconfigured account
    user.org_unit_id = None
    assert not OrgUnit.objects.visible_to(user).exists()
