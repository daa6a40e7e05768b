"""Bulletins (S3) and officer assessment (S4), built once as ``epb.lib.documents`` documents and
rendered as a web page, Word and Excel. Everything is read through ``visible_to(user)``.

Compliance rate of a grid for a period (docs/enforcement.md): among the grid's industrial
sources whose discharge item (污染源达标排放) was assessed in an on-site record submitted in the
period, the share found compliant every time it was assessed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from epb.core.choices import OrgLevel, Role
from epb.core.models import Attachment, OrgUnit, User
from epb.enforcement import conf, rules
from epb.enforcement.choices import (
    BulletinPeriod,
    CheckResult,
    InspectionStatus,
    MeasureKind,
    PreparationItem,
    TaskStatus,
)
from epb.enforcement.models import Finding, Inspection, InspectionTask, Measure
from epb.enterprises.choices import EnterpriseStatus, SourceClass
from epb.enterprises.models import Enterprise
from epb.enterprises.rules import is_industrial
from epb.lib.documents import Chart, Column, ColumnKind, Document, Heading, KeyValueList, Paragraph, Table
from epb.lib.timeutil import beijing_date, iso_week, month_bounds, quarter_bounds, week_bounds, year_bounds

# -- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.datetime  # aware UTC, inclusive
    end: dt.datetime  # aware UTC, exclusive
    label: str

    @property
    def first_day(self) -> dt.date:
        return beijing_date(self.start)

    @property
    def last_day(self) -> dt.date:
        return beijing_date(self.end) - dt.timedelta(days=1)


def period_of(kind: str, day: dt.date) -> Period:
    if kind == BulletinPeriod.WEEK:
        start, end = week_bounds(day)
        year, week = iso_week(day)
        label = _("%(y)d年第%(w)d周") % {"y": year, "w": week}
    elif kind == BulletinPeriod.MONTH:
        start, end = month_bounds(day)
        label = _("%(y)d年%(m)d月") % {"y": day.year, "m": day.month}
    elif kind == BulletinPeriod.QUARTER:
        start, end = quarter_bounds(day)
        label = _("%(y)d年第%(q)d季度") % {"y": day.year, "q": (day.month - 1) // 3 + 1}
    elif kind == BulletinPeriod.YEAR:
        start, end = year_bounds(day)
        label = _("%(y)d年") % {"y": day.year}
    else:
        raise ValueError(f"unknown period {kind!r}")
    return Period(str(kind), start, end, label)


# -- per-grid figures -----------------------------------------------------------------------


@dataclass
class GridRow:
    unit: OrgUnit
    district: OrgUnit | None
    sources: int = 0  # industrial sources not closed
    key_sources: int = 0
    inspected: set[int] = field(default_factory=set)
    key_inspected: set[int] = field(default_factory=set)
    compliance: rules.GridCompliance = field(default_factory=rules.GridCompliance)
    inspections: int = 0
    night: int = 0
    holiday: int = 0
    surprise: int = 0
    findings: int = 0
    violations: int = 0
    measures: Counter[str] = field(default_factory=Counter)
    penalties: Decimal = Decimal(0)

    @property
    def rate(self) -> Decimal | None:
        return self.compliance.rate

    @property
    def coverage(self) -> Decimal | None:
        return rules.coverage(len(self.inspected), self.sources)

    @property
    def key_coverage(self) -> Decimal | None:
        return rules.coverage(len(self.key_inspected), self.key_sources)

    @property
    def measure_count(self) -> int:
        return sum(self.measures.values())


def _town_of(path: str, towns: dict[str, OrgUnit]) -> OrgUnit | None:
    for part in path.strip("/").split("/"):
        unit = towns.get(part)
        if unit is not None:
            return unit
    return None


def grid_rows(user: Any, period: Period) -> list[GridRow]:
    """One row per town/street grid the user may see, with the period's figures."""
    units = list(
        OrgUnit.objects.visible_to(user)
        .filter(level=OrgLevel.TOWN, is_active=True)
        .order_by("path", "sort_order")
    )
    towns = {str(u.pk): u for u in units}
    districts = {u.pk: u for u in OrgUnit.objects.filter(pk__in={u.parent_id for u in units if u.parent_id})}
    rows = {u.pk: GridRow(u, districts.get(u.parent_id) if u.parent_id else None) for u in units}

    def row_for(path: str) -> GridRow | None:
        town = _town_of(path, towns)
        return rows.get(town.pk) if town is not None else None

    industrial: set[int] = set()
    for enterprise in (
        Enterprise.objects.visible_to(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .select_related("grid")
        .only("pk", "industry_code", "source_class", "grid__path")
    ):
        row = row_for(enterprise.grid.path)
        if row is None or not is_industrial(enterprise.industry_code):
            continue
        industrial.add(enterprise.pk)
        row.sources += 1
        if enterprise.source_class == SourceClass.KEY:
            row.key_sources += 1
    keys = set(
        Enterprise.objects.visible_to(user).filter(source_class=SourceClass.KEY).values_list("pk", flat=True)
    )
    inspections = (
        Inspection.objects.visible_to(user)
        .filter(
            status=InspectionStatus.SUBMITTED, submitted_at__gte=period.start, submitted_at__lt=period.end
        )
        .select_related("grid")
    )
    checks: list[tuple[GridRow, rules.DischargeCheck]] = []
    for inspection in inspections:
        row = row_for(inspection.grid.path)
        if row is None:
            continue
        row.inspections += 1
        row.night += int(inspection.night)
        row.holiday += int(inspection.holiday)
        row.surprise += int(inspection.surprise)
        enterprise_id = inspection.enterprise_id
        if enterprise_id is None or enterprise_id not in industrial:
            continue
        row.inspected.add(enterprise_id)
        if enterprise_id in keys:
            row.key_inspected.add(enterprise_id)
        result = inspection.result_of(rules.DISCHARGE_ITEM)
        if result in (CheckResult.COMPLIANT, CheckResult.NON_COMPLIANT):
            checks.append(
                (row, rules.DischargeCheck(enterprise_id, row.unit.pk, result == CheckResult.COMPLIANT))
            )
    for row, check in checks:
        row.compliance.inspected.add(check.enterprise_id)
        if not check.compliant:
            row.compliance.failed.add(check.enterprise_id)
    for category_violation, path in (
        Finding.objects.visible_to(user)
        .filter(
            inspection__status=InspectionStatus.SUBMITTED,
            inspection__submitted_at__gte=period.start,
            inspection__submitted_at__lt=period.end,
        )
        .values_list("is_violation", "inspection__grid__path")
    ):
        row = row_for(path)
        if row is not None:
            row.findings += 1
            row.violations += int(category_violation)
    for kind, amount, path in (
        Measure.objects.visible_to(user)
        .filter(decided_on__gte=period.first_day, decided_on__lte=period.last_day)
        .exclude(kind__in=rules.REMEDY_KINDS)
        .values_list("kind", "amount", "grid__path")
    ):
        row = row_for(path)
        if row is not None:
            row.measures[kind] += 1
            row.penalties += amount or Decimal(0)
    return list(rows.values())


def total_compliance(rows: list[GridRow]) -> rules.GridCompliance:
    return rules.merge(r.compliance for r in rows)


# -- the bulletin ---------------------------------------------------------------------------


def bulletin(user: Any, period: Period, *, organization: str = "") -> Document:
    target = conf.compliance_target()
    # Grids without industrial sources and without inspections have nothing to report.
    rows = [r for r in grid_rows(user, period) if r.sources or r.inspections]
    total = total_compliance(rows)
    below = [r for r in rows if r.compliance.below(target)]
    inspected = sum(len(r.inspected) for r in rows)
    sources = sum(r.sources for r in rows)
    measures: Counter[str] = Counter()
    for r in rows:
        measures.update(r.measures)
    labels = dict(MeasureKind.choices)
    summary = KeyValueList(
        [
            (_("工业污染源达标率"), _percent_text(total.rate)),
            (_("达标率目标"), _percent_text(target)),
            (_("达标率低于目标的网格"), f"{len(below)}"),
            (_("检查工业污染源（家）"), f"{inspected} / {sources}"),
            (_("现场检查（次）"), f"{sum(r.inspections for r in rows)}"),
            (
                _("其中夜间、节假日、飞行检查（次）"),
                "、".join(str(sum(getattr(r, k) for r in rows)) for k in ("night", "holiday", "surprise")),
            ),
            (_("发现问题（项）"), f"{sum(r.findings for r in rows)}"),
            (_("其中违法问题（项）"), f"{sum(r.violations for r in rows)}"),
            (_("执法措施（件）"), f"{sum(measures.values())}"),
            (_("罚款金额（元）"), f"{sum((r.penalties for r in rows), Decimal(0)):,.2f}"),
        ],
        title=_("总体情况"),
    )
    columns = [
        Column(_("辖市区")),
        Column(_("网格")),
        Column(_("工业污染源"), ColumnKind.INTEGER, unit=_("家")),
        Column(_("已检查"), ColumnKind.INTEGER, unit=_("家")),
        Column(_("检查覆盖率"), ColumnKind.PERCENT),
        Column(_("检查达标排放"), ColumnKind.INTEGER, unit=_("家")),
        Column(_("达标"), ColumnKind.INTEGER, unit=_("家")),
        Column(_("达标率"), ColumnKind.PERCENT),
        Column(_("发现问题"), ColumnKind.INTEGER, unit=_("项")),
        Column(_("违法问题"), ColumnKind.INTEGER, unit=_("项")),
        Column(_("执法措施"), ColumnKind.INTEGER, unit=_("件")),
        Column(_("评价")),
    ]
    table_rows = [
        [
            r.district.name if r.district else "",
            r.unit.name,
            r.sources,
            len(r.inspected),
            r.coverage,
            r.compliance.inspected_count,
            r.compliance.compliant_count,
            r.rate,
            r.findings,
            r.violations,
            r.measure_count,
            _verdict(r.rate, target),
        ]
        for r in rows
    ]
    grid_table = Table(
        columns,
        table_rows,
        caption=_("各网格工业污染源达标率"),
        footnote=_(
            "达标率 = 本期现场检查中“污染源达标排放”项经检查且每次均为“符合”的工业污染源数"
            " ÷ 本期该项经检查的工业污染源数；目标 ≥ %(t)s。"
        )
        % {"t": _percent_text(target)},
        sheet_name=_("网格达标率"),
    )
    blocks: list[Any] = [
        Paragraph(
            _(
                "本期（%(from)s 至 %(to)s）以乡镇、街道为网格单元开展环境现场执法检查，"
                "现将各网格检查企业达标率、检查覆盖和执法情况通报如下。"
            )
            % {"from": period.first_day, "to": period.last_day}
        ),
        summary,
        Heading(_("一、各网格达标率")),
        grid_table,
    ]
    rated = [r for r in rows if r.rate is not None]
    if rated:
        blocks.append(
            Chart(
                _("各网格工业污染源达标率"),
                _rate_chart(rated, target),
                Table(
                    [Column(_("网格")), Column(_("达标率"), ColumnKind.PERCENT)],
                    [[r.unit.name, r.rate] for r in rated],
                    caption=_("达标率（图表数据）"),
                ),
            )
        )
    blocks.append(Heading(_("二、达标率低于目标的网格")))
    if below:
        blocks.append(
            Table(
                [
                    Column(_("辖市区")),
                    Column(_("网格")),
                    Column(_("达标率"), ColumnKind.PERCENT),
                    Column(_("不达标企业"), ColumnKind.INTEGER, unit=_("家")),
                ],
                [
                    [r.district.name if r.district else "", r.unit.name, r.rate, len(r.compliance.failed)]
                    for r in below
                ],
                caption=_("低于目标的网格"),
                sheet_name=_("未达标网格"),
            )
        )
    else:
        blocks.append(Paragraph(_("本期没有达标率低于目标的网格。")))
    blocks.append(Heading(_("三、执法措施")))
    blocks.append(
        Table(
            [Column(_("措施")), Column(_("件数"), ColumnKind.INTEGER)],
            [[str(labels[k]), measures[k]] for k in MeasureKind.values if measures.get(k)] or [[_("无"), 0]],
            caption=_("执法措施（限、吊、停、封、关、抓等）"),
            sheet_name=_("执法措施"),
        )
    )
    return Document(
        title=_("网格化环境监管通报"),
        subtitle=period.label,
        organization=organization,
        date=timezone.localdate(),
        blocks=blocks,
    )


def _percent_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def _verdict(rate: Decimal | None, target: Decimal) -> str:
    if rate is None:
        return _("本期未检查")
    return _("达标") if rate >= target else _("低于目标")


def _rate_chart(rows: list[GridRow], target: Decimal) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "bottom": 80},
        "xAxis": {"type": "category", "data": [r.unit.name for r in rows], "axisLabel": {"rotate": 45}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "type": "bar",
                "name": _("达标率"),
                "data": [
                    {
                        "value": float((r.rate or 0) * 100),
                        "itemStyle": {"color": "#c81e1e" if r.compliance.below(target) else "#0b6e4f"},
                    }
                    for r in rows
                ],
                "markLine": {"data": [{"yAxis": float(target * 100), "name": _("目标")}], "symbol": "none"},
            }
        ],
    }


