"""Pure rules of the 12369 centre: no ORM, no Django settings. Table-tested in tests/test_rules.py."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# -- what may happen to a case in each status ----------------------------------------------------

#: Actions by status. ``publish`` (to the public wall) and ``note`` are allowed in every status
#: except where listed otherwise; the table is the whole truth, the views only display it.
ACTIONS: Mapping[str, frozenset[str]] = {
    "received": frozenset(
        {"route", "accept", "decline", "transfer", "merge", "assign", "note", "flags", "leader_case", "link"}
    ),
    "accepted": frozenset(
        {
            "route",
            "assign",
            "note",
            "flags",
            "reply",
            "extension_request",
            "extension_decide",
            "hearing",
            "leader_case",
            "transfer",
            "publish",
            "link",
        }
    ),
    "reply_pending": frozenset({"sign", "assign", "note", "flags", "leader_case", "hearing"}),
    "replied": frozenset(
        {"callback", "review_request", "assign", "publish", "note", "leader_case", "hearing"}
    ),
    "review": frozenset({"review_decide", "assign", "note", "publish", "leader_case", "hearing"}),
    "declined": frozenset({"note"}),
    "transferred": frozenset({"note"}),
    # A merged case follows its original; its complainant is still owed a callback.
    "merged": frozenset({"note", "callback"}),
}


ACTION_LABELS: Mapping[str, str] = {
    "route": "分派属地",
    "accept": "受理",
    "decline": "不予受理",
    "transfer": "移送",
    "merge": "并案",
    "assign": "指定承办人",
    "note": "内部记录",
    "flags": "性质与紧急程度",
    "leader_case": "领导包案",
    "link": "关联重复件",
    "reply": "答复",
    "extension_request": "申请延期",
    "extension_decide": "延期审批",
    "hearing": "听证会办",
    "publish": "公开",
    "sign": "领导审签",
    "callback": "回访",
    "review_request": "复查复核申请",
    "review_decide": "复查复核决定",
}


def allowed_actions(status: str) -> frozenset[str]:
    return ACTIONS.get(status, frozenset())


class ActionNotAllowed(ValueError):
    pass


def check_action(status: str, action: str, status_label: str = "") -> None:
    if action not in allowed_actions(status):
        raise ActionNotAllowed(
            f"当前状态（{status_label or status}）不能办理“{ACTION_LABELS.get(action, action)}”"
        )


# -- who sees a complainant's contact -----------------------------------------------------------

STAFF_ROLES = frozenset({"dept_staff", "district_staff", "grid_officer"})


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    role: str
    is_superuser: bool = False
    is_active: bool = True
    org_path: str = ""  # "" for staff without a unit
    org_is_city: bool = False
    department_code: str = ""


@dataclass(frozen=True)
class CaseRef:
    handler_id: int | None
    grid_path: str  # "" while the case is in the triage queue
    leader_ids: frozenset[int] = frozenset()


def may_see_contact(viewer: Viewer, case: CaseRef, centre_departments: Iterable[str]) -> bool:
    """Contact data is for the case's handlers only (DESIGN: "shown only to their handlers").

    Handlers are: leadership; the assigned handler; a leader who took the case (包案); staff of the
    district or grid that owns the case (属地); and the 12369 centre's own operators, who take the
    calls and make the callbacks. Other staff, enterprises and the public never see it.
    """
    if not viewer.is_active or viewer.user_id is None:
        return False
    if viewer.is_superuser or viewer.role == "leadership":
        return True
    if viewer.user_id == case.handler_id or viewer.user_id in case.leader_ids:
        return True
    if viewer.role not in STAFF_ROLES:
        return False
    if viewer.department_code and viewer.department_code in set(centre_departments):
        return True
    local = viewer.org_path and not viewer.org_is_city
    return bool(local and case.grid_path and case.grid_path.startswith(viewer.org_path))


# -- routing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    department_code: str = ""
    agency_code: str = ""


@dataclass(frozen=True)
class RouteDecision:
    department_code: str
    agency_code: str
    triage_reasons: tuple[str, ...]

    @property
    def needs_triage(self) -> bool:
        return bool(self.triage_reasons)


def decide_route(
    *,
    unit_level: str | None,
    sub_rule: Rule | None,
    type_rule: Rule | None,
    kind: str,
    consultation_department: str,
    known_departments: Iterable[str],
) -> RouteDecision:
    """Where a case goes: its location's unit owns it, the type decides the handling division.

    A sub-type's rule beats its type's. A rule that names an outside body, an unknown department,
    or a location outside every grid (or no location) sends the case to the triage queue.
    """
    reasons: list[str] = []
    known = set(known_departments)
    if kind != "consultation" and (unit_level is None or unit_level == "city"):
        # A consultation needs no place: the centre answers it.
        reasons.append("无法按地点确定属地网格")
    if kind == "consultation":
        department = consultation_department if consultation_department in known else ""
        if not department:
            reasons.append("未配置咨询承办处室")
        return RouteDecision(department, "", tuple(reasons))
    rule = sub_rule or type_rule
    if rule is None:
        reasons.append("该污染类型没有分派规则")
        return RouteDecision("", "", tuple(reasons))
    if rule.agency_code and not rule.department_code:
        reasons.append("可能不属于环保部门职责，请确认是否移送")
        return RouteDecision("", rule.agency_code, tuple(reasons))
    if rule.department_code not in known:
        reasons.append(f"分派规则中的处室代码不存在：{rule.department_code}")
        return RouteDecision("", rule.agency_code, tuple(reasons))
    return RouteDecision(rule.department_code, rule.agency_code, tuple(reasons))


# -- escalation of serious incidents ------------------------------------------------------------


@dataclass(frozen=True)
class PeriodThresholds:
    name: str
    severity: int
    urgency: int


def escalation_reasons(
    *, is_mass: bool, is_sudden: bool, severity: int, urgency: int, periods: Sequence[PeriodThresholds]
) -> list[str]:
    """Why a case goes to leadership at once: mass and sudden incidents always (《环保举报热线工作管理办法》:
    突发环境事件、群体性事件 reported immediately); in a sensitive period also cases at or above the
    period's severity or urgency."""
    reasons = []
    if is_mass:
        reasons.append("群体性事件")
    if is_sudden:
        reasons.append("突发环境事件")
    for period in periods:
        if severity >= period.severity:
            reasons.append(f"敏感时期（{period.name}）严重程度达到上报标准")
        elif urgency >= period.urgency:
            reasons.append(f"敏感时期（{period.name}）紧急程度达到上报标准")
    return reasons


