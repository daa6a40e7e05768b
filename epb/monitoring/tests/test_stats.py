"""The centre's hourly and daily statistics against hand-computed fixtures: validity by the flags,
missing data, O2 conversion, flow-weighted daily means, loads, capture and transmission counts,
the device's own uploads cross-checked, and recomputation when late data arrive."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epb.lib.timeutil import beijing_midnight
from epb.monitoring.centre import capture
from epb.monitoring.centre.context import DeviceContext
from epb.monitoring.centre.stats import compute_days, compute_hours
from epb.monitoring.choices import AlarmKind
from epb.monitoring.models import Alarm, DailyValue, HourlyValue
from epb.monitoring.tests.centre import at, frame, store
from epb.monitoring.tests.factories import gas_outlet, make_device
from epb.testing.factories import make_outlet

pytestmark = pytest.mark.django_db

H = dt.datetime(2025, 3, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing
MIN = dt.timedelta(minutes=10)
LATER = H + dt.timedelta(days=2)


@pytest.fixture
def gas(enterprise: Any) -> Any:
    return make_device(gas_outlet(enterprise), system="31")


def minute(device: Any, when: dt.datetime, **values: Any) -> bytes:
    return frame(device, "2051", when, values)


def hour_of(device: Any, code: str, start: dt.datetime) -> HourlyValue:
    return HourlyValue.objects.get(device=device, factor=code, start=start)


def test_a_gas_hour_needs_45_valid_minutes_flags_and_gaps_counted(gas: Any) -> None:
    so2 = [20.0, 22.0, 24.0, (26.0, "M"), None, 30.0]  # one maintenance value, one missing packet
    frames = [
        minute(gas, H + i * MIN, a21026=v, a19001=9.0, a00000=40.0)
        for i, v in enumerate(so2)
        if v is not None
    ]
    store(*frames, received=H + dt.timedelta(hours=1))
    compute_hours(DeviceContext(gas), [H], LATER)
    row = hour_of(gas, "a21026", H)
    assert (row.status, row.expected, row.observed, row.valid) == ("invalid", 6, 5, 4)
    assert row.flags == {"N": 4, "M": 1}
    assert row.value == pytest.approx(24.0)  # the valid values' mean is kept, marked invalid
    assert row.reasons.startswith("40 valid minutes < 45")
    assert row.load_kg is None and row.converted is None


def test_a_valid_gas_hour_is_converted_to_the_reference_o2_with_its_load(gas: Any) -> None:
    h2 = H + dt.timedelta(hours=1)
    frames = [minute(gas, h2 + i * MIN, a21026=10.0 * (i + 1), a19001=9.0, a00000=40.0) for i in range(6)]
    store(*frames, received=h2 + dt.timedelta(hours=1))
    compute_hours(DeviceContext(gas), [h2], LATER)
    row = hour_of(gas, "a21026", h2)
    assert (row.status, row.valid, row.minimum, row.maximum) == ("valid", 6, 10.0, 60.0)
    assert row.value == pytest.approx(35.0)
    assert row.o2 == pytest.approx(9.0)
    assert row.converted == pytest.approx(35.0 * (21 - 6) / (21 - 9))  # 43.75 at 6 % O2
    flow = hour_of(gas, "a00000", h2)
    assert flow.volume == pytest.approx(40.0 * 3600)
    assert row.load_kg == pytest.approx(35.0 * 144000 * 1e-6)  # measured mg/m³ × m³ × 10⁻⁶ = 5.04 kg


def test_a_stopped_hour_is_stopped_not_invalid(gas: Any) -> None:
    frames = [minute(gas, H + i * MIN, a21026=(0.0, "F")) for i in range(6)]
    store(*frames, received=H + dt.timedelta(hours=1))
    compute_hours(DeviceContext(gas), [H], LATER)
    row = hour_of(gas, "a21026", H)
    assert (row.status, row.stopped, row.valid) == ("stopped", 6, 0)


def test_the_device_hour_upload_is_cross_checked_and_a_mismatch_is_an_alarm(
    gas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    h2 = H + dt.timedelta(hours=1)
    frames = [minute(gas, h2 + i * MIN, a21026=35.0, a21002=50.0, a19001=9.0) for i in range(6)]
    store(*frames, received=h2 + dt.timedelta(minutes=59))
    hour = frame(gas, "2061", h2, {"a21026": 35.5, "a21002": 60.0, "a19001": 9.0})
    store(hour, received=h2 + dt.timedelta(hours=1, minutes=1), capture=django_capture_on_commit_callbacks)
    assert hour_of(gas, "a21026", h2).crosscheck == "match"  # 1.4 % apart, within ±5 %
    nox = hour_of(gas, "a21002", h2)
    assert (nox.crosscheck, nox.device_value, nox.value) == ("value_mismatch", 60.0, 50.0)
    (alarm,) = Alarm.objects.filter(device=gas, kind=AlarmKind.DATA_MISMATCH)
    assert (alarm.factor, alarm.started_at, alarm.value) == ("a21002", h2, 60.0)
    # The same upload resent changes nothing: still one episode.
    store(hour, received=h2 + dt.timedelta(hours=1, minutes=2), capture=django_capture_on_commit_callbacks)
    assert Alarm.objects.filter(device=gas, kind=AlarmKind.DATA_MISMATCH).count() == 1


def test_without_finer_data_the_device_hour_stands_by_its_flag(gas: Any) -> None:
    store(frame(gas, "2061", H, {"a21026": 31.0, "a21002": (44.0, "D")}), received=H + dt.timedelta(hours=1))
    compute_hours(DeviceContext(gas), [H], LATER)
    so2, nox = hour_of(gas, "a21026", H), hour_of(gas, "a21002", H)
    assert (so2.source, so2.status, so2.value, so2.crosscheck) == ("device", "valid", 31.0, "unverifiable")
    assert (nox.source, nox.status) == ("device", "invalid")


def test_late_data_correct_the_hour(gas: Any, django_capture_on_commit_callbacks: Any) -> None:
    """A history upload after an outage recomputes the hours it touches."""
    frames = [minute(gas, H + i * MIN, a21026=30.0, a19001=9.0) for i in range(4)]
    store(*frames, received=H + dt.timedelta(hours=1, minutes=1), capture=django_capture_on_commit_callbacks)
    with at(H + dt.timedelta(hours=2)):
        compute_hours(DeviceContext(gas), [H], H + dt.timedelta(hours=2))
    assert hour_of(gas, "a21026", H).status == "invalid"
    late = [minute(gas, H + i * MIN, a21026=36.0, a19001=9.0) for i in (4, 5)]
    store(*late, received=H + dt.timedelta(hours=3), capture=django_capture_on_commit_callbacks)
    row = hour_of(gas, "a21026", H)
    assert (row.status, row.valid) == ("valid", 6)
    assert row.value == pytest.approx((4 * 30 + 2 * 36) / 6)
    assert HourlyValue.objects.filter(device=gas, factor="a21026", start=H).count() == 1


# ---------------------------------------------------------------------------- a water day

DAY = dt.date(2025, 3, 3)
DAY0 = beijing_midnight(DAY)  # 2025-03-02 16:00 UTC


@pytest.fixture
def water_day(enterprise: Any) -> Any:
    """One COD reading an hour (MinInterval 60): 18 h at 40 mg/L and 10 L/s, 2 h at 100 mg/L and
    30 L/s, 2 h with the analyzer flagged D (flow normal), 2 h with no data at all."""
    device = make_device(
        make_outlet(enterprise, standard="GB18918-2002", standard_class="1A"), min_interval=60
    )
    frames = []
    for i in range(24):
        when = DAY0 + dt.timedelta(hours=i)
        if i < 18:
            frames.append(frame(device, "2051", when, {"w01018": 40.0, "w00000": 10.0, "w01001": 7.2}))
        elif i < 20:
            frames.append(frame(device, "2051", when, {"w01018": 100.0, "w00000": 30.0, "w01001": 7.3}))
        elif i < 22:
            frames.append(frame(device, "2051", when, {"w01018": (41.0, "D"), "w00000": 10.0, "w01001": 7.2}))
    store(*frames, received=DAY0 + dt.timedelta(hours=22))
    return device


def test_the_water_day_is_flow_weighted_with_its_capture_and_load(water_day: Any) -> None:
    compute_days(DeviceContext(water_day), [DAY], DAY0 + dt.timedelta(days=2))
    cod = DailyValue.objects.get(device=water_day, factor="w01018", day=DAY)
    # Σ(C·V)/ΣV = (18·40·36 + 2·100·108) / (18·36 + 2·108) = 47520 / 864 = 55.0 mg/L
    assert cod.value == pytest.approx(55.0)
    assert (cod.status, cod.method) == ("valid", "flow_weighted")
    assert (cod.valid, cod.expected) == (20, 24)  # 20 ≥ 75 % of 24
    assert cod.load_kg == pytest.approx(47.52)  # = 55 mg/L × 864 m³ × 10⁻³
    assert (cod.capture_total, cod.capture_stopped, cod.capture_invalid) == (24, 0, 4)
    assert cod.capture_pct == pytest.approx(100 * 20 / 24)
    assert (cod.tx_expected, cod.tx_received, cod.tx_valid) == (24, 22, 20)
    flow = DailyValue.objects.get(device=water_day, factor="w00000", day=DAY)
    assert flow.volume == pytest.approx(18 * 36 + 2 * 108 + 2 * 36)
    ph = DailyValue.objects.get(device=water_day, factor="w01001", day=DAY)
    assert ph.method == "arithmetic"  # pH is not flow-weighted


def test_a_water_day_below_75_percent_is_invalid(enterprise: Any) -> None:
    device = make_device(make_outlet(enterprise), min_interval=60)
    frames = [
        frame(device, "2051", DAY0 + dt.timedelta(hours=i), {"w01018": 40.0, "w00000": 10.0})
        for i in range(17)
    ]
    store(*frames, received=DAY0 + dt.timedelta(hours=18))
    compute_days(DeviceContext(device), [DAY], DAY0 + dt.timedelta(days=2))
    cod = DailyValue.objects.get(device=device, factor="w01018", day=DAY)
    assert (cod.status, cod.valid) == ("invalid", 17)
    assert "17 valid readings < 18" in cod.reasons


def test_capture_rates_add_up_over_days_and_missing_days_count_invalid(water_day: Any) -> None:
    compute_days(DeviceContext(water_day), [DAY], DAY0 + dt.timedelta(days=2))
    rates = capture.rates([water_day], DAY, DAY)[water_day.pk]
    # COD only among the pollutants: 20 valid of 24 operating hours.
    assert (rates.capture.total, rates.capture.invalid) == (24, 4)
    assert rates.capture.percent == pytest.approx(100 * 20 / 24)
    two = capture.rates([water_day], DAY, DAY + dt.timedelta(days=1))[water_day.pk]
    assert (two.capture.total, two.capture.invalid) == (48, 28)  # the next day has no values at all
    silent = capture.rates([water_day.pk + 999], DAY, DAY)[water_day.pk + 999]
    assert silent.capture.percent == 0.0


def test_the_water_day_exceedance_is_judged_on_the_daily_mean(
    water_day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from epb.monitoring.tasks import close_periods

    with at(DAY0 + dt.timedelta(days=1, minutes=5)), django_capture_on_commit_callbacks(execute=True):
        close_periods.enqueue()
    (alarm,) = Alarm.objects.filter(device=water_day, kind=AlarmKind.EXCEEDANCE, factor="w01018")
    assert alarm.confirmed and alarm.basis == "daily_mean"
    assert (alarm.value, alarm.limit_max) == (pytest.approx(55.0), 50.0)  # GB 18918 1A COD
    assert alarm.multiple == pytest.approx(0.1)
    assert alarm.started_at == DAY0 and alarm.last_evidence_at == DAY0 + dt.timedelta(days=1)
