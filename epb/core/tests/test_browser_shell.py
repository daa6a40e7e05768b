"""The shell in a real browser: login → dashboard → logout, in Chinese, and the language switch."""

from __future__ import annotations

from typing import Any

import pytest

from epb.core.choices import Role
from epb.testing.browser import log_in
from epb.testing.factories import make_org_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_dashboard_logout(page: Any) -> None:
    tree = make_org_tree()
    make_user(Role.DISTRICT_STAFF, tree.district_a, username="tianning", password="a-long-demo-password")

    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "用户登录"
    log_in(page, "tianning", "a-long-demo-password")
    page.wait_for_url("**/staff/")
    assert page.locator("main h1").inner_text() == "工作台"
    # Every system of the plan is in the navigation, built or marked as being built.
    sidebar = page.locator("aside.sidebar").inner_text()
    for term in ("“1190”目标任务", "污染源监控中心", "12369环境信访", "环保直通车", "挂牌督办", "多渠道监督"):
        assert term in sidebar

    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")
    page.goto("/staff/")
    assert "/accounts/login/" in page.url


def test_wrong_password_is_refused_and_switching_to_english(page: Any) -> None:
    make_org_tree()
    make_user(Role.LEADERSHIP, username="juzhang", password="a-long-demo-password")
    log_in(page, "juzhang", "wrong")
    assert "用户名或密码错误" in page.locator(".errors").inner_text()
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sign in"


def test_a_wide_table_scrolls_inside_the_page_on_a_phone(page: Any) -> None:
    make_org_tree()
    make_user(Role.LEADERSHIP, username="juzhang", password="a-long-demo-password")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "juzhang", "a-long-demo-password")
    page.wait_for_url("**/staff/")
    page.goto("/staff/audit/")
    table = page.locator("table.list").first
    table.evaluate("t => t.rows[0].insertCell().textContent = 'x'.repeat(400)")  # a very wide row
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # the table itself scrolls
