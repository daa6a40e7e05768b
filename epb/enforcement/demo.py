"""Demo data of grid enforcement: a year of work in Changzhou, dated relative to the day it is loaded.

An annual plan for every grid that holds pollution sources, drawn with a recorded seed; the
tasks due so far mostly done (some overdue, some under way), with on-site records, photos of
nothing but a pixel, findings and the cases they opened; a few measures with clocks running
(a seal, a fine awaiting payment, a daily fine awaiting re-inspection, a restriction); rectification
in every state; the five special actions; representatives, facility grades, colours, risk plans
and drills (some key sources short of their two drills). Idempotent: it runs once.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from epb.core import audit
from epb.core import services as core_services
from epb.core.choices import OrgLevel, Role
from epb.core.demo_data import DEMO_PASSWORD
from epb.core.models import OrgUnit, User
from epb.enforcement.choices import TaskStatus
from epb.enforcement.models import InspectionPlan, InspectionTask
from epb.enforcement.rules import CHECKLIST
from epb.enforcement.services import campaigns, cases, inspections, plans, rectification, supervision
from epb.enterprises.models import Enterprise
from epb.lib.timeutil import BEIJING

PIXEL = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OFFICER_MAIL = "officers.demo.epb"

FINDINGS = [
    ("discharge", "总排口化学需氧量快速检测超标约0.6倍", "serious", "《水污染防治法》第十条", True),
    ("solid_waste", "危险废物露天堆放，未设置标识", "general", "《固体废物污染环境防治法》第五十八条", True),
    ("facility", "废气处理设施活性炭长期未更换，运行台账缺失", "general", "《大气污染防治法》第二十条", True),
    ("construction", "新增生产线未办理环评手续", "serious", "《环境影响评价法》第二十五条", True),
    ("surroundings", "雨水排口有泡沫，疑似混入生产废水", "minor", "", False),
]


def load(stdout: Any) -> None:
    if InspectionPlan.objects.exists() or not Enterprise.objects.filter(source_class="key").exists():
        return
    today = timezone.localdate()
    rng = random.Random(2010)
    _officers()
    leader = User.objects.filter(role=Role.LEADERSHIP, is_superuser=False).order_by("pk").first()
    _last_year_sanction(today)
    grids = OrgUnit.objects.filter(level=OrgLevel.TOWN, enterprises__isnull=False).distinct().order_by("path")
    drawn = 0
    for grid in grids:
        manager = _manager(grid)
        plan = plans.create_plan(actor=manager, grid=grid, year=today.year)
        plans.draw(plan, actor=manager, seed=f"{today.year}-{grid.code}-公开抽取")
        plans.approve_plan(plan, actor=manager)
        drawn += plan.tasks.count()
    _carry_out(today, rng)
    _measures(today)
    _rectifications(today)
    if leader is not None:
        _campaigns(today, leader, rng)
    _registers(today, rng)
    stdout.write(f"  enforcement: {InspectionPlan.objects.count()} plans, {drawn} planned inspections\n")


# -- people -------------------------------------------------------------------------------


def _officers() -> None:
    """Two enforcement officers in every district bureau and one grid officer per grid with sources."""
    for district in OrgUnit.objects.filter(level=OrgLevel.DISTRICT):
        for n in (1, 2):
            username = f"jc{district.code}{n}"
            if not User.objects.filter(username=username).exists():
                core_services.create_user(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=Role.DISTRICT_STAFF,
                    org_unit=district,
                    display_name=f"{district.name}执法{n}号",
                    email=f"{username}@{OFFICER_MAIL}",
                )
    for town in OrgUnit.objects.filter(level=OrgLevel.TOWN, enterprises__isnull=False).distinct():
        if not User.objects.filter(role=Role.GRID_OFFICER, org_unit=town).exists():
            username = f"wg{town.code}"
            core_services.create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=Role.GRID_OFFICER,
                org_unit=town,
                display_name=f"{town.name}网格员",
                email=f"{username}@{OFFICER_MAIL}",
            )


def _manager(grid: OrgUnit) -> User:
    district = grid.district()
    return User.objects.filter(role=Role.DISTRICT_STAFF, org_unit=district).order_by("pk").first()  # type: ignore[return-value]


def _member(enterprise: Enterprise) -> User:
    member = enterprise.members.first()
    if member is not None:
        return member
    username = f"qy{enterprise.uscc[-8:].lower()}"
    user = core_services.create_user(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        role=Role.ENTERPRISE,
        display_name=f"{enterprise.name[:12]}环保专员",
        email=f"{username}@enterprises.demo.epb",
    )
    enterprise.members.add(user)
    return user


def _jpeg() -> io.BytesIO:
    return io.BytesIO(PIXEL)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


# -- a year of inspections ----------------------------------------------------------------


def _last_year_sanction(today: dt.date) -> None:
    """A general source fined last year: it lands on this year's special list."""
    enterprise = Enterprise.objects.filter(source_class="general").order_by("uscc").first()
    if enterprise is None:
        return
    manager = _manager(enterprise.grid)
    opened_at = _at(dt.date(today.year - 1, 9, 3), 9)
    case = cases.register_case(
        actor=manager,
        title="涂装废气直排",
        grid=enterprise.grid,
        handler=manager,
        enterprise=enterprise,
        at=opened_at,
    )
    cases.decide_case(
        case, actor=manager, open_case=True, note="予以立案", at=opened_at + dt.timedelta(days=2)
    )
    fine = cases.decide_measure(
        actor=manager,
        kind="fine",
        enterprise=enterprise,
        officer=manager,
        case=case,
        amount=Decimal("20000.00"),
        decided_on=dt.date(today.year - 1, 9, 12),
        decision_number=f"常环罚〔{today.year - 1}〕57号",
        details="涂装废气未经处理直接排放",
    )
    cases.serve_measure(fine, actor=manager, served_at=_at(dt.date(today.year - 1, 9, 14), 10))
    cases.record_payment(fine, actor=manager, paid_at=_at(dt.date(today.year - 1, 9, 25), 15), note="已缴清")
    cases.close_case(case, actor=manager, conclusion="罚款已缴清", at=_at(dt.date(today.year - 1, 9, 28), 9))


