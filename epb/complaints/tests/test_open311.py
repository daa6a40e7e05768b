"""Open311 GeoReport v2 from a plain HTTP client: form-encoded POSTs, XML and JSON responses,
the spec's field names and error documents."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from epb.complaints import services
from epb.complaints.models import Complaint, DeclineReason
from epb.complaints.tests.conftest import Bureau
from epb.complaints.tests.factories import centre_of, make_complaint
from epb.core import services as core_services
from epb.core.choices import Role
from epb.testing.factories import make_user

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture
def api_key(bureau: Bureau) -> str:
    client_user = make_user(Role.DEPT_STAFF, department=bureau.petition, username="hotline12345")
    _token, raw = core_services.issue_api_token(client_user, actor=None, name="12345政府服务热线")
    return raw


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def test_services_list_in_xml_and_json(client: Client, bureau: Bureau) -> None:
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    services_ = root.findall("service")
    codes = {s.findtext("service_code") for s in services_}
    assert {"air.odour", "noise.construction", "water", "consultation"} <= codes
    odour = next(s for s in services_ if s.findtext("service_code") == "air.odour")
    assert [child.tag for child in odour] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert odour.findtext("group") == "大气污染" and odour.findtext("type") == "realtime"
    data = client.get("/open311/v2/services.json").json()
    assert {s["service_code"] for s in data} == codes
    assert next(s for s in data if s["service_code"] == "air.odour")["metadata"] is True


def test_service_definition(client: Client, bureau: Bureau) -> None:
    root = xml(client.get("/open311/v2/services/air.odour.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "air.odour"
    attributes = root.find("attributes")
    assert attributes is not None
    mass = next(a for a in attributes.findall("attribute") if a.findtext("code") == "is_mass")
    assert mass.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in mass.find("values").findall("value")] == ["0", "1"]  # type: ignore[union-attr]
    missing = client.get("/open311/v2/services/nothing.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404 and "nothing" in missing.json()[0]["description"]


def test_post_a_request_form_encoded_and_read_it_back(client: Client, bureau: Bureau, api_key: str) -> None:
    lon, lat = centre_of(bureau.tree.town_a2)
    response = client.post(
        "/open311/v2/requests.xml",
        {
            "api_key": api_key,
            "service_code": "noise.industrial",
            "lat": f"{lat}",
            "long": f"{lon}",
            "address_string": "青龙街道龙锦路",
            "description": "工厂夜间机器轰鸣，影响休息",
            "first_name": "晓明",
            "last_name": "王",
            "phone": "13600001234",
            "attribute[reported_unit]": "某机械厂",
            "media_url": "http://example.org/photo.jpg",
        },
    )
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    number = request.findtext("service_request_id")
    assert request.find("token") is None  # realtime: an id, not a token
    assert "15日" in (request.findtext("service_notice") or "")
    case = Complaint.objects.get(number=number)
    assert case.channel == "open311" and case.channel_detail == "12345政府服务热线"
    assert case.grid == bureau.tree.town_a2 and case.reported_unit == "某机械厂"
    assert case.contact is not None and case.contact.name == "王晓明" and not case.anonymous
    # The client reads it back with its key, in both formats, with every spec field.
    one = client.get(f"/open311/v2/requests/{number}.json", {"api_key": api_key}).json()
    assert list(one[0]) == REQUEST_FIELDS
    assert one[0]["status"] == "open" and one[0]["service_code"] == "noise.industrial"
    assert one[0]["expected_datetime"].endswith("+08:00")
    item = xml(client.get(f"/open311/v2/requests/{number}.xml", {"api_key": api_key})).find("request")
    assert item is not None and [child.tag for child in item] == REQUEST_FIELDS
    assert item.findtext("lat") == f"{lat}" or abs(float(item.findtext("lat") or 0) - lat) < 1e-6


@pytest.mark.parametrize(
    ("data", "status", "text"),
    [
        (
            {"service_code": "air.odour", "lat": "31.8", "long": "119.9", "description": "异味"},
            403,
            "api_key",
        ),
        ({"api_key": "epb_wrong", "service_code": "air.odour", "description": "异味"}, 403, "api_key"),
        ({"api_key": "{key}", "description": "异味", "address_string": "某路"}, 400, "service_code"),
        (
            {"api_key": "{key}", "service_code": "nope", "description": "异味", "address_string": "某路"},
            404,
            "nope",
        ),
        ({"api_key": "{key}", "service_code": "air.odour", "description": "异味很重"}, 400, "location"),
        (
            {"api_key": "{key}", "service_code": "air.odour", "lat": "x", "long": "1", "description": "异味"},
            400,
            "lat",
        ),
        ({"api_key": "{key}", "service_code": "air.odour", "address_string": "某路"}, 400, "description"),
        (
            {"api_key": "{key}", "service_code": "air.odour", "address_string": "某路", "description": "臭"},
            400,
            "至少",
        ),
        (  # a NUL cannot be stored on PostgreSQL: refused on every database
            {
                "api_key": "{key}",
                "service_code": "air.odour",
                "address_string": "某路",
                "description": "异味\x00很重",
            },
            400,
            "NUL",
        ),
    ],
)
def test_post_errors_follow_the_spec(
    client: Client, bureau: Bureau, api_key: str, data: dict[str, str], status: int, text: str
) -> None:
    data = {k: (v.replace("{key}", api_key) if isinstance(v, str) else v) for k, v in data.items()}
    before = Complaint.objects.count()
    response = client.post("/open311/v2/requests.xml", data)
    assert response.status_code == status
    root = xml(response)
    assert root.tag == "errors"
    error = root.find("error")
    assert error is not None and error.findtext("code") == str(status)
    assert text in (error.findtext("description") or "")
    assert Complaint.objects.count() == before
    as_json = client.post("/open311/v2/requests.json", data)
    assert as_json.status_code == status and as_json.json()[0]["code"] == status


def test_bad_transport_gets_the_spec_error_document(client: Client, bureau: Bureau, settings: Any) -> None:
    """Errors below the views (NUL in a query, a body too large, a broken multipart body) are
    answered in the spec's error format, not as a Django error page."""
    response = client.get("/open311/v2/requests.json", {"status": "open\x00"})
    assert response.status_code == 400 and "NUL" in response.json()[0]["description"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post("/open311/v2/requests.xml", {"description": "x" * 500})
    assert response.status_code == 413 and xml(response).find("error/code").text == "413"  # type: ignore[union-attr]
    response = client.generic("POST", "/open311/v2/requests.json", b"x=1", content_type="multipart/form-data")
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_get_requests_shows_the_public_only_what_is_published(
    client: Client, bureau: Bureau, api_key: str, leader: Any
) -> None:
    hidden = make_complaint(bureau.tree.town_a1)
    shown = services.accept(make_complaint(bureau.tree.town_a1), actor=bureau.operator)
    services.publish(shown, actor=bureau.operator, public_summary="某厂夜间排放异味，已受理调查。")
    declined = make_complaint(bureau.tree.town_a2)
    services.decline(declined, actor=bureau.operator, reason=DeclineReason.objects.get(code="vague"))
    public = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in public] == [shown.number]
    assert public[0]["description"] == "某厂夜间排放异味，已受理调查。"
    assert public[0]["lat"] == round(shown.latitude, 3)  # type: ignore[arg-type]
    assert client.get(f"/open311/v2/requests/{hidden.number}.json").status_code == 404
    # A machine client with a staff key sees what its user may see, in full.
    with_key = client.get("/open311/v2/requests.json", {"api_key": api_key}).json()
    assert {r["service_request_id"] for r in with_key} == {hidden.number, shown.number, declined.number}
    closed = client.get("/open311/v2/requests.json", {"api_key": api_key, "status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [declined.number]
    assert closed[0]["status_notes"].startswith("不予受理")
    several = client.get(
        "/open311/v2/requests.xml",
        {"api_key": api_key, "service_request_id": f"{hidden.number},{declined.number}"},
    )
    assert len(xml(several).findall("request")) == 2
    bad = client.get(
        "/open311/v2/requests.json",
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    )
    assert bad.status_code == 400 and "90" in bad.json()[0]["description"]
    naive = client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00"})
    assert naive.status_code == 400


def test_a_tracking_code_is_a_token(client: Client, bureau: Bureau) -> None:
    case = make_complaint(bureau.tree.town_a1)
    root = xml(client.get(f"/open311/v2/tokens/{case.tracking_code}.xml"))
    request = root.find("request")
    assert request is not None
    assert (
        request.findtext("service_request_id") == case.number
        and request.findtext("token") == case.tracking_code
    )
    assert client.get("/open311/v2/tokens/AAAA-AAAA-AAAA.json").status_code == 404


def test_jurisdiction_discovery_and_unknown_resources(client: Client, bureau: Bureau, settings: Any) -> None:
    settings.COMPLAINTS_OPEN311_JURISDICTION = "changzhou.gov.cn"
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "changzhou.gov.cn"}).status_code == 200
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "sfgov.org"}).status_code == 404
    discovery = xml(client.get("/open311/v2/discovery.xml"))
    endpoint = discovery.find("endpoints/endpoint")
    assert (
        endpoint is not None and endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    )
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    unknown = client.get("/open311/v2/services.csv")
    assert unknown.status_code == 404 and xml(unknown).tag == "errors"
