from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epb.core.models import HolidayOverride

pytestmark = pytest.mark.django_db


def test_public_portal_lists_services_built_or_not(client: Any) -> None:
    html = client.get("/").content.decode()
    assert "环境投诉举报" in html and "网上建议" in html
    assert "建设中" in html or 'href="/complaints/' in html


def test_dashboard_marks_unbuilt_systems_instead_of_linking_them(client: Any, district_officer: Any) -> None:
    client.force_login(district_officer)
    html = client.get("/staff/").content.decode()
    assert "“1190”目标任务" in html and "S18" in html
    # every tile is either a link that resolves or marked as being built
    import re

    for href in re.findall(r'class="tile" href="([^"]+)"', html):
        assert client.get(href).status_code in {200, 302}, href


def test_english_is_available(client: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in html


def test_holiday_overrides_are_edited_by_bureau_staff(
    client: Any, dept_staff: Any, grid_officer: Any
) -> None:
    client.force_login(grid_officer)
    assert client.post("/staff/calendar/", {"date": "2026-06-02", "is_workday": "0"}).status_code == 403
    client.force_login(dept_staff)
    response = client.post("/staff/calendar/", {"date": "2026-06-02", "is_workday": "0", "name": "停工"})
    assert response.status_code == 302
    assert HolidayOverride.objects.get(date=dt.date(2026, 6, 2)).is_workday is False
    assert "停工" in client.get("/staff/calendar/").content.decode()


def test_bad_calendar_input_is_an_error_not_a_crash(client: Any, dept_staff: Any) -> None:
    client.force_login(dept_staff)
    response = client.post("/staff/calendar/", {"date": "not-a-date", "is_workday": "0"})
    assert response.status_code == 200
    assert not HolidayOverride.objects.exists()


def test_bureau_only_pages_refuse_enterprise_accounts(
    rf: Any, enterprise_user: Any, district_officer: Any
) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from epb.core.views import bureau_staff_required

    view = bureau_staff_required(lambda request: HttpResponse("ok"))
    request = rf.get("/x/")
    request.user = district_officer
    assert view(request).status_code == 200
    request.user = enterprise_user
    with pytest.raises(PermissionDenied):
        view(request)


def test_error_pages_speak_the_users_language(client: Any, grid_officer: Any) -> None:
    """A refused or unknown request gets a page in Chinese (or English), not Django's bare English."""
    from django.test import Client

    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    client.force_login(grid_officer)
    refused = client.post("/staff/calendar/", {"date": "2026-06-02", "is_workday": "0"})
    assert refused.status_code == 403 and "只有局机关工作人员可以调整工作日历" in refused.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(grid_officer)
    expired = strict.post("/staff/calendar/", {"date": "2026-06-02", "is_workday": "0"})
    assert expired.status_code == 403 and "页面已过期" in expired.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def test_opening_a_post_only_address_explains_itself(client: Any, grid_officer: Any) -> None:
    """A bookmarked action (a POST-only address opened with GET) gets a page saying why, not an empty 405."""
    client.force_login(grid_officer)
    page = client.get("/quality/warnings/1/acknowledge/")
    assert page.status_code == 405 and page["Allow"] == "POST"
    assert "这个地址只接受表单提交" in page.content.decode()
    api = client.delete("/api/v1/health")  # the API keeps its own answer
    assert api.status_code == 405 and "这个地址只接受表单提交" not in api.content.decode()
