"""Demo data of the 12369 centre: four months of cases over Changzhou's grids in every state, with
replies, callbacks, reviews, extensions, a sensitive period with its daily reports, reception days,
leader-assigned cases and the listed-supervision register with cases carried over from last year.

Deterministic (a seeded random source) and idempotent: a second run finds its marker and stops.
Acts are recorded with the time they took effect (``at=…``); the audit log keeps the load time.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from epb.complaints import services
from epb.complaints.choices import Channel, Kind, ReviewOutcome, Satisfaction, Severity, Status, Urgency
from epb.complaints.models import (
    Complaint,
    DeclineReason,
    PollutionType,
    ReceptionDay,
    Supervision,
)
from epb.core import services as core_services
from epb.core.choices import OrgLevel, Role
from epb.core.demo_data import DEMO_PASSWORD
from epb.core.geography import invalidate_grid_index
from epb.core.models import Department, OrgUnit, User
from epb.lib.timeutil import BEIJING, beijing_date

MARKER = "常州市某化工园区异味扰民问题"  # the first listed-supervision title; present = loaded
CASES = 120
DAYS = 120

# Where complaints concentrate (the plan's hotspots: dense towns with industry), by town name.
HOT_TOWNS = {
    "茶山街道": 6,
    "湖塘镇": 6,
    "青龙街道": 4,
    "春江街道": 4,
    "横林镇": 3,
    "魏村街道": 3,
    "西林街道": 3,
}

# sub-type → (weight, descriptions); {place} is filled with a street or landmark.
TEXTS: dict[str, tuple[int, list[str]]] = {
    "air.odour": (
        16,
        [
            "{place}附近每天傍晚有刺鼻的化工气味，开窗就能闻到，家里老人咳嗽。",
            "{place}一带夜间有很重的臭味，怀疑附近工厂偷排废气。",
            "{place}周边有橡胶烧焦味，持续好几天了。",
        ],
    ),
    "air.industrial": (
        8,
        ["{place}工厂烟囱冒黄烟，晚上更明显。", "{place}企业废气未经处理直排，周边有异味。"],
    ),
    "air.dust": (8, ["{place}工地渣土车未覆盖，道路扬尘严重。", "{place}搅拌站粉尘很大，窗台每天一层灰。"]),
    "air.cooking": (5, ["{place}沿街饭店油烟直排，楼上住户无法开窗。"]),
    "air.burning": (3, ["{place}田边有人焚烧秸秆，浓烟很大。"]),
    "noise.construction": (
        12,
        ["{place}工地晚上十一点后还在打桩施工，严重影响休息。", "{place}夜间施工噪声扰民，凌晨还有机器声。"],
    ),
    "noise.industrial": (
        8,
        ["{place}工厂机器24小时运转，噪声很大。", "{place}企业冷却塔噪声扰民，夜里睡不着。"],
    ),
    "noise.social": (4, ["{place}广场舞音响声音太大，每天晚上到十点。"]),
    "noise.traffic": (2, ["{place}高架桥车辆噪声大，希望加装隔音屏。"]),
    "water.industrial": (
        6,
        ["{place}河里有排污口排出黑水，河水发臭。", "{place}印染厂废水颜色很深，排进了小河。"],
    ),
    "water.black_odorous": (3, ["{place}小河沟黑臭，夏天蚊虫很多。"]),
    "water.livestock": (2, ["{place}养猪场粪水直接流进河道。"]),
    "solid.dumping": (3, ["{place}有人夜里偷倒建筑垃圾和工业废料。"]),
    "solid.hazardous": (2, ["{place}厂区外堆放大量油桶，疑似危险废物。"]),
    "radiation.electromagnetic": (2, ["{place}小区楼顶新装了基站，担心辐射。"]),
    "ecology.quarry": (1, ["{place}山体被私自开挖采石。"]),
}
CONSULTATIONS = [
    "想咨询新建小区旁边的变电站环评是否公示，在哪里查询？",
    "请问装修公司的油漆气味属于环保部门管理吗？",
    "企业申请排污许可需要准备哪些材料？",
    "家里空气检测甲醛超标，可以找谁检测？",
]
PLACES = [
    "龙城大道",
    "青洋路",
    "中吴大道",
    "长江路",
    "延陵路",
    "常武路",
    "太湖路",
    "新区工业园",
    "人民路",
    "花园街",
]
NAMES = [
    "刘建国",
    "王秀英",
    "张伟",
    "李娜",
    "陈志强",
    "周晓梅",
    "吴海燕",
    "徐明",
    "孙丽",
    "朱军",
    "胡静",
    "高峰",
]
FINDINGS = [
    "执法人员现场检查，发现企业废气收集设施破损，未正常运行。",
    "经现场监测，厂界噪声夜间超过《工业企业厂界环境噪声排放标准》限值。",
    "现场检查发现施工单位未办理夜间施工许可。",
    "经排查，异味来源为周边企业喷涂工序，已责令停产整改。",
    "现场检查未发现异常排放，在线监测数据达标。",
]
REPLIES = [
    "您反映的问题经查属实。我局已责令相关企业限期整改，并将加强巡查，跟踪督促整改到位。感谢您的监督。",
    "经查，施工单位存在夜间违规施工行为，我局已会同有关部门责令其停止夜间施工，并依法立案调查。",
    "经现场检查和监测，未发现企业超标排放。我局将加大夜间巡查频次，欢迎您继续监督。",
    "相关企业已完成废气治理设施修复并经复查运行正常。如仍有异味，请随时拨打12369。",
]
CONSULT_ANSWERS = [
    "建设项目环评审批信息可在本局网站“环评公示”栏目查询，也可到行政审批窗口查阅。",
    "室内装修污染不属于环保部门执法范围，可委托有资质的检测机构检测。",
    "排污许可申请材料清单见全国排污许可证管理信息平台，也可拨打本局审批窗口电话咨询。",
]


def load(stdout: Any) -> None:
    if Supervision.objects.filter(title=MARKER).exists():
        return
    if not OrgUnit.objects.filter(level=OrgLevel.TOWN, geometry__isnull=False).exists():
        return
    invalidate_grid_index()
    people = _people()
    if people.get("juzhang") is None or people.get("xinfang") is None:
        return
    rng = random.Random(12369)
    now = timezone.now()
    periods = _sensitive_periods(people, now)
    days = _reception_days(people, rng, now)
    cases = _cases(people, rng, now, days)
    _leader_cases(people, cases, now)
    _supervision(people, cases, now)
    services.generate_daily_reports()
    from epb.core.clocks import scan_clocks

    scan_clocks()  # the present, not the start of the load: clocks started since then are included
    stdout.write(
        f"  complaints: {Complaint.objects.count()} cases, {ReceptionDay.objects.count()} reception days, "
        f"{Supervision.objects.count()} listed-supervision entries, {len(periods)} sensitive periods\n"
    )


# -- people ---------------------------------------------------------------------------------------


def _people() -> dict[str, User | None]:
    """The core demo logins, and a deputy head and the other districts' bureaus the centre needs."""
    units = {u.name: u for u in OrgUnit.objects.filter(level=OrgLevel.DISTRICT)}
    extra = [
        ("fujuzhang", Role.LEADERSHIP, "李副局长", None),
        ("zhonglou", Role.DISTRICT_STAFF, "钟楼区环保局", units.get("钟楼区")),
        ("xinbei", Role.DISTRICT_STAFF, "新北区环保局", units.get("新北区")),
        ("jintan", Role.DISTRICT_STAFF, "金坛区环保局", units.get("金坛区")),
        ("liyang", Role.DISTRICT_STAFF, "溧阳市环保局", units.get("溧阳市")),
    ]
    for username, role, name, unit in extra:
        if User.objects.filter(username=username).exists() or (role != Role.LEADERSHIP and unit is None):
            continue
        core_services.create_user(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            org_unit=unit,
            email=f"{username}@demo.epb",
            title="副局长" if role == Role.LEADERSHIP else "",
        )
    names = ["juzhang", "fujuzhang", "xinfang", "jiancha", "tianning", "wujin", "wangge", "wangge2"]
    names += ["zhonglou", "xinbei", "jintan", "liyang"]
    return {name: User.objects.filter(username=name).first() for name in names}


