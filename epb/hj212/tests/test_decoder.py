"""The per-connection decoder: framing on a byte stream as devices really send it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from epb.hj212 import (
    END_OF_STREAM,
    NEED_DATA,
    BadFrame,
    Decoder,
    Deviation,
    ErrorCode,
    Event,
    Junk,
    LocalProtocolError,
    Packet,
    Profile,
    Values,
    build_upload,
    frame,
    make_qn,
)
from epb.hj212._parse import header_of
from epb.hj212.tests.vectors import VECTORS

WHEN = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
A = VECTORS["std-2017-a1-1062"]
B = VECTORS["lib-2061-hour-pw24"]
C = VECTORS["derived-3020-utf8-log"]
MODBUS_POLL = b"\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a"


def drain(decoder: Decoder) -> list[Event]:
    out: list[Event] = []
    while (event := decoder.next_event()) is not NEED_DATA and event is not END_OF_STREAM:
        out.append(event)
    return out


def frames_of(events: list[Event]) -> list[bytes]:
    return [e.raw for e in events if isinstance(e, Packet | BadFrame)]


def run(*chunks: bytes, **options: object) -> list[Event]:
    """Feed the chunks, then the end of the stream; every event in order."""
    decoder = Decoder(**options)  # type: ignore[arg-type]
    events: list[Event] = []
    for chunk in chunks:
        decoder.feed(chunk)
        events += drain(decoder)
    decoder.feed_eof()
    events += drain(decoder)
    assert decoder.next_event() is END_OF_STREAM
    return events


def test_frame_split_at_every_byte_is_found_once() -> None:
    stream = A + b"\r\n" + C + b"\r\n"
    for cut in range(len(stream) + 1):
        events = run(stream[:cut], stream[cut:])
        assert events == run(stream), cut
        assert [type(e) for e in events] == [Packet, Packet]


def test_one_byte_at_a_time() -> None:
    stream = MODBUS_POLL + B + b"\r\n" + A + b"\n" + C
    events = run(*(stream[i : i + 1] for i in range(len(stream))))
    assert frames_of(events) == [B, A, C]
    assert all(isinstance(e, Packet | Junk) for e in events)
    assert b"".join(e.data for e in events if isinstance(e, Junk)) == MODBUS_POLL


def test_several_frames_in_one_read() -> None:
    events = run(A + b"\r\n" + B + b"\r\n" + C + b"\r\n")
    assert frames_of(events) == [A, B, C]
    assert all(isinstance(e, Packet) and e.deviations == () for e in events)


@pytest.mark.parametrize(
    ("between", "deviation"),
    [
        (b"\r\n", None),
        (b"\n", Deviation.BARE_TAIL),
        (b"\rX", Deviation.BARE_TAIL),
        (b"", Deviation.NO_TAIL),
        (b"junk", Deviation.NO_TAIL),
    ],
)
def test_tails(between: bytes, deviation: Deviation | None) -> None:
    events = run(A + between + B + b"\r\n")
    first = events[0]
    assert isinstance(first, Packet) and first.raw == A
    assert first.deviations == (() if deviation is None else (deviation,))
    assert frames_of(events) == [A, B]


def test_a_tail_split_from_its_frame_is_not_junk() -> None:
    for pieces in ([A, b"\r\n", B], [A + b"\r", b"\n" + B], [A, b"\r", b"\n", B], [A + b"\r", b"", b"\n", B]):
        events = run(*pieces)
        assert [type(e) for e in events] == [Packet, Packet], pieces


@pytest.mark.parametrize("after", [b"x", b"\rx", b"\nx"])
def test_junk_right_after_a_frame_handed_out_early(after: bytes) -> None:
    events = run(A, after + B)
    assert [type(e) for e in events] == [Packet, Junk, Packet]
    assert events[1] == Junk(b"x")


def test_last_frame_without_tail_at_end_of_stream() -> None:
    decoder = Decoder()
    decoder.feed(A)
    decoder.feed_eof()
    event = decoder.next_event()
    assert isinstance(event, Packet) and event.deviations == (Deviation.NO_TAIL,)
    # Handed out before the end was known, the same frame cannot say whether a tail follows.
    event = run(A)[0]
    assert isinstance(event, Packet) and event.deviations == ()


def test_a_frame_is_handed_out_before_its_tail_arrives() -> None:
    decoder = Decoder()
    decoder.feed(A)
    event = decoder.next_event()
    assert isinstance(event, Packet) and event.raw == A
    assert decoder.next_event() is NEED_DATA


@pytest.mark.parametrize(
    "junk",
    [
        MODBUS_POLL,
        b"AT+CSQ\r\n",
        b"#",
        b"##",
        b"###",
        b"##12",
        b"##12x",
        b"##0101",
        b"##0101##",
        b"\xff\xfe\x00##abc",
        b"##0101QN",
    ],
)
def test_junk_before_a_frame_is_reported_and_the_frame_kept(junk: bytes) -> None:
    events = run(junk + A + b"\r\n")
    assert frames_of(events) == [A]
    assert b"".join(e.data for e in events if isinstance(e, Junk)) == junk


def test_junk_is_handed_out_while_a_header_may_still_come() -> None:
    decoder = Decoder()
    decoder.feed(b"noise##01")
    assert decoder.next_event() == Junk(b"noise")
    assert decoder.next_event() is NEED_DATA
    assert decoder.buffered == 4
    decoder.feed(b"01" + A[6:])
    event = decoder.next_event()
    assert isinstance(event, Packet) and event.raw == A


def test_a_lone_hash_at_the_end_waits_for_the_next_byte() -> None:
    decoder = Decoder()
    decoder.feed(b"abc#")
    assert decoder.next_event() == Junk(b"abc")
    assert decoder.next_event() is NEED_DATA
    decoder.feed(A[1:])
    assert isinstance(decoder.next_event(), Packet)


def test_the_beginning_of_a_header_at_the_end_of_the_stream_is_junk() -> None:
    assert run(b"noise##0101QN") == [Junk(b"noise"), Junk(b"##0101QN")]


@pytest.mark.parametrize("unit", [b"#", b"##1", b"##0001QN", b"##X"])
def test_runs_of_header_look_alikes_are_junk(unit: bytes) -> None:
    """Runs of "#", "##1" … (a noisy line) come out whole as junk, and nothing else."""
    data = unit * 50000
    events = run(data)
    assert all(isinstance(e, Junk) for e in events) and len(events) <= 3
    assert b"".join(e.data for e in events if isinstance(e, Junk)) == data


def test_junk_only_stream() -> None:
    assert run(b"hello", b"world#") == [Junk(b"hello"), Junk(b"world"), Junk(b"#")]
    assert run() == []


def test_header_keys_in_other_orders_are_found() -> None:
    raw = frame(b"ST=32;CN=2011;QN=1;MN=X;PW=1;Flag=4;CP=&&&&", tail=b"")
    raw2 = frame(b"Flag=4;CN=2011;CP=&&&&", tail=b"")
    assert frames_of(run(b"x" + raw + raw2)) == [raw, raw2]


def test_wrong_length_found_by_its_end() -> None:
    long = VECTORS["neg-declared-215-actual-271"]  # declared shorter than the segment
    short = VECTORS["neg-declared-462-actual-452"]  # declared longer
    events = run(long + b"\r\n" + short + b"\r\n" + A + b"\r\n")
    assert frames_of(events) == [long, short, A]
    assert [e.error.code for e in events if isinstance(e, BadFrame)] == [ErrorCode.LENGTH_MISMATCH] * 2


def test_wrong_length_followed_directly_by_the_next_frame() -> None:
    bad = VECTORS["neg-declared-318-actual-319"]
    assert frames_of(run(bad + A)) == [bad, A]


def test_wrong_length_waits_for_the_end_then_splits_correctly() -> None:
    short = VECTORS["neg-declared-462-actual-452"]
    stream = short + b"\r\n" + A + b"\r\n"
    for cut in range(0, len(stream), 7):
        assert frames_of(run(stream[:cut], stream[cut:])) == [short, A], cut


def test_wrong_length_accepted_by_the_profile() -> None:
    segment = A[6:-4]
    raw = frame(segment, length=len(segment) + 3, tail=b"")
    events = run(raw + b"\r\n", profile=Profile(accept_length_mismatch=True))
    assert isinstance(events[0], Packet) and events[0].deviations == (Deviation.LENGTH_MISMATCH,)


def test_last_frame_with_wrong_length_and_no_tail_ends_at_end_of_stream() -> None:
    segment = A[6:-4]
    raw = frame(segment, length=len(segment) + 3, tail=b"")
    decoder = Decoder()
    decoder.feed(raw)
    assert decoder.next_event() is NEED_DATA  # its end is not known yet
    decoder.feed_eof()
    event = decoder.next_event()
    assert isinstance(event, BadFrame) and event.raw == raw
    assert event.error.code is ErrorCode.LENGTH_MISMATCH


def test_unterminated_cp_framed_by_its_length() -> None:
    raw = frame(b"QN=1;ST=32;CN=2011;Flag=4;CP=&&DataTime=20240601000000", tail=b"")
    for tail in (b"\r\n", b""):
        events = run(raw + tail + A)
        assert frames_of(events) == [raw, A]
        assert isinstance(events[0], BadFrame) and events[0].error.code is ErrorCode.UNTERMINATED_CP
    events = run(raw)  # at end of stream
    assert isinstance(events[0], BadFrame) and events[0].error.code is ErrorCode.UNTERMINATED_CP


def test_frame_cut_short_by_the_next_header() -> None:
    cut = A[:60]
    events = run(cut + B + b"\r\n")
    assert frames_of(events) == [cut, B]
    first = events[0]
    assert isinstance(first, BadFrame) and first.error.code is ErrorCode.TRUNCATED
    partial = first.partial  # the header says which device it was; its cut last item is left out
    assert partial is not None and partial.raw == cut and partial.length == int(cut[2:6])
    assert (partial.qn, partial.st, partial.cn, partial.pw, partial.mn) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
        None,
    )
    assert partial.version is None and not partial.crc_ok and partial.values == {} and partial.cp_text == ""


@pytest.mark.parametrize(
    ("raw", "header"),
    [
        (b"##0101QN=", None),  # no whole item
        (b"##0101QN=1;ST=32;CN=2011;PW=1;MN=M1;Fl", ("1", "2011", "M1", None, None)),
        (b"##0101QN=1;CN=2011;MN=M1;Flag=5;CP=&&DataTime=2024", ("1", "2011", "M1", 5, "2017")),
        (b"##0101QN=1;CN=2011;MN=M1;Flag=5CP=&&", ("1", "2011", "M1", 5, "2017")),  # no ';' before CP
        (b"##0101QN=1;CN=2011;MN=M1;\r\nFlag=5;", ("1", "2011", "M1", None, None)),  # a line end stops it
    ],
)
def test_what_the_header_of_a_broken_frame_still_says(raw: bytes, header: tuple[Any, ...] | None) -> None:
    partial = header_of(raw)
    if header is None:
        assert partial is None
    else:
        assert partial is not None
        version = None if partial.version is None else partial.version.value
        assert (partial.qn, partial.cn, partial.mn, partial.flag, version) == header


def test_frame_truncated_by_end_of_stream() -> None:
    events = run(A[:-3])
    assert frames_of(events) == [A[:-3]]
    assert isinstance(events[0], BadFrame) and events[0].error.code is ErrorCode.TRUNCATED
    events = run(b"##0101QN=")
    assert isinstance(events[0], BadFrame) and events[0].error.code is ErrorCode.TRUNCATED


def test_declared_length_reaching_into_the_next_frame_is_cut_there() -> None:
    # A broken frame whose length points exactly at the end of the next frame: the fast path
    # would take both, but the inner header shows where the broken one stopped.
    head = b"##%04dQN=1;ST=32;CN=2011;CP=&&"
    filler = head % 0
    declared = len(filler) - 6 + len(A) + 2 - 4
    broken = head % declared
    events = run(broken + b"\r\n" + A + b"\r\n")
    assert frames_of(events) == [broken + b"\r\n", A]
    assert isinstance(events[0], BadFrame) and events[0].error.code is ErrorCode.TRUNCATED
    assert isinstance(events[1], Packet)


def test_a_log_containing_a_header_is_one_frame() -> None:
    raw = build_upload(
        cn="3020",
        mn="M1",
        st="32",
        qn=make_qn(WHEN),
        data_time=WHEN,
        values={"i11001": {"Info": "//pump ##0101QN=x restarted//"}},
    )
    events = run(raw)
    assert len(events) == 1 and isinstance(events[0], Packet)
    assert events[0].values["i11001"]["Info"] == "//pump ##0101QN=x restarted//"


def test_buffer_cap_bounds_memory() -> None:
    decoder = Decoder(max_buffer_size=1024)
    decoder.feed(b"##9999QN=" + b"x" * 5000)
    events = drain(decoder)
    assert isinstance(events[0], BadFrame) and events[0].error.code is ErrorCode.TOO_LONG
    assert "no frame end within 1024 bytes" in events[0].error.message
    assert decoder.buffered < 1024
    decoder.feed(A + b"\r\n")
    assert frames_of(drain(decoder))[-1] == A


def test_a_header_straddling_the_cap_survives() -> None:
    decoder = Decoder(max_buffer_size=1024)
    pad = b"##9999QN=" + b"x" * (1024 - 9 - 5)
    decoder.feed(pad + A + b"\r\n")
    events = drain(decoder)
    assert frames_of(events)[-1] == A


def test_frame_over_1024_bytes_is_accepted() -> None:
    values: Values = {f"a{n:05d}": {"Avg": 1.5, "Flag": "N"} for n in range(70)}
    raw = build_upload(cn="2061", mn="M", st="31", qn="1", data_time=WHEN, values=values)
    assert len(raw) > 1100
    events = run(raw[:500], raw[500:])
    assert isinstance(events[0], Packet) and events[0].deviations == (Deviation.OVERSIZE,)


def test_slow_search_resumes_after_small_reads() -> None:
    # A frame with a wrong length fed in small pieces is found once, at its real end.
    bad = VECTORS["neg-declared-318-actual-319"]
    pieces = [bad[i : i + 5] for i in range(0, len(bad), 5)]
    events = run(*pieces, b"\r\n", A)
    assert frames_of(events) == [bad, A]


def test_events_and_buffered() -> None:
    decoder = Decoder()
    assert decoder.events() == [] and not decoder.eof
    decoder.feed(A + b"\r\n" + B[:10])
    assert [type(e) for e in decoder.events()] == [Packet]
    assert decoder.buffered == 10
    decoder.feed_eof()
    assert decoder.eof
    assert [type(e) for e in decoder.events()] == [BadFrame]
    assert decoder.buffered == 0


def test_misuse_is_a_local_error() -> None:
    with pytest.raises(LocalProtocolError):
        Decoder(max_buffer_size=10)
    decoder = Decoder()
    decoder.feed_eof()
    with pytest.raises(LocalProtocolError):
        decoder.feed(b"x")


def test_profiles_and_keys_per_mn() -> None:
    lenient = Profile(accept_length_mismatch=True)
    segment = A[6:-4]
    raw = frame(segment, length=len(segment) + 1)
    seen: list[str] = []

    def profile_for(mn: str) -> Profile | None:
        seen.append(mn)
        return lenient if mn == "010000A8900016F000169DC0" else None

    assert isinstance(run(raw, profile_for=profile_for)[0], Packet)
    assert isinstance(run(raw)[0], BadFrame)
    assert seen == ["010000A8900016F000169DC0"]
