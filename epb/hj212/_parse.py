"""From one complete frame to a :class:`Packet`: header, CRC, length, SM4, CP, values.

Parsing is lenient and validation separate (hj212 reference §7): every frame gives a packet,
and the first rule it breaks, in the order below, becomes its error. The packet is then
still handed out as the error's ``partial`` so a receiver can keep it as evidence.

Order of the checks: CP present and closed, header readable, SM4 (the CRC is over the
plaintext), length, CRC, edition.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from epb.hj212 import _sm4
from epb.hj212._crc import CrcVariant, crc16, crc_text
from epb.hj212._errors import CrcError, ErrorCode, FrameError, LengthError
from epb.hj212._model import (
    DEFAULT_PROFILE,
    Deviation,
    FieldValue,
    KeyLookup,
    Packet,
    Profile,
    ProfileLookup,
    Version,
)
from epb.hj212._times import parse_time

MAX_STANDARD_LENGTH = 1024

# Header keys, looked up case-insensitively.
_HEADER_KEYS = frozenset({"QN", "ST", "CN", "PW", "MN", "FLAG", "PNUM", "PNO", "RF"})
_HEADER_SPELLINGS = {key: key for key in _HEADER_KEYS} | {"Flag": "FLAG"}

# How each field suffix is read. Anything else: a number when it parses as one, else text,
# and a time when the suffix ends in "Time" (SampleTime, vendor CompleteTime …).
_NUMBER, _MAYBE_NUMBER, _TEXT, _TIME, _ITEM = 0, 1, 2, 3, 4  # parse_cp tests "kind < 2" for numbers
_SUFFIX_KIND: dict[str, int] = {
    **dict.fromkeys(
        ("Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax")
        + ("Data", "DayData", "NightData", "RT", "RS", "Ala", "UpValue", "LowValue"),
        _NUMBER,
    ),
    **dict.fromkeys(("Flag", "EFlag", "Info", "SN"), _TEXT),
    "SampleTime": _TIME,
}

_CODE_2017 = re.compile(r"[a-z]\d{5}")
_PLAIN_START = re.compile(rb"\s*[A-Za-z][\w.-]*\s*=")
_SEPARATOR = re.compile(r"[;,]")


def _decode(data: bytes, deviations: list[Deviation]) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        deviations.append(Deviation.UNDECODABLE)
        return data.decode("utf-8", "replace"), "utf-8"
    deviations.append(Deviation.NOT_UTF8)
    return text, "gb18030"


def _split_careful(text: str) -> list[tuple[str, str, str]]:
    """Split CP text whose values may be ``//…//`` logs or carry stray whitespace."""
    out: list[tuple[str, str, str]] = []
    i, n = 0, len(text)
    while i < n:
        sep = _SEPARATOR.search(text, i)
        stop = sep.start() if sep else n
        eq = text.find("=", i, stop)
        if eq < 0:
            out.append((text[i:stop].strip(), "", ""))
            i = stop + 1
            continue
        j = eq + 1
        while j < n and text[j] in " \t":
            j += 1
        if text.startswith("//", j):
            close = text.find("//", j + 2)
            if close >= 0:
                # The log may contain separators: the value runs to the closing '//'.
                sep = _SEPARATOR.search(text, close + 2)
                stop = sep.start() if sep else n
                out.append((text[i:eq].strip(), "=", text[j : close + 2]))
                i = stop + 1
                continue
        out.append((text[i:eq].strip(), "=", text[j:stop].strip()))
        i = stop + 1
    return out


# key -> (code, suffix, kind); kind _ITEM for keys without '-'. Keys repeat across frames.
_KEY_CACHE: dict[str, tuple[str, str, int]] = {}
_KEY_CACHE_MAX = 8192
_KEY_CACHE_KEY_MAX = 40


def _key_info(key: str) -> tuple[str, str, int]:
    dash = key.find("-")
    if dash < 0:
        info = ("", key, _ITEM)
    else:
        suffix = key[dash + 1 :]
        kind = _SUFFIX_KIND.get(suffix)
        if kind is None:
            kind = _TIME if suffix.endswith("Time") else _MAYBE_NUMBER
        info = (key[:dash], suffix, kind)
    if len(key) <= _KEY_CACHE_KEY_MAX:  # real keys are short; a peer must not fill memory
        if len(_KEY_CACHE) >= _KEY_CACHE_MAX:
            _KEY_CACHE.clear()
        _KEY_CACHE[key] = info
    return info