def _handler(grid: OrgUnit | None, people: dict[str, User | None]) -> User:
    """Who handles a case: the grid's officer, else its district's bureau, else the centre."""
    centre = people["xinfang"]
    assert centre is not None
    if grid is None:
        return centre
    local = [
        u
        for u in people.values()
        if u is not None
        and u.org_unit_id is not None
        and grid.path.startswith(u.org_unit.path)  # type: ignore[union-attr]
        and u.role in (Role.GRID_OFFICER, Role.DISTRICT_STAFF)
    ]
    local.sort(key=lambda u: 0 if u.role == Role.GRID_OFFICER else 1)
    return local[0] if local else centre


# -- time helpers ---------------------------------------------------------------------------------


def _at(base: dt.datetime, days: float, now: dt.datetime) -> dt.datetime:
    """``days`` after ``base``, never later than a few minutes ago."""
    return min(base + dt.timedelta(days=days), now - dt.timedelta(minutes=5))


def _daytime(day: dt.date, rng: random.Random) -> dt.datetime:
    # 12369 runs around the clock, but most calls come in the day and the evening.
    hour = rng.choice([8, 9, 9, 10, 10, 11, 14, 15, 16, 17, 19, 20, 21, 22, 23, 1])
    return dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=BEIJING)


# -- sensitive periods and reception days -------------------------------------------------------


