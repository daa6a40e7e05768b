"""The centre in a real browser: the city map of outlets coloured by state, an outlet page with
its limit line, and an enterprise user acknowledging and handling an alarm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from epb.core.choices import Role
from epb.monitoring.centre.alarms import Evidence, apply_evidence
from epb.monitoring.centre.context import DeviceContext
from epb.monitoring.centre.stats import compute_hours, floor_hour
from epb.monitoring.choices import AlarmKind, AlarmState
from epb.monitoring.models import Alarm
from epb.monitoring.tests.centre import frame, store
from epb.monitoring.tests.factories import make_device
from epb.testing.browser import log_in
from epb.testing.factories import make_enterprise, make_org_tree, make_outlet, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-demo-password"


def test_the_map_an_outlet_chart_and_an_enterprise_handling_an_alarm(page: Any, tmp_path: Path) -> None:
    tree = make_org_tree()
    enterprise = make_enterprise(tree.town_a1, name="常州华纺印染有限公司", longitude=119.97, latitude=31.77)
    make_user(Role.LEADERSHIP, username="juzhang", password=PASSWORD)
    qiye = make_user(Role.ENTERPRISE, username="qiye", password=PASSWORD)
    enterprise.members.add(qiye)
    outlet = make_outlet(
        enterprise, standard="GB18918-2002", standard_class="1A", longitude=119.97, latitude=31.77
    )
    device = make_device(outlet)
    now = timezone.now()
    start = floor_hour(now) - dt.timedelta(hours=3)
    frames = [
        frame(
            device,
            "2051",
            start + dt.timedelta(minutes=10 * i),
            {"w01018": (42.0 + i % 5, "N" if i != 7 else "M"), "w00000": 80.0 + i},
        )
        for i in range(18)
    ]
    store(*frames, received=now - dt.timedelta(minutes=1))
    compute_hours(DeviceContext(device), [start + dt.timedelta(hours=i) for i in range(3)], now)
    apply_evidence(
        device,
        [
            Evidence(
                "w01018",
                AlarmKind.EXCEEDANCE,
                now - dt.timedelta(minutes=20),
                now,
                value=62.0,
                limit_max=50.0,
                multiple=0.24,
            )
        ],
        now=now,
    )
    alarm = Alarm.objects.get()

    log_in(page, "juzhang", PASSWORD)
    page.wait_for_url("**/staff/")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/monitoring/")
    map_el = page.locator("[data-testid=outlet-map]")
    page.wait_for_function("document.querySelector('[data-testid=outlet-map]').dataset.markers === '1'")
    assert (
        page.locator("#outlet-map path.leaflet-interactive[fill='#cf222e']").count() == 1
    )  # the exceeding outlet, red
    assert page.locator("#outlet-map path.leaflet-interactive").count() >= 2  # grid polygons drawn too
    assert map_el.is_visible()
    assert page.locator("[data-testid=outlet-states] tr[data-state=exceeding]").count() == 1
    assert errors == []

    page.goto(f"/monitoring/outlets/{outlet.pk}/?factor=w01018")
    page.wait_for_selector("[data-testid=chart-hourly] canvas")
    limit = page.evaluate(
        "echarts.getInstanceByDom(document.querySelector('[data-testid=chart-hourly]')).getOption().series[0].markLine.data[0].yAxis"
    )
    assert limit == 50
    invalid = page.evaluate(
        "echarts.getInstanceByDom(document.querySelector('[data-testid=chart-realtime]')).getOption().series"
        ".filter(s => s.type === 'scatter')[0].data.length"
    )
    assert invalid == 1  # the maintenance (M) value, marked

    page.click("[data-testid=logout]")
    log_in(page, "qiye", PASSWORD)
    page.wait_for_url("**/staff/")
    page.goto("/monitoring/")
    page.click(f"[data-testid=waiting-alarms] a[href='/monitoring/alarms/{alarm.pk}/']")
    page.click("[data-testid=acknowledge]")
    page.wait_for_selector("[data-testid=handle-form]")
    assert page.locator("[data-testid=alarm-state]").inner_text() == str(AlarmState.ACKNOWLEDGED.label)
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    page.fill("textarea[name=cause]", "进水COD浓度突增")
    page.fill("textarea[name=measures]", "调整曝气量并增加加药量，已恢复达标")
    page.set_input_files("input[name=files]", str(photo))
    page.click("[data-testid=handle]")
    page.wait_for_selector("[data-testid=alarm-cause]")
    assert page.locator("[data-testid=alarm-state]").inner_text() == str(AlarmState.HANDLED.label)
    assert "进水COD浓度突增" in page.locator("[data-testid=alarm-cause]").inner_text()
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.HANDLED and alarm.handled_by == qiye
