"""Frames published by others (data/field_frames.txt) decode to what they say, or to why not.

The frames come from parsers, simulators, receivers and articles of many vendors: 2005, 2017
and 2025 editions, uploads (2011, 2021, 2051, 2061, 2081, 3020, 2082), centre requests
(1011, 1012, 1021, 1022, 1072, 2012, 2051, 2061, 3014), answers (9013, 9014) and heartbeats
(9021). Each expectation below was read off the frame itself; every CRC is checked against
an independent bit-by-bit copy of the Appendix A routine, so a published frame that claims
to be valid must decode, and one whose CRC is wrong must be refused with the right value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from epb.hj212 import LENIENT_PROFILE, BadFrame, CrcError, Decoder, Junk, Packet
from epb.hj212.cli import to_json

DATA = Path(__file__).parent / "data" / "field_frames.txt"


def load() -> dict[str, bytes]:
    frames: dict[str, bytes] = {}
    current = None
    for line in DATA.read_bytes().splitlines():
        if line.startswith(b"# ") and b" | " in line:
            current = line[2:].split(b" | ", 1)[0].decode()
        elif line.startswith(b"##") and current is not None:
            assert current not in frames, current
            frames[current] = line
            current = None
    return frames


FRAMES = load()


def appendix_a_crc(data: bytes) -> str:
    """HJ 212-2017 Appendix A, bit by bit (independent of epb.hj212._crc)."""
    reg = 0xFFFF
    for byte in data:
        reg = (reg >> 8) ^ byte
        for _ in range(8):
            carry = reg & 1
            reg >>= 1
            if carry:
                reg ^= 0xA001
    return f"{reg:04X}"


def modbus_crc(data: bytes) -> int:
    reg = 0xFFFF
    for byte in data:
        reg ^= byte
        for _ in range(8):
            carry = reg & 1
            reg >>= 1
            if carry:
                reg ^= 0xA001
    return reg


OK, CRC, LEN, HEADER = "ok", "bad_crc", "length_mismatch", "bad_header"
V05, V17, V25 = "2005", "2017", "2025"

# id: (outcome, version, cn, mn, data_time (Beijing), {code: {field: value}} to check)
EXPECTED: dict[str, tuple[str, str, str | None, str | None, str | None, dict[str, dict[str, Any]]]] = {
    "foxtech-2011-w": (
        OK,
        V17,
        "2011",
        "81733553213013",
        "2021-03-20T01:34:00",
        {"w01018": {"Rtd": 194.2, "SampleTime": "2021-03-20T01:34:00+08:00"}},
    ),
    "ruoyi-2011-2005-badcrc": (
        CRC,
        V05,
        "2011",
        "88888811111006",
        "2021-08-24T12:10:00",
        {"011": {"Avg": 17.2, "Cou": 0.0}},
    ),
    "ruoyi-2011-2017": (
        OK,
        V17,
        "2011",
        "88888811111008",
        "2021-08-24T12:20:00",
        {"w01001": {"Rtd": 8.43, "Flag": "N"}},
    ),
    "tvoc-2011-2005": (
        OK,
        V05,
        "2011",
        "TY0102183V0001",
        "2018-03-15T13:44:00",
        {"03": {"Rtd": 50.5467, "ZsRtd": 125.051}, "B02": {"Rtd": 3600.0}},
    ),
    "lua-2011-modbus-le": (CRC, V05, "2011", "MP1", "2021-01-29T15:22:46", {"S08": {"Rtd": 53.796}}),
    "csdn-2011-st27": (
        OK,
        V17,
        "2011",
        "AQI2411132600332",
        "2024-11-15T19:04:08",
        {"o31104": {"Rtd": 29.0}, "LA": {"Rtd": 49.0}},
    ),
    "mynw-colons": (HEADER, V17, None, "BF0F022021090077:Flag=5:", "2023-07-03T22:01:00", {}),
    "go-2051-air": (
        OK,
        V17,
        "2051",
        "JLYP01_AIR01_0001",
        "2022-05-13T16:26:00",
        {"a34004": {"Avg": 14.0, "Flag": "N"}},
    ),
    "zqgx-2011-lower": (
        OK,
        V17,
        "2011",
        "Y80110010000010",
        "2019-10-12T13:37:10",
        {"a21003": {"Rtd": 101.94}},
    ),
    "zqgx-2011-badcrc": (CRC, V17, "2011", "Y80110010000010", "2019-09-01T18:15:00", {"O3": {"Rtd": 63.4}}),
    "zqgx-2011-dup": (CRC, V17, "2011", "Y80110010000010", "2019-10-12T13:37:10", {"a21": {"Rtd": 0.0}}),
    "zqgx-2011-4digit": (OK, V17, "2011", "Y80110010000010", "2019-10-12T13:37:10", {"a2101": {"Rtd": 25.4}}),
    "zqgx-2011-3digit": (OK, V17, "2011", "Y80110010000010", "2019-10-12T13:37:10", {"a217": {"Rtd": 0.033}}),
    "zqgx-2051-pno": (
        OK,
        V05,
        "2051",
        "14513567846884",
        "2019-11-12T09:00:00",
        {"a01006": {"ValidNum": 10.0, "Max": 101.87}},
    ),
    "belam-2051": (OK, V05, "2051", "12091200160055", "2015-04-30T13:57:00", {"060": {"Cou": 1.65}}),
    "belam-2011": (
        OK,
        V05,
        "2011",
        "12091200160055",
        "2015-04-30T13:58:30",
        {"011": {"Rtd": 999.99, "Flag": "N"}},
    ),
    "belam-2021-sb": (
        OK,
        V05,
        "2021",
        "12091200160055",
        "2015-04-30T13:58:30",
        {"SB1": {"RS": 0.0}, "SB8": {"RS": 0.0}},
    ),
    "shark-2051-dup": (OK, V17, "2051", "23923493201019", "2024-11-30T11:30:00", {"w01010": {"Avg": 19.26}}),
    "obsession-2061-813": (
        OK,
        V17,
        "2061",
        "NEWPROTOCOLTEST000000092",
        "2021-07-22T13:00:00",
        {"a01013": {"Min": -130.7116, "Flag": "T"}},
    ),
    "obsession-2051-893": (
        OK,
        V17,
        "2051",
        "41082201S15303",
        "2021-07-22T13:20:00",
        {"a05002": {"ZsMax": 0.0221}},
    ),
    "py2025-2011": (OK, V25, "2011", "A110000_0001", "2026-07-06T10:30:00", {"w01019": {"Rtd": 1.023}}),
    "py2025-2061": (OK, V25, "2061", "A110000_0001", "2026-07-06T10:00:00", {"w01019": {"Avg": 1.022}}),
    "centre-2061-request": (OK, V05, "2061", "88888880000020", None, {}),
    "py2025-9014": (OK, V25, "9014", "A110000_0001", None, {}),
    "py2025-9014-ffff": (CRC, V25, "9014", "A110000_0001", None, {}),
    "hj212def-9014-lower": (OK, V25, "9014", "SD000001", None, {}),
    "datadeal-2051-qn-in-cp": (
        CRC,
        V05,
        "2051",
        "88888880000001",
        "2014-02-26T15:30:00",
        {"a01006": {"Avg": 1017.1, "Flag": "d"}},
    ),
    "datadeal-2051-0250": (
        CRC,
        V05,
        "2051",
        "88888880000001",
        "2011-04-12T09:56:00",
        {"a01005": {"Avg": -100.0, "Flag": "B"}},
    ),
    "datadeal-2082-ffff": (
        CRC,
        V05,
        "2082",
        "26243840000115",
        "2011-10-24T15:10:00",
        {"W01018": {"Avg": 456.0}},
    ),
    "datadeal-3012-2005": (LEN, V05, "3012", None, None, {}),
    "datadeal-2082-nopw": (
        CRC,
        V05,
        "2082",
        "31011300010129",
        "2014-06-23T11:00:00",
        {"a34002": {"Min": -0.006}},
    ),
    "datadeal-2081-data": (
        CRC,
        V05,
        "2081",
        "88888880000001",
        "2013-09-02T11:30:00",
        {"02": {"ZsFlag": "N", "ZsAvg": 0.13}},
    ),
    "datadeal-2082-783": (
        LEN,
        V05,
        "2082",
        "88888880000001",
        "2011-11-29T15:55:00",
        {"StaTem": {"min": 0.0}},
    ),
    "e212-2081-pw-empty": (OK, V17, "2081", "MYHJ00000000000080011128", "2020-04-28T01:15:52", {}),
    "e212-2081-badlen": (LEN, V17, "2081", "MYHJ00000000000080011128", "2020-04-28T10:20:58", {}),
    "e212-2011-crc0000": (
        OK,
        V17,
        "2011",
        "MYHJ00000000000080011128",
        "2020-04-28T12:03:00",
        {"a00000": {"Rtd": 0.0, "Flag": "D"}},
    ),
    "e212-2011-badcrc": (
        CRC,
        V17,
        "2011",
        "MYHJ00000000000080011129",
        "2020-07-21T09:37:00",
        {"a99054": {"Rtd": 190.0}},
    ),
    "e212-2051-split": (
        OK,
        V17,
        "2051",
        "WJTHGY91320509703697203A",
        "2020-10-29T12:10:00",
        {"a21005": {"ZsCou": 0.0, "Flag": "B"}},
    ),
    "e212-2011-494": (OK, V17, "2011", "411420sibo0606", "2021-05-21T11:02:02", {"a00000": {"Rtd": 3434.0}}),
    "e212-2011-480": (OK, V17, "2011", "411420sibo0606", "2021-05-21T11:00:00", {"a01013": {"ZsRtd": 61.05}}),
    "icecoffee-2081": (OK, V17, "2081", "010000A8900016F000169DC0", "2023-10-08T13:04:52", {}),
    "py-2081": (OK, V17, "2081", "88888880000001", "2020-06-23T12:25:04", {}),
    "traffic-3020-multi-polid": (
        OK,
        V25,
        "3020",
        "A140100_2006",
        "2019-04-30T10:17:50",
        {
            f"i1200{n}@{pol}": {"Info": "0"}
            for n in (1, 2)
            for pol in ("w01019", "w21001", "w21003", "w21011")
        },
    ),
    "dahuajia-2061-flag0": (
        OK,
        V05,
        "2061",
        "7568770259402",
        "2022-10-08T10:00:00",
        {"S08": {"Min": -0.4643}, "25": {"Cou": 0.1336}},
    ),
    "php-9021-empty": (OK, V17, "9021", "000201", None, {}),
    "pkgreader-9021-data": (OK, V17, "9021", "23040281003022", None, {}),
    "crcutil-9021": (OK, V05, "9021", "88888880000006", None, {}),
    "hcu-1072": (CRC, V05, "1072", "ABCDEFG1234567", None, {}),
    "hcu-1011": (CRC, V05, "1011", "ABCDEFG1234567", None, {}),
    "hcu-1012": (CRC, V05, "1012", "ABCDEFG1234567", None, {}),
    "hcu-2012": (CRC, V05, "2012", "ABCDEFG1234567", None, {}),
    "hcu-9013-2005": (CRC, V05, "9013", "ABCDEFG1234567", None, {}),
    "hcu-1022": (CRC, V05, "1022", "ABCDEFG1234567", None, {"101": {"LowValue": 1.1, "UpValue": 9.9}}),
    "hcu-1021": (CRC, V05, "1021", "ABCDEFG1234567", None, {}),
    "hcu-3014": (CRC, V05, "3014", "ABCDEFG1234567", None, {}),
    "hcu-2051-request": (CRC, V05, "2051", "AQHJ0QP0100001", None, {}),
}

# The CRC variant each refused frame really carries (None: no known routine gives it).
MODBUS = {
    "hcu-1072",
    "hcu-1011",
    "hcu-1012",
    "hcu-2012",
    "hcu-9013-2005",
    "hcu-1022",
    "hcu-1021",
    "hcu-3014",
    "hcu-2051-request",
}
MODBUS_LE = {"lua-2011-modbus-le", "datadeal-2082-nopw", "datadeal-2081-data"}


def test_every_frame_has_an_expectation() -> None:
    assert len(FRAMES) >= 50
    assert set(FRAMES) == set(EXPECTED)


def decode_one(raw: bytes, **options: Any) -> Packet | BadFrame:
    decoder = Decoder(**options)
    decoder.feed(raw + b"\r\n")
    decoder.feed_eof()
    events = decoder.events()
    assert len(events) == 1, events
    event = events[0]
    assert isinstance(event, Packet | BadFrame)
    return event


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_field_frame(name: str) -> None:
    raw = FRAMES[name]
    outcome, version, cn, mn, data_time, values = EXPECTED[name]
    event = decode_one(raw)
    out = to_json(event)
    assert (out["ok"], out["error_code"]) == ((True, None) if outcome == OK else (False, outcome))
    assert (out["version"], out["cn"], out["mn"]) == (version, cn, mn)
    assert out["data_time"] == (None if data_time is None else data_time + "+08:00")
    for code, fields in values.items():
        for suffix, value in fields.items():
            assert out["values"][code][suffix] == value, (code, suffix)
    assert out["raw"] == raw.decode("utf-8")

    # The CRC, judged independently: whatever the outcome, the decoder names the right value.
    data = raw[6:-4]
    expected_crc = appendix_a_crc(data)
    assert out["crc_expected"] == expected_crc
    assert out["crc_received"] == raw[-4:].decode()
    crc_valid = raw[-4:].decode().upper() == expected_crc
    assert out["crc_ok"] is crc_valid
    if outcome == OK:
        assert crc_valid and int(raw[2:6]) == len(data)
    if outcome == CRC:
        assert isinstance(event, BadFrame) and isinstance(event.error, CrcError)
        assert event.error.expected == expected_crc
        assert f"expected {expected_crc}" in event.error.message


@pytest.mark.parametrize("name", sorted(MODBUS | MODBUS_LE))
def test_modbus_frames_are_named_and_pass_when_the_profile_allows(name: str) -> None:
    raw = FRAMES[name]
    reg = modbus_crc(raw[6:-4])
    sent = reg if name in MODBUS else (reg & 0xFF) << 8 | reg >> 8
    assert raw[-4:].decode() == f"{sent:04X}"
    event = decode_one(raw)
    assert isinstance(event, BadFrame) and isinstance(event.error, CrcError)
    assert event.error.matches == ("modbus" if name in MODBUS else "modbus-le")
    assert isinstance(decode_one(raw, profile=LENIENT_PROFILE), Packet)


def test_all_frames_in_one_stream_glued_and_split() -> None:
    """Back to back, tails mixed (CR LF, LF, none), cut into 7-byte chunks: same events."""
    tails = [b"\r\n", b"\n", b""]
    names = sorted(EXPECTED)
    stream = b"".join(FRAMES[n] + tails[i % 3] for i, n in enumerate(names))
    decoder = Decoder()
    events: list[Packet | BadFrame | Junk] = []
    for i in range(0, len(stream), 7):
        decoder.feed(stream[i : i + 7])
        events += decoder.events()
    decoder.feed_eof()
    events += decoder.events()
    frames = [e for e in events if not isinstance(e, Junk)]
    assert [e.raw for e in frames] == [FRAMES[n] for n in names]
    assert [isinstance(e, Packet) for e in frames] == [EXPECTED[n][0] == OK for n in names]


@pytest.mark.parametrize(
    "data",
    [
        # A vendor's look-alike protocol with a 6-digit length field (a DTU's own login).
        b"##000169QN=1669537704000;CN=9021;PW=01=ZY-920-;MN=868957048162806;Flag=1;CP=&&Model=ZY-920-GS;"
        b"CCID=89860473102270000663;HardwareVersion=20190430;SoftwareVersion=20191128custom&&D57A"
        b"##000031CN=9051;MN=868957048175048;MD=033CC",
        # The data segment of a frame sent without its header, then a good frame glued to it.
        b"ST=32;CN=2011;PW=122333;MN=88888880000005;CP=&&DataTime=20120416225856;060-Rtd=0.06&&",
    ],
)
def test_look_alikes_are_junk(data: bytes) -> None:
    decoder = Decoder()
    decoder.feed(data)
    decoder.feed_eof()
    events = decoder.events()
    assert events and all(isinstance(e, Junk) for e in events)
    assert b"".join(e.data for e in events if isinstance(e, Junk)) == data
