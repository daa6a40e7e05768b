"""Pure rules of grid enforcement: coverage and the double-random draw, measures and their clocks,
the compliance rate, officer scores, drills and facility grades.

No ORM and no Django here: the services feed these functions plain values and store what they
return. Every figure is data with its source and a tag as in the reference notes — [V] seen in
the text, [S] secondary source, [R] recalled and to verify, [L] a local choice — and the figures
marked [R] or [L] can be replaced by settings (see ``epb.enforcement.conf`` and docs/enforcement.md).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from epb.lib.workdays import Basis, ClockSpec, Reminder

# -- the on-site checklist (plan 一.3 四是: 建设项目、固废处理、设施运行、污染源达标、周边环境) ----------

#: The five items of every on-site record, in the plan's order. Keys are FindingCategory codes.
CHECKLIST: tuple[str, ...] = ("construction", "solid_waste", "facility", "discharge", "surroundings")
#: The item whose result decides the compliance rate (污染源达标排放).
DISCHARGE_ITEM = "discharge"
#: What an officer looks at under each item (shown as hints on the form).
CHECKLIST_HINTS: Mapping[str, tuple[str, ...]] = {
    "construction": ("环评审批", "“三同时”及竣工环保验收", "排污许可证及其载明事项"),
    "solid_waste": ("一般工业固废贮存与去向", "危险废物台账、贮存场所与转移联单"),
    "facility": ("治污设施是否正常运行", "运行台账、药剂与电耗记录", "在线监控设施运行与联网"),
    "discharge": ("排放口规范化", "现场监测或快速检测结果", "有无暗管、渗坑、旁路等逃避监管排放"),
    "surroundings": ("厂界及周边水体、气味、噪声", "雨污分流", "周边群众反映"),
}

# -- coverage of the annual plan ------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRule:
    """How an annual plan covers a grid. Stored with each plan, so a plan keeps the rule it used."""

    #: Inspections of each key source a year. Provincial implementations of 环办〔2015〕88号 ask
    #: ≥25 % of key units per quarter (every unit about once a year) up to 100 % every quarter
    #: (Jianghan 2025) [S][L]; the default, quarterly, is a local choice [L].
    key_visits_per_year: int = 4
    #: Share of general sources drawn at random each year (Jiangxi class c: 20 % a year [S][L]).
    general_share: Decimal = Decimal("0.20")
    #: Visits a year to each general source on the special list (fined last year, poorly graded
    #: treatment facility, red or black behaviour grade …): Yicheng "each at least once a year" [S][L].
    special_visits_per_year: int = 1
    #: Officers on every inspection: at least two law-enforcement officers showing their IDs
    #: (《行政处罚法》; reference §2.2) [S].
    officers_per_task: int = 2
    #: Shares of the plan's tasks marked night, holiday and surprise (飞行) inspections. The plan
    #: asks to "increase" them (一.3 四是) without a figure, so these are local choices [L].
    night_share: Decimal = Decimal("0.10")
    holiday_share: Decimal = Decimal("0.05")
    surprise_share: Decimal = Decimal("0.20")

    def __post_init__(self) -> None:
        for name in ("general_share", "night_share", "holiday_share", "surprise_share"):
            value = Decimal(str(getattr(self, name)))
            if not Decimal(0) <= value <= Decimal(1):
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
            object.__setattr__(self, name, value)
        if not 0 <= self.key_visits_per_year <= 12:
            raise ValueError("key_visits_per_year must be between 0 and 12")
        if not 0 <= self.special_visits_per_year <= 12:
            raise ValueError("special_visits_per_year must be between 0 and 12")
        if not 1 <= self.officers_per_task <= 6:
            raise ValueError("officers_per_task must be between 1 and 6")

    def to_json(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CoverageRule:
        known = {f for f in cls.__dataclass_fields__}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            default = getattr(cls, key)
            values[key] = Decimal(str(value)) if isinstance(default, Decimal) else int(value)
        return cls(**values)


DEFAULT_COVERAGE = CoverageRule()


@dataclass(frozen=True)
class PlannedTask:
    enterprise_id: int
    kind: str  # TaskKind: key / random / special
    due: dt.date
    owner_id: int
    co_officer_ids: tuple[int, ...]
    night: bool = False
    holiday: bool = False
    surprise: bool = False


@dataclass(frozen=True)
class Draw:
    """A plan's draw: its inputs (sorted, so the database's order cannot change it) and its output."""

    seed: str
    year: int
    rule: CoverageRule
    key_ids: tuple[int, ...]
    general_ids: tuple[int, ...]
    special_ids: tuple[int, ...]
    officer_ids: tuple[int, ...]
    grid_officer_ids: tuple[int, ...]
    drawn_general_ids: tuple[int, ...]
    tasks: tuple[PlannedTask, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "year": self.year,
            "rule": self.rule.to_json(),
            "inputs": {
                "key": list(self.key_ids),
                "general": list(self.general_ids),
                "special": list(self.special_ids),
                "officers": list(self.officer_ids),
                "grid_officers": list(self.grid_officer_ids),
            },
            "drawn_general": list(self.drawn_general_ids),
            "tasks": [
                {**asdict(t), "due": t.due.isoformat(), "co_officer_ids": list(t.co_officer_ids)}
                for t in self.tasks
            ],
        }


class DrawError(ValueError):
    """The plan cannot be drawn (no officers, too few officers for a task)."""


def period_ends(year: int, visits: int) -> list[dt.date]:
    """The due dates of ``visits`` inspections spread evenly over a year: ends of equal parts.

    4 → 31 Mar, 30 Jun, 30 Sep, 31 Dec; 12 → the end of every month; 1 → 31 Dec.
    """
    ends: list[dt.date] = []
    for i in range(1, visits + 1):
        month = math.ceil(12 * i / visits)
        ends.append(
            dt.date(year, 12, 31) if month == 12 else dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        )
    return ends


def draw_plan(
    *,
    seed: str,
    year: int,
    rule: CoverageRule,
    key_ids: Iterable[int],
    general_ids: Iterable[int],
    special_ids: Iterable[int],
    officer_ids: Iterable[int],
    grid_officer_ids: Iterable[int] = (),
) -> Draw:
    """The annual plan of a grid, reproducible from ``seed`` ("双随机": random units, random officers).

    * every key source gets ``key_visits_per_year`` inspections, due at the ends of equal parts of
      the year; its owner is one of the grid's own officers in turn (the grid answers for its key
      sources), its co-officers are drawn;
    * general sources on the special list get ``special_visits_per_year`` inspections;
    * of the other general sources, ``ceil(general_share × n)`` are drawn at random, each due at
      the end of a quarter assigned in turn after shuffling; owner and co-officers are drawn;
    * night, holiday and surprise marks go to shares of all tasks, drawn likewise.

    The same inputs and seed always give the same plan (``random.Random`` seeded with a string is
    stable across Python versions); the inputs are sorted first so their order does not matter.
    """
    keys = tuple(sorted(set(key_ids)))
    specials = tuple(sorted(set(special_ids) - set(keys)))
    generals = tuple(sorted(set(general_ids) - set(keys) - set(specials)))
    officers = tuple(sorted(set(officer_ids)))
    grid_officers = tuple(sorted(set(grid_officer_ids) & set(officers)))
    if not officers and (keys or specials or generals):
        raise DrawError("no officers to assign")
    if len(officers) < rule.officers_per_task and (keys or specials or generals):
        raise DrawError(
            f"{rule.officers_per_task} officers per inspection, but only {len(officers)} available"
        )
    rng = random.Random(f"epb-plan:{seed}:{year}")

    def crew(owner: int | None) -> tuple[int, tuple[int, ...]]:
        if owner is None:
            chosen = rng.sample(officers, rule.officers_per_task)
            return chosen[0], tuple(chosen[1:])
        others = [o for o in officers if o != owner]
        return owner, tuple(rng.sample(others, rule.officers_per_task - 1))

    tasks: list[PlannedTask] = []
    turn = 0
    for enterprise_id in keys:
        for due in period_ends(year, rule.key_visits_per_year):
            owner = grid_officers[turn % len(grid_officers)] if grid_officers else None
            turn += 1
            lead, co = crew(owner)
            tasks.append(PlannedTask(enterprise_id, "key", due, lead, co))
    for enterprise_id in specials:
        for due in period_ends(year, rule.special_visits_per_year):
            lead, co = crew(None)
            tasks.append(PlannedTask(enterprise_id, "special", due, lead, co))
    count = math.ceil(rule.general_share * len(generals)) if generals else 0
    drawn = tuple(rng.sample(generals, count))
    quarter_ends = period_ends(year, 4)
    for index, enterprise_id in enumerate(drawn):
        lead, co = crew(None)
        tasks.append(PlannedTask(enterprise_id, "random", quarter_ends[index % 4], lead, co))
    marks: dict[str, set[int]] = {}
    for name, share in (
        ("night", rule.night_share),
        ("holiday", rule.holiday_share),
        ("surprise", rule.surprise_share),
    ):
        n = int((share * len(tasks)).to_integral_value(rounding=ROUND_HALF_UP))
        marks[name] = set(rng.sample(range(len(tasks)), min(n, len(tasks))))
    tasks = [
        replace(t, night=i in marks["night"], holiday=i in marks["holiday"], surprise=i in marks["surprise"])
        for i, t in enumerate(tasks)
    ]
    return Draw(
        seed,
        year,
        rule,
        keys,
        generals,
        specials,
        officers,
        grid_officers,
        tuple(sorted(drawn)),
        tuple(tasks),
    )


def redraw(record: Mapping[str, Any]) -> Draw:
    """Recompute a draw from its stored record, to check that the plan is what the seed gives."""
    inputs = record["inputs"]
    return draw_plan(
        seed=record["seed"],
        year=int(record["year"]),
        rule=CoverageRule.from_json(record["rule"]),
        key_ids=inputs["key"],
        general_ids=inputs["general"],
        special_ids=inputs["special"],
        officer_ids=inputs["officers"],
        grid_officer_ids=inputs.get("grid_officers", ()),
    )


# -- night and holiday ----------------------------------------------------------------------

#: Night (夜间) is 22:00–06:00, as 《环境噪声污染防治法》(1996) art. 63 defines it [R]; a setting may
#: change the hours (``EPB_NIGHT_HOURS``).
NIGHT_HOURS: tuple[int, int] = (22, 6)


def is_night(local_time: dt.time, hours: tuple[int, int] = NIGHT_HOURS) -> bool:
    start, end = hours
    hour = local_time.hour
    return hour >= start or hour < end if start > end else start <= hour < end


# -- measures (限、吊、停、封、关、抓) ---------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRule:
    category: str  # informal, penalty, coercive, production, closure, transfer, remedy
    verb: str  # the plan's verb: 限 吊 停 封 关 抓, or ""
    legal_basis: str
    clocks: tuple[str, ...] = ()  # clock names started when the measure is served
    needs_amount: bool = False
    serious: bool = False  # makes a quarter "S" and the enterprise a serious violator


MEASURE_RULES: Mapping[str, MeasureRule] = {
    "warning": MeasureRule(
        "penalty", "", "《中华人民共和国行政处罚法》第九条；《环境行政处罚办法》(2010) 第十条"
    ),
    "order": MeasureRule(
        "informal",
        "",
        "《中华人民共和国环境保护法》(2014) 第五十九条、第六十条；《中华人民共和国行政处罚法》第二十八条",
    ),
    "fine": MeasureRule(
        "penalty",
        "",
        "《中华人民共和国环境保护法》(2014) 第五十九条及《水污染防治法》《大气污染防治法》等单项法律的罚则",
        clocks=("enforcement.fine_payment",),
        needs_amount=True,
    ),
    "daily_fine": MeasureRule(
        "penalty",
        "",
        "《中华人民共和国环境保护法》(2014) 第五十九条；"
        "《环境保护主管部门实施按日连续处罚办法》(环境保护部令第28号)",
        clocks=("enforcement.daily_fine_reinspection",),
        needs_amount=True,
        serious=True,
    ),
    "seal": MeasureRule(
        "coercive",
        "封",
        "《中华人民共和国环境保护法》(2014) 第二十五条；《中华人民共和国行政强制法》第二十二至二十八条；"
        "《环境保护主管部门实施查封、扣押办法》(环境保护部令第29号)",
        clocks=("enforcement.sealing",),
        serious=True,
    ),
    "restrict": MeasureRule(
        "production",
        "限",
        "《中华人民共和国环境保护法》(2014) 第六十条；"
        "《环境保护主管部门实施限制生产、停产整治办法》(环境保护部令第30号)",
        clocks=("enforcement.production_plan_filing", "enforcement.restriction_term"),
    ),
    "stop": MeasureRule(
        "production",
        "停",
        "《中华人民共和国环境保护法》(2014) 第六十条；"
        "《环境保护主管部门实施限制生产、停产整治办法》(环境保护部令第30号)",
        clocks=("enforcement.production_plan_filing",),
        serious=True,
    ),
    "closure": MeasureRule(
        "closure",
        "关",
        "《中华人民共和国环境保护法》(2014) 第六十条：报经有批准权的人民政府批准，责令停业、关闭",
        serious=True,
    ),
    "police": MeasureRule(
        "transfer",
        "抓",
        "《中华人民共和国环境保护法》(2014) 第六十三条；"
        "《行政主管部门移送适用行政拘留环境违法案件暂行办法》(公治〔2014〕853号)",
        clocks=("enforcement.police_transfer",),
        serious=True,
    ),
    "revoke": MeasureRule(
        "penalty",
        "吊",
        "《中华人民共和国行政处罚法》第九条（暂扣许可证件、吊销许可证件）；《排污许可管理条例》(2021) 第三章",
        serious=True,
    ),
    "apology": MeasureRule(
        "remedy", "", "2010年工作实施方案 一.3 五是：违法企业公开道歉（社会责任措施，非行政处罚）"
    ),
    "trees": MeasureRule(
        "remedy", "", "2010年工作实施方案 一.3 五是：违法企业义务植树（社会责任措施，非行政处罚）"
    ),
}

SERIOUS_KINDS: frozenset[str] = frozenset(k for k, r in MEASURE_RULES.items() if r.serious)
REMEDY_KINDS: frozenset[str] = frozenset(k for k, r in MEASURE_RULES.items() if r.category == "remedy")
PENALTY_AMOUNT_KINDS: frozenset[str] = frozenset(k for k, r in MEASURE_RULES.items() if r.needs_amount)

_BEFORE = (Reminder(3, Basis.WORKING, label="即将到期"), Reminder(1, Basis.WORKING, label="明日到期"))
_AFTER = (Reminder(-1, Basis.WORKING, label="催办"), Reminder(-3, Basis.WORKING, label="督办"))

#: Clocks the enforcement app needs beyond ``epb.lib.workdays.STATUTORY_CLOCKS``.
EXTRA_CLOCKS: Mapping[str, ClockSpec] = {
    spec.name: spec
    for spec in (
        ClockSpec(
            "enforcement.production_plan_filing",
            15,
            Basis.WORKING,
            reminders=_BEFORE,
            source="令30: the enterprise files its rectification plan within 15 working days "
            "and publishes it [R]",
        ),
        ClockSpec(
            "enforcement.restriction_term",
            90,
            Basis.CALENDAR,
            max_extension=275,
            reminders=_BEFORE,
            source="令30: restriction of production generally ≤3 months (counted here as 90 days), "
            "at most one year "
            "with approval [R]; the 2014 draft said 3 + 3 months [S]",
        ),
        ClockSpec(
            "enforcement.police_transfer",
            3,
            Basis.CALENDAR,
            last_day_rule=True,
            reminders=(Reminder(1, Basis.CALENDAR, label="明日到期"),),
            source="公治〔2014〕853号: case file to the police within 3 days of the transfer decision [S]",
        ),
        ClockSpec(
            "enforcement.case_conclusion",
            90,
            Basis.CALENDAR,
            last_day_rule=True,
            reminders=(Reminder(10, Basis.WORKING, label="即将到期"), *_AFTER),
            source="《行政处罚法》(2021) art. 60: conclude within 90 days of filing [R]; "
            "《环境行政处罚办法》(2010): 3 months [S]",
        ),
    )
}

#: Hearing thresholds of 《环境行政处罚听证程序规定》(2010) [R]: fines from these amounts (yuan),
#: orders to stop production, and revocations give the party a right to a hearing.
HEARING_FINE_THRESHOLD: Mapping[str, Decimal] = {"organisation": Decimal(50000), "individual": Decimal(5000)}


def hearing_right(kind: str, amount: Decimal | None, party: str = "organisation") -> bool:
    if kind in ("stop", "revoke", "closure"):
        return True
    if kind in ("fine", "daily_fine") and amount is not None:
        return amount >= HEARING_FINE_THRESHOLD[party]
    return False


#: 2023 办法 art. 67: the simple (on-the-spot) procedure allows a warning or a fine up to these (yuan) [V].
SIMPLE_PROCEDURE_CAP: Mapping[str, Decimal] = {"organisation": Decimal(3000), "individual": Decimal(200)}


def needs_case(kind: str, amount: Decimal | None, party: str = "organisation") -> bool:
    """Whether a measure must come from an opened case: every penalty and coercive measure, except
    what the simple procedure allows on the spot (a warning, or a small fine); orders to correct
    and the plan's remedies stand alone."""
    if kind in ("warning", "order") or kind in REMEDY_KINDS:
        return False
    if kind == "fine" and amount is not None:
        return amount > SIMPLE_PROCEDURE_CAP[party]
    return True


