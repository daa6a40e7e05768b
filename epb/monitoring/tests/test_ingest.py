"""The storage of a batch, without sockets: what is stored, quarantined, rejected, counted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from epb.hj212 import BadFrame, Decoder, Packet, Version, build_packet, make_flag, make_qn
from epb.monitoring import ingest
from epb.monitoring.choices import FrameOutcome, QuarantineReason
from epb.monitoring.ingest import Directory, Inbound, store_batch
from epb.monitoring.models import DeviceStatus, QuarantineEntry, RawFrame, Reading
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.testing.factories import make_outlet

pytestmark = pytest.mark.django_db


def inbound(*frames: bytes, directory: Directory, at: float | None = None) -> list[Inbound]:
    decoder = Decoder(key_for=directory.key_for, profile_for=directory.profile_for)
    for frame in frames:
        decoder.feed(frame)
    stamp = at if at is not None else (T0 + timedelta(seconds=5)).timestamp()
    return [Inbound(stamp, "10.0.0.7", e) for e in decoder.events() if isinstance(e, Packet | BadFrame)]


@pytest.fixture
def directory() -> Directory:
    d = Directory()
    d.refresh()
    return d


@pytest.fixture
def device(enterprise: Any) -> Any:
    return make_device(make_outlet(enterprise))


def store(directory: Directory, *frames: bytes, **kwargs: Any) -> ingest.BatchResult:
    return store_batch(inbound(*frames, directory=directory, **kwargs), directory)


def test_a_data_packet_is_stored_with_its_evidence_and_status(device: Any, directory: Directory) -> None:
    result = store(directory, upload(device, cn="2061"))
    assert (result.frames, result.readings, result.quarantined, result.rejected) == (1, 1, 0, 0)
    reading = Reading.objects.get(device=device)
    assert reading.cn == 2061 and reading.data_time == T0 and reading.part == 0
    assert reading.data["w01018"] == {"Avg": 23.5, "Min": 23.5, "Max": 23.5, "Flag": "N"}
    frame = RawFrame.objects.get(device=device)
    assert frame.outcome == FrameOutcome.DATA and frame.cn == 2061 and frame.peer == "10.0.0.7"
    assert bytes(frame.raw).startswith(b"##") and frame.mn == device.mn
    status = DeviceStatus.objects.get(device=device)
    assert status.frames == 1 and status.hour_at == T0 and status.realtime_at is None
    assert status.last_seen_at == T0 + timedelta(seconds=5) and status.last_cn == 2061


def test_a_resent_packet_is_stored_once_but_kept_as_evidence_twice(device: Any, directory: Directory) -> None:
    frame = upload(device)
    store(directory, frame, frame)  # twice in one batch
    store(directory, frame)  # and again in the next one
    assert Reading.objects.filter(device=device).count() == 1
    assert RawFrame.objects.filter(device=device, outcome=FrameOutcome.DATA).count() == 3
    assert DeviceStatus.objects.get(device=device).frames == 3


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("unknown", QuarantineReason.UNKNOWN_MN),
        ("wrong_pw", QuarantineReason.WRONG_PW),
        ("inactive", QuarantineReason.INACTIVE),
    ],
)
def test_frames_that_may_not_enter_the_data_go_to_quarantine(
    case: str, reason: str, device: Any, directory: Directory
) -> None:
    from epb.monitoring import services

    if case == "unknown":
        frame = upload("UNREGISTERED0001")
    elif case == "wrong_pw":
        frame = upload(device, pw="654321")
    else:
        services.update_device(device, actor=None, is_active=False)
        directory.refresh()
        frame = upload(device)
    result = store(directory, frame, frame)
    assert result.quarantined == 2 and result.readings == 0
    assert not Reading.objects.exists()
    mn = "UNREGISTERED0001" if case == "unknown" else device.mn
    entry = QuarantineEntry.objects.get(mn=mn)
    assert entry.reason == reason and entry.frames == 2 and entry.last_cn == "2011"
    assert entry.device_id == (None if case == "unknown" else device.pk)
    assert RawFrame.objects.filter(mn=mn, outcome=FrameOutcome.QUARANTINED).count() == 2
    store(directory, frame)
    assert QuarantineEntry.objects.get(mn=mn).frames == 3


def test_a_frame_that_fails_its_crc_is_kept_as_rejected_and_stores_nothing(
    device: Any, directory: Directory
) -> None:
    good = upload(device)
    bad = good[:-6] + (b"0000" if good[-6:-2] != b"0000" else b"1111") + b"\r\n"
    result = store(directory, bad)
    assert result.rejected == 1 and result.readings == 0
    frame = RawFrame.objects.get()
    assert frame.outcome == FrameOutcome.REJECTED and frame.error.startswith("bad_crc")
    assert frame.device_id == device.pk  # attributed from the readable header
    assert DeviceStatus.objects.get(device=device).rejected == 1
    assert not Reading.objects.exists()


def test_the_pieces_of_a_split_packet_are_kept_side_by_side(device: Any, directory: Directory) -> None:
    one = upload(device, cn="2061", values={"w01018": 20.0}, pnum=2, pno=1)
    two = upload(device, cn="2061", values={"w21003": 1.0}, pnum=2, pno=2)
    store(directory, one, two, two)
    parts = {r.part: r.data for r in Reading.objects.filter(device=device)}
    assert set(parts) == {1, 2}
    assert "w01018" in parts[1] and "w21003" in parts[2]


def test_2005_codes_become_2017_codes_and_flow_units_are_converted(
    enterprise: Any, directory: Directory
) -> None:
    device = make_device(make_outlet(enterprise, kind="gas"), system="31", flow_unit="m3/h")
    directory.refresh()
    frame = upload(device, values={"02": 35.0, "B02": 36000.0}, version=Version.V2005, ack=False)
    store(directory, frame)
    data = Reading.objects.get(device=device).data
    assert data["a21026"]["Rtd"] == 35.0  # 02 is SO2
    assert data["a00000"]["Rtd"] == pytest.approx(10.0)  # 36 000 m3/h = 10 m3/s


def test_an_older_packet_never_moves_the_status_back(device: Any, directory: Directory) -> None:
    store(directory, upload(device, when=T0 + timedelta(minutes=1)))
    store(directory, upload(device, when=T0), at=(T0 - timedelta(hours=1)).timestamp())
    status = DeviceStatus.objects.get(device=device)
    assert status.realtime_at == T0 + timedelta(minutes=1)
    assert status.last_seen_at == T0 + timedelta(seconds=5)
    assert Reading.objects.filter(device=device).count() == 2


def test_heartbeats_count_as_liveness_only(device: Any, directory: Directory) -> None:
    beat = build_packet(
        qn=make_qn(T0),
        st="32",
        cn="9015",
        pw=device.pw,
        mn=device.mn,
        flag=make_flag(Version.V2025, ack=True),
    )
    store(directory, beat)
    assert RawFrame.objects.get().outcome == FrameOutcome.HEARTBEAT
    assert DeviceStatus.objects.get(device=device).last_seen_at is not None
    assert not Reading.objects.exists()


def test_a_device_registered_a_moment_ago_is_found_without_a_refresh(enterprise: Any) -> None:
    directory = Directory()
    directory.refresh()
    device = make_device(make_outlet(enterprise))
    assert directory.get(device.mn) is None
    store(directory, upload(device))
    assert Reading.objects.filter(device=device).count() == 1


def test_hooks_run_after_the_commit_with_what_was_stored(
    device: Any, directory: Directory, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[ingest.StoredBatch] = []
    ingest.register_batch_hook(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            store(directory, upload(device, cn="2051"))
    finally:
        ingest.unregister_batch_hook(seen.append)
    assert len(seen) == 1
    (reading,) = seen[0].readings
    assert (reading.device_id, reading.cn, reading.data_time) == (device.pk, 2051, T0)
    assert seen[0].device_ids == {device.pk}


def test_a_failing_hook_does_not_disturb_the_batch(
    device: Any, directory: Directory, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(batch: ingest.StoredBatch) -> None:
        raise RuntimeError("boom")

    ingest.register_batch_hook(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = store(directory, upload(device))
    finally:
        ingest.unregister_batch_hook(broken)
    assert result.readings == 1 and Reading.objects.count() == 1


def test_status_is_written_once_per_interval_then_flushed(device: Any) -> None:
    directory = Directory(status_seconds=3600)
    directory.refresh()
    store(directory, upload(device))  # the first frame of a device is written at once
    for minute in range(1, 4):
        store(directory, upload(device, when=T0 + timedelta(minutes=minute)))
    status = DeviceStatus.objects.get(device=device)
    assert status.frames == 1 and status.realtime_at == T0  # the next three wait in memory
    assert ingest.flush_status(directory, everything=True) == 1
    status.refresh_from_db()
    assert status.frames == 4 and status.realtime_at == T0 + timedelta(minutes=3)
    assert ingest.flush_status(directory, everything=True) == 0


def test_status_of_a_failed_batch_is_kept_for_the_next(device: Any, directory: Directory) -> None:
    from unittest import mock

    with mock.patch.object(ingest, "_write", side_effect=RuntimeError("database gone")):
        with pytest.raises(RuntimeError):
            store(directory, upload(device))
    store(directory, upload(device, when=T0 + timedelta(minutes=1)))
    assert DeviceStatus.objects.get(device=device).frames == 2
