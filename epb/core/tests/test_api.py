from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from epb.core import services
from epb.core.choices import Role
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_health_answers_without_login(client: Any) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


def test_openapi_document_lists_the_endpoints(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/health" in paths
    assert "/api/v1/org-units" in paths


def test_swagger_ui_is_served_without_a_cdn(client: Any) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_endpoints_need_authentication(client: Any) -> None:
    assert client.get("/api/v1/me").status_code == 401


def test_token_auth_for_machine_clients(tree: Any) -> None:
    officer = make_user(Role.DISTRICT_STAFF, tree.district_a)
    token, raw = services.issue_api_token(officer, actor=officer, name="数据对接")
    client = Client()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == officer.username
    names = {u["name"] for u in client.get("/api/v1/org-units", HTTP_AUTHORIZATION=f"Bearer {raw}").json()}
    assert names == {"天宁区", "茶山街道", "青龙街道"}

    services.revoke_api_token(token, actor=officer)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer epb_not-a-token").status_code == 401


def test_expired_tokens_are_refused(tree: Any) -> None:
    user = make_user(Role.LEADERSHIP)
    _token, raw = services.issue_api_token(
        user, actor=user, name="x", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_other_districts_units_are_404(client: Any, tree: Any) -> None:
    client.force_login(make_user(Role.DISTRICT_STAFF, tree.district_a))
    assert client.get(f"/api/v1/org-units/{tree.town_a1.pk}").status_code == 200
    response = client.get(f"/api/v1/org-units/{tree.town_b1.pk}")
    assert response.status_code == 404
    assert "detail" in response.json()


# A write endpoint shared by every test below; an empty body is a 422 once the caller is let in.
WRITE_URL = "/api/v1/monitoring/commands"


def test_session_writes_need_csrf(tree: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.LEADERSHIP))
    response = client.post(WRITE_URL, data={}, content_type="application/json")
    assert response.status_code == 403
    token = "a" * 32  # the cookie's secret; a header of the same value passes the check
    client.cookies["csrftoken"] = token
    response = client.post(WRITE_URL, data={}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 422


def test_token_writes_need_no_csrf(tree: Any) -> None:
    """A machine client has no CSRF token: its Bearer token is what authenticates the write."""
    user = make_user(Role.LEADERSHIP)
    _token, raw = services.issue_api_token(user, actor=user, name="对接")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        WRITE_URL, data={}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 422
    # Even with a stale session cookie of another user alongside.
    client.force_login(make_user(Role.LEADERSHIP))
    response = client.post(
        WRITE_URL, data={}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 422


def test_anonymous_writes_are_401_not_csrf_403() -> None:
    response = Client(enforce_csrf_checks=True).post(WRITE_URL, data={}, content_type="application/json")
    assert response.status_code == 401


def test_audit_api_is_for_leadership(client: Any, tree: Any, leader: Any, district_officer: Any) -> None:
    client.force_login(district_officer)
    assert client.get("/api/v1/audit").status_code == 403
    client.force_login(leader)
    actions = {e["action"] for e in client.get("/api/v1/audit?action=core.orgunit").json()}
    assert actions == {"core.orgunit.created"}