def _carry_out(today: dt.date, rng: random.Random) -> None:
    tasks = InspectionTask.objects.filter(due_date__lt=today, status=TaskStatus.PLANNED).select_related(
        "owner", "enterprise"
    )
    for index, task in enumerate(tasks.order_by("due_date", "pk")):
        roll = rng.random()
        if roll < 0.08:
            continue  # overdue: left for the officer's assessment to show
        day = task.due_date - dt.timedelta(days=rng.randint(1, 40))
        hour = 22 if task.night else rng.choice([9, 10, 14, 15])
        started = _at(day, hour, rng.choice([0, 15, 30]))
        record = inspections.start_inspection(task, actor=task.owner)
        audit.update(record, actor=None, action="enforcement.inspection.backdated", started_at=started)
        for item in ("file", "history", "monitoring", "equipment"):
            plans.tick_preparation(task, item, actor=task.owner, done=True)
        place = task.enterprise
        if place is not None and place.longitude is not None and place.latitude is not None:
            inspections.record_location(
                record,
                actor=task.owner,
                latitude=place.latitude + rng.uniform(-0.0005, 0.0005),
                longitude=place.longitude + rng.uniform(-0.0005, 0.0005),
                accuracy_m=rng.randint(5, 30),
            )
        inspections.add_photo(record, _jpeg(), actor=task.owner, name="现场.jpg", taken_at=started)
        checklist = {item: {"result": "compliant", "note": ""} for item in CHECKLIST}
        if roll < 0.55 and index % 3 != 0:
            pass  # all compliant
        elif roll < 0.9:
            # some of the problems found are at the outlet: they decide the compliance rate
            pick = 0 if rng.random() < 0.2 else index % len(FINDINGS)
            category, text, severity, basis, violation = FINDINGS[pick]
            checklist[category] = {"result": "non_compliant", "note": text}
            inspections.add_finding(
                record,
                actor=task.owner,
                category=category,
                description=text,
                severity=severity,
                legal_basis=basis,
                is_violation=violation,
            )
        inspections.save_record(
            record,
            actor=task.owner,
            checklist=checklist,
            present_person="企业环保负责人",
            summary="现场检查，企业正常生产。",
        )
        if roll > 0.97:
            continue  # under way: the officer has not submitted yet
        inspections.submit_inspection(
            record, actor=task.owner, at=started + dt.timedelta(hours=1, minutes=10)
        )
    # decide the cases the inspections opened, except the most recent, which wait for a decision
    from epb.enforcement.models import Case

    pending = list(Case.objects.filter(status="review").order_by("registered_at"))
    for case in pending[:-2]:
        manager = _manager(case.grid)
        decided = min(case.registered_at + dt.timedelta(days=3), timezone.now())
        cases.decide_case(case, actor=manager, open_case=True, note="违法事实清楚，予以立案", at=decided)