def _sensitive_periods(people: dict[str, User | None], now: dt.datetime) -> list[Any]:
    leader = people["juzhang"]
    assert leader is not None
    today = beijing_date(now)
    past_start = today - dt.timedelta(days=58)
    return [
        services.save_period(
            actor=leader,
            name="国庆节及重大会议期间",
            start=past_start,
            end=past_start + dt.timedelta(days=9),
            escalate_severity=Severity.SERIOUS,
            escalate_urgency=Urgency.URGENT,
            note="实行环境信访信息日报制度",
        ),
        services.save_period(
            actor=leader,
            name="岁末年初矛盾纠纷排查期",
            start=today - dt.timedelta(days=3),
            end=today + dt.timedelta(days=10),
            escalate_severity=Severity.SERIOUS,
            escalate_urgency=Urgency.CRITICAL,
        ),
    ]


def _reception_days(
    people: dict[str, User | None], rng: random.Random, now: dt.datetime
) -> list[ReceptionDay]:
    """Every Tuesday (the plan: 每周二为局领导接访日), leaders in turn; past ones held."""
    from epb.complaints.rules import reception_dates

    centre, leaders = people["xinfang"], [people["juzhang"], people["fujuzhang"]]
    city = OrgUnit.objects.filter(level=OrgLevel.CITY).first()
    assert centre is not None and city is not None
    today = beijing_date(now)
    held: list[ReceptionDay] = []
    for index, day in enumerate(
        reception_dates(today - dt.timedelta(days=DAYS), today + dt.timedelta(days=28), 1)
    ):
        leader = leaders[index % 2] or leaders[0]
        assert leader is not None
        mode = "field" if index % 5 == 4 else "open"
        reception = services.schedule_reception(
            actor=centre,
            date=day,
            leader=leader,
            org_unit=city,
            location="市环保局一楼信访接待室" if mode == "open" else "带案下访",
            mode=mode,
        )
        if day < today:
            summary = "接待来访群众，现场交办属地环保部门办理。" if rng.random() < 0.7 else "当日无群众来访。"
            services.record_reception(reception, actor=centre, status="held", summary=summary)
            held.append(reception)
    return held


# -- cases ----------------------------------------------------------------------------------------


def _towns(rng: random.Random) -> list[OrgUnit]:
    towns = list(OrgUnit.objects.filter(level=OrgLevel.TOWN, geometry__isnull=False, is_active=True))
    weighted: list[OrgUnit] = []
    for town in towns:
        weighted += [town] * HOT_TOWNS.get(town.name, 1)
    return weighted


