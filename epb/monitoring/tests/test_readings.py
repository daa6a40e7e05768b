"""Reading the stored data back: series, latest readings and values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from epb.monitoring import readings
from epb.monitoring.ingest import Directory
from epb.monitoring.models import DeviceStatus
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.test_ingest import store
from epb.testing.factories import make_outlet

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(enterprise: Any) -> Any:
    device = make_device(make_outlet(enterprise))
    directory = Directory()
    for hour in range(5):
        store(
            directory,
            upload(device, cn="2061", when=T0 + timedelta(hours=hour), values={"w01018": 20.0 + hour}),
        )
    # the last hour also split in two parts, with another factor in the second
    store(
        directory,
        upload(device, cn="2061", when=T0 + timedelta(hours=5), values={"w01018": 30.0}, pnum=2, pno=1),
        upload(device, cn="2061", when=T0 + timedelta(hours=5), values={"w21003": 2.0}, pnum=2, pno=2),
        upload(device, cn="2011", when=T0 + timedelta(hours=5, minutes=10), values={"w21003": 2.5}),
    )
    return device


def test_a_series_is_in_time_order_within_its_window(device: Any) -> None:
    series = readings.series(
        device, factor="w01018", start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=6)
    )
    assert [(t - T0, v, f) for t, v, f in series] == [
        (timedelta(hours=h), 20.0 + h if h < 5 else 30.0, "N") for h in range(1, 6)
    ]
    assert readings.series(
        device.pk, factor="w01018", field="Max", start=T0, end=T0 + timedelta(hours=1)
    ) == [(T0, 20.0, "N")]
    assert (
        readings.series(device, factor="w21003", cn=2011, start=T0, end=T0 + timedelta(days=1))[0][1] == 2.5
    )


def test_the_latest_readings_merge_split_parts(device: Any) -> None:
    latest = readings.latest_readings(DeviceStatus.objects.filter(device=device))[device.pk]
    assert set(latest[2061]) == {"w01018", "w21003", "_data_time"}
    assert latest[2061]["_data_time"] == T0 + timedelta(hours=5)


def test_the_latest_value_of_each_factor_is_the_newest_of_any_kind(device: Any) -> None:
    values = readings.latest_values(device)
    assert (values["w01018"].value, values["w01018"].cn) == (30.0, 2061)
    assert (values["w21003"].value, values["w21003"].cn) == (2.5, 2011)  # realtime is newer
