"""The monitoring API: who sees which device, registration, status, values, readings, quarantine, commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from epb.core.models import AuditEntry
from epb.monitoring.ingest import Directory
from epb.monitoring.models import Command, Device, QuarantineEntry, Reading
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.test_ingest import store
from epb.testing.factories import make_enterprise, make_outlet
from epb.testing.fixtures import login

pytestmark = pytest.mark.django_db
API = "/api/v1/monitoring"


@pytest.fixture
def devices(tree: Any, enterprise: Any) -> dict[str, Any]:
    other = make_enterprise(tree.town_b1)
    return {
        "a": make_device(make_outlet(enterprise), sm4_key="30" * 16),
        "b": make_device(make_outlet(other)),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("leader", {"a", "b"}),
        ("district_officer", {"a"}),
        ("other_district_officer", {"b"}),
        ("enterprise_user", {"a"}),
    ],
)
def test_each_user_lists_the_devices_of_their_jurisdiction(
    who: str, sees: set[str], devices: dict[str, Any], client: Client, request: Any
) -> None:
    login(client, request.getfixturevalue(who))
    mns = {d["mn"] for d in client.get(f"{API}/devices").json()}
    assert mns == {devices[k].mn for k in sees}


def test_the_api_needs_a_login(devices: dict[str, Any], client: Client) -> None:
    assert client.get(f"{API}/devices").status_code == 401


def test_the_sm4_key_is_only_ever_shown_masked(devices: dict[str, Any], client: Client, leader: Any) -> None:
    body = login(client, leader).get(f"{API}/devices/{devices['a'].pk}").json()
    assert body["sm4_key"] == "••••3030"
    assert "30303030" not in client.get(f"{API}/devices/{devices['a'].pk}").content.decode()


def test_an_operator_registers_a_device_and_an_enterprise_cannot(
    devices: dict[str, Any], client: Client, district_officer: Any, enterprise_user: Any, enterprise: Any
) -> None:
    outlet = make_outlet(enterprise, kind="gas")
    payload = {"mn": "0101A8900017A0000000ABCD", "pw": "123456", "system": "31", "outlet_id": outlet.pk}
    response = login(client, district_officer).post(
        f"{API}/devices", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    device = Device.objects.get(mn=payload["mn"])
    assert device.org_unit == enterprise.grid and device.status.frames == 0
    assert AuditEntry.objects.filter(action="monitoring.device.created", actor=district_officer).exists()
    client.logout()
    payload["mn"] = "0101A8900017A0000000ABCE"
    response = login(client, enterprise_user).post(f"{API}/devices", payload, content_type="application/json")
    assert response.status_code == 403
    assert not Device.objects.filter(mn=payload["mn"]).exists()


def test_bad_registrations_change_nothing(
    devices: dict[str, Any], client: Client, leader: Any, enterprise: Any
) -> None:
    outlet = make_outlet(enterprise, kind="water")
    login(client, leader)
    for payload in (
        {"mn": "X1", "pw": "123456", "system": "31", "outlet_id": outlet.pk},  # gas system on a water outlet
        {"mn": devices["a"].mn, "pw": "123456", "system": "32", "outlet_id": outlet.pk},  # MN taken
        {"mn": "X2", "pw": "12;34", "system": "32", "outlet_id": outlet.pk},  # separator in PW
        {"mn": "X3", "pw": "123456", "system": "22"},  # an ambient station needs an org unit
    ):
        response = client.post(f"{API}/devices", payload, content_type="application/json")
        assert response.status_code == 422, payload
        assert "detail" in response.json()
    assert Device.objects.count() == 2


def test_a_patch_that_nulls_a_field_is_422_and_changes_nothing(
    devices: dict[str, Any], client: Client, leader: Any
) -> None:
    device = devices["a"]
    before = (device.name, device.version, device.note, device.rtd_interval)
    login(client, leader)
    for payload in (
        {"version": None},
        {"name": "新名称", "note": None},
        {"rtd_interval": 99999999999999999999},
    ):
        response = client.patch(f"{API}/devices/{device.pk}", payload, content_type="application/json")
        assert response.status_code == 422, (payload, response.content)
        assert "detail" in response.json()
    device.refresh_from_db()
    assert (device.name, device.version, device.note, device.rtd_interval) == before
    assert not AuditEntry.objects.filter(action="monitoring.device.updated").exists()


def test_status_latest_and_readings_follow_the_stored_data(
    devices: dict[str, Any], client: Client, district_officer: Any
) -> None:
    device = devices["a"]
    directory = Directory()
    for i in range(3):
        store(directory, upload(device, cn="2061", when=T0 + timedelta(hours=i), values={"w01018": 20.0 + i}))
    store(
        directory, upload(device, cn="2011", when=T0 + timedelta(hours=2, minutes=30), values={"w21003": 1.5})
    )
    login(client, district_officer)
    status = client.get(f"{API}/devices/{device.pk}/status").json()
    assert status["frames"] == 4 and status["hour_at"].startswith("2024-06-01T02:00:00")
    assert status["state"] in {"online", "offline"}
    latest = {v["code"]: v for v in client.get(f"{API}/devices/{device.pk}/latest").json()}
    assert latest["w01018"]["value"] == 22.0 and latest["w01018"]["cn"] == 2061
    assert latest["w21003"]["value"] == 1.5 and latest["w21003"]["cn"] == 2011
    rows = client.get(
        f"{API}/devices/{device.pk}/readings",
        {"cn": "2061", "start": "2024-06-01 08:00", "end": "20240601100000"},
    ).json()
    assert [r["data"]["w01018"]["Avg"] for r in rows] == [20.0, 21.0]  # Beijing times: 00:00–02:00 UTC
    assert client.get(f"{API}/devices/{device.pk}/readings", {"start": "yesterday"}).status_code == 422
    assert client.get(f"{API}/devices/{devices['b'].pk}/readings").status_code == 404


def test_quarantined_frames_are_replayed_once_the_device_is_registered(
    tree: Any, enterprise: Any, client: Client, leader: Any
) -> None:
    directory = Directory()
    frames = [upload("0101A8900016F00000009999", when=T0 + timedelta(minutes=i)) for i in range(3)]
    store(directory, *frames)
    login(client, leader)
    (entry,) = client.get(f"{API}/quarantine").json()
    assert (
        entry["mn"] == "0101A8900016F00000009999" and entry["frames"] == 3 and entry["reason"] == "unknown_mn"
    )
    assert client.post(f"{API}/quarantine/{entry['id']}/replay").status_code == 422  # not registered yet
    make_device(make_outlet(enterprise), mn="0101A8900016F00000009999")
    assert client.post(f"{API}/quarantine/{entry['id']}/replay").json() == {"replayed": 3, "remaining": 0}
    assert Reading.objects.filter(device__mn="0101A8900016F00000009999").count() == 3
    assert QuarantineEntry.objects.get().resolved_at is not None
    assert client.get(f"{API}/quarantine").json() == []
    assert client.post(f"{API}/quarantine/{entry['id']}/replay").json() == {"replayed": 0, "remaining": 0}


def test_commands_are_created_read_and_cancelled(
    devices: dict[str, Any], client: Client, district_officer: Any
) -> None:
    login(client, district_officer)
    payload = {
        "device_id": devices["a"].pk,
        "kind": "2061",
        "begin_time": "2026-03-01T08:00:00",
        "end_time": "2026-03-01T12:00:00",
    }
    created = client.post(f"{API}/commands", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "pending"
    begin = datetime.fromisoformat(body["begin_time"])
    assert begin == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # no offset given: Beijing time
    assert client.get(f"{API}/commands/{body['id']}").json()["qn"] == body["qn"]
    assert [c["id"] for c in client.get(f"{API}/commands", {"device_id": devices["a"].pk}).json()] == [
        body["id"]
    ]
    assert client.post(f"{API}/commands/{body['id']}/cancel").json()["state"] == "cancelled"
    assert client.post(f"{API}/commands/{body['id']}/cancel").status_code == 422
    bad = client.post(
        f"{API}/commands", {"device_id": devices["a"].pk, "kind": "9999"}, content_type="application/json"
    )
    assert bad.status_code == 422
    other = client.post(
        f"{API}/commands", {"device_id": devices["b"].pk, "kind": "2011"}, content_type="application/json"
    )
    assert other.status_code == 404
    assert Command.objects.count() == 1
