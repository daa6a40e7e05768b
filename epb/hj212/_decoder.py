"""The per-connection decoder: bytes in, events out, no I/O.

Framing (hj212 reference §7), on one byte buffer per connection:

1. Find ``##``. Bytes before it are :class:`Junk`. A header is ``##`` + 4 digits + a header
   key and ``=`` (``QN=``, ``ST=`` …); anything else at ``##`` is junk too.
2. Fast path: the declared length ``L`` ends the data segment with ``&&`` followed by 4 hex
   digits. That is the frame; the tail (CR LF, LF, or nothing) is consumed if present.
3. Otherwise, in order: the first ``&&`` + 4 hex + CR/LF/``##`` before the next header ends
   the frame (wrong length, judged later against the profile); or the declared length ends it
   at 4 hex + CR/LF/``##`` (an unclosed CP); or, when the next header or the end of the
   stream comes first, the last ``&&`` + 4 hex before it ends the frame (junk glued to it
   follows) and without one the frame is truncated; or the buffer cap is reached (too long).
   Else more bytes are needed.

A fast-path frame that contains another header is only kept if it is valid as a whole (a log
text may contain ``##``); otherwise it is cut at that header, so a good frame after a broken
one is never swallowed.
"""

from __future__ import annotations

import re

from epb.hj212._errors import ErrorCode, FrameError, LocalProtocolError
from epb.hj212._model import (
    DEFAULT_PROFILE,
    END_OF_STREAM,
    NEED_DATA,
    BadFrame,
    Deviation,
    Event,
    Junk,
    KeyLookup,
    Packet,
    Profile,
    ProfileLookup,
    Signal,
)
from epb.hj212._parse import analyse, header_of

_HEADER = re.compile(rb"##(\d{4})[A-Za-z]{1,6}=")
# Where a header starts, or a header's beginning ends the buffer. Searching for this rather
# than for every "##" keeps runs of '#' or of "##1" from costing one Python step each.
_CANDIDATE = re.compile(rb"##(?=\d{4}[A-Za-z]{1,6}=|(?:\d{0,3}|\d{4}[A-Za-z]{0,6})\Z)")
_HEX4 = re.compile(rb"[0-9A-Fa-f]{4}")
_END = re.compile(rb"&&[0-9A-Fa-f]{4}(?=[\r\n]|##)")
_END_BARE = re.compile(rb"&&[0-9A-Fa-f]{4}")
_HEADER_LONGEST = 13  # '##' + 4 digits + 6 letters + '='
_LF, _CR, _HASH = 0x0A, 0x0D, 0x23

DEFAULT_MAX_BUFFER = 16384
_MIN_MAX_BUFFER = 64


