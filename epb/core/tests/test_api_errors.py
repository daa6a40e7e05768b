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


def test_a_huge_limit_is_clamped_not_refused(api: Client) -> None:
    assert api.get("/api/v1/enforcement/cases?limit=1000000000").status_code == 200


WRITE_URL = "/api/v1/monitoring/commands"


def test_a_body_that_is_not_json_is_415(api: Client) -> None:
    body = '{"device_id": 1, "kind": "2011"}'
    assert "JSON" in _error(api.post(WRITE_URL, data=body, content_type="text/plain"), 415)
    _error(api.post(WRITE_URL, data={"device_id": "1"}), 415)  # multipart form


def test_malformed_json_is_400(api: Client) -> None:
    _error(api.post(WRITE_URL, data='{"device_id": 1,', content_type="application/json"), 400)
    _error(api.post(WRITE_URL, data=b'{"kind": "\xff"}', content_type="application/json"), 400)


def test_a_multipart_body_without_boundary_is_400(api: Client) -> None:
    response = api.generic("POST", "/api/v1/quality/imports", b"kind=x", content_type="multipart/form-data")
    _error(response, 400)


def test_a_write_the_database_refuses_is_409(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import IntegrityError

    from epb.core import api as core_api

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("NOT NULL constraint failed")

    monkeypatch.setattr(core_api, "get_visible_or_404", refused)
    _error(api.get("/api/v1/org-units/1"), 409)


def test_a_body_too_large_is_413(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"device_id": 1, "kind": "' + "x" * 2000 + '"}'
    _error(api.post(WRITE_URL, data=body, content_type="application/json"), 413)


def test_nul_characters_are_refused_on_every_database(api: Client) -> None:
    body = '{"device_id": 1, "kind": "20\\u000011"}'
    assert "NUL" in str(_error(api.post(WRITE_URL, data=body, content_type="application/json"), 422))
    assert "NUL" in str(_error(api.get("/api/v1/org-units?level=a%00b"), 422))


def test_a_value_the_database_cannot_hold_is_422(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from epb.core import api as core_api

    def overflow(*args: Any, **kwargs: Any) -> Any:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(core_api, "get_visible_or_404", overflow)
    _error(api.get("/api/v1/org-units/1"), 422)


def test_an_unexpected_error_is_a_json_500_without_traceback(
    api: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from epb.core import api as core_api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    settings.DEBUG = True  # the demo runs with DEBUG on: still no traceback in the answer
    monkeypatch.setattr(core_api, "get_visible_or_404", broken)
    response = api.get("/api/v1/org-units/1")
    _error(response, 500)
    assert b"secret detail" not in response.content and b"Traceback" not in response.content


def test_openapi_documents_the_error_answers(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    post = paths["/api/v1/monitoring/commands"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "413", "415", "422"} <= set(post)
    assert post["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert {"401", "403", "404", "422"} <= set(paths["/api/v1/org-units/{unit_id}"]["get"]["responses"])
    assert "401" not in paths["/api/v1/health"]["get"]["responses"]
    unit_id = paths["/api/v1/org-units/{unit_id}"]["get"]["parameters"][0]["schema"]
    assert unit_id["minimum"] == 1 and unit_id["maximum"] == 2**63 - 1


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
