"""Building frames: the generic builder, the centre's answers and commands, device uploads.

Everything returns the bytes to write, framed (length and CRC right, CRC uppercase, CR LF).
Nothing reads a clock: QNs and times are passed in (see :func:`make_qn`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from epb.hj212 import _sm4
from epb.hj212._crc import CrcVariant, crc_text
from epb.hj212._errors import LocalProtocolError
from epb.hj212._model import VERSION_BITS, Packet, Version
from epb.hj212._tables import centre_reply_cn
from epb.hj212._times import format_time

MAX_DATA_LENGTH = 9999
HISTORY_COMMANDS = frozenset({"2031", "2041", "2051", "2061"})

CpValue = str | int | float | Decimal | datetime
CpItems = Mapping[str, CpValue] | Iterable[tuple[str, CpValue]]
Values = Mapping[str, Mapping[str, CpValue]]


def format_value(value: CpValue) -> str:
    """An HJ 212 value: numbers without exponent, datetimes as 14 Beijing-time digits."""
    if isinstance(value, bool):
        raise LocalProtocolError("a bool is no HJ 212 value: send 1/0 or a flag letter")
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LocalProtocolError(f"{value!r} is no HJ 212 number")
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise LocalProtocolError(f"{value!r} is no HJ 212 number")
        return format(value, "f")
    if isinstance(value, str):
        return value
    raise LocalProtocolError(f"cannot send a {type(value).__name__} as an HJ 212 value")


@functools.lru_cache(maxsize=16)
def _separators(forbidden: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(forbidden) + "]")


def _check_text(what: str, text: str, *, forbidden: str = ";,=&\r\n") -> str:
    # One compiled character class instead of a scan per separator: builders run once per answer.
    if _separators(forbidden).search(text):
        raise LocalProtocolError(f"{what} {text!r} contains one of the separators {forbidden!r}")
    return text


def _check_value(key: str, text: str) -> str:
    if len(text) >= 4 and text.startswith("//") and text.endswith("//"):
        # A //…// log may hold separators, but not the markers that end it.
        if "//" in text[2:-2] or "&&" in text:
            raise LocalProtocolError(f"the log of {key} may not contain '//' or '&&'")
        return text
    return _check_text(f"value of {key}", text, forbidden=";,&\r\n")


def _pairs(items: CpItems) -> Iterable[tuple[str, CpValue]]:
    return items.items() if isinstance(items, Mapping) else items


def format_cp(*, data_time: datetime | None = None, items: CpItems = (), values: Values | None = None) -> str:
    """The CP data area: ``DataTime`` first, then the other items, then one group per factor."""
    parts: list[str] = []
    if data_time is not None:
        parts.append(f"DataTime={format_time(data_time)}")
    for key, value in _pairs(items):
        _check_text("CP key", key, forbidden=";,=&-\r\n")
        parts.append(f"{key}={_check_value(key, format_value(value))}")
    for code, fields in (values or {}).items():
        _check_text("factor code", code, forbidden=";,=&-\r\n")
        group = []
        for suffix, value in fields.items():
            _check_text("field suffix", suffix, forbidden=";,=&\r\n")
            group.append(f"{code}-{suffix}={_check_value(f'{code}-{suffix}', format_value(value))}")
        if group:
            parts.append(",".join(group))
    return ";".join(parts)


def frame(
    data: bytes,
    *,
    crc_data: bytes | None = None,
    tail: bytes = b"\r\n",
    lowercase_crc: bool = False,
    length: int | None = None,
    crc_variant: CrcVariant = CrcVariant.HJ212,
) -> bytes:
    """Wrap a data segment as ``##`` + length + data + CRC + tail.

    ``crc_data`` is what the CRC covers when it differs from ``data`` (the plaintext of an
    SM4-encrypted segment). ``lowercase_crc``, ``length``, ``crc_variant`` and ``tail`` exist
    to reproduce the deviations devices make (simulators, tests); leave them for real use.
    """
    declared = len(data) if length is None else length
    if not 0 <= declared <= MAX_DATA_LENGTH:
        raise LocalProtocolError(f"a data segment is at most {MAX_DATA_LENGTH} bytes, this one {declared}")
    crc = crc_text(data if crc_data is None else crc_data, crc_variant)
    if lowercase_crc:
        crc = crc.lower()
    return b"##%04d%b%b%b" % (declared, data, crc.encode("ascii"), tail)


def build_packet(
    *,
    cn: str,
    qn: str | None = None,
    st: str | None = None,
    pw: str | None = None,
    mn: str | None = None,
    flag: int | None = None,
    pnum: int | None = None,
    pno: int | None = None,
    rf: bool = False,
    data_time: datetime | None = None,
    items: CpItems = (),
    values: Values | None = None,
    sm4_key: bytes | None = None,
    encoding: str = "utf-8",
) -> bytes:
    """A framed packet. Header fields are written in the standard's order and omitted when
    ``None``; ``RF=1`` (2025 resend) goes after PNO. With ``sm4_key`` the CP data area is
    SM4-encrypted and the CRC covers the plaintext (HJ 212-2025 as reported)."""
    header: list[str] = []
    for name, value in (("QN", qn), ("ST", st), ("CN", cn), ("PW", pw), ("MN", mn)):
        if value is not None:
            header.append(f"{name}={_check_text(name, value)}")
    for name, number, limit in (("Flag", flag, 255), ("PNUM", pnum, 9999), ("PNO", pno, 9999)):
        if number is not None:
            if not 0 <= number <= limit:
                raise LocalProtocolError(f"{name} must be 0–{limit}, got {number}")
            header.append(f"{name}={number}")
    if rf:
        header.append("RF=1")
    head = (";".join(header) + ";CP=&&").encode("ascii")
    cp = format_cp(data_time=data_time, items=items, values=values).encode(encoding)
    plain = head + cp + b"&&"
    if sm4_key is None:
        return frame(plain)
    return frame(head + _sm4.encrypt(sm4_key, cp) + b"&&", crc_data=plain)


def make_flag(version: Version, *, ack: bool = False, split: bool = False) -> int:
    """Flag: version bits, D (split packet) and A (answer wanted)."""
    return VERSION_BITS[version] << 2 | (2 if split else 0) | (1 if ack else 0)


# ---------------------------------------------------------------- the centre answers a frame


def _answer(packet: Packet, cn: str, items: list[tuple[str, CpValue]]) -> bytes:
    if packet.version is Version.V2005:
        # 2005 puts the QN it answers inside CP.
        lead: list[tuple[str, CpValue]] = [("QN", packet.qn)] if packet.qn else []
        return build_packet(
            st="91",
            cn=cn,
            pw=packet.pw,
            mn=packet.mn,
            flag=None if packet.flag is None else 0,
            items=lead + items,
        )
    version = packet.version or Version.V2017
    flag = make_flag(version) if packet.flag is None else packet.flag & 0xFC
    return build_packet(qn=packet.qn, st="91", cn=cn, pw=packet.pw, mn=packet.mn, flag=flag, items=items)


def data_ack(packet: Packet) -> bytes:
    """9014 data answer to an upload: same QN, PW and MN, ST=91, Flag = its version bits."""
    extra: list[tuple[str, CpValue]] = []
    if packet.version is Version.V2005 and packet.cn:
        extra = [("CN", packet.cn)]
    return _answer(packet, "9014", extra)


def notice_ack(packet: Packet) -> bytes:
    """9013 notice answer (to 1013, to a 2025 heartbeat 9015, or from a device to 2012/2022)."""
    extra: list[tuple[str, CpValue]] = []
    if packet.version is Version.V2005 and packet.cn:
        extra = [("CN", packet.cn)]
    return _answer(packet, "9013", extra)


def answer_with(packet: Packet, cn: str) -> bytes:
    """An answer to ``packet`` with command code ``cn`` (ST=91, its QN, PW and MN, its edition's
    Flag): for vendor codes outside the standard that a site configures an answer for, e.g. a
    9022 to a vendor 9021 login."""
    return _answer(packet, cn, [])


def reply_for(packet: Packet) -> bytes | None:
    """What the centre sends back for a good frame from a device, or ``None``.

    Only frames with the A bit set get an answer: 9013 for notices (1013) and the 2025
    heartbeat (9015), nothing for interaction frames (9011/9012/9013/9014), 9014 for the
    rest. Never call it for a :class:`BadFrame`: the device must resend those.
    """
    if not packet.needs_ack or packet.cn is None:
        return None
    cn = centre_reply_cn(packet.cn)
    if cn == "9013":
        return notice_ack(packet)
    if cn == "9014":
        return data_ack(packet)
    return None


# ------------------------------------------------------- the device answers a centre request


def request_answer(request: Packet, qn_rtn: int = 1) -> bytes:
    """9011 request answer (device → centre) with QnRtn (1 = ready to execute)."""
    return _answer(request, "9011", [("QnRtn", qn_rtn)])


def execution_result(request: Packet, exe_rtn: int = 1) -> bytes:
    """9012 execution result (device → centre) with ExeRtn (1 = success)."""
    return _answer(request, "9012", [("ExeRtn", exe_rtn)])


# ------------------------------------------------------------------ the centre's commands


@dataclass(frozen=True)
class Target:
    """The device a command is for: its MN, password, system code and edition."""

    mn: str
    pw: str
    st: str
    version: Version = Version.V2017

    @classmethod
    def of(cls, packet: Packet) -> Target:
        """Address the device that sent ``packet``."""
        if packet.mn is None:
            raise LocalProtocolError("the packet has no MN to address")
        return cls(packet.mn, packet.pw or "", packet.st or "", packet.version or Version.V2017)


def build_command(target: Target, *, cn: str, qn: str, items: CpItems = (), ack: bool = True) -> bytes:
    """A centre request or notice with the A bit set (the device answers 9011/9013)."""
    flag = make_flag(target.version, ack=ack)
    return build_packet(qn=qn, st=target.st, cn=cn, pw=target.pw, mn=target.mn, flag=flag, items=items)


def _pol(pol_id: str | None) -> list[tuple[str, CpValue]]:
    return [] if pol_id is None else [("PolId", pol_id)]


def set_time(target: Target, *, qn: str, system_time: datetime, pol_id: str | None = None) -> bytes:
    """1012: set the clock of the logger (or of instrument ``pol_id``)."""
    return build_command(target, cn="1012", qn=qn, items=[*_pol(pol_id), ("SystemTime", system_time)])


def get_time(target: Target, *, qn: str, pol_id: str | None = None) -> bytes:
    """1011: ask for the device's clock."""
    return build_command(target, cn="1011", qn=qn, items=_pol(pol_id))


