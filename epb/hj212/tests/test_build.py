"""Builders: exact bytes for the standard's replies, round trips for everything else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from epb.hj212 import (
    BEIJING,
    Decoder,
    LocalProtocolError,
    Packet,
    Target,
    Values,
    Version,
    answer_with,
    build_command,
    build_packet,
    build_upload,
    data_ack,
    decode_frame,
    execution_result,
    format_cp,
    format_value,
    frame,
    get_time,
    make_flag,
    make_qn,
    notice_ack,
    reply_for,
    request_answer,
    request_history,
    set_min_interval,
    set_rtd_interval,
    set_time,
    set_timeout,
    start_realtime,
    start_running_state,
    stop_realtime,
    stop_running_state,
)
from epb.hj212.tests.vectors import VECTORS

WHEN = datetime(2024, 6, 1, 0, 40, tzinfo=UTC)
MN = "010000A8900016F000169DC0"
QN = "20160801085857223"


def example_upload(flag: int = 5, cn: str = "2011") -> Packet:
    """An upload carrying the header of the standard's Appendix C examples."""
    return decode_frame(build_packet(qn=QN, st="32", cn=cn, pw="123456", mn=MN, flag=flag))


@pytest.mark.parametrize(
    ("build", "vector"),
    [
        (lambda: data_ack(example_upload()), "derived-9014"),
        (lambda: notice_ack(example_upload(cn="1013")), "derived-9013"),
        (lambda: request_answer(example_upload(cn="1012")), "derived-9011"),
        (lambda: execution_result(example_upload(cn="1012")), "derived-9012"),
    ],
)
def test_replies_match_the_reference_bytes(build: Callable[[], bytes], vector: str) -> None:
    assert build() == VECTORS[vector] + b"\r\n"


@pytest.mark.parametrize(
    ("cn", "flag", "reply"),
    [
        ("2011", 5, "9014"),
        ("2011", 4, None),
        ("2051", 7, "9014"),  # each split sub-frame is answered
        ("2061", 9, "9014"),
        ("2081", 5, "9014"),
        ("3020", 5, "9014"),
        ("1062", 5, "9014"),
        ("1013", 5, "9013"),
        ("9015", 9, "9013"),  # 2025 heartbeat with A=1
        ("9015", 8, None),
        ("9011", 5, None),
        ("9014", 5, None),
        ("9021", 5, None),  # vendor login/heartbeat in the interaction range
        ("2012", 5, None),
        ("4321", 5, "9014"),  # unknown vendor data code
    ],
)
def test_reply_for(cn: str, flag: int, reply: str | None) -> None:
    answer = reply_for(example_upload(flag, cn))
    if reply is None:
        assert answer is None
        return
    assert answer is not None
    packet = decode_frame(answer)
    assert (packet.cn, packet.st, packet.qn, packet.pw, packet.mn) == (reply, "91", QN, "123456", MN)
    assert packet.flag == flag & 0xFC and not packet.needs_ack


def test_answer_with_a_configured_code() -> None:
    login = example_upload(5, "9021")
    assert reply_for(login) is None  # the standard knows no answer to a vendor login
    packet = decode_frame(answer_with(login, "9022"))
    assert (packet.cn, packet.st, packet.qn, packet.pw, packet.mn) == ("9022", "91", QN, "123456", MN)
    assert packet.flag == 4 and not packet.values


def test_reply_for_a_frame_without_cn() -> None:
    packet = example_upload()
    assert reply_for(Packet(**{**packet.__dict__, "cn": None})) is None


def test_2025_acks_carry_the_2025_version_bits() -> None:
    raw = build_upload(
        cn="2011", mn="M", st="32", qn="1", data_time=WHEN, values={}, version=Version.V2025, ack=True
    )
    ack = decode_frame(data_ack(decode_frame(raw)))
    assert (ack.flag, ack.version) == (8, Version.V2025)


def test_2005_answers_put_qn_and_cn_inside_cp() -> None:
    request = decode_frame(
        frame(b"QN=20040516010101001;ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=3;CP=&&&&")
    )
    assert request.version is Version.V2005
    answer = request_answer(request)
    assert answer == frame(
        b"ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;QnRtn=1&&"
    )
    upload = decode_frame(frame(b"ST=32;CN=2051;PW=123456;MN=88888880000001;Flag=1;CP=&&&&"))
    assert data_ack(upload) == frame(b"ST=91;CN=9014;PW=123456;MN=88888880000001;Flag=0;CP=&&CN=2051&&")
    assert notice_ack(upload) == frame(b"ST=91;CN=9013;PW=123456;MN=88888880000001;Flag=0;CP=&&CN=2051&&")
    bare = Packet(**{**upload.__dict__, "flag": None, "cn": None})
    assert data_ack(bare) == notice_ack(bare).replace(b"9013", b"9014")[:-6] + data_ack(bare)[-6:]
    assert decode_frame(data_ack(bare)).flag is None


