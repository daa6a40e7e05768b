"""HJ 212-2025 SM4: the primitive, encrypted CP areas, and what happens without the key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from epb.hj212 import (
    BadFrame,
    CpValue,
    Decoder,
    Deviation,
    ErrorCode,
    FrameError,
    LocalProtocolError,
    Packet,
    Values,
    Version,
    _sm4,
    build_packet,
    build_upload,
    crc_text,
    decode_frame,
    frame,
)

KEY = b"0" * 16  # the 2025 Appendix A.2 test key, 16 x 0x30 (as reported)
OTHER_KEY = bytes(range(16))
WHEN = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
VALUES: Values = {"w01018": {"Rtd": 27.3, "Flag": "N"}, "w21003": {"Rtd": 1.25, "Flag": "N"}}


def upload(key: bytes | None = KEY, mn: str = "MN2025") -> bytes:
    return build_upload(
        cn="2011", mn=mn, st="32", qn="20260105100000000", data_time=WHEN, values=VALUES,
        version=Version.V2025, ack=True, sm4_key=key,
    )  # fmt: skip


def test_sm4_standard_vector() -> None:
    # GB/T 32907-2016 Appendix A example 1.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert _sm4.encrypt(key, key) == bytes.fromhex("681edf34d206965e86b3e94f536e4246")


@pytest.mark.parametrize("size", [0, 5, 16, 37, 64])
def test_no_padding_round_trip(size: int) -> None:
    data = bytes(range(size))
    cipher = _sm4.encrypt(KEY, data)
    assert len(cipher) == size
    assert cipher[size - size % 16 :] == data[size - size % 16 :]  # the short tail stays in clear
    assert _sm4.decrypt(KEY, cipher) == data


def test_key_must_be_16_bytes() -> None:
    with pytest.raises(LocalProtocolError):
        _sm4.encrypt(b"short", b"x" * 16)


def test_encrypted_upload_decodes_with_the_key() -> None:
    raw = upload()
    assert b"w01018" not in raw  # the CP is not in clear on the wire
    packet = decode_frame(raw, key_for={"MN2025": KEY}.get)
    assert packet.encrypted and packet.crc_ok and packet.deviations == ()
    assert packet.values == VALUES
    assert packet.data_time == WHEN
    assert packet.cp_text.startswith("DataTime=20260105100000;")


def test_encrypted_upload_without_the_key_fails_its_crc() -> None:
    with pytest.raises(FrameError) as caught:
        decode_frame(upload())
    assert caught.value.code is ErrorCode.BAD_CRC


def test_encrypted_upload_with_the_wrong_key() -> None:
    with pytest.raises(FrameError) as caught:
        decode_frame(upload(), key_for=lambda mn: OTHER_KEY)
    assert caught.value.code is ErrorCode.DECRYPT_FAILED
    assert (
        caught.value.message == "the CP of MN MN2025 is neither clear text nor SM4 ciphertext under its key"
    )


def test_clear_cp_from_a_device_with_a_key_is_accepted_and_flagged() -> None:
    packet = decode_frame(upload(key=None), key_for=lambda mn: KEY)
    assert not packet.encrypted and packet.values == VALUES
    assert packet.deviations == (Deviation.PLAINTEXT_CP,)


def test_short_cp_stays_clear() -> None:
    raw = build_packet(cn="9015", qn="1", st="32", mn="MN2025", flag=9, items=[("A", 1)], sm4_key=KEY)
    packet = decode_frame(raw, key_for=lambda mn: KEY)
    assert packet.items == {"A": "1"} and not packet.encrypted
    assert packet.deviations == ()


def test_crc_over_the_ciphertext_is_accepted_and_flagged() -> None:
    clear = upload(key=None)
    segment = clear[6:-6]
    at = segment.index(b"CP=&&") + 5
    wire = segment[:at] + _sm4.encrypt(KEY, segment[at:-2]) + b"&&"
    packet = decode_frame(frame(wire), key_for=lambda mn: KEY)
    assert packet.encrypted and packet.crc_ok and packet.values == VALUES
    assert packet.deviations == (Deviation.CRC_OVER_CIPHERTEXT,)


def test_ciphertext_that_looks_like_clear_text_is_still_decrypted() -> None:
    # Find CP text whose ciphertext happens to start like "key=": the CRC settles it.
    for n in range(20000):
        items: list[tuple[str, CpValue]] = [("Seq", n), ("DataTime", WHEN)]
        raw = build_packet(cn="2011", qn="1", st="32", mn="M", flag=8, items=items, sm4_key=KEY)
        cipher = raw[raw.index(b"CP=&&") + 5 : -8]
        wire_crc_matches = crc_text(raw[6:-6]) == raw[-6:-2].decode()
        if cipher[:1].isalpha() and cipher[1:2] == b"=" and not wire_crc_matches:
            break
    else:  # pragma: no cover - the search space holds such ciphertexts
        raise AssertionError("no look-alike ciphertext found")
    packet = decode_frame(raw, key_for=lambda mn: KEY)
    assert packet.encrypted and packet.items["Seq"] == str(n)


def test_clear_cp_with_a_bad_crc_and_a_key() -> None:
    segment = upload(key=None)[6:-6]
    with pytest.raises(FrameError) as caught:
        decode_frame(b"##%04d%bABCD" % (len(segment), segment), key_for=lambda mn: KEY)
    assert caught.value.code is ErrorCode.BAD_CRC
    assert caught.value.partial is not None and caught.value.partial.values == VALUES


def test_decoder_uses_key_for() -> None:
    decoder = Decoder(key_for={"MN2025": KEY}.get)
    decoder.feed(upload() + upload(mn="OTHER"))
    first, second = decoder.events()
    assert isinstance(first, Packet) and first.encrypted
    assert isinstance(second, BadFrame)


def test_clear_cp_whose_decryption_looks_clear_too() -> None:
    # A clear CP with a bad CRC whose "decryption" also starts like "key=": the clear reading
    # is kept (the decrypted one does not match the CRC either).
    for n in range(20000):
        segment = build_packet(
            cn="2011", qn="1", st="32", mn="M", flag=8, items=[("Seq", n), ("DataTime", WHEN)]
        )
        inner = segment[segment.index(b"CP=&&") + 5 : -8]
        if _sm4.decrypt(KEY, inner)[:1].isalpha() and _sm4.decrypt(KEY, inner)[1:2] == b"=":
            break
    else:  # pragma: no cover - the search space holds such texts
        raise AssertionError("no look-alike found")
    broken = segment[:-6] + b"ABCD"
    with pytest.raises(FrameError) as caught:
        decode_frame(broken, key_for=lambda mn: KEY)
    partial = caught.value.partial
    assert caught.value.code is ErrorCode.BAD_CRC
    assert partial is not None and not partial.encrypted and partial.items["Seq"] == str(n)
