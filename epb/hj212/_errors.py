"""Errors: what the peer got wrong (:class:`FrameError`) and what the caller got wrong.

As in h11, the two kinds are separate types. A :class:`FrameError` describes a received frame
and never escapes :class:`~epb.hj212.Decoder` (it arrives inside a ``BadFrame`` event);
:func:`~epb.hj212.decode_frame` raises it. A :class:`LocalProtocolError` means this program
asked for something the protocol cannot express (a separator inside a value, a data segment
over 9999 bytes, a naive datetime …) and is raised by the builders.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from epb.hj212._model import Packet


class ErrorCode(enum.StrEnum):
    """Why a frame was rejected. The values are stable: they are stored and shown."""

    BAD_CRC = "bad_crc"
    LENGTH_MISMATCH = "length_mismatch"
    MISSING_CP = "missing_cp"
    UNTERMINATED_CP = "unterminated_cp"
    BAD_HEADER = "bad_header"
    UNKNOWN_VERSION = "unknown_version"
    DECRYPT_FAILED = "decrypt_failed"
    TRUNCATED = "truncated"
    TOO_LONG = "too_long"
    NOT_A_FRAME = "not_a_frame"


class HJ212Error(Exception):
    """Base class of every error raised by :mod:`epb.hj212`."""


class LocalProtocolError(HJ212Error, ValueError):
    """The caller asked the builders for something HJ 212 cannot carry."""


class FrameError(HJ212Error):
    """A received frame breaks the protocol.

    ``code`` says which rule; ``message`` is a sentence for an operator. ``partial`` is what
    could still be read from the frame (header fields, values), or ``None``.
    """

    def __init__(self, code: ErrorCode, message: str, *, partial: Packet | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.partial = partial

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r})"


class CrcError(FrameError):
    """The CRC field does not match the data segment.

    ``expected`` is what the HJ 212 routine gives for the data segment, ``received`` what the
    frame carries; ``matches`` names another CRC variant the received value fits, if any
    (``"lowercase"`` when only the letter case is refused).
    """

    def __init__(self, expected: str, received: str, *, matches: str | None = None) -> None:
        if matches == "lowercase":
            message = f"CRC {received} is lowercase hex, which this device's profile does not accept"
        else:
            message = f"CRC mismatch: expected {expected}, received {received}"
            if matches:
                message += f" (it is the {matches} CRC, which this device's profile does not accept)"
        super().__init__(ErrorCode.BAD_CRC, message)
        self.expected = expected
        self.received = received
        self.matches = matches


class LengthError(FrameError):
    """The length field disagrees with the data segment, in bytes and in characters."""

    def __init__(self, declared: int, actual: int, characters: int, *, crc_note: str = "") -> None:
        message = f"length mismatch: declared {declared}, data segment is {actual} bytes"
        if characters != actual:
            message += f" ({characters} characters)"
        if crc_note:
            message += f"; {crc_note}"
        super().__init__(ErrorCode.LENGTH_MISMATCH, message)
        self.declared = declared
        self.actual = actual
        self.characters = characters