# -- rates --------------------------------------------------------------------------------------


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole to four places (a fraction: 0.8533), or None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def change(current: int, previous: int) -> Decimal | None:
    """Relative change (环比/同比) as a fraction; None when the base is zero."""
    if previous <= 0:
        return None
    return (Decimal(current - previous) / Decimal(previous)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class CallbackFigures:
    owed: int  # closed real-name cases (a callback is owed)
    done: int  # of those, with a callback that reached the complainant
    satisfied: int
    basic: int
    unsatisfied: int

    @property
    def callback_rate(self) -> Decimal | None:
        """回访率 = cases called back (reached) / cases owed a callback."""
        return ratio(self.done, self.owed)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率 = (满意 + 基本满意) / cases with a rating; the 12345 practice (no national 12369 figure)."""
        rated = self.satisfied + self.basic + self.unsatisfied
        return ratio(self.satisfied + self.basic, rated)


def callback_figures(rows: Iterable[tuple[bool, str | None]]) -> CallbackFigures:
    """From (called back and reached, latest satisfaction or None) per owed case."""
    owed = done = satisfied = basic = unsatisfied = 0
    for reached, satisfaction in rows:
        owed += 1
        if reached:
            done += 1
        if satisfaction == "satisfied":
            satisfied += 1
        elif satisfaction == "basic":
            basic += 1
        elif satisfaction == "unsatisfied":
            unsatisfied += 1
    return CallbackFigures(owed, done, satisfied, basic, unsatisfied)


# -- repeat complaints --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    phone: str
    enterprise_id: int | None
    top_types: frozenset[str]
    distance_m: float | None  # from the new case; None when either has no location


def repeat_reasons(new: CaseFacts, old: CaseFacts, radius_m: float) -> list[str]:
    """Why an earlier case is the same matter raised again (重复举报)."""
    reasons = []
    same_type = bool(new.top_types & old.top_types)
    if new.phone and new.phone == old.phone:
        reasons.append("同一举报人")
    if new.enterprise_id is not None and new.enterprise_id == old.enterprise_id and same_type:
        reasons.append("同一被举报单位、同类污染")
    if same_type and old.distance_m is not None and old.distance_m <= radius_m:
        reasons.append(f"同类污染、相距{round(old.distance_m)}米")
    return reasons


# -- review (复查) and re-examination (复核) ------------------------------------------------------


def next_review_stage(decided: Sequence[str], open_stage: str | None) -> str | None:
    """The stage a new request would open, or None: one 复查, then one 复核, then the matter is
    closed for good (《信访条例》: 复核终结后不再受理)."""
    if open_stage is not None:
        return None
    if "reexamination" in decided:
        return None
    if "review" in decided:
        return "reexamination"
    return "review"


# -- Open311 ------------------------------------------------------------------------------------

OPEN311_STATUS = {
    "received": "open",
    "accepted": "open",
    "reply_pending": "open",
    "review": "open",
    "replied": "closed",
    "declined": "closed",
    "transferred": "closed",
    "merged": "closed",
}


def open311_status(status: str) -> str:
    return OPEN311_STATUS[status]


# -- personal data in free text -----------------------------------------------------------------

_ID = re.compile(
    r"(?<![0-9Xx])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9Xx])"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Mask personal data in free text before it is published: ID numbers, phone numbers,
    e-mail addresses, and the given names (the complainant's own)."""
    text = _ID.sub("[身份证号已隐去]", text)
    text = _MOBILE.sub("[电话已隐去]", text)
    text = _LANDLINE.sub("[电话已隐去]", text)
    text = _EMAIL.sub("[邮箱已隐去]", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def mask_name(name: str) -> str:
    """刘建国 → 刘**: the family name stays, so a reply can still say who it is addressed to."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


# -- reply templates ----------------------------------------------------------------------------

TEMPLATE_FIELDS = ("number", "received_date", "type", "address", "findings")


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_fields(text: str) -> list[str]:
    """The placeholders a template uses; raises ValueError for malformed braces."""
    return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name]


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """Fill the known placeholders; unknown ones are left as they are for the handler to see."""
    return string.Formatter().vformat(text, (), _Missing(values))


# -- reception days -----------------------------------------------------------------------------


def reception_dates(start: date, end: date, weekday: int) -> list[date]:
    """Every ``weekday`` (Monday = 0) in [start, end]: the standing reception days."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    out = []
    while first <= end:
        out.append(first)
        first += timedelta(days=7)
    return out
