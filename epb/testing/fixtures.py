"""Personas (after healthchecks' alice/bob/charlie): one per role, in two districts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from epb.core.choices import Role
from epb.testing.factories import OrgTree, make_enterprise, make_org_tree, make_user


@pytest.fixture
def tree(db: Any) -> OrgTree:
    return make_org_tree()


@pytest.fixture
def leader(tree: OrgTree) -> Any:
    return make_user(Role.LEADERSHIP, display_name="局长")


@pytest.fixture
def dept_staff(tree: OrgTree) -> Any:
    return make_user(Role.DEPT_STAFF, department=tree.department)


@pytest.fixture
def district_officer(tree: OrgTree) -> Any:
    return make_user(Role.DISTRICT_STAFF, tree.district_a)


@pytest.fixture
def other_district_officer(tree: OrgTree) -> Any:
    return make_user(Role.DISTRICT_STAFF, tree.district_b)


@pytest.fixture
def grid_officer(tree: OrgTree) -> Any:
    return make_user(Role.GRID_OFFICER, tree.town_a1)


@pytest.fixture
def enterprise(tree: OrgTree) -> Any:
    return make_enterprise(tree.town_a1)


@pytest.fixture
def enterprise_user(enterprise: Any) -> Any:
    user = make_user(Role.ENTERPRISE)
    enterprise.members.add(user)
    return user


@pytest.fixture
def public_user(tree: OrgTree) -> Any:
    return make_user(Role.PUBLIC)


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client