def parse_cp(
    text: str, deviations: list[Deviation]
) -> tuple[dict[str, dict[str, FieldValue]], dict[str, str]]:
    """Split a CP data area into per-factor values and the other items.

    A CP with several ``PolId`` groups (a 3020 reporting the information of several
    instruments: ``PolId=w01019,i12001-Info=0;PolId=w21001,i12001-Info=1``) repeats the same
    codes once per instrument; each code there is keyed ``code@PolId`` (``i12001@w21001``) so
    that no instrument's values overwrite another's, and ``items["PolId"]`` keeps the first.
    """
    values: dict[str, dict[str, FieldValue]] = {}
    items: dict[str, str] = {}
    grouped = text.count("PolId=") > 1
    pol_id = ""
    if "//" in text or " " in text or "\t" in text:
        fields = _split_careful(text)
    else:
        fields = [f.partition("=") for f in text.replace(",", ";").split(";")]
    cache = _KEY_CACHE
    for key, sep, value in fields:
        if not sep:
            if key:
                deviations.append(Deviation.MALFORMED_ITEM)
            continue
        info = cache.get(key)
        if info is None:
            info = _key_info(key)
        code, suffix, kind = info
        parsed: FieldValue = value
        if kind < 2:  # _NUMBER, _MAYBE_NUMBER: the hot path
            try:
                number = float(value)
                # float() also takes 'nan', 'inf' and '1_0': none of them is an HJ 212 number.
                if number - number == 0.0 and "_" not in value:
                    parsed = number
                elif kind == _NUMBER:
                    deviations.append(Deviation.NOT_NUMERIC)
            except ValueError:
                if kind == _NUMBER:
                    deviations.append(Deviation.NOT_NUMERIC)
        elif kind == _ITEM:
            if grouped and key == "PolId":
                pol_id = "@" + value
                items.setdefault(key, value)
                continue
            if key in items:
                deviations.append(Deviation.DUPLICATE_KEY)
            items[key] = value
            continue
        elif kind == _TIME:
            when = parse_time(value)
            if when is None:
                deviations.append(Deviation.BAD_TIME)
            else:
                parsed = when
        if pol_id:
            code += pol_id
        group = values.get(code)
        if group is None:
            values[code] = {suffix: parsed}
        else:
            if suffix in group:
                deviations.append(Deviation.DUPLICATE_KEY)
            group[suffix] = parsed
    return values, items


def _guess_version(qn: str | None, mn: str | None, codes: list[str]) -> Version:
    """2005 or 2017 for a frame whose Flag carries no edition: a vote of the tell-tales."""
    score = -1  # no Flag, or Flag with version bits 000000, points at 2005
    score += 1 if qn else -2  # QN is mandatory from 2017 on
    if mn is not None and len(mn) in (14, 24):
        score += 1 if len(mn) == 24 else -1
    if codes:
        modern = sum(1 for code in codes if _CODE_2017.fullmatch(code))
        score += 1 if 2 * modern > len(codes) else -1
    return Version.V2017 if score > 0 else Version.V2005


def _int_field(name: str, text: str | None, errors: list[FrameError], limit: int = 9999) -> int | None:
    if text is None:
        return None
    if text.isdigit() and text.isascii() and int(text) <= limit:
        return int(text)
    errors.append(FrameError(ErrorCode.BAD_HEADER, f"{name}={text!r} is not an integer 0–{limit}"))
    return None


