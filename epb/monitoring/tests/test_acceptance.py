"""The simulator's injected faults, driven through the ingest path, each produce exactly one alarm
episode of the right kind, raised by the batch that carries the triggering data (or, for silence,
by the minute scan): ``epb simulate``'s own value model and packet builder, the receiver's
``store_batch``, the batch hook, the evaluation task (inline in tests), the offline scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from epb.core import audit
from epb.hj212 import build_upload, make_qn
from epb.monitoring.centre.evaluate import scan_offline
from epb.monitoring.choices import AlarmKind
from epb.monitoring.ingest import Directory
from epb.monitoring.models import Alarm, AnomalySetting, LimitOverride
from epb.monitoring.simulator import Faults, FleetDevice, Model
from epb.monitoring.tests.centre import at, store
from epb.monitoring.tests.factories import gas_outlet, make_device

pytestmark = pytest.mark.django_db

EPOCH = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC).timestamp()  # a window boundary (600 s)
STEP = 30.0  # the registry's realtime interval


@pytest.fixture
def device(enterprise: Any) -> Any:
    return make_device(gas_outlet(enterprise), system="31")


def realtime(device: Any, model: Model, t: float) -> bytes:
    when = dt.datetime.fromtimestamp(t, dt.UTC)
    return build_upload(
        cn="2011",
        mn=device.mn,
        st="31",
        pw=device.pw,
        qn=make_qn(when),
        data_time=when,
        values=model.realtime(t),
        ack=True,
    )


def send(device: Any, model: Model, t: float, directory: Directory, capture: Any) -> dt.datetime:
    received = dt.datetime.fromtimestamp(t + 1, dt.UTC)
    store(realtime(device, model, t), received=received, directory=directory, capture=capture)
    return received


def lone_window(test: Any, start: int = 3) -> int:
    """A 10-minute window where the fault is on and the windows around it are clean."""
    for k in range(start, 5000):
        if (
            test(EPOCH + k * 600)
            and not test(EPOCH + (k - 1) * 600)
            and not test(EPOCH + (k + 1) * 600)
            and not test(EPOCH + (k - 2) * 600)
        ):
            return k
    raise AssertionError("no lone window")


def converted(model: Model, t: float) -> float:
    values = model.realtime(t)
    so2, o2 = float(values["a21026"]["Rtd"]), float(values["a19001"]["Rtd"])  # type: ignore[arg-type]
    return so2 * (21 - 6) / (21 - o2)


def alarms(device: Any, kind: str) -> list[Alarm]:
    return list(Alarm.objects.filter(device=device, kind=kind).order_by("started_at"))


def test_an_injected_exceedance_is_one_episode_raised_by_its_first_value(
    device: Any, django_capture_on_commit_callbacks: Any
) -> None:
    faulty = Model(FleetDevice(device.mn, device.pw, "31"), Faults(exceed=0.3))
    clean = Model(FleetDevice(device.mn, device.pw, "31"), Faults())
    k = lone_window(faulty.exceeding)
    times = [EPOCH + (k - 2) * 600 + STEP * i for i in range(int(4 * 600 / STEP))]
    inside = [t for t in times if faulty.exceeding(t)]
    baseline = max(converted(clean, t) for t in times)
    lowest_fault = min(converted(faulty, t) for t in inside)
    limit = (baseline + lowest_fault) / 2
    assert baseline < limit < lowest_fault  # the limit separates clean from injected values
    audit.create(
        LimitOverride, actor=None, outlet=device.outlet, item="a21026", max_value=round(limit, 3),
        reference_o2=6.0, effective_from=dt.date(2026, 1, 1), reference="排污许可证（测试）",
    )  # fmt: skip
    directory = Directory()
    for t in times:
        received = send(device, faulty, t, directory, django_capture_on_commit_callbacks)
        found = alarms(device, AlarmKind.EXCEEDANCE)
        if t < inside[0]:
            assert not found
        elif t == inside[0]:
            # raised by the batch that carried the first exceeding value: well within a minute
            (alarm,) = found
            assert alarm.started_at == dt.datetime.fromtimestamp(t, dt.UTC)
            assert alarm.created_at - received < dt.timedelta(minutes=1)
            assert alarm.active and not alarm.confirmed and alarm.factor == "a21026"
    (alarm,) = alarms(device, AlarmKind.EXCEEDANCE)
    assert not alarm.active  # the injected window ended
    assert alarm.last_evidence_at == dt.datetime.fromtimestamp(inside[-1] + STEP, dt.UTC)
    assert (
        alarm.value is not None and alarm.value > limit and alarm.limit_max == pytest.approx(limit, abs=1e-3)
    )
    assert not Alarm.objects.exclude(kind=AlarmKind.EXCEEDANCE).exists()


def test_an_injected_offline_period_is_one_episode_opened_by_the_minute_scan(
    device: Any, django_capture_on_commit_callbacks: Any
) -> None:
    model = Model(FleetDevice(device.mn, device.pw, "31"), Faults(offline=0.3))
    audit.create(AnomalySetting, actor=None, device=device, offline_minutes=5.0)
    k = lone_window(model.offline)
    directory = Directory()
    last_received = None
    opened_at = None
    start = EPOCH + (k - 1) * 600
    for second in range(0, 3 * 600, int(STEP)):
        t = start + second
        if not model.offline(t):
            last_received = send(device, model, t, directory, django_capture_on_commit_callbacks)
        if second % 60 == 0:  # the periodic scan, once a minute
            now = dt.datetime.fromtimestamp(t + 2, dt.UTC)
            with at(now):
                scan_offline(now)
            found = alarms(device, AlarmKind.OFFLINE)
            assert last_received is not None
            silent = now - last_received
            if silent <= dt.timedelta(minutes=5):
                assert not [a for a in found if a.active]
            elif opened_at is None:
                (alarm,) = found
                opened_at = now
                assert silent <= dt.timedelta(minutes=6)  # within a minute of crossing the threshold
                assert alarm.started_at == last_received and alarm.active
    assert opened_at is not None
    (alarm,) = alarms(device, AlarmKind.OFFLINE)  # one episode for the whole silence
    assert not alarm.active  # data again ended it
    assert alarm.ended_at is not None and alarm.ended_at > alarm.started_at + dt.timedelta(minutes=9)


def test_an_injected_constant_value_is_one_episode_after_sixty_minutes(
    device: Any, django_capture_on_commit_callbacks: Any
) -> None:
    model = Model(FleetDevice(device.mn, device.pw, "31"), Faults(constant=1.0))
    assert model.stuck == "a21026"
    directory = Directory()
    first = EPOCH + 7 * 600
    for i in range(150):
        t = first + STEP * i
        send(device, model, t, directory, django_capture_on_commit_callbacks)
        found = alarms(device, AlarmKind.CONSTANT)
        covered = dt.timedelta(seconds=STEP * (i + 1))  # the run's samples, each covering its interval
        if covered < dt.timedelta(minutes=60):
            assert not found, i
        elif covered == dt.timedelta(minutes=60):
            (alarm,) = found  # raised by the sample that completed 60 minutes
            assert alarm.factor == "a21026" and alarm.started_at == dt.datetime.fromtimestamp(first, dt.UTC)
    (alarm,) = alarms(device, AlarmKind.CONSTANT)
    assert alarm.active and alarm.value == pytest.approx(25.0)
    assert not Alarm.objects.exclude(kind=AlarmKind.CONSTANT).exists()
