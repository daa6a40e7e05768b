"""Every page the navigation and the portal link to renders for every role: no 500s anywhere.

Generated from the navigation itself, so a module that lights up an entry is covered at once.
"""

from __future__ import annotations

from typing import Any

import pytest

from epb.core.choices import Role
from epb.core.navigation import NAVIGATION, navigation
from epb.core.navigation_public import public_links
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = [
    (Role.LEADERSHIP, None),
    (Role.DEPT_STAFF, None),
    (Role.DISTRICT_STAFF, "district_a"),
    (Role.GRID_OFFICER, "town_a1"),
    (Role.ENTERPRISE, None),
]


def _staff_urls() -> list[str]:
    return [url for group in NAVIGATION for item in group.items if (url := item.url())]


@pytest.mark.parametrize(("role", "unit"), ROLES, ids=[r for r, _ in ROLES])
def test_every_staff_page_renders_for_every_role(
    client: Any, tree: Any, enterprise: Any, role: str, unit: str | None
) -> None:
    user = make_user(role, getattr(tree, unit) if unit else None)
    if role == Role.ENTERPRISE:
        enterprise.members.add(user)
    client.force_login(user)
    urls = _staff_urls()
    assert len(urls) >= 10
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 302, 403}, (url, response.status_code)


def test_every_public_page_renders_for_anyone(client: Any, tree: Any) -> None:
    urls = [link["url"] for link in public_links() if link["url"]]
    assert len(urls) >= 4
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize(("role", "unit"), ROLES, ids=[r for r, _ in ROLES])
def test_the_navigation_offers_only_pages_the_role_may_open(
    client: Any, tree: Any, enterprise: Any, role: str, unit: str | None
) -> None:
    user = make_user(role, getattr(tree, unit) if unit else None)
    if role == Role.ENTERPRISE:
        enterprise.members.add(user)
    client.force_login(user)
    offered = [
        entry["url"]
        for group in navigation(user)
        for entry in group["items"]  # type: ignore[attr-defined]
        if entry["url"]
    ]
    assert offered
    for url in offered:
        assert client.get(url).status_code in {200, 302}, (role, url)
    page = client.get("/staff/").content.decode()
    assert all(f'href="{url}"' in page for url in offered)
    hidden = set(_staff_urls()) - set(offered)
    assert not any(f'href="{url}"' in page for url in hidden), hidden