def daily_fine_days(served_on: dt.date, reinspected_on: dt.date) -> int:
    """Days of a daily fine: from the day after the correction order was served to the
    re-inspection that found the discharge continuing, both included (令28) [V]."""
    if reinspected_on <= served_on:
        raise ValueError("the re-inspection must come after the correction order was served")
    return (reinspected_on - served_on).days


def daily_fine_amount(daily: Decimal, served_on: dt.date, reinspected_on: dt.date) -> Decimal:
    """The daily amount is the original fine (令28) [V] times the days; yuan to the fen."""
    if daily <= 0:
        raise ValueError("the daily amount must be positive")
    return (daily * daily_fine_days(served_on, reinspected_on)).quantize(Decimal("0.01"))


def rectification_spec(issued_on: dt.date, deadline: dt.date) -> ClockSpec:
    """The clock of a rectification task: calendar days up to the deadline the officer set.

    The last-day rule applies (《民法典》art. 203): the enterprise is the one who must act.
    """
    days = (deadline - issued_on).days
    if days < 1:
        raise ValueError("the deadline must be after the day the task is issued")
    return ClockSpec(
        "enforcement.rectification",
        days,
        Basis.CALENDAR,
        last_day_rule=True,
        reminders=_BEFORE + _AFTER,
        source="整改期限由执法人员在整改通知中确定",
    )


