"""Registry pages and API: the enterprise page (一企一档) with its history, filters, export, import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from epb.enterprises.sections import Link, Section, register_section, unregister_section
from epb.enterprises.tests.factories import make_licence
from epb.enterprises.tests.test_import import good
from epb.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_enterprise_page_shows_licences_history_and_sections(
    enterprise: Any, district_officer: Any, enterprise_user: Any
) -> None:
    make_licence(enterprise, expires_on=dt.date.today() + dt.timedelta(days=30))

    def devices(e: Any, user: Any) -> Section:
        return Section("监控设备", ["编号", ""], [["MN001", Link("详情", "/x/")]], empty="无")

    def broken(e: Any, user: Any) -> Section:
        raise RuntimeError("暂不可用")

    register_section("test_devices", devices, order=1)
    register_section("test_broken", broken, order=2)
    try:
        for user in (district_officer, enterprise_user):
            page = _client(user).get(enterprise.get_absolute_url()).content.decode()
            assert 'data-licence-state="expiring"' in page
            assert 'data-testid="status-strip"' in page and "监控设备" in page and "MN001" in page
            assert "暂不可用" in page
            assert 'data-row="inspections"' in page  # enforcement's provider is registered
    finally:
        unregister_section("test_devices")
        unregister_section("test_broken")


def test_other_districts_and_other_enterprises_get_404(
    tree: Any, enterprise: Any, other_district_officer: Any, enterprise_user: Any
) -> None:
    other = make_enterprise(tree.town_a2)
    assert _client(other_district_officer).get(enterprise.get_absolute_url()).status_code == 404
    assert _client(enterprise_user).get(other.get_absolute_url()).status_code == 404
    assert _client(enterprise_user).get(f"/api/v1/enterprises/{other.pk}/history").status_code == 404


def test_list_filters_and_excel_export(tree: Any, district_officer: Any) -> None:
    lead = make_enterprise(tree.town_a1, name="铅蓄电池厂", flags=["lead"], source_class="key")
    make_enterprise(tree.town_a2, name="纺织厂", flags=["textile"])
    client = _client(district_officer)
    page = client.get(reverse("enterprises:list"), {"flag": "lead"}).content.decode()
    assert lead.name in page and "纺织厂" not in page
    page = client.get(reverse("enterprises:list"), {"grid": tree.town_a2.pk}).content.decode()
    assert "纺织厂" in page and lead.name not in page
    export = client.get(reverse("enterprises:list"), {"format": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_import_page_reports_and_template_downloads(
    tree: Any, district_officer: Any, grid_officer: Any
) -> None:
    client = _client(district_officer)
    assert client.get(reverse("enterprises:import_template")).content[:2] == b"PK"
    data = good(tree)
    data.name = "registry.xlsx"
    page = client.post(reverse("enterprises:import"), {"file": data}).content.decode()
    assert "导入成功" in page and "ignored-columns" not in page
    book = load_workbook(good(tree))
    book["企业"].cell(1, book["企业"].max_column + 1, "法人代表")  # not a column of the template
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "registry.xlsx"
    page = client.post(reverse("enterprises:import"), {"file": data}).content.decode()
    assert "导入成功" in page and "没有导入（请核对列名）：企业：法人代表" in page
    assert _client(grid_officer).get(reverse("enterprises:import")).status_code == 403


def test_api_history_and_licences(enterprise: Any, district_officer: Any) -> None:
    make_licence(enterprise, expires_on=dt.date.today() + dt.timedelta(days=10))
    client = _client(district_officer)
    history = client.get(f"/api/v1/enterprises/{enterprise.pk}/history").json()
    assert len(history["quarters"]) == 13 and len(history["status"]) == 13
    assert {row["key"] for row in history["rows"]} >= {"inspections", "violations", "measures", "penalties"}
    expiring = client.get("/api/v1/enterprises/licences", {"state": "expiring"}).json()
    assert [item["state"] for item in expiring] == ["expiring"]


def test_licence_and_contact_forms(enterprise: Any, district_officer: Any, enterprise_user: Any) -> None:
    client = _client(district_officer)
    response = client.post(
        reverse("enterprises:licence_create", args=[enterprise.pk]),
        {"kind": "discharge_permit", "number": "P-9", "issued_on": "2026-01-01", "expires_on": "2025-01-01"},
    )
    assert response.status_code == 200 and "有效期至不能早于发证日期" in response.content.decode()
    ent = _client(enterprise_user)
    response = ent.post(
        reverse("enterprises:contact_create", args=[enterprise.pk]),
        {"role": "officer", "name": "王工", "mobile": "138", "is_active": "on"},
    )
    assert "手机" in response.content.decode() and not enterprise.contacts.exists()
    ent.post(
        reverse("enterprises:contact_create", args=[enterprise.pk]),
        {"role": "officer", "name": "王工", "mobile": "13800000000", "is_active": "on"},
    )
    assert enterprise.contacts.get().name == "王工"