def _point(unit: OrgUnit, rng: random.Random) -> tuple[float, float]:
    ring = unit.geometry["coordinates"][0]  # type: ignore[index]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    return (
        round(rng.uniform(west + 0.15 * (east - west), east - 0.15 * (east - west)), 6),
        round(rng.uniform(south + 0.15 * (north - south), north - 0.15 * (north - south)), 6),
    )


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _cases(
    people: dict[str, User | None], rng: random.Random, now: dt.datetime, reception_days: list[ReceptionDay]
) -> list[Complaint]:
    from epb.enterprises.models import Enterprise

    types = {t.code: t for t in PollutionType.objects.select_related("parent")}
    towns = _towns(rng)
    firms = list(Enterprise.objects.exclude(longitude=None))
    centre = people["xinfang"]
    assert centre is not None
    today = beijing_date(now)
    made: list[Complaint] = []
    visit_days = [d for d in reception_days if "无群众来访" not in d.summary]
    for index in range(CASES):
        age = DAYS * (1 - rng.random() ** 1.3)  # a little busier recently
        day = today - dt.timedelta(days=int(age))
        received = min(_daytime(day, rng), now - dt.timedelta(hours=2))
        channel = _pick(
            rng,
            {
                Channel.PHONE: 40,
                Channel.WEB: 28,
                Channel.WECHAT: 16,
                Channel.LETTER: 8,
                Channel.VISIT: 6,
                Channel.OPEN311: 2,
            },
        )
        consultation = rng.random() < 0.08
        code = _pick(rng, {k: w for k, (w, _texts) in TEXTS.items()})
        sub = types[code]
        firm = (
            rng.choice(firms)
            if firms
            and not consultation
            and code.split(".")[0] in ("air", "water", "noise")
            and rng.random() < 0.4
            else None
        )
        if firm is not None:
            lon = round(firm.longitude + rng.uniform(-0.002, 0.002), 6)  # type: ignore[operator]
            lat = round(firm.latitude + rng.uniform(-0.002, 0.002), 6)  # type: ignore[operator]
        else:
            lon, lat = _point(rng.choice(towns), rng)
        place = rng.choice(PLACES)
        real = rng.random() < 0.72
        name = rng.choice(NAMES)
        day_of_visit = None
        if channel == Channel.VISIT and visit_days:
            day_of_visit = min(visit_days, key=lambda d: abs((d.date - day).days))
            received = min(
                dt.datetime.combine(day_of_visit.date, dt.time(9, 30), tzinfo=BEIJING),
                now - dt.timedelta(hours=2),
            )
        data = services.IntakeData(
            kind=Kind.CONSULTATION if consultation else Kind.COMPLAINT,
            channel=channel,
            description=rng.choice(CONSULTATIONS)
            if consultation
            else rng.choice(TEXTS[code][1]).format(place=place),
            pollution_type=None if consultation else sub.parent,
            sub_type=None if consultation else sub,
            longitude=None if consultation else lon,
            latitude=None if consultation else lat,
            location_source=""
            if consultation
            else ("staff" if channel in (Channel.PHONE, Channel.LETTER, Channel.VISIT) else "map"),
            address="" if consultation else f"{place}附近",
            enterprise=firm,
            anonymous=not real,
            contact=services.ContactData(
                name=name,
                phone=f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}",
                phone_verified=channel == Channel.WEB,
                address=f"{place}{rng.randrange(1, 80)}号" if channel == Channel.LETTER else "",
            )
            if real
            else None,
            severity=Severity.SERIOUS if rng.random() < 0.12 else Severity.GENERAL,
            urgency=Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL,
            is_mass=rng.random() < 0.03 or (channel == Channel.VISIT and rng.random() < 0.3),
            is_sudden=index == 17,
            received_at=received,
            reception_day=day_of_visit,
            visitors=rng.choice([1, 1, 2, 3, 6]) if channel == Channel.VISIT else 0,
            channel_detail="12345政府服务热线" if channel == Channel.OPEN311 else "",
        )
        staff_channel = channel in (Channel.PHONE, Channel.LETTER, Channel.VISIT)
        complaint = services.submit(data, actor=centre if staff_channel else None)
        made.append(_progress(complaint, people, rng, now))
    _duplicates(made, people, rng, now)
    _reviews(made, people, now)
    return made