def start_realtime(target: Target, *, qn: str) -> bytes:
    """2011: start sending realtime data."""
    return build_command(target, cn="2011", qn=qn)


def stop_realtime(target: Target, *, qn: str) -> bytes:
    """2012: stop sending realtime data (a notice; the device answers 9013)."""
    return build_command(target, cn="2012", qn=qn)


def start_running_state(target: Target, *, qn: str) -> bytes:
    """2021: start sending the treatment facilities' running state."""
    return build_command(target, cn="2021", qn=qn)


def stop_running_state(target: Target, *, qn: str) -> bytes:
    """2022: stop sending the running state (a notice)."""
    return build_command(target, cn="2022", qn=qn)


def request_history(target: Target, *, cn: str, qn: str, begin: datetime, end: datetime) -> bytes:
    """2031 (day), 2041 (running time), 2051 (minute) or 2061 (hour) data for [begin, end]."""
    if cn not in HISTORY_COMMANDS:
        raise LocalProtocolError(f"CN {cn} is no history request ({', '.join(sorted(HISTORY_COMMANDS))})")
    return build_command(target, cn=cn, qn=qn, items=[("BeginTime", begin), ("EndTime", end)])


def set_rtd_interval(target: Target, *, qn: str, seconds: int) -> bytes:
    """1062: realtime interval in seconds (30–3600)."""
    return build_command(target, cn="1062", qn=qn, items=[("RtdInterval", seconds)])