# -- the compliance rate (plan 一.3 一是: industrial sources ≥80 %) -----------------------------

#: 全年工业污染源达标率达到80%以上 (plan 一.3 一是) [V].
COMPLIANCE_TARGET = Decimal("0.80")


@dataclass(frozen=True)
class DischargeCheck:
    """One assessment of the discharge item in a submitted on-site record."""

    enterprise_id: int
    grid_id: int
    compliant: bool


@dataclass
class GridCompliance:
    inspected: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)

    @property
    def inspected_count(self) -> int:
        return len(self.inspected)

    @property
    def compliant_count(self) -> int:
        return len(self.inspected - self.failed)

    @property
    def rate(self) -> Decimal | None:
        if not self.inspected:
            return None
        return (Decimal(self.compliant_count) / Decimal(len(self.inspected))).quantize(Decimal("0.0001"))

    def below(self, target: Decimal = COMPLIANCE_TARGET) -> bool:
        rate = self.rate
        return rate is not None and rate < target


def compliance_by_grid(checks: Iterable[DischargeCheck]) -> dict[int, GridCompliance]:
    """Per grid: industrial sources whose discharge item was assessed in the period, and those
    found non-compliant at least once. An enterprise is compliant for the period only if every
    assessment in the period found it compliant (docs/enforcement.md, "Compliance rate")."""
    grids: dict[int, GridCompliance] = {}
    for check in checks:
        grid = grids.setdefault(check.grid_id, GridCompliance())
        grid.inspected.add(check.enterprise_id)
        if not check.compliant:
            grid.failed.add(check.enterprise_id)
    return grids


