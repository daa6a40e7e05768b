"""The centre's pages through HTTP: the public form and tracking, the workbench, staff intake,
the case page's actions, and the editable reference data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from epb.complaints.choices import Status
from epb.complaints.models import Complaint, ReplyTemplate, RoutingRule
from epb.complaints.tests.conftest import Bureau, sms_to
from epb.complaints.tests.factories import centre_of, make_complaint
from epb.core.attachments import attachments_of
from epb.core.models import AuditEntry, Clock

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def public_form(bureau: Bureau, **overrides: Any) -> dict[str, Any]:
    lon, lat = centre_of(bureau.tree.town_a2)
    data: dict[str, Any] = {
        "kind": "complaint",
        "type_code": "air.odour",
        "longitude": f"{lon:.6f}",
        "latitude": f"{lat:.6f}",
        "location_source": "map",
        "address": "青龙街道某小区",
        "description": "每天傍晚有刺鼻的化工气味",
        "identity": "anonymous",
    }
    data.update(overrides)
    return data


def test_the_public_form_renders_with_the_grid_map(client: Client, bureau: Bureau) -> None:
    page = client.get("/complaints/report/").content.decode()
    assert "data-map=" in page and "茶山街道" in page  # grid polygons are drawn
    assert "leaflet.js" in page and "cdn" not in page.lower()


def test_an_anonymous_web_complaint_with_a_photo(client: Client, bureau: Bureau) -> None:
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post("/complaints/report/", {**public_form(bureau), "photos": [photo]})
    assert response.status_code == 302 and response["Location"] == "/complaints/report/done/"
    case = Complaint.objects.get()
    assert case.grid == bureau.tree.town_a2 and case.anonymous and case.channel == "web"
    assert [a.original_name for a in attachments_of(case)] == ["现场.png"]
    done = client.get("/complaints/report/done/").content.decode()
    assert case.tracking_code in done
    track = client.post("/complaints/track/", {"code": case.tracking_code.lower().replace("-", " ")})
    body = track.content.decode()
    assert "待受理" in body and "青龙街道" in body
    assert "刺鼻的化工气味" not in body  # free text is shown only once staff publish it


def test_a_real_name_complaint_needs_the_sms_code(client: Client, bureau: Bureau) -> None:
    sent = client.post("/complaints/report/sms/", {"phone": "13711112222"}, HTTP_HX_REQUEST="true")
    assert "137****2222" in sent.content.decode()
    code = re.search(r"验证码为(\d{6})", sms_to("13711112222")[-1]).group(1)  # type: ignore[union-attr]
    form = public_form(
        bureau,
        identity="real",
        name="陈小红",
        phone="13711112222",
        sms_code="000000" if code != "000000" else "111111",
    )
    wrong = client.post("/complaints/report/", form)
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert not Complaint.objects.exists()
    response = client.post("/complaints/report/", {**form, "sms_code": code})
    assert response.status_code == 302
    case = Complaint.objects.get()
    assert not case.anonymous and case.contact is not None
    assert case.contact.phone == "13711112222" and case.contact.phone_verified


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"type_code": ""}, "请选择污染类型"),
        ({"description": "臭"}, "至少5个字"),
        ({"longitude": "", "latitude": "", "address": ""}, "标注位置"),
        ({"identity": "real"}, "请填写姓名"),
    ],
)
def test_public_form_errors_are_clear_and_change_nothing(
    client: Client, bureau: Bureau, overrides: dict[str, str], message: str
) -> None:
    response = client.post("/complaints/report/", public_form(bureau, **overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_bad_photo_rolls_everything_back(client: Client, bureau: Bureau) -> None:
    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    response = client.post("/complaints/report/", {**public_form(bureau), "photos": [bad]})
    assert response.status_code == 200 and "不支持的文件类型" in response.content.decode()
    assert not Complaint.objects.exists()


def test_duplicate_suggestions_and_adding_to_one(client: Client, bureau: Bureau) -> None:
    existing = make_complaint(bureau.tree.town_a2)
    form = public_form(bureau)
    nearby = client.get(
        "/complaints/report/nearby/",
        {
            "longitude": form["longitude"],
            "latitude": form["latitude"],
            "type_code": "air",
            "kind": "complaint",
        },
    ).content.decode()
    assert existing.number in nearby and "补充到" in nearby
    assert "刘建国" not in nearby and existing.description not in nearby
    response = client.post("/complaints/report/", {**form, "add_to": existing.number})
    assert response.status_code == 302
    added = Complaint.objects.exclude(pk=existing.pk).get()
    assert added.status == Status.MERGED and added.duplicate_of == existing
    track = client.post("/complaints/track/", {"code": added.tracking_code}).content.decode()
    assert existing.number in track and "合并办理" in track


def test_tracking_errors(client: Client, bureau: Bureau) -> None:
    assert "查询码有误" in client.post("/complaints/track/", {"code": "AAAA-AAAA-AAAA"}).content.decode()
    assert "请输入查询码" in client.post("/complaints/track/", {"code": ""}).content.decode()


def test_the_workbench_queues(client: Client, bureau: Bureau, district_officer: Any) -> None:
    mine = make_complaint(bureau.tree.town_a1)
    triage = make_complaint(bureau.tree.town_a1, type_code="air.cooking")
    other = make_complaint(bureau.tree.town_b1)
    client.force_login(district_officer)
    page = client.get("/complaints/?tab=accept").content.decode()
    assert mine.number in page and other.number not in page
    partial = client.get("/complaints/?tab=all&q=" + triage.number, HTTP_HX_REQUEST="true").content.decode()
    assert triage.number in partial and "<html" not in partial
    client.force_login(bureau.operator)
    assert triage.number in client.get("/complaints/?tab=triage").content.decode()


def test_staff_intake_of_a_phone_call(client: Client, bureau: Bureau) -> None:
    client.force_login(bureau.operator)
    assert client.get("/complaints/new/?channel=phone").status_code == 200
    lon, lat = centre_of(bureau.tree.town_b1)
    response = client.post(
        "/complaints/new/",
        {
            "kind": "complaint",
            "channel": "phone",
            "type_code": "noise.construction",
            "description": "工地夜间22点后仍在打桩",
            "address": "湖塘镇某工地",
            "longitude": lon,
            "latitude": lat,
            "name": "赵先生",
            "phone": "0519-86661234",
            "severity": 1,
            "urgency": 2,
            "visitors": 0,
        },
    )
    case = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{case.pk}/"
    assert case.recorded_by == bureau.operator and case.contact.phone == "0519-86661234"  # type: ignore[union-attr]
    assert case.suggested_agency is not None  # construction noise: the table suggests 住建


def test_case_page_actions(
    client: Client, bureau: Bureau, leader: Any, district_officer: Any, grid_officer: Any
) -> None:
    case = make_complaint(bureau.tree.town_a1)
    client.force_login(district_officer)
    page = client.get(f"/complaints/{case.pk}/").content.decode()
    assert 'data-action="accept"' in page and 'data-action="sign"' not in page
    client.post(f"/complaints/{case.pk}/do/assign/", {"handler": grid_officer.pk})
    client.post(f"/complaints/{case.pk}/do/accept/", {"note": "属实"})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.handler == grid_officer
    template = ReplyTemplate.objects.filter(kind="complaint").first()
    assert template is not None
    client.post(
        f"/complaints/{case.pk}/do/reply/",
        {
            "template": template.pk,
            "findings": "异味来自喷涂车间",
            "text": "经查属实，已责令整改。",
            "submit": "on",
        },
    )
    case.refresh_from_db()
    assert case.status == Status.REPLY_PENDING
    # A district officer cannot sign; the error comes back as a message and nothing changes.
    response = client.post(f"/complaints/{case.pk}/do/sign/", {"approve": "1"}, follow=True)
    assert "局领导" in response.content.decode()
    client.force_login(leader)
    assert 'data-action="sign"' in client.get(f"/complaints/{case.pk}/").content.decode()
    client.post(f"/complaints/{case.pk}/do/sign/", {"approve": "1", "note": "同意"})
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    letter = client.get(f"/complaints/{case.pk}/letter.docx")
    assert letter["Content-Type"].startswith("application/vnd.openxmlformats")
    client.post(
        f"/complaints/{case.pk}/do/callback/",
        {"method": "phone", "reached": "1", "satisfaction": "satisfied"},
    )
    assert case.callbacks.get().satisfaction == "satisfied"
    assert client.post(f"/complaints/{case.pk}/do/unknown/").status_code == 404
    bad = client.post(f"/complaints/{case.pk}/do/note/", {"text": ""}, follow=True)
    assert "内容" in bad.content.decode()


def test_reference_data_is_editable_by_the_centre_only(
    client: Client, bureau: Bureau, district_officer: Any
) -> None:
    rule = RoutingRule.objects.get(pollution_type__code="air")
    client.force_login(district_officer)
    assert client.get(f"/complaints/config/routing/{rule.pk}/").status_code == 403
    client.force_login(bureau.operator)
    bad = client.post(
        f"/complaints/config/routing/{rule.pk}/",
        {"pollution_type": rule.pollution_type_id, "department_code": "nope"},
    )
    assert "没有代码为 nope 的处室" in bad.content.decode()
    client.post(
        f"/complaints/config/routing/{rule.pk}/",
        {"pollution_type": rule.pollution_type_id, "department_code": "pollution", "note": "调整"},
    )
    rule.refresh_from_db()
    assert rule.department_code == "pollution"
    assert AuditEntry.objects.filter(action="complaints.routingrule.updated", actor=bureau.operator).exists()
    bad_template = client.post(
        "/complaints/config/templates/new/", {"name": "x", "kind": "complaint", "text": "{nope}"}
    )
    assert "未知的占位符" in bad_template.content.decode()
    assert client.get("/complaints/config/").status_code == 200


def test_the_workbench_speaks_english_when_asked(
    client: Client, bureau: Bureau, district_officer: Any
) -> None:
    case = make_complaint(bureau.tree.town_a1)
    client.force_login(district_officer)
    client.cookies["django_language"] = "en"
    tabs = client.get("/complaints/").content.decode()
    assert "Assigned to me" in tabs and "我承办的" not in tabs
    page = client.get(f"/complaints/{case.pk}/").content.decode()
    assert "Acceptance deadline" in page and "受理时限" not in page
    assert Clock.objects.get(kind="complaint.accept").label.endswith("受理时限")  # the record stays Chinese


def test_the_routing_table_names_divisions(client: Client, bureau: Bureau) -> None:
    client.force_login(bureau.operator)
    client.cookies["django_language"] = "en"
    page = client.get("/complaints/config/").content.decode()
    assert "<td>污染控制处</td>" in page and "<td>pollution</td>" not in page
    edit = client.get("/complaints/config/routing/new/").content.decode()
    assert "<h1>Routing rules" in edit and '<option value="pollution">污染控制处</option>' in edit
