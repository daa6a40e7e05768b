"""Automatic stations: the monitoring app's HJ 212 readings pulled into results."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from epb.core.models import AuditEntry
from epb.monitoring import services as monitoring
from epb.monitoring.models import Reading
from epb.quality import services
from epb.quality.choices import Period, Source
from epb.quality.models import AirSample, EarlyWarning, NoiseSample, WaterSample
from epb.quality.services.stations import pull_station_results
from epb.quality.tests.factories import make_noise_point, make_station, make_water_site

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 3, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
DAY = datetime(2026, 5, 1, 16, 0, tzinfo=UTC)  # 2026-05-02 00:00 in Beijing


def _device(tree: Any, mn: str, system: str) -> Any:
    return monitoring.register_device(actor=None, mn=mn, pw="123456", system=system, org_unit=tree.town_a1)


def _reading(device: Any, cn: int, at: datetime, data: dict[str, Any], part: int = 0) -> None:
    Reading.objects.create(device=device, cn=cn, data_time=at, part=part, received_at=at, data=data)


def test_a_water_station_daily_values_become_results(tree: Any, district_officer: Any) -> None:
    device = _device(tree, "WS0001", "21")
    site = make_water_site(tree.town_a1, device=device)
    services.save_threshold(actor=None, site=site, item="NH3N", upper=Decimal("1.0"))
    _reading(device, 2031, DAY, {"w21003": {"Avg": 1.32, "Flag": "N"}, "w01019": {"Avg": 4.1, "Flag": "M"}})
    _reading(device, 2031, DAY, {"w21011": {"Avg": 0.18, "Flag": "N"}}, part=1)  # a split packet
    _reading(device, 2061, DAY, {"w21003": {"Avg": 1.0, "Flag": "N"}})  # hourly: not taken for water

    counts = pull_station_results(now=NOW)
    sample = WaterSample.objects.get()
    assert counts["water"] == 1
    assert (sample.source, sample.period, sample.sampled_at) == (Source.STATION, Period.DAY, DAY)
    assert sample.values == {"NH3N": "1.32", "TP": "0.18"}
    assert sample.coverage["skipped"]["CODMn"].startswith("Flag=M")
    assert "WS0001 日数据 2026-05-02 00:00" == sample.source_ref
    assert EarlyWarning.objects.get().item == "NH3N"  # checked like any other result
    assert AuditEntry.objects.filter(action="quality.station.pulled").count() == 1

    assert pull_station_results(now=NOW)["water"] == 0  # nothing new: nothing written
    Reading.objects.filter(device=device, cn=2031, part=0).update(data={"w21003": {"Avg": 1.1, "Flag": "N"}})
    assert pull_station_results(now=NOW)["water"] == 1  # a resent packet corrects the result
    assert WaterSample.objects.get().values == {"NH3N": "1.1", "TP": "0.18"}


def test_air_hourly_and_daily_and_noise_daily(tree: Any) -> None:
    air = _device(tree, "AQ0001", "22")
    noise = _device(tree, "NS0001", "23")
    make_station(tree.town_a1, device=air)
    make_noise_point(tree.town_a1, device=noise)
    _reading(air, 2061, DAY, {"a34004": {"Avg": 35000, "Flag": "N"}})  # ng/m³ by the factor table
    _reading(air, 2031, DAY, {"a21005": {"Avg": 0.8, "Flag": "N"}})
    _reading(noise, 2031, DAY, {"Ld": {"Avg": 54.2, "Flag": "N"}, "Ln": {"Avg": 44.9, "Flag": "N"}})
    pull_station_results(now=NOW)
    assert sorted(AirSample.objects.values_list("period", flat=True)) == [Period.DAY, Period.HOUR]
    assert AirSample.objects.get(period=Period.HOUR).values == {"PM2_5": "35"}
    assert NoiseSample.objects.get().values == {"Ld": "54.2", "Ln": "44.9"}


def test_old_readings_and_unlinked_sites_are_left_alone(tree: Any) -> None:
    device = _device(tree, "WS0002", "21")
    make_water_site(tree.town_a1)  # no device
    make_water_site(tree.town_a1, device=device)
    _reading(device, 2031, datetime(2026, 4, 1, tzinfo=UTC), {"w21003": {"Avg": 0.5, "Flag": "N"}})
    assert pull_station_results(now=NOW) == {"water": 0, "air": 0, "noise": 0, "unchanged": 0}
    assert not AuditEntry.objects.filter(action="quality.station.pulled").exists()
