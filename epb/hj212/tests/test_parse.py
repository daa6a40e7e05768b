"""Reading the data segment: header, CP items, values, times, editions, CRC rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from epb.hj212 import (
    BEIJING,
    CrcVariant,
    Deviation,
    ErrorCode,
    FrameError,
    Packet,
    Profile,
    Version,
    crc_text,
    decode_frame,
    frame,
    parse_cp,
    parse_time,
)


def seg(text: str) -> bytes:
    return frame(text.encode("utf-8"))


def decode(text: str, **options: object) -> Packet:
    return decode_frame(seg(text), **options)  # type: ignore[arg-type]


def error_of(raw: bytes, **options: object) -> FrameError:
    with pytest.raises(FrameError) as caught:
        decode_frame(raw, **options)  # type: ignore[arg-type]
    return caught.value


def test_header_in_any_order_with_field_deviations() -> None:
    packet = decode("MN=M1,ST=32;CN=2011; PW = 123456 ;QN=20240601120000000;Flag=5CP=&&&&")
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag) == (
        "20240601120000000",
        "32",
        "2011",
        "123456",
        "M1",
        5,
    )
    assert packet.deviations == (Deviation.HEADER_SEPARATOR,)
    assert packet.header == {"MN": "M1", "ST": "32", "CN": "2011", "PW": "123456", "QN": "20240601120000000",
                             "Flag": "5"}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "deviations"),
    [
        ("ST=32;CN=2011;Flag=4CP=&&&&", (Deviation.HEADER_SEPARATOR,)),
        ("ST=32;CN=2011;Flag=4; CP=&&&&", ()),
        ("CP=&&&&", ()),
    ],
)
def test_missing_semicolon_before_cp(text: str, deviations: tuple[Deviation, ...]) -> None:
    raw = seg(text)
    packet = decode_frame(raw) if "CN" in text else error_of(raw).partial
    assert packet is not None and packet.deviations == deviations


def test_header_keys_are_case_insensitive_and_unknown_keys_kept() -> None:
    packet = decode("qn=1;st=32;cn=2011;FLAG=4;Vendor=x;CP=&&&&")
    assert (packet.qn, packet.cn, packet.flag) == ("1", "2011", 4)
    assert packet.header["Vendor"] == "x"


def test_header_duplicates_and_malformed_items() -> None:
    packet = decode("CN=2011;CN=2012;junk;;flag=4;Flag=4;CP=&&&&")
    assert packet.cn == "2012"
    assert set(packet.deviations) == {Deviation.DUPLICATE_KEY, Deviation.MALFORMED_ITEM}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ST=32;Flag=4;CP=&&&&", "no CN in the header"),
        ("CN=2011;Flag=x;CP=&&&&", "Flag='x' is not an integer 0–255"),
        ("CN=2011;Flag=256;CP=&&&&", "Flag='256' is not an integer 0–255"),
        ("CN=2011;Flag=6;PNUM=2;PNO=-1;CP=&&&&", "PNO='-1' is not an integer 0–9999"),
        ("CN=2011;Flag=6;PNUM=²;CP=&&&&", "PNUM='²' is not an integer 0–9999"),
    ],
)
def test_bad_header(text: str, message: str) -> None:
    error = error_of(seg(text))
    assert error.code is ErrorCode.BAD_HEADER and error.message == message
    assert error.partial is not None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("QN=1;ST=32;CN=2011;Flag=4;&&&&", ErrorCode.MISSING_CP),
        ("QN=1;ST=32;CN=2011;Flag=4;CP=&&DataTime=20240601000000", ErrorCode.UNTERMINATED_CP),
        ("QN=1;ST=32;CN=2011;Flag=4;CP=&&&", ErrorCode.UNTERMINATED_CP),
        ("QN=1;ST=32;CN=2011;Flag=4;CP=&&", ErrorCode.UNTERMINATED_CP),
    ],
)
def test_cp_must_be_present_and_closed(text: str, code: ErrorCode) -> None:
    error = error_of(seg(text))
    assert error.code is code
    assert error.partial is not None and error.partial.cn == "2011" and error.partial.values == {}


def test_split_packet_fields_and_resend_marker() -> None:
    packet = decode("QN=1;ST=32;CN=2061;MN=M;Flag=11;PNUM=3;PNO=2;RF=1;CP=&&DataTime=20240601080000&&")
    assert (packet.pnum, packet.pno, packet.rf, packet.has_subpackets, packet.needs_ack) == (
        3,
        2,
        True,
        True,
        True,
    )
    assert packet.version is Version.V2025 and packet.version_bits == 2


@pytest.mark.parametrize(
    ("text", "version", "bits"),
    [
        ("QN=1;ST=32;CN=2011;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&", Version.V2017, 1),
        ("QN=1;ST=32;CN=2011;Flag=5;CP=&&&&", Version.V2017, 1),
        ("QN=1;ST=32;CN=2011;Flag=7;CP=&&&&", Version.V2017, 1),
        ("QN=1;ST=32;CN=9015;Flag=9;CP=&&&&", Version.V2025, 2),
        ("QN=1;ST=32;CN=2011;Flag=10;CP=&&&&", Version.V2025, 2),
        ("ST=32;CN=2011;MN=LD130133000015;CP=&&011-Rtd=1&&", Version.V2005, None),
        ("ST=32;CN=2011;MN=LD130133000015;Flag=0;CP=&&&&", Version.V2005, 0),
        ("ST=91;CN=9011;Flag=0;CP=&&QN=20040516010101001;QnRtn=1&&", Version.V2005, 0),
        # No edition in Flag: the tell-tales vote (QN, 24-character MN, 6-character codes).
        ("QN=1;ST=32;CN=2011;MN=010000A8900016F000169DC0;CP=&&w01018-Rtd=1&&", Version.V2017, None),
        ("QN=1;ST=32;CN=2011;MN=010000A8900016F000169DC0;Flag=0;CP=&&w01018-Rtd=1&&", Version.V2017, 0),
        ("QN=1;ST=32;CN=2011;MN=LD130133000015;CP=&&011-Rtd=1;B01-Rtd=2;w01018-Rtd=3&&", Version.V2005, None),
        ("ST=32;CN=2011;MN=ABCDEF;CP=&&&&", Version.V2005, None),
    ],
)
def test_edition(text: str, version: Version, bits: int | None) -> None:
    packet = decode(text)
    assert packet.version is version and packet.version_bits == bits


def test_unknown_edition_is_an_error_unless_pinned() -> None:
    raw = seg("QN=1;ST=32;CN=2011;Flag=13;CP=&&&&")
    error = error_of(raw)
    assert error.code is ErrorCode.UNKNOWN_VERSION
    assert error.message == "Flag=13 carries version bits 000011, which no edition of HJ 212 defines"
    assert error.partial is not None and error.partial.version is None and error.partial.needs_ack
    assert decode_frame(raw, profile=Profile(version=Version.V2017)).version is Version.V2017


def test_flags_without_flag() -> None:
    packet = decode("ST=32;CN=2011;CP=&&&&")
    assert (packet.flag, packet.needs_ack, packet.has_subpackets, packet.version_bits) == (
        None,
        False,
        False,
        None,
    )


def test_values_and_items() -> None:
    packet = decode(
        "QN=1;ST=31;CN=2051;MN=M;Flag=4;CP=&&DataTime=20240601084000;"
        "a21026-Min=1.5,a21026-Avg=2,a21026-Max=-3.25,a21026-Cou=0.001,a21026-ZsAvg=4,a21026-Flag=N,"
        "a21026-EFlag=A01,a21026-SampleTime=20240601083500;SB1-RS=1;SB1-RT=23.5;"
        "FANSTATUS=1;PURIFYSTATUS=1;e10101-Vendor=x1;e10101-Weird=7;B03-Leq=55.2;&&"
    )
    assert packet.data_time == datetime(2024, 6, 1, 0, 40, tzinfo=UTC)
    assert packet.values == {
        "a21026": {
            "Min": 1.5,
            "Avg": 2.0,
            "Max": -3.25,
            "Cou": 0.001,
            "ZsAvg": 4.0,
            "Flag": "N",
            "EFlag": "A01",
            "SampleTime": datetime(2024, 6, 1, 0, 35, tzinfo=UTC),
        },
        "SB1": {"RS": 1.0, "RT": 23.5},
        "e10101": {"Vendor": "x1", "Weird": 7.0},
        "B03": {"Leq": 55.2},
    }
    assert packet.items == {"DataTime": "20240601084000", "FANSTATUS": "1", "PURIFYSTATUS": "1"}
    assert packet.deviations == ()


@pytest.mark.parametrize(
    ("cp", "values", "pol_id", "deviations"),
    [
        # One instrument: its codes as they are, the PolId an item.
        ("PolId=w01018;i11001-Info=//清洗//", {"i11001": {"Info": "//清洗//"}}, "w01018", ()),
        # Several: each instrument's codes apart; codes before the first PolId stay plain.
        (
            "a01011-Rtd=2;PolId=w01019,i12001-Info=0,i12002-Info=1;PolId=w21001,i12001-Info=2",
            {
                "a01011": {"Rtd": 2.0},
                "i12001@w01019": {"Info": "0"},
                "i12002@w01019": {"Info": "1"},
                "i12001@w21001": {"Info": "2"},
            },
            "w01019",
            (),
        ),
        # A code repeated within one instrument's group is still a duplicate.
        (
            "PolId=w01019,i12001-Info=0,i12001-Info=1;PolId=w21001,i12001-Info=2",
            {"i12001@w01019": {"Info": "1"}, "i12001@w21001": {"Info": "2"}},
            "w01019",
            (Deviation.DUPLICATE_KEY,),
        ),
    ],
)
def test_polid_groups_keep_each_instrument(
    cp: str, values: dict[str, Any], pol_id: str, deviations: tuple[Deviation, ...]
) -> None:
    packet = decode(f"QN=1;ST=32;CN=3020;MN=M;Flag=4;CP=&&DataTime=20240601084000;{cp}&&")
    assert packet.values == values
    assert packet.pol_id == pol_id
    assert packet.deviations == deviations


@pytest.mark.parametrize(
    ("cp", "field", "value", "deviation"),
    [
        ("w01018-Rtd=abc", "Rtd", "abc", Deviation.NOT_NUMERIC),
        ("w01018-Rtd=", "Rtd", "", Deviation.NOT_NUMERIC),
        ("w01018-Rtd=nan", "Rtd", "nan", Deviation.NOT_NUMERIC),
        ("w01018-Rtd=-inf", "Rtd", "-inf", Deviation.NOT_NUMERIC),
        ("w01018-Rtd=1_0", "Rtd", "1_0", Deviation.NOT_NUMERIC),
        ("w01018-Vendor=inf", "Vendor", "inf", None),
        ("w01018-SampleTime=20241301000000", "SampleTime", "20241301000000", Deviation.BAD_TIME),
        ("w01018-SampleTime=2024", "SampleTime", "2024", Deviation.BAD_TIME),
        (
            "w01018-CompleteTime=20240601083500123",
            "CompleteTime",
            datetime(2024, 6, 1, 0, 35, tzinfo=UTC),
            None,
        ),
        ("w01018-Flag=0", "Flag", "0", None),
    ],
)
def test_field_types(cp: str, field: str, value: object, deviation: Deviation | None) -> None:
    packet = decode(f"ST=32;CN=2011;CP=&&{cp}&&")
    assert packet.values["w01018"][field] == value
    assert packet.deviations == (() if deviation is None else (deviation,))


def test_cp_deviations() -> None:
    packet = decode(
        "ST=32;CN=2011;CP=&& PolId = w01018 ;BeginTime=20240601000000,EndTime=20240601010000;"
        "e01001-Rtd=1,e01001-Rtd=2;junk;DataTime=20240601000000;DataTime=20240601000001&&"
    )
    assert packet.items == {
        "PolId": "w01018",
        "BeginTime": "20240601000000",
        "EndTime": "20240601010000",
        "DataTime": "20240601000001",
    }
    assert packet.values == {"e01001": {"Rtd": 2.0}}
    assert set(packet.deviations) == {Deviation.DUPLICATE_KEY, Deviation.MALFORMED_ITEM}


def test_bad_data_time_is_kept_as_text() -> None:
    packet = decode("ST=32;CN=2011;CP=&&DataTime=2024AB01000000&&")
    assert packet.data_time is None and packet.items["DataTime"] == "2024AB01000000"
    assert packet.deviations == (Deviation.BAD_TIME,)


@pytest.mark.parametrize(
    ("cp", "info"),
    [
        ("i11001-Info=//清洗管路; 反吹,完成//", "//清洗管路; 反吹,完成//"),
        ("i11001-Info= //a=b;c// ;i12001-Info=0", "//a=b;c//"),
        ("i11001-Info=//unclosed;i12001-Info=0", "//unclosed"),
    ],
)
def test_logs_may_contain_separators(cp: str, info: str) -> None:
    packet = decode(f"ST=32;CN=3020;CP=&&{cp}&&")
    assert packet.values["i11001"]["Info"] == info


def test_parse_cp_directly() -> None:
    devs: list[Deviation] = []
    values, items = parse_cp("DataTime=20240601000000;w01018-Rtd=1.5,w01018-Flag=N", devs)
    assert values == {"w01018": {"Rtd": 1.5, "Flag": "N"}} and items == {"DataTime": "20240601000000"}
    assert devs == []


def test_typed_items() -> None:
    packet = decode(
        "ST=32;CN=1012;CP=&&PolId=w01018;SystemTime=20240601083000;BeginTime=20240601000000;"
        "EndTime=bad;RestartTime=20240601070000;QnRtn=1;ExeRtn= 100 ;RtdInterval=30;MinInterval=x&&"
    )
    assert packet.pol_id == "w01018"
    assert packet.system_time == datetime(2024, 6, 1, 0, 30, tzinfo=UTC)
    assert packet.begin_time == datetime(2024, 5, 31, 16, 0, tzinfo=UTC)
    assert packet.end_time is None
    assert packet.restart_time == datetime(2024, 5, 31, 23, 0, tzinfo=UTC)
    assert (packet.qn_rtn, packet.exe_rtn, packet.rtd_interval, packet.min_interval) == (1, 100, 30, None)
    empty = decode("ST=32;CN=2011;CP=&&&&")
    assert (empty.qn_rtn, empty.system_time, empty.pol_id) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240601083000", datetime(2024, 6, 1, 0, 30, tzinfo=UTC)),
        ("20240601083000123", datetime(2024, 6, 1, 0, 30, tzinfo=UTC)),
        ("20240101000000", datetime(2023, 12, 31, 16, 0, tzinfo=UTC)),
        ("20241301000000", None),
        ("00010101000000", None),  # would fall before datetime.min once shifted to UTC
        ("2024060108300", None),
        ("２０２４0601083000", None),  # full-width digits are digits, but not HJ 212 digits
    ],
)
def test_parse_time(text: str, expected: datetime | None) -> None:
    assert parse_time(text) == expected
    assert parse_time(text) == expected  # cached


def test_parse_time_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from epb.hj212 import _times

    monkeypatch.setattr(_times, "_CACHE_MAX", 2)
    monkeypatch.setattr(_times, "_CACHE", {})
    for minute in range(5):
        assert parse_time(f"202406010{minute}0000") is not None
    assert len(_times._CACHE) <= 2
    assert parse_time("20240601000000" + "9" * 50) is not None
    assert all(len(text) <= 17 for text in _times._CACHE)


def test_key_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from epb.hj212 import _parse

    monkeypatch.setattr(_parse, "_KEY_CACHE_MAX", 2)
    monkeypatch.setattr(_parse, "_KEY_CACHE", {})
    long_key = "x" * 100 + "-Rtd"
    values, _ = parse_cp(f"a-Rtd=1;b-Rtd=2;c-Rtd=3;d-Rtd=4;{long_key}=5", [])
    assert list(values) == ["a", "b", "c", "d", "x" * 100]
    assert len(_parse._KEY_CACHE) <= 2 and long_key not in _parse._KEY_CACHE


def test_data_time_is_beijing_time_stored_as_utc() -> None:
    packet = decode("ST=32;CN=2011;CP=&&DataTime=20240601000000&&")
    assert packet.data_time is not None
    assert packet.data_time.tzinfo is UTC
    assert packet.data_time.astimezone(BEIJING).hour == 0


@pytest.mark.parametrize(
    ("crc", "profile", "outcome"),
    [
        ("lower", Profile(), Deviation.LOWERCASE_CRC),
        ("lower", Profile(accept_lowercase_crc=False), "CRC 2a80 is lowercase hex"),
        ("modbus", Profile(), "(it is the modbus CRC, which this device's profile does not accept)"),
        ("modbus", Profile(crc_variants=frozenset({CrcVariant.MODBUS})), Deviation.CRC_VARIANT),
        ("modbus-le", Profile(crc_variants=frozenset({CrcVariant.MODBUS_LE})), Deviation.CRC_VARIANT),
        ("ABCD", Profile(), "CRC mismatch: expected 2A80, received ABCD"),
        ("ABCD", Profile(crc_variants=frozenset({CrcVariant.NONE})), Deviation.CRC_NOT_CHECKED),
    ],
)
def test_crc_rules(crc: str, profile: Profile, outcome: Deviation | str) -> None:
    segment = (
        b"QN=20160801085857223;ST=32;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&QnRtn=1&&"
    )
    if crc == "lower":
        raw = frame(segment, lowercase_crc=True, tail=b"")
    elif crc in ("modbus", "modbus-le"):
        raw = frame(segment, crc_variant=CrcVariant(crc), tail=b"")
    else:
        raw = b"##%04d%b%b" % (len(segment), segment, crc.encode())
    if isinstance(outcome, Deviation):
        packet = decode_frame(raw, profile=profile)
        assert packet.deviations == (outcome,) and packet.crc_ok
        assert packet.crc_expected == crc_text(segment)
    else:
        error = error_of(raw, profile=profile)
        assert error.code is ErrorCode.BAD_CRC and outcome in error.message
        assert error.partial is not None and not error.partial.crc_ok


def test_undecodable_text_is_replaced_and_flagged() -> None:
    raw = frame(b"ST=32;CN=3020;CP=&&i11001-Info=//\xff\xfe\x80//&&")
    packet = decode_frame(raw)
    assert packet.deviations == (Deviation.UNDECODABLE,)
    assert packet.values["i11001"]["Info"] == "//\ufffd\ufffd\ufffd//"


def test_gbk_in_the_header_is_read_too() -> None:
    packet = decode_frame(frame("ST=32;CN=2011;MN=站点1;CP=&&&&".encode("gbk")))
    assert packet.mn == "站点1" and packet.encoding == "gb18030"


def test_decode_frame_takes_a_tail_and_rejects_non_frames() -> None:
    raw = seg("ST=32;CN=2011;CP=&&&&")
    assert decode_frame(raw).raw == raw[:-2]
    for junk in (b"", b"##01", b"hello world!", b"##abcdQN=1;CP=&&&&ABCD"):
        assert error_of(junk).code is ErrorCode.NOT_A_FRAME


def test_frame_error_repr() -> None:
    error = error_of(seg("ST=32;CP=&&&&"))
    assert repr(error) == "FrameError('bad_header', 'no CN in the header')"


def test_the_fast_constructor_fills_every_field() -> None:
    import dataclasses

    packet = decode("QN=1;ST=32;CN=2011;Flag=4;CP=&&&&")
    assert set(vars(packet)) == {f.name for f in dataclasses.fields(Packet)}
    assert Packet(**vars(packet)) == packet
