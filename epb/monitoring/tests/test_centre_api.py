"""The centre's API: alarms and their handling, statistics with coverage, an outlet's limits,
capture rates, loads, permitted totals, forwarding targets — all through the jurisdiction filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from epb.core import audit
from epb.monitoring.centre.alarms import Evidence, apply_evidence
from epb.monitoring.centre.context import DeviceContext
from epb.monitoring.centre.stats import compute_days
from epb.monitoring.choices import AlarmKind
from epb.monitoring.models import Alarm, ForwardTarget
from epb.monitoring.tests.centre import at, frame, store
from epb.monitoring.tests.factories import make_device
from epb.testing.factories import make_enterprise, make_outlet
from epb.testing.fixtures import login

pytestmark = pytest.mark.django_db
API = "/api/v1/monitoring"
DAY = dt.date(2026, 3, 2)
H = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def device(enterprise: Any) -> Any:
    device = make_device(make_outlet(enterprise), min_interval=60)
    frames = [
        frame(
            device,
            "2051",
            H - dt.timedelta(hours=8) + dt.timedelta(hours=i),
            {"w01018": 30.0, "w00000": 10.0},
        )
        for i in range(24)
    ]
    store(*frames, received=H + dt.timedelta(hours=17))
    compute_days(DeviceContext(device), [DAY], NOW)
    return device


@pytest.fixture
def alarm(device: Any) -> Alarm:
    apply_evidence(
        device,
        [Evidence("w01018", AlarmKind.EXCEEDANCE, H, H + dt.timedelta(hours=1), value=60.0, limit_max=50.0)],
        now=H,
    )
    return Alarm.objects.get()


def test_alarms_are_listed_within_the_jurisdiction(
    client: Client, alarm: Alarm, tree: Any, district_officer: Any, other_district_officer: Any
) -> None:
    login(client, district_officer)
    rows = client.get(f"{API}/alarms", {"kind": "exceedance"}).json()
    assert [r["id"] for r in rows] == [alarm.pk] and rows[0]["title"].startswith("超标")
    assert client.get(f"{API}/alarms", {"factor": "w21003"}).json() == []
    assert client.get(f"{API}/alarms", {"since": "bad"}).status_code == 422
    login(client, other_district_officer)
    assert client.get(f"{API}/alarms").json() == []
    assert client.get(f"{API}/alarms/{alarm.pk}").status_code == 404


def test_the_enterprise_acknowledges_and_handles_through_the_api(
    client: Client, alarm: Alarm, enterprise_user: Any, leader: Any
) -> None:
    login(client, enterprise_user)
    assert client.post(f"{API}/alarms/{alarm.pk}/acknowledge").json()["state"] == "acknowledged"
    bad = client.post(
        f"{API}/alarms/{alarm.pk}/handle", {"cause": "", "measures": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    done = client.post(
        f"{API}/alarms/{alarm.pk}/handle",
        {"cause": "停电", "measures": "恢复供电"},
        content_type="application/json",
    )
    assert done.json()["state"] == "handled"
    assert (
        client.post(
            f"{API}/alarms/{alarm.pk}/close", {"note": ""}, content_type="application/json"
        ).status_code
        == 403
    )
    login(client, leader)
    assert (
        client.post(f"{API}/alarms/{alarm.pk}/close", {}, content_type="application/json").json()["state"]
        == "closed"
    )


def test_statistics_carry_their_coverage(client: Client, device: Any, district_officer: Any) -> None:
    login(client, district_officer)
    outlet = device.outlet.pk
    days = client.get(
        f"{API}/outlets/{outlet}/daily", {"factor": "w01018", "first": "2026-03-01", "last": "2026-03-03"}
    ).json()
    (day,) = days
    assert (day["day"], day["status"], day["valid"], day["expected"], day["method"]) == (
        "2026-03-02",
        "valid",
        24,
        24,
        "flow_weighted",
    )
    hours = client.get(
        f"{API}/outlets/{outlet}/hourly",
        {"factor": "w01018", "start": "2026-03-02 00:00", "end": "2026-03-03 00:00"},
    ).json()
    assert len(hours) == 24 and all(h["observed"] == 1 for h in hours)
    assert client.get(f"{API}/outlets/{outlet}/hourly", {"start": "yesterday"}).status_code == 422


def test_limits_capture_and_loads(
    client: Client, device: Any, district_officer: Any, enterprise_user: Any
) -> None:
    login(client, district_officer)
    outlet = device.outlet.pk
    limits = client.get(f"{API}/outlets/{outlet}/limits", {"date": "2026-03-02"}).json()
    assert (limits["standard"], limits["class_id"]) == ("GB18918", "1A")
    cod = next(r for r in limits["limits"] if r["item"] == "w01018")
    assert cod["max"] == 50 and cod["standard"] == "GB 18918-2002"
    created = client.post(
        f"{API}/outlets/{outlet}/overrides",
        {"item": "w01018", "max_value": 40, "effective_from": "2026-01-01", "reference": "许可证"},
        content_type="application/json",
    )
    assert created.status_code == 201
    cod = next(
        r for r in client.get(f"{API}/outlets/{outlet}/limits").json()["limits"] if r["item"] == "w01018"
    )
    assert (cod["max"], cod["standard"], cod["reference"]) == (40, "override", "许可证")
    with at(NOW):
        (rate,) = client.get(
            f"{API}/capture", {"period": "day", "date": "2026-03-02", "device_id": device.pk}
        ).json()
    assert (rate["hours"], rate["invalid_hours"], rate["capture_pct"]) == (24, 0, 100.0)
    (load,) = client.get(f"{API}/outlets/{outlet}/loads", {"period": "day", "date": "2026-03-02"}).json()
    assert load["factor"] == "w01018" and load["kg"] == pytest.approx(24 * 30 * 36 * 1e-3)
    login(client, enterprise_user)
    assert (
        client.post(
            f"{API}/outlets/{outlet}/overrides",
            {"item": "w01018", "max_value": 400, "effective_from": "2026-01-01", "reference": "自定"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_permitted_totals_and_their_use(
    client: Client, device: Any, enterprise: Any, district_officer: Any
) -> None:
    login(client, district_officer)
    url = f"{API}/enterprises/{enterprise.pk}/permitted-totals"
    response = client.post(
        url,
        {"item": "w01018", "year": 2026, "tonnes": "10", "reference": "许可证"},
        content_type="application/json",
    )
    assert response.status_code == 201
    with at(NOW):
        (total,) = client.get(url).json()
    assert total["used_t"] == pytest.approx(24 * 30 * 36 * 1e-6)
    assert total["percent_used"] == pytest.approx(100 * 24 * 30 * 36 * 1e-6 / 10)


def test_forwarding_targets_are_the_citys(
    client: Client, device: Any, leader: Any, district_officer: Any
) -> None:
    audit.create(ForwardTarget, actor=None, name="省监控中心", host="10.0.0.1", port=9212, all_devices=True)
    login(client, leader)
    (target,) = client.get(f"{API}/forward-targets").json()
    assert target["queued"] == 0 and target["all_devices"]
    payload = {"name": "市监控中心", "host": "10.0.0.2", "port": 9212, "device_ids": [device.pk]}
    created = client.post(f"{API}/forward-targets", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["device_ids"] == [device.pk]
    bad = client.post(f"{API}/forward-targets", payload | {"port": 0}, content_type="application/json")
    assert bad.status_code == 422 and ForwardTarget.objects.count() == 2
    login(client, district_officer)
    assert client.get(f"{API}/forward-targets").json() == []
    assert client.post(f"{API}/forward-targets", payload, content_type="application/json").status_code == 403


def test_an_other_enterprise_sees_nothing(client: Client, device: Any, tree: Any) -> None:
    from epb.core.choices import Role
    from epb.testing.factories import make_user

    stranger = make_user(Role.ENTERPRISE)
    make_enterprise(tree.town_a1).members.add(stranger)
    login(client, stranger)
    assert client.get(f"{API}/outlets/{device.outlet.pk}/daily").status_code == 404
    assert client.get(f"{API}/capture").json() == []