def test_answer_to_a_frame_without_flag_or_edition() -> None:
    packet = Packet(**{**example_upload().__dict__, "flag": None, "version": None})
    ack = decode_frame(data_ack(packet))
    assert (ack.flag, ack.version) == (4, Version.V2017)


TARGET = Target(mn=MN, pw="123456", st="32")


@pytest.mark.parametrize(
    ("build", "cn", "items"),
    [
        (lambda: set_time(TARGET, qn=QN, system_time=WHEN), "1012", {"SystemTime": "20240601084000"}),
        (
            lambda: set_time(TARGET, qn=QN, system_time=WHEN, pol_id="w01018"),
            "1012",
            {"PolId": "w01018", "SystemTime": "20240601084000"},
        ),
        (lambda: get_time(TARGET, qn=QN), "1011", {}),
        (lambda: get_time(TARGET, qn=QN, pol_id="w01018"), "1011", {"PolId": "w01018"}),
        (lambda: start_realtime(TARGET, qn=QN), "2011", {}),
        (lambda: stop_realtime(TARGET, qn=QN), "2012", {}),
        (lambda: start_running_state(TARGET, qn=QN), "2021", {}),
        (lambda: stop_running_state(TARGET, qn=QN), "2022", {}),
        (
            lambda: request_history(TARGET, cn="2061", qn=QN, begin=WHEN, end=WHEN + timedelta(hours=2)),
            "2061",
            {"BeginTime": "20240601084000", "EndTime": "20240601104000"},
        ),
        (lambda: set_rtd_interval(TARGET, qn=QN, seconds=30), "1062", {"RtdInterval": "30"}),
        (lambda: set_min_interval(TARGET, qn=QN, minutes=10), "1064", {"MinInterval": "10"}),
        (
            lambda: set_timeout(TARGET, qn=QN, over_time=5, re_count=3),
            "1000",
            {"OverTime": "5", "ReCount": "3"},
        ),
    ],
)
def test_centre_commands_round_trip(build: Callable[[], bytes], cn: str, items: dict[str, str]) -> None:
    packet = decode_frame(build())
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag) == (
        QN,
        "32",
        cn,
        "123456",
        MN,
        5,
    )
    assert packet.items == items and packet.values == {}


def test_history_request_times() -> None:
    packet = decode_frame(request_history(TARGET, cn="2051", qn=QN, begin=WHEN, end=WHEN))
    assert packet.begin_time == packet.end_time == WHEN
    with pytest.raises(LocalProtocolError):
        request_history(TARGET, cn="2011", qn=QN, begin=WHEN, end=WHEN)


def test_commands_for_other_editions() -> None:
    target = Target(mn="88888880000001", pw="123456", st="31", version=Version.V2005)
    assert decode_frame(build_command(target, cn="2011", qn=QN)).flag == 1
    target = Target(mn=MN, pw="123456", st="31", version=Version.V2025)
    assert decode_frame(build_command(target, cn="2011", qn=QN, ack=False)).flag == 8


def test_target_of_a_packet() -> None:
    packet = decode_frame(VECTORS["lib-2005-ms-datatime"])
    assert Target.of(packet) == Target("LD130133000015", "123456", "32", Version.V2005)
    bare = decode_frame(frame(b"CN=2011;CP=&&&&"))
    assert Target.of(Packet(**{**bare.__dict__, "version": None, "mn": "M"})) == Target(
        "M", "", "", Version.V2017
    )
    with pytest.raises(LocalProtocolError):
        Target.of(bare)


FULL_VALUES: Values = {
    "w01018": {"Rtd": 27.3, "Flag": "N", "EFlag": "A1", "SampleTime": WHEN - timedelta(minutes=5)},
    "w00000": {"Rtd": 12.5, "ZsRtd": 13.0, "Flag": "N"},
    "a21026": {
        "Min": 1.0,
        "Avg": 2.25,
        "Max": 3.5,
        "Cou": 0.125,
        "ZsMin": 1.5,
        "ZsAvg": 2.5,
        "ZsMax": 4.0,
        "Flag": "T",
    },  # fmt: skip
    "SB1": {"RS": 1.0},
}


@pytest.mark.parametrize("version", list(Version))
@pytest.mark.parametrize("cn", ["2011", "2051", "2061", "2031"])
@pytest.mark.parametrize("ack", [False, True])
def test_uploads_round_trip(version: Version, cn: str, ack: bool) -> None:
    qn = None if version is Version.V2005 else make_qn(WHEN)
    raw = build_upload(
        cn=cn, mn=MN, st="32", qn=qn, data_time=WHEN, values=FULL_VALUES, version=version, ack=ack
    )
    packet = decode_frame(raw)
    assert packet.version is version
    assert (packet.cn, packet.mn, packet.st, packet.pw, packet.qn, packet.data_time) == (
        cn,
        MN,
        "32",
        "123456",
        qn,
        WHEN,
    )
    assert packet.values == FULL_VALUES
    assert packet.needs_ack is ack
    assert packet.flag == (None if version is Version.V2005 and not ack else make_flag(version, ack=ack))
    assert packet.deviations == ()
    assert (reply_for(packet) is not None) is ack


