"""The monitoring centre's pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from epb.monitoring import services
from epb.monitoring.ingest import Directory
from epb.monitoring.models import Command, Device, QuarantineEntry, Reading
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.test_ingest import store
from epb.testing.factories import make_enterprise, make_outlet
from epb.testing.fixtures import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(enterprise: Any) -> Any:
    device = make_device(make_outlet(enterprise), sm4_key="0123456789ABCDEF0123456789ABCDEF")
    directory = Directory()
    store(directory, upload(device, cn="2061"), upload(device, when=T0 + timedelta(minutes=5)))
    return device


def test_the_centre_lists_visible_devices_with_their_state(
    device: Any, tree: Any, client: Client, district_officer: Any
) -> None:
    hidden = make_device(make_outlet(make_enterprise(tree.town_b1)))
    store(Directory(), upload("UNKNOWN000000001"))
    html = login(client, district_officer).get(reverse("monitoring:devices")).content.decode()
    assert device.mn in html and hidden.mn not in html
    assert "离线" in html  # the 2024 packets are long past
    leader_html = Client()
    assert leader_html.get(reverse("monitoring:devices")).status_code == 302  # login first


def test_the_centre_shows_the_quarantine_count_to_the_city(device: Any, client: Client, leader: Any) -> None:
    store(Directory(), upload("UNKNOWN000000001"), upload("UNKNOWN000000002"))
    response = login(client, leader).get(reverse("monitoring:devices"), {"state": "offline"})
    assert response.context["quarantined"] == 2
    assert [d.mn for d, _live in response.context["page"]] == [device.mn]


def test_the_public_is_sent_to_the_portal(device: Any, client: Client, public_user: Any) -> None:
    assert login(client, public_user).get(reverse("monitoring:devices")).status_code == 302


def test_the_device_page_shows_latest_values_and_a_chart_but_never_the_key(
    device: Any, client: Client, enterprise_user: Any
) -> None:
    response = login(client, enterprise_user).get(device.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "w01018" in html and "化学需氧量" in html
    assert "0123456789ABCDEF" not in html and "CDEF" in html  # masked
    assert "下发" not in html  # enterprises see commands, do not send them


def test_an_operator_registers_a_device_from_the_quarantine_and_replays(
    enterprise: Any, client: Client, leader: Any
) -> None:
    store(
        Directory(), *[upload("0101A8900016F000000077AA", when=T0 + timedelta(minutes=i)) for i in range(2)]
    )
    entry = QuarantineEntry.objects.get()
    login(client, leader)
    page = client.get(reverse("monitoring:quarantine_entry", args=[entry.pk])).content.decode()
    assert "登记此设备" in page
    form = client.get(reverse("monitoring:device_register"), {"mn": entry.mn, "pw": "123456"})
    assert form.context["form"].initial["mn"] == entry.mn
    outlet = make_outlet(enterprise)
    response = client.post(
        reverse("monitoring:device_register"),
        {
            "mn": entry.mn,
            "pw": "123456",
            "system": "32",
            "outlet": outlet.pk,
            "version": "",
            "crc_variants": ["hj212"],
            "accept_lowercase_crc": "on",
            "encoding": "utf-8",
            "rtd_interval": 30,
            "min_interval": 10,
        },
    )
    device = Device.objects.get(mn=entry.mn)
    assert response.status_code == 302 and response["Location"] == device.get_absolute_url()
    client.post(reverse("monitoring:quarantine_replay", args=[entry.pk]))
    assert Reading.objects.filter(device=device).count() == 2


def test_a_bad_registration_shows_the_reason(enterprise: Any, client: Client, leader: Any) -> None:
    outlet = make_outlet(enterprise, kind="water")
    response = login(client, leader).post(
        reverse("monitoring:device_register"),
        {"mn": "X1", "pw": "123456", "system": "31", "outlet": outlet.pk, "crc_variants": ["hj212"]}
        | {"encoding": "utf-8", "rtd_interval": 30, "min_interval": 10},
    )
    assert response.status_code == 200
    assert "不符" in response.content.decode()
    assert not Device.objects.filter(mn="X1").exists()


def test_the_sm4_key_is_kept_when_the_form_leaves_it_empty(device: Any, client: Client, leader: Any) -> None:
    form = login(client, leader).get(reverse("monitoring:device_edit", args=[device.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("sm4_key", "is_active")}
    data |= {"outlet": device.outlet_id, "name": "新名称", "is_active": "on", "accept_lowercase_crc": "on"}
    response = client.post(reverse("monitoring:device_edit", args=[device.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    device.refresh_from_db()
    assert device.name == "新名称" and device.sm4_key == "0123456789ABCDEF0123456789ABCDEF"


def test_commands_are_sent_from_the_device_page_and_followed_on_their_own(
    device: Any, client: Client, district_officer: Any
) -> None:
    login(client, district_officer)
    response = client.post(reverse("monitoring:command_create", args=[device.pk]), {"kind": "1012"})
    command = Command.objects.get()
    assert response["Location"] == reverse("monitoring:command", args=[command.pk])
    page = client.get(response["Location"]).content.decode()
    assert "待发送" in page and 'hx-trigger="every 2s"' in page
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section class="card" id="command-state"')
    client.post(reverse("monitoring:command_cancel", args=[command.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "已撤销" in page and "every 2s" not in page
    assert "monitoring.command.cancelled" in page


def test_history_commands_need_their_window(device: Any, client: Client, leader: Any) -> None:
    response = login(client, leader).post(
        reverse("monitoring:command_create", args=[device.pk]), {"kind": "2061"}
    )
    assert response["Location"] == device.get_absolute_url() and not Command.objects.exists()


def test_raw_frames_of_a_device_are_listed(device: Any, client: Client, grid_officer: Any) -> None:
    html = (
        login(client, grid_officer)
        .get(reverse("monitoring:device_frames", args=[device.pk]))
        .content.decode()
    )
    assert "QN=" in html and "数据入库" in html


def test_other_districts_get_404(device: Any, client: Client, other_district_officer: Any) -> None:
    login(client, other_district_officer)
    services.create_command(actor=None, device=device, kind="2011")
    for url in (
        device.get_absolute_url(),
        reverse("monitoring:device_frames", args=[device.pk]),
        reverse("monitoring:command", args=[Command.objects.get().pk]),
    ):
        assert client.get(url).status_code == 404, url
