"""Table tests of the pure rules: packet roles, stored values, placement, liveness, commands, partitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epb.hj212 import (
    CpValue,
    FrameError,
    LocalProtocolError,
    Packet,
    Version,
    build_packet,
    crc_text,
    decode_frame,
    make_flag,
    reply_for,
)
from epb.monitoring import rules
from epb.monitoring.choices import CommandState
from epb.monitoring.rules import Due, Liveness, Role

T = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)


def packet(cn: str, *, data: bool = True, items: dict[str, CpValue] | None = None) -> Packet:
    frame = build_packet(
        qn="20240601160000000",
        st="32",
        cn=cn,
        pw="123456",
        mn="MN01",
        flag=make_flag(Version.V2017, ack=True),
        data_time=T if data else None,
        items=items or {},
        values={"w01018": {"Rtd": 20.0}} if data else None,
    )
    return decode_frame(frame)


@pytest.mark.parametrize(
    ("cn", "data", "role"),
    [
        ("2011", True, Role.DATA),
        ("2051", True, Role.DATA),
        ("2061", True, Role.DATA),
        ("2031", True, Role.DATA),
        ("2021", True, Role.DATA),
        ("2011", False, Role.OTHER),  # no DataTime, no values: nothing to store as a reading
        ("2081", True, Role.OTHER),  # restart time: evidence only
        ("9015", False, Role.HEARTBEAT),
        ("9021", False, Role.HEARTBEAT),
        ("9011", False, Role.ANSWER),
        ("9012", False, Role.ANSWER),
        ("9013", False, Role.ANSWER),
        ("1013", False, Role.TIME_REQUEST),
        ("1062", False, Role.OTHER),
    ],
)
def test_the_role_of_a_packet(cn: str, data: bool, role: Role) -> None:
    assert rules.role_of(packet(cn, data=data)) is role


def test_a_2005_answer_carries_its_qn_inside_cp() -> None:
    items: dict[str, CpValue] = {"QN": "20040516010101001", "QnRtn": 1}
    frame = build_packet(st="91", cn="9011", pw="123456", mn="MN01", items=items)
    assert rules.answer_qn(decode_frame(frame)) == "20040516010101001"
    assert rules.answer_qn(packet("9011", data=False)) == "20240601160000000"


@pytest.mark.parametrize(
    ("values", "flow_unit", "expected"),
    [
        ({"w01018": {"Rtd": 20.5, "Flag": "N"}}, "", {"w01018": {"Rtd": 20.5, "Flag": "N"}}),
        ({"011": {"Avg": 20.5}}, "", {"w01018": {"Avg": 20.5}}),  # 2005 code → 2017
        ({"B02": {"Avg": 3600.0, "Cou": 3600.0}}, "m3/h", {"a00000": {"Avg": 1.0, "Cou": 3600.0}}),
        ({"a00000": {"Rtd": 7200.0}}, "m3/h", {"a00000": {"Rtd": 2.0}}),
        ({"a00000": {"Rtd": 2.0}}, "", {"a00000": {"Rtd": 2.0}}),  # default unit: as sent
        ({"w00000": {"Rtd": 360.0}}, "m3/h", {"w00000": {"Rtd": 100.0}}),  # m3/h → L/s
        ({"PM10x": {"Rtd": 5.0}}, "", {"PM10x": {"Rtd": 5.0}}),  # vendor code kept as sent
        ({"a00000": {"Rtd": "bad"}}, "m3/h", {"a00000": {"Rtd": "bad"}}),  # text is never converted
        ({"w01018": {"SampleTime": T}}, "", {"w01018": {"SampleTime": "2024-06-01T08:00:00+00:00"}}),
    ],
)
def test_stored_data(
    values: dict[str, dict[str, object]], flow_unit: str, expected: dict[str, object]
) -> None:
    assert rules.stored_data(values, flow_unit=flow_unit) == expected


@pytest.mark.parametrize(
    ("system", "outlet_kind", "has_unit", "fields"),
    [
        ("32", "water", True, set()),
        ("31", "gas", True, set()),
        ("52", "water", True, set()),
        ("32", "gas", True, {"system"}),
        ("31", None, True, {"outlet"}),
        ("21", None, True, set()),
        ("22", None, True, set()),
        ("23", None, False, {"org_unit"}),
        ("22", "gas", True, {"outlet"}),
        ("99", None, True, {"system"}),
    ],
)
def test_where_a_device_may_be_placed(
    system: str, outlet_kind: str | None, has_unit: bool, fields: set[str]
) -> None:
    assert set(rules.placement_errors(system, outlet_kind, has_unit)) == fields


@pytest.mark.parametrize(
    ("rtd", "minutes", "silence", "state"),
    [
        (30, 10, timedelta(minutes=19), Liveness.ONLINE),  # two minute intervals: 20 min
        (30, 10, timedelta(minutes=21), Liveness.OFFLINE),
        (30, 1, timedelta(minutes=4), Liveness.ONLINE),  # never under 5 minutes
        (30, 1, timedelta(minutes=6), Liveness.OFFLINE),
        (600, 1, timedelta(minutes=29), Liveness.ONLINE),  # three realtime intervals: 30 min
        (600, 1, timedelta(minutes=31), Liveness.OFFLINE),
        (30, 10, None, Liveness.NEVER),
    ],
)
def test_liveness(rtd: int, minutes: int, silence: timedelta | None, state: Liveness) -> None:
    seen = None if silence is None else T - silence
    assert rules.liveness(seen, T, rtd, minutes) is state


S, A, P = CommandState.SENT, CommandState.ACCEPTED, CommandState.PENDING


@pytest.mark.parametrize(
    ("kind", "state", "cn", "rtn", "expected"),
    [
        ("1012", S, "9011", 1, CommandState.ACCEPTED),  # set time: 9012 follows
        ("2061", S, "9011", 1, CommandState.ACCEPTED),  # history: data then 9012 follow
        ("2011", S, "9011", 1, CommandState.DONE),  # start realtime: the data is the result
        ("1012", S, "9011", 2, CommandState.REJECTED),
        ("1012", S, "9011", 3, CommandState.REJECTED),  # wrong PW
        ("1012", A, "9011", 1, None),  # a repeated 9011 changes nothing
        ("1012", A, "9012", 1, CommandState.DONE),
        ("2061", A, "9012", 100, CommandState.DONE),  # no data: done, noted
        ("2061", A, "9012", 2, CommandState.FAILED),
        ("1012", S, "9012", 1, CommandState.DONE),  # 9012 without a 9011 first
        ("2012", S, "9013", None, CommandState.DONE),  # stop realtime is a notice
        ("1012", S, "9013", None, None),
        ("1012", P, "9011", 1, None),  # not sent yet
        ("1012", CommandState.DONE, "9012", 1, None),
        ("1012", CommandState.TIMED_OUT, "9011", 1, None),
    ],
)
def test_answers_move_commands(kind: str, state: str, cn: str, rtn: int | None, expected: str | None) -> None:
    step = rules.answer_transition(kind, state, cn, rtn)
    assert (step.state if step else None) == expected


LIMITS = rules.CommandTimeouts(answer=timedelta(seconds=10), attempts=3, execute=timedelta(seconds=60))


@pytest.mark.parametrize(
    ("kind", "state", "attempts", "sent_ago", "answered_ago", "created_ago", "due"),
    [
        ("1012", P, 0, None, None, 59 * 60, None),
        ("1012", P, 0, None, None, 61 * 60, Due.TIME_OUT),  # never connected within an hour
        ("1012", S, 1, 9, None, 9, None),
        ("1012", S, 1, 11, None, 11, Due.RESEND),
        ("1012", S, 2, 11, None, 30, Due.RESEND),
        ("1012", S, 3, 11, None, 40, Due.TIME_OUT),  # third try unanswered
        ("1012", A, 1, 70, 59, 70, None),
        ("1012", A, 1, 70, 61, 70, Due.TIME_OUT),
        ("2061", A, 1, 700, 599, 700, None),  # history may take ten minutes
        ("2061", A, 1, 700, 601, 700, Due.TIME_OUT),
        ("1012", CommandState.DONE, 1, 999, 999, 999, None),
    ],
)
def test_when_a_command_is_due(
    kind: str,
    state: str,
    attempts: int,
    sent_ago: int | None,
    answered_ago: int | None,
    created_ago: int,
    due: Due | None,
) -> None:
    def ago(s: int | None) -> datetime | None:
        return None if s is None else T - timedelta(seconds=s)

    created = ago(created_ago)
    assert created is not None
    assert (
        rules.due_action(
            kind=kind,
            state=state,
            attempts=attempts,
            created_at=created,
            sent_at=ago(sent_ago),
            answered_at=ago(answered_ago),
            now=T,
            limits=LIMITS,
        )
        is due
    )


H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("kind", "begin", "end", "field"),
    [
        ("1012", None, None, None),
        ("1012", T - H, T, "begin_time"),  # no window for a time calibration
        ("2061", T - H, T, None),
        ("2061", None, T, "begin_time"),
        ("2061", T, T - H, "end_time"),
        ("2061", T + H, T + 2 * H, "begin_time"),  # nothing to fetch from the future
        ("2061", T - 32 * 24 * H, T, "end_time"),  # over a month of hours: split it
        ("2051", T - 8 * 24 * H, T, "end_time"),
        ("2031", T - 300 * 24 * H, T, None),
        ("9999", None, None, "kind"),
    ],
)
def test_command_parameters(
    kind: str, begin: datetime | None, end: datetime | None, field: str | None
) -> None:
    errors = rules.command_errors(kind, begin, end, T)
    assert (next(iter(errors)) if errors else None) == field


@pytest.mark.parametrize(
    ("secret", "shown"),
    [("", ""), ("1234", "••••"), ("12345678", "••••"), ("30303030303030303030303030303030", "••••3030")],
)
def test_secrets_are_masked(secret: str, shown: str) -> None:
    assert rules.mask_secret(secret) == shown


def test_passwords_are_compared_exactly() -> None:
    assert rules.pw_matches("123456", "123456")
    assert not rules.pw_matches("123456", "123457")
    assert not rules.pw_matches("123456", None)


def test_monthly_partitions_follow_beijing_months() -> None:
    assert rules.month_starts(date(2024, 12, 15), back=1, ahead=2) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    lo, hi = rules.partition_bounds(date(2024, 12, 1))
    assert (lo, hi) == (datetime(2024, 11, 30, 16, tzinfo=UTC), datetime(2024, 12, 31, 16, tzinfo=UTC))
    assert rules.partition_name("monitoring_reading", date(2024, 2, 1)) == "monitoring_reading_y2024m02"


def test_a_device_profile_becomes_a_codec_profile() -> None:
    profile = rules.profile_for_device(
        version="2005",
        crc_variants=["hj212", "modbus-le"],
        accept_lowercase_crc=False,
        accept_length_mismatch=True,
    )
    assert profile.version is Version.V2005
    assert {v.value for v in profile.crc_variants} == {"hj212", "modbus-le"}
    assert not profile.accept_lowercase_crc and profile.accept_length_mismatch
    assert (
        rules.profile_for_device(
            version="", crc_variants=[], accept_lowercase_crc=True, accept_length_mismatch=False
        ).version
        is None
    )


def test_a_packet_with_sample_times_is_stored_with_iso_times() -> None:
    frame = build_packet(
        qn="20240601160000000",
        st="32",
        cn="2061",
        pw="123456",
        mn="MN01",
        flag=make_flag(Version.V2017, ack=True),
        data_time=T,
        values={"w01018": {"Avg": 20.0, "SampleTime": T}, "w21003": {"Avg": 1.0}},
    )
    p = decode_frame(frame)
    data = rules.stored_data(p.values, cp_text=p.cp_text)
    assert data["w01018"]["SampleTime"] == "2024-06-01T08:00:00+00:00"
    simple = decode_frame(packet("2011").raw + b"\r\n")
    assert rules.stored_data(simple.values, cp_text=simple.cp_text) is simple.values  # no copy


HEADER_TEXT = st.text(alphabet=st.sampled_from("0123456789ABCDEFabc-_.;,=&"), min_size=0, max_size=24)


@given(
    qn=HEADER_TEXT,
    pw=st.one_of(st.none(), HEADER_TEXT),
    mn=st.one_of(st.none(), HEADER_TEXT),
    cn=st.sampled_from(["2011", "2051", "2061", "2031", "1013", "9015", "9011", "3020", "1062", "7777"]),
    flag=st.one_of(st.none(), st.integers(0, 11)),
)
@settings(max_examples=400, deadline=None)
def test_the_fast_answer_is_the_codecs_answer(
    qn: str, pw: str | None, mn: str | None, cn: str, flag: int | None
) -> None:
    header = [("QN", qn), ("ST", "32"), ("CN", cn), ("PW", pw), ("MN", mn), ("Flag", flag)]
    text = (
        ";".join(f"{k}={v}" for k, v in header if v is not None and v != "")
        + ";CP=&&DataTime=20240601080000&&"
    )
    frame = b"##%04d%b%s\r\n" % (len(text), text.encode(), crc_text(text.encode()).encode())
    try:
        packet = decode_frame(frame)
    except FrameError:
        return
    try:
        expected = reply_for(packet)
    except LocalProtocolError:
        expected = None
        with pytest.raises(LocalProtocolError):
            rules.answer_for(packet)
        return
    assert rules.answer_for(packet) == expected
