"""Pure rules of the registry: licence validity, what counts as industrial, reading flags and classes.

No ORM here; the services and the importer call these, and the tests run them as tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from epb.enterprises.choices import EnterpriseFlag, LicenceState, LicenceStatus, SourceClass

#: Days before a licence's expiry at which its holders and supervisors are warned, longest first.
#: 《排污许可管理条例》(2021) art. 14: a holder that will keep discharging applies for renewal
#: 60 days before expiry [R]; the first warning comes a month before that deadline. A setting
#: (``EPB_LICENCE_WARNING_DAYS``) may replace the list.
LICENCE_WARNING_DAYS: tuple[int, ...] = (90, 60)

#: GB/T 4754-2017 divisions that make up "industry" (工业) in Chinese statistics: section B mining
#: (06–12), C manufacturing (13–43), D electricity, heat, gas and water (44–46).
INDUSTRIAL_DIVISIONS = range(6, 47)


def licence_state(
    status: str, expires_on: dt.date | None, today: dt.date, warning_days: int = LICENCE_WARNING_DAYS[0]
) -> LicenceState:
    """What a licence is today: a recorded suspension or revocation wins over the dates."""
    if status != LicenceStatus.VALID:
        return LicenceState(status)
    if expires_on is None:
        return LicenceState.VALID
    if expires_on < today:
        return LicenceState.EXPIRED
    if (expires_on - today).days <= warning_days:
        return LicenceState.EXPIRING
    return LicenceState.VALID


def warning_due(
    expires_on: dt.date, today: dt.date, thresholds: Sequence[int], sent: Iterable[int]
) -> int | None:
    """The warning threshold (days) to send today, if any: the smallest reached and not yet sent.

    Sending only the smallest reached threshold means a licence entered 20 days before expiry
    gets one warning, not a burst of all of them.
    """
    left = (expires_on - today).days
    if left < 0:
        return None
    reached = [t for t in thresholds if left <= t]
    if not reached:
        return None
    smallest = min(reached)
    return None if smallest in set(sent) else smallest


def is_industrial(industry_code: str) -> bool:
    """An enterprise is an industrial source unless its industry code lies outside sections B–D.

    The registry holds pollution sources, nearly all industrial, so an empty code counts as
    industrial; a code that is not a GB/T 4754 number is not (it cannot be placed).
    """
    code = industry_code.strip()
    if not code:
        return True
    if not code[:2].isdigit():
        return False
    return int(code[:2]) in INDUSTRIAL_DIVISIONS


_SPLIT = re.compile(r"[,，、;；/\s]+")


def parse_flags(text: str, labels: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Flags from a cell such as "涉铅、涉重金属" or "lead,heavy_metal": (codes, unknown words)."""
    source = labels if labels is not None else {code: str(label) for code, label in EnterpriseFlag.choices}
    by_label = {str(label): code for code, label in source.items()}
    codes: list[str] = []
    unknown: list[str] = []
    for word in (w for w in _SPLIT.split(text.strip()) if w):
        code = word if word in {c for c, _ in EnterpriseFlag.choices} else by_label.get(word)
        if code is None:
            unknown.append(word)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def parse_choice(text: str, choices: Iterable[tuple[str, object]]) -> str | None:
    """A choice from its code or its label ("重点源" or "key"); None when neither matches."""
    value = text.strip()
    for code, label in choices:
        if value in (code, str(label)):
            return code
    return None


def parse_source_class(text: str) -> str | None:
    value = text.strip()
    if value in ("重点", "重点企业", "重点排污单位"):
        return SourceClass.KEY
    if value in ("一般", "一般企业"):
        return SourceClass.GENERAL
    return parse_choice(value, SourceClass.choices)
