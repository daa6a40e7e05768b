"""The whole demo, as `make demo` loads it: every app's data loads, twice without change, and every
page of the navigation renders on it for the demo's own accounts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from epb.core.models import AuditEntry, User
from epb.core.navigation import NAVIGATION
from epb.core.navigation_public import public_links

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"core", "enterprises", "monitoring", "quality", "enforcement", "complaints"}
        and model is not AuditEntry
    }


def test_the_demo_loads_once_and_every_page_renders_on_it(client: Any) -> None:
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    assert first["core.OrgUnit"] > 50 and first["enterprises.Enterprise"] >= 20
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first

    urls = [url for group in NAVIGATION for item in group.items if (url := item.url())]
    for username in ("juzhang", "tianning", "wangge", "qiye"):
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code in {200, 302, 403}, (username, url, response.status_code)
    client.logout()
    for link in public_links():
        if link["url"]:
            assert client.get(str(link["url"])).status_code == 200, link["url"]
