"""The events the decoder hands out and the per-device tolerance profile.

Events are frozen dataclasses. Their mapping fields are plain dicts for speed; treat them as
read-only (they are typed ``Mapping``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from epb.hj212._crc import CrcVariant
from epb.hj212._errors import FrameError
from epb.hj212._times import parse_time


class Version(enum.StrEnum):
    """Protocol edition of a frame."""

    V2005 = "2005"
    V2017 = "2017"
    V2025 = "2025"


# Flag bits 2–7 carry the edition (HJ 212-2017 §6.3.2; 2 = 2025 as reported).
VERSION_BITS: dict[Version, int] = {Version.V2005: 0, Version.V2017: 1, Version.V2025: 2}


class Signal(enum.Enum):
    """What :meth:`Decoder.next_event` returns when it has no frame to give."""

    NEED_DATA = "need data"  # feed more bytes
    END_OF_STREAM = "end of stream"  # feed_eof() was called and everything was handed out


NEED_DATA = Signal.NEED_DATA
END_OF_STREAM = Signal.END_OF_STREAM


class Deviation(enum.StrEnum):
    """A departure from the standard that the decoder tolerated (it is recorded, not fatal)."""

    LOWERCASE_CRC = "lowercase_crc"
    CRC_VARIANT = "crc_variant"  # CRC matched a non-standard variant the profile accepts
    CRC_NOT_CHECKED = "crc_not_checked"  # the profile says this device sends no usable CRC
    CRC_OVER_CIPHERTEXT = "crc_over_ciphertext"  # 2025: CRC taken over the encrypted bytes
    LENGTH_IN_CHARACTERS = "length_in_characters"
    LENGTH_MISMATCH = "length_mismatch"  # accepted because the profile allows it
    OVERSIZE = "oversize"  # data segment over the standard's 1024 bytes
    NO_TAIL = "no_tail"  # no CR LF before the next bytes
    BARE_TAIL = "bare_tail"  # LF or CR alone instead of CR LF
    HEADER_SEPARATOR = "header_separator"  # ',' between header fields, or no ';' before CP
    MALFORMED_ITEM = "malformed_item"  # an item without '=' (skipped)
    DUPLICATE_KEY = "duplicate_key"  # the later value wins
    NOT_UTF8 = "not_utf8"  # text decoded as GB18030
    UNDECODABLE = "undecodable"  # bytes replaced while decoding text
    BAD_TIME = "bad_time"  # a time field that is not a valid time (kept as text)
    NOT_NUMERIC = "not_numeric"  # a numeric field that is not a number (kept as text)
    PLAINTEXT_CP = "plaintext_cp"  # an SM4 key is configured but the CP came in clear


FieldValue = float | str | datetime


@dataclass(frozen=True)
class Packet:
    """One decoded frame.

    Header fields are strings exactly as sent (``None`` when absent). ``values`` maps each
    factor code as on the wire (``w01018``, ``011``, ``SB1``) to its fields by suffix
    (``Rtd``, ``Avg``, ``Flag``, ``SampleTime`` …): numbers as ``float``, flags and ``Info`` as
    ``str``, times as aware UTC ``datetime``; a value that cannot be read as its type is kept
    as text. ``items`` holds the other CP items (``DataTime``, ``PolId``, ``QnRtn``,
    ``FANSTATUS`` …) as text; the properties below type the common ones.
    """

    version: Version | None
    qn: str | None
    st: str | None
    cn: str | None
    pw: str | None
    mn: str | None
    flag: int | None
    pnum: int | None
    pno: int | None
    rf: bool
    data_time: datetime | None
    values: Mapping[str, Mapping[str, FieldValue]]
    items: Mapping[str, str]
    header: Mapping[str, str]
    cp_text: str
    raw: bytes
    crc_ok: bool
    crc_expected: str
    crc_received: str
    crc_variant: CrcVariant
    length: int
    encrypted: bool
    encoding: str
    deviations: tuple[Deviation, ...] = ()

    @classmethod
    def from_fields(cls, **fields: Any) -> Packet:
        """Build a packet from every one of its fields, without the dataclass ``__init__``.

        The decoder's hot path: a frozen dataclass assigns each of its 24 fields through
        ``object.__setattr__``, which costs about a tenth of the time a frame takes to decode.
        All fields must be given (a test holds the decoder to it).
        """
        packet = object.__new__(cls)
        packet.__dict__.update(fields)
        return packet

    @property
    def needs_ack(self) -> bool:
        """Flag bit A: the sender wants an answer."""
        return bool(self.flag is not None and self.flag & 1)

    @property
    def has_subpackets(self) -> bool:
        """Flag bit D: the frame is one piece of a split packet (PNUM/PNO)."""
        return bool(self.flag is not None and self.flag & 2)

    @property
    def version_bits(self) -> int | None:
        """Flag bits 2–7 (0 = 2005, 1 = 2017, 2 = 2025), or ``None`` without a Flag."""
        return None if self.flag is None else self.flag >> 2

    def _int_item(self, key: str) -> int | None:
        text = self.items.get(key)
        if text is None:
            return None
        text = text.strip()
        return int(text) if text.isdigit() and text.isascii() else None

    def _time_item(self, key: str) -> datetime | None:
        text = self.items.get(key)
        return None if text is None else parse_time(text.strip())

    @property
    def qn_rtn(self) -> int | None:
        """QnRtn of a 9011 request answer."""
        return self._int_item("QnRtn")

    @property
    def exe_rtn(self) -> int | None:
        """ExeRtn of a 9012 execution result."""
        return self._int_item("ExeRtn")

    @property
    def rtd_interval(self) -> int | None:
        """RtdInterval in seconds (1062)."""
        return self._int_item("RtdInterval")

    @property
    def min_interval(self) -> int | None:
        """MinInterval in minutes (1064)."""
        return self._int_item("MinInterval")

    @property
    def pol_id(self) -> str | None:
        """PolId: the instrument a command or report is about."""
        return self.items.get("PolId")

    @property
    def system_time(self) -> datetime | None:
        """SystemTime (1011/1012), aware UTC."""
        return self._time_item("SystemTime")

    @property
    def begin_time(self) -> datetime | None:
        """BeginTime of a history request, aware UTC."""
        return self._time_item("BeginTime")

    @property
    def end_time(self) -> datetime | None:
        """EndTime of a history request, aware UTC."""
        return self._time_item("EndTime")

    @property
    def restart_time(self) -> datetime | None:
        """RestartTime (2081: data-logger boot), aware UTC."""
        return self._time_item("RestartTime")


@dataclass(frozen=True)
class BadFrame:
    """A frame that was rejected. Never answer it: the device will resend.

    ``raw`` is the frame's bytes (from ``##``); ``partial`` is what could still be read, for
    the evidence record, or ``None`` when not even the header was readable.
    """

    error: FrameError
    raw: bytes

    @property
    def partial(self) -> Packet | None:
        return self.error.partial


@dataclass(frozen=True)
class Junk:
    """Bytes between frames that are no HJ 212 frame (Modbus polls, DTU strings, noise)."""

    data: bytes


Event = Packet | BadFrame | Junk | Signal


@dataclass(frozen=True)
class Profile:
    """What a device is allowed to get wrong. The defaults accept what is common in the field.

    - ``crc_variants``: CRC routines accepted (``HJ212`` only by default; add ``MODBUS_LE``
      for the devices known to send it; ``NONE`` disables the check for a device).
    - ``accept_lowercase_crc``: ``1dc0`` as well as ``1DC0``.
    - ``accept_char_length``: a length field that counts characters instead of bytes.
    - ``accept_length_mismatch``: any other wrong length, when the frame is otherwise whole.
    - ``version``: pin the edition instead of reading it from Flag (e.g. a 2021 device that
      sends Flag=8).
    """

    crc_variants: frozenset[CrcVariant] = field(default_factory=lambda: frozenset({CrcVariant.HJ212}))
    accept_lowercase_crc: bool = True
    accept_char_length: bool = True
    accept_length_mismatch: bool = False
    version: Version | None = None


DEFAULT_PROFILE = Profile()
LENIENT_PROFILE = Profile(
    crc_variants=frozenset(CrcVariant) - {CrcVariant.NONE},
    accept_length_mismatch=True,
)

ProfileLookup = Callable[[str], Profile | None]
KeyLookup = Callable[[str], bytes | None]
