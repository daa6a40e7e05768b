"""The receiver over real loopback sockets: answers, durability first, caps and time-outs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError

from epb.hj212 import Version, build_packet, data_ack, decode_frame, make_flag, make_qn
from epb.monitoring import rules
from epb.monitoring.choices import FrameOutcome
from epb.monitoring.ingest import Inbound
from epb.monitoring.models import QuarantineEntry, RawFrame, Reading
from epb.monitoring.receiver import Receiver
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.helpers import Device, in_db, run
from epb.testing.factories import make_outlet

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def device(enterprise: Any) -> Any:
    return make_device(make_outlet(enterprise))


def test_an_upload_asking_for_an_answer_gets_its_9014_once_stored(device: Any) -> None:
    frame = upload(device, cn="2061")

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(frame)
        answer = await dev.receive()
        assert answer is not None
        sent = decode_frame(frame)
        assert answer.raw + b"\r\n" == data_ack(sent)
        assert (answer.st, answer.cn, answer.flag) == ("91", "9014", 4)
        assert (answer.qn, answer.pw, answer.mn) == (sent.qn, sent.pw, sent.mn)
        # Durable before the answer left: the reading is there the moment the answer is.
        stored = await in_db(receiver, Reading.objects.filter(device=device, cn=2061, data_time=T0).count)
        assert stored == 1
        await dev.close()

    run(scenario)


@pytest.mark.parametrize(
    ("case", "answered"),
    [("no A bit", False), ("bad CRC", False), ("2005 without Flag", False), ("A bit", True)],
)
def test_only_good_frames_with_the_a_bit_are_answered(case: str, answered: bool, device: Any) -> None:
    if case == "no A bit":
        frame = upload(device, ack=False)
    elif case == "2005 without Flag":
        frame = upload(device, ack=False, version=Version.V2005)
    elif case == "bad CRC":
        good = upload(device)
        frame = good[:-6] + (b"0000" if good[-6:-2] != b"0000" else b"1111") + b"\r\n"
    else:
        frame = upload(device)

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(frame)
        answer = await dev.receive(timeout=0.5 if not answered else 2)
        assert (answer is not None) is answered
        await receiver.drain()
        await dev.close()

    run(scenario)
    assert RawFrame.objects.count() == 1
    assert Reading.objects.count() == (0 if case == "bad CRC" else 1)


def test_a_resent_packet_is_answered_again_and_stored_once(device: Any) -> None:
    frame = upload(device)

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        for _ in range(3):
            await dev.send(frame)
            assert await dev.receive() is not None
        await dev.close()

    run(scenario)
    assert Reading.objects.filter(device=device).count() == 1
    assert RawFrame.objects.filter(device=device).count() == 3


def test_frames_split_over_reads_and_glued_together_are_all_answered(device: Any) -> None:
    frames = [upload(device, when=T0 + timedelta(seconds=30 * i)) for i in range(5)]
    stream = b"".join(frames)

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        for i in range(0, len(stream), 37):
            await dev.send(stream[i : i + 37])
            await asyncio.sleep(0)
        qns = set()
        for _ in frames:
            answer = await dev.receive()
            assert answer is not None
            qns.add(answer.qn)
        assert qns == {decode_frame(f).qn for f in frames}
        await dev.close()

    run(scenario)
    assert Reading.objects.filter(device=device).count() == 5


def test_unknown_mn_and_wrong_pw_are_quarantined_answered_and_kept_out_of_the_data(device: Any) -> None:
    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(upload("STRANGER00000001"))
        assert await dev.receive() is not None  # durable in the quarantine: answered
        await dev.send(upload(device, pw="999999"))
        assert await dev.receive() is not None
        await dev.close()

    run(scenario)
    assert not Reading.objects.exists()
    assert set(QuarantineEntry.objects.values_list("mn", "reason")) == {
        ("STRANGER00000001", "unknown_mn"),
        (device.mn, "wrong_pw"),
    }
    assert RawFrame.objects.filter(outcome=FrameOutcome.QUARANTINED).count() == 2


def test_a_2025_heartbeat_is_answered_with_9013(device: Any) -> None:
    beat = build_packet(
        qn=make_qn(T0),
        st="32",
        cn="9015",
        pw=device.pw,
        mn=device.mn,
        flag=make_flag(Version.V2025, ack=True),
    )

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(beat)
        answer = await dev.receive()
        assert answer is not None and answer.cn == "9013" and answer.flag == 8
        await dev.close()

    run(scenario)


@pytest.mark.parametrize(("replies", "answered"), [({}, None), ({"9021": "9022"}, "9022")])
def test_a_vendor_login_is_answered_only_as_configured(
    device: Any, replies: dict[str, str], answered: str | None
) -> None:
    login = build_packet(qn=make_qn(T0), st="32", cn="9021", pw=device.pw, mn=device.mn, flag=5)

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(login)
        answer = await dev.receive(timeout=1)
        if answered is None:
            assert answer is None
        else:
            assert answer is not None and (answer.cn, answer.st, answer.qn) == (answered, "91", make_qn(T0))
            assert answer.flag == 4
        await dev.close()

    run(scenario, vendor_replies=replies)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", {}),
        ("9021:9022", {"9021": "9022"}),
        (" 9021 : 9022 , 1000:9013 ,", {"9021": "9022", "1000": "9013"}),
        ("9021", ValueError),
        ("9021:90222", ValueError),
        ("2011:9013", ValueError),  # data is always answered with 9014
    ],
)
def test_vendor_replies_setting(text: str, parsed: Any) -> None:
    if parsed is ValueError:
        with pytest.raises(ValueError, match="HJ212_VENDOR_REPLIES"):
            rules.vendor_replies(text)
    else:
        assert rules.vendor_replies(text) == parsed


def test_an_idle_connection_is_closed(device: Any) -> None:
    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(upload(device))
        assert await dev.receive() is not None
        assert await dev.closed(timeout=3)
        assert receiver.stats.idle_closed == 1 and not receiver.connections

    run(scenario, idle_timeout=0.3)


def test_connections_beyond_the_per_ip_cap_are_refused(device: Any) -> None:
    async def scenario(receiver: Receiver) -> None:
        first = await Device.connect(receiver.port)
        second = await Device.connect(receiver.port)
        third = await Device.connect(receiver.port)
        assert await third.closed()
        assert receiver.stats.refused == 1
        await second.send(upload(device))
        assert await second.receive() is not None  # the admitted ones work
        await first.close()
        await asyncio.sleep(0.05)
        fourth = await Device.connect(receiver.port)  # room again once one left
        await fourth.send(upload(device, when=T0 + timedelta(minutes=1)))
        assert await fourth.receive() is not None
        for dev in (second, third, fourth):
            await dev.close()

    run(scenario, max_conn_per_ip=2)


class FlakySink:
    """A sink that is down for its first ``failures`` calls, then stores nothing but counts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.stored: list[Inbound] = []

    async def store(self, batch: list[Inbound]) -> None:
        if self.failures:
            self.failures -= 1
            raise OperationalError("database is locked")
        self.stored += batch

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, OperationalError)

    async def close(self) -> None:
        return None


