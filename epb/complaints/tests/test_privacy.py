"""Contact data: only the case's handlers see it, every view is logged, and it never reaches
other staff, the enterprise complained about, or any public page."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from docx import Document as DocxDocument

from epb.complaints import services
from epb.complaints.models import Complaint
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import make_complaint
from epb.core.choices import Role
from epb.core.models import AuditEntry
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db

NAME, PHONE, HOME = "周晓梅", "13766668888", "翠竹新村12幢301室"


@pytest.fixture
def case(bureau: Bureau, enterprise: Any) -> Complaint:
    complaint = make_complaint(
        bureau.tree.town_a1,
        name=NAME,
        phone=PHONE,
        enterprise=enterprise,
        description=f"我是{NAME}，家住{HOME}，电话{PHONE}，隔壁工厂每晚排放异味",
    )
    complaint = services.accept(complaint, actor=bureau.operator)
    return complaint


def reveal(client: Client, user: Any, complaint: Complaint) -> Any:
    client.force_login(user)
    return client.post(f"/complaints/{complaint.pk}/contact/", {"purpose": "回访"})


def viewed(complaint: Complaint, user: Any) -> int:
    return AuditEntry.objects.filter(
        action="complaints.contact.viewed", object_id=str(complaint.pk), actor=user
    ).count()


def test_handlers_see_the_contact_and_each_look_is_logged(
    case: Complaint, client: Client, bureau: Bureau, leader: Any, district_officer: Any, grid_officer: Any
) -> None:
    handler = make_user(Role.GRID_OFFICER, bureau.tree.town_a1)
    services.assign(case, actor=district_officer, handler=handler)
    for user in (leader, district_officer, grid_officer, bureau.operator, handler):
        response = reveal(client, user, case)
        assert response.status_code == 200, user
        assert PHONE in response.content.decode() and NAME in response.content.decode()
        assert viewed(case, user) == 1
    reveal(client, leader, case)
    assert viewed(case, leader) == 2


def test_other_staff_do_not(
    case: Complaint, client: Client, bureau: Bureau, other_district_officer: Any
) -> None:
    other_division = make_user(Role.DEPT_STAFF, department=bureau.inspection)
    neighbour_grid = make_user(Role.GRID_OFFICER, bureau.tree.town_a2)
    # Another city division sees the case (city-wide) but not who made it.
    client.force_login(other_division)
    page = client.get(f"/complaints/{case.pk}/")
    assert page.status_code == 200
    assert PHONE not in page.content.decode() and NAME not in page.content.decode()
    assert reveal(client, other_division, case).status_code == 403
    # Another district and a neighbouring grid do not even see the case.
    assert reveal(client, other_district_officer, case).status_code == 404
    assert reveal(client, neighbour_grid, case).status_code == 404
    assert not AuditEntry.objects.filter(action="complaints.contact.viewed").exists()


def test_even_a_handler_sees_it_only_on_request(case: Complaint, client: Client, leader: Any) -> None:
    client.force_login(leader)
    page = client.get(f"/complaints/{case.pk}/").content.decode()
    assert PHONE not in page and HOME not in page.split("反映内容")[0]
    assert 'data-testid="show-contact"' in page
    assert viewed(case, leader) == 0


def test_the_enterprise_complained_about_sees_nothing(
    case: Complaint, client: Client, enterprise_user: Any
) -> None:
    client.force_login(enterprise_user)
    assert client.get(f"/complaints/{case.pk}/").status_code == 403  # the centre's pages are closed to it
    assert client.get(f"/api/v1/complaints/{case.pk}").status_code == 404
    assert client.get(f"/api/v1/complaints/{case.pk}/contact").status_code == 404
    assert client.get("/api/v1/complaints/").json() == []
    assert not Complaint.objects.visible_to(enterprise_user).exists()
    # Its history shows counts only.
    from epb.complaints.analysis import enterprise_quarterly_counts
    from epb.lib.timeutil import quarter_bounds

    start, end = quarter_bounds(case.received_at)
    assert set(enterprise_quarterly_counts(case.enterprise, start, end).values()) == {1}


def test_the_api_contact_endpoint_is_for_handlers_and_logged(
    case: Complaint, client: Client, bureau: Bureau
) -> None:
    client.force_login(bureau.operator)
    data = client.get(f"/api/v1/complaints/{case.pk}/contact?purpose=callback").json()
    assert data["phone"] == PHONE
    assert (
        AuditEntry.objects.get(action="complaints.contact.viewed", actor=bureau.operator).note == "callback"
    )
    detail = client.get(f"/api/v1/complaints/{case.pk}").content.decode()
    assert PHONE not in json.dumps(json.loads(detail)["events"])
    client.force_login(make_user(Role.DEPT_STAFF, department=bureau.inspection))
    assert client.get(f"/api/v1/complaints/{case.pk}/contact").status_code == 403


def test_public_pages_and_open311_never_show_it(case: Complaint, client: Client, bureau: Bureau) -> None:
    services.publish(case, actor=bureau.operator, public_summary=case.description)
    pages = [
        client.post("/complaints/track/", {"code": case.tracking_code}),
        client.get("/complaints/replies/"),
        client.get("/open311/v2/requests.json"),
        client.get("/open311/v2/requests.xml"),
        client.get(f"/open311/v2/requests/{case.number}.json"),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert PHONE not in body and NAME not in body, response.request["PATH_INFO"]
    assert "隔壁工厂每晚排放异味" in pages[1].content.decode()  # the published, masked text


def test_the_audit_log_does_not_copy_the_contact(case: Complaint) -> None:
    for entry in AuditEntry.objects.all():
        assert PHONE not in json.dumps([entry.before, entry.after, entry.changes], ensure_ascii=False)


def test_the_reply_letter_names_the_complainant_only_for_a_handler(
    case: Complaint, client: Client, bureau: Bureau, leader: Any
) -> None:
    services.save_reply(
        case, actor=bureau.operator, text="经查属实，已责令整改。", findings="现场检查", submit=True
    )
    services.sign_reply(case.replies.get(), actor=leader, approve=True)

    def letter_text(user: Any) -> str:
        client.force_login(user)
        response = client.get(f"/complaints/{case.pk}/letter.docx")
        assert response.status_code == 200
        return "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)

    assert f"{NAME}：" in letter_text(leader)
    assert viewed(case, leader) == 1
    other = letter_text(make_user(Role.DEPT_STAFF, department=bureau.inspection))
    assert "举报人：" in other and NAME not in other


@pytest.mark.parametrize(
    "url",
    [
        "/complaints/",
        "/complaints/analysis/",
        "/complaints/reception/",
        "/complaints/supervision/",
        "/complaints/config/",
    ],
)
def test_enterprise_accounts_have_no_access_to_the_centres_pages(
    url: str, client: Client, enterprise_user: Any, public_user: Any
) -> None:
    client.force_login(enterprise_user)
    assert client.get(url).status_code == 403
    client.force_login(public_user)
    assert client.get(url).status_code == 302  # the public belongs on the portal