# -- officer assessment ---------------------------------------------------------------------


@dataclass
class OfficerLine:
    officer: User
    score: rules.OfficerScore


def officer_lines(user: Any, period: Period, today: dt.date | None = None) -> list[OfficerLine]:
    """Every officer the user may see, scored on the tasks they own that fell due in the period."""
    today = today or timezone.localdate()
    scoring = conf.officer_scoring()
    tasks = (
        InspectionTask.objects.visible_to(user)
        .filter(due_date__gte=period.first_day, due_date__lte=period.last_day)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("owner")
    )
    inspections = {i.task_id: i for i in Inspection.objects.filter(task__in=tasks)}
    photo_counts = Counter(
        int(owner_id)
        for owner_id in Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(Inspection),
            owner_id__in=[str(i.pk) for i in inspections.values()],
            mime_type__startswith="image/",
        ).values_list("owner_id", flat=True)
    )
    facts: defaultdict[int, list[rules.TaskFacts]] = defaultdict(list)
    owners: dict[int, User] = {}
    preparation_total = len(PreparationItem.values)
    for task in tasks:
        owners[task.owner_id] = task.owner
        inspection = inspections.get(task.pk)
        done_on = timezone.localtime(task.completed_at).date() if task.completed_at else None
        facts[task.owner_id].append(
            rules.TaskFacts(
                due=task.due_date,
                done_on=done_on if task.status == TaskStatus.DONE else None,
                checklist_assessed=inspection.assessed_items if inspection else 0,
                photos=photo_counts.get(inspection.pk, 0) if inspection else 0,
                has_location=bool(inspection and inspection.has_location),
                preparation_done=task.preparation_done,
                preparation_total=preparation_total,
            )
        )
    officers = User.objects.visible_to(user).filter(
        role__in=(Role.GRID_OFFICER, Role.DISTRICT_STAFF), is_active=True
    )
    for officer in officers:
        owners.setdefault(officer.pk, officer)
    lines = [OfficerLine(owners[pk], rules.officer_score(facts.get(pk, []), today, scoring)) for pk in owners]
    return sorted(
        lines, key=lambda line: (line.score.score is None, -(line.score.score or 0), str(line.officer))
    )


