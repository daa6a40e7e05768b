"""The batch hook notes what was stored and hands it to the evaluation task in batches, at most
every MONITORING_EVALUATE_SECONDS; the acknowledgement path never waits for it."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.db import OperationalError

from epb.monitoring.centre.handover import Handover
from epb.monitoring.choices import AlarmKind
from epb.monitoring.ingest import StoredBatch, StoredReading
from epb.monitoring.models import Alarm, Reading
from epb.monitoring.tests.centre import frame, store
from epb.monitoring.tests.factories import make_device
from epb.testing.factories import make_outlet

T = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def batch(*items: tuple[int, int, dt.datetime]) -> StoredBatch:
    return StoredBatch(
        [StoredReading(d, cn, t, 0, {"w01018": {"Rtd": 1.0}}) for d, cn, t in items], {i[0] for i in items}
    )


@pytest.fixture
def enqueued() -> list[tuple[Any, ...]]:
    return []


def test_batches_are_coalesced_into_one_handover(settings: Any, enqueued: list[tuple[Any, ...]]) -> None:
    settings.MONITORING_EVALUATE_SECONDS = 3600
    h = Handover(lambda *args: enqueued.append(args))
    h.on_batch(batch((1, 2011, T), (1, 2011, T + dt.timedelta(seconds=30)), (2, 2051, T)))
    h.on_batch(batch((1, 2011, T + dt.timedelta(seconds=60)), (1, 2061, T)))
    h.tick()
    assert enqueued == []  # not due yet
    h.flush()
    ((items, repeats),) = enqueued
    assert sorted(items) == sorted(
        [
            [1, 2011, T.isoformat(), (T + dt.timedelta(seconds=60)).isoformat()],
            [2, 2051, T.isoformat(), T.isoformat()],
            [1, 2061, T.isoformat(), T.isoformat()],
        ]
    )
    assert repeats == []
    h.flush()
    assert len(enqueued) == 1  # nothing new, nothing handed over


def test_a_time_seen_again_is_noted_as_a_repeat(settings: Any, enqueued: list[tuple[Any, ...]]) -> None:
    settings.MONITORING_EVALUATE_SECONDS = 0
    h = Handover(lambda *args: enqueued.append(args))
    h.on_batch(batch((1, 2011, T + dt.timedelta(seconds=30))))
    h.on_batch(batch((1, 2011, T + dt.timedelta(seconds=30)), (1, 2011, T)))
    (_items, repeats) = enqueued[-1]
    assert [r[2] for r in repeats] == [(T + dt.timedelta(seconds=30)).isoformat(), T.isoformat()]


@pytest.mark.parametrize(
    ("failure", "traceback"),
    [
        (OperationalError("database is locked"), False),  # expected: one line, then a retry
        (RuntimeError("a bug"), True),
    ],
)
def test_a_failed_handover_keeps_its_notes(
    settings: Any, caplog: Any, failure: Exception, traceback: bool
) -> None:
    settings.MONITORING_EVALUATE_SECONDS = 0
    calls: list[Any] = []
    down = [True]

    def enqueue(*args: Any) -> None:
        calls.append(args)
        if down[0]:
            raise failure

    h = Handover(enqueue)
    with caplog.at_level(logging.WARNING, logger="epb.monitoring.handover"):
        h.on_batch(batch((1, 2011, T)))
    (record,) = caplog.records
    assert (record.exc_info is not None) == traceback
    down[0] = False
    h.flush()
    assert len(calls) == 2 and calls[-1][0] == [[1, 2011, T.isoformat(), T.isoformat()]]


@pytest.mark.django_db
def test_a_repeated_time_with_other_values_is_an_anomaly_and_the_first_stays(
    enterprise: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device = make_device(make_outlet(enterprise))
    first = frame(device, "2011", T, {"w01018": 30.0})
    store(first, received=T + dt.timedelta(seconds=1), capture=django_capture_on_commit_callbacks)
    store(first, received=T + dt.timedelta(seconds=9), capture=django_capture_on_commit_callbacks)
    assert not Alarm.objects.exists()  # a plain resend is no anomaly
    changed = frame(device, "2011", T, {"w01018": 45.0})
    store(changed, received=T + dt.timedelta(seconds=20), capture=django_capture_on_commit_callbacks)
    (alarm,) = Alarm.objects.filter(kind=AlarmKind.DUPLICATE_TIME)
    assert alarm.detail == {"cn": 2011, "first": 30.0, "value": 45.0, "differs": True}
    assert Reading.objects.get(device=device).data["w01018"]["Rtd"] == 30.0


def test_a_large_fleet_is_handed_over_in_tasks_of_a_few_hundred_devices(settings: Any) -> None:
    settings.MONITORING_EVALUATE_SECONDS = 3600
    enqueued: list[tuple[Any, ...]] = []
    h = Handover(lambda *args: enqueued.append(args))
    h.on_batch(batch(*[(d, cn, T) for d in range(1, 1201) for cn in (2011, 2051)]))
    h.flush()
    assert len(enqueued) == 3
    for items, _repeats in enqueued:
        devices = {item[0] for item in items}
        assert len(devices) <= 500 and len(items) == 2 * len(devices)  # a device's kinds stay together
    assert sum(len(items) for items, _r in enqueued) == 2400


def test_the_storage_thread_only_wakes_the_handover_thread(settings: Any) -> None:
    import threading

    settings.MONITORING_EVALUATE_SECONDS = 0
    settings.MONITORING_HANDOVER_THREAD = True
    done = threading.Event()
    threads: list[str] = []

    def enqueue(*args: Any) -> None:
        threads.append(threading.current_thread().name)
        done.set()

    h = Handover(enqueue)
    h.on_batch(batch((1, 2011, T)))
    assert done.wait(5)
    assert threads == ["epb-monitoring-handover"]
