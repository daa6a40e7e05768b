"""Identifiers: credit codes, organisation codes, mobile numbers and complaint tracking codes.

Each validator returns a :class:`CodeCheck` rather than raising, so a form can show the reason:
``reason`` is a stable machine code, ``message`` a Chinese sentence for the user. The
``parse_*`` helpers raise :class:`CodeError` (a ``ValueError``) carrying the same check.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "REGISTRATION_AUTHORITIES",
    "TRACKING_ALPHABET",
    "USCC_ALPHABET",
    "CodeCheck",
    "CodeError",
    "Reason",
    "check_mobile",
    "check_organization_code",
    "check_tracking_code",
    "check_uscc",
    "is_valid_mobile",
    "is_valid_tracking_code",
    "is_valid_uscc",
    "mask_mobile",
    "new_tracking_code",
    "organization_check_char",
    "parse_mobile",
    "parse_tracking_code",
    "parse_uscc",
    "uscc_check_char",
]


class Reason(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    AUTHORITY = "authority"
    REGION = "region"
    ORGANIZATION_CODE = "organization_code"
    CHECK_DIGIT = "check_digit"
    PREFIX = "prefix"


@dataclass(frozen=True)
class CodeCheck:
    valid: bool
    normalized: str  # upper-cased, separators removed; what to store when valid
    reason: Reason | None = None
    message: str = ""

    def __bool__(self) -> bool:
        return self.valid


class CodeError(ValueError):
    def __init__(self, check: CodeCheck) -> None:
        super().__init__(check.message)
        self.check = check


def _fail(normalized: str, reason: Reason, message: str) -> CodeCheck:
    return CodeCheck(False, normalized, reason, message)


_SEPARATORS = re.compile(r"[\s\-－—]+")


def _normalize(text: str) -> str:
    # Full-width letters and digits come in from Chinese input methods.
    half = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return _SEPARATORS.sub("", half).upper()


# -- unified social credit code (GB 32100-2015) ------------------------------------------------

#: The 31 characters of GB 32100-2015: digits and capitals without I, O, S, V, Z (they read as
#: 1, 0, 5, U/Y and 2). A character's value is its position here.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
# w_i = 3^(i-1) mod 31 for positions 1..17.
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: 登记管理部门代码, the first character. GB 32100-2015 table 1 defines 1, 5, 9 and Y; the other
#: codes were assigned to further registration departments by the standards administration
#: afterwards [S]. Data, not logic: extend it here when a new department is assigned.
REGISTRATION_AUTHORITIES: Mapping[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监督管理（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code.

    GB 32100-2015 §5: give each of the first 17 characters its value ``c_i`` in the 31-character
    alphabet, weight it by ``w_i = 3^(i-1) mod 31`` (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13,
    8, 24, 10, 30, 28), and take ``C18 = 31 - (Σ c_i·w_i mod 31)``, with 31 written as ``0``.
    """
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"{first17!r} is not 17 characters of the credit-code alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(text: str, *, verify_organization_code: bool = False) -> CodeCheck:
    """Validate a unified social credit code (统一社会信用代码), GB 32100-2015.

    Layout: ``[1]`` registration department, ``[2]`` institution type, ``[3-8]`` the registering
    office's administrative division code, ``[9-17]`` the subject identifier (an organisation code
    per GB 11714 including its own check character), ``[18]`` the check character
    (:func:`uscc_check_char`). Checks run in that order and the first failure is reported.

    ``verify_organization_code`` also verifies the embedded GB 11714 check character. It is off by
    default because the credit code's own check digit is what the registries guarantee; turn it
    on where only organisations migrated from the old code system are expected.
    """
    code = _normalize(text)
    if not code:
        return _fail(code, Reason.EMPTY, "请填写统一社会信用代码")
    if len(code) != 18:
        return _fail(code, Reason.LENGTH, f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        return _fail(
            code,
            Reason.CHARACTERS,
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（只用数字和除 I、O、S、V、Z 外的大写字母）",
        )
    if code[0] not in REGISTRATION_AUTHORITIES:
        return _fail(code, Reason.AUTHORITY, f"第1位登记管理部门代码“{code[0]}”不存在")
    if not code[2:8].isdigit():
        return _fail(code, Reason.REGION, f"第3至8位应为行政区划码（6位数字），实际为“{code[2:8]}”")
    if verify_organization_code:
        inner = check_organization_code(code[8:17])
        if not inner.valid:
            return _fail(code, Reason.ORGANIZATION_CODE, f"第9至17位组织机构代码无效：{inner.message}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _fail(code, Reason.CHECK_DIGIT, f"校验码错误：第18位应为“{expected}”，实际为“{code[17]}”")
    return CodeCheck(True, code)


def is_valid_uscc(text: str) -> bool:
    return check_uscc(text).valid


def parse_uscc(text: str) -> str:
    """The normalised code, or :class:`CodeError` with the reason."""
    result = check_uscc(text)
    if not result.valid:
        raise CodeError(result)
    return result.normalized


# -- organisation code (GB 11714-1997) ---------------------------------------------------------

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def organization_check_char(body: str) -> str:
    """The 9th character of an organisation code (组织机构代码), GB 11714-1997.

    Values: digits as themselves, ``A``-``Z`` as 10-35; weights 3, 7, 9, 10, 5, 8, 4, 2;
    ``C9 = 11 - (Σ c_i·w_i mod 11)``, written ``X`` for 10 and ``0`` for 11.
    """
    if len(body) != 8 or not all(c.isascii() and (c.isdigit() or c.isupper()) for c in body):
        raise ValueError(f"{body!r} is not 8 digits or capital letters")
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def check_organization_code(text: str) -> CodeCheck:
    """Validate an organisation code, ``XXXXXXXX-X`` or without the hyphen."""
    code = _normalize(text)
    if not code:
        return _fail(code, Reason.EMPTY, "请填写组织机构代码")
    if len(code) != 9:
        return _fail(code, Reason.LENGTH, f"组织机构代码应为9位，实际为{len(code)}位")
    if not all(c.isascii() and (c.isdigit() or c.isupper()) for c in code[:8]) or not (
        code[8].isdigit() or code[8] == "X"
    ):
        return _fail(code, Reason.CHARACTERS, "组织机构代码只能由数字和大写字母组成，校验码为数字或 X")
    expected = organization_check_char(code[:8])
    if code[8] != expected:
        return _fail(code, Reason.CHECK_DIGIT, f"校验码错误：第9位应为“{expected}”，实际为“{code[8]}”")
    return CodeCheck(True, code)


# -- mainland mobile numbers -------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")


def check_mobile(text: str) -> CodeCheck:
    """A Chinese mainland mobile number: 11 digits, ``1`` then ``3``-``9``.

    ``+86``/``0086``/``86`` prefixes, spaces and hyphens are accepted and removed. Only the
    structure is checked: MIIT keeps allocating new number segments, and whether a number is
    real and belongs to the complainant is what the SMS code of real-name verification proves.
    """
    number = _COUNTRY_PREFIX.sub("", _normalize(text).replace("(", "").replace(")", ""))
    if not number:
        return _fail(number, Reason.EMPTY, "请填写手机号码")
    if number.startswith(("+", "00")):
        return _fail(number, Reason.PREFIX, "只受理中国大陆（+86）手机号码")
    if not number.isdigit() or not number.isascii():
        return _fail(number, Reason.CHARACTERS, "手机号码只能包含数字")
    if len(number) != 11:
        return _fail(number, Reason.LENGTH, f"手机号码应为11位，实际为{len(number)}位")
    if not _MOBILE.match(number):
        return _fail(number, Reason.PREFIX, f"“{number[:2]}”开头的不是大陆手机号码")
    return CodeCheck(True, number)


def is_valid_mobile(text: str) -> bool:
    return check_mobile(text).valid


def parse_mobile(text: str) -> str:
    result = check_mobile(text)
    if not result.valid:
        raise CodeError(result)
    return result.normalized


def mask_mobile(number: str) -> str:
    """``138****5678``: what people other than a complainant's handlers may see."""
    digits = parse_mobile(number)
    return f"{digits[:3]}****{digits[7:]}"


# -- complaint tracking codes ------------------------------------------------------------------

#: 29 characters that survive being read aloud, handwritten or typed on a phone: no 0/O, 1/I/L,
#: 2/Z or 5/S pairs. 29 is prime, which the check character relies on.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRTUVWXY"
_TRACKING_VALUE = {c: i for i, c in enumerate(TRACKING_ALPHABET)}
_P = len(TRACKING_ALPHABET)
TRACKING_LENGTH = 11  # random characters; 29**11 ≈ 1.2e16, too many to guess a live code
_GROUP = 4


def _tracking_check(body: str) -> str:
    # Position-weighted sum mod a prime, with the check character weighted n + 1 so the whole
    # code sums to 0: every single wrong character and every swap of two neighbours (the check
    # character included) changes the sum, since the weights differ and 29 is prime.
    n = len(body)
    total = sum((i + 1) * _TRACKING_VALUE[c] for i, c in enumerate(body))
    value = (-total * pow(n + 1, -1, _P)) % _P
    return TRACKING_ALPHABET[value]


def new_tracking_code(
    randbelow: Callable[[int], int] = secrets.randbelow, length: int = TRACKING_LENGTH
) -> str:
    """A fresh tracking code such as ``"K7QM-3XPD-R8NW"``: ``length`` random characters and a
    check character, grouped by four.

    ``randbelow`` is the random source (``secrets.randbelow`` by default; tests pass a seeded
    ``random.Random().randrange``). Uniqueness is the caller's job: insert under a unique
    constraint and draw again on a collision.
    """
    if not 4 <= length < _P - 1:
        raise ValueError(f"length must be between 4 and {_P - 2}")
    body = "".join(TRACKING_ALPHABET[randbelow(_P)] for _ in range(length))
    return _group(body + _tracking_check(body))


def _group(code: str) -> str:
    return "-".join(code[i : i + _GROUP] for i in range(0, len(code), _GROUP))


def check_tracking_code(text: str, length: int = TRACKING_LENGTH) -> CodeCheck:
    """Validate a tracking code typed by the public; case, spaces and hyphens do not matter.

    ``normalized`` is the grouped form (``"K7QM-3XPD-R8NW"``), the one to look up.
    """
    code = _normalize(text)
    if not code:
        return _fail(code, Reason.EMPTY, "请输入查询码")
    if len(code) != length + 1:
        return _fail(code, Reason.LENGTH, f"查询码应为{length + 1}位，实际为{len(code)}位")
    bad = sorted({c for c in code if c not in _TRACKING_VALUE})
    if bad:
        return _fail(code, Reason.CHARACTERS, f"查询码中没有这些字符：{'、'.join(bad)}，请核对")
    if _tracking_check(code[:-1]) != code[-1]:
        return _fail(code, Reason.CHECK_DIGIT, "查询码有误，请逐位核对")
    return CodeCheck(True, _group(code))


def is_valid_tracking_code(text: str) -> bool:
    return check_tracking_code(text).valid


def parse_tracking_code(text: str) -> str:
    result = check_tracking_code(text)
    if not result.valid:
        raise CodeError(result)
    return result.normalized
