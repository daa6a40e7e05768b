"""The 12369 centre in a real browser: a complaint filed on a phone goes all the way to the monthly
bulletin; the analysis page draws its charts and hotspot layers."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document as DocxDocument

from epb.complaints.choices import Status
from epb.complaints.models import Complaint
from epb.complaints.services.config import ensure_reference_data
from epb.complaints.tests.factories import centre_of, make_complaint
from epb.core import services as core_services
from epb.core.choices import Role
from epb.core.geography import invalidate_grid_index
from epb.core.models import AuditEntry
from epb.core.notify_backends import LoggingSmsBackend
from epb.testing.browser import log_in
from epb.testing.factories import make_org_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
PHONE = "13912340000"


def bureau() -> dict[str, Any]:
    ensure_reference_data()  # a transactional test before this one may have emptied the tables
    tree = make_org_tree()
    for code, name in (("inspection", "环境监察支队"), ("petition", "12369环境信访投诉受理中心")):
        core_services.create_department(actor=None, code=code, name=name, org_unit=tree.city)
    invalidate_grid_index()
    return {
        "tree": tree,
        "district": make_user(Role.DISTRICT_STAFF, tree.district_a, username="tianning", password=PASSWORD),
        "grid": make_user(Role.GRID_OFFICER, tree.town_a1, username="wangge", password=PASSWORD),
        "leader": make_user(Role.LEADERSHIP, username="juzhang", password=PASSWORD, display_name="王局长"),
    }


def click_on_map(page: Any, lon: float, lat: float) -> None:
    box = page.locator("[data-pick]").bounding_box()
    point = page.evaluate(
        "([lat, lon]) => { const map = document.querySelector('[data-pick]')._map;"
        " const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon],
    )
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def test_a_complaint_from_a_phone_to_the_monthly_bulletin(phone_page: Any, page: Any) -> None:
    people = bureau()
    tree = people["tree"]
    LoggingSmsBackend.sent.clear()
    errors: list[str] = []
    phone_page.on("pageerror", lambda e: errors.append(str(e)))

    # 1. A citizen reports an odour on the public form, on a phone, with their real name.
    phone_page.goto("/complaints/report/")
    phone_page.select_option("#id_type_code", "air.odour")
    phone_page.wait_for_function("document.querySelector('[data-pick]')._map !== undefined")
    lon, lat = centre_of(tree.town_a1)
    click_on_map(phone_page, lon, lat)
    phone_page.wait_for_function("document.getElementById('id_longitude').value !== ''")
    assert "已标注" in phone_page.locator("[data-pick-status]").inner_text()
    phone_page.fill("#id_address", "茶山街道翠竹新村东门")
    phone_page.fill("#id_description", "每天傍晚有刺鼻的化工气味，开窗就能闻到。")
    assert not phone_page.locator(".real-only").is_visible()  # anonymous by default
    phone_page.check("input[name=identity][value=real]")
    phone_page.fill("#id_name", "周晓梅")
    phone_page.fill("#id_phone", PHONE)
    phone_page.click("[data-testid=send-code]")
    phone_page.wait_for_selector("[data-testid=sms-sent]")
    code = re.search(r"验证码为(\d{6})", LoggingSmsBackend.sent[-1][1]).group(1)  # type: ignore[union-attr]
    phone_page.fill("#id_sms_code", code)
    phone_page.click("[data-testid=public-submit]")
    phone_page.wait_for_url("**/complaints/report/done/")
    tracking = phone_page.locator("[data-testid=tracking-code]").inner_text().strip()
    case = Complaint.objects.get(tracking_code=tracking)

    # 2. Routed by its location to the grid, and to the division by its type.
    assert case.grid == tree.town_a1 and case.department is not None and case.department.code == "inspection"
    assert case.contact is not None and case.contact.phone_verified

    # 3. The district accepts it in the staff UI and gives it to the grid officer.
    log_in(page, "tianning", PASSWORD)
    page.goto(f"/complaints/{case.pk}/")
    assert page.locator("[data-testid=grid]").inner_text().endswith("茶山街道")
    page.click("[data-action=assign] summary")
    page.select_option("[data-action=assign] select[name=handler]", str(people["grid"].pk))
    page.click("[data-testid=do-assign]")
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=status]:has-text('办理中')")

    # 4. The grid officer handles it and drafts the reply (HTTP, as the staff UI posts it).
    grid = Client()
    grid.force_login(people["grid"])
    grid.post(
        f"/complaints/{case.pk}/do/reply/",
        {
            "findings": "喷涂车间废气收集设施破损。",
            "text": "经查属实，已责令企业修复废气收集设施并限期整改。",
            "submit": "on",
        },
    )
    case.refresh_from_db()
    assert case.status == Status.REPLY_PENDING

    # 5. A leader signs it off in the browser; the reply goes to the complainant.
    page.click("[data-testid=logout]")
    log_in(page, "juzhang", PASSWORD)
    page.goto(f"/complaints/{case.pk}/")
    page.click("[data-testid=do-sign]")
    page.wait_for_selector("[data-testid=signed-reply]")
    assert "限期整改" in page.locator("[data-testid=signed-reply]").inner_text()
    assert any(to == PHONE and "已办结" in text for to, text in LoggingSmsBackend.sent)

    # 6. The citizen reads the reply with the tracking code, on the phone.
    phone_page.goto("/complaints/track/")
    phone_page.fill("input[name=code]", tracking)
    phone_page.click("[data-testid=track-submit]")
    assert phone_page.locator("[data-testid=track-status]").inner_text() == "已办结"
    assert "限期整改" in phone_page.locator("[data-testid=track-reply]").inner_text()
    assert PHONE not in phone_page.content() and "周晓梅" not in phone_page.content()

    # 7. The grid officer calls back; the complainant is satisfied. Looking up the phone is logged.
    page.click("[data-testid=logout]")
    log_in(page, "wangge", PASSWORD)
    page.goto(f"/complaints/{case.pk}/")
    page.click("[data-testid=show-contact]")
    assert PHONE in page.locator("[data-testid=contact]").inner_text()
    assert AuditEntry.objects.filter(action="complaints.contact.viewed", actor=people["grid"]).exists()
    page.click("[data-action=callback] summary")
    page.check("[data-action=callback] input[name=satisfaction][value=satisfied]")
    page.click("[data-testid=do-callback]")
    page.wait_for_selector("text=回访已记录")
    assert case.callbacks.get().satisfaction == "satisfied"

    # 8. And it is in this month's bulletin, with its callback and satisfaction.
    leader = Client()
    leader.force_login(people["leader"])
    response = leader.get(
        "/complaints/analysis/bulletin/monthly/", {"date": timezone.localdate().isoformat(), "format": "docx"}
    )
    document = DocxDocument(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "共收到环境信访1件" in text and "已办结1件" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "天宁区" in cells and "100.0%" in cells  # called back, and satisfied
    assert errors == []


def test_analysis_draws_charts_and_hotspot_layers_and_the_queue_filters_in_place(page: Any) -> None:
    people = bureau()
    tree = people["tree"]
    for town in (tree.town_a1, tree.town_a1, tree.town_a2, tree.town_b1):
        make_complaint(town)
    make_complaint(tree.town_a1, type_code="noise.construction")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, "juzhang", PASSWORD)
    page.goto("/complaints/analysis/")
    page.wait_for_function("document.querySelectorAll('[data-echarts] canvas').length >= 9")
    page.wait_for_function("document.getElementById('hotspot-map').dataset.layers === '热力图,聚合点'")
    assert page.locator("#hotspot-map canvas.leaflet-heatmap-layer").count() == 1
    assert page.locator("#hotspot-map .marker-cluster, #hotspot-map .leaflet-marker-icon").count() >= 1
    # The workbench filters swap the queue in place (htmx), without reloading the page.
    page.goto("/complaints/?tab=all")
    page.evaluate("window.__marker = 1")
    assert page.locator("[data-testid=queue] tbody tr").count() == 5
    page.select_option("select[name=type]", "noise")
    page.wait_for_function("document.querySelectorAll('[data-testid=queue] tbody tr').length === 1")
    assert page.evaluate("window.__marker") == 1
    assert errors == []