def analyse(
    raw: bytes,
    declared: int,
    *,
    profile: Profile = DEFAULT_PROFILE,
    profile_for: ProfileLookup | None = None,
    key_for: KeyLookup | None = None,
    deviations: list[Deviation] | None = None,
) -> tuple[Packet, FrameError | None]:
    """Decode ``raw`` (``##`` through the CRC, no tail) whose length field says ``declared``.

    Returns the packet and the error that rejects it (``None`` when it is good).
    """
    devs = [] if deviations is None else deviations
    errors: list[FrameError] = []
    data = raw[6:-4]
    received = raw[-4:].decode("latin-1")
    received_upper = received.upper()

    cp_at = data.find(b"CP=&&")
    closed = False
    if cp_at < 0:
        header_bytes, inner = data, b""
        errors.append(FrameError(ErrorCode.MISSING_CP, "no CP=&& in the data segment"))
    else:
        header_bytes, inner = data[:cp_at], data[cp_at + 5 :]
        if len(inner) >= 2 and inner.endswith(b"&&"):
            inner = inner[:-2]
            closed = True
        else:
            errors.append(FrameError(ErrorCode.UNTERMINATED_CP, "CP=&& is not closed by && before the CRC"))

    # Header: key=value items in any order, ';' (or ',' in the field) between them.
    header_text, header_encoding = _decode(header_bytes, devs)
    if "," in header_text:
        devs.append(Deviation.HEADER_SEPARATOR)
        header_text = header_text.replace(",", ";")
    elif header_text.rstrip()[-1:] not in (";", "") and cp_at >= 0:
        devs.append(Deviation.HEADER_SEPARATOR)  # "Flag=5CP=&&"
    header: dict[str, str] = {}
    known: dict[str, str] = {}
    spaced = " " in header_text or "\t" in header_text
    for token in header_text.split(";"):
        key, sep, value = token.partition("=")
        if not sep:
            if token.strip():
                devs.append(Deviation.MALFORMED_ITEM)
            continue
        if spaced:
            key = key.strip()
            value = value.strip()
        upper = _HEADER_SPELLINGS.get(key) or key.upper()
        if key in header or upper in known:
            devs.append(Deviation.DUPLICATE_KEY)
        header[key] = value
        if upper in _HEADER_KEYS:
            known[upper] = value
    qn = known.get("QN")
    mn = known.get("MN")
    cn = known.get("CN")
    if cn is None:
        errors.append(FrameError(ErrorCode.BAD_HEADER, "no CN in the header"))
    flag = _int_field("Flag", known.get("FLAG"), errors, 255)
    pnum = pno = None
    if "PNUM" in known or "PNO" in known:
        pnum = _int_field("PNUM", known.get("PNUM"), errors)
        pno = _int_field("PNO", known.get("PNO"), errors)

    prof = profile
    sm4_key = None
    if mn is not None:
        if profile_for is not None:
            prof = profile_for(mn) or profile
        if key_for is not None:
            sm4_key = key_for(mn)

    crc_value = crc16(data)
    expected = f"{crc_value:04X}"
    matches = expected == received_upper
    crc_data = data
    encrypted = False
    if sm4_key is not None and closed and len(inner) >= _sm4.BLOCK:
        clear = _PLAIN_START.match(inner) is not None
        if not (clear and matches):
            plain = _sm4.decrypt(sm4_key, inner)
            if _PLAIN_START.match(plain):
                plain_data = data[: cp_at + 5] + plain + b"&&"
                plain_expected = crc_text(plain_data)
                if plain_expected == received_upper or not clear:
                    encrypted = True
                    inner = plain
                    if matches and plain_expected != received_upper:
                        devs.append(Deviation.CRC_OVER_CIPHERTEXT)
                    else:
                        expected, matches, crc_data = (
                            plain_expected,
                            plain_expected == received_upper,
                            plain_data,
                        )
            elif not clear:
                errors.append(
                    FrameError(
                        ErrorCode.DECRYPT_FAILED,
                        f"the CP of MN {mn} is neither clear text nor SM4 ciphertext under its key",
                    )
                )
        if not encrypted:
            devs.append(Deviation.PLAINTEXT_CP)
    cp_text, encoding = _decode(inner, devs)

    # Length: bytes of the data segment; some devices count characters.
    actual = len(data)
    if actual > MAX_STANDARD_LENGTH:
        devs.append(Deviation.OVERSIZE)
    length_error: FrameError | None = None
    if declared != actual:
        characters = len(header_text) + actual - len(header_bytes) - len(inner) + len(cp_text)
        if characters == declared and prof.accept_char_length:
            devs.append(Deviation.LENGTH_IN_CHARACTERS)
        elif prof.accept_length_mismatch:
            devs.append(Deviation.LENGTH_MISMATCH)
        else:
            note = "" if matches else f"CRC also wrong: expected {expected}, received {received}"
            length_error = LengthError(declared, actual, characters, crc_note=note)

    crc_variant = CrcVariant.HJ212
    crc_error: FrameError | None = None
    if matches:
        if received != received_upper:
            devs.append(Deviation.LOWERCASE_CRC)
            if not prof.accept_lowercase_crc:
                crc_error = CrcError(expected, received, matches="lowercase")
    elif CrcVariant.NONE in prof.crc_variants:
        crc_variant = CrcVariant.NONE
        devs.append(Deviation.CRC_NOT_CHECKED)
    else:
        other = next(
            (v for v in (CrcVariant.MODBUS, CrcVariant.MODBUS_LE) if crc_text(crc_data, v) == received_upper),
            None,
        )
        if other is not None and other in prof.crc_variants:
            crc_variant = other
            devs.append(Deviation.CRC_VARIANT)
        else:
            crc_error = CrcError(expected, received, matches=other)
    crc_ok = crc_error is None

    values, items = parse_cp(cp_text, devs) if closed else ({}, {})
    data_time: datetime | None = None
    data_time_text = items.get("DataTime")
    if data_time_text is not None:
        data_time = parse_time(data_time_text)
        if data_time is None:
            devs.append(Deviation.BAD_TIME)

    version: Version | None
    bits = None if flag is None else flag >> 2
    if prof.version is not None:
        version = prof.version
    elif bits == 1:
        version = Version.V2017
    elif bits == 2:
        version = Version.V2025
    elif bits:
        version = None
        errors.append(
            FrameError(
                ErrorCode.UNKNOWN_VERSION,
                f"Flag={flag} carries version bits {bits:06b}, which no edition of HJ 212 defines",
            )
        )
    else:
        version = _guess_version(qn, mn, list(values))

    packet = Packet.from_fields(
        version=version,
        qn=qn,
        st=known.get("ST"),
        cn=cn,
        pw=known.get("PW"),
        mn=mn,
        flag=flag,
        pnum=pnum,
        pno=pno,
        rf=known.get("RF") == "1",
        data_time=data_time,
        values=values,
        items=items,
        header=header,
        cp_text=cp_text,
        raw=raw,
        crc_ok=crc_ok,
        crc_expected=expected,
        crc_received=received,
        crc_variant=crc_variant,
        length=declared,
        encrypted=encrypted,
        encoding="gb18030" if "gb18030" in (encoding, header_encoding) else encoding,
        deviations=tuple(dict.fromkeys(devs)) if devs else (),
    )
    if not errors and length_error is None and crc_error is None:
        return packet, None
    # Structural errors come first, then length, then CRC, then the edition.
    ordered = [e for e in errors if e.code is not ErrorCode.UNKNOWN_VERSION]
    ordered += [e for e in (length_error, crc_error) if e is not None]
    ordered += [e for e in errors if e.code is ErrorCode.UNKNOWN_VERSION]
    error = ordered[0]
    error.partial = packet
    return packet, error