def merge(parts: Iterable[GridCompliance]) -> GridCompliance:
    total = GridCompliance()
    for part in parts:
        total.inspected |= part.inspected
        total.failed |= part.failed
    return total


def coverage(inspected: int, total: int) -> Decimal | None:
    return None if total == 0 else (Decimal(inspected) / Decimal(total)).quantize(Decimal("0.0001"))


# -- officer assessment (plan 一.3 二是: 对执法人员的管理细) --------------------------------------

#: Weights of an officer's score (points out of 100) and what a complete record contains. Local
#: rules [L]: the plan asks for an assessment tied to duties without figures.
OFFICER_SCORING: Mapping[str, Any] = {
    "timeliness_points": 50,
    "completeness_points": 50,
    "overdue_open_penalty": 5,  # points off for each task past its due date and not done
    "completeness_parts": {
        "checklist": Decimal("0.4"),
        "photos": Decimal("0.2"),
        "location": Decimal("0.2"),
        "preparation": Decimal("0.2"),
    },
}


@dataclass(frozen=True)
class TaskFacts:
    due: dt.date
    done_on: dt.date | None
    checklist_assessed: int = 0
    checklist_total: int = len(CHECKLIST)
    photos: int = 0
    has_location: bool = False
    preparation_done: int = 0
    preparation_total: int = 0