def set_min_interval(target: Target, *, qn: str, minutes: int) -> bytes:
    """1064: minute-data interval in minutes."""
    return build_command(target, cn="1064", qn=qn, items=[("MinInterval", minutes)])


def set_timeout(target: Target, *, qn: str, over_time: int, re_count: int) -> bytes:
    """1000: answer time-out in seconds and the number of retries."""
    return build_command(target, cn="1000", qn=qn, items=[("OverTime", over_time), ("ReCount", re_count)])


# ---------------------------------------------------------------------- device uploads


def build_upload(
    *,
    cn: str,
    mn: str,
    st: str,
    data_time: datetime,
    values: Values,
    pw: str = "123456",
    version: Version = Version.V2017,
    qn: str | None = None,
    ack: bool = False,
    pnum: int | None = None,
    pno: int | None = None,
    rf: bool = False,
    items: CpItems = (),
    sm4_key: bytes | None = None,
) -> bytes:
    """A device upload (2011 realtime, 2051 minute, 2061 hour, 2031 day …).

    2005 frames carry no Flag (unless ``ack``) and usually no QN; 2017 and 2025 frames need
    a ``qn`` and carry Flag with their version bits, A when ``ack``, D with PNUM/PNO.
    """
    split = pnum is not None or pno is not None
    if version is Version.V2005:
        flag = (1 if ack else 0) | (2 if split else 0) if ack or split else None
    else:
        if qn is None:
            raise LocalProtocolError(f"a {version} upload needs a QN")
        flag = make_flag(version, ack=ack, split=split)
    return build_packet(
        qn=qn,
        st=st,
        cn=cn,
        pw=pw,
        mn=mn,
        flag=flag,
        pnum=pnum,
        pno=pno,
        rf=rf,
        data_time=data_time,
        items=items,
        values=values,
        sm4_key=sm4_key,
    )
