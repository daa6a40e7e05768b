"""The centre's pages: dashboard and map, the outlet page with its limit lines, the alarm list and
its filters, handling an alarm, reports in Excel, and editing what the centre judges by."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from epb.core import audit
from epb.monitoring.centre.alarms import Evidence, apply_evidence
from epb.monitoring.centre.context import DeviceContext
from epb.monitoring.centre.stats import compute_hours
from epb.monitoring.choices import AlarmKind, AlarmState
from epb.monitoring.models import Alarm, AnomalySetting, LimitOverride, Mark, PermittedTotal
from epb.monitoring.tests.centre import at, frame, store
from epb.monitoring.tests.factories import make_alarm, make_device
from epb.testing.factories import make_enterprise, make_outlet
from epb.testing.fixtures import login

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)  # 12:00 Beijing
H = NOW - dt.timedelta(hours=2)


@pytest.fixture
def device(enterprise: Any) -> Any:
    outlet = make_outlet(
        enterprise, standard="GB18918-2002", standard_class="1A", latitude=31.77, longitude=119.97
    )
    device = make_device(outlet, min_interval=10)
    frames = [
        frame(
            device,
            "2051",
            H + dt.timedelta(minutes=10 * i),
            {"w01018": (30.0 + i, "N" if i != 2 else "D"), "w00000": 10.0},
        )
        for i in range(12)
    ]
    store(*frames, received=NOW - dt.timedelta(minutes=1))
    compute_hours(DeviceContext(device), [H, H + dt.timedelta(hours=1)], NOW)
    return device


@pytest.fixture
def alarm(device: Any) -> Alarm:
    with at(NOW):
        apply_evidence(
            device,
            [
                Evidence(
                    "w01018",
                    AlarmKind.EXCEEDANCE,
                    H,
                    H + dt.timedelta(hours=1),
                    value=70.0,
                    limit_max=50.0,
                    multiple=0.4,
                )
            ],
            now=NOW,
        )
    return Alarm.objects.get(device=device)


def test_the_centre_shows_outlets_on_the_map_by_state(
    client: Client, device: Any, alarm: Alarm, leader: Any
) -> None:
    login(client, leader)
    with at(NOW):
        response = client.get(reverse("monitoring:centre"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"]["exceeding"] == 1
    points = json.loads(response.context["points"])
    assert points[0]["state"] == "exceeding" and points[0]["url"] == reverse(
        "monitoring:outlet", args=[device.outlet.pk]
    )
    assert json.loads(response.context["map_config"])["polygons"]  # the grids are drawn
    assert "data-outlets=" in html and alarm.title in html


def test_enterprise_users_see_only_their_own_outlets(
    client: Client, device: Any, alarm: Alarm, enterprise_user: Any, tree: Any
) -> None:
    other_outlet = make_outlet(make_enterprise(tree.town_a1))
    make_device(other_outlet)
    login(client, enterprise_user)
    with at(NOW):
        response = client.get(reverse("monitoring:centre"))
    assert [s.device.pk for s in response.context["states"]] == [device.pk]
    assert client.get(reverse("monitoring:outlet", args=[other_outlet.pk])).status_code == 404
    assert client.get(reverse("monitoring:alarm", args=[alarm.pk])).status_code == 200


def test_another_district_gets_404(
    client: Client, device: Any, alarm: Alarm, other_district_officer: Any
) -> None:
    login(client, other_district_officer)
    assert client.get(reverse("monitoring:outlet", args=[device.outlet.pk])).status_code == 404
    assert client.get(reverse("monitoring:alarm", args=[alarm.pk])).status_code == 404
    assert client.post(reverse("monitoring:alarm_action", args=[alarm.pk, "acknowledge"])).status_code == 404


def test_the_outlet_page_charts_the_limit_and_marks_invalid_points(
    client: Client, device: Any, district_officer: Any
) -> None:
    login(client, district_officer)
    with at(NOW):
        response = client.get(reverse("monitoring:outlet", args=[device.outlet.pk]), {"factor": "w01018"})
    assert response.status_code == 200
    charts = response.context["charts"]
    realtime = json.loads(charts["realtime"])  # minute data: the device sends no realtime data
    limit = realtime["series"][0]["markLine"]["data"][0]
    assert limit["yAxis"] == 50.0 and "GB 18918-2002 1A" in limit["name"]
    assert realtime["yAxis"]["max"] > 50.0  # the limit is in view though every value is below it
    invalid = [s for s in realtime["series"] if s["type"] == "scatter"]
    assert len(invalid[0]["data"]) == 1 and invalid[0]["data"][0][2] == "D"
    hourly = json.loads(charts["hourly"])
    assert hourly["series"][0]["markLine"]["data"][0]["yAxis"] == 50.0
    assert len(hourly["series"][0]["data"]) == 2
    rows = {r["item"]: r for r in response.context["limit_rows"]}
    assert rows["w01018"]["bound"] == "≤ 50" and rows["w21003"]["assumed"] == ("water_temp_c",)


def test_the_alarm_list_filters_and_exports(
    client: Client, device: Any, alarm: Alarm, leader: Any, tree: Any
) -> None:
    other = make_device(make_outlet(make_enterprise(tree.town_b1, name="武进某化工有限公司")))
    make_alarm(
        other, kind=AlarmKind.OFFLINE, factor="", started_at=NOW - dt.timedelta(days=3), last_evidence_at=NOW
    )
    login(client, leader)
    url = reverse("monitoring:alarms")

    def found(**query: Any) -> set[int]:
        return {a.pk for a in client.get(url, query).context["page"]}

    everything = found()
    assert alarm.pk in everything and len(everything) == 2
    assert found(kind="exceedance") == {alarm.pk}
    assert found(area=str(tree.district_a.pk)) == {alarm.pk}
    assert found(area=str(tree.town_b1.pk)) == everything - {alarm.pk}
    assert found(enterprise="武进") == everything - {alarm.pk}
    assert found(factor="w01018") == {alarm.pk}
    assert found(state="open") == everything
    assert found(state="closed") == set()
    assert found(since="2026-03-01", until="2026-03-02") == {alarm.pk}
    response = client.get(url, {"kind": "exceedance", "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    values = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "化学需氧量" in values and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_enterprise_handles_and_the_centre_closes(
    client: Client, alarm: Alarm, enterprise_user: Any, district_officer: Any
) -> None:
    login(client, enterprise_user)
    page = client.get(reverse("monitoring:alarm", args=[alarm.pk]))
    assert page.context["actions"] == ["acknowledge", "handle"]
    assert page.context["case_url"] is None  # 立案 is for the bureau
    client.post(reverse("monitoring:alarm_action", args=[alarm.pk, "acknowledge"]))
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    upload.name = "现场照片.png"
    client.post(
        reverse("monitoring:alarm_action", args=[alarm.pk, "handle"]),
        {"cause": "进水浓度突增", "measures": "调整曝气量，增加加药量", "files": [upload]},
    )
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.HANDLED and alarm.measures.startswith("调整曝气量")
    refused = client.post(reverse("monitoring:alarm_action", args=[alarm.pk, "close"]), follow=True)
    assert "只有监控中心可以核销" in refused.content.decode()
    login(client, district_officer)
    page = client.get(reverse("monitoring:alarm", args=[alarm.pk]))
    assert page.context["case_url"].endswith(f"?source=monitoring.alarm:{alarm.pk}")
    assert [f.original_name for f in page.context["files"]] == ["现场照片.png"]
    client.post(reverse("monitoring:alarm_action", args=[alarm.pk, "close"]), {"note": "同意"})
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLOSED


def test_the_daily_report_exports_capture_and_exceedances(
    client: Client, device: Any, alarm: Alarm, district_officer: Any
) -> None:
    login(client, district_officer)
    with at(NOW):
        page = client.get(reverse("monitoring:report"), {"period": "day", "date": "2026-03-02"})
        xlsx = client.get(
            reverse("monitoring:report"), {"period": "day", "date": "2026-03-02", "format": "xlsx"}
        )
    assert page.status_code == 200 and "有效数据捕集率" in page.content.decode()
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert device.mn in cells and "化学需氧量" in cells
    month = client.get(reverse("monitoring:report"), {"period": "month", "date": "bad"})
    assert month.status_code == 200 and "日期格式" in month.content.decode()


def test_operators_set_outlet_limits_and_enterprises_cannot(
    client: Client, device: Any, district_officer: Any, enterprise_user: Any
) -> None:
    url = reverse("monitoring:outlet_limits", args=[device.outlet.pk])
    data = {
        "form": "override", "item": "w01018", "kind": "max", "max_value": "40",
        "effective_from": "2026-01-01", "reference": "排污许可证 91320400XXXX001P",
    }  # fmt: skip
    login(client, enterprise_user)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403
    login(client, district_officer)
    response = client.post(url, data)
    assert response.status_code == 302
    override = LimitOverride.objects.get(outlet=device.outlet)
    assert override.max_value == 40.0 and override.created_by == district_officer
    bad = client.post(url, data | {"max_value": "", "kind": "max"})
    assert bad.status_code == 200 and LimitOverride.objects.count() == 1
    with at(NOW):
        page = client.get(reverse("monitoring:outlet", args=[device.outlet.pk]))
    assert {r["item"]: r for r in page.context["limit_rows"]}["w01018"]["bound"] == "≤ 40"
    client.post(
        url,
        {
            "form": "standard",
            "standard_id": "GB18918",
            "class_id": "1B",
            "context": '{"plant_built": "2004-01-01"}',
        },
    )
    assert device.outlet.judged_by.class_id == "1B"


def test_permitted_totals_thresholds_and_marks(
    client: Client, device: Any, enterprise: Any, district_officer: Any, enterprise_user: Any
) -> None:
    login(client, district_officer)
    client.post(
        reverse("monitoring:permitted_totals", args=[enterprise.pk]),
        {"item": "w01018", "year": "2026", "tonnes": "12.5", "reference": "排污许可证"},
    )
    assert PermittedTotal.objects.get(enterprise=enterprise).tonnes == 12.5
    url = reverse("monitoring:device_thresholds", args=[device.pk])
    client.post(url, {"form": "setting", "factor": "", "offline_minutes": "5"})
    client.post(
        url,
        {
            "form": "setting",
            "factor": "w01018",
            "range_upper": "500",
            "thresholds": '{"constant_min_duration": 120}',
        },
    )
    bad = client.post(url, {"form": "setting", "factor": "w21003", "thresholds": '{"nonsense": 1}'})
    assert bad.status_code == 200 and "未知或不可设置的阈值" in bad.content.decode()
    assert AnomalySetting.objects.filter(device=device).count() == 2
    login(client, enterprise_user)  # the enterprise marks its own stops
    client.post(
        url,
        {
            "form": "mark",
            "kind": "stopped",
            "start": "2026-03-02T10:00",
            "end": "2026-03-02T11:00",
            "reason": "检修停产",
        },
    )
    mark = Mark.objects.get(device=device)
    assert mark.start == H and mark.created_by == enterprise_user
    assert client.post(url, {"form": "setting", "factor": "", "offline_minutes": "1"}).status_code == 403


def test_a_marked_stop_is_recomputed_as_stopped_time(device: Any, leader: Any) -> None:
    from epb.monitoring.centre import config
    from epb.monitoring.models import HourlyValue

    config.add_mark(
        device, actor=leader, kind="stopped", start=H, end=H + dt.timedelta(hours=1), reason="停产检修"
    )
    compute_hours(DeviceContext(device), [H], NOW)
    row = HourlyValue.objects.get(device=device, factor="w01018", start=H)
    assert (row.status, row.stopped) == ("stopped", 6)


def test_the_enterprise_page_shows_online_monitoring_and_exceedances(
    client: Client, device: Any, alarm: Alarm, enterprise: Any, district_officer: Any
) -> None:
    audit.update(alarm, actor=None, confirmed=True)
    login(client, district_officer)
    with at(NOW):
        html = client.get(enterprise.get_absolute_url()).content.decode()
    assert "在线监测" in html and device.outlet.name in html
    assert "在线监测超标" in html
    from epb.enterprises.history import compliance_history

    with at(NOW):
        history = compliance_history(enterprise)
    row = next(r for r in history.rows if r.key == "exceedances")
    assert row.total == 1 and history.status[-1] == "V"


def test_limits_and_thresholds_read_as_words_not_codes(
    client: Client, device: Any, district_officer: Any
) -> None:
    login(client, district_officer)
    client.cookies["django_language"] = "en"
    with at(NOW):
        response = client.get(reverse("monitoring:outlet", args=[device.outlet.pk]), {"factor": "w01018"})
    rows = {r["item"]: r for r in response.context["limit_rows"]}
    assert rows["w01001"]["bound"] == "6–9"
    assert (str(rows["w01001"]["unit"]), str(rows["w01001"]["basis"])) == ("dimensionless", "Single reading")
    assert str(rows["w01018"]["basis"]) == "Daily mean"
    html = client.get(reverse("monitoring:device_thresholds", args=[device.pk])).content.decode()
    assert re.search(r'value="zero"[^>]*>\s*Zero value</label>', html)


def test_a_mark_in_the_year_one_is_an_error_on_the_form(
    client: Client, device: Any, district_officer: Any
) -> None:
    """Year 1 in Beijing time is before year 1 in UTC: it cannot even be stored (was a 500)."""
    login(client, district_officer)
    url = reverse("monitoring:device_thresholds", args=[device.pk])
    for start, end in (("0001-01-01T00:00", "2026-03-02T11:00"), ("2026-03-02T10:00", "9999-12-31T23:59")):
        response = client.post(
            url, {"form": "mark", "kind": "stopped", "start": start, "end": end, "reason": "检修停产"}
        )
        assert response.status_code == 200
        assert "请输入1900年至2100年之间的时间" in response.content.decode()
    assert not Mark.objects.filter(device=device).exists()
