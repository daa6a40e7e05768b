"""A form is saved once however often the same submission arrives (epb.core.once)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from epb.core.models import AuditEntry, HolidayOverride

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="_submission" value="([0-9a-f]{32})"')


def token_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the form carries no submit_once token"
    return found.group(1)


def calendar_token(client: Any) -> str:
    return token_of(client.get("/staff/calendar/").content.decode())


def test_the_same_submission_twice_is_handled_once(client: Any, dept_staff: Any) -> None:
    client.force_login(dept_staff)
    data = {"date": "2026-06-02", "is_workday": "0", "name": "停工", "_submission": calendar_token(client)}
    first = client.post("/staff/calendar/", data)
    assert first.status_code == 302
    entries = AuditEntry.objects.count()
    HolidayOverride.objects.all().delete()  # were the second one handled, it would create it again

    second = client.post("/staff/calendar/", data, follow=True)

    assert second.redirect_chain[0][0] == first["Location"]
    assert "已经提交过，没有重复保存" in second.content.decode()
    assert not HolidayOverride.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_submission_that_saved_nothing_can_be_sent_again(client: Any, dept_staff: Any) -> None:
    client.force_login(dept_staff)
    token = calendar_token(client)
    bad = client.post("/staff/calendar/", {"date": "2026-02-30", "is_workday": "0", "_submission": token})
    assert bad.status_code == 200 and not HolidayOverride.objects.exists()
    good = {"date": "2026-06-02", "is_workday": "0", "_submission": token}
    assert client.post("/staff/calendar/", good).status_code == 302
    assert HolidayOverride.objects.get().date == dt.date(2026, 6, 2)
    # The refused one is not remembered either: the very same bad data gets its errors again.
    again = client.post("/staff/calendar/", {"date": "2026-02-30", "is_workday": "0", "_submission": token})
    assert again.status_code == 200 and "errorlist" in again.content.decode()


def test_the_same_form_with_other_data_is_another_submission(client: Any, dept_staff: Any) -> None:
    client.force_login(dept_staff)
    token = calendar_token(client)
    for day in ("2026-06-02", "2026-06-03"):
        client.post("/staff/calendar/", {"date": day, "is_workday": "0", "_submission": token})
    assert HolidayOverride.objects.count() == 2


def test_an_htmx_repeat_gets_no_content(client: Any, dept_staff: Any) -> None:
    client.force_login(dept_staff)
    data = {"date": "2026-06-02", "is_workday": "0", "_submission": calendar_token(client)}
    client.post("/staff/calendar/", data, HTTP_HX_REQUEST="true")
    assert client.post("/staff/calendar/", data, HTTP_HX_REQUEST="true").status_code == 204


def test_every_post_form_carries_a_submit_once_token() -> None:
    """Logout, language and login forms save nothing of the bureau's; every other form does."""
    root = Path(__file__).resolve().parents[2]
    exempt = ("core:logout", "set_language")
    missing = []
    for template in sorted(root.glob("**/templates/**/*.html")):
        if template.name == "login.html":
            continue
        text = template.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>.*?</form>", text, re.S | re.I):
            opening = form.group(0)[: form.group(0).index(">") + 1]
            if not re.search(r'method="post"', opening, re.I) or any(e in opening for e in exempt):
                continue
            if "{% submit_once %}" not in form.group(0):
                line = text[: form.start()].count("\n") + 1
                missing.append(f"{template.relative_to(root)}:{line}")
    assert not missing, "POST forms without {% submit_once %}: " + ", ".join(missing)