def _measures(today: dt.date) -> None:
    from epb.enforcement.models import Case

    opened = list(Case.objects.filter(status="opened", enterprise__isnull=False).order_by("registered_at"))
    plan: list[tuple[str, dict[str, Any], int, str]] = [
        ("fine", {"amount": Decimal("100000.00")}, 90, "paid"),
        ("seal", {"details": "查封含铅废水处理设施旁路阀门及相关生产设备"}, 10, ""),
        ("fine", {"amount": Decimal("80000.00")}, 6, ""),
        ("daily_fine", {"daily_amount": Decimal("50000.00")}, 12, ""),
        ("restrict", {"details": "限制生产，压减产能50%至整改完成"}, 8, ""),
        ("order", {"details": "责令改正危险废物贮存不规范行为"}, 25, ""),
        ("apology", {"details": "在《常州日报》刊登公开道歉信"}, 60, "done"),
        ("trees", {"trees": 300, "details": "在滨江绿地义务植树"}, 70, "done"),
        ("police", {"details": "通过暗管排放含重金属废水，移送公安机关行政拘留"}, 2, ""),
    ]
    for index, (kind, extra, days_ago, then) in enumerate(plan):
        if not opened:
            return
        case = opened[index % len(opened)]
        enterprise = case.enterprise
        assert enterprise is not None
        manager = _manager(case.grid)
        decided = today - dt.timedelta(days=days_ago + 2)
        measure = cases.decide_measure(
            actor=manager,
            kind=kind,
            enterprise=enterprise,
            officer=case.handler,
            case=case,
            findings=list(case.findings.all()),
            decided_on=decided,
            decision_number=f"常环罚〔{today.year}〕{20 + index}号",
            **extra,
        )
        served = _at(today - dt.timedelta(days=days_ago), 10)
        cases.serve_measure(measure, actor=case.handler, served_at=served)
        if then == "paid":
            cases.record_payment(
                measure, actor=case.handler, paid_at=served + dt.timedelta(days=10), note="缴款书已核对"
            )
            cases.publish_measure(measure, actor=manager)
        elif then == "done":
            cases.complete_measure(measure, actor=case.handler, note="已履行")
        if kind == "order":
            rectification.issue_rectification(
                actor=case.handler,
                enterprise=enterprise,
                title="规范危险废物贮存",
                measure=measure,
                requirements="建设符合规范的危废贮存间，设置标识，建立台账并按规定转移",
                deadline=today + dt.timedelta(days=10),
                officer=case.handler,
                findings=list(case.findings.all()),
                at=_at(today - dt.timedelta(days=days_ago), 10),
            )
        if kind == "seal":
            plans.schedule_follow_up(
                actor=manager,
                owner=case.handler,
                due_date=today + dt.timedelta(days=15),
                measure=measure,
                instructions="查封期满前复查整改情况",
            )


