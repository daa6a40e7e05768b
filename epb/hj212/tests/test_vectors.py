"""Every test vector of the reference decodes to its fields, or to its error.

The expected outcomes were derived by reading the reference and recomputing each CRC with the
Appendix A routine: the five negative vectors fail on their length (three, whose CRCs are
wrong as well) or on their CRC (two; one of them is CRC-16/MODBUS sent low byte first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from epb.hj212 import (
    BEIJING,
    LENIENT_PROFILE,
    BadFrame,
    CrcError,
    CrcVariant,
    Decoder,
    Deviation,
    ErrorCode,
    FrameError,
    LengthError,
    Packet,
    Profile,
    Version,
    decode_frame,
    frame,
)
from epb.hj212.tests.vectors import VECTORS

MN_EXAMPLE = "010000A8900016F000169DC0"


def bj(year: int, month: int, day: int, hour: int, minute: int, second: int) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


@dataclass
class Good:
    name: str
    version: Version
    st: str
    cn: str
    mn: str
    flag: int | None
    qn: str | None
    data_time: datetime | None = None
    values: dict[str, dict[str, Any]] | None = None  # checked exactly when given
    some_values: dict[str, dict[str, Any]] = field(default_factory=dict)  # a subset
    items: dict[str, str] = field(default_factory=dict)
    deviations: tuple[Deviation, ...] = ()


GOOD = [
    Good(
        "std-2017-a1-1062",
        Version.V2017,
        "32",
        "1062",
        MN_EXAMPLE,
        5,
        "20160801085857223",
        values={},
        items={"RtdInterval": "30"},
    ),
    Good("std-2025-a1-1011", Version.V2025, "32", "1011", MN_EXAMPLE, 9, "20240601085857223", values={}),
    Good(
        "lib-2005-ms-datatime",
        Version.V2005,
        "32",
        "2011",
        "LD130133000015",
        None,
        None,
        data_time=bj(2016, 8, 24, 0, 38, 17),
        values={
            "B01": {"Rtd": 36.91},
            "011": {"Rtd": 231.0, "Flag": "N"},
            "060": {"Rtd": 1.803, "Flag": "N"},
        },
        items={"DataTime": "20160824003817000"},
    ),
    Good(
        "lib-2005-lowercase-crc",
        Version.V2005,
        "32",
        "2011",
        "LD130133000015",
        None,
        None,
        data_time=bj(2016, 8, 24, 0, 38, 17),
        values={
            "011": {"Rtd": 231.0, "Flag": "N"},
            "B01": {"Rtd": 36.91},
            "060": {"Rtd": 1.803, "Flag": "N"},
        },
        deviations=(Deviation.LOWERCASE_CRC,),
    ),
    Good(
        "lib-2061-hour-pw24",
        Version.V2017,
        "22",
        "2061",
        "Z13401000010301",
        5,
        "20190925181031464",
        data_time=bj(2019, 9, 24, 22, 0, 0),
        values={
            code: {"Avg": avg, "Flag": "N"}
            for code, avg in (
                ("a34006", 2.697),
                ("a34007", 7.966),
                ("a34048", 3.306),
                ("a34047", 7.357),
                ("a34049", 10.663),
            )
        },
    ),
    # Flag=8 carries the 2025 version bits although the frame dates from 2021 (a profile can pin it).
    Good(
        "lib-2011-flag8-lowercase",
        Version.V2025,
        "21",
        "2011",
        "ZLDSZ20210127",
        8,
        "20210301111100112",
        data_time=bj(2021, 3, 1, 11, 11, 0),
        some_values={
            "w01001": {"Rtd": 8.33, "Flag": "N"},
            "w21003": {"Rtd": 0.09055002, "Flag": "N"},
            "w01014": {"Rtd": 1425.0, "Flag": "N"},
            "w23002": {"Rtd": 0.0, "Flag": "N"},
        },
        deviations=(Deviation.LOWERCASE_CRC,),
    ),
    Good(
        "lib-9011-lowercase",
        Version.V2017,
        "32",
        "9011",
        MN_EXAMPLE,
        5,
        "20160801085857223",
        values={},
        items={"QnRtn": "1"},
        deviations=(Deviation.LOWERCASE_CRC,),
    ),
    Good(
        "derived-3020-utf8-log",
        Version.V2017,
        "32",
        "3020",
        MN_EXAMPLE,
        5,
        "20160801085857223",
        data_time=bj(2010, 3, 1, 14, 50, 0),
        values={"i11001": {"Info": "//清洗管路//"}},
        items={"DataTime": "20100301145000", "PolId": "w01018"},
    ),
    Good("derived-9014", Version.V2017, "91", "9014", MN_EXAMPLE, 4, "20160801085857223", values={}),
    Good(
        "derived-9011",
        Version.V2017,
        "91",
        "9011",
        MN_EXAMPLE,
        4,
        "20160801085857223",
        values={},
        items={"QnRtn": "1"},
    ),
    Good(
        "derived-9012",
        Version.V2017,
        "91",
        "9012",
        MN_EXAMPLE,
        4,
        "20160801085857223",
        values={},
        items={"ExeRtn": "1"},
    ),
    Good("derived-9013", Version.V2017, "91", "9013", MN_EXAMPLE, 4, "20160801085857223", values={}),
]


def check_good(packet: Packet, case: Good) -> None:
    assert packet.version is case.version
    assert (packet.st, packet.cn, packet.mn, packet.flag, packet.qn) == (
        case.st,
        case.cn,
        case.mn,
        case.flag,
        case.qn,
    )
    assert packet.data_time == case.data_time
    if case.data_time is not None:
        assert packet.data_time is not None and packet.data_time.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    if case.values is not None:
        assert packet.values == case.values
    for code, fields in case.some_values.items():
        assert packet.values[code] == fields
    for key, value in case.items.items():
        assert packet.items[key] == value
    assert packet.deviations == case.deviations
    assert packet.crc_ok
    assert packet.raw == VECTORS[case.name]


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.name)
def test_valid_vector_decodes_to_its_fields(case: Good) -> None:
    check_good(decode_frame(VECTORS[case.name]), case)


@dataclass
class Bad:
    name: str
    code: ErrorCode
    message: str
    lenient: ErrorCode | None  # the outcome under LENIENT_PROFILE (None: accepted)
    cn: str


CRC_ALSO = "CRC also wrong: expected "

BAD = [
    Bad(
        "neg-readme-wrong-crc",
        ErrorCode.BAD_CRC,
        "CRC mismatch: expected 3C00, received 4980",
        ErrorCode.BAD_CRC,
        "2011",
    ),
    Bad(
        "neg-declared-215-actual-271",
        ErrorCode.LENGTH_MISMATCH,
        f"length mismatch: declared 215, data segment is 271 bytes; {CRC_ALSO}74C0, received FBB0",
        ErrorCode.BAD_CRC,
        "2011",
    ),
    Bad(
        "neg-declared-462-actual-452",
        ErrorCode.LENGTH_MISMATCH,
        f"length mismatch: declared 462, data segment is 452 bytes; {CRC_ALSO}2A80, received 90C1",
        ErrorCode.BAD_CRC,
        "2061",
    ),
    Bad(
        "neg-declared-318-actual-319",
        ErrorCode.LENGTH_MISMATCH,
        f"length mismatch: declared 318, data segment is 319 bytes; {CRC_ALSO}3600, received 59C0",
        ErrorCode.BAD_CRC,
        "2011",
    ),
    Bad(
        "neg-1623-modbus-le",
        ErrorCode.BAD_CRC,
        "CRC mismatch: expected 6C00, received 0681 "
        "(it is the modbus-le CRC, which this device's profile does not accept)",
        None,
        "2051",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_bad_vector_is_rejected_with_its_error(case: Bad) -> None:
    with pytest.raises(FrameError) as caught:
        decode_frame(VECTORS[case.name])
    error = caught.value
    assert error.code is case.code
    assert error.message == case.message == str(error)
    assert error.partial is not None and error.partial.cn == case.cn  # what could be read is kept
    assert not error.partial.crc_ok


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_bad_vector_under_the_lenient_profile(case: Bad) -> None:
    if case.lenient is None:
        packet = decode_frame(VECTORS[case.name], profile=LENIENT_PROFILE)
        assert packet.crc_ok and packet.crc_variant is CrcVariant.MODBUS_LE
        assert set(packet.deviations) == {Deviation.CRC_VARIANT, Deviation.OVERSIZE}
        assert len(packet.values) == 36
        assert packet.values["a99949"] == {"Min": 0.0, "Avg": 0.0, "Max": 0.0}
        return
    with pytest.raises(FrameError) as caught:
        decode_frame(VECTORS[case.name], profile=LENIENT_PROFILE)
    assert caught.value.code is case.lenient


def test_error_details_are_typed() -> None:
    with pytest.raises(CrcError) as crc:
        decode_frame(VECTORS["neg-1623-modbus-le"])
    assert (crc.value.expected, crc.value.received, crc.value.matches) == ("6C00", "0681", "modbus-le")
    with pytest.raises(LengthError) as length:
        decode_frame(VECTORS["neg-declared-462-actual-452"])
    assert (length.value.declared, length.value.actual, length.value.characters) == (462, 452, 452)


def test_readme_vector_partial_keeps_the_values() -> None:
    with pytest.raises(FrameError) as caught:
        decode_frame(VECTORS["neg-readme-wrong-crc"])
    partial = caught.value.partial
    assert partial is not None
    assert partial.values == {
        "B01": {"Rtd": 36.91},
        "011": {"Rtd": 231.0, "Flag": "N"},
        "060": {"Rtd": 1.803, "Flag": "N"},
    }
    assert (partial.crc_expected, partial.crc_received) == ("3C00", "4980")


def test_all_vectors_in_one_stream_with_junk_keep_their_order_and_outcomes() -> None:
    names = [*(c.name for c in GOOD), *(c.name for c in BAD)]
    stream = b"".join(
        b"\x00\x01\x02\x03\x00\x06\x01\x03\x00\x00\x00\x0a" + VECTORS[n] + b"\r\n" for n in names
    )
    decoder = Decoder()
    decoder.feed(stream)
    decoder.feed_eof()
    frames = [e for e in decoder.events() if isinstance(e, Packet | BadFrame)]
    assert [e.raw for e in frames] == [VECTORS[n] for n in names]
    for event, case in zip(frames, GOOD, strict=False):
        assert isinstance(event, Packet)
        check_good(event, case)
    for event, bad in zip(frames[len(GOOD) :], BAD, strict=True):
        assert isinstance(event, BadFrame) and event.error.code is bad.code


# The 3020 log frame of the reference in its two field deviations: GBK text, and a length
# counted in characters (144) instead of UTF-8 bytes (152).
LOG_SEGMENT = VECTORS["derived-3020-utf8-log"][6:-4].decode("utf-8")


def test_gbk_log_frame_decodes_as_gb18030() -> None:
    raw = frame(LOG_SEGMENT.encode("gbk"), tail=b"")
    assert raw[:6] == b"##0148" and raw[-4:] == b"DEC1"  # as the reference computes
    packet = decode_frame(raw)
    assert packet.values == {"i11001": {"Info": "//清洗管路//"}}
    assert packet.encoding == "gb18030"
    assert packet.deviations == (Deviation.NOT_UTF8,)


@pytest.mark.parametrize(
    ("profile", "outcome"),
    [
        (Profile(), Deviation.LENGTH_IN_CHARACTERS),
        (Profile(accept_char_length=False), ErrorCode.LENGTH_MISMATCH),
    ],
)
def test_length_counted_in_characters(profile: Profile, outcome: Deviation | ErrorCode) -> None:
    raw = frame(LOG_SEGMENT.encode("utf-8"), length=len(LOG_SEGMENT), tail=b"")
    assert raw[:6] == b"##0144" and raw[-4:] == b"9741"
    if isinstance(outcome, Deviation):
        assert decode_frame(raw, profile=profile).deviations == (outcome,)
    else:
        with pytest.raises(LengthError) as caught:
            decode_frame(raw, profile=profile)
        assert caught.value.code is outcome
        assert (
            caught.value.message
            == "length mismatch: declared 144, data segment is 152 bytes (144 characters)"
        )
