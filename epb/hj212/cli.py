"""``epb hj212``: decode a byte stream into JSON lines, frame data segments, print the tables.

``epb hj212 decode`` reads stdin as it arrives (frames back to back, with or without CR LF,
junk between them) and writes one JSON object per frame as soon as the frame is complete:

- a good frame: ``"ok": true, "error": null``;
- a rejected frame: ``"ok": false``, ``"error"`` says why (``"error_code"`` names the rule),
  and every field that could still be read is filled in (``null`` / ``{}`` otherwise);
- ``"raw"`` is the frame from ``##`` to the CRC, decoded as UTF-8, else GB18030, else UTF-8
  with the undecodable bytes written as ``\\xNN``;
- ``"data_time"`` and every other time are ISO 8601 in Beijing time (+08:00);
- ``"values"`` keeps the factor codes and field names exactly as on the wire; numbers are
  JSON numbers, flags and ``Info`` strings; ``"cp"`` holds the other CP items (times in
  ISO 8601, return codes and intervals as numbers, anything else as text);
- bytes between frames are skipped (``--junk`` reports them as ``{"junk": "…"}``).

``--sm4-keys FILE`` names the devices whose CP is SM4-encrypted: a JSON object
``{"MN": "32 hex digits", …}`` or lines ``MN KEY`` (``#`` starts a comment). ``--lenient``
accepts CRC-16/MODBUS in either byte order and wrong length fields. The exit status is 0
whatever the frames were (bad frames are data); 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime
from typing import Any, BinaryIO

from epb.hj212._build import frame
from epb.hj212._decoder import DEFAULT_MAX_BUFFER, Decoder
from epb.hj212._model import DEFAULT_PROFILE, LENIENT_PROFILE, BadFrame, Junk, Packet
from epb.hj212._tables import render_markdown
from epb.hj212._times import isoformat_beijing, parse_time

CHUNK = 65536
_TIME_ITEMS = frozenset(
    {"DataTime", "SystemTime", "BeginTime", "EndTime", "RestartTime", "SKCreateTime", "AlarmTime"}
)
_INT_ITEMS = frozenset({"QnRtn", "ExeRtn", "RtdInterval", "MinInterval", "OverTime", "ReCount", "VaseNo"})


def _text(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "backslashreplace")


def _json_value(value: object) -> object:
    return isoformat_beijing(value) if isinstance(value, datetime) else value


def _cp_item(key: str, text: str) -> object:
    if key in _TIME_ITEMS:
        when = parse_time(text)
        return text if when is None else isoformat_beijing(when)
    if key in _INT_ITEMS and text.isdigit() and text.isascii():
        return int(text)
    return text


def to_json(event: Packet | BadFrame) -> dict[str, Any]:
    """The JSON object ``epb hj212 decode`` writes for one frame."""
    packet = event if isinstance(event, Packet) else event.partial
    error = None if isinstance(event, Packet) else event.error
    out: dict[str, Any] = {
        "ok": error is None,
        "error": None if error is None else error.message,
        "error_code": None if error is None else error.code.value,
    }
    if packet is None:
        out.update(dict.fromkeys(("version", "qn", "st", "cn", "pw", "mn", "flag", "data_time"), None))
        out.update(crc_ok=False, values={}, cp={}, pnum=None, pno=None, rf=False, encrypted=False)
        out.update(crc_expected=None, crc_received=None, deviations=[])
    else:
        out.update(
            version=None if packet.version is None else packet.version.value,
            qn=packet.qn,
            st=packet.st,
            cn=packet.cn,
            pw=packet.pw,
            mn=packet.mn,
            flag=packet.flag,
            data_time=None if packet.data_time is None else isoformat_beijing(packet.data_time),
            crc_ok=packet.crc_ok,
            values={
                code: {suffix: _json_value(value) for suffix, value in fields.items()}
                for code, fields in packet.values.items()
            },
            cp={key: _cp_item(key, text) for key, text in packet.items.items()},
            pnum=packet.pnum,
            pno=packet.pno,
            rf=packet.rf,
            encrypted=packet.encrypted,
            crc_expected=packet.crc_expected or None,
            crc_received=packet.crc_received or None,
            deviations=[d.value for d in packet.deviations],
        )
    out["raw"] = _text(event.raw)
    return out


def load_keys(path: str) -> dict[str, bytes]:
    """Read an SM4 key file: JSON ``{"MN": "hex"}`` or ``MN KEY`` lines."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    pairs: list[tuple[str, str]]
    if text.lstrip()[:1] in ("{", "["):
        loaded = json.loads(text)
        if not isinstance(loaded, dict):
            raise ValueError("the key file's JSON must be an object")
        pairs = [(str(mn), str(key)) for mn, key in loaded.items()]
    else:
        pairs = []
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = re.split(r"[\s=,:]+", line)
            if len(parts) != 2:
                raise ValueError(f"line {number}: expected 'MN KEY'")
            pairs.append((parts[0], parts[1]))
    keys: dict[str, bytes] = {}
    for mn, key in pairs:
        try:
            value = bytes.fromhex(key)
        except ValueError:
            value = b""
        if len(value) != 16:
            raise ValueError(f"the key of {mn} is not 32 hex digits")
        keys[mn] = value
    return keys


