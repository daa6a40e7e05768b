"""What this app hangs on the layers below it: rows of the enterprise's compliance history,
sections of the enterprise page, and reactions to its own clocks. Called from ``apps.ready``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epb.lib.timeutil import beijing_date


def _inspections(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    from epb.enforcement.models import Inspection
    from epb.enterprises.history import count_by_quarter

    times = Inspection.objects.filter(
        enterprise=enterprise, status="submitted", submitted_at__gte=start, submitted_at__lt=end
    ).values_list("submitted_at", flat=True)
    return count_by_quarter(times)


def _violations(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, list[str]]:
    from epb.enforcement.models import Finding
    from epb.enterprises.history import items_by_quarter

    rows = Finding.objects.filter(
        inspection__enterprise=enterprise,
        inspection__status="submitted",
        inspection__submitted_at__gte=start,
        inspection__submitted_at__lt=end,
        is_violation=True,
    ).values_list("inspection__submitted_at", "description")
    return items_by_quarter((when, text[:60]) for when, text in rows)


def _measures_between(enterprise: Any, start: dt.datetime, end: dt.datetime) -> Any:
    from epb.enforcement.models import Measure

    return Measure.objects.filter(
        enterprise=enterprise, decided_on__gte=beijing_date(start), decided_on__lt=beijing_date(end)
    )


def _measures(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, list[str]]:
    from epb.enforcement.choices import MeasureKind
    from epb.enforcement.rules import REMEDY_KINDS
    from epb.enterprises.history import items_by_quarter

    labels = dict(MeasureKind.choices)
    rows = (
        _measures_between(enterprise, start, end)
        .exclude(kind__in=REMEDY_KINDS)
        .values_list("decided_on", "kind")
    )
    return items_by_quarter((day, str(labels[kind])) for day, kind in rows)


def _serious(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    from epb.enforcement.rules import SERIOUS_KINDS
    from epb.enterprises.history import count_by_quarter

    return count_by_quarter(
        _measures_between(enterprise, start, end)
        .filter(kind__in=SERIOUS_KINDS)
        .values_list("decided_on", flat=True)
    )


def _penalties(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    from epb.enforcement.rules import PENALTY_AMOUNT_KINDS
    from epb.enterprises.history import sum_by_quarter

    rows = _measures_between(enterprise, start, end).filter(
        kind__in=PENALTY_AMOUNT_KINDS, amount__isnull=False
    )
    return sum_by_quarter(rows.values_list("decided_on", "amount"))


def _remedies(enterprise: Any, start: dt.datetime, end: dt.datetime) -> dict[str, list[str]]:
    from epb.enforcement.choices import MeasureKind
    from epb.enforcement.rules import REMEDY_KINDS
    from epb.enterprises.history import items_by_quarter

    labels = dict(MeasureKind.choices)
    rows = (
        _measures_between(enterprise, start, end)
        .filter(kind__in=REMEDY_KINDS)
        .values_list("decided_on", "kind")
    )
    return items_by_quarter((day, str(labels[kind])) for day, kind in rows)


# -- sections of the enterprise page --------------------------------------------------------


def _rectification_section(enterprise: Any, user: Any) -> Any:
    from epb.enforcement.models import Rectification
    from epb.enterprises.sections import Link, Section

    rows = [
        [Link(r.title, r.get_absolute_url()), f"{r.deadline:%Y-%m-%d}", str(r.get_status_display())]
        for r in Rectification.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .order_by("-issued_at")[:10]
    ]
    return Section(_("整改任务"), [_("整改事项"), _("期限"), _("状态")], rows, empty=_("没有整改任务。"))


def _measure_section(enterprise: Any, user: Any) -> Any:
    from epb.enforcement.models import Measure
    from epb.enterprises.sections import Link, Section

    rows = [
        [
            Link(str(m.get_kind_display()), m.get_absolute_url()),
            f"{m.decided_on:%Y-%m-%d}",
            f"{m.amount:,.2f}" if m.amount is not None else "",
            str(m.get_status_display()),
        ]
        for m in Measure.objects.visible_to(user).filter(enterprise=enterprise)[:10]
    ]
    return Section(
        _("执法措施"), [_("措施"), _("决定日期"), _("罚款（元）"), _("状态")], rows, empty=_("没有执法措施。")
    )


def _inspection_section(enterprise: Any, user: Any) -> Any:
    from epb.enforcement.models import Inspection
    from epb.enterprises.sections import Link, Section

    rows = []
    for inspection in (
        Inspection.objects.visible_to(user)
        .filter(enterprise=enterprise, status="submitted")
        .select_related("task")
        .order_by("-submitted_at")[:10]
    ):
        marks = [
            str(label)
            for flag, label in (
                (inspection.night, _("夜间")),
                (inspection.holiday, _("节假日")),
                (inspection.surprise, _("飞行")),
            )
            if flag
        ]
        rows.append(
            [
                Link(
                    f"{timezone.localtime(inspection.submitted_at or inspection.started_at):%Y-%m-%d}",
                    inspection.get_absolute_url(),
                ),
                str(inspection.task.get_kind_display()),
                "、".join(marks),
                str(inspection.findings.count()),
            ]
        )
    return Section(
        _("现场检查"),
        [_("日期"), _("类型"), _("检查方式"), _("发现问题")],
        rows,
        empty=_("没有现场检查记录。"),
    )


def _supervision_section(enterprise: Any, user: Any) -> Any:
    from epb.enforcement import conf, rules
    from epb.enforcement.models import BehaviourRating, Drill, FacilityGrade, Representative, RiskPlan
    from epb.enforcement.services.supervision import latest_grades
    from epb.enterprises.sections import Link, Section

    rows: list[list[Any]] = []
    for rep in Representative.objects.visible_to(user).filter(enterprise=enterprise, ended_on=None):
        rows.append(
            [_("环保代表"), Link(str(rep.officer), rep.get_absolute_url()), str(rep.get_reason_display())]
        )
    poor = conf.poor_facility_grades()
    for grade in latest_grades(FacilityGrade.objects.visible_to(user).filter(enterprise=enterprise)):
        note = _("重点监管对象") if grade.grade in poor else ""
        rows.append([_("设施等级：%(f)s") % {"f": grade.facility}, str(grade.get_grade_display()), str(note)])
    rating = BehaviourRating.objects.visible_to(user).filter(enterprise=enterprise).first()
    if rating is not None:
        rows.append([_("环境行为等级"), f"{rating.year}", str(rating.get_colour_display())])
    plan = RiskPlan.objects.visible_to(user).filter(enterprise=enterprise).first()
    if plan is not None:
        rows.append([_("风险应急预案"), plan.title, str(plan.get_status_display())])
    today = timezone.localdate()
    if enterprise.source_class == "key":
        held = Drill.objects.visible_to(user).filter(enterprise=enterprise, held_on__year=today.year).count()
        status = rules.drill_status(held, today, today.year, conf.drills_per_year())
        rows.append([_("今年应急演练"), f"{held} / {conf.drills_per_year()}", str(DRILL_STATUS[status])])
    return Section(_("环境监管与应急管理"), [_("事项"), _("情况"), _("说明")], rows, empty=_("没有记录。"))


DRILL_STATUS = {"ok": _("已完成"), "pending": _("进行中"), "behind": _("进度滞后"), "short": _("未完成")}


def register() -> None:
    from epb.core.clocks import register_handler
    from epb.enforcement.services.rectification import on_clock
    from epb.enterprises.history import register_history_provider
    from epb.enterprises.sections import register_section

    register_history_provider("inspections", _("现场检查"), _inspections, order=20)
    register_history_provider("violations", _("检查发现违法问题"), _violations, order=30, status="violation")
    register_history_provider("measures", _("执法措施"), _measures, order=40)
    register_history_provider(
        "serious_measures",
        _("严重违法措施（按日、封、停、关、抓、吊）"),
        _serious,
        order=41,
        status="serious",
    )
    register_history_provider("penalties", _("罚款"), _penalties, order=50, unit=_("元"))
    register_history_provider("remedies", _("公开道歉、义务植树"), _remedies, order=60)
    register_section("enforcement_rectifications", _rectification_section, order=30)
    register_section("enforcement_measures", _measure_section, order=31)
    register_section("enforcement_inspections", _inspection_section, order=32)
    register_section("enforcement_supervision", _supervision_section, order=33)
    register_handler("enforcement.rectification", on_clock)
