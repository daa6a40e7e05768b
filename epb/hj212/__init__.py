"""HJ 212 (污染物在线监控（监测）系统数据传输标准) codec: 2005, 2017 and 2025 frames.

Sans-IO, after h11: no sockets, no clocks, no Django and nothing from ``epb.*``. A receiver
owns the sockets and keeps one :class:`Decoder` per connection::

    decoder = Decoder(key_for=keys.get)
    decoder.feed(data)                       # bytes as they arrived
    while True:
        event = decoder.next_event()
        if event is NEED_DATA:
            break
        if isinstance(event, Packet):
            store(event)                     # durable first …
            if (answer := reply_for(event)) is not None:
                write(answer)                # … then the 9014 / 9013
        elif isinstance(event, BadFrame):
            store_rejected(event)            # never answered: the device resends

Builders (:func:`build_packet`, :func:`build_upload`, the commands and answers) return the
bytes to write. See ``docs/hj212.md``.
"""

from epb.hj212._build import (
    CpItems,
    CpValue,
    Target,
    Values,
    answer_with,
    build_command,
    build_packet,
    build_upload,
    data_ack,
    execution_result,
    format_cp,
    format_value,
    frame,
    get_time,
    make_flag,
    notice_ack,
    reply_for,
    request_answer,
    request_history,
    set_min_interval,
    set_rtd_interval,
    set_time,
    set_timeout,
    start_realtime,
    start_running_state,
    stop_realtime,
    stop_running_state,
)
from epb.hj212._crc import CrcVariant, crc16, crc16_bytewise, crc16_modbus, crc_text
from epb.hj212._decoder import DEFAULT_MAX_BUFFER, Decoder
from epb.hj212._errors import CrcError, ErrorCode, FrameError, HJ212Error, LengthError, LocalProtocolError
from epb.hj212._model import (
    DEFAULT_PROFILE,
    END_OF_STREAM,
    LENIENT_PROFILE,
    NEED_DATA,
    BadFrame,
    Deviation,
    Event,
    FieldValue,
    Junk,
    Packet,
    Profile,
    Signal,
    Version,
)
from epb.hj212._parse import decode_frame, parse_cp
from epb.hj212._tables import COMMANDS, DATA_FLAGS, EXE_RTN, QN_RTN, SYSTEM_CODES, centre_reply_cn
from epb.hj212._times import BEIJING, format_time, make_qn, parse_time

__all__ = [
    "answer_with",
    "BEIJING",
    "COMMANDS",
    "DATA_FLAGS",
    "DEFAULT_MAX_BUFFER",
    "DEFAULT_PROFILE",
    "END_OF_STREAM",
    "EXE_RTN",
    "LENIENT_PROFILE",
    "NEED_DATA",
    "QN_RTN",
    "SYSTEM_CODES",
    "BadFrame",
    "CpItems",
    "CpValue",
    "CrcError",
    "CrcVariant",
    "Decoder",
    "Deviation",
    "ErrorCode",
    "Event",
    "FieldValue",
    "FrameError",
    "HJ212Error",
    "Junk",
    "LengthError",
    "LocalProtocolError",
    "Packet",
    "Profile",
    "Signal",
    "Target",
    "Values",
    "Version",
    "build_command",
    "build_packet",
    "build_upload",
    "centre_reply_cn",
    "crc16",
    "crc16_bytewise",
    "crc16_modbus",
    "crc_text",
    "data_ack",
    "decode_frame",
    "execution_result",
    "format_cp",
    "format_time",
    "format_value",
    "frame",
    "get_time",
    "make_flag",
    "make_qn",
    "notice_ack",
    "parse_cp",
    "parse_time",
    "reply_for",
    "request_answer",
    "request_history",
    "set_min_interval",
    "set_rtd_interval",
    "set_time",
    "set_timeout",
    "start_realtime",
    "start_running_state",
    "stop_realtime",
    "stop_running_state",
]
