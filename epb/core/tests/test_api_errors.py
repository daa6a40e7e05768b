"""Bad requests get a 4xx in the API's one JSON shape, never a 500 or a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from epb.core import services
from epb.core.choices import Role
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(tree: Any) -> Client:
    user = make_user(Role.LEADERSHIP)
    _token, raw = services.issue_api_token(user, actor=user, name="对接")
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _error(response: Any, status: int) -> Any:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/org-units?parent_id=99999999999999999999",  # beyond any database integer
        "/api/v1/org-units?parent_id=-99999999999999999999",
        "/api/v1/org-units/0",
        "/api/v1/org-units/99999999999999999999",
        "/api/v1/enforcement/findings?enterprise_id=115490847131544277952579439677346414592",
        "/api/v1/enforcement/drills?year=-263579585222",
        "/api/v1/enforcement/cases?offset=125963263941828342185984",
        "/api/v1/enforcement/cases?offset=-1",
        "/api/v1/monitoring/devices?offset=99999999999999999999",
        "/api/v1/quality/sites/1/evaluation?year=0",
        "/api/v1/complaints/?offset=99999999999999999999",
        "/api/v1/enforcement/tasks?due_from=2026-02-30",
    ],
)
def test_out_of_range_numbers_and_dates_are_422(api: Client, url: str) -> None:
    _error(api.get(url), 422)


def test_schema_names_are_unique() -> None:
    """The OpenAPI components are keyed by class name: two schemas of one name would document
    one endpoint with the other's fields."""
    import epb.api  # noqa: F401  (imports every app's schemas)

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    names: dict[str, str] = {}
    clashes = []
    for cls in subclasses(Schema):
        if not cls.__module__.startswith("epb.") or ".tests" in cls.__module__:
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if names.setdefault(cls.__name__, where) != where:
            clashes.append((names[cls.__name__], where))
    assert clashes == []