def assessment(user: Any, period: Period, today: dt.date | None = None) -> Document:
    lines = officer_lines(user, period, today)
    scoring = conf.officer_scoring()
    return Document(
        title=_("执法人员考核"),
        subtitle=period.label,
        date=timezone.localdate(),
        blocks=[
            Paragraph(
                _(
                    "得分 = 按期完成率 × %(t)s + 检查记录完整度 × %(c)s"
                    " − 逾期未完成任务数 × %(p)s（0–100分）。"
                    "完整度由检查内容填写、现场照片、定位和检查准备四部分组成。"
                )
                % {
                    "t": scoring["timeliness_points"],
                    "c": scoring["completeness_points"],
                    "p": scoring["overdue_open_penalty"],
                }
            ),
            Table(
                [
                    Column(_("执法人员")),
                    Column(_("所属")),
                    Column(_("到期任务"), ColumnKind.INTEGER),
                    Column(_("按期完成"), ColumnKind.INTEGER),
                    Column(_("逾期完成"), ColumnKind.INTEGER),
                    Column(_("逾期未完成"), ColumnKind.INTEGER),
                    Column(_("完整度"), ColumnKind.PERCENT),
                    Column(_("得分"), ColumnKind.DECIMAL, decimals=1),
                ],
                [
                    [
                        str(line.officer),
                        line.officer.org_unit.name
                        if line.officer.org_unit_id and line.officer.org_unit
                        else "",
                        line.score.due,
                        line.score.on_time,
                        line.score.late,
                        line.score.open_overdue,
                        line.score.completeness,
                        line.score.score,
                    ]
                    for line in lines
                ],
                caption=_("执法人员考核得分"),
                sheet_name=_("考核得分"),
            ),
        ],
    )
