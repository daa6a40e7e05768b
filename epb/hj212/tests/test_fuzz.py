"""Fuzzing the decoder: it never raises, never loses a good frame after junk, stays bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epb.hj212 import (
    BadFrame,
    Decoder,
    Junk,
    Packet,
    Signal,
    Version,
    build_upload,
    decode_frame,
    make_qn,
)
from epb.hj212.tests.vectors import VECTORS

CAP = 2048
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = datetime(2024, 6, 1, tzinfo=UTC)

good_frames = st.builds(
    lambda minute, rtd, version, ack: build_upload(
        cn="2011",
        mn="010000A8900016F000169DC0",
        st="32",
        qn=None if version is Version.V2005 else make_qn(BASE + timedelta(minutes=minute)),
        data_time=BASE + timedelta(minutes=minute),
        values={"w01018": {"Rtd": rtd, "Flag": "N"}, "w21003": {"Rtd": rtd / 3, "Flag": "N"}},
        version=version,
        ack=ack,
    ),
    st.integers(0, 10_000),
    st.floats(0, 1e6, allow_nan=False),
    st.sampled_from(list(Version)),
    st.booleans(),
)
seeds = st.sampled_from(sorted(VECTORS.values()))


def feed_all(decoder: Decoder, stream: bytes, cuts: list[int]) -> list[Packet | BadFrame | Junk]:
    """Feed ``stream`` split at ``cuts``, draining after each read; check the buffer bound."""
    events: list[Packet | BadFrame | Junk] = []
    points = sorted({c % (len(stream) + 1) for c in cuts})
    reads = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    for data in [*reads, None]:
        if data is None:
            decoder.feed_eof()
        else:
            decoder.feed(data)
        while not isinstance(event := decoder.next_event(), Signal):
            assert isinstance(event, Packet | BadFrame | Junk)
            events.append(event)
        assert decoder.buffered <= CAP  # what is kept between reads is bounded
    assert decoder.buffered == 0
    return events


def consumed(events: list[Packet | BadFrame | Junk]) -> int:
    return sum(len(e.data) if isinstance(e, Junk) else len(e.raw) for e in events)


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.integers(0, 4000), max_size=8))
def test_random_bytes_never_raise(data: bytes, cuts: list[int]) -> None:
    events = feed_all(Decoder(max_buffer_size=CAP), data, cuts)
    assert consumed(events) <= len(data)


@FUZZ
@given(st.binary(max_size=600), good_frames, st.lists(st.integers(0, 4000), max_size=6))
def test_a_good_frame_after_junk_is_never_lost(junk: bytes, good: bytes, cuts: list[int]) -> None:
    events = feed_all(Decoder(max_buffer_size=CAP), junk + good, cuts)
    packets = [e for e in events if isinstance(e, Packet)]
    assert packets and packets[-1].raw + b"\r\n" == good
    assert packets[-1] == decode_frame(good)


# Junk made of frame-like pieces: header starts, lengths, CP markers, CRC-like hex, tails.
hostile_junk = st.lists(
    st.sampled_from([b"#", b"##", b"##0101", b"##9999QN=", b"##0010ST=", b"QN=", b"CP=&&", b"&&", b"1C80",
                     b"&&ABCD", b"\r\n", b"\n", b";", b"=", b"0", b"\x00\x03"]),
    max_size=12,
).map(b"".join)  # fmt: skip


@FUZZ
@given(hostile_junk, good_frames, st.lists(st.integers(0, 4000), max_size=6))
def test_a_good_frame_after_frame_like_junk_is_never_lost(junk: bytes, good: bytes, cuts: list[int]) -> None:
    events = feed_all(Decoder(max_buffer_size=CAP), junk + good, cuts)
    packets = [e for e in events if isinstance(e, Packet)]
    assert packets and packets[-1].raw + b"\r\n" == good


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    frame = bytearray(draw(seeds))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(frame)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "digit", "cut"]))
        if action == "flip" and at < len(frame):
            frame[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            frame[at:at] = draw(st.sampled_from([b"#", b"##", b"&&", b";", b",", b"=", b"\r\n", b"\xff"]))
        elif action == "delete":
            del frame[at : at + draw(st.integers(1, 8))]
        elif action == "digit" and len(frame) > 6:
            frame[2 + at % 4] = ord(str(draw(st.integers(0, 9))))
        elif action == "cut":
            del frame[at:]
    return bytes(frame)


@FUZZ
@given(st.lists(mutated(), min_size=1, max_size=3), good_frames, st.lists(st.integers(0, 6000), max_size=6))
def test_mutated_frames_then_a_good_one(broken: list[bytes], good: bytes, cuts: list[int]) -> None:
    stream = b"\r\n".join(broken) + b"\r\n" + good
    events = feed_all(Decoder(max_buffer_size=CAP), stream, cuts)
    packets = [e for e in events if isinstance(e, Packet)]
    assert packets and packets[-1].raw + b"\r\n" == good


@FUZZ
@given(st.lists(good_frames, min_size=1, max_size=5), st.lists(st.integers(0, 3000), max_size=10))
def test_arbitrary_split_points_change_nothing(frames: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(frames)
    whole = feed_all(Decoder(), stream, [])
    split = feed_all(Decoder(), stream, cuts)
    assert whole == split
    assert all(isinstance(e, Packet) for e in split)
    assert [e.raw + b"\r\n" for e in split if isinstance(e, Packet)] == frames


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4))
def test_memory_stays_bounded_under_a_flood(blocks: int) -> None:
    decoder = Decoder(max_buffer_size=CAP)
    header = b"##9999QN=" + b"9" * 1000
    for _ in range(blocks * 20):
        decoder.feed(header)
        while not isinstance(decoder.next_event(), Signal):
            pass
        assert decoder.buffered <= CAP