class Decoder:
    """Turns the bytes of one connection into frames.

    ``feed(data)`` appends bytes; ``next_event()`` returns the next :class:`Packet`,
    :class:`BadFrame` or :class:`Junk`, or ``NEED_DATA`` (feed more), or ``END_OF_STREAM``
    after :meth:`feed_eof` once everything is out. It never raises on input.

    - ``max_buffer_size`` caps the bytes held for one incomplete frame (a frame is at most
      10 015 bytes: ``##``, 4 digits, 9999, CRC, CR LF). A frame that does not end within the
      cap becomes a ``too_long`` :class:`BadFrame` and its bytes are dropped.
    - ``profile`` is the tolerance applied to every frame; ``profile_for(mn)`` may return a
      device's own :class:`Profile` (``None``: use ``profile``).
    - ``key_for(mn)`` returns the 16-byte SM4 key of a device whose CP is encrypted, or ``None``.
    """

    def __init__(
        self,
        *,
        max_buffer_size: int = DEFAULT_MAX_BUFFER,
        profile: Profile = DEFAULT_PROFILE,
        profile_for: ProfileLookup | None = None,
        key_for: KeyLookup | None = None,
    ) -> None:
        if max_buffer_size < _MIN_MAX_BUFFER:
            raise LocalProtocolError(f"max_buffer_size must be at least {_MIN_MAX_BUFFER}")
        self.max_buffer_size = max_buffer_size
        self.profile = profile
        self.profile_for = profile_for
        self.key_for = key_for
        self._buf = bytearray()
        self._pos = 0
        self._eof = False
        self._after_frame = False  # swallow a tail that arrives after its frame was handed out
        self._scan_at = -1  # header position whose slow-path search was interrupted
        self._scan_from = 0  # and where that search may resume

    @property
    def buffered(self) -> int:
        """Bytes received and not yet handed out."""
        return len(self._buf) - self._pos

    @property
    def eof(self) -> bool:
        return self._eof

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Append bytes received from the peer."""
        if self._eof:
            raise LocalProtocolError("feed() after feed_eof()")
        if self._pos:
            del self._buf[: self._pos]
            if self._scan_at >= 0:
                self._scan_at -= self._pos
                self._scan_from -= self._pos
            self._pos = 0
        self._buf += data

    def feed_eof(self) -> None:
        """The peer closed the connection: what is left is handed out as it stands."""
        self._eof = True

    def events(self) -> list[Packet | BadFrame | Junk]:
        """Every event available now (until ``NEED_DATA`` or ``END_OF_STREAM``)."""
        out: list[Packet | BadFrame | Junk] = []
        while True:
            event = self.next_event()
            if isinstance(event, Signal):
                return out
            out.append(event)

    def next_event(self) -> Event:
        """The next event; see the class documentation."""
        buf = self._buf
        pos = self._pos
        n = len(buf)
        if self._after_frame and pos < n:
            self._after_frame = False
            if buf[pos] == _LF:
                pos += 1
            elif buf[pos] == _CR:
                pos += 1
                if pos < n and buf[pos] == _LF:
                    pos += 1
                elif pos == n:
                    self._after_frame = True
            self._pos = pos

        # Find the next header; everything before it is junk.
        scan = pos
        while True:
            candidate = _CANDIDATE.search(buf, scan)
            p = -1 if candidate is None else candidate.start()
            if p < 0:
                end = n - 1 if n > pos and buf[n - 1] == _HASH and not self._eof else n
                if end > pos:
                    self._pos = end
                    return Junk(bytes(buf[pos:end]))
                return END_OF_STREAM if self._eof and pos == n else NEED_DATA
            m = _HEADER.match(buf, p)
            if m is not None:
                break
            # Not a header yet: the beginning of one ends the buffer (the candidate says so).
            if not self._eof:
                if p > pos:  # the header may still come: hand out what precedes it
                    self._pos = p
                    return Junk(bytes(buf[pos:p]))
                return NEED_DATA
            scan = p + 1
        if p > pos:
            self._pos = p
            return Junk(bytes(buf[pos:p]))

        declared = int(m.group(1))
        end = p + 6 + declared
        if end + 4 <= n and buf.startswith(b"&&", end - 2, end) and _HEX4.fullmatch(buf, end, end + 4):
            stop = end + 4
            inner = _HEADER.search(buf, p + 6, end)
            if inner is None:
                return self._emit(p, stop, declared)
            event = self._emit(p, stop, declared)
            if isinstance(event, Packet):
                return event
            self._after_frame = False
            self._pos = inner.start()
            return self._bad(
                ErrorCode.TRUNCATED, "frame cut short by the next frame's header", p, inner.start()
            )
        return self._slow(p, declared, end)

    def _tail(self, stop: int, devs: list[Deviation]) -> int:
        """Consume the frame's tail after ``stop``; return the new position."""
        buf = self._buf
        n = len(buf)
        if stop >= n:
            if self._eof:
                devs.append(Deviation.NO_TAIL)
            else:
                self._after_frame = True
            return stop
        c = buf[stop]
        if c == _CR:
            if stop + 1 < n:
                if buf[stop + 1] == _LF:
                    return stop + 2
                devs.append(Deviation.BARE_TAIL)
            else:
                self._after_frame = True
            return stop + 1
        if c == _LF:
            devs.append(Deviation.BARE_TAIL)
            return stop + 1
        devs.append(Deviation.NO_TAIL)
        return stop

    def _emit(self, p: int, stop: int, declared: int) -> Packet | BadFrame:
        devs: list[Deviation] = []
        self._pos = self._tail(stop, devs)
        raw = bytes(self._buf[p:stop])
        packet, error = analyse(
            raw,
            declared,
            profile=self.profile,
            profile_for=self.profile_for,
            key_for=self.key_for,
            deviations=devs,
        )
        self._scan_at = -1
        return packet if error is None else BadFrame(error, raw)

    def _bad(self, code: ErrorCode, message: str, p: int, stop: int) -> BadFrame:
        self._scan_at = -1
        raw = bytes(self._buf[p:stop])
        return BadFrame(FrameError(code, message, partial=header_of(raw)), raw)

    def _last_end(self, p: int, bound: int) -> int | None:
        """End of the last ``&&`` + 4 hex digits in ``[p + 6, bound)``, if any."""
        last = None
        for match in _END_BARE.finditer(self._buf, p + 6, bound):
            last = match.end()
        return last

    def _slow(self, p: int, declared: int, end: int) -> Event:
        buf = self._buf
        n = len(buf)
        limit = min(n, p + self.max_buffer_size)
        start = self._scan_from if self._scan_at == p else p + 6
        nxt = _HEADER.search(buf, start, limit)
        bound = nxt.start() if nxt is not None else limit
        closing = _END.search(buf, start, bound + 2)
        if closing is not None and closing.start() < bound:
            return self._emit(p, closing.end(), declared)
        if (
            end + 4 <= bound
            and _HEX4.fullmatch(buf, end, end + 4)
            and (end + 4 < n and buf[end + 4] in b"\r\n#" or self._eof and end + 4 == n)
        ):
            return self._emit(p, end + 4, declared)
        if nxt is not None:
            last = self._last_end(p, bound)
            if last is not None:  # junk glued to a frame whose length is wrong
                return self._emit(p, last, declared)
            self._pos = nxt.start()
            return self._bad(
                ErrorCode.TRUNCATED, "frame cut short by the next frame's header", p, nxt.start()
            )
        if n - p >= self.max_buffer_size:
            # No frame starts before limit - 12; a header may straddle the cut, so keep that.
            stop = limit - _HEADER_LONGEST + 1
            self._pos = stop
            return self._bad(ErrorCode.TOO_LONG, f"no frame end within {self.max_buffer_size} bytes", p, stop)
        if self._eof:
            last = self._last_end(p, n)
            if last is not None:
                return self._emit(p, last, declared)
            self._pos = n
            return self._bad(ErrorCode.TRUNCATED, "stream ended inside a frame", p, n)
        self._scan_at = p
        self._scan_from = max(p + 6, n - 16)
        return NEED_DATA