def test_while_the_store_is_down_nothing_is_answered_and_the_batch_is_held(device: Any) -> None:
    sink = FlakySink(failures=2)  # down for ~0.6 s (0.2 + 0.4 back-off)

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(upload(device))
        assert await dev.receive(timeout=0.4) is None  # not durable yet: no answer
        assert await dev.receive(timeout=3) is not None  # stored on the retry: answered
        assert len(sink.stored) == 1 and receiver.stats.store_failures == 2
        await dev.close()

    run(scenario, sink=sink)


def test_beyond_max_pending_frames_are_dropped_unanswered(device: Any) -> None:
    sink = FlakySink(failures=1000)

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        for i in range(5):
            await dev.send(upload(device, when=T0 + timedelta(seconds=i)))
        await asyncio.sleep(0.2)
        assert receiver.stats.shed == 2  # 3 held in memory, 2 refused: memory stays bounded
        assert await dev.receive(timeout=0.3) is None
        sink.failures = 0
        answers = [await dev.receive(timeout=6) for _ in range(3)]
        assert all(a is not None for a in answers)
        await dev.close()

    run(scenario, sink=sink, max_pending=3)


def test_a_peer_sending_only_noise_is_closed_when_idle(device: Any) -> None:
    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        closed = False
        for _ in range(30):
            try:
                await dev.send(b"\x01\x03\x00\x00\x00\x0a\xc5\xcd")  # a Modbus poll, again and again
            except ConnectionError:
                closed = True
                break
            await asyncio.sleep(0.1)
        assert closed or await dev.closed(timeout=3)
        assert receiver.stats.junk_bytes >= 16 and receiver.stats.idle_closed == 1

    run(scenario, idle_timeout=0.3)
