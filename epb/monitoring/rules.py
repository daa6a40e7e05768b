"""Pure rules of the monitoring gateway: no ORM, no I/O, table-tested in ``tests/test_rules.py``.

- what a packet is (data, heartbeat, answer to a command, notice, other) and how its values are
  stored (HJ 212-2017 codes, default units, JSON-ready);
- where a device may be placed (outlet or not, by its ST);
- when a device counts as offline;
- the command state machine (answers 9011 / 9012 / 9013, resends and time-outs);
- the monthly partitions of the time-series tables.
"""

from __future__ import annotations

import enum
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from epb.hj212 import CrcVariant, Packet, Profile, centre_reply_cn, crc16, reply_for
from epb.hj212 import Version as HJVersion
from epb.lib.timeutil import beijing_midnight
from epb.monitoring.choices import (
    AMBIENT_SYSTEMS,
    HISTORY_COMMANDS,
    OUTLET_SYSTEMS,
    CommandKind,
    CommandState,
    DataKind,
)
from epb.standards.factors import UnitError, convert, factor, to_2017

# ------------------------------------------------------------------------ what a packet is


class Role(enum.Enum):
    DATA = "data"  # an upload with DataTime and values: stored as a Reading
    HEARTBEAT = "heartbeat"  # 9015 (2025) and vendor 9021/9022: liveness only
    ANSWER = "answer"  # 9011 / 9012 / 9013 / 9014 from the device: answers to our commands
    TIME_REQUEST = "time_request"  # 1013: the device asks for time calibration
    OTHER = "other"  # anything else (2081 restart, 1011 time upload …): kept as a raw frame


HEARTBEAT_CNS = frozenset({"9015", "9021", "9022"})
ANSWER_CNS = frozenset({"9011", "9012", "9013", "9014"})
STORED_KINDS = frozenset(int(v) for v in DataKind.values)


def role_of(packet: Packet) -> Role:
    cn = packet.cn or ""
    if cn in HEARTBEAT_CNS:
        return Role.HEARTBEAT
    if cn in ANSWER_CNS:
        return Role.ANSWER
    if cn == "1013":
        return Role.TIME_REQUEST
    if cn.isdigit() and int(cn) in STORED_KINDS and packet.data_time is not None and packet.values:
        return Role.DATA
    return Role.OTHER


def answer_qn(packet: Packet) -> str | None:
    """The QN a device's answer refers to: the header QN, or inside CP for 2005 devices."""
    return packet.qn or packet.items.get("QN")


_UNSAFE_HEADER = re.compile(r"[;,=&\r\n]")
_MODERN = frozenset({HJVersion.V2017, HJVersion.V2025})


def answer_for(packet: Packet) -> bytes | None:
    """What the centre answers a good frame with: exactly ``epb.hj212.reply_for``, faster.

    The common answer — a 9014 or 9013 to a 2017/2025 frame with QN, PW and MN — is built
    from a template (the codec's general builder validates every field, which costs as much as
    decoding the frame); everything else goes to ``reply_for``. A test checks the two agree.
    """
    flag = packet.flag
    if flag is None or not flag & 1 or packet.cn is None:
        return None
    qn, pw, mn = packet.qn, packet.pw, packet.mn
    if packet.version in _MODERN and qn and pw is not None and mn is not None:
        cn = centre_reply_cn(packet.cn)
        if cn is None:
            return None
        if (cn == "9014" or cn == "9013") and not _UNSAFE_HEADER.search(qn + pw + mn):
            data = f"QN={qn};ST=91;CN={cn};PW={pw};MN={mn};Flag={flag & 0xFC};CP=&&&&".encode()
            return b"##%04d%b%04X\r\n" % (len(data), data, crc16(data))
    return reply_for(packet)


_CN = re.compile(r"\d{4}")


def vendor_replies(text: str) -> dict[str, str]:
    """``HJ212_VENDOR_REPLIES``: ``"9021:9022,1000:9013"`` → ``{"9021": "9022", "1000": "9013"}``.

    Codes outside the standard (a vendor's 9021 login) get no answer, and a code the standard
    gives another meaning (1000, which some firmware sends as a heartbeat) gets the standard's;
    a site names here the answer its vendor's firmware expects instead. Data codes cannot be
    overridden. Raises ``ValueError`` naming the bad entry.
    """
    replies: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        device_cn, _sep, reply_cn = (half.strip() for half in entry.partition(":"))
        if not (_CN.fullmatch(device_cn) and _CN.fullmatch(reply_cn)):
            raise ValueError(f"HJ212_VENDOR_REPLIES: {entry!r} is not 'CN:CN' (four digits each)")
        if int(device_cn) in STORED_KINDS:
            raise ValueError(f"HJ212_VENDOR_REPLIES: CN {device_cn} is data, always answered with 9014")
        replies[device_cn] = reply_cn
    return replies