def _decode(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    try:
        keys = load_keys(args.sm4_keys) if args.sm4_keys else {}
    except (OSError, ValueError) as exc:
        print(f"epb hj212 decode: --sm4-keys: {exc}", file=sys.stderr)
        return 2
    decoder = Decoder(
        max_buffer_size=args.max_buffer,
        profile=LENIENT_PROFILE if args.lenient else DEFAULT_PROFILE,
        key_for=keys.get if keys else None,
    )
    read = getattr(stdin, "read1", stdin.read)
    while True:
        chunk = read(CHUNK)
        if chunk:
            decoder.feed(chunk)
        else:
            decoder.feed_eof()
        lines = []
        for event in decoder.events():
            if isinstance(event, Junk):
                if args.junk:
                    lines.append(json.dumps({"junk": _text(event.data)}, ensure_ascii=False))
            else:
                lines.append(json.dumps(to_json(event), ensure_ascii=False))
        if lines:
            stdout.write(("\n".join(lines) + "\n").encode("utf-8"))
            stdout.flush()  # stream: a frame is shown as soon as it is complete
        if not chunk:
            return 0


def _frame(stdin: BinaryIO, stdout: BinaryIO) -> int:
    for line in stdin:
        segment = line.rstrip(b"\r\n")
        if segment:
            stdout.write(frame(segment))
    stdout.flush()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="epb hj212", description="HJ 212 tools")
    sub = parser.add_subparsers(dest="command", required=True)
    decode = sub.add_parser("decode", help="frames on stdin → one JSON object per frame on stdout")
    decode.add_argument("--sm4-keys", metavar="FILE", help="MN → SM4 key (JSON object or 'MN KEY' lines)")
    decode.add_argument("--lenient", action="store_true", help="accept Modbus CRCs and wrong lengths")
    decode.add_argument(
        "--max-buffer", type=int, default=DEFAULT_MAX_BUFFER, metavar="BYTES", help="cap per incomplete frame"
    )
    decode.add_argument("--junk", action="store_true", help="also report bytes between frames")
    sub.add_parser("frame", help="data segments on stdin (one a line) → framed packets with length and CRC")
    sub.add_parser("tables", help="print the code tables as Markdown")
    return parser


def main(argv: list[str]) -> int:
    """Entry point of ``epb hj212``; ``argv`` is what follows ``hj212``."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command == "decode" and args.max_buffer < 1024:
        print("epb hj212 decode: --max-buffer must be at least 1024", file=sys.stderr)
        return 2
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        if args.command == "decode":
            return _decode(args, stdin, stdout)
        if args.command == "frame":
            return _frame(stdin, stdout)
        stdout.write((render_markdown() + "\n").encode("utf-8"))
        stdout.flush()
        return 0
    except BrokenPipeError:
        # The reader left (`… | head`): stop quietly, and keep Python from failing on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