def _rectifications(today: dt.date) -> None:
    """Rectification in every state: accepted, awaiting review, sent back, running, overdue."""
    from epb.enforcement.models import Finding

    findings = list(
        Finding.objects.filter(inspection__status="submitted", inspection__enterprise__isnull=False)
        .select_related("inspection__enterprise", "inspection__task__owner")
        .order_by("inspection__submitted_at")
    )
    states = ["accepted", "submitted", "returned", "running", "overdue", "running"]
    for finding, state in zip(findings, states, strict=False):
        enterprise = finding.inspection.enterprise
        assert enterprise is not None
        officer = finding.inspection.task.owner
        if state == "overdue":
            issued, deadline = today - dt.timedelta(days=40), today - dt.timedelta(days=8)
        else:
            issued, deadline = today - dt.timedelta(days=20), today + dt.timedelta(days=15)
        task = rectification.issue_rectification(
            actor=officer,
            enterprise=enterprise,
            title=finding.description[:60],
            findings=[finding],
            requirements=f"针对“{finding.description}”落实整改，并提交整改报告和照片。",
            deadline=deadline,
            officer=officer,
            at=_at(issued, 16),
        )
        if state in ("accepted", "submitted", "returned"):
            member = _member(enterprise)
            rectification.submit_rectification(
                task,
                actor=member,
                description="已按要求完成整改，附整改后照片。",
                files=[("整改后.jpg", _jpeg())],
            )
            if state == "accepted":
                rectification.review_rectification(
                    task, actor=officer, accept=True, reason="现场复核，整改到位"
                )
            elif state == "returned":
                rectification.review_rectification(
                    task, actor=officer, accept=False, reason="台账不完整，请补充转移联单"
                )


# -- the five special actions -------------------------------------------------------------

PLACES = {
    "drinking_water": [
        ("长江魏村水厂取水口一级保护区", "魏村街道"),
        ("滆湖（西太湖）水源地保护区", "湖塘镇"),
        ("沙河水库水源地保护区", "天目湖镇"),
    ],
    "games": [
        ("省运会主场馆周边道路扬尘", "红梅街道"),
        ("运动员村周边餐饮油烟", "新闸街道"),
        ("印染厂异味扰民积案（大排查）", "茶山街道"),
    ],
    "straw": [
        ("沪宁高速常州段沿线农田", "横林镇"),
        ("S232省道金坛段两侧", "金城镇"),
        ("溧阳别桥片农田", "溧城镇"),
    ],
}


def _campaigns(today: dt.date, leader: User, rng: random.Random) -> None:
    city = OrgUnit.objects.get(level=OrgLevel.CITY, code="320400")
    towns = {t.name: t for t in OrgUnit.objects.filter(level=OrgLevel.TOWN)}
    for kind in ("drinking_water", "games", "lead", "trustworthy", "straw"):
        campaign = campaigns.create_campaign(
            actor=leader, kind=kind, year=today.year, org_unit=city, lead=leader
        )
        campaigns.sync_targets(campaign, actor=leader)
        for place, town in PLACES.get(kind, []):
            if town in towns:
                campaigns.add_place(campaign, actor=leader, place=place, grid=towns[town])
        for target in campaign.targets.select_related("grid")[:6]:
            officer = User.objects.filter(role=Role.GRID_OFFICER, org_unit=target.grid).first() or _manager(
                target.grid
            )
            due = max(
                campaign.starts_on, min(campaign.ends_on, today + dt.timedelta(days=rng.randint(-20, 20)))
            )
            task = campaigns.dispatch_patrol(
                target, actor=leader, owner=officer, due_date=due, night=kind == "straw"
            )
            if due < today:
                record = inspections.start_inspection(task, actor=officer)
                checklist = {item: {"result": "compliant", "note": ""} for item in CHECKLIST}
                if task.enterprise is None:  # a place: only its surroundings are looked at
                    checklist = {item: {"result": "not_applicable", "note": ""} for item in CHECKLIST}
                    checklist["surroundings"] = {"result": "compliant", "note": "巡查未发现问题"}
                if kind == "lead" and rng.random() < 0.5:
                    checklist["surroundings"] = {"result": "non_compliant", "note": "厂界土壤疑似铅污染"}
                    inspections.add_finding(
                        record,
                        actor=officer,
                        category="surroundings",
                        description="厂区周边土壤颜色异常，已采样送检",
                        severity="general",
                    )
                inspections.save_record(record, actor=officer, checklist=checklist)
                inspections.submit_inspection(record, actor=officer, at=_at(due, 10))