def _progress(
    complaint: Complaint, people: dict[str, User | None], rng: random.Random, now: dt.datetime
) -> Complaint:
    """Take a case as far as its age allows: triage, acceptance or refusal, handling, reply,
    callback, and now and then an extension, a re-handling or a 复查."""
    centre, leaders = people["xinfang"], [people["juzhang"], people["fujuzhang"]]
    assert centre is not None
    received = complaint.received_at
    age = (now - received).total_seconds() / 86400
    if complaint.kind == Kind.CONSULTATION:
        if age > 2:
            services.save_reply(
                complaint,
                actor=centre,
                text=rng.choice(CONSULT_ANSWERS),
                submit=True,
                at=_at(received, rng.uniform(0.2, 4), now),
            )
        return complaint
    if complaint.needs_triage:
        if age < 1:
            return complaint  # still in the centre's queue
        when = _at(received, rng.uniform(0.1, 1.5), now)
        agency = complaint.suggested_agency
        # Construction noise is shared with 住建 locally: about half stays with the bureau.
        share = 0.5 if agency is not None and agency.code == "zhujian" else 0.85
        if complaint.suggested_agency is not None and rng.random() < share:
            return services.transfer(
                complaint,
                actor=centre,
                agency=complaint.suggested_agency,
                reason=f"属{complaint.suggested_agency.name}职责，已移送并告知举报人",
                at=when,
            )
        grid = complaint.grid
        if grid is None:
            return complaint
        inspection = Department.objects.filter(code="inspection").first()
        complaint = services.route(
            complaint, actor=centre, grid=grid, department=inspection, reason="经核实属环保职责"
        )
    if age < 2.5:
        return complaint  # waiting for acceptance
    handler = _handler(complaint.grid, people)
    accept_at = _at(received, rng.uniform(0.1, min(6, max(0.2, age - 0.5))), now)
    if rng.random() < 0.07:
        reason = rng.choice(list(DeclineReason.objects.filter(code__in=["vague", "in_progress", "not_epb"])))
        return services.decline(complaint, actor=handler, reason=reason, note="经核实", at=accept_at)
    complaint = services.assign(complaint, actor=handler, handler=handler, at=accept_at)
    complaint = services.accept(complaint, actor=handler, note="属实，予以受理", at=accept_at)
    handling_age = (now - accept_at).total_seconds() / 86400
    reply_after = rng.uniform(8, 58) if rng.random() > 0.05 else rng.uniform(61, 75)  # a few run late
    if rng.random() < 0.25 and handling_age > 40 and reply_after > 45:
        # A complex case: the handler asks for more time on day 40 and a leader approves.
        request_at = _at(accept_at, 40, now)
        services.request_extension(complaint, actor=handler, days=30, reason="需委托第三方监测，情况复杂")
        complaint.refresh_from_db()
        leader = leaders[0]
        assert leader is not None
        complaint = services.decide_extension(
            complaint, actor=leader, approve=True, note="同意延期", at=request_at
        )
    if handling_age < reply_after:
        return complaint  # still being handled
    submit_at = _at(accept_at, reply_after, now)
    services.save_reply(
        complaint,
        actor=handler,
        text=rng.choice(REPLIES),
        findings=rng.choice(FINDINGS),
        submit=True,
        at=submit_at,
    )
    complaint.refresh_from_db()
    if (now - submit_at).days < 5 and rng.random() < 0.6:
        return complaint  # on a leader's desk for signature
    signer = rng.choice([leader for leader in leaders if leader is not None])
    sign_at = _at(submit_at, rng.uniform(0.2, 2), now)
    services.sign_reply(
        complaint.replies.get(status="pending"), actor=signer, approve=True, note="同意", at=sign_at
    )
    complaint.refresh_from_db()
    if rng.random() < 0.35:
        complaint = services.publish(
            complaint, actor=centre, public_summary=complaint.description, photos=False
        )
    if not complaint.real_name or (now - sign_at).days < 2:
        return complaint
    callback_at = _at(sign_at, rng.uniform(1, 5), now)
    if rng.random() < 0.1:
        services.record_callback(complaint, actor=centre, reached=False, at=callback_at)
        callback_at = _at(callback_at, 1, now)
    satisfaction = _pick(
        rng, {Satisfaction.SATISFIED: 68, Satisfaction.BASIC: 22, Satisfaction.UNSATISFIED: 10}
    )
    services.record_callback(
        complaint,
        actor=centre,
        reached=True,
        satisfaction=satisfaction,
        comment="" if satisfaction != Satisfaction.UNSATISFIED else "问题仍未解决，晚上还有",
        at=callback_at,
    )
    complaint.refresh_from_db()
    if complaint.status == Status.ACCEPTED and (now - callback_at).days > 10:
        # Handled again after an unsatisfied callback, and replied.
        again = _at(callback_at, rng.uniform(5, 12), now)
        services.save_reply(
            complaint,
            actor=handler,
            text="经再次调查，企业已完成整改并经复查验收。",
            findings="复查合格",
            submit=True,
            at=again,
        )
        complaint.refresh_from_db()
        services.sign_reply(
            complaint.replies.get(status="pending"), actor=signer, approve=True, at=_at(again, 1, now)
        )
        complaint.refresh_from_db()
    return complaint