def test_split_upload_and_resend_round_trip() -> None:
    raw = build_upload(
        cn="2061", mn=MN, st="31", qn="1", data_time=WHEN, values={"a21026": {"Avg": 2.0}},
        version=Version.V2025, ack=True, pnum=2, pno=1, rf=True, items={"Note": "x"},
    )  # fmt: skip
    packet = decode_frame(raw)
    assert (packet.flag, packet.pnum, packet.pno, packet.rf, packet.items["Note"]) == (11, 2, 1, True, "x")
    old = decode_frame(
        build_upload(
            cn="2051", mn="M", st="32", data_time=WHEN, values={}, version=Version.V2005, pnum=2, pno=2
        )
    )
    assert (old.flag, old.pnum, old.pno) == (2, 2, 2)


def test_upload_needs_a_qn_from_2017_on() -> None:
    with pytest.raises(LocalProtocolError):
        build_upload(cn="2011", mn="M", st="32", data_time=WHEN, values={})


def test_every_built_frame_decodes_in_a_stream() -> None:
    frames = [
        build_upload(
            cn="2011", mn=MN, st="32", qn=make_qn(WHEN), data_time=WHEN, values=FULL_VALUES, ack=True
        ),
        set_time(TARGET, qn=QN, system_time=WHEN),
        data_ack(example_upload()),
    ]
    decoder = Decoder()
    decoder.feed(b"".join(frames))
    assert [e.raw + b"\r\n" for e in decoder.events() if isinstance(e, Packet)] == frames


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "1"),
        (-2, "-2"),
        (27.3, "27.3"),
        (0.09055002, "0.09055002"),
        (1e-05, "0.00001"),
        (2.5e16, "25000000000000000"),
        (Decimal("1.50"), "1.50"),
        ("N", "N"),
        (datetime(2024, 6, 1, 8, 40, tzinfo=BEIJING), "20240601084000"),
        (datetime(2024, 6, 1, 0, 40, tzinfo=timezone(timedelta(hours=-5))), "20240601134000"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [True, float("nan"), float("inf"), Decimal("NaN"), datetime(2024, 6, 1), object(), None]
)
def test_format_value_refuses(value: object) -> None:
    with pytest.raises(LocalProtocolError):
        format_value(value)  # type: ignore[arg-type]


def test_make_qn() -> None:
    assert make_qn(datetime(2016, 8, 1, 0, 58, 57, 223456, tzinfo=UTC)) == "20160801085857223"
    with pytest.raises(LocalProtocolError):
        make_qn(datetime(2016, 8, 1))


def test_format_cp() -> None:
    assert format_cp() == ""
    assert format_cp(
        data_time=WHEN, items={"PolId": "w01018"}, values={"w01018": {"Rtd": 1, "Flag": "N"}, "x": {}}
    ) == ("DataTime=20240601084000;PolId=w01018;w01018-Rtd=1,w01018-Flag=N")
    assert format_cp(values={"i11001": {"Info": "//a;b,c//"}}) == "i11001-Info=//a;b,c//"


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_cp(items={"A;B": 1}),
        lambda: format_cp(items={"A-B": 1}),
        lambda: format_cp(items={"A": "x;y"}),
        lambda: format_cp(items={"A": "x&&y"}),
        lambda: format_cp(values={"w-1": {"Rtd": 1}}),
        lambda: format_cp(values={"w01": {"R=td": 1}}),
        lambda: format_cp(values={"i11001": {"Info": "//a//b//"}}),
        lambda: format_cp(values={"i11001": {"Info": "//a&&b//"}}),
        lambda: build_packet(cn="20;11"),
        lambda: build_packet(cn="2011", mn="a=b"),
        lambda: build_packet(cn="2011", flag=256),
        lambda: build_packet(cn="2011", pnum=-1),
        lambda: build_packet(cn="2011", items={"X": "y" * 10000}),
        lambda: frame(b"x", length=10000),
    ],
)
def test_builders_refuse_what_hj212_cannot_carry(call: Callable[[], object]) -> None:
    with pytest.raises(LocalProtocolError):
        call()


def test_frame_deviations_for_simulators() -> None:
    raw = frame(b"CN=2011;CP=&&&&", lowercase_crc=True, tail=b"\n", length=20)
    assert raw.startswith(b"##0020") and raw.endswith(b"\n") and raw[-5:-1] == raw[-5:-1].lower()


def test_build_packet_encoding() -> None:
    raw = build_packet(cn="3020", values={"i11001": {"Info": "//清洗//"}}, encoding="gbk")
    packet = decode_frame(raw)
    assert packet.values["i11001"]["Info"] == "//清洗//" and packet.encoding == "gb18030"
