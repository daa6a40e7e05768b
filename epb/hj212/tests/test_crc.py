"""The HJ 212 CRC: check values, the fast form against Appendix A's loop, the variants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epb.hj212 import CrcVariant, crc16, crc16_bytewise, crc16_modbus, crc_text
from epb.hj212._crc import _T

STANDARD_SEGMENT = (
    b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", 0xFFFF),  # no byte: the initial register
        (b"\x00", 0x4040),
        (STANDARD_SEGMENT, 0x1C80),  # HJ 212-2017 Appendix A (its prose says 1C08: a typo)
        (b"123456789", crc16_bytewise(b"123456789")),
        (bytes(range(256)) * 40, crc16_bytewise(bytes(range(256)) * 40)),  # longer than a frame
    ],
)
def test_check_values(data: bytes, expected: int) -> None:
    assert crc16(data) == expected == crc16_bytewise(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1200))
def test_fast_crc_equals_the_appendix_a_loop(data: bytes) -> None:
    assert crc16(data) == crc16_bytewise(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_the_crc_takes_only_256_values(data: bytes) -> None:
    # The state between bytes is one byte: the result is always an entry of the table.
    assert crc16(data) in set(_T)


def test_modbus_is_a_different_crc() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37  # the catalogued CRC-16/MODBUS check value
    assert crc16(b"123456789") != 0x4B37


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (CrcVariant.HJ212, "1C80"),
        (CrcVariant.NONE, "1C80"),
        (CrcVariant.MODBUS, f"{crc16_modbus(STANDARD_SEGMENT):04X}"),
        (
            CrcVariant.MODBUS_LE,
            f"{crc16_modbus(STANDARD_SEGMENT):04X}"[2:] + f"{crc16_modbus(STANDARD_SEGMENT):04X}"[:2],
        ),
    ],
)
def test_crc_text_per_variant(variant: CrcVariant, expected: str) -> None:
    assert crc_text(STANDARD_SEGMENT, variant) == expected


def test_crc_accepts_bytearray_and_memoryview() -> None:
    assert crc16(bytearray(STANDARD_SEGMENT)) == crc16(memoryview(STANDARD_SEGMENT)) == 0x1C80
