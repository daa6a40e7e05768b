"""From an outlet's registry entry (执行标准, 标准级别) to a standard and class of the limit data.

Pure. The registry holds what people type: ``GB18918-2002`` / ``1A``, ``GB4287-2012`` / ``direct``,
``GB21900-2008`` / ``table2``, ``GB8978-1996`` / ``class1``, ``GB13271-2014`` / ``gas_boiler``,
``GB13223-2011`` / ``coal_key_region``, ``ultra_low`` / ``coal``. The mapping is data:

1. the standard by id, number or alias, ignoring case, spaces and punctuation, plus the bureau's own
   spellings (``MONITORING_STANDARD_ALIASES``);
2. the class by its id or alias in the data (``一级A``, ``表2``…), else by the spelling rules below
   (``CLASS_RULES``, extended by ``MONITORING_CLASS_ALIASES``): a class number, a table number, or a
   variant (direct / indirect / coal / oil / gas, optionally "special" or "key region") resolved
   with ``discharge.class_for`` for the outlet's age and the date;
3. an explicit choice stored for the outlet (``OutletStandard``) wins over both.

What cannot be mapped raises :class:`Unmapped` with the reason; the outlet is then judged by its
own limits (``LimitOverride``) alone, and its page says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from epb.standards import discharge

__all__ = ["CLASS_RULES", "StandardChoice", "Unmapped", "normalise", "resolve", "standard_id"]


class Unmapped(ValueError):
    """The outlet's standard or class is not one the limit data hold."""


@dataclass(frozen=True)
class StandardChoice:
    standard: str  # id in the limit data (GB18918, ULTRALOW …)
    class_id: str  # class id in that standard (1A, T2-direct …)
    how: str  # how it was found, for the outlet page


_PUNCT = re.compile(r"[\s_\-—–·./／、,，:：()（）]+")


def normalise(text: str) -> str:
    return _PUNCT.sub("", text).upper()


@cache
def _standard_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for sid in discharge.standards():
        info = discharge.standard_info(sid)
        for name in (sid, info.get("number", ""), *info.get("aliases", [])):
            if name:
                index.setdefault(normalise(name), sid)
    return index


def standard_id(text: str, aliases: Mapping[str, str] | None = None) -> str:
    """The id of a standard named in any of its spellings; raises Unmapped."""
    key = normalise(text)
    if not key:
        raise Unmapped("排放口未填写执行标准")
    extra = {normalise(k): v for k, v in (aliases or {}).items()}
    if key in extra:
        key = normalise(extra[key])
    found = _standard_index().get(key)
    if found is None:
        # "GB18918-2002" written without its year, or with another year's edition.
        stem = re.sub(r"(\d{4,5})(19|20)\d\d$", r"\1", key)
        found = _standard_index().get(stem)
    if found is None:
        raise Unmapped(f"标准 {text} 不在限值数据中（可登记排放口自定限值）")
    return found


Rule = tuple[str, Literal["class", "variant"], str]

# (pattern on the normalised class text, what it means, template). Variants may end in "!" for
# the special-limit table (特别排放限值) of designated areas.
CLASS_RULES: tuple[Rule, ...] = (
    (r"^(?:CLASS|LEVEL|GRADE|级|一级|)([123]|1A|1B)$", "class", "{0}"),
    (r"^(?:TABLE|TAB|T|表)([1-9])$", "class", "T{0}"),
    (r"^(DIRECT|直接排放|直排)$", "variant", "direct"),
    (r"^(INDIRECT|间接排放|间排)$", "variant", "indirect"),
    (r"^(MUNICIPALSEWER|PARKDEDICATEDTEXTILEWWTP|OTHERINDIRECT)$", "variant", "{0}"),
    (r"^(COAL|OIL|GAS)(?:BOILER|FIRED|POWER)?$", "variant", "{0}"),
    (r"^(COAL|OIL|GAS)(?:BOILER|FIRED)?(?:KEYREGION|SPECIAL|重点地区)$", "variant", "{0}!"),
    (r"^(?:SPECIAL|特别排放限值)(DIRECT|INDIRECT|COAL|OIL|GAS)$", "variant", "{0}!"),
)

_VARIANTS = {
    "DIRECT": "direct",
    "INDIRECT": "indirect",
    "MUNICIPALSEWER": "municipal_sewer",
    "PARKDEDICATEDTEXTILEWWTP": "park_dedicated_textile_wwtp",
    "OTHERINDIRECT": "other_indirect",
    "COAL": "coal",
    "OIL": "oil",
    "GAS": "gas",
}


def _class_known(sid: str, text: str, on: dt.date) -> str | None:
    """The class id when ``text`` is an id or alias of the data (in force or not)."""
    try:
        limits = discharge.limits_for(sid, text, on)
    except KeyError:
        return None
    except discharge.NotInForce:
        return _class_id_by_name(sid, text)
    first = next(iter(limits.values()), None)
    return first.rows[0].class_id if first is not None else _class_id_by_name(sid, text)


def _class_id_by_name(sid: str, text: str) -> str | None:
    for cid in discharge.standard_info(sid)["classes"]:
        if normalise(cid) == normalise(text):
            return str(cid)
    return text if text in discharge.standard_info(sid)["classes"] else None


def resolve(
    standard: str,
    class_text: str,
    on: dt.date,
    *,
    source_age: Literal["new", "existing"],
    special: bool = False,
    context: Mapping[str, object] | None = None,
    standard_aliases: Mapping[str, str] | None = None,
    class_aliases: Mapping[str, str] | None = None,
) -> StandardChoice:
    """The standard and class an outlet's registry text means on ``on``; raises Unmapped."""
    sid = standard_id(standard, standard_aliases)
    classes = list(discharge.standard_info(sid)["classes"])
    if not classes:
        raise Unmapped(f"{sid} 的限值未收录（请登记排放口自定限值）")
    text = (class_text or "").strip()
    extra = {normalise(k): v for k, v in (class_aliases or {}).items()}
    if normalise(text) in extra:
        text = extra[normalise(text)]
    if text:
        known = _class_known(sid, text, on)
        if known is not None:
            return StandardChoice(sid, known, "级别与限值数据一致")
    elif len(classes) == 1:
        return StandardChoice(sid, classes[0], "标准只有一个级别")
    key = normalise(text)
    for pattern, meaning, template in CLASS_RULES:
        match = re.match(pattern, key)
        if not match:
            continue
        value = template.format(*match.groups())
        if meaning == "class":
            known = _class_known(sid, value, on)
            if known is not None:
                return StandardChoice(sid, known, f"按“{class_text}”对应为 {known}")
            continue
        wanted_special = value.endswith("!") or special
        variant = _VARIANTS.get(value.rstrip("!"), value.rstrip("!").lower())
        try:
            cid = discharge.class_for(
                sid,
                on,
                source_age=source_age,
                variant=variant,
                special=wanted_special,
                context=dict(context or {}),
            )
        except (discharge.NotInForce, KeyError) as exc:
            raise Unmapped(f"{sid} {class_text}：{exc}") from None
        age = "新建" if source_age == "new" else "现有"
        return StandardChoice(sid, cid, f"按“{class_text}”（{age}源，{on.isoformat()}）对应为 {cid}")
    raise Unmapped(f"{sid} 没有级别“{class_text}”（可选：{'、'.join(classes)}）")