def _reviews(made: list[Complaint], people: dict[str, User | None], now: dt.datetime) -> None:
    """Three complainants ask for 复查: one upheld, one sent back to be handled again, one open."""
    centre, leader = people["xinfang"], people["juzhang"]
    assert centre is not None and leader is not None
    candidates = [
        c
        for c in made
        if c.status == Status.REPLIED
        and c.replied_at is not None
        and c.review_window_ends_at is not None
        and (now - c.replied_at).days >= 6
    ]
    for index, complaint in enumerate(candidates[:3]):
        assert complaint.replied_at is not None and complaint.review_window_ends_at is not None
        requested = min(
            _at(complaint.replied_at, 5, now), complaint.review_window_ends_at - dt.timedelta(hours=1)
        )
        review = services.request_review(
            complaint, actor=centre, reason="对答复意见不服，要求复查", requested_at=requested
        )
        if index == 2:
            continue  # still to be decided
        upheld = index == 0
        services.decide_review(
            review,
            actor=leader,
            outcome=ReviewOutcome.UPHELD if upheld else ReviewOutcome.REVISED,
            decision="经复查，原处理意见事实清楚，维持原答复意见。"
            if upheld
            else "经复查，原调查不够深入，责成属地重新调查处理。",
            at=_at(requested, 1, now),
        )


def _duplicates(
    made: list[Complaint], people: dict[str, User | None], rng: random.Random, now: dt.datetime
) -> None:
    """A few citizens add to a case already open nearby (并案)."""
    open_cases = [c for c in made if c.status == Status.ACCEPTED and c.longitude is not None]
    for original in open_cases[:4]:
        received = _at(original.received_at, 2, now)
        if received <= original.received_at:
            continue
        services.submit(
            services.IntakeData(
                kind=Kind.COMPLAINT,
                channel=Channel.WEB,
                description="我也闻到了同样的气味，补充反映。",
                pollution_type=original.pollution_type,
                sub_type=original.sub_type,
                longitude=original.longitude,
                latitude=original.latitude,
                location_source="map",
                anonymous=True,
                received_at=received,
                add_to=original,
            ),
            actor=None,
        )


# -- leaders' cases and the supervision register ------------------------------------------------


def _leader_cases(people: dict[str, User | None], cases: list[Complaint], now: dt.datetime) -> None:
    leader, deputy = people["juzhang"], people["fujuzhang"] or people["juzhang"]
    assert leader is not None and deputy is not None
    serious = [
        c
        for c in cases
        if (c.is_mass or c.severity >= Severity.SERIOUS) and c.status in (Status.ACCEPTED, Status.REPLIED)
    ]
    for index, complaint in enumerate(serious[:4]):
        who = leader if index % 2 == 0 else deputy
        when = _at(complaint.accepted_at or complaint.received_at, 1, now)
        case = services.assign_leader(
            complaint,
            actor=leader,
            leader=who,
            instructions="请属地环保局会同街道一周内拿出整改方案，每周报告进展，确保矛盾不激化。",
            due_date=beijing_date(now) + dt.timedelta(days=20),
            at=when,
        )
        services.instruct(case, actor=who, text="整改方案已阅，请加快推进。")
        if complaint.status == Status.REPLIED and index == 0:
            services.close_leader_case(case, actor=who, result="企业完成整改，群众表示满意，矛盾化解。")