def pw_matches(expected: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(expected.encode(), presented.encode())


_FLOW_CODES = frozenset({"w00000", "a00000"})
_RATE_SUFFIXES = frozenset({"Rtd", "Avg", "Min", "Max"})
_CODE_CACHE: dict[str, str] = {}


def _code(code: str) -> str:
    normal = _CODE_CACHE.get(code)
    if normal is None:
        normal = to_2017(code) if len(_CODE_CACHE) < 65536 else code
        _CODE_CACHE[code] = normal
    return normal


def stored_data(
    values: Mapping[str, Mapping[str, Any]], *, flow_unit: str = "", cp_text: str | None = None
) -> dict[str, dict[str, Any]]:
    """The ``Reading.data`` of a packet: 2017 codes, the factor's default units, JSON-ready values.

    2005 codes (``011``, ``B01``) become their 2017 codes so one series spans device
    generations; unknown (vendor) codes are kept as sent. A device that sends flow in another
    unit (``flow_unit``, e.g. ``m3/h``) has its flow rates converted; ``Cou`` is a volume and
    stays as sent. Times become ISO 8601 UTC text. The common case — 2017 codes, default
    units, no times — returns the packet's own mapping (read-only) without copying it;
    ``cp_text`` (the packet's CP) lets that case be recognised without a look at every field.
    """
    cache = _CODE_CACHE
    plain = True
    for code in values:
        normal = cache.get(code)
        if normal is None:
            normal = _code(code)
        if normal != code or (flow_unit and normal in _FLOW_CODES):
            plain = False
            break
    if plain:
        if cp_text is not None:
            if cp_text.count("Time=") <= int(cp_text.startswith("DataTime=") or ";DataTime=" in cp_text):
                return values  # type: ignore[return-value]
        elif not any(suffix[-4:] == "Time" for fields in values.values() for suffix in fields):
            return values  # type: ignore[return-value]
    out: dict[str, dict[str, Any]] = {}
    for code, fields in values.items():
        normal = _code(code)
        item: dict[str, Any] = {}
        for suffix, value in fields.items():
            item[suffix] = value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
        if flow_unit and normal in _FLOW_CODES:
            _convert_flow(normal, item, flow_unit)
        out[normal] = item
    return out


def _convert_flow(code: str, item: dict[str, Any], unit: str) -> None:
    known = factor(code)
    if known is None or unit == known.unit:
        return
    for suffix in _RATE_SUFFIXES & item.keys():
        value = item[suffix]
        if isinstance(value, float):
            try:
                item[suffix] = round(convert(value, unit, known.unit), 6)
            except UnitError:
                return


def profile_for_device(
    *, version: str, crc_variants: list[str], accept_lowercase_crc: bool, accept_length_mismatch: bool
) -> Profile:
    """The codec's tolerance profile for a registered device."""
    variants = frozenset(CrcVariant(v) for v in crc_variants) or frozenset({CrcVariant.HJ212})
    return Profile(
        crc_variants=variants,
        accept_lowercase_crc=accept_lowercase_crc,
        accept_length_mismatch=accept_length_mismatch,
        version=HJVersion(version) if version else None,
    )


def sm4_key_bytes(hex_key: str) -> bytes | None:
    return bytes.fromhex(hex_key) if hex_key else None


def mask_secret(secret: str) -> str:
    """A secret as operators may see it: that it is set and, for longer ones, its last four characters."""
    if not secret:
        return ""
    if len(secret) <= 8:
        return "••••"
    return "••••" + secret[-4:]


# ------------------------------------------------------------------------ device placement


def placement_errors(system: str, outlet_kind: str | None, has_org_unit: bool) -> dict[str, str]:
    """Why a device cannot be placed so (field → message), or nothing.

    A source device (ST 31/32/51/52) hangs on an outlet of the matching kind; an ambient
    station (ST 21/22/23 …) has no outlet and needs an org unit.
    """
    errors: dict[str, str] = {}
    wanted = OUTLET_SYSTEMS.get(system)
    if wanted is not None:
        if outlet_kind is None:
            errors["outlet"] = "污染源监测设备须关联排放口"
        elif outlet_kind != wanted:
            errors["system"] = f"系统编码 {system} 与排放口类型（{outlet_kind}）不符"
    elif system in AMBIENT_SYSTEMS:
        if outlet_kind is not None:
            errors["outlet"] = "环境质量自动站不关联排放口"
        if not has_org_unit:
            errors["org_unit"] = "环境质量自动站须指定所在辖区或网格"
    else:
        errors["system"] = f"未知的系统编码 {system}"
    return errors


# ------------------------------------------------------------------------ online / offline


def offline_after(rtd_interval_s: int, min_interval_min: int) -> timedelta:
    """Silence after which a device counts as offline.

    HJ 212-2017 has no heartbeat, so liveness is "a valid frame within k × the expected
    interval": two minute-data intervals, three realtime intervals, and never under 5 minutes
    (realtime upload may be switched off, so the minute interval bounds it).
    """
    return max(
        timedelta(minutes=2 * max(1, min_interval_min)),
        timedelta(seconds=3 * max(1, rtd_interval_s)),
        timedelta(minutes=5),
    )


class Liveness(enum.StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    NEVER = "never"  # registered, nothing received yet


def liveness(
    last_seen: datetime | None, now: datetime, rtd_interval_s: int, min_interval_min: int
) -> Liveness:
    if last_seen is None:
        return Liveness.NEVER
    if now - last_seen <= offline_after(rtd_interval_s, min_interval_min):
        return Liveness.ONLINE
    return Liveness.OFFLINE


# ------------------------------------------------------------------------ commands


@dataclass(frozen=True)
class CommandTimeouts:
    """HJ 212-2017 Table 1: answer within 10 s (mobile links), 3 tries; execution limits are ours."""

    answer: timedelta = timedelta(seconds=10)
    attempts: int = 3
    execute: timedelta = timedelta(seconds=60)
    history: timedelta = timedelta(minutes=10)
    pending: timedelta = timedelta(hours=1)


# Kinds whose 9011 (QnRtn=1) is followed by a 9012 execution result.
_EXECUTED = frozenset({CommandKind.SET_TIME, *HISTORY_COMMANDS})
_NOTICES = frozenset({CommandKind.STOP_REALTIME})
_WAITING = frozenset({CommandState.SENT, CommandState.ACCEPTED})


@dataclass(frozen=True)
class Transition:
    state: CommandState
    note: str = ""


def answer_transition(kind: str, state: str, cn: str, rtn: int | None) -> Transition | None:
    """The command's next state on a device answer, or None when the answer changes nothing."""
    if state not in _WAITING:
        return None
    if cn == "9011":
        if state != CommandState.SENT:
            return None
        if rtn != 1:
            return Transition(CommandState.REJECTED, f"QnRtn={rtn}")
        return Transition(CommandState.ACCEPTED if kind in _EXECUTED else CommandState.DONE)
    if cn == "9012":
        if rtn == 1:
            return Transition(CommandState.DONE)
        if rtn == 100:
            return Transition(CommandState.DONE, "ExeRtn=100 没有数据")
        return Transition(CommandState.FAILED, f"ExeRtn={rtn}")
    if cn == "9013" and kind in _NOTICES and state == CommandState.SENT:
        return Transition(CommandState.DONE)
    return None


class Due(enum.Enum):
    RESEND = "resend"
    TIME_OUT = "time_out"


def due_action(
    *,
    kind: str,
    state: str,
    attempts: int,
    created_at: datetime,
    sent_at: datetime | None,
    answered_at: datetime | None,
    now: datetime,
    limits: CommandTimeouts = CommandTimeouts(),
) -> Due | None:
    """What a waiting command needs now: a resend, a time-out, or nothing."""
    if state == CommandState.PENDING:
        return Due.TIME_OUT if now - created_at >= limits.pending else None
    if state == CommandState.SENT and sent_at is not None:
        if now - sent_at < limits.answer:
            return None
        return Due.RESEND if attempts < limits.attempts else Due.TIME_OUT
    if state == CommandState.ACCEPTED:
        since = answered_at or sent_at or created_at
        budget = limits.history if kind in HISTORY_COMMANDS else limits.execute
        return Due.TIME_OUT if now - since >= budget else None
    return None


# Longest window one history request may ask for, per kind.
HISTORY_SPAN = {
    CommandKind.MINUTE_HISTORY: timedelta(days=7),
    CommandKind.HOUR_HISTORY: timedelta(days=31),
    CommandKind.DAY_HISTORY: timedelta(days=366),
}


def command_errors(kind: str, begin: datetime | None, end: datetime | None, now: datetime) -> dict[str, str]:
    """Why a command with these parameters cannot be created (field → message), or nothing."""
    if kind not in CommandKind.values:
        return {"kind": f"不支持的命令 {kind}"}
    if kind not in HISTORY_COMMANDS:
        if begin is not None or end is not None:
            return {"begin_time": "该命令不需要时间段"}
        return {}
    if begin is None or end is None:
        return {"begin_time": "补传命令须给出起止时间"}
    if end < begin:
        return {"end_time": "截止时间不能早于起始时间"}
    if begin > now:
        return {"begin_time": "起始时间不能晚于当前时间"}
    if end - begin > HISTORY_SPAN[CommandKind(kind)]:
        days = HISTORY_SPAN[CommandKind(kind)].days
        return {"end_time": f"一次补传最长 {days} 天，请分段请求"}
    return {}


# ------------------------------------------------------------------------ partitions


def month_starts(around: date, *, back: int, ahead: int) -> list[date]:
    """First days of the months from ``back`` months before ``around`` to ``ahead`` after."""
    out = []
    for offset in range(-back, ahead + 1):
        index = around.year * 12 + around.month - 1 + offset
        out.append(date(index // 12, index % 12 + 1, 1))
    return out


def partition_bounds(month: date) -> tuple[datetime, datetime]:
    """A month in Beijing time as ``[start, end)`` in UTC: what a monthly partition holds."""
    index = month.year * 12 + month.month
    following = date(index // 12, index % 12 + 1, 1)
    return beijing_midnight(month.replace(day=1)), beijing_midnight(following)


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"
