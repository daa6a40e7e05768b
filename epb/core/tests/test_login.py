from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from epb.core.choices import Role
from epb.core.models import AuditEntry
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _post(client: Any, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_speaks_chinese(client: Any) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "用户登录" in response.content.decode()
    assert 'lang="zh-CN"' in response.content.decode()


def test_good_login_reaches_the_dashboard(client: Any, tree: Any) -> None:
    make_user(Role.DISTRICT_STAFF, tree.district_a, username="ok", password="correct horse battery")
    response = _post(client, "ok", "correct horse battery")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client: Any, tree: Any, settings: Any
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(Role.LEADERSHIP, username="boss", password="correct horse battery")
    for _ in range(3):
        assert "用户名或密码错误" in _post(client, "boss", "guess").content.decode()
    response = _post(client, "boss", "correct horse battery")
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert AuditEntry.objects.filter(action="core.login.locked", actor_label="boss").exists()


def test_a_success_clears_the_pair_counter(client: Any, tree: Any, settings: Any) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(Role.LEADERSHIP, username="boss", password="correct horse battery")
    _post(client, "boss", "guess")
    _post(client, "boss", "guess")
    assert _post(client, "boss", "correct horse battery").status_code == 302
    client.logout()
    _post(client, "boss", "guess")
    _post(client, "boss", "guess")
    assert _post(client, "boss", "correct horse battery").status_code == 302


def test_public_users_are_sent_to_the_portal(client: Any, tree: Any) -> None:
    client.force_login(make_user(Role.PUBLIC))
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/"