# -- S7 and S8 registers ------------------------------------------------------------------


def _registers(today: dt.date, rng: random.Random) -> None:
    keys = list(Enterprise.objects.filter(source_class="key").select_related("grid").order_by("uscc"))
    for enterprise in keys[:4]:
        if not set(enterprise.flags or []) & {"lead", "heavy_metal", "electroplating", "dyeing", "chemical"}:
            continue
        officer = User.objects.filter(role=Role.GRID_OFFICER, org_unit=enterprise.grid).first()
        if officer is None:
            continue
        rep = supervision.assign_representative(
            actor=_manager(enterprise.grid),
            enterprise=enterprise,
            officer=officer,
            reason="heavy_polluting",
            duties="督促落实重金属污染防治措施，帮助完善环境管理台账",
            assigned_on=today - dt.timedelta(days=120),
        )
        for weeks in (14, 9, 4, 1):
            supervision.log_visit(
                rep,
                actor=officer,
                visited_on=today - dt.timedelta(weeks=weeks),
                content="查看治污设施运行和台账",
                problems="加药记录不连续" if weeks == 9 else "",
                help_given="指导企业完善加药台账" if weeks == 9 else "",
            )
    grades = ["A", "B", "B", "C", "D", "B", "A", "C"]
    water = [e for e in keys if e.outlets.filter(kind="water").exists()]
    for enterprise, grade in zip(water, grades, strict=False):
        for year_back in (1, 0):
            supervision.grade_facility(
                actor=_manager(enterprise.grid),
                enterprise=enterprise,
                facility="污水处理站",
                assessed_on=dt.date(today.year - year_back, 3, 15) if year_back or today.month > 3 else today,
                grade=grade if year_back == 0 else rng.choice(["A", "B", "C"]),
                score=Decimal({"A": 92, "B": 83, "C": 71, "D": 55}[grade]),
                evidence="现场核查设施运行、出水水质、台账记录",
            )
    colours = ["green", "blue", "blue", "yellow", "green", "red", "blue", "green"]
    for enterprise, colour in zip(keys, colours * 3, strict=False):
        supervision.rate_behaviour(
            actor=_manager(enterprise.grid),
            enterprise=enterprise,
            year=today.year - 1,
            colour=colour,
            publish=True,
        )
    for index, enterprise in enumerate(keys):
        manager = _manager(enterprise.grid)
        supervision.file_risk_plan(
            actor=manager,
            enterprise=enterprise,
            title="突发环境事件应急预案",
            version=f"{today.year - 1}版",
            status="filed",
            filed_on=dt.date(today.year - 1, 6, 1),
            revise_by=dt.date(today.year + 2, 6, 1),
            summary="危险化学品泄漏、治污设施故障导致超标排放",
        )
        supervision.add_supply(
            actor=manager,
            enterprise=enterprise,
            name="应急沙袋",
            quantity=Decimal(200),
            unit="袋",
            location="应急物资库",
            checked_on=today - dt.timedelta(days=30),
        )
        supervision.add_supply(
            actor=manager,
            enterprise=enterprise,
            name="吸油毡",
            quantity=Decimal("50.5"),
            unit="kg",
            location="应急物资库",
        )
        for month in (4, 10):  # last year: two drills each
            supervision.record_drill(
                actor=manager,
                enterprise=enterprise,
                held_on=dt.date(today.year - 1, month, 18),
                scenario="危化品泄漏应急处置",
                participants=rng.randint(15, 60),
            )
        if index % 3 != 0 and today.month > 4:  # this year: a third have not drilled yet
            supervision.record_drill(
                actor=manager,
                enterprise=enterprise,
                held_on=dt.date(today.year, 4, 20),
                scenario="废水处理设施故障应急演练",
                participants=rng.randint(15, 60),
            )