def header_of(raw: bytes) -> Packet | None:
    """What the header of a frame that never ended properly (cut short, too long) still says.

    ``raw`` starts with ``##`` and four digits. The header items before ``CP=&&`` (or before the
    first line end) are read as in a whole frame, so an operator sees which device sent it; CP,
    values and CRC are not (the frame is not trusted). ``None`` when no header item is there.
    """
    data = raw[6:1030].split(b"\r", 1)[0].split(b"\n", 1)[0]
    cut = data.find(b"CP=&&")
    # Without CP the header itself was cut: its last item may be a value cut short.
    header = data[: data.rfind(b";") + 1] if cut < 0 else data[:cut]
    if b"=" not in header:
        return None
    if not header.endswith(b";"):
        header += b";"
    packet, _error = analyse(b"##0000" + header + b"CP=&&&&0000", len(header) + 7)
    return replace(
        packet,
        version=packet.version if packet.flag is not None else None,  # no guess from a fragment
        raw=raw,
        cp_text="",
        crc_ok=False,
        crc_expected="",
        crc_received="",
        length=int(raw[2:6]),
    )


def decode_frame(
    frame: bytes,
    *,
    profile: Profile = DEFAULT_PROFILE,
    profile_for: ProfileLookup | None = None,
    key_for: KeyLookup | None = None,
) -> Packet:
    """Decode one whole frame (``##`` … CRC, with or without its CR LF).

    Raises :class:`FrameError` (with ``partial`` set where something could be read) when the
    frame breaks a rule its profile does not excuse. Use :class:`Decoder` for byte streams.
    """
    raw = frame.rstrip(b"\r\n")
    if len(raw) < 10 or raw[:2] != b"##" or not raw[2:6].isdigit():
        raise FrameError(
            ErrorCode.NOT_A_FRAME, "a frame starts with ## and 4 digits and ends with a 4-digit CRC"
        )
    packet, error = analyse(raw, int(raw[2:6]), profile=profile, profile_for=profile_for, key_for=key_for)
    if error is not None:
        raise error
    return packet