def _supervision(people: dict[str, User | None], cases: list[Complaint], now: dt.datetime) -> None:
    """Last year's register (three cases not finished are carried into this year, as the plan
    did from 2009 into 2010; one was delisted) and this year's new listings."""
    from epb.enterprises.models import Enterprise

    leader = people["juzhang"]
    assert leader is not None
    today = beijing_date(now)
    this, last = today.year, today.year - 1
    towns = {u.name: u for u in OrgUnit.objects.filter(level=OrgLevel.TOWN)}
    firms = list(Enterprise.objects.order_by("name")[:6])

    def firm(i: int) -> Any:
        return firms[i] if i < len(firms) else None

    carried_titles = [
        (
            MARKER,
            "茶山街道",
            "园区管委会、茶山街道办事处",
            ["完成园区企业废气收集治理", "建设园区异味在线监测预警系统", "实施园区周边绿化隔离带"],
        ),
        (
            "武进区湖塘镇印染企业集中区废水问题",
            "湖塘镇",
            "武进区人民政府",
            ["关停不达标印染企业", "污水处理厂提标改造", "完成雨污分流"],
        ),
        (
            "新北区魏村街道化工企业噪声扰民问题",
            "魏村街道",
            "新北区环保局、魏村街道办事处",
            ["企业噪声源降噪改造", "搬迁高噪声生产线"],
        ),
    ]
    for index, (title, town, unit, actions) in enumerate(carried_titles):
        grid = towns.get(town) or next(iter(towns.values()))
        item = services.list_case(
            actor=leader,
            year=last,
            title=title,
            description="群众反复投诉，问题长期未得到解决，经研究列入挂牌督办。",
            grid=grid,
            enterprise=firm(index),
            responsible_unit=unit,
            listed_at=dt.date(last, 3, 15),
            deadline=dt.date(last, 12, 31),
            actions=[(text, unit, dt.date(last, 6 + 2 * n, 30)) for n, text in enumerate(actions)],
            co_supervisor="市纪委（监察局）",
            listing_notice=f"经研究，对“{title}”实行挂牌督办，请责任单位按期完成整改。",
        )
        first = item.actions.first()
        if first is not None:
            services.complete_action(
                first, actor=leader, done_at=dt.date(last, 8, 20), note="已完成并经现场验收"
            )
        services.carry_over(item, actor=leader, deadline=dt.date(this, 12, 31), note="整改措施尚未全部落实。")

    done = services.list_case(
        actor=leader,
        year=last,
        title="钟楼区邹区镇电镀企业重金属排放问题",
        description="群众多次举报电镀废水偷排。",
        grid=towns.get("邹区镇") or next(iter(towns.values())),
        enterprise=firm(3),
        responsible_unit="钟楼区环保局",
        listed_at=dt.date(last, 4, 1),
        deadline=dt.date(last, 10, 31),
        actions=[
            ("停产整治", "企业", dt.date(last, 6, 30)),
            ("安装重金属在线监测", "企业", dt.date(last, 9, 30)),
        ],
        co_supervisor="市纪委（监察局）",
        listing_notice="对邹区镇电镀企业重金属排放问题实行挂牌督办。",
    )
    for action in done.actions.all():
        services.complete_action(action, actor=leader, done_at=dt.date(last, 9, 15), note="已完成")
    services.delist(
        done, actor=leader, on=dt.date(last, 10, 20), notice="经验收，整改措施全部落实，解除挂牌督办。"
    )

    hot = [c for c in cases if c.is_repeat and c.grid is not None] or [c for c in cases if c.grid is not None]
    for index, (title, actions) in enumerate(
        [
            ("城区夜间建筑施工噪声扰民问题", ["严格夜间施工审批", "对违规工地依法处罚"]),
            ("横林镇地板企业粉尘污染问题", ["完成除尘设施改造", "规范原料堆场"]),
        ]
    ):
        source = hot[index % len(hot)] if hot else None
        grid = source.grid if source is not None and source.grid is not None else next(iter(towns.values()))
        if index == 1 and "横林镇" in towns:
            grid, source = towns["横林镇"], None
        services.list_case(
            actor=leader,
            year=this,
            title=title,
            description="年内群众投诉集中，列入本年度挂牌督办。",
            grid=grid,
            responsible_unit=f"{getattr(grid.district(), 'name', '')}环保局",
            listed_at=min(today, dt.date(this, 5, 10)),
            deadline=dt.date(this, 12, 31),
            actions=[(text, "属地政府", None) for text in actions],
            complaints=[source] if source is not None else [],
            co_supervisor="市纪委（监察局）",
            listing_notice=f"对“{title}”实行挂牌督办。",
        )
