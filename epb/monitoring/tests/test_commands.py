"""Commands from the centre: the queue, the claim, the answers 9011 / 9012 / 9013, the time-outs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from epb.core.models import AuditEntry
from epb.hj212 import decode_frame, execution_result, notice_ack, request_answer
from epb.monitoring import commands, services
from epb.monitoring.choices import CommandState, FrameOutcome
from epb.monitoring.models import Command, RawFrame
from epb.monitoring.receiver import Receiver
from epb.monitoring.tests.factories import T0, make_device, upload
from epb.monitoring.tests.helpers import Device, in_db, run
from epb.testing.factories import make_outlet

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def device(enterprise: Any) -> Any:
    return make_device(make_outlet(enterprise))


def test_an_operator_queues_a_command_with_an_audit_record(device: Any, district_officer: Any) -> None:
    command = services.create_command(
        actor=district_officer, device=device, kind="2061", begin_time=NOW - timedelta(hours=6), end_time=NOW
    )
    assert command.state == CommandState.PENDING and command.created_by == district_officer
    assert len(command.qn) == 17
    entry = AuditEntry.objects.get(action="monitoring.command.created")
    assert entry.actor == district_officer and entry.object_id == str(command.pk)


@pytest.mark.parametrize("who", ["enterprise_user", "other_district_officer", "grid_officer"])
def test_only_operators_of_the_device_may_command_it(device: Any, who: str, request: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_command(actor=request.getfixturevalue(who), device=device, kind="2011")
    assert not Command.objects.exists()


def test_bad_parameters_change_nothing(device: Any, leader: Any) -> None:
    with pytest.raises(ValidationError):
        services.create_command(actor=leader, device=device, kind="2061", begin_time=NOW, end_time=None)
    assert not Command.objects.exists()


def test_a_receiver_claims_a_command_once(device: Any) -> None:
    command = services.create_command(actor=None, device=device, kind="2011")
    first = commands.dispatch({device.mn}, "receiver-a", NOW)
    second = commands.dispatch({device.mn}, "receiver-b", NOW)
    assert [o.command_id for o in first] == [command.pk] and second == []
    sent = decode_frame(first[0].frame)
    assert (sent.cn, sent.qn, sent.mn, sent.pw, sent.flag) == ("2011", command.qn, device.mn, device.pw, 5)
    command.refresh_from_db()
    assert (command.state, command.claimed_by, command.attempts) == ("sent", "receiver-a", 1)


def test_a_command_waits_for_its_device_to_connect(device: Any) -> None:
    services.create_command(actor=None, device=device, kind="2011")
    assert commands.dispatch({"SOMEONE-ELSE"}, "receiver-a", NOW) == []
    assert Command.objects.get().state == CommandState.PENDING


def test_unanswered_commands_are_resent_then_time_out(device: Any, settings: Any) -> None:
    settings.HJ212_COMMAND_ANSWER_SECONDS = 10
    settings.HJ212_COMMAND_ATTEMPTS = 2
    command = services.create_command(actor=None, device=device, kind="1012")
    assert len(commands.dispatch({device.mn}, "r", NOW)) == 1
    assert commands.dispatch({device.mn}, "r", NOW + timedelta(seconds=5)) == []
    resent = commands.dispatch({device.mn}, "r", NOW + timedelta(seconds=11))
    assert len(resent) == 1 and decode_frame(resent[0].frame).qn == command.qn  # same QN
    assert commands.dispatch({device.mn}, "r", NOW + timedelta(seconds=22)) == []
    command.refresh_from_db()
    assert command.state == CommandState.TIMED_OUT and command.attempts == 2
    entries = AuditEntry.objects.filter(object_id=str(command.pk), action__startswith="monitoring.command")
    actions = list(entries.order_by("id").values_list("action", flat=True))
    assert actions == [
        "monitoring.command.created",
        "monitoring.command.sent",
        "monitoring.command.resent",
        "monitoring.command.timed_out",
    ]


def test_a_command_whose_device_never_connects_expires(device: Any, settings: Any) -> None:
    settings.HJ212_COMMAND_PENDING_SECONDS = 60
    command = services.create_command(actor=None, device=device, kind="2011")
    Command.objects.filter(pk=command.pk).update(created_at=NOW - timedelta(minutes=2))
    commands.dispatch(set(), "r", NOW)
    command.refresh_from_db()
    assert command.state == CommandState.TIMED_OUT and "未连接" in command.note


def test_a_pending_command_can_be_cancelled_not_a_sent_one(device: Any, leader: Any) -> None:
    one = services.create_command(actor=leader, device=device, kind="2011")
    assert services.cancel_command(one, actor=leader)
    two = services.create_command(actor=leader, device=device, kind="2012")
    commands.dispatch({device.mn}, "r", NOW)
    assert not services.cancel_command(two, actor=leader)
    assert Command.objects.get(pk=one.pk).state == CommandState.CANCELLED
    assert Command.objects.get(pk=two.pk).state == CommandState.SENT


def test_answers_complete_a_history_request(device: Any) -> None:
    command = services.create_command(
        actor=None, device=device, kind="2061", begin_time=NOW - timedelta(hours=2), end_time=NOW
    )
    commands.dispatch({device.mn}, "r", NOW)
    assert commands.record_answer(device.pk, "9011", command.qn, 1, NOW + timedelta(seconds=1))
    assert not commands.record_answer(device.pk, "9011", command.qn, 1, NOW + timedelta(seconds=2))
    assert commands.record_answer(device.pk, "9012", command.qn, 1, NOW + timedelta(seconds=30))
    command.refresh_from_db()
    assert (command.state, command.qn_rtn, command.exe_rtn) == ("done", 1, 1)
    assert command.finished_at == NOW + timedelta(seconds=30)
    assert not commands.record_answer(device.pk, "9011", "00000000000000000", 1, NOW)  # unknown QN


def test_a_device_asking_for_the_time_gets_one_calibration(device: Any) -> None:
    first = commands.request_time_calibration(device.pk)
    assert first is not None and first.kind == "1012" and first.created_by is None
    assert commands.request_time_calibration(device.pk) is None  # one on its way already


@pytest.mark.slow
def test_a_connected_device_gets_the_command_and_its_answers_are_recorded(device: Any) -> None:
    command = services.create_command(actor=None, device=device, kind="1012")

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(upload(device))  # the first frame tells the receiver which MN this is
        request = await dev.receive_cn("1012")
        assert await dev.receive_cn("9014") is not None
        assert request is not None and (request.cn, request.qn) == ("1012", command.qn)
        assert request.system_time is not None
        assert abs((request.system_time - datetime.now(UTC)).total_seconds()) < 5
        await dev.send(request_answer(request, 1))
        await dev.send(execution_result(request, 1))
        for _ in range(40):
            state = await in_db(receiver, lambda: Command.objects.get(pk=command.pk).state)
            if state == CommandState.DONE:
                break
            await receiver.drain()
        assert state == CommandState.DONE
        await dev.close()

    run(scenario)
    command.refresh_from_db()
    assert (command.qn_rtn, command.exe_rtn, command.claimed_by) == (1, 1, "test-receiver")


@pytest.mark.slow
def test_stop_realtime_is_a_notice_answered_with_9013(device: Any) -> None:
    command = services.create_command(actor=None, device=device, kind="2012")

    async def scenario(receiver: Receiver) -> None:
        dev = await Device.connect(receiver.port)
        await dev.send(upload(device, when=T0))
        request = await dev.receive_cn("2012")
        assert request is not None and request.cn == "2012"
        await dev.send(notice_ack(request))
        await receiver.drain()
        await dev.close()

    run(scenario)
    command.refresh_from_db()
    assert command.state == CommandState.DONE


@pytest.mark.slow
def test_a_stranger_using_the_mn_with_a_wrong_pw_does_not_get_the_commands(device: Any) -> None:
    services.create_command(actor=None, device=device, kind="2011")

    async def scenario(receiver: Receiver) -> None:
        stranger = await Device.connect(receiver.port)
        await stranger.send(upload(device, pw="000000"))
        assert (await stranger.receive()).cn == "9014"  # type: ignore[union-attr]  # quarantined, answered
        assert await stranger.receive(timeout=0.5) is None  # but no command for it
        owner = await Device.connect(receiver.port)
        await owner.send(upload(device, when=T0 + timedelta(minutes=1)))
        request = await owner.receive_cn("2011")
        assert request is not None and request.cn == "2011"
        for dev in (stranger, owner):
            await dev.close()

    run(scenario)


@pytest.mark.parametrize(
    ("last_flag", "pinned", "flag"),
    [
        (None, "", 5),
        (b"9", "", 9),
        (b"8", "", 9),
        (b"5", "", 5),
        (b"0", "", 5),
        (b"9", "2017", 5),
        (None, "2025", 9),
    ],
)
def test_commands_speak_the_edition_of_the_device(
    device: Any, last_flag: bytes | None, pinned: str, flag: int
) -> None:
    """A 2025 logger (its frames carry Flag=8/9) gets Flag=9 commands unless its edition is pinned."""
    if pinned:
        type(device).objects.filter(pk=device.pk).update(version=pinned)
        device.refresh_from_db()
    if last_flag is not None:
        raw = (
            b"##0000QN=1;ST=32;CN=2011;PW=123456;MN="
            + device.mn.encode()
            + b";Flag="
            + last_flag
            + b";CP=&&&&0000"
        )
        RawFrame.objects.create(
            received_at=NOW,
            peer="127.0.0.1",
            mn=device.mn,
            device=device,
            cn=2011,
            outcome=FrameOutcome.DATA,
            raw=raw,
        )
        # A later rejected frame says nothing about the device.
        RawFrame.objects.create(
            received_at=NOW + timedelta(seconds=1),
            peer="127.0.0.1",
            mn=device.mn,
            device=device,
            cn=2011,
            outcome=FrameOutcome.REJECTED,
            raw=raw.replace(b"Flag=" + last_flag, b"Flag=4"),
        )
    command = services.create_command(actor=None, device=device, kind="2011")
    (sent,) = commands.dispatch({device.mn}, "receiver-a", NOW)
    assert sent.command_id == command.pk
    assert decode_frame(sent.frame).flag == flag