def completeness(facts: TaskFacts, parts: Mapping[str, Decimal] | None = None) -> Decimal:
    """0 to 1: checklist items assessed, at least one photo, a location, preparation done."""
    weights = parts or OFFICER_SCORING["completeness_parts"]
    checklist = (
        Decimal(facts.checklist_assessed) / Decimal(facts.checklist_total)
        if facts.checklist_total
        else Decimal(1)
    )
    preparation = (
        Decimal(facts.preparation_done) / Decimal(facts.preparation_total)
        if facts.preparation_total
        else Decimal(1)
    )
    value = (
        weights["checklist"] * min(checklist, Decimal(1))
        + weights["photos"] * (1 if facts.photos else 0)
        + weights["location"] * (1 if facts.has_location else 0)
        + weights["preparation"] * min(preparation, Decimal(1))
    )
    return value.quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class OfficerScore:
    due: int
    on_time: int
    late: int
    open_overdue: int
    completeness: Decimal | None
    score: Decimal | None


def officer_score(
    tasks: Sequence[TaskFacts], today: dt.date, scoring: Mapping[str, Any] | None = None
) -> OfficerScore:
    """Score = timeliness share × timeliness points + mean completeness × completeness points
    − a penalty per open overdue task, within 0–100; None when nothing was due."""
    rules = scoring or OFFICER_SCORING
    due = [t for t in tasks if t.due <= today or t.done_on is not None]
    on_time = sum(1 for t in due if t.done_on is not None and t.done_on <= t.due)
    late = sum(1 for t in due if t.done_on is not None and t.done_on > t.due)
    open_overdue = sum(1 for t in due if t.done_on is None and t.due < today)
    done = [t for t in due if t.done_on is not None]
    mean = (
        (sum((completeness(t, rules["completeness_parts"]) for t in done), Decimal(0)) / len(done)).quantize(
            Decimal("0.0001")
        )
        if done
        else None
    )
    if not due:
        return OfficerScore(0, 0, 0, 0, None, None)
    timeliness = Decimal(on_time) / Decimal(len(due))
    raw = (
        timeliness * rules["timeliness_points"]
        + (mean or Decimal(0)) * rules["completeness_points"]
        - Decimal(open_overdue * rules["overdue_open_penalty"])
    )
    score = max(Decimal(0), min(Decimal(100), raw)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return OfficerScore(len(due), on_time, late, open_overdue, mean, score)


# -- S7 and S8: facility grades, representatives, drills -------------------------------------

#: Grades that make an enterprise a key supervision object: "等级较差的企业作为重点监管对象"
#: (plan 一.3 五是). Which grades count as poor is a local choice [L].
POOR_FACILITY_GRADES: frozenset[str] = frozenset({"D"})

#: Complaints in the last four quarters that make an enterprise "complaint-heavy" (信访多) for
#: an environmental representative; Fuzhou's special list uses ≥3 verified complaints a year [S][L].
COMPLAINT_HEAVY_THRESHOLD = 3

#: Emergency drills a key source holds each year: "开展好一年两次的应急演练" (plan 一.3 六是) [V].
DRILLS_PER_YEAR = 2


def drills_expected_by(today: dt.date, year: int, required: int = DRILLS_PER_YEAR) -> int:
    """Drills a source should have held by ``today`` in ``year``: all of them once the year is
    over, otherwise in proportion to the whole months gone (one by 1 July when two are required)."""
    if today.year > year:
        return required
    if today.year < year:
        return 0
    return required * (today.month - 1) // 12


def drill_status(held: int, today: dt.date, year: int, required: int = DRILLS_PER_YEAR) -> str:
    """ "ok" (done), "pending" (on track, the year is running), "behind" (fewer than expected so
    far) or "short" (the year is over and fewer were held)."""
    if held >= required:
        return "ok"
    if held < drills_expected_by(today, year, required):
        return "short" if today.year > year else "behind"
    return "pending"


def is_complaint_heavy(complaints_last_year: int, threshold: int = COMPLAINT_HEAVY_THRESHOLD) -> bool:
    return complaints_last_year >= threshold
